"""UI icons from ``assets/images/icons``. A missing icon is no error: the button keeps its word."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from kiosk.paths import ASSETS_DIR

ICONS_DIR = ASSETS_DIR / "images" / "icons"

log = logging.getLogger(__name__)


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


def icon_texture(path: str) -> Any:
    """The texture for a button's icon: one of the kiosk's icons is made once and kept (see
    ``_kept_icon``); any other picture (a pack's thumbnail on "Keep going") is loaded each time and
    not kept, since packs come and go and their pictures change under the same name. None for ""
    or a picture that cannot be read (the button keeps its word)."""
    if not path:
        return None
    if Path(path).parent == ICONS_DIR:
        return _kept_icon(path)
    return _load(path)


@lru_cache(maxsize=None)
def _kept_icon(path: str) -> Any:
    """An icon's texture, kept: a button whose icon changes (Next becomes Done on a task's last
    step, Back comes back on the second) then costs a property set, not a read from disk in the
    frame of that Next (Kivy's own image cache forgets a picture a minute after its last use).
    The kiosk ships a few dozen icons, so this cache is bounded by the icons folder."""
    return _load(path)


def _load(path: str) -> Any:
    from kivy.core.image import Image as CoreImage

    try:
        return CoreImage(path, mipmap=True, nocache=True).texture
    except Exception as exc:  # noqa: BLE001 - any loader error: the button shows its word alone
        log.warning("An icon could not be loaded (%s): %s", path, exc)
        return None
