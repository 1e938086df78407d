"""Keeping the pack cache small: least recently used first, within a budget, never what is needed.

Loading packs fills ``<cache>/zips/<sha256>/`` (unpacked zips) and ``<cache>/images/<sha256>/``
(screen-sized pictures). Without pruning, every changed or removed pack leaves its copies behind
until the card is full. After each scan the library calls ``prune_cache`` with the entries its
packs use:

- an entry a current pack uses (usable or broken) is *pinned*: never removed, and its time of
  last use (the folder's modification time) is set to now;
- an entry no current pack uses belongs to a pack that is gone or changed. It is removed once it
  has not been used for ``CachePolicy.keep_unused_s`` (a day): long enough for a worker to finish
  a task whose pack was just removed, and for a USB stick pulled out by mistake to come back;
- when the cache is still bigger than ``CachePolicy.budget_bytes``, unused entries are removed
  least recently used first — but none used within ``CachePolicy.protect_recent_s`` (an hour),
  because another program sharing the cache (``kiosk report``) or a task still running may need it;
- half-unpacked folders left by a power cut (``zips/.partial-*``) are removed after an hour.

Only ``images/`` and ``zips/`` are looked after here; other folders in the cache (speech) are not
touched. Every failure to remove is logged and skipped: pruning must never break a scan.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Callable, Iterable

log = logging.getLogger(__name__)

PRUNED_FOLDERS = ("images", "zips")
PARTIAL_PREFIX = ".partial-"


@dataclass(frozen=True)
class CachePolicy:
    budget_bytes: int = 2 * 1024 * 1024 * 1024  # 2 GiB: four of the biggest zips the kiosk accepts
    keep_unused_s: float = 24 * 60 * 60
    protect_recent_s: float = 60 * 60


@dataclass(frozen=True)
class PruneReport:
    removed: tuple[Path, ...]
    kept_bytes: int  # what the pruned folders hold afterwards
    over_budget: bool  # still over budget: the pinned entries alone are bigger


@dataclass
class _Entry:
    path: Path
    last_used: float
    size: int


def prune_cache(
    cache_dir: Path,
    pinned: Iterable[Path],
    policy: CachePolicy = CachePolicy(),
    *,
    clock: Callable[[], float] = time.time,
) -> PruneReport:
    """Prune ``cache_dir`` (see the module); ``pinned`` are the entry folders current packs use.

    Paths are handled as plain strings inside: a kiosk restart prunes a cache of 20,000 entries,
    and building, hashing and sorting ``Path`` objects for each cost more than the file-system
    calls themselves (measured with ``bench/scan.py``)."""
    now = clock()
    keep = {str(path) if isinstance(path, PurePath) else str(Path(path)) for path in pinned}
    # A pinned entry's time of use is set again only once it is a quarter of the protected time
    # old: each touch is a metadata write (an SD card wears), and a kiosk restart pins 20,000
    # entries it touched minutes ago. Its age is then off by at most that quarter.
    touch_after = policy.protect_recent_s / 4
    listed: set[str] = set()
    unused: list[_Entry] = []
    total = 0
    removed: list[Path] = []
    for path, name, modified in _entries(cache_dir, now):
        listed.add(path)
        if name.startswith(PARTIAL_PREFIX):
            if now - modified > 60 * 60 and _remove(Path(path)):
                removed.append(Path(path))
            continue
        size = _size(path)
        total += size
        if path in keep:
            if not 0 <= now - modified <= touch_after:
                _touch(path, now)
        else:
            unused.append(_Entry(Path(path), modified, size))
    for path in keep - listed:  # outside the pruned folders, or not made yet
        _touch(path, now)
    unused.sort(key=lambda entry: entry.last_used)  # least recently used first
    for entry in unused:
        age = now - entry.last_used
        gone = age > policy.keep_unused_s
        over = total > policy.budget_bytes and age > policy.protect_recent_s
        if (gone or over) and _remove(entry.path):
            removed.append(entry.path)
            total -= entry.size
    if total > policy.budget_bytes:
        log.warning(
            "pack cache %s holds %d MB, over its budget of %d MB", cache_dir, total >> 20, policy.budget_bytes >> 20
        )
    return PruneReport(tuple(removed), total, total > policy.budget_bytes)


def _entries(cache_dir: Path, default: float) -> Iterable[tuple[str, str, float]]:
    """(path, name, modification time) of every entry folder, in name order within each pruned
    folder; ``default`` is the time of an entry that cannot be read."""
    base = str(Path(cache_dir))  # spelled as ``Path`` spells it, like the pinned paths
    for name in PRUNED_FOLDERS:
        try:
            with os.scandir(os.path.join(base, name)) as listing:
                children = [(entry.name, entry.path, entry) for entry in listing if entry.is_dir(follow_symlinks=False)]
        except OSError:
            continue
        children.sort(key=lambda child: child[0])
        for child_name, child_path, entry in children:
            try:
                modified = entry.stat(follow_symlinks=False).st_mtime
            except OSError:
                modified = default
            yield child_path, child_name, modified


def _touch(path: str, now: float) -> None:
    try:
        os.utime(path, (now, now))
    except OSError:
        pass  # a read-only cache: nothing will be written, nothing needs pruning


def _size(path: str) -> int:
    """Bytes of the files under ``path`` (links not followed, not counted as their targets).
    One ``scandir`` per folder and one ``lstat`` per file, nothing else: most entries are a
    folder of one or two pictures, and there are tens of thousands of them."""
    total = 0
    folders = [path]
    while folders:
        try:
            with os.scandir(folders.pop()) as listing:
                for entry in listing:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            folders.append(entry.path)
                        else:
                            total += entry.stat(follow_symlinks=False).st_size
                    except OSError:
                        pass
        except OSError:
            pass
    return total


def _remove(path: Path) -> bool:
    try:
        shutil.rmtree(path)
    except FileNotFoundError:
        return True
    except OSError as error:
        log.warning("cannot remove %s from the pack cache: %s", path, error)
        return False
    return True
