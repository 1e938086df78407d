"""Pictures for the report, embedded as ``data:`` URIs so the HTML file stands alone.

A report is mailed, copied to a USB stick or printed at home; a picture that points at a file on
the kiosk would be a broken square there. So every picture goes into the page itself, downsized
first: a step picture is shown a few centimetres wide, and a 1280-pixel display copy would make a
ten-task report many megabytes. A picture that cannot be read becomes the neutral placeholder,
never an error: the report is still worth having without it.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageOps

from kiosk.imaging import open_picture

#: Longest side in pixels: sharp when printed about 6 cm wide, small enough to mail.
TASK_PICTURE_PX = 360
STEP_PICTURE_PX = 320
PHOTO_PX = 320
JPEG_QUALITY = 80

_PLACEHOLDER_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120">'
    '<rect width="120" height="120" rx="12" fill="#e6e9ee"/>'
    '<rect x="26" y="32" width="68" height="56" rx="6" fill="none" stroke="#8a929c" stroke-width="5"/>'
    '<circle cx="46" cy="51" r="7" fill="#8a929c"/>'
    '<path d="M30 84 L54 62 L68 74 L78 66 L92 84 Z" fill="#8a929c"/>'
    "</svg>"
)

PLACEHOLDER_URI = "data:image/svg+xml;base64," + base64.b64encode(_PLACEHOLDER_SVG.encode()).decode()


def picture_uri(path: Path | None, longest_side: int = TASK_PICTURE_PX) -> str:
    """The picture as a ``data:`` URI, at most ``longest_side`` pixels; the placeholder when there
    is no picture or it cannot be read."""
    if path is None:
        return PLACEHOLDER_URI
    try:
        stat = Path(path).stat()
    except OSError:
        return PLACEHOLDER_URI
    return _encode(str(path), stat.st_mtime_ns, stat.st_size, longest_side) or PLACEHOLDER_URI


@lru_cache(maxsize=256)
def _encode(path: str, _mtime_ns: int, _size: int, longest_side: int) -> str | None:
    """Decode, turn upright, shrink and re-encode once per file version (a task's thumbnail
    appears both in the overview and on its own page)."""
    try:
        with open_picture(path) as image:  # only the formats we name: never EPS (Ghostscript)
            image = ImageOps.exif_transpose(image)
            image.thumbnail((longest_side, longest_side))
            transparent = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
            buffer = io.BytesIO()
            if transparent:
                image.convert("RGBA").save(buffer, "PNG", optimize=True)
                mime = "image/png"
            else:
                image.convert("RGB").save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
                mime = "image/jpeg"
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        return None
    return f"data:{mime};base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}"
