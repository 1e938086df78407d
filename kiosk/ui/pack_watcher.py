"""Hot reload: packs copied into, changed in or removed from the pack folders follow by themselves.

Every ``POLL_SECONDS`` a background thread takes the folders' *signature*: the pack library's own
per-pack fingerprints (``kiosk.packs.library.fingerprint``: name, size and modification time of
each file of a pack folder, size and time of a zip), a few ``stat`` calls per pack and no file
read. When the signature differs from the one of the last scan, the shelf (``kiosk.ui.shelf``)
rescans in its own thread and hands the result to the main thread, where the tasks screen and the
trainer's packs screen rebuild. The library itself is only touched by the shelf's scan thread
(``Library`` is not thread-safe).

A change is acted on once the folders have stayed the same for one poll: a trainer copying a big
pack over USB would otherwise get it scanned half-copied (a "broken" pack in the problem list and
photos prepared for nothing) every two seconds until the copy ends. So a new pack appears about
2-4 s after its copy is complete; **Reload packs** on the trainer's packs screen scans at once.

``ChangeDetector`` and ``folders_signature`` need no Kivy; ``PackWatcher`` ticks them with Kivy's
clock (so tests can move time) and calls the shelf on the main thread.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Hashable, Iterable

from kiosk.packs.library import fingerprint, pack_sources

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0

Signature = Hashable
_NOTHING = object()


def folders_signature(folders: Iterable[Path]) -> Signature:
    """What changes whenever a pack in ``folders`` is added, removed or changed (stat calls only)."""
    seen: set[Path] = set()
    parts = []
    for folder in folders:
        for source in pack_sources(Path(folder)):
            if source not in seen:
                seen.add(source)
                parts.append((str(source), fingerprint(source)))
    return tuple(parts)


class ChangeDetector:
    """Decides, one observed signature at a time, when a rescan is due.

    Due: the signature differs from the last scanned one and equals the previous observation (the
    folders were still for one poll). ``scanned(signature)`` records that a scan has started after
    that signature was taken; until then the same change keeps being due (e.g. while the shelf was
    busy with another scan).
    """

    def __init__(self) -> None:
        self._scanned: Any = _NOTHING
        self._previous: Any = _NOTHING

    def observe(self, signature: Signature) -> bool:
        previous, self._previous = self._previous, signature
        return signature == previous and signature != self._scanned

    def scanned(self, signature: Signature) -> None:
        self._scanned = signature


class PackWatcher:
    """Polls the shelf's folders on a background thread; asks the shelf to rescan on a change.

    ``shelf`` is a ``kiosk.ui.shelf.PackShelf`` (``library.folders``, ``scanning``, ``refresh()``).
    ``start()`` / ``shutdown()`` from the main thread; ``busy`` is True while a signature is taken.

    ``start()`` takes the first signature at once, and must come *before* the shelf's first scan:
    that scan then sees the folders as they were then or newer, so the signature counts as scanned
    (no second scan of an unchanged library a few seconds after start-up), and any change after it
    still differs from it. It costs the ``stat`` calls of one poll on the main thread, once.
    """

    def __init__(
        self,
        shelf: Any,
        interval: float = POLL_SECONDS,
        signature: Callable[[Iterable[Path]], Signature] = folders_signature,
    ) -> None:
        self.shelf = shelf
        self.interval = interval
        self.detector = ChangeDetector()
        self._signature = signature
        self._executor: ThreadPoolExecutor | None = None
        self._event: Any = None
        self._pending: Future | None = None
        self.rescans = 0  # how many rescans the watcher asked for (tests, logs)

    @property
    def busy(self) -> bool:
        return self._pending is not None

    @property
    def running(self) -> bool:
        return self._event is not None

    def start(self) -> None:
        from kivy.clock import Clock

        if self._event is not None:
            return
        try:
            baseline = self._signature(tuple(self.shelf.library.folders))
        except Exception as exc:  # noqa: BLE001
            log.warning("Pack folders could not be checked for changes: %s", exc)
        else:
            self.detector.observe(baseline)
            self.detector.scanned(baseline)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-pack-watch")
        self._event = Clock.schedule_interval(self.poll, self.interval)

    def shutdown(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
        self._pending = None

    def poll(self, *_args: Any) -> None:
        """Take the folders' signature in the background (one at a time)."""
        if self._pending is not None or self._executor is None:
            return
        folders = tuple(self.shelf.library.folders)
        try:
            future = self._executor.submit(self._signature, folders)
        except RuntimeError:  # shut down meanwhile
            return
        self._pending = future
        future.add_done_callback(self._taken)

    def _taken(self, future: Future) -> None:
        from kivy.clock import Clock

        Clock.schedule_once(lambda _dt: self._on_main_thread(future), 0)

    def _on_main_thread(self, future: Future) -> None:
        if future is not self._pending:  # shut down (or restarted) meanwhile
            return
        self._pending = None
        try:
            signature = future.result()
        except Exception as exc:  # noqa: BLE001 - a folder that cannot be read must not stop the kiosk
            log.warning("Pack folders could not be checked for changes: %s", exc)
            return
        if not self.detector.observe(signature) or self.shelf.scanning:
            return  # nothing new, or a scan is running: asked again at the next poll
        log.info("Pack folders changed: rescanning")
        self.detector.scanned(signature)
        self.rescans += 1
        self.shelf.refresh()
