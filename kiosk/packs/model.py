"""The step-pack model: plain, immutable values that every area of the kiosk shares.

These classes follow the ``kiosk.packs`` contract in docs/ARCHITECTURE.md. They hold no behaviour
beyond small look-ups, so the UI, the journal and the speech worker can pass them around freely
(they are hashable, picklable and safe to share between threads).

Mappings given as plain dicts are frozen on construction, so a ``Step`` built by a test or another
area with ``text={"en": "..."}`` is just as immutable as one built by the loader.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, TypeVar

from kiosk.packs.languages import pick_for_language
from kiosk.packs.words import Msg

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping[K, V]):
    """A read-only, hashable mapping (a dict that cannot change after it is made)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[K, V] | Any = ()) -> None:
        self._data: dict[K, V] = dict(data)

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __reduce__(self) -> tuple[type, tuple[dict[K, V]]]:
        return (FrozenMap, (self._data,))


def _freeze(mapping: Mapping[K, V] | None) -> FrozenMap[K, V]:
    return mapping if isinstance(mapping, FrozenMap) else FrozenMap(mapping or {})


class Severity(StrEnum):
    """An ERROR makes a pack unusable; a WARNING leaves it usable but worth fixing."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a pack, in words a job coach can act on."""

    severity: Severity
    pack: str  # pack id (or the folder/zip name when no id could be read)
    file: str | None  # path relative to the pack root, "/" separated
    step: int | None  # 1-based step number
    message: str  # plain words: what is wrong (English)
    hint: str  # plain words: what to do (English)
    # The same words as templates, put into the trainer's language when shown (``in_words``);
    # left out of comparisons: two problems are the same when their English words are.
    message_msg: Msg | None = field(default=None, compare=False, repr=False)
    hint_msg: Msg | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.file, f"step {self.step}" if self.step is not None else None) if part)
        prefix = f"{where}: " if where else ""
        return f"{prefix}{self.message} — {self.hint}"

    def in_words(self, gettext: Callable[[str], str] | None = None) -> tuple[str, str]:
        """(what is wrong, what to do) in the language of ``gettext`` (English without one); a
        problem made from plain words is looked up by those words."""
        if gettext is None:
            return self.message, self.hint
        message = (self.message_msg or Msg(self.message)).render(gettext)
        hint = (self.hint_msg or Msg(self.hint)).render(gettext)
        return message, hint


@dataclass(frozen=True)
class Step:
    """One step a worker sees: a picture, a short sentence, perhaps a recorded voice, perhaps a
    short video of the step being done.

    A step filmed without a photo has ``image == video``: its picture is the clip's first frame,
    prepared into the cache at load (``Pack.display_image`` finds it), so every area that shows a
    step's picture works unchanged."""

    number: int  # 1-based
    image: str  # path relative to pack root
    text: Mapping[str, str]  # language -> text
    audio: Mapping[str, str]  # language -> path relative to pack root (recorded audio)
    timer: int | None = None  # seconds; a countdown that never forces anything
    count: int | None = None  # "do this N times": a tally to tap
    video: str | None = None  # path relative to pack root: a probed MP4/H.264 or WebM/VP9 clip
    video_loop: bool = False  # the clip plays again and again while the step is shown (else once)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", _freeze(self.text))
        object.__setattr__(self, "audio", _freeze(self.audio))

    def text_for(self, language: str, fallback: str) -> str:
        """The text in the worker's language, else the pack's (``fallback``), else any; "" if none."""
        return pick_for_language(self.text, language, fallback) or ""

    def audio_for(self, language: str, fallback: str) -> str | None:
        """The recorded voice in the same order of languages as ``text_for``; None if none."""
        return pick_for_language(self.audio, language, fallback)


@dataclass(frozen=True)
class Pack:
    """A loaded, usable pack (a pack with errors is never a Pack; see ``load_pack``).

    ``display_images`` and ``thumbnail_image`` are additions to the contract, filled in by the
    loader: where the prepared copies of the pictures are. They have defaults so that code which
    builds a Pack by hand (tests, other areas) still works; the accessors then fall back to the
    pack's own files.
    """

    id: str
    title: Mapping[str, str]
    language: str
    kind: str
    version: int
    cover: str | None
    steps: tuple[Step, ...]
    root: Path  # folder holding the files (for a zip: its safe unpacked copy in the cache)
    source: Path  # what the trainer copied in: the folder or the .zip
    content_hash: str  # sha256 over the pack's files; logged with every run
    problems: tuple[Problem, ...] = ()  # warnings only
    display_images: Mapping[str, Path] = field(default_factory=FrozenMap, compare=False, repr=False)
    thumbnail_image: Path | None = field(default=None, compare=False, repr=False)
    video_sound: bool = False  # pack.yaml 'video_sound': play the clips' own sound (else muted)
    video_loop: bool = False  # pack.yaml 'video_loop': the default of every step's 'video_loop'
    video_sounds: Mapping[str, Path] = field(default_factory=FrozenMap, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", _freeze(self.title))
        object.__setattr__(self, "steps", tuple(self.steps))
        object.__setattr__(self, "problems", tuple(self.problems))
        object.__setattr__(self, "root", Path(self.root))
        object.__setattr__(self, "source", Path(self.source))
        object.__setattr__(self, "display_images", _freeze(self.display_images))
        object.__setattr__(self, "video_sounds", _freeze(self.video_sounds))

    def title_for(self, language: str) -> str:
        """The title in ``language``, else the pack's language, else any; the id if there is none."""
        return pick_for_language(self.title, language, self.language) or self.id

    def file(self, relative: str) -> Path:
        """Absolute path of a file in the pack (``relative`` as stored in Step.image/audio)."""
        return self.root.joinpath(*relative.split("/"))

    def display_image(self, step: Step) -> Path:
        """The prepared, upright, screen-sized copy of the step's picture; the pack's own picture
        when there is none or it has gone (the cache was full, or pruned by another program
        sharing it): slower to show, but the worker still sees the step."""
        return self._prepared(self.display_images.get(step.image), step.image)

    def video_file(self, step: Step) -> Path | None:
        """Absolute path of the step's clip, or None when the step has none."""
        return self.file(step.video) if step.video else None

    def video_sound_file(self, step: Step) -> Path | None:
        """The clip's sound as a WAV prepared at load, when the pack plays video sound (else None)."""
        if not self.video_sound or not step.video:
            return None
        prepared = self.video_sounds.get(step.video)
        return prepared if prepared is not None and os.path.isfile(prepared) else None

    def thumbnail(self) -> Path:
        """The prepared tile picture: the cover, or the first step's picture."""
        if self.thumbnail_image is not None and os.path.isfile(self.thumbnail_image):
            return self.thumbnail_image
        if self.cover is not None:
            return self._prepared(self.display_images.get(self.cover), self.cover)
        return self.display_image(self.steps[0])

    def _prepared(self, prepared: Path | None, relative: str) -> Path:
        if prepared is not None and os.path.isfile(prepared):
            return prepared
        return self.file(relative)


@dataclass(frozen=True)
class PackReport:
    """What a scan found about one pack source: usable or not, and why."""

    pack: str  # pack id, or the folder/zip name when no id could be read
    path: Path  # the folder or zip
    ok: bool  # True when the pack has no errors (it may still have warnings)
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class ScanResult:
    """The usable packs of a library, and a report for every pack source (usable or broken)."""

    packs: tuple[Pack, ...]
    reports: tuple[PackReport, ...]

    @property
    def broken(self) -> tuple[PackReport, ...]:
        return tuple(report for report in self.reports if not report.ok)
