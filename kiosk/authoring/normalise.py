"""Turning one phone photo into a pack's step picture: upright, 1600 px, and with no metadata.

Why this is not ``kiosk.packs.images.prepare_image``: that routine makes the kiosk's *display
copies* in its cache (1280 px, quality 85, and a small upright JPEG is copied byte for byte, EXIF
and all). This one makes the pack's *own* pictures, which leave the coach's phone and are copied to
other devices: every one is encoded afresh so nothing from the camera survives: no EXIF (GPS
position, time, phone model), no XMP, no comments, no ICC profile (the colours are converted to
sRGB first, which is what the kiosk's screen shows anyway). The kiosk still makes its own display
copies from these when it loads the pack.

The coach's own photos are trusted more than a pack from elsewhere, so the pixel limit is higher
than Pillow's default (a 200-megapixel phone mode must work), but JPEGs are decoded at a reduced
scale wherever the result is still large enough, which keeps memory low.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from kiosk.authoring.photos import HEIF_EXTENSIONS
from kiosk.imaging import HEIF_SUPPORT, NOT_A_PICTURE, NotAPicture, open_picture
from kiosk.packs.pack_files import extension
from kiosk.packs.words import Msg

BOX = (1600, 1600)
QUALITY = 88
MAX_PIXELS = 250_000_000
_GPS_IFD = 0x8825
_BACKGROUND = (255, 255, 255)  # transparent screenshots are shown on white


class PhotoUnreadable(Exception):
    """A photo that cannot be turned into a step picture; ``words`` say why in plain words (in
    English as the exception's text, in the coach's language on the kiosk)."""

    def __init__(self, words: Msg) -> None:
        super().__init__(str(words))
        self.words = words


@dataclass(frozen=True)
class NormalisedPhoto:
    size: tuple[int, int]  # width, height of the saved picture
    original_size: tuple[int, int]  # as the camera stored it (before turning upright)


def normalise_photo(source: Path, target: Path) -> NormalisedPhoto:
    """Save ``source`` as an upright JPEG within 1600x1600 at ``target``, without any metadata."""
    picture, original_size = _open(source)
    try:
        picture = ImageOps.exif_transpose(picture)
        picture = _to_srgb(picture)
        picture = _flatten(picture)
        picture.thumbnail(BOX, Image.LANCZOS)
        clean = Image.new("RGB", picture.size)
        clean.paste(picture)  # a fresh image: no info, EXIF, comments or profiles carried over
        buffer = io.BytesIO()
        clean.save(buffer, "JPEG", quality=QUALITY, optimize=True, exif=b"")
    finally:
        picture.close()
    data = buffer.getvalue()
    check_no_metadata(data)
    target.write_bytes(data)
    return NormalisedPhoto(clean.size, original_size)


def check_no_metadata(data: bytes) -> None:
    """Raise AssertionError if a saved picture still carries EXIF, GPS, XMP or a profile."""
    with open_picture(io.BytesIO(data), ("JPEG",)) as saved:
        exif = saved.getexif()
        leftovers = [
            key for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment") if saved.info.get(key)
        ]
        if len(exif) or exif.get_ifd(_GPS_IFD) or leftovers:
            raise AssertionError(f"metadata left in a step picture: {leftovers or 'EXIF'}")
    if b"http://ns.adobe.com/xap/1.0/" in data or b"Exif\x00\x00" in data:
        raise AssertionError("metadata left in a step picture")


def _open(source: Path) -> tuple[Image.Image, tuple[int, int]]:
    if extension(source.name) in HEIF_EXTENSIONS and not HEIF_SUPPORT:
        raise PhotoUnreadable(_heic_advice(source, Msg("this computer cannot open iPhone photos (HEIC)")))
    previous = Image.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = MAX_PIXELS
            picture = open_picture(source)  # never EPS (Ghostscript) or any other plugin
            original_size = picture.size
            if picture.format == "JPEG":
                picture.draft("RGB", _draft_box(picture))
            picture.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoUnreadable(
            Msg('The photo "{name}" is far too large to use ({detail}).', name=source.name, detail=str(error))
        ) from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        if extension(source.name) in HEIF_EXTENSIONS:
            raise PhotoUnreadable(_heic_advice(source, str(error))) from error
        if isinstance(error, NotAPicture):
            raise PhotoUnreadable(
                Msg(
                    'The photo "{name}" cannot be opened: it is {what}. Save it as a JPEG photo, or remove it '
                    "from the folder.",
                    name=source.name,
                    what=Msg(NOT_A_PICTURE),
                )
            ) from error
        raise PhotoUnreadable(
            Msg(
                'The photo "{name}" cannot be opened: it may be damaged or not really a picture. Take it again, '
                "or remove it from the folder.",
                name=source.name,
            )
        ) from error
    finally:
        Image.MAX_IMAGE_PIXELS = previous
    return picture, original_size


def _draft_box(picture: Image.Image) -> tuple[int, int]:
    """The size JPEG decoding may scale down to: large enough that the upright picture still
    fills the 1600 box whichever way the camera stored it."""
    width, height = picture.size
    scale = max(BOX) / max(width, height)
    return (max(1, int(width * scale)), max(1, int(height * scale)))


def _to_srgb(picture: Image.Image) -> Image.Image:
    """Convert colours from the photo's profile (often Display P3 on iPhones) to plain sRGB."""
    profile = picture.info.get("icc_profile")
    if not profile or picture.mode not in ("RGB", "RGBA"):
        return picture
    try:
        source_profile = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        srgb = ImageCms.createProfile("sRGB")
        return ImageCms.profileToProfile(picture, source_profile, srgb, outputMode=picture.mode) or picture
    except (ImageCms.PyCMSError, OSError, ValueError):
        return picture  # an unreadable profile: keep the colours as stored


def _flatten(picture: Image.Image) -> Image.Image:
    if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
        rgba = picture.convert("RGBA")
        background = Image.new("RGB", rgba.size, _BACKGROUND)
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return picture if picture.mode == "RGB" else picture.convert("RGB")


def _heic_advice(source: Path, detail: str | Msg) -> Msg:
    return Msg(
        'The iPhone photo "{name}" (HEIC) could not be opened ({detail}). Send it from the iPhone as JPEG '
        "(share it by e-mail, or set Settings > Camera > Formats > Most Compatible for new photos) and put "
        "the JPEG in the folder instead.",
        name=source.name,
        detail=detail,
    )
