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
from pathlib import Path
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
    """Prune ``cache_dir`` (see the module); ``pinned`` are the entry folders current packs use."""
    now = clock()
    keep = {Path(path) for path in pinned}
    for path in keep:
        _touch(path, now)
    unused: list[_Entry] = []
    total = 0
    removed: list[Path] = []
    for path in _entries(cache_dir):
        if path.name.startswith(PARTIAL_PREFIX):
            if now - _modified(path, now) > 60 * 60 and _remove(path):
                removed.append(path)
            continue
        size = _size(path)
        total += size
        if path not in keep:
            unused.append(_Entry(path, _modified(path, now), size))
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


def _entries(cache_dir: Path) -> Iterable[Path]:
    for name in PRUNED_FOLDERS:
        try:
            with os.scandir(cache_dir / name) as listing:
                children = [Path(entry.path) for entry in listing if entry.is_dir(follow_symlinks=False)]
        except OSError:
            continue
        yield from sorted(children)


def _touch(path: Path, now: float) -> None:
    try:
        os.utime(path, (now, now))
    except OSError:
        pass  # a read-only cache: nothing will be written, nothing needs pruning


def _modified(path: Path, default: float) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return default


def _size(path: Path) -> int:
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
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
