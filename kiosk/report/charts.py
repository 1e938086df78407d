"""The report's two charts as small, self-contained inline SVG strings.

Why hand-drawn SVG: the report must be one file with nothing fetched (no chart library, no
script), print crisply at any size, and read in black and white. So meaning is never carried by
colour alone: the weeks are labelled under the plot, values are written next to the marks, runs
done completely alone are drawn as stars (a shape, not a colour), and the percent axis always runs
0–100 % so two tasks' charts can be compared at a glance.

Both charts share one x layout (``kiosk.report.scales``): week ``i`` owns the same band in both, so
"times done" sits right under "done alone" for the same week.

The strings are meant to be inlined in HTML, so they carry no ``xmlns`` (HTML does not need it, and
the report then holds no URL at all); add ``xmlns="http://www.w3.org/2000/svg"`` to save one as a
stand-alone .svg file.
"""

from __future__ import annotations

import math
from html import escape
from typing import Sequence

from kiosk.report import scales
from kiosk.report.strings import format_percent
from kiosk.report.view_model import RunPoint, WeekBar

WIDTH = 640
LEFT = 56  # room for "100%" on the y axis
RIGHT = 14
PLOT_W = WIDTH - LEFT - RIGHT

INK = "#1b2f45"  # lines, markers, bars: nearly black, prints dark in grey
FAINT = "#c9ced6"  # grid lines
BAND = "#eef1f5"  # every other week's background band
MUTED = "#5b6470"  # axis labels


def _x(fraction: float) -> float:
    return LEFT + fraction * PLOT_W


def _fmt(value: float) -> str:
    """Short, stable numbers in the SVG (no 12.000000001)."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg_open(height: int, label: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title>"
    )


def _week_labels(weeks: Sequence[WeekBar], y: float) -> list[str]:
    parts = []
    for index, week in enumerate(weeks):
        if not week.label:
            continue
        weight = "700" if week.current else "400"
        fill = INK if week.current else MUTED
        parts.append(
            f'<text x="{_fmt(_x(scales.band_center(index, len(weeks))))}" y="{_fmt(y)}" font-size="13" '
            f'font-weight="{weight}" fill="{fill}" text-anchor="middle">{escape(week.label)}</text>'
        )
    return parts


def star_points(cx: float, cy: float, outer: float, inner: float | None = None) -> str:
    """The corners of a five-pointed star, for an SVG ``polygon``."""
    inner = outer * 0.45 if inner is None else inner
    corners = []
    for k in range(10):
        radius = outer if k % 2 == 0 else inner
        angle = -math.pi / 2 + k * math.pi / 5
        corners.append(f"{_fmt(cx + radius * math.cos(angle))},{_fmt(cy + radius * math.sin(angle))}")
    return " ".join(corners)


def independence_chart_svg(
    points: Sequence[RunPoint],
    weeks: Sequence[WeekBar],
    *,
    language: str = "en",
    label: str = "Steps done alone, each time",
    empty_text: str = "",
) -> str:
    """Share of steps done alone in each finished run: a line with a marker per run, 0–100 %.

    A run done entirely alone gets a star; the first and the last run have their value written
    beside them, so the chart answers "better than before?" without reading the axis.
    """
    height, top, bottom = 196, 30, 158
    plot_h = bottom - top
    n = max(1, len(weeks))

    def y(share: float) -> float:
        return bottom - min(max(share, 0.0), 1.0) * plot_h

    parts = [_svg_open(height, label)]
    for index in range(1, n, 2):  # alternate week bands: tells the weeks apart without colour
        x0, x1 = _x(index / n), _x((index + 1) / n)
        parts.append(f'<rect x="{_fmt(x0)}" y="{top}" width="{_fmt(x1 - x0)}" height="{plot_h}" fill="{BAND}"/>')
    for tick in scales.PERCENT_TICKS:
        dash = "" if tick in scales.PERCENT_LABELS else ' stroke-dasharray="4 4"'
        colour = MUTED if tick == 0 else FAINT
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_fmt(y(tick))}" y2="{_fmt(y(tick))}" '
            f'stroke="{colour}" stroke-width="1"{dash}/>'
        )
        if tick in scales.PERCENT_LABELS:
            parts.append(
                f'<text x="{LEFT - 8}" y="{_fmt(y(tick) + 5)}" font-size="13" fill="{MUTED}" '
                f'text-anchor="end">{escape(format_percent(language, tick))}</text>'
            )
    parts.extend(_week_labels(weeks, height - 18))

    if not points:
        parts.append(
            f'<text x="{_fmt(_x(0.5))}" y="{_fmt(top + plot_h / 2)}" font-size="16" fill="{MUTED}" '
            f'text-anchor="middle">{escape(empty_text)}</text>'
        )
    else:
        coords = [(_x(p.x), y(p.independence)) for p in points]
        size = _marker_size([cx for cx, _ in coords])
        if len(coords) > 1:
            path = " ".join(f"{_fmt(cx)},{_fmt(cy)}" for cx, cy in coords)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{INK}" stroke-width="{_fmt(size * 0.4)}" '
                'stroke-linejoin="round" stroke-linecap="round"/>'
            )
        for point, (cx, cy) in zip(points, coords):
            if point.independence >= 1.0 - 1e-9:
                parts.append(
                    f'<polygon class="star" points="{star_points(cx, cy, size * 1.6)}" fill="{INK}" '
                    'stroke="#ffffff" stroke-width="1.5" stroke-linejoin="round"/>'
                )
            else:
                parts.append(
                    f'<circle cx="{_fmt(cx)}" cy="{_fmt(cy)}" r="{_fmt(size)}" fill="#ffffff" '
                    f'stroke="{INK}" stroke-width="3"/>'
                )
        labelled = [0, len(points) - 1] if len(points) > 1 else [0]
        for index in labelled:
            parts.append(_value_label(points, coords, index, top, bottom))
    parts.append("</svg>")
    return "".join(parts)


def _marker_size(xs: Sequence[float]) -> float:
    """Markers as big as possible (7 units) but small enough that neighbours stay apart."""
    gaps = [b - a for a, b in zip(xs, xs[1:]) if b > a]
    if not gaps:
        return 7.0
    return max(4.5, min(7.0, min(gaps) * 0.6))


def _value_label(
    points: Sequence[RunPoint], coords: Sequence[tuple[float, float]], index: int, top: float, bottom: float
) -> str:
    """The value written beside the first or the last run, on the side away from the line:
    below the point when its neighbour is higher, above otherwise (and always inside the plot)."""
    cx, cy = coords[index]
    neighbour = index + 1 if index == 0 else index - 1
    below = 0 <= neighbour < len(coords) and coords[neighbour][1] < cy - 2
    if below and cy + 26 > bottom:
        below = False
    y = cy + 27 if below else cy - 14
    y = max(y, top - 12)
    if len(points) == 1:
        anchor, dx = "middle", 0
    elif index == 0:
        anchor, dx = "start", 4
    else:
        anchor, dx = "end", -4
    return (
        f'<text class="value" x="{_fmt(cx + dx)}" y="{_fmt(y)}" font-size="17" font-weight="700" '
        f'fill="{INK}" text-anchor="{anchor}" stroke="#ffffff" stroke-width="4" paint-order="stroke">'
        f"{escape(points[index].label)}</text>"
    )


def runs_per_week_svg(
    weeks: Sequence[WeekBar],
    *,
    label: str = "Times done each week",
) -> str:
    """Finished runs per week as bars, each with its number written on top (0 included)."""
    height, top, bottom = 142, 26, 112
    plot_h = bottom - top
    n = max(1, len(weeks))
    ceiling = scales.nice_ceiling(max((week.runs for week in weeks), default=0))
    bar_w = min(56.0, PLOT_W / n * 0.56)
    big, small = (17, 14) if n <= 12 else (12, 10)  # many weeks: narrower bands, smaller numbers

    parts = [_svg_open(height, label)]
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{bottom}" y2="{bottom}" stroke="{MUTED}" stroke-width="1.5"/>'
    )
    for index, week in enumerate(weeks):
        cx = _x(scales.band_center(index, n))
        if week.runs > 0:
            bar_h = max(3.0, week.runs / ceiling * plot_h)
            parts.append(
                f'<rect class="bar" x="{_fmt(cx - bar_w / 2)}" y="{_fmt(bottom - bar_h)}" width="{_fmt(bar_w)}" '
                f'height="{_fmt(bar_h)}" rx="3" fill="{INK}"/>'
            )
            value_y, weight, fill, size = bottom - bar_h - 7, "700", INK, big
        else:
            value_y, weight, fill, size = bottom - 7, "400", MUTED, small
        if n <= 16 or week.runs > 0:
            parts.append(
                f'<text class="value" x="{_fmt(cx)}" y="{_fmt(value_y)}" font-size="{size}" font-weight="{weight}" '
                f'fill="{fill}" text-anchor="middle">{week.runs}</text>'
            )
    parts.extend(_week_labels(weeks, height - 14))
    parts.append("</svg>")
    return "".join(parts)
