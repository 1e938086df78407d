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

**File-system events first, polling as the fallback.** Taking the signature costs a ``stat`` per
file: on a 1,000-pack library (21,000 files) every 2 s that alone kept a tenth of a core busy on an
idle kiosk. With the ``watchdog`` library (inotify on Linux, FSEvents, ReadDirectoryChangesW) the
folders are watched instead: a poll with no event since the last signature costs nothing, and a
signature is taken only after something happened (and again until the folders are still, as
above). Every ``FULL_CHECK_SECONDS`` a signature is taken anyway, for changes no event reports (a
network share, an overflowed event queue). Where watching cannot start (no ``watchdog``, the
inotify watch limit reached, a folder that does not exist yet), the watcher polls as before;
``KIOSK_PACK_WATCH=poll`` makes it poll on purpose (to compare, ``bench/idle.py``).
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Hashable, Iterable

from kiosk.packs.library import fingerprint, pack_sources
from kiosk.priority import background_executor

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0
FULL_CHECK_SECONDS = 60.0  # with file-system events: a signature anyway this often

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

    @property
    def scanned_signature(self) -> Any:
        return self._scanned


class FolderEvents:
    """Something happened in the watched folders since ``take()`` was last called (thread-safe:
    watchdog calls ``dispatch`` on its own thread). ``start`` returns False when the folders
    cannot be watched, and the caller polls instead."""

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._happened = True  # nothing is known before the first signature
        self._observer: Any = None

    def start(self, folders: Iterable[Path]) -> bool:
        try:
            from watchdog.events import FileSystemEvent, FileSystemEventHandler
            from watchdog.observers import Observer
        except ImportError:
            log.info("watchdog is not installed: pack folders are polled")
            return False
        owner = self

        class Forward(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                owner.dispatch(event)

        observer = Observer()
        try:
            for folder in folders:
                observer.schedule(Forward(), str(folder), recursive=True)
            observer.daemon = True
            observer.start()
        except Exception as exc:  # noqa: BLE001 - e.g. the inotify limit, a missing folder: poll
            log.info("Pack folders cannot be watched (%s): they are polled", exc)
            try:
                observer.stop()
            except Exception:  # noqa: BLE001
                pass
            return False
        self._observer = observer
        return True

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer = None

    def dispatch(self, event: Any) -> None:
        """An event from watchdog's thread: anything but opening or closing a file unchanged."""
        if getattr(event, "event_type", "") in ("opened", "closed_no_write"):
            return
        with self._lock:
            self._happened = True

    @property
    def pending(self) -> bool:
        """Whether something happened that ``take()`` has not collected yet (tests wait on it:
        the operating system reports events a moment after the change, on watchdog's thread)."""
        with self._lock:
            return self._happened

    def take(self) -> bool:
        """Whether anything happened since the last call (and forget it)."""
        with self._lock:
            happened, self._happened = self._happened, False
        return happened


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
        self.signatures = 0  # how many signatures were taken (tests, the benchmark)
        self.events: FolderEvents | None = None  # None: polling
        self._unsettled = False  # the last signature was not yet scanned: look again next poll
        self._last_full = 0.0

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
        events = FolderEvents()
        polling = os.environ.get("KIOSK_PACK_WATCH") == "poll"  # for comparison (bench/idle.py)
        self.events = events if not polling and events.start(tuple(self.shelf.library.folders)) else None
        self._last_full = Clock.get_time()
        self._executor = background_executor("kiosk-pack-watch")
        self._event = Clock.schedule_interval(self.poll, self.interval)

    def shutdown(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None
        if self.events is not None:
            self.events.stop()
            self.events = None
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
        self._pending = None

    def poll(self, *_args: Any) -> None:
        """Take the folders' signature in the background (one at a time); with file-system
        events, only after an event, while a change is settling, or for the periodic full check."""
        if self._pending is not None or self._executor is None:
            return
        if self.events is not None:
            from kivy.clock import Clock

            now = Clock.get_time()
            happened = self.events.take()
            if not (happened or self._unsettled or now - self._last_full >= FULL_CHECK_SECONDS):
                return
            self._last_full = now
        self.signatures += 1
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
        due = self.detector.observe(signature)
        self._unsettled = signature != self.detector.scanned_signature
        if not due or self.shelf.scanning:
            return  # nothing new, or a scan is running: asked again at the next poll
        log.info("Pack folders changed: rescanning")
        self.detector.scanned(signature)
        self._unsettled = False
        self.rescans += 1
        self.shelf.refresh()
