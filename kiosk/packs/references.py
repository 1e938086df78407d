"""Checking the files a pack names — pictures, recordings, the cover — against its folder.

One place decides what each kind of bad reference means for the worker: a missing picture makes
a step impossible (error); a missing recording only means a computer voice is used (warning); a
missing cover only means the first step's picture is the tile (warning). A reference that leaves
the pack is always an error, whatever it names.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from kiosk.audio_check import RECORD_AGAIN, recording_problem
from kiosk.packs.pack_files import (
    AUDIO_EXTENSIONS,
    IMAGE_EXTENSIONS,
    UNSUPPORTED_IMAGE_EXTENSIONS,
    Found,
    PackFile,
    PackFiles,
    extension,
)
from kiosk.packs.problems import ProblemList
from kiosk.packs.video import VIDEO_EXTENSIONS


@dataclass(frozen=True)
class _Kind:
    noun: str  # as the trainer would say it: "picture", "recording"
    extensions: frozenset[str]
    needed: bool  # True: the pack cannot work without it (problems are errors)
    when_missing: str  # what the kiosk does instead, for the message ("" when needed)


PICTURE = _Kind("picture", IMAGE_EXTENSIONS, True, "")
RECORDING = _Kind(
    "recording", AUDIO_EXTENSIONS, False, "so the kiosk will speak the step's text with a computer voice instead"
)
COVER = _Kind("cover picture", IMAGE_EXTENSIONS, False, "so the first step's picture is shown instead")
# A clip is needed when the step has no picture (it gives the poster); beside a picture, the step
# still works without it.
VIDEO_ONLY = _Kind("video", VIDEO_EXTENSIONS, True, "")
VIDEO_BESIDE_PICTURE = _Kind("video", VIDEO_EXTENSIONS, False, "so the step shows its picture instead")


class References:
    """Finds referenced files in one pack, recording a problem for each bad reference."""

    def __init__(self, files: PackFiles, problems: ProblemList, written_in: str) -> None:
        self.files = files
        self.problems = problems
        self.written_in = written_in  # the file holding the references, for hints: "pack.yaml"

    def picture(self, reference: str, step: int) -> PackFile | None:
        return self._find(reference, PICTURE, step)

    def recording(self, reference: str, step: int) -> PackFile | None:
        """The recording's file, checked that it really plays (``kiosk.audio_check``).

        A broken recording is a warning, not an error: the kiosk speaks the sentence instead, so
        the step still works. The file stays the step's recording (it is what the trainer wrote,
        and the kiosk checks it again before playing, in case it was fixed meanwhile)."""
        found = self._find(reference, RECORDING, step)
        if found is not None and not found.outside:
            wrong = recording_problem(self.files.path_of(found))
            if wrong is not None:
                self.problems.warning(
                    f"The recording {found.key} for step {step} {wrong}, so the kiosk will speak the "
                    "step's sentence with a computer voice instead.",
                    RECORD_AGAIN,
                    file=found.key,
                    step=step,
                )
        return found

    def video(self, reference: str, step: int, *, has_picture: bool) -> PackFile | None:
        """The clip's file (found, inside the pack, a video's name); the probe comes later."""
        return self._find(reference, VIDEO_BESIDE_PICTURE if has_picture else VIDEO_ONLY, step)

    def cover(self, reference: str) -> PackFile | None:
        return self._find(reference, COVER, None)

    def _find(self, reference: str, kind: _Kind, step: int | None) -> PackFile | None:
        lookup = self.files.lookup(reference)
        shown = reference.strip()
        if lookup.found is Found.LEAVES_PACK:
            self._leaves_pack(shown, kind, step)
            return None
        if lookup.file is None:  # missing, or not a usable file name
            self._missing(shown, kind, step)
            return None
        if extension(lookup.file.name) not in kind.extensions:
            self._wrong_kind(lookup.file, kind, step)
            return None
        if lookup.found is Found.IGNORING_CASE:
            self.problems.warning(
                f"The {kind.noun} is written '{shown}' in {self.written_in}, but the file is called "
                f"{lookup.file.key}. It is used, but upper and lower case letters should match.",
                f"Write '{lookup.file.key}' in {self.written_in}, or rename the file to '{shown}'.",
                file=lookup.file.key,
                step=step,
            )
        return lookup.file

    def _leaves_pack(self, shown: str, kind: _Kind, step: int | None) -> None:
        name_only = os.path.basename(shown.replace("\\", "/")) or "photo.jpg"
        self.problems.error(
            f"The {kind.noun} '{shown}' is outside the pack folder. A pack may only use its own files.",
            f"Copy the file into the pack folder and write just its name, like '{name_only}'.",
            file=shown,
            step=step,
        )

    def _missing(self, shown: str, kind: _Kind, step: int | None) -> None:
        for_step = f" for step {step}" if step is not None else ""
        instead = f", {kind.when_missing}" if kind.when_missing else ""
        report = self.problems.error if kind.needed else self.problems.warning
        report(
            f"The {kind.noun} {shown}{for_step} is missing{instead}.",
            f"Copy {shown} into the pack folder, or fix the name in {self.written_in}.",
            file=shown,
            step=step,
        )

    def _wrong_kind(self, pack_file: PackFile, kind: _Kind, step: int | None) -> None:
        suffix = extension(pack_file.name)
        if kind.extensions is IMAGE_EXTENSIONS and suffix in UNSUPPORTED_IMAGE_EXTENSIONS:
            message = f"The {kind.noun} {pack_file.key} is a {suffix[1:].upper()} picture, which the kiosk cannot show."
            hint = "Save it as JPEG (.jpg) or PNG and use that file instead."
        else:
            names = ", ".join(sorted(kind.extensions))
            message = f"The {kind.noun} {pack_file.key} is not a kind of file the kiosk can use here ({names})."
            hint = f"Use a {names} file for the {kind.noun}."
        if kind.when_missing:
            message = f"{message[:-1]}, {kind.when_missing}."
        report = self.problems.error if kind.needed else self.problems.warning
        report(message, hint, file=pack_file.key, step=step)
