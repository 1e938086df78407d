"""Reading a coach's folder of phone photos: which files are steps, in what order, with what text.

Coaches do not write configuration; they take photos and maybe rename them. So the order comes from
what is there, in this order of trust:
1. a step number at the start of the file name ("03 Put on the washer.jpg"): the coach chose it;
2. the moment the photo was taken (EXIF DateTimeOriginal): photos taken in working order;
3. the file's modification time: screenshots and photos whose metadata an app removed.
Numbered photos come first, by number; photos without a number follow in the order they were
taken, and the coach is told so.

Numbers and words are read from names exactly as kiosk.packs reads a zero-configuration folder
(``leading_number``), so a folder means the same thing to both. Two additions for photos straight
from a phone: a "number" of four or more digits is a camera date ("20240312_101500.jpg"), not step
20,240,312; and a camera name ("IMG_1234") gives no text, so the coach is asked to type one. Words
are tidied into a sentence (capital letter, full stop), because file names cannot end in a dot on
Windows.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from kiosk.imaging import open_picture  # also registers the HEIC opener (pillow-heif)
from kiosk.packs.pack_files import AUDIO_EXTENSIONS, IMAGE_EXTENSIONS, extension, is_ignored_name, nfc
from kiosk.packs.photo_folder import COVER_STEM, leading_number, text_from_name

HEIF_EXTENSIONS = frozenset({".heic", ".heif"})
PHOTO_EXTENSIONS = IMAGE_EXTENSIONS | HEIF_EXTENSIONS
MAX_STEP_NUMBER = 999  # larger leading numbers are dates in camera file names
# Names cameras and apps give: a known prefix directly followed by digits, or any run of 4+ digits.
_CAMERA_NAME = re.compile(
    r"^(?:img|dsc|dscn|dscf|dcim|pxl|mvimg|pict|photo|image|screenshot|_mg)[\s_\-]?\d|\d{4,}",
    re.IGNORECASE,
)
_SENTENCE_END = tuple(".!?…。！？")
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_SUBSEC_ORIGINAL = 0x9291


@dataclass(frozen=True)
class Photo:
    """One photo of the coach's folder and what its name and metadata say."""

    path: Path
    number: int | None  # step number from the file name, if it has one
    text: str  # step text from the file name ("" when the name says nothing)
    taken: datetime | None  # EXIF DateTimeOriginal
    modified: datetime  # file modification time (local time)

    @property
    def name(self) -> str:
        return nfc(self.path.name)

    @property
    def when(self) -> datetime:
        return self.taken or self.modified


@dataclass(frozen=True)
class PhotoFolder:
    """The photos of one folder in step order, plus what the coach should know about the order."""

    steps: tuple[Photo, ...]
    cover: Path | None
    recordings: dict[int, Path]  # step number from the file name -> audio file
    notes: tuple[str, ...]  # plain-words remarks about the order (shown as warnings)


def step_text_from_name(stem: str, language: str = "en") -> str:
    """The sentence a file name gives ("put_on the washer" -> "Put on the washer."); "" if none."""
    stem = nfc(stem)
    words = text_from_name(stem)
    if not words or _CAMERA_NAME.search(stem):
        return ""
    if not any(character.isalpha() for character in words):
        return ""
    words = words[0].upper() + words[1:]
    if not words.endswith(_SENTENCE_END):
        words += "。" if _is_cjk(words[-1]) or language.lower().startswith(("zh", "ja")) else "."
    return words


def split_number(name: str) -> tuple[int | None, str]:
    """The step number at the start of a file name and the words after it (None, stem if none)."""
    name = nfc(name)
    numbered = leading_number(name)
    if numbered is None or numbered[0] > MAX_STEP_NUMBER:
        return None, os.path.splitext(name)[0]
    return numbered


def read_taken_time(path: Path) -> datetime | None:
    """EXIF DateTimeOriginal (with sub-seconds, for bursts) or None. Reads the header only, and
    only of the picture formats the kiosk names (``kiosk.imaging``)."""
    try:
        with open_picture(path) as image:
            exif = image.getexif().get_ifd(_EXIF_IFD)
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    raw = exif.get(_DATETIME_ORIGINAL)
    if not isinstance(raw, str):
        return None
    try:
        taken = datetime.strptime(raw.strip().rstrip("\x00"), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    subsec = str(exif.get(_SUBSEC_ORIGINAL, "")).strip().rstrip("\x00")
    if subsec.isdigit():
        taken = taken.replace(microsecond=int(subsec[:6].ljust(6, "0")))
    return taken


def scan_photo_folder(folder: Path, language: str = "en") -> PhotoFolder:
    """Find the step photos of ``folder`` (not its sub-folders) and put them in step order."""
    photos: list[Photo] = []
    cover: Path | None = None
    recordings: dict[int, Path] = {}
    for entry in sorted(folder.iterdir(), key=lambda p: nfc(p.name)):
        if is_ignored_name(entry.name) or not entry.is_file():
            continue
        ext = extension(entry.name)
        stem = nfc(os.path.splitext(entry.name)[0])
        if ext in AUDIO_EXTENSIONS:
            number, _ = split_number(entry.name)
            if number is not None:
                recordings.setdefault(number, entry)
            continue
        if ext not in PHOTO_EXTENSIONS:
            continue
        if stem.casefold() == COVER_STEM:
            cover = entry
            continue
        number, words = split_number(entry.name)
        photos.append(
            Photo(
                path=entry,
                number=number,
                text=step_text_from_name(words, language),
                taken=read_taken_time(entry),
                modified=datetime.fromtimestamp(entry.stat().st_mtime),
            )
        )
    steps, notes = order_photos(photos)
    return PhotoFolder(tuple(steps), cover, recordings, tuple(notes))


def order_photos(photos: list[Photo]) -> tuple[list[Photo], list[str]]:
    """Numbered photos by number, then the others by the time they were taken; with remarks."""
    numbered = sorted((p for p in photos if p.number is not None), key=lambda p: (p.number, p.name))
    unnumbered = sorted((p for p in photos if p.number is None), key=lambda p: (p.when, p.name))
    notes: list[str] = []
    seen: dict[int, str] = {}
    for photo in numbered:
        if photo.number in seen:
            notes.append(
                f'"{seen[photo.number]}" and "{photo.name}" both have the number {photo.number}; '
                "they are both used, in alphabetical order."
            )
        else:
            seen[photo.number] = photo.name
    if numbered and unnumbered:
        names = ", ".join(f'"{p.name}"' for p in unnumbered)
        notes.append(
            f"These photos have no step number in their name, so they come after the numbered ones, "
            f"in the order they were taken: {names}."
        )
    without_time = [p for p in unnumbered if p.taken is None]
    if without_time and len(unnumbered) > 1:
        names = ", ".join(f'"{p.name}"' for p in without_time)
        notes.append(
            f"These photos do not say when they were taken, so the time the file was last changed "
            f"was used to place them: {names}. Check the order."
        )
    return numbered + unnumbered, notes


def _is_cjk(character: str) -> bool:
    return unicodedata.east_asian_width(character) in ("W", "F")
