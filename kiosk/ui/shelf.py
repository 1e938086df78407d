"""The packs on this kiosk, scanned in the background.

A scan reads and hashes every new pack's files (seconds for a big library), so it must not hold
up the first screen: ``PackShelf.refresh`` runs ``Library.scan`` in a worker thread and hands the
result to the main thread. Rescans are cheap (unchanged packs are not re-read), so the tasks
screen asks for one on every visit and packs a trainer copies in appear without a restart.

The cache is pruned after the scan, on the same thread, while the screens take the result: a tile
never waits for the pruning (``Library.scan(prune=False)``, then ``Library.prune``).

The scan makes no display copy of a big photo (``Copies.LATER``): a new pack's tile appears as
soon as the scan is done. The copies are made afterwards on a thread of their own (a scan never
waits for them), one picture at a time: the tiles' pictures first, then the first steps of every
pack, then the rest; the pack a worker has just opened goes first (``prioritise``). Until its
copy exists, a step shows the pack's own photo decoded at display size (``kiosk.ui.pictures``).
"""

from __future__ import annotations

import logging
from collections import deque
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Callable, Sequence

from kivy.clock import Clock
from kiosk.priority import background_executor

log = logging.getLogger(__name__)

Listener = Callable[[Any], None]


class PackShelf:
    def __init__(
        self,
        folders: Sequence[Path],
        cache_dir: Path,
        default_language: str = "en",
        library: Any | None = None,
        keep: Callable[[], Any] | None = None,
    ) -> None:
        """``keep`` names packs in use (a worker's open task): their cached pictures are never
        pruned, even when the pack was removed from its folder mid-task."""
        if library is None:
            from kiosk.packs import Library
            from kiosk.packs.images import Copies

            library = Library(list(folders), cache_dir, default_language, keep=keep, copies=Copies.LATER)
        self.library = library
        self.result: Any | None = None  # the last ScanResult
        self.listeners: list[Listener] = []
        self._executor = background_executor("kiosk-packs")
        self._copier = background_executor("kiosk-copies")
        self._running: Future | None = None
        self._again = False  # a refresh was asked for while a scan ran: scan once more after it
        self._copies: deque[Any] = deque()  # display copies still to make (kiosk.packs.library.CopyJob)
        self._copying: Future | None = None
        self._job: Any = None  # the copy being made
        self._first: str | None = None  # the pack whose copies go first (``prioritise``)
        self._stopped = False

    @property
    def loaded(self) -> bool:
        return self.result is not None

    @property
    def scanning(self) -> bool:
        """A scan runs, or its result has not reached the screens yet (or one more follows)."""
        return self._running is not None

    @property
    def preparing(self) -> bool:
        """Display copies are still being made in the background."""
        return self._copying is not None or bool(self._copies)

    @property
    def packs(self) -> tuple[Any, ...]:
        return tuple(self.result.packs) if self.result is not None else ()

    def find(self, pack_id: str) -> Any | None:
        return next((p for p in self.packs if p.id == pack_id), None)

    def refresh(self) -> None:
        """Scan in the background (at most one scan at a time); listeners hear the result. Asked
        while a scan runs, one more scan follows it: that scan may have read the folders before
        the change this refresh is about ("Reload packs" right after a copy, a pack removed)."""
        if self.scanning:
            self._again = True
            return
        try:
            self._running = self._executor.submit(self._scan, prune=False)
            self._executor.submit(self._prune)  # after the scan, while the screens take its result
        except RuntimeError:
            return
        self._running.add_done_callback(lambda f: Clock.schedule_once(lambda _dt: self._done(f), 0))

    def scan_now(self) -> Any:
        """Scan on the calling thread (tests and the benchmark want a ready shelf)."""
        if self._running is not None:
            self._running.result()
            self._running = None
        result, jobs = self._scan()
        self._set((result, jobs))
        self._copy_next()
        return self.result

    def prioritise(self, pack_id: str) -> None:
        """Make this pack's missing copies next (a worker has just opened it), also after the
        rescans that follow."""
        self._first = pack_id
        self._copies = deque(self._in_order(self._copies))

    def _in_order(self, jobs: Any) -> list[Any]:
        return sorted(jobs, key=lambda job: getattr(job, "pack_id", None) != self._first)  # stable

    def shutdown(self) -> None:
        self._stopped = True
        self._copies.clear()
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._copier.shutdown(wait=False, cancel_futures=True)

    def _scan(self, *, prune: bool = True) -> tuple[Any, list[Any]]:
        """Worker thread: the scan, and the copies its packs still need."""
        result = self.library.scan(prune=prune)
        pending = getattr(self.library, "pending_copies", None)
        return result, (pending() if pending is not None else [])

    def _prune(self) -> None:
        """Worker thread, after a scan: prune the pack cache (``Library.prune``), which nobody
        waits for: on a big library it takes a quarter as long as a first scan."""
        prune = getattr(self.library, "prune", None)
        if prune is None or self._stopped:
            return
        try:
            prune()
        except Exception as exc:  # noqa: BLE001 - housekeeping must not take the kiosk down
            log.exception("Pruning the pack cache failed: %s", exc)

    def _done(self, future: Future) -> None:
        if future is not self._running:
            return  # overtaken (``scan_now`` applied a newer result)
        self._running = None
        try:
            scanned = future.result()
        except Exception as exc:  # noqa: BLE001 - a scan bug must not take the kiosk down
            log.exception("Pack scan failed: %s", exc)
            scanned = (self.result if self.result is not None else _empty_result(), [])
        self._set(scanned)
        if self._again:
            self._again = False
            self.refresh()
        self._copy_next()

    def _set(self, scanned: tuple[Any, list[Any]]) -> None:
        result, jobs = scanned
        changed = self.result is None or _ids(result) != _ids(self.result)
        self.result = result
        running = self._job if self._copying is not None else None
        self._copies = deque(self._in_order(job for job in jobs if job != running))  # not twice
        if changed:
            for listener in list(self.listeners):
                listener(result)

    def _copy_next(self) -> None:
        """Main thread: hand the next display copy to the copying thread, one at a time (a new
        scan's list, or ``prioritise``, can still change what comes next)."""
        if self._stopped or self._copying is not None or not self._copies:
            return
        job = self._job = self._copies.popleft()
        try:
            self._copying = self._copier.submit(self.library.make_copy, job)
        except RuntimeError:  # shut down
            return
        self._copying.add_done_callback(lambda f: Clock.schedule_once(lambda _dt: self._copied(f), 0))

    def _copied(self, future: Future) -> None:
        if future is not self._copying:
            return
        self._copying = None
        try:
            sound = future.result()
        except Exception as exc:  # noqa: BLE001 - a bug here costs a copy, never the kiosk
            log.exception("making a display copy failed: %s", exc)
            sound = True
        if not sound:  # a damaged picture: its pack is checked fully by a new scan
            self._copies.clear()
            self.refresh()
            return
        self._copy_next()


def _ids(result: Any) -> tuple[tuple[str, str], ...]:
    """What the screens care about: which packs (and content) are usable, which are broken."""
    usable = tuple((p.id, p.content_hash) for p in result.packs)
    broken = tuple((str(r.path), "broken") for r in result.reports if not r.ok)
    return usable + broken


def _empty_result() -> Any:
    from kiosk.packs import ScanResult

    return ScanResult(packs=(), reports=())
