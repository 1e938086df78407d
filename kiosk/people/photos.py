"""Photo discovery, copying and downscaling for a worker's picture, off the UI thread.

Why this is in the core and not in a screen: listing three folders, comparing files and decoding a
12-megapixel photo took the trainer's person screen hundreds of milliseconds on the main thread.
Here every step is a plain function (tested without Kivy), and ``PhotoShelf`` runs them on one
worker thread and hands back ``Future``s; the screen only moves the results onto Kivy's clock.

The rules (unchanged from the screen that held them before):
- choices: the pictures in the data folder's ``people`` folder, then the newest ``PICTURES_SHOWN``
  in ``~/Pictures`` whose copy is not there yet, then the bundled pictures not copied yet;
- a picture from ``~/Pictures`` is stored as an upright JPEG of at most ``COPY_MAX_SIDE`` px named
  ``<name>-<bytes>.jpg``; any other outside picture is copied as is (a different file with the
  same name gets ``-2``, ``-3`` ...), so the journal only points at files the kiosk owns.
"""

from __future__ import annotations

import shutil
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from kiosk.atomic import replacing
from kiosk.paths import ASSETS_DIR
from kiosk.priority import background_executor

PHOTO_SUFFIXES = frozenset({".png", ".jpg", ".jpeg"})
BUNDLED_PHOTOS = ASSETS_DIR / "images" / "people"
PICTURES_SHOWN = 48  # the newest photos of ~/Pictures (a phone's whole roll would be too many)
COPY_MAX_SIDE = 1024  # a photo from ~/Pictures is stored this small (the tiles never need more)


def pictures_folder() -> Path:
    """The user's own pictures (where a trainer copies photos from a phone or camera)."""
    return Path.home() / "Pictures"


def _images(folder: Path) -> list[Path]:
    try:
        return [
            p
            for p in folder.iterdir()
            if p.suffix.lower() in PHOTO_SUFFIXES and p.is_file() and not p.name.startswith(".")
        ]
    except OSError:
        return []


def copy_name(source: Path) -> str:
    """The data folder's name for a copy of a photo from ~/Pictures (its name and size: a second
    photo with the same name from another day gets its own copy)."""
    return f"{source.stem}-{source.stat().st_size}.jpg"


def photo_choices(
    own_folder: Path, pictures: Path | None = None, bundled: Path = BUNDLED_PHOTOS, newest: int = PICTURES_SHOWN
) -> list[Path]:
    """The photos a trainer may choose from, in the order shown: the data folder's own, the newest
    ``newest`` of ``pictures`` and the bundled ones, each left out when its copy is already own."""
    own = sorted(_images(own_folder))
    names = {p.name for p in own}
    dated = []
    for path in _images(pictures if pictures is not None else pictures_folder()):
        try:
            dated.append((path.stat().st_mtime, path))
        except OSError:
            continue
    recent = [p for _, p in sorted(dated, key=lambda item: (-item[0], item[1].name))][:newest]
    recent = [p for p in recent if copy_name(p) not in names]
    shipped = [p for p in sorted(_images(bundled)) if p.name not in names]
    return own + recent + shipped


def _number_then_name(path: Path) -> tuple[int, str]:
    digits = "".join(ch for ch in path.stem if ch.isdigit())
    return (int(digits) if digits else 0, path.name)


def bundled_faces(bundled: Path = BUNDLED_PHOTOS) -> list[Path]:
    """The bundled adult faces in their order (worker-1, worker-2, ... worker-12)."""
    return sorted(_images(bundled), key=_number_then_name)


def face_for(person_id: int, bundled: Path = BUNDLED_PHOTOS) -> Path | None:
    """The face shown for a worker without a photo: one of the bundled faces by the worker's
    number, so the first twelve workers of a kiosk never share one (a worker who cannot read
    finds themselves by their face; the same grey outline for everyone helps nobody)."""
    faces = bundled_faces(bundled)
    return faces[(person_id - 1) % len(faces)] if faces else None


def shown_photo(journal: Any, person: Any) -> Path | None:
    """The picture the kiosk shows for ``person``: their photo, else their bundled face."""
    if person is None:
        return None
    return journal.photo_path(getattr(person, "photo", None)) or face_for(person.id)


def shared_photos(people: list[Any], photo_of: Any) -> dict[Path, list[str]]:
    """Photos (or faces) shown for more than one worker: {picture: [names]}, for the trainer's
    warning. ``photo_of(person)`` is the picture the kiosk shows for that person."""
    shown: dict[Path, list[str]] = {}
    for person in people:
        picture = photo_of(person)
        if picture is not None:
            shown.setdefault(Path(picture), []).append(person.name)
    return {picture: names for picture, names in shown.items() if len(names) > 1}


def camera_photo_name(folder: Path) -> Path:
    """A new, unused name for a camera picture (a count of the files would reuse the name of a
    deleted person's photo and overwrite someone else's)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = folder / f"camera-{stamp}.png"
    number = 2
    while target.exists():
        target = folder / f"camera-{stamp}-{number}.png"
        number += 1
    return target


def reduced_copy(source: Path, target: Path, max_side: int = COPY_MAX_SIDE) -> None:
    """An upright JPEG of at most ``max_side`` px (a 12-megapixel photo would waste memory),
    written beside the target first so a half-written copy is never chosen."""
    from PIL import ImageOps

    from kiosk.imaging import open_picture

    with open_picture(source) as image:  # only JPEG, PNG, WebP, HEIC: never EPS (Ghostscript)
        image.draft("RGB", (max_side, max_side))
        image = ImageOps.exif_transpose(image).convert("RGB")
        image.thumbnail((max_side, max_side))
        with replacing(target) as partial:
            image.save(partial, "JPEG", quality=88)


def _same_file(a: Path, b: Path) -> bool:
    """Equal contents, compared in blocks (never two whole photos in memory)."""
    if a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as left, b.open("rb") as right:
        while True:
            block = left.read(1 << 16)
            if block != right.read(1 << 16):
                return False
            if not block:
                return True


def adopt_photo(path: Path, own_folder: Path, pictures: Path | None = None) -> Path:
    """The kiosk's own copy of ``path`` in ``own_folder`` (made when needed); raises OSError or
    Pillow's errors when the picture cannot be read or written."""
    own_folder.mkdir(parents=True, exist_ok=True)
    pictures = pictures if pictures is not None else pictures_folder()
    parent = path.resolve().parent
    if parent == own_folder.resolve():
        return path
    if parent == pictures.resolve():
        target = own_folder / copy_name(path)
        if not target.exists():
            reduced_copy(path, target)
        return target
    target = own_folder / path.name
    number = 2
    while target.exists() and not _same_file(target, path):
        target = own_folder / f"{path.stem}-{number}{path.suffix}"
        number += 1
    if not target.exists():
        with replacing(target) as partial:
            shutil.copyfile(path, partial)
    return target


class PhotoShelf:
    """One worker thread for a person screen's photo work: listing the choices and adopting a photo.

    Jobs run one after another (a copy finishes before the next listing, so the new copy is in it).
    Results come back as ``Future``s; the caller decides on which thread to use them.
    """

    def __init__(self, own_folder: Path, pictures: Path | None = None, bundled: Path = BUNDLED_PHOTOS) -> None:
        self.own_folder = own_folder
        self.pictures = pictures
        self.bundled = bundled
        self._pool = background_executor("kiosk-photos")
        self._pending: set[Future] = set()

    @property
    def busy(self) -> bool:
        return any(not f.done() for f in self._pending)

    def _submit(self, fn, *args) -> Future:  # type: ignore[no-untyped-def]
        future = self._pool.submit(fn, *args)
        self._pending = {f for f in self._pending if not f.done()} | {future}
        return future

    def choices(self) -> Future:
        """``Future[list[Path]]``: see ``photo_choices``."""
        return self._submit(photo_choices, self.own_folder, self.pictures or pictures_folder(), self.bundled)

    def adopt(self, path: Path) -> Future:
        """``Future[Path]``: the own copy of ``path`` (see ``adopt_photo``)."""
        return self._submit(adopt_photo, path, self.own_folder, self.pictures or pictures_folder())

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
