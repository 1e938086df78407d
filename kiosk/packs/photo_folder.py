"""Zero-configuration packs: a folder of numbered photos is a pack.

A trainer photographs each step and names the photos in order ("01 Wet your hands.jpg"). The
leading number orders the steps (numerically: 1, 2, 10), the rest of the name is the step's text,
and a sound file with the same number is the step's recorded voice. Nothing else is needed.

A folder of photos straight from a phone ("IMG_1234.JPG", no numbers, no pack.yaml) is not a
pack yet, but it is what a coach copies in first. The loader reports it as one problem of its own
(``NOT_A_TASK_YET``), not as one "nothing uses this file" per photo, so the trainer's Packs screen
can offer to make a task of it (``kiosk.authoring.photo_task``) instead of showing a wall of
problems and advice to rename twelve files.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from kiosk.packs.manifest import StepSpec
from kiosk.packs.pack_files import (
    AUDIO_EXTENSIONS,
    IMAGE_EXTENSIONS,
    UNSUPPORTED_IMAGE_EXTENSIONS,
    PackFile,
    PackFiles,
    extension,
)
from kiosk.packs.problems import ProblemList
from kiosk.packs.words import Msg
from kiosk.packs.video import VIDEO_EXTENSIONS

#: Pictures and clips a phone makes; HEIC counts: ``kiosk pack new`` turns it into JPEG.
PHOTO_EXTENSIONS = IMAGE_EXTENSIONS | frozenset({".heic", ".heif"}) | VIDEO_EXTENSIONS
#: The templates of the "photos without numbers" problem of a folder that has no steps at all:
#: a folder whose report carries one of them can be made a task (``kiosk.authoring.photo_task``).
NOT_A_TASK_YET = (
    "These {count} photos have no numbers, so they are not a task yet.",
    "The photo {name} has no number, so it is not a task yet.",
)
_NUMBERED = re.compile(r"^\s*(\d+)(.*)$", re.DOTALL)
_SEPARATORS_AFTER_NUMBER = re.compile(r"^[\s\-_.,:;)\]]+")
_SPACES = re.compile(r"\s+")
COVER_STEM = "cover"


@dataclass(frozen=True)
class _Numbered:
    number: int
    text: str
    file: PackFile


def leading_number(name: str) -> tuple[int, str] | None:
    """(number, text) for a file name like "02 Put soap on.jpg"; None when it has no number."""
    stem = os.path.splitext(name)[0]
    match = _NUMBERED.match(stem)
    if match is None:
        return None
    return int(match.group(1)), text_from_name(match.group(2))


def text_from_name(rest: str) -> str:
    """The words in a file name: underscores are spaces, and dashes are too when the name has no
    spaces at all ("wet-your-hands"), because then they can only be standing in for spaces."""
    text = _SEPARATORS_AFTER_NUMBER.sub("", rest).replace("_", " ")
    if " " not in text.strip():
        text = text.replace("-", " ")
    return _SPACES.sub(" ", text).strip()


def title_from_name(name: str) -> str:
    """A pack title from its folder or zip name, made readable: dashes and underscores become
    spaces, and a first word in small letters gets a capital ("wash-hands_2026" -> "Wash hands
    2026"), so a tile never shows a file-name slug. A first word with capitals of its own
    ("iPhone", "IKEA") is left as the coach wrote it."""
    title = _SPACES.sub(" ", name.replace("-", " ").replace("_", " ")).strip()
    if not title:
        return name
    first = title.split(" ", 1)[0]
    if first == first.lower() and first[0].islower():
        title = title[0].upper() + title[1:]
    return title


def unnumbered_photos(files: PackFiles) -> list[PackFile]:
    """The photos and clips at the top of the folder whose names have no step number (camera
    names like IMG_1234.JPG), the cover picture left out; sorted by name."""
    return sorted(
        (
            pack_file
            for pack_file in files.top_level()
            if extension(pack_file.name) in PHOTO_EXTENSIONS
            and leading_number(pack_file.name) is None
            and os.path.splitext(pack_file.name)[0].casefold() != COVER_STEM
        ),
        key=lambda pack_file: pack_file.key,
    )


def names_in_short(names: list[str], shown: int = 3) -> str:
    """ "a.jpg, b.jpg, c.jpg …" — a few names as examples, so one line stays one line."""
    listed = ", ".join(names[:shown])
    return listed + (" …" if len(names) > shown else "")


def report_photo_folder(photos: list[PackFile], problems: ProblemList, *, can_make_task: bool) -> None:
    """The one problem of a folder that holds photos without numbers and no steps: it is not a
    task yet. ``can_make_task``: the source is a folder the kiosk may turn into a task (a zip is
    not: nothing is ever written into a zip the coach copied)."""
    if len(photos) == 1:
        message = Msg("The photo {name} has no number, so it is not a task yet.", name=photos[0].key)
    else:  # (literal templates: the catalog test reads them; NOT_A_TASK_YET names the same two)
        message = Msg("These {count} photos have no numbers, so they are not a task yet.", count=len(photos))
    if can_make_task:
        hint = Msg(
            "Tap 'Make a task from these photos': they are put in the order they were taken. "
            "Or number them in the order of the steps, like '01 Wet your hands.jpg'."
        )
    else:
        hint = Msg(
            "Number the photos in the order of the steps, like '01 Wet your hands.jpg'. Or copy the photos "
            "as a folder, not a zip: then the Packs screen can make a task from them."
        )
    problems.error(message, hint, kind="photo folder")


def report_unnumbered(photos: list[PackFile], problems: ProblemList) -> None:
    """Photos without a number in a folder of numbered photos: one warning for all of them
    ("12 photos have no number"), not one per photo — the fix is the same for each."""
    if len(photos) == 1:
        problems.warning(
            Msg("The photo {name} has no number, so no step uses it.", name=photos[0].key),
            Msg("Start its name with the number of its step, like '04 Dry your hands.jpg', or delete it."),
            file=photos[0].key,
            kind="photo without number",
        )
        return
    problems.warning(
        Msg(
            "{count} photos have no number, so no step uses them: {names}",
            count=len(photos),
            names=names_in_short([photo.key for photo in photos]),
        ),
        Msg("Start each name with the number of its step, like '04 Dry your hands.jpg', or delete the photos."),
        kind="photo without number",
    )


def has_numbered_photos(names: list[str]) -> bool:
    """True when these file names would make a zero-configuration pack (used to tell a pack
    folder from a folder of packs)."""
    return any(extension(name) in (IMAGE_EXTENSIONS | VIDEO_EXTENSIONS) and leading_number(name) for name in names)


def find_cover(files: PackFiles) -> PackFile | None:
    """The picture called cover.* at the top of the pack, if there is one."""
    covers = [
        pack_file
        for pack_file in files.top_level()
        if pack_file.name.casefold().startswith(COVER_STEM)  # cheap, and true of every cover
        and extension(pack_file.name) in IMAGE_EXTENSIONS
        and os.path.splitext(pack_file.name)[0].casefold() == COVER_STEM
    ]
    return min(covers, key=lambda pack_file: pack_file.key) if covers else None


def steps_from_photos(files: PackFiles, language: str, problems: ProblemList) -> tuple[StepSpec, ...]:
    """The steps of a folder of numbered photos, in the order of their numbers.

    A numbered video (``01 Wet your hands.mp4``) is the clip of the picture with the same number,
    or a step of its own (its first frame the picture) when there is no such picture."""
    images: dict[int, _Numbered] = {}
    audio: dict[int, _Numbered] = {}
    videos: dict[int, _Numbered] = {}
    for pack_file in sorted(files.top_level(), key=lambda pack_file: pack_file.key):
        numbered = leading_number(pack_file.name)
        if numbered is None:
            continue
        entry = _Numbered(numbered[0], numbered[1], pack_file)
        kind = extension(pack_file.name)
        if kind in IMAGE_EXTENSIONS:
            _add_image(images, entry, problems)
        elif kind in AUDIO_EXTENSIONS:
            _add_audio(audio, entry, problems)
        elif kind in VIDEO_EXTENSIONS:
            _add_video(videos, entry, problems)
        elif kind in UNSUPPORTED_IMAGE_EXTENSIONS:
            problems.error(
                Msg(
                    "The photo {name} is a {format} picture, which the kiosk cannot show, "
                    "so this step would be left out.",
                    name=pack_file.key,
                    format=kind[1:].upper(),
                ),
                Msg(
                    "Save the photo as JPEG (.jpg) or PNG. On an iPhone: Settings > Camera > Formats > "
                    "Most Compatible, for photos taken from now on."
                ),
                file=pack_file.key,
            )
    specs = []
    wordless: list[tuple[int, _Numbered]] = []
    for position, number in enumerate(sorted(images.keys() | videos.keys()), start=1):
        video = videos.get(number)
        image = images.get(number) or video
        assert image is not None
        if not image.text and video is not None and video.text:
            image = _Numbered(image.number, video.text, image.file)
        if not image.text:
            wordless.append((position, image))
        sound = audio.get(number)
        specs.append(
            StepSpec(
                number=position,
                image=image.file.key if image is not video else None,
                text={language: image.text} if image.text else {},
                audio={language: sound.file.key} if sound else {},
                video=video.file.key if video else None,
            )
        )
    _report_wordless(wordless, problems)
    return tuple(specs)


def _report_wordless(wordless: list[tuple[int, _Numbered]], problems: ProblemList) -> None:
    """Steps whose picture's name is only a number: one warning each for one or two, else one for
    all ("8 steps have no words"), since the fix is the same for every one."""
    if len(wordless) <= 2:
        for position, image in wordless:
            problems.warning(
                Msg(
                    "Step {step} has no words: the name of the picture {name} is only a number.",
                    step=position,
                    name=image.file.key,
                ),
                Msg(
                    "Add what the worker does to the file name, like '{example}'.",
                    example=f"{image.number:02d} Wet your hands{extension(image.file.name)}",
                ),
                file=image.file.key,
                step=position,
            )
        return
    problems.warning(
        Msg(
            "{count} steps have no words: the names of their pictures are only numbers ({names}).",
            count=len(wordless),
            names=names_in_short([image.file.key for _, image in wordless]),
        ),
        Msg("Add what the worker does to each file name, like '01 Wet your hands.jpg'."),
        kind="steps without words",
    )


def _add_image(images: dict[int, _Numbered], entry: _Numbered, problems: ProblemList) -> None:
    earlier = images.get(entry.number)
    if earlier is None:
        images[entry.number] = entry
        return
    problems.error(
        Msg(
            "Two pictures have the number {number}: {first} and {second}, so the order of the steps is not clear.",
            number=entry.number,
            first=earlier.file.key,
            second=entry.file.key,
        ),
        Msg("Give every picture its own number (01, 02, 03 …) in the order of the steps."),
        file=entry.file.key,
    )


def _add_video(videos: dict[int, _Numbered], entry: _Numbered, problems: ProblemList) -> None:
    earlier = videos.get(entry.number)
    if earlier is None:
        videos[entry.number] = entry
        return
    problems.error(
        Msg(
            "Two videos have the number {number}: {first} and {second}, "
            "so it is not clear which one belongs to the step.",
            number=entry.number,
            first=earlier.file.key,
            second=entry.file.key,
        ),
        Msg("Keep one video per step number, and delete or renumber the other."),
        file=entry.file.key,
    )


def _add_audio(audio: dict[int, _Numbered], entry: _Numbered, problems: ProblemList) -> None:
    earlier = audio.get(entry.number)
    if earlier is None:
        audio[entry.number] = entry
        return
    problems.warning(
        Msg(
            "Two sound files have the number {number}: {first} and {second}. Only {first} is played.",
            number=entry.number,
            first=earlier.file.key,
            second=entry.file.key,
        ),
        Msg("Keep one recording per step number, and delete or renumber the other."),
        file=entry.file.key,
    )
