"""The packs on this kiosk, scanned in the background.

A first scan prepares display copies of every photo (seconds for a big library), so it must not
hold up the first screen: ``PackShelf.refresh`` runs ``Library.scan`` in a worker thread and hands
the result to the main thread. Rescans are cheap (unchanged packs are not re-read), so the tasks
screen asks for one on every visit and packs a trainer copies in appear without a restart.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Sequence

from kivy.clock import Clock

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

            library = Library(list(folders), cache_dir, default_language, keep=keep)
        self.library = library
        self.result: Any | None = None  # the last ScanResult
        self.listeners: list[Listener] = []
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-packs")
        self._running: Future | None = None
        self._again = False  # a refresh was asked for while a scan ran: scan once more after it

    @property
    def loaded(self) -> bool:
        return self.result is not None

    @property
    def scanning(self) -> bool:
        """A scan runs, or its result has not reached the screens yet (or one more follows)."""
        return self._running is not None

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
            self._running = self._executor.submit(self.library.scan)
        except RuntimeError:
            return
        self._running.add_done_callback(lambda f: Clock.schedule_once(lambda _dt: self._done(f), 0))

    def scan_now(self) -> Any:
        """Scan on the calling thread (tests and the benchmark want a ready shelf)."""
        if self._running is not None:
            self._running.result()
            self._running = None
        self._set(self.library.scan())
        return self.result

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _done(self, future: Future) -> None:
        if future is not self._running:
            return  # overtaken (``scan_now`` applied a newer result)
        self._running = None
        try:
            result = future.result()
        except Exception as exc:  # noqa: BLE001 - a scan bug must not take the kiosk down
            log.exception("Pack scan failed: %s", exc)
            result = self.result if self.result is not None else _empty_result()
        self._set(result)
        if self._again:
            self._again = False
            self.refresh()

    def _set(self, result: Any) -> None:
        changed = self.result is None or _ids(result) != _ids(self.result)
        self.result = result
        if changed:
            for listener in list(self.listeners):
                listener(result)


def _ids(result: Any) -> tuple[tuple[str, str], ...]:
    """What the screens care about: which packs (and content) are usable, which are broken."""
    usable = tuple((p.id, p.content_hash) for p in result.packs)
    broken = tuple((str(r.path), "broken") for r in result.reports if not r.ok)
    return usable + broken


def _empty_result() -> Any:
    from kiosk.packs import ScanResult

    return ScanResult(packs=(), reports=())
