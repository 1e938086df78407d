"""The library: every pack in the kiosk's pack folders, kept up to date cheaply.

A kiosk rescans its folders whenever the trainer may have copied something in, so a rescan must be
cheap. Each pack source gets a fingerprint that costs only a few ``stat`` calls (for a folder: the
name, size and modification time of each of its files; for a zip: its size and modification time).
A pack whose fingerprint is unchanged is not read again; new, changed and removed packs are picked
up on the next scan.

Pack ids must be unique across all folders, because the journal records runs by id: a second pack
with an id already seen is reported as an error naming both places, and left out.

After each scan the cache is pruned (``kiosk.packs.cache``): the library is what knows which packs
exist, so it pins the cache entries of every current pack (and of the packs the ``keep`` callback
names, such as the one a worker is doing) and lets the pruner remove the rest by age and budget.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Hashable, Iterable, Sequence

from kiosk.packs import storage
from kiosk.packs.cache import CachePolicy, prune_cache
from kiosk.packs.loader import LoadOptions, load_pack
from kiosk.packs.model import Pack, PackReport, Problem, ScanResult, Severity
from kiosk.packs.pack_files import is_ignored_name
from kiosk.packs.words import Msg

Fingerprint = Hashable
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    """The outcome of loading one pack source."""

    source: Path
    pack: Pack | None
    problems: tuple[Problem, ...]
    cache_entries: frozenset[Path] = frozenset()  # cache folders this usable pack needs (pinned)
    storage_trouble: bool = False  # the cache could not be written: read again at the next scan

    @property
    def label(self) -> str:
        if self.pack is not None:
            return self.pack.id
        return self.problems[0].pack if self.problems else self.source.name


@dataclass(frozen=True)
class _Remembered:
    fingerprint: Fingerprint
    loaded: Loaded


def pack_sources(folder: Path) -> list[Path]:
    """The packs in a folder: its sub-folders and .zip files (hidden and system clutter left out),
    sorted by name so that every scan sees them in the same order."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    sources = []
    for entry in entries:
        if is_ignored_name(entry.name):
            continue
        try:
            if entry.is_dir() or (entry.name.lower().endswith(".zip") and entry.is_file()):
                sources.append(Path(entry.path))
        except OSError:
            continue
    return sorted(sources, key=lambda path: (path.name.casefold(), path.name))


def fingerprint(source: Path) -> Fingerprint | None:
    """What changes whenever the pack's content may have changed; None when it cannot be read
    (then the pack is always read again). Size and mtime alone miss a same-size edit whose mtime
    was put back (a copy tool that keeps times, ``touch -r``); the inode change time cannot be
    set back by a user, and the inode number changes when a file is replaced by another."""
    try:
        if source.is_file():
            info = source.stat()
            return ("zip", info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
        return ("folder", tuple(_folder_entries(str(source), "")))
    except OSError:
        return None


def _folder_entries(path: str, prefix: str) -> Iterable[tuple[str, int, int, int, int]]:
    with os.scandir(path) as entries:
        listed = sorted(entries, key=lambda entry: entry.name)
    for entry in listed:
        if is_ignored_name(entry.name):
            continue
        relative = prefix + entry.name
        if entry.is_dir(follow_symlinks=False):
            yield from _folder_entries(entry.path, relative + "/")
            continue
        try:
            info = entry.stat()
            yield (relative, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
        except OSError:  # a link pointing nowhere
            yield (relative, -1, -1, -1, -1)


def without_duplicate_ids(results: Sequence[Loaded]) -> list[Loaded]:
    """The results with every repeated pack id turned into an error on the later pack."""
    first_by_id: dict[str, Path] = {}
    checked = []
    for loaded in results:
        pack = loaded.pack
        if pack is None:
            checked.append(loaded)
            continue
        first = first_by_id.setdefault(pack.id, loaded.source)
        if first == loaded.source:
            checked.append(loaded)
            continue
        message = Msg(
            "Two packs have the same id '{id}': {first} and {second}. Only the first one is shown.",
            id=pack.id,
            first=str(first),
            second=str(loaded.source),
        )
        hint = Msg(
            "Give one of them a different id in its pack.yaml (or a different folder name), "
            "or remove the copy that is not needed."
        )
        duplicate = Problem(Severity.ERROR, pack.id, None, None, str(message), str(hint), message, hint)
        checked.append(replace(loaded, pack=None, problems=(*loaded.problems, duplicate)))
    return checked


class Library:
    """The packs in some folders. Not thread-safe: call ``scan`` from one thread at a time."""

    def __init__(
        self,
        folders: Sequence[Path],
        cache_dir: Path,
        default_language: str = "en",
        *,
        options: LoadOptions | None = None,
        cache_policy: CachePolicy | None = CachePolicy(),
        keep: Callable[[], Iterable[Pack]] | None = None,
    ) -> None:
        """``cache_policy=None`` turns pruning off; ``keep`` names packs in use outside the scan
        (a task still running on a pack that has just been removed) whose cache must stay."""
        self.folders = tuple(Path(folder).absolute() for folder in folders)
        self.cache_dir = Path(cache_dir).absolute()
        self.default_language = default_language
        self.options = options
        self.cache_policy = cache_policy
        self.keep = keep
        self._remembered: dict[Path, _Remembered] = {}
        self._previously_pinned: frozenset[Path] = frozenset()

    def scan(self) -> ScanResult:
        """Every pack source in the folders; unchanged packs are not read again."""
        remembered: dict[Path, _Remembered] = {}
        results = []
        for folder in self.folders:
            for source in pack_sources(folder):
                if source in remembered:  # the same folder listed twice
                    continue
                entry = self._current(source)
                remembered[source] = entry
                results.append(entry.loaded)
        self._remembered = remembered
        self._prune(results)
        checked = without_duplicate_ids(results)
        return ScanResult(
            packs=tuple(loaded.pack for loaded in checked if loaded.pack is not None),
            reports=tuple(
                PackReport(loaded.label, loaded.source, loaded.pack is not None, loaded.problems) for loaded in checked
            ),
        )

    def _current(self, source: Path) -> _Remembered:
        current = fingerprint(source)
        previous = self._remembered.get(source)
        if (
            previous is not None
            and current is not None
            and previous.fingerprint == current
            and _still_in_cache(previous.loaded)
        ):
            return previous
        pack, problems = load_pack(source, self.cache_dir, self.default_language, options=self.options)
        entries = frozenset(pack_cache_entries(pack, self.cache_dir)) if pack is not None else frozenset()
        trouble = any(storage.is_storage_problem(problem) for problem in problems)
        return _Remembered(current, Loaded(source, pack, tuple(problems), entries, trouble))

    def _prune(self, results: Sequence[Loaded]) -> None:
        """Prune the cache, pinning what this scan's packs use, what the previous scan's packs used
        (so a pack removed just now starts its time as unused now) and what ``keep`` names."""
        if self.cache_policy is None:
            return
        pinned = frozenset(entry for loaded in results for entry in loaded.cache_entries)
        kept: set[Path] = set()
        try:
            for pack in self.keep() if self.keep is not None else ():
                kept.update(pack_cache_entries(pack, self.cache_dir))
            prune_cache(self.cache_dir, pinned | self._previously_pinned | kept, self.cache_policy)
        except Exception:  # noqa: BLE001 - a pruning bug must never cost the kiosk its packs
            log.exception("pruning the pack cache %s failed", self.cache_dir)
        self._previously_pinned = pinned


def pack_cache_entries(pack: Pack, cache_dir: Path) -> set[Path]:
    """The cache folders a loaded pack needs: its unpacked zip and its prepared pictures."""
    entries = {path.parent for path in pack.display_images.values()}
    if pack.thumbnail_image is not None:
        entries.add(pack.thumbnail_image.parent)
    if pack.root.is_relative_to(cache_dir):
        entries.add(pack.root.parent)  # <cache>/zips/<sha256>/files -> <cache>/zips/<sha256>
    return entries


def _still_in_cache(loaded: Loaded) -> bool:
    """The cache is only derived data and may be cleared; then the pack is prepared again. A pack
    read while the cache could not be written is read again, so it is prepared once there is room."""
    if loaded.storage_trouble:
        return False
    pack = loaded.pack
    if pack is None:
        return True
    prepared = [*pack.display_images.values(), *([pack.thumbnail_image] if pack.thumbnail_image else [])]
    return pack.root.is_dir() and all(os.path.isfile(path) for path in prepared)
