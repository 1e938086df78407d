"""Preparing a pack's pictures for the screen, once, ahead of time.

A phone photo is 12 megapixels; decoding one takes ~130 ms and ~50 MB, far too slow to do when a
worker taps "Next". So while a pack is loaded, every picture is decoded once, turned upright (phone
photos are stored sideways with an EXIF "orientation" note) and saved as a screen-sized copy:

    <cache>/images/<sha256 of the picture's bytes>/display.jpg   (or .png when it is transparent)
    <cache>/images/<sha256 of the picture's bytes>/thumb.jpg     (the pack's tile picture only)

Keying by the picture's own bytes means the same photo is prepared once however many packs use it,
and a changed photo gets a new copy. Pillow's protection against decompression bombs stays on: a
picture with absurd dimensions is refused, never decoded.

When the copies are made (``copies(...)``, set by whoever loads the pack):

- ``Copies.NOW`` (the default: ``kiosk pack build``, tests): while the pack is loaded.
- ``Copies.LATER`` (the kiosk's scan): a picture larger than the screen is only checked from its
  header (format, size: a decompression bomb is still refused) and its copies are made afterwards
  by ``make_copies``, the first steps first, in the background. Why: a 200-step pack of phone
  photos took 13 s to prepare, and its tile did not appear before every copy was made; now it
  appears after the scan, which reads and hashes the files. Until its copy exists a step shows the
  pack's own picture, decoded at display size (``Pack.display_image`` falls back to it), and a
  picture found damaged while its copy is made sends the pack back to a full check
  (``kiosk.packs.library``). Small pictures are prepared at once: that costs milliseconds.
- ``Copies.NEVER`` (``kiosk pack validate``): every picture is decoded at a reduced size (JPEG's
  1/8 scale), which finds a damaged or truncated file without making or writing any copy.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import enum
import io
import os
import re
import threading
import uuid
import warnings
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from PIL import Image, ImageOps

from kiosk.imaging import PACK_PICTURE_FORMATS, open_picture

DISPLAY_BOX = (1280, 1280)
THUMBNAIL_BOX = (400, 400)
JPEG_QUALITY = 85
_ORIENTATION_TAG = 0x0112
# Only the formats packs may hold are ever decoded, whatever a file is called: Pillow would
# otherwise try every plugin it has, including EPS, which runs Ghostscript (see kiosk.imaging).
DECODED_FORMATS = PACK_PICTURE_FORMATS
# Formats and modes that screens show as they are: a small, upright picture in one of these is
# copied byte for byte instead of being encoded again (faster, and no quality is lost).
_COPYABLE = {"JPEG": ({"RGB", "L"}, ".jpg"), "PNG": ({"RGB", "RGBA", "L", "LA", "P"}, ".png")}


class Copies(enum.Enum):
    """When display copies are made (see the module)."""

    NOW = "now"
    LATER = "later"
    NEVER = "never"


_COPIES: ContextVar[Copies] = ContextVar("kiosk_pack_copies", default=Copies.NOW)


_LEFT_FOR_LATER: ContextVar[set[str] | None] = ContextVar("kiosk_pack_copies_left", default=None)


@contextmanager
def copies(mode: Copies) -> Iterator[set[str]]:
    """Load packs in this block (this thread) with ``mode``: a context variable rather than an
    argument because ``load_pack`` is called by many and only the scan and validate choose.
    Yields the pictures (their sha256) whose copies the block left for later: when it stays empty,
    every copy a loaded pack needs exists, and the library need not look for each one again."""
    left: set[str] = set()
    token, left_token = _COPIES.set(mode), _LEFT_FOR_LATER.set(left)
    try:
        yield left
    finally:
        _LEFT_FOR_LATER.reset(left_token)
        _COPIES.reset(token)


def _left_for_later(cache_dir: Path, digest: str, suffix: str, with_thumbnail: bool) -> PreparedImage:
    left = _LEFT_FOR_LATER.get()
    if left is not None:
        left.add(digest)
    return planned(cache_dir, digest, suffix, with_thumbnail)


class ImageRefused(Exception):
    """The picture cannot be used. ``pixels`` is set when it was refused for its size (0 when
    Pillow refused it without telling the size)."""

    def __init__(self, detail: str, *, pixels: int | None = None) -> None:
        super().__init__(detail)
        self.pixels = pixels

    @property
    def too_large(self) -> bool:
        return self.pixels is not None


@dataclass(frozen=True)
class PreparedImage:
    display: Path
    thumbnail: Path | None


def prepared_folder(cache_dir: Path, digest: str) -> Path:
    return cache_dir / "images" / digest


def find_prepared(
    cache_dir: Path, digest: str, with_thumbnail: bool, *, png_first: bool = False
) -> PreparedImage | None:
    """The copies made earlier for this picture, or None if they still have to be made.
    ``png_first``: look for a ``.png`` copy first (the picture is a PNG, whose copy usually keeps
    the format), so the common case costs one ``stat`` per copy, not two. Plain strings until a
    copy is found: this runs for every picture of every first scan."""
    folder = f"{os.fspath(cache_dir)}{os.sep}images{os.sep}{digest}{os.sep}"  # a digest is hex: no join needed
    suffixes = (".png", ".jpg") if png_first else (".jpg", ".png")
    display = _existing(folder + "display", suffixes)
    if display is None:
        return None
    if not with_thumbnail:
        return PreparedImage(Path(display), None)
    thumbnail = _existing(folder + "thumb", suffixes)
    return PreparedImage(Path(display), Path(thumbnail)) if thumbnail is not None else None


def _existing(base: str, suffixes: tuple[str, str]) -> str | None:
    for suffix in suffixes:
        if os.path.isfile(base + suffix):
            return base + suffix
    return None


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def prepare_image(
    data: bytes, digest: str, cache_dir: Path, *, with_thumbnail: bool, max_pixels: int | None = None
) -> PreparedImage:
    """Make (or find) the display copy, and the tile copy when asked; raise ImageRefused when the
    picture cannot be decoded or is absurdly large. ``max_pixels`` defaults to Pillow's limit.
    Under ``Copies.LATER`` / ``NEVER`` (see the module) the paths returned may not exist yet."""
    existing = find_prepared(cache_dir, digest, with_thumbnail, png_first=data.startswith(_PNG_SIGNATURE))
    if existing is not None:
        return existing
    mode = _COPIES.get()
    if mode is not Copies.NOW:
        header = _header(data, max_pixels)
        if mode is Copies.NEVER:
            _check_reduced(data)
            return _left_for_later(cache_dir, digest, header.suffix, with_thumbnail)
        if not header.fits:
            return _left_for_later(cache_dir, digest, header.suffix, with_thumbnail)
    return make_copies(data, digest, cache_dir, with_thumbnail=with_thumbnail, max_pixels=max_pixels)


def make_copies(
    data: bytes, digest: str, cache_dir: Path, *, with_thumbnail: bool, max_pixels: int | None = None
) -> PreparedImage:
    """Decode ``data`` at display size and write its copies now (whatever the mode)."""
    existing = find_prepared(cache_dir, digest, with_thumbnail)
    if existing is not None:
        return existing
    try:
        return _make_copies(data, digest, cache_dir, with_thumbnail, max_pixels)
    finally:
        give_back_memory()  # the decoded picture is garbage by now


def _make_copies(
    data: bytes, digest: str, cache_dir: Path, with_thumbnail: bool, max_pixels: int | None
) -> PreparedImage:
    decoded = _decode(data, max_pixels)
    folder = prepared_folder(cache_dir, digest)
    folder.mkdir(parents=True, exist_ok=True)
    display_path, display = _save_fitted(decoded, _upright(decoded), DISPLAY_BOX, folder, "display")
    thumbnail_path = None
    if with_thumbnail:
        thumbnail_path, _ = _save_fitted(decoded, display, THUMBNAIL_BOX, folder, "thumb")
    return PreparedImage(display_path, thumbnail_path)


def planned(cache_dir: Path, digest: str, suffix: str, with_thumbnail: bool) -> PreparedImage:
    """Where ``make_copies`` will put the copies of a picture larger than the screen (it is
    resized, so it is never copied byte for byte: PNG when transparent, else JPEG)."""
    folder = prepared_folder(cache_dir, digest)
    return PreparedImage(folder / f"display{suffix}", folder / f"thumb{suffix}" if with_thumbnail else None)


@dataclass(frozen=True)
class _Header:
    fits: bool  # within DISPLAY_BOX: copied or re-encoded at once, cheaply
    suffix: str  # of the copies when it does not fit


def _header(data: bytes, max_pixels: int | None) -> _Header:
    """What the header says (no pixel is decoded): refused for a format outside the list or a
    size beyond the limit, exactly as a full decode would refuse it."""
    limit = Image.MAX_IMAGE_PIXELS if max_pixels is None else max_pixels
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with open_picture(io.BytesIO(data), DECODED_FORMATS) as picture:
                width, height = picture.size
                if limit is not None and width * height > limit:
                    raise ImageRefused(f"{width} x {height} pixels", pixels=width * height)
                alpha = has_alpha(picture)
        except ImageRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            stated = re.search(r"\((\d+) pixels\)", str(error))
            raise ImageRefused(str(error), pixels=int(stated.group(1)) if stated else 0) from error
        except Exception as error:  # Pillow raises many kinds for damaged headers
            raise ImageRefused(str(error) or type(error).__name__) from error
    fits = width <= DISPLAY_BOX[0] and height <= DISPLAY_BOX[1]
    return _Header(fits, ".png" if alpha else ".jpg")


def _check_reduced(data: bytes) -> None:
    """Decode every byte of the picture's data at the smallest size its format allows (JPEG: 1/8
    of each side): a damaged or cut-off file fails here as it would in a full decode."""
    try:
        with open_picture(io.BytesIO(data), DECODED_FORMATS) as picture:
            if picture.format in ("JPEG", "MPO"):
                picture.draft(picture.mode if picture.mode in ("RGB", "L") else None, (1, 1))
            picture.load()
    except MemoryError as error:
        raise ImageRefused("not enough memory to open it", pixels=0) from error
    except Exception as error:
        raise ImageRefused(str(error) or type(error).__name__) from error
    finally:
        give_back_memory()


@lru_cache(maxsize=1)
def _glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc (it has ``malloc_trim`` and ``mallopt``); None elsewhere
    (musl, macOS, Windows), where the allocator tuning below does nothing."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    if not (hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt")):
        return None
    libc.malloc_trim.argtypes = [ctypes.c_size_t]
    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return libc


def give_back_memory() -> None:
    """Hand freed memory back to the system (glibc ``malloc_trim``). Why: a decode allocates
    buffers of several MB; glibc keeps them for the process after they are freed, so a kiosk that
    decodes photos all day grows by tens of MB (measured: 50-60 MB over 200 photos) though it
    holds none of them. ``malloc_trim`` walks every arena (each decoding thread has its own) once
    and returns their free pages: 1-2 ms."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameters (malloc.h)
M_TRIM_THRESHOLD = -1
TRIM_THRESHOLD = 128 << 10  # glibc's default, which a fixed mmap threshold leaves in place
BIG_BLOCK = 1 << 20  # blocks from this size on are the system's own pages, returned when freed


def tune_allocator() -> bool:
    """Serve every block of 1 MiB or more straight from the system and return it the moment it
    is freed (True when done: glibc only). Why: glibc raises its mmap threshold to the size of the
    largest block freed (up to 32 MiB), so after the first photo the decode and texture buffers
    (3-48 MB each) come from the heap, where freed blocks stay resident until a trim, and stay
    fragmented between the trims. Fixing the threshold turns that off; the price is a page fault
    per 4 KiB of each new big buffer, off the main thread for decodes. Measured with
    ``bench/memory.py`` (docs/ui.md, "Memory")."""
    global _tuned
    libc = _glibc()
    _tuned = libc is not None and bool(libc.mallopt(M_MMAP_THRESHOLD, BIG_BLOCK))
    return _tuned


_tuned = False  # tune_allocator has fixed the threshold (the kiosk)
_bulk_lock = threading.Lock()
_bulk_readers = 0  # reading_in_bulk blocks open now
BULK_THRESHOLD = 32 << 20  # glibc's largest mmap threshold on 64-bit systems


@contextmanager
def reading_in_bulk() -> Iterator[None]:
    """Let the allocator reuse big blocks while a new pack's files are read one after the other.

    Why: with the threshold fixed at ``BIG_BLOCK`` (``tune_allocator``, the kiosk) every file read
    whole is fresh pages from the system, a page fault per 4 KiB: measured in the kiosk, reading
    and hashing a 200-photo pack took 2.5 times as long as in a plain process (10 ms a photo
    against 4), which held its tile back by half a second. Within this block blocks up to 32 MiB
    come from the heap and are reused file after file; when the last block ends the threshold is
    fixed again and the freed pages are handed back (``give_back_memory``), so the kiosk's memory
    ends where it was. Does nothing where the threshold was never fixed (glibc then adjusts it
    itself) or without glibc."""
    global _bulk_readers
    libc = _glibc() if _tuned else None
    if libc is None:
        yield
        return
    with _bulk_lock:
        _bulk_readers += 1
        if _bulk_readers == 1:  # as glibc's own adjustment would: the heap keeps twice that
            libc.mallopt(M_MMAP_THRESHOLD, BULK_THRESHOLD)
            libc.mallopt(M_TRIM_THRESHOLD, 2 * BULK_THRESHOLD)
    try:
        yield
    finally:
        with _bulk_lock:
            _bulk_readers -= 1
            if _bulk_readers == 0:
                libc.mallopt(M_MMAP_THRESHOLD, BIG_BLOCK)
                libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
        give_back_memory()


@dataclass
class _Decoded:
    picture: Image.Image
    data: bytes
    orientation: int
    scaled_while_decoding: bool


def _decode(data: bytes, max_pixels: int | None) -> _Decoded:
    limit = Image.MAX_IMAGE_PIXELS if max_pixels is None else max_pixels
    with warnings.catch_warnings():
        # Pillow only warns between its limit and twice its limit; for the kiosk both are refusals.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            picture = open_picture(io.BytesIO(data), DECODED_FORMATS)
            width, height = picture.size
            if limit is not None and width * height > limit:
                raise ImageRefused(f"{width} x {height} pixels", pixels=width * height)
            orientation = _orientation(picture)
            if picture.format in ("JPEG", "MPO"):
                # Let the JPEG decoder scale down by 1/2, 1/4 or 1/8 while decoding: a phone photo
                # then decodes in a fraction of the time and memory.
                picture.draft("RGB" if picture.mode == "RGB" else None, DISPLAY_BOX)
            picture.load()
        except ImageRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            stated = re.search(r"\((\d+) pixels\)", str(error))
            raise ImageRefused(str(error), pixels=int(stated.group(1)) if stated else 0) from error
        except MemoryError as error:
            raise ImageRefused("not enough memory to open it", pixels=0) from error
        except Exception as error:  # Pillow raises many kinds for damaged files
            raise ImageRefused(str(error) or type(error).__name__) from error
    return _Decoded(picture, data, orientation, scaled_while_decoding=picture.size != (width, height))


def _orientation(picture: Image.Image) -> int:
    try:
        value = picture.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # a damaged EXIF block: show the picture as stored
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _upright(decoded: _Decoded) -> Image.Image:
    if decoded.orientation == 1:
        return decoded.picture
    try:
        return ImageOps.exif_transpose(decoded.picture)
    except Exception:
        return decoded.picture


def has_alpha(picture: Image.Image) -> bool:
    """Whether a picture may have see-through pixels (an alpha band or a transparent colour)."""
    return picture.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in picture.info


def _save_fitted(
    decoded: _Decoded, picture: Image.Image, box: tuple[int, int], folder: Path, stem: str
) -> tuple[Path, Image.Image]:
    """Save ``picture`` fitted within ``box``; returns the file and the fitted picture."""
    fits = picture.width <= box[0] and picture.height <= box[1]
    copyable = _COPYABLE.get(decoded.picture.format or "")
    if (
        fits
        and copyable is not None
        and picture is decoded.picture  # upright as stored, and not yet changed
        and not decoded.scaled_while_decoding
        and picture.mode in copyable[0]
    ):
        return _write(folder / f"{stem}{copyable[1]}", decoded.data), picture
    fitted = _displayable(picture)
    if not fits:
        fitted = fitted.copy() if fitted is picture else fitted
        fitted.thumbnail(box, Image.LANCZOS)
    buffer = io.BytesIO()
    if fitted.mode == "RGBA":
        fitted.save(buffer, "PNG")
        suffix = ".png"
    else:
        fitted.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
        suffix = ".jpg"
    return _write(folder / f"{stem}{suffix}", buffer.getvalue()), fitted


def _displayable(picture: Image.Image) -> Image.Image:
    """RGBA when the picture is transparent (saved as PNG), else RGB (saved as JPEG)."""
    if has_alpha(picture):
        return picture if picture.mode == "RGBA" else picture.convert("RGBA")
    if picture.mode == "RGB":
        return picture
    if picture.mode in ("I", "I;16", "I;16B", "I;16L", "F"):  # 16-bit and float PNG/TIFF data
        picture = picture.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    return picture.convert("RGB")


def _write(path: Path, data: bytes) -> Path:
    """Write atomically: a reader never sees half a picture, even if two loaders race. Not through
    ``kiosk.atomic``: a cached copy is derived data, so it is not fsync'ed (a lost copy is made
    again), which keeps a library scan fast; a failed write leaves nothing behind."""
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path
