"""`kiosk pack new`: a folder of phone photos becomes a pack folder with a pack.yaml.

What the coach gets: pictures 01.jpg, 02.jpg ... (upright, screen-sized, no location or other
metadata), recordings with a step number copied next to them, and a pack.yaml that lists the steps
with the sentences taken from the file names, a TODO marker where a sentence is still missing.

Phone videos (.mp4, .mov, HEVC from iPhones too) in the folder are steps as well, ordered like the
photos (a number in the name, else the time they were filmed); a video with the same number as a
photo is that step's clip, the photo its poster. They are checked (readable, at most 60 seconds)
and copied as they are; `kiosk pack build` converts them to the kiosk's format (kiosk.authoring.video).

The photo folder is only ever read. The pack is assembled in a hidden folder next to its final
place and renamed at the end, so a failure (an unreadable photo, a full disk) leaves nothing
half-made behind, and an existing pack is never overwritten.
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from kiosk.authoring.normalise import PhotoUnreadable, normalise_photo
from kiosk.authoring.packyaml import render_pack_yaml, write_pack_yaml
from kiosk.authoring.photos import (
    Photo,
    PhotoFolder,
    order_photos,
    scan_photo_folder,
    split_number,
    step_text_from_name,
)
from kiosk.authoring.video import PHONE_VIDEO_EXTENSIONS, VideoError, source_info
from kiosk.packs.languages import normalise_language_tag
from kiosk.packs.loader import slugify
from kiosk.packs.pack_files import extension, is_ignored_name, nfc
from kiosk.packs.photo_folder import title_from_name
from kiosk.packs.words import Msg, MsgLines

Report = Callable[[int, int, str], None]  # (item number, items in all, what is being done)


class PackNewError(Exception):
    """The pack cannot be made; the message tells the coach why and what to do. ``words``: the
    same as a template, when it has one, for the kiosk to say it in the coach's language."""

    def __init__(self, message: str | Msg) -> None:
        super().__init__(str(message))
        self.words: Msg | None = message if isinstance(message, Msg) else None


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
    found, clips = _with_videos(found, photos, tag)
    if not found.steps:
        raise PackNewError(
            f'There are no photos in "{photos}". Put the step photos (JPEG, PNG or iPhone HEIC) '
            "or videos (MP4, MOV) directly in this folder."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    workspace = target.parent / f".{target.name}.{uuid.uuid4().hex}.partial"
    workspace.mkdir()  # (not mkdtemp: its private permissions would stay on the pack folder)
    try:
        result = _assemble(found, workspace, pack_id, pack_title, tag, report, clips)
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
        raise PackNewError(f'"{target}" already exists. Choose another place with --out, or delete the old one first.')


def _with_videos(found: PhotoFolder, folder: Path, language: str) -> tuple[PhotoFolder, dict[Path, Path]]:
    """Add the folder's phone videos: a clip numbered like a photo becomes that photo's clip
    (returned as photo path -> clip path); any other clip is a step of its own, placed among
    the photos by the same rules (number, else the time it was filmed). Unusable clips stop the
    pack with the reason for each, as unreadable photos do."""
    clips: list[Photo] = []
    refused: list[str] = []
    for entry in sorted(folder.iterdir(), key=lambda p: nfc(p.name)):
        if is_ignored_name(entry.name) or not entry.is_file() or extension(entry.name) not in PHONE_VIDEO_EXTENSIONS:
            continue
        try:
            info = source_info(entry)
        except (VideoError, OSError) as problem:
            refused.append(str(problem))
            continue
        number, words = split_number(entry.name)
        clips.append(
            Photo(
                entry,
                number,
                step_text_from_name(words, language),
                info.taken,
                datetime.fromtimestamp(entry.stat().st_mtime),
            )
        )
    if refused:
        raise PackNewError("\n".join(refused))
    if not clips:
        return found, {}
    by_number = {photo.number: photo for photo in found.steps if photo.number is not None}
    paired: dict[Path, Path] = {}
    alone: list[Photo] = []
    for clip in clips:
        photo = by_number.get(clip.number) if clip.number is not None else None
        if photo is not None and photo.path not in paired:
            paired[photo.path] = clip.path
        else:
            alone.append(clip)
    if not alone:
        return found, paired
    steps, notes = order_photos([*found.steps, *alone])
    return PhotoFolder(tuple(steps), found.cover, found.recordings, tuple(notes)), paired


def _assemble(
    found: PhotoFolder,
    workspace: Path,
    pack_id: str,
    title: str,
    language: str,
    report: Report | None,
    clips: dict[Path, Path] | None = None,
) -> NewPackResult:
    width = max(2, len(str(len(found.steps))))
    total = len(found.steps) + (found.cover is not None)
    steps: list[dict] = []
    comments: dict[int, list[str]] = {}
    result = NewPackResult(workspace, pack_id, len(found.steps), notes=list(found.notes))
    unreadable: list[Msg] = []
    for number, photo in enumerate(found.steps, start=1):
        stem = f"{number:0{width}d}"
        step: dict = {}
        if extension(photo.path.name) in PHONE_VIDEO_EXTENSIONS:  # a step filmed without a photo
            if report:
                report(number, total, "video")
            step["video"] = f"{stem}{extension(photo.path.name)}"
            shutil.copyfile(photo.path, workspace / step["video"])
        else:
            if report:
                report(number, total, "picture")
            name = f"{stem}.jpg"
            try:
                normalise_photo(photo.path, workspace / name)
            except PhotoUnreadable as problem:
                unreadable.append(problem.words)
                continue
            step["image"] = name
            clip = (clips or {}).get(photo.path)
            if clip is not None:
                step["video"] = f"{stem}{extension(clip.name)}"
                shutil.copyfile(clip, workspace / step["video"])
        step["text"] = {language: photo.text}
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
        raise PackNewError(MsgLines(unreadable))
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
            raise PackNewError(problem.words) from problem
        document["cover"] = "cover.jpg"
    document["steps"] = steps
    header = [
        f"Step pack made by `kiosk pack new` from {len(steps)} photos.",
        "Change the sentences below as you like, then run `kiosk pack build` on this folder.",
    ]
    write_pack_yaml(workspace, render_pack_yaml(document, header=header, step_comments=comments, language=language))
    return result
