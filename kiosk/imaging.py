"""Opening a picture with only the decoders the kiosk names: JPEG, PNG, WebP and HEIC.

Why this exists: ``PIL.Image.open(path)`` tries every plugin Pillow has, whatever the file is
called. Pictures reach the kiosk from people we do not control (a pack from another workshop, a
coach's photo folder, a person photo copied from a phone), and a few of Pillow's plugins are not
safe on such files: the EPS/PostScript plugin runs Ghostscript, an interpreter for a programming
language, as soon as the picture is decoded. A PostScript file named ``01 Wash.jpg`` would be run.
So every place that decodes a picture goes through :func:`open_picture`, which passes Pillow the
short list below; anything else is :class:`NotAPicture`, a plain problem ("not a picture the kiosk
can show"), never a decoder we did not choose.

The list is defined here once. ``PACK_PICTURE_FORMATS`` is the narrower list a step pack may hold
(the pack format allows .jpg, .png and .webp, so a pack works on every device that shows it);
HEIC is only for photos straight from an iPhone, which ``kiosk pack new`` and the person photos
turn into JPEG copies.

Kivy-free, like every package outside ``kiosk/ui``.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Iterable

from PIL import Image, UnidentifiedImageError

try:  # iPhone photos (HEIC): Pillow opens them once pillow-heif has registered its "HEIF" opener.
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIF_SUPPORT = True
except ImportError:  # pragma: no cover - pillow-heif is a dependency; kept for odd installs
    HEIF_SUPPORT = False

#: Pillow plug-ins that hand a file to another program (EPS and PostScript: Ghostscript). They are
#: switched off for the whole process when this module is imported, so that a path which does not
#: come through open_picture (Kivy's own Pillow image loader, behind ``Image(source=...)``) cannot
#: reach them either.
UNSAFE_FORMATS: tuple[str, ...] = ("EPS",)


def _switch_off_unsafe_plugins() -> None:
    """Unregister UNSAFE_FORMATS from Pillow (opening, identifying and their file extensions).
    ``Image.init()`` first, because Pillow imports its plug-ins lazily and would register them
    again on their first import; after ``init()`` it never imports them again."""
    Image.init()
    for name in UNSAFE_FORMATS:
        Image.OPEN.pop(name, None)
        if name in Image.ID:
            Image.ID.remove(name)
        for extension, owner in list(Image.EXTENSION.items()):
            if owner == name:
                del Image.EXTENSION[extension]


_switch_off_unsafe_plugins()

#: Every picture format the kiosk decodes anywhere. Pillow's name for HEIC is "HEIF" (pillow-heif).
#: (The JPEG opener also opens the multi-picture JPEGs some phones write; Pillow then calls them MPO.)
PICTURE_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "WEBP", "HEIF") if HEIF_SUPPORT else ("JPEG", "PNG", "WEBP")
#: The formats a step pack may hold (the pack format's .jpg, .png and .webp).
PACK_PICTURE_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "WEBP")
#: What the kiosk says about any other file, in plain words.
NOT_A_PICTURE = "not a picture the kiosk can show (JPEG, PNG, WebP or iPhone HEIC)"

Source = str | Path | IO[bytes]


class NotAPicture(UnidentifiedImageError):
    """The file is none of the named formats (random bytes, PostScript, TIFF, GIF ...).

    A subclass of Pillow's ``UnidentifiedImageError`` (an ``OSError``), so code that already
    treats an unreadable picture as an ``OSError`` keeps working."""


def open_picture(source: Source, formats: Iterable[str] = PICTURE_FORMATS) -> Image.Image:
    """``Image.open`` limited to ``formats`` (a subset of PICTURE_FORMATS; the header is read,
    the pixels are decoded later by ``load()``). Raises NotAPicture for any other file, and
    ValueError when a caller asks for a format outside the list (the list is widened here or
    nowhere)."""
    wanted = _checked(formats)
    try:
        return Image.open(source, formats=wanted)
    except UnidentifiedImageError as error:
        name = getattr(source, "name", source)
        shown = Path(name).name if isinstance(name, (str, Path)) else "the file"
        raise NotAPicture(f"{shown} is {NOT_A_PICTURE}") from error


def picture_format(path: Source, formats: Iterable[str] = PICTURE_FORMATS) -> str | None:
    """The Pillow format name of the picture at ``path`` (or in an open binary file) ("JPEG", "PNG" ...), or None when it is
    not one the kiosk shows or cannot be read. Reads the header only: cheap enough to ask before
    handing a path to something that would decode it with every plugin (Kivy's ``Image``)."""
    wanted = _checked(formats)
    try:
        with open_picture(path, wanted) as picture:
            return picture.format
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None


def _checked(formats: Iterable[str]) -> tuple[str, ...]:
    wanted = tuple(name.upper() for name in formats)
    unknown = [name for name in wanted if name not in PICTURE_FORMATS]
    if unknown or not wanted:
        raise ValueError(f"not a picture format the kiosk decodes: {unknown or 'none given'}")
    return wanted
