"""Zero-configuration packs: a folder of numbered photos is a pack.

A trainer photographs each step and names the photos in order ("01 Wet your hands.jpg"). The
leading number orders the steps (numerically: 1, 2, 10), the rest of the name is the step's text,
and a sound file with the same number is the step's recorded voice. Nothing else is needed.
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
    """A pack title from its folder or zip name: dashes and underscores become spaces."""
    return _SPACES.sub(" ", name.replace("-", " ").replace("_", " ")).strip() or name


def has_numbered_photos(names: list[str]) -> bool:
    """True when these file names would make a zero-configuration pack (used to tell a pack
    folder from a folder of packs)."""
    return any(extension(name) in (IMAGE_EXTENSIONS | VIDEO_EXTENSIONS) and leading_number(name) for name in names)


def find_cover(files: PackFiles) -> PackFile | None:
    """The picture called cover.* at the top of the pack, if there is one."""
    covers = [
        pack_file
        for pack_file in files.top_level()
        if extension(pack_file.name) in IMAGE_EXTENSIONS
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
    for position, number in enumerate(sorted(images.keys() | videos.keys()), start=1):
        video = videos.get(number)
        image = images.get(number) or video
        assert image is not None
        if not image.text and video is not None and video.text:
            image = _Numbered(image.number, video.text, image.file)
        if not image.text:
            problems.warning(
                Msg(
                    "Step {step} has no words: the name of the picture {name} is only a number.",
                    step=position,
                    name=image.file.key,
                ),
                Msg(
                    "Add what the worker does to the file name, like '{example}'.",
                    example=f"{number:02d} Wet your hands{extension(image.file.name)}",
                ),
                file=image.file.key,
                step=position,
            )
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
    return tuple(specs)


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
