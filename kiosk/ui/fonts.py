"""The kiosk's default font: one font with Chinese glyphs, so Hanzi never show as boxes.

Kivy's bundled Roboto has no CJK glyphs, and Kivy's SDL2 text provider always opens face 0 of a
``.ttc``: only fonts whose first face is Chinese (WenQuanYi, Microsoft YaHei) or single-face SC
files are listed (Debian's ``NotoSansCJK-Regular.ttc`` is Japanese at index 0, so it is not).
``STEP_KIOSK_FONT`` overrides the search (a kiosk with its own font).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

CJK_FONT_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian/Ubuntu fonts-wqy-microhei
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",  # Fedora, Arch
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # Debian fonts-wqy-zenhei
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",  # single-face SC (some distros)
    "/usr/share/fonts/noto-cjk/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/opentype/noto/NotoSansSC-Regular.otf",
    "C:/Windows/Fonts/msyh.ttc",  # Microsoft YaHei
    "/System/Library/Fonts/Supplemental/Songti.ttc",
)


def find_cjk_font() -> Path | None:
    """The first readable font from ``STEP_KIOSK_FONT`` or the known locations."""
    override = os.environ.get("STEP_KIOSK_FONT")
    candidates = ((override,) if override else ()) + CJK_FONT_CANDIDATES
    for candidate in candidates:
        path = Path(candidate)
        if path.is_file() and os.access(path, os.R_OK):
            return path
    return None


def register_default_font() -> Path | None:
    """Make the CJK font Kivy's DEFAULT_FONT (all styles); warn clearly when there is none."""
    from kivy.core.text import DEFAULT_FONT, LabelBase

    path = find_cjk_font()
    if path is None:
        log.warning(
            "No Chinese font found: Chinese text will show as boxes. Install fonts-wqy-microhei "
            "(Debian/Ubuntu) or set STEP_KIOSK_FONT to a .ttf/.otf/.ttc whose first face is Chinese."
        )
        return None
    LabelBase.register(DEFAULT_FONT, str(path), str(path), str(path), str(path))
    log.info("Default font: %s", path)
    return path
