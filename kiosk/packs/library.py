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
The kiosk prunes after its tiles are shown (``scan(prune=False)``, then ``prune()``): pruning stats
every file of the cache, which on a big library is a quarter of a first scan's time, and nobody
waits for it.

A kiosk's library makes its display copies later (``copies=Copies.LATER``, see
``kiosk.packs.images``): a scan only checks a big picture's header, so a new pack is usable as soon
as its files have been read and hashed. ``pending_copies()`` then lists the copies still to make,
the tiles' pictures first, then the first steps of every pack, then the rest; whoever runs the
library (the kiosk's ``PackShelf``) makes them one by one with ``make_copy``, on a thread of its
own (``make_copy`` only reads what the scan left, and adds to a set the scan reads). A
picture found damaged while its copy is made sends its pack back to a full check at the next scan
(copies made at once), which reports it as before, so a broken pack never stays on the shelf.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Hashable, Iterable, Iterator, Sequence

from kiosk.packs import images, storage, video
from kiosk.packs.cache import CachePolicy, prune_cache
from kiosk.packs.images import Copies
from kiosk.packs.loader import LoadOptions, load_pack
from kiosk.packs.model import Pack, PackReport, Problem, ScanResult, Severity
from kiosk.packs.pack_files import FolderListing, ListedFile, is_ignored_name, list_files
from kiosk.packs.words import Msg

Fingerprint = Hashable
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    """The outcome of loading one pack source."""

    source: Path
    pack: Pack | None
    problems: tuple[Problem, ...]
    storage_trouble: bool = False  # the cache could not be written: read again at the next scan

    @property
    def label(self) -> str:
        if self.pack is not None:
            return self.pack.id
        return self.problems[0].pack if self.problems else self.source.name


@dataclass(frozen=True)
class CopyJob:
    """One picture whose display copy (and tile copy) is still to be made."""

    source: Path  # the pack source it belongs to
    picture: Path  # the pack's own file: a picture, or a clip whose first frame is the picture
    digest: str  # the copies' folder in the cache (the sha256 of the picture's bytes)
    with_thumbnail: bool
    is_clip: bool
    rank: tuple[int, int]  # (0: a tile, 1: one of the first steps, 2: the rest; the step)
    pack_id: str = ""


#: The steps of a new pack whose copies are made right after the tiles' pictures.
FIRST_STEPS = 3

#: Seconds a rescan that changes nothing may skip pruning the cache (see ``Library._prune_due``).
PRUNE_AGAIN_S = 600.0


@dataclass(frozen=True)
class _Remembered:
    fingerprint: Fingerprint
    loaded: Loaded


_collector_lock = threading.Lock()
_collector_pauses = 0  # scans running now with the cyclic collector paused by us
_promotion_wanted = False  # one of them built many long-lived objects (see ``_to_oldest_generation``)

#: Packs a scan must load before its objects are moved to the collector's oldest generation.
PROMOTE_AFTER_LOADS = 100


class _Pause:
    """What a scan tells the pause when it ends: whether it built enough to promote."""

    promote = False


@contextmanager
def _collector_paused() -> Iterator[_Pause]:
    """Pause Python's cyclic garbage collector while packs are loaded. Why: a first scan builds
    hundreds of thousands of small objects (YAML nodes, steps, problems) that all stay alive, so
    the collector's passes find nothing to free, yet each full pass walks the whole heap, which
    grows as the packs are loaded (measured on 1,000 packs: 0.4-0.6 s of a 3 s scan, more in the
    kiosk with Kivy's heap). Reference counting still frees everything that is not a cycle at
    once; the collector runs again, as usual, after the scan. Counted so that overlapping scans
    (two libraries on two threads) leave it on only when the last one ends, and left alone when
    someone else had turned it off."""
    global _collector_pauses, _promotion_wanted
    pause = _Pause()
    with _collector_lock:
        ours = _collector_pauses > 0 or gc.isenabled()
        if ours:
            _collector_pauses += 1
            gc.disable()
    try:
        yield pause
    finally:
        if ours:
            with _collector_lock:
                _collector_pauses -= 1
                _promotion_wanted = _promotion_wanted or pause.promote
                if _collector_pauses == 0:
                    if _promotion_wanted:
                        _to_oldest_generation()
                    _promotion_wanted = False
                    gc.enable()


def _to_oldest_generation() -> None:
    """Move every object the collector tracks into its oldest generation, without a collection.
    Why: the packs a scan built are long-lived, but they were all made while the collector was
    paused, so the first young collection after it walks every one of them (measured: 0.07 s of a
    1.2 s first scan of 1,000 packs), and the next one again. ``freeze`` then ``unfreeze`` puts them
    where a full collection, which still runs as usual, finds any cycle among them. Left alone when
    someone else keeps objects frozen on purpose. Only after a scan that loaded at least
    ``PROMOTE_AFTER_LOADS`` packs: the move takes every young object along, garbage of the program
    too, and a full collection is what then frees it, and those run rarely (the kiosk rescans at
    every visit of its tasks screen; promoting each time kept garbage with native memory, and the
    test process grew to 6 GB)."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


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
    return _look(source)[0]


def _look(source: Path) -> tuple[Fingerprint | None, FolderListing | None]:
    """The source's fingerprint, and for a folder its listing, which the loader then uses as the
    pack's file index instead of listing and stat'ing every file again."""
    try:
        if source.is_file():
            info = source.stat()
            return ("zip", info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino), None
    except OSError:
        return None, None
    listing = list_files(source)
    if not listing.complete:
        return None, listing
    return ("folder", tuple(_stamp(listed) for listed in listing.files)), listing


def _stamp(listed: ListedFile) -> tuple[str, int, int, int, int]:
    info = listed.info
    if info is None:  # a link pointing nowhere
        return (listed.relative, -1, -1, -1, -1)
    return (listed.relative, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


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
        copies: Copies = Copies.NOW,
    ) -> None:
        """``cache_policy=None`` turns pruning off; ``keep`` names packs in use outside the scan
        (a task still running on a pack that has just been removed) whose cache must stay.
        ``copies``: when display copies are made (``Copies.LATER``: the kiosk; see the module)."""
        self.folders = tuple(Path(folder).absolute() for folder in folders)
        self.cache_dir = Path(cache_dir).absolute()
        self.default_language = default_language
        self.options = options
        self.cache_policy = cache_policy
        self.keep = keep
        self.copies = copies
        self._remembered: dict[Path, _Remembered] = {}
        self._previously_pinned: frozenset[Path] = frozenset()
        self._pruned_with: frozenset[Path] | None = None  # what the last prune protected
        self._pruned_at = 0.0
        self._check_fully: set[Path] = set()  # sources with a picture found damaged later
        self._complete: set[Path] = set()  # sources whose copies all exist (not looked at again)
        self._loads = 0  # packs the running scan has loaded (not found unchanged)
        self._pins: dict[Path, frozenset[Path]] = {}  # cache folders a source's usable pack needs

    def scan(self, *, prune: bool = True) -> ScanResult:
        """Every pack source in the folders; unchanged packs are not read again. ``prune=False``
        leaves pruning the cache to a later ``prune()`` (the kiosk's, once the tiles are shown)."""
        with _collector_paused() as pause:
            self._loads = 0
            result = self._scan()
            pause.promote = self._loads >= PROMOTE_AFTER_LOADS
        if prune:
            self.prune()
        return result

    def prune(self) -> None:
        """Prune the cache, pinning what the last scan's packs use (see ``_prune``). Call it from
        the thread that scans, never beside a scan."""
        self._prune(self._remembered)

    def _scan(self) -> ScanResult:
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
        checked = without_duplicate_ids(results)
        return ScanResult(
            packs=tuple(loaded.pack for loaded in checked if loaded.pack is not None),
            reports=tuple(
                PackReport(loaded.label, loaded.source, loaded.pack is not None, loaded.problems) for loaded in checked
            ),
        )

    def _current(self, source: Path) -> _Remembered:
        current, listing = _look(source)
        previous = self._remembered.get(source)
        if (
            previous is not None
            and current is not None
            and previous.fingerprint == current
            and source not in self._check_fully
            and _still_in_cache(previous.loaded, copies_later=self.copies is Copies.LATER)
        ):
            return previous
        mode = Copies.NOW if source in self._check_fully else self.copies
        self._loads += 1
        with images.copies(mode) as left_for_later:
            pack, problems = load_pack(
                source, self.cache_dir, self.default_language, options=self.options, listed=listing
            )
        self._check_fully.discard(source)
        self._pins.pop(source, None)
        trouble = any(storage.is_storage_problem(problem) for problem in problems)
        if pack is not None and not left_for_later and not trouble:
            self._complete.add(source)  # every copy was found or made: ``pending_copies`` skips it
        else:
            self._complete.discard(source)
        return _Remembered(current, Loaded(source, pack, tuple(problems), trouble))

    def pending_copies(self) -> list[CopyJob]:
        """The display copies the packs of the last scan still need, in the order to make them:
        every tile's picture, then the first steps of every pack, then the rest by step number."""
        self._complete &= set(self._remembered)
        jobs: list[CopyJob] = []
        for source, entry in self._remembered.items():
            pack = entry.loaded.pack
            if pack is None or source in self._complete:
                continue
            found = _missing_copies(source, pack)
            if not found:
                self._complete.add(source)
            jobs.extend(found)
        return sorted(jobs, key=lambda job: job.rank)

    def make_copy(self, job: CopyJob) -> bool:
        """Make one job's copies (any one thread; may run beside a scan). False when the picture turned out
        damaged: its pack is then loaded again, and checked fully, at the next scan."""
        try:
            if job.is_clip:
                data = video.poster_jpeg(job.picture)
            else:
                with open(job.picture, "rb") as stream:
                    data = stream.read()
            max_pixels = self.options.max_image_pixels if self.options is not None else None
            images.make_copies(
                data, job.digest, self.cache_dir, with_thumbnail=job.with_thumbnail, max_pixels=max_pixels
            )
        except images.ImageRefused as refusal:
            log.warning("a picture of %s cannot be prepared (%s): checking the pack again", job.source, refusal)
            self._check_fully.add(job.source)  # the next scan loads it again, with copies made at once
            return False
        except (OSError, ValueError) as error:  # no room, a file gone: the step shows the original
            log.warning("cannot prepare %s: %s", job.picture, error)
        return True

    def _prune(self, remembered: dict[Path, _Remembered]) -> None:
        """Prune the cache, pinning what this scan's packs use, what the previous scan's packs used
        (so a pack removed just now starts its time as unused now) and what ``keep`` names."""
        if self.cache_policy is None:
            return
        self._pins = {source: pins for source, pins in self._pins.items() if source in remembered}
        pinned = frozenset(folder for source, entry in remembered.items() for folder in self._pinned_by(source, entry))
        kept: set[Path] = set()
        try:
            for pack in self.keep() if self.keep is not None else ():
                kept.update(pack_cache_entries(pack, self.cache_dir))
            protected = pinned | self._previously_pinned | kept
            if not self._prune_due(protected):
                return
            prune_cache(self.cache_dir, protected, self.cache_policy)
        except Exception:  # noqa: BLE001 - a pruning bug must never cost the kiosk its packs
            log.exception("pruning the pack cache %s failed", self.cache_dir)
        finally:
            self._previously_pinned = pinned

    def _pinned_by(self, source: Path, entry: _Remembered) -> frozenset[Path]:
        """The cache folders the source's pack needs, worked out once per load of the pack (here,
        not in the scan: only pruning needs them)."""
        pins = self._pins.get(source)
        if pins is None:
            pack = entry.loaded.pack
            pins = self._pins[source] = frozenset(pack_cache_entries(pack, self.cache_dir)) if pack else frozenset()
        return pins

    def _prune_due(self, protected: frozenset[Path]) -> bool:
        """Whether to prune now. Pruning walks every cache entry (on a 1,000-pack library: 20,000
        folders, most of a rescan's time), so a rescan that pins exactly what the last prune
        pinned skips it, for up to ``PRUNE_AGAIN_S`` (and never longer than the policy's own
        times, so nothing stays much longer than the policy says)."""
        assert self.cache_policy is not None
        now = time.monotonic()
        wait = min(PRUNE_AGAIN_S, self.cache_policy.keep_unused_s, self.cache_policy.protect_recent_s)
        if protected == self._pruned_with and now - self._pruned_at < wait:
            return False
        self._pruned_with, self._pruned_at = protected, now
        return True


def pack_cache_entries(pack: Pack, cache_dir: Path) -> set[Path]:
    """The cache folders a loaded pack needs: its unpacked zip and its prepared pictures."""
    entries = {path.parent for path in pack.display_images.values()}
    if pack.thumbnail_image is not None:
        entries.add(pack.thumbnail_image.parent)
    if pack.root.is_relative_to(cache_dir):
        entries.add(pack.root.parent)  # <cache>/zips/<sha256>/files -> <cache>/zips/<sha256>
    return entries


def _missing_copies(source: Path, pack: Pack) -> list[CopyJob]:
    """The pack's pictures whose display copy (or tile copy) does not exist yet."""
    clips = {step.video for step in pack.steps if step.video and step.video == step.image}
    first = {pack.cover} if pack.cover is not None else set()
    first.update(step.image for step in pack.steps[:FIRST_STEPS])
    step_of = {}
    for step in reversed(pack.steps):
        step_of[step.image] = step.number
    jobs = []
    for relative, display in pack.display_images.items():
        tile = pack.thumbnail_image is not None and pack.thumbnail_image.parent == display.parent
        if os.path.isfile(display) and not (tile and not os.path.isfile(pack.thumbnail_image)):  # type: ignore[arg-type]
            continue
        number = step_of.get(relative, 0)
        rank = (0, 0) if tile else ((1, number) if relative in first else (2, number))
        jobs.append(CopyJob(source, pack.file(relative), display.parent.name, tile, relative in clips, rank, pack.id))
    return jobs


def _still_in_cache(loaded: Loaded, *, copies_later: bool = False) -> bool:
    """The cache is only derived data and may be cleared; then the pack is prepared again. A pack
    read while the cache could not be written is read again, so it is prepared once there is room.
    With copies made later, missing copies are made by ``make_copy``, not by loading again."""
    if loaded.storage_trouble:
        return False
    pack = loaded.pack
    if pack is None:
        return True
    if copies_later:
        return pack.root.is_dir()
    prepared = [*pack.display_images.values(), *([pack.thumbnail_image] if pack.thumbnail_image else [])]
    return pack.root.is_dir() and all(os.path.isfile(path) for path in prepared)
