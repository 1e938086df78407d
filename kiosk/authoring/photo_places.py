"""Where a coach's photos are on a tablet: its Pictures folder and any USB stick plugged in.

Why so few places: a coach picks photos by looking at them, not by knowing a file system. The
chooser offers the user's Pictures folder (where phones, cameras and file managers put photos)
and every mounted USB stick or card (``/media/<user>/<stick>``, ``/media/<stick>``,
``/run/media/<user>/<stick>``: where udisks and the desktop mount them), then the folders and
photos inside, the photos in the order they were taken (``kiosk.authoring.photos.order_photos``:
the same order ``kiosk pack new`` uses).

Kivy-free, and only reads: names and, for the order, the photos' EXIF headers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.authoring.photos import PHOTO_EXTENSIONS, Photo, order_photos, read_taken_time
from kiosk.packs.pack_files import extension, is_ignored_name, nfc

MOUNT_ROOTS = (Path("/media"), Path("/run/media"))
MOST_PHOTOS = 300  # a folder with more shows the newest ones (a stick with 10,000 holiday photos)


@dataclass(frozen=True)
class Place:
    """A place with photos: ``kind`` is "pictures" or "usb"; ``name`` what the coach reads."""

    kind: str
    name: str
    path: Path


@dataclass(frozen=True)
class Listing:
    folders: tuple[Path, ...]
    photos: tuple[Path, ...]  # in the order they were taken
    more: int = 0  # photos left out beyond MOST_PHOTOS


def photo_places(home: Path | None = None, mount_roots: tuple[Path, ...] = MOUNT_ROOTS) -> list[Place]:
    """The Pictures folder (if there is one) and every mounted USB stick, by name."""
    home = Path(home) if home is not None else Path.home()
    places = []
    pictures = home / "Pictures"
    if pictures.is_dir():
        places.append(Place("pictures", "Pictures", pictures))
    for stick in _mounted(mount_roots):
        places.append(Place("usb", stick.name, stick))
    return places


def list_folder(folder: Path) -> Listing:
    """The sub-folders and photos of ``folder`` (hidden files and system clutter left out)."""
    folders: list[Path] = []
    photos: list[Photo] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: nfc(entry.name).casefold())
    except OSError:
        return Listing((), ())
    for entry in entries:
        if is_ignored_name(entry.name):
            continue
        try:
            if entry.is_dir():
                folders.append(Path(entry.path))
            elif entry.is_file() and extension(entry.name) in PHOTO_EXTENSIONS:
                path = Path(entry.path)
                modified = datetime.fromtimestamp(entry.stat().st_mtime)
                photos.append(Photo(path, None, "", None, modified))
        except OSError:
            continue
    more = max(0, len(photos) - MOST_PHOTOS)
    if more:  # the newest by file time; their capture times are read below
        photos = sorted(photos, key=lambda p: p.modified)[-MOST_PHOTOS:]
    timed = [Photo(p.path, None, "", read_taken_time(p.path), p.modified) for p in photos]
    ordered, _notes = order_photos(timed)
    return Listing(tuple(folders), tuple(p.path for p in ordered), more)


def _mounted(mount_roots: tuple[Path, ...]) -> list[Path]:
    """Mounted sticks: ``/media/<stick>`` or ``/media/<user>/<stick>`` (and the same in /run/media)."""
    found: list[Path] = []
    for root in mount_roots:
        for entry in _folders(root):
            if os.path.ismount(entry):
                found.append(entry)
                continue
            found.extend(_folders(entry))  # a user's folder: udisks makes one folder per mounted stick
    return found


def _folders(folder: Path) -> list[Path]:
    try:
        return sorted(Path(e.path) for e in os.scandir(folder) if e.is_dir() and not is_ignored_name(e.name))
    except OSError:
        return []
