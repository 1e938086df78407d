"""`kiosk pack new`: a folder of phone photos becomes a pack folder with a pack.yaml.

What the coach gets: pictures 01.jpg, 02.jpg ... (upright, screen-sized, no location or other
metadata), recordings with a step number copied next to them, and a pack.yaml that lists the steps
with the sentences taken from the file names, a TODO marker where a sentence is still missing.

The photo folder is only ever read. The pack is assembled in a hidden folder next to its final
place and renamed at the end, so a failure (an unreadable photo, a full disk) leaves nothing
half-made behind, and an existing pack is never overwritten.
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from kiosk.authoring.normalise import PhotoUnreadable, normalise_photo
from kiosk.authoring.packyaml import render_pack_yaml, write_pack_yaml
from kiosk.authoring.photos import PhotoFolder, scan_photo_folder
from kiosk.packs.languages import normalise_language_tag
from kiosk.packs.loader import slugify
from kiosk.packs.pack_files import extension, nfc
from kiosk.packs.photo_folder import title_from_name

Report = Callable[[int, int, str], None]  # (item number, items in all, what is being done)


class PackNewError(Exception):
    """The pack cannot be made; the message tells the coach why and what to do."""


@dataclass
class NewPackResult:
    folder: Path
    pack_id: str
    steps: int
    missing_text: list[int] = field(default_factory=list)  # step numbers needing a sentence
    notes: list[str] = field(default_factory=list)  # plain-words remarks for the coach


def default_output(photos: Path, pack_id: str) -> Path:
    """Next to the photo folder, named after the pack; never the photo folder itself."""
    return photos.resolve().parent / f"{pack_id}-pack"


def make_pack(
    photos: Path,
    out: Path | None = None,
    *,
    title: str | None = None,
    language: str = "en",
    report: Report | None = None,
) -> NewPackResult:
    """Make a pack folder from the photos in ``photos``; raise PackNewError with advice if not."""
    photos = Path(photos)
    if not photos.is_dir():
        raise PackNewError(f'"{photos}" is not a folder. Give the folder that holds the photos.')
    tag = normalise_language_tag(language or "")
    if tag is None:
        raise PackNewError(f'"{language}" is not a language code. Use a code like en, de or zh.')
    folder_title = title_from_name(nfc(photos.resolve().name))
    pack_title = (title or "").strip() or folder_title
    pack_id = slugify(pack_title)
    target = Path(out) if out is not None else default_output(photos, pack_id)
    _check_target(photos, target)

    found = scan_photo_folder(photos, tag)
    if not found.steps:
        raise PackNewError(
            f'There are no photos in "{photos}". Put the step photos (JPEG, PNG or iPhone HEIC) '
            "directly in this folder."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    workspace = target.parent / f".{target.name}.{uuid.uuid4().hex}.partial"
    workspace.mkdir()  # (not mkdtemp: its private permissions would stay on the pack folder)
    try:
        result = _assemble(found, workspace, pack_id, pack_title, tag, report)
        if target.exists():  # an empty folder the coach made for it
            target.rmdir()
        workspace.rename(target)
    except BaseException:
        shutil.rmtree(workspace, ignore_errors=True)
        raise
    result.folder = target
    return result


def _check_target(photos: Path, target: Path) -> None:
    source = photos.resolve()
    resolved = target.resolve()
    if resolved == source or source in resolved.parents:
        raise PackNewError(
            "The pack cannot be made inside the photo folder: the photos are never changed. "
            "Choose another place with --out."
        )
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise PackNewError(
            f'"{target}" already exists. Choose another place with --out, or delete the old one first.'
        )


def _assemble(
    found: PhotoFolder, workspace: Path, pack_id: str, title: str, language: str, report: Report | None
) -> NewPackResult:
    width = max(2, len(str(len(found.steps))))
    total = len(found.steps) + (found.cover is not None)
    steps: list[dict] = []
    comments: dict[int, list[str]] = {}
    result = NewPackResult(workspace, pack_id, len(found.steps), notes=list(found.notes))
    unreadable: list[str] = []
    for number, photo in enumerate(found.steps, start=1):
        if report:
            report(number, total, "picture")
        name = f"{number:0{width}d}.jpg"
        try:
            normalise_photo(photo.path, workspace / name)
        except PhotoUnreadable as problem:
            unreadable.append(str(problem))
            continue
        step: dict = {"image": name, "text": {language: photo.text}}
        recording = found.recordings.get(photo.number) if photo.number is not None else None
        if recording is not None:
            sound = f"{number:0{width}d}{extension(recording.name)}"
            shutil.copyfile(recording, workspace / sound)
            step["audio"] = {language: sound}
        steps.append(step)
        comments[number] = [f"photo: {photo.name}"]
        if not photo.text:
            result.missing_text.append(number)
    if unreadable:
        raise PackNewError("\n".join(unreadable))
    document: dict = {
        "format": 1,
        "id": pack_id,
        "title": {language: title},
        "language": language,
        "kind": "other",
        "version": 1,
    }
    if found.cover is not None:
        if report:
            report(total, total, "cover picture")
        try:
            normalise_photo(found.cover, workspace / "cover.jpg")
        except PhotoUnreadable as problem:
            raise PackNewError(str(problem)) from problem
        document["cover"] = "cover.jpg"
    document["steps"] = steps
    header = [
        f"Step pack made by `kiosk pack new` from {len(steps)} photos.",
        "Change the sentences below as you like, then run `kiosk pack build` on this folder.",
    ]
    write_pack_yaml(workspace, render_pack_yaml(document, header=header, step_comments=comments, language=language))
    return result
