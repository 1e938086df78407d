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
from kiosk.packs.words import Msg


@dataclass(frozen=True)
class _Kind:
    noun: Msg  # as the trainer would say it: "picture", "recording"
    extensions: frozenset[str]
    needed: bool  # True: the pack cannot work without it (problems are errors)
    when_missing: Msg | None  # what the kiosk does instead, for the message (None when needed)


PICTURE = _Kind(Msg("picture"), IMAGE_EXTENSIONS, True, None)
RECORDING = _Kind(
    Msg("recording"),
    AUDIO_EXTENSIONS,
    False,
    Msg("so the kiosk will speak the step's text with a computer voice instead"),
)
COVER = _Kind(Msg("cover picture"), IMAGE_EXTENSIONS, False, Msg("so the first step's picture is shown instead"))
# A clip is needed when the step has no picture (it gives the poster); beside a picture, the step
# still works without it.
VIDEO_ONLY = _Kind(Msg("video"), VIDEO_EXTENSIONS, True, None)
VIDEO_BESIDE_PICTURE = _Kind(Msg("video"), VIDEO_EXTENSIONS, False, Msg("so the step shows its picture instead"))


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
                    Msg(
                        "The recording {name} for step {step} {wrong}, so the kiosk will speak the "
                        "step's sentence with a computer voice instead.",
                        name=found.key,
                        step=step,
                        wrong=Msg(wrong),  # one of audio_check's fixed phrases (in the catalogs)
                    ),
                    Msg(RECORD_AGAIN),
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
                Msg(
                    "The {noun} is written '{shown}' in {file}, but the file is called {name}. It is used, "
                    "but upper and lower case letters should match.",
                    noun=kind.noun,
                    shown=shown,
                    file=self.written_in,
                    name=lookup.file.key,
                ),
                Msg(
                    "Write '{name}' in {file}, or rename the file to '{shown}'.",
                    name=lookup.file.key,
                    file=self.written_in,
                    shown=shown,
                ),
                file=lookup.file.key,
                step=step,
            )
        return lookup.file

    def _leaves_pack(self, shown: str, kind: _Kind, step: int | None) -> None:
        name_only = os.path.basename(shown.replace("\\", "/")) or "photo.jpg"
        self.problems.error(
            Msg(
                "The {noun} '{shown}' is outside the pack folder. A pack may only use its own files.",
                noun=kind.noun,
                shown=shown,
            ),
            Msg("Copy the file into the pack folder and write just its name, like '{name}'.", name=name_only),
            file=shown,
            step=step,
        )

    def _missing(self, shown: str, kind: _Kind, step: int | None) -> None:
        if step is not None and kind.when_missing is not None:
            message = Msg(
                "The {noun} {shown} for step {step} is missing, {instead}.",
                noun=kind.noun,
                shown=shown,
                step=step,
                instead=kind.when_missing,
            )
        elif step is not None:
            message = Msg("The {noun} {shown} for step {step} is missing.", noun=kind.noun, shown=shown, step=step)
        elif kind.when_missing is not None:
            message = Msg(
                "The {noun} {shown} is missing, {instead}.", noun=kind.noun, shown=shown, instead=kind.when_missing
            )
        else:
            message = Msg("The {noun} {shown} is missing.", noun=kind.noun, shown=shown)
        report = self.problems.error if kind.needed else self.problems.warning
        report(
            message,
            Msg("Copy {shown} into the pack folder, or fix the name in {file}.", shown=shown, file=self.written_in),
            file=shown,
            step=step,
        )

    def _wrong_kind(self, pack_file: PackFile, kind: _Kind, step: int | None) -> None:
        suffix = extension(pack_file.name)
        names = ", ".join(sorted(kind.extensions))
        values = {"noun": kind.noun, "name": pack_file.key, "format": suffix[1:].upper(), "kinds": names}
        picture = kind.extensions is IMAGE_EXTENSIONS and suffix in UNSUPPORTED_IMAGE_EXTENSIONS
        if kind.when_missing is None:
            message = (
                Msg("The {noun} {name} is a {format} picture, which the kiosk cannot show.", **values)
                if picture
                else Msg("The {noun} {name} is not a kind of file the kiosk can use here ({kinds}).", **values)
            )
        else:
            message = (
                Msg(
                    "The {noun} {name} is a {format} picture, which the kiosk cannot show, {instead}.",
                    instead=kind.when_missing,
                    **values,
                )
                if picture
                else Msg(
                    "The {noun} {name} is not a kind of file the kiosk can use here ({kinds}), {instead}.",
                    instead=kind.when_missing,
                    **values,
                )
            )
        hint = (
            Msg("Save it as JPEG (.jpg) or PNG and use that file instead.")
            if picture
            else Msg("Use a {kinds} file for the {noun}.", kinds=names, noun=kind.noun)
        )
        report = self.problems.error if kind.needed else self.problems.warning
        report(message, hint, file=pack_file.key, step=step)
