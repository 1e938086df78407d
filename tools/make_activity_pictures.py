"""Regenerate the day plan's everyday activity pictures (kiosk/assets/images/activities/).

    .venv/bin/python tools/make_activity_pictures.py

384x384 PNG, transparent, each OpenMoji pictogram (CC BY-SA 4.0) scaled to the same visual size,
like the button icons (tools/make_icons.py), so a plan's cards look like one calm set. Which
pictogram stands for which activity is listed in ``kiosk.plan.pictures.ACTIVITY_PICTURES``: the
plan file format names them, this tool only draws them. People are drawn in OpenMoji's
medium-light skin tone, as the hands of the sample packs. Dev-only: needs the ``dev`` extras.
"""

from __future__ import annotations

import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
ROOT = TOOLS.parent
sys.path.insert(0, str(TOOLS))
sys.path.insert(0, str(ROOT))

import make_icons  # noqa: E402
from scene import SKIN_TONE, emoji_body, save_png  # noqa: E402

from kiosk.plan.pictures import ACTIVITIES_DIR, ACTIVITY_PICTURES  # noqa: E402

SIZE = 384
MARGIN = 24
#: Pictograms of people get a skin tone (OpenMoji's own variants), not emoji yellow.
WITH_SKIN_TONE = {"1F6B6"}


def picture(code: str):  # noqa: ANN201 - a PIL image
    if code in WITH_SKIN_TONE:
        code = f"{code}-{SKIN_TONE}"
    body = emoji_body(code)
    x, y, w, h = make_icons.content_box(body)
    side = max(w, h) * SIZE / (SIZE - 2 * MARGIN)
    view = (x + w / 2 - side / 2, y + h / 2 - side / 2, side, side)
    return make_icons._render(make_icons._svg(body, view, (SIZE, SIZE)))  # noqa: SLF001 - the icons' own renderer


def main() -> int:
    ACTIVITIES_DIR.mkdir(parents=True, exist_ok=True)
    for name, code in ACTIVITY_PICTURES.items():
        save_png(picture(code), ACTIVITIES_DIR / f"{name}.png")
    print(f"{len(ACTIVITY_PICTURES)} activity pictures in {ACTIVITIES_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
