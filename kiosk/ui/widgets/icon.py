"""UI icons from ``assets/images/icons``. A missing icon is no error: the button keeps its word."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from kiosk.paths import ASSETS_DIR

ICONS_DIR = ASSETS_DIR / "images" / "icons"


@lru_cache(maxsize=None)
def picture_or_icon(path: str, icon: str = "person") -> str:
    """A picture path for a .kv ``source``, or a neutral icon when the picture is missing or is not
    a picture the kiosk opens (Kivy's loader would hand a PostScript file to any Pillow plug-in)."""
    from kiosk.imaging import picture_format

    if path and Path(path).is_file() and picture_format(Path(path)) is not None:
        return path
    return icon_path(icon)


def icon_path(name: str) -> str:
    """The icon file for ``name`` ("next", "help" ...), or "" when it does not exist (yet)."""
    if not name:
        return ""
    path = ICONS_DIR / f"{name}.png"
    return str(path) if path.is_file() else ""


@lru_cache(maxsize=256)
def icon_texture(path: str) -> Any:
    """The texture of an icon file (mipmapped, drawn small), made once and kept: a button whose
    icon changes (Next becomes Done on a task's last step, Back comes back on the second) then
    costs a property set, not a read from disk in the frame of that Next (Kivy's own image cache
    forgets a picture a minute after its last use). The kiosk has a few dozen icons; None for "".
    """
    if not path:
        return None
    from kivy.core.image import Image as CoreImage

    return CoreImage(path, mipmap=True, nocache=True).texture
