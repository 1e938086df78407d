"""The one speech queue: one thread, jobs by priority, live speech first, stale prefetches dropped.

Why it looks like this:
- espeak-ng is process-global and pyttsx3 loses files when two threads synthesise, so every
  speech job runs on one thread, one at a time. That makes the order of the queue the delay a worker
  hears: a "Hear again" tap or "Help is coming" must not wait behind the next steps' prefetches.
  So there is exactly one queue (the UI puts its jobs on the speech worker's queue rather than on
  a queue of its own) and it is ordered by ``Priority``, then by arrival.
- A job already running is never interrupted (espeak cannot be stopped mid-file without losing
  it); a live request waits at most for that one job.
- ``key`` names what a job makes (e.g. a step's voice). Asking again for a key that is queued or
  running returns the same Future instead of a second job; asking with a more urgent priority moves
  the queued job up ("promotion"), so the prefetch of the step the worker has just reached becomes
  live speech instead of waiting its turn.
- ``wanted`` is asked just before a job starts: a job nobody wants any more (a prefetch for a step
  the worker has moved past, live speech replaced by newer speech) is cancelled, not run. A
  promoted job runs while any of its askers still wants it.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Callable, Hashable

from .errors import SpeechError
from kiosk.priority import lower_this_thread

log = logging.getLogger("kiosk.speech")

Wanted = Callable[[], bool]


class Priority(IntEnum):
    """Lower runs first."""

    LIVE = 0  # somebody is waiting to hear this now: a tap, a help call, the step just shown
    RENDER = 1  # a caller blocks on it (build time, ``SpeechWorker.render``)
    PREFETCH = 2  # ahead of need: the next step's words


@dataclass
class _Job:
    run: Callable[[], Any]
    future: Future
    priority: int
    key: Hashable | None
    wanted: list[Wanted | None] = field(default_factory=list)

    def still_wanted(self) -> bool:
        """True while any asker still wants the result (None means: always)."""
        for asked in self.wanted:
            if asked is None:
                return True
            try:
                if asked():
                    return True
            except Exception:  # noqa: BLE001 - a broken predicate must not stop the queue
                log.exception("a speech job's 'wanted' check failed; running the job")
                return True
        return False


@dataclass(order=True)
class _Entry:
    priority: int
    seq: int
    job: _Job | None = field(compare=False)  # None: the stop marker


class JobQueue:
    """One worker thread running jobs by priority. Thread-safe; the thread starts on first use."""

    def __init__(self, name: str = "speech-worker") -> None:
        self.name = name
        self._heap: list[_Entry] = []
        self._by_key: dict[Hashable, _Job] = {}
        self._seq = itertools.count()
        self._lock = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def submit(
        self,
        run: Callable[[], Any],
        priority: Priority = Priority.RENDER,
        *,
        key: Hashable | None = None,
        wanted: Wanted | None = None,
    ) -> Future:
        """Queue ``run`` (called on the queue's thread); the Future gives its result or exception.

        ``key``: a job for the same key already queued or running is shared (and moved up when this
        request is more urgent). ``wanted``: asked before the job starts; False cancels it.
        Raises SpeechError after ``close()``.
        """
        with self._lock:
            if self._closed:
                raise SpeechError("The speech worker has been closed.")
            job = self._by_key.get(key) if key is not None else None
            if job is not None and not job.future.done():
                job.wanted.append(wanted)
                if priority < job.priority and not job.future.running():
                    job.priority = priority  # the old heap entry is skipped when it comes up
                    heapq.heappush(self._heap, _Entry(priority, next(self._seq), job))
                    self._lock.notify()
                return job.future
            job = _Job(run, Future(), int(priority), key, [wanted])
            if key is not None:
                self._by_key[key] = job
                job.future.add_done_callback(lambda _f, k=key, j=job: self._forget(k, j))
            heapq.heappush(self._heap, _Entry(job.priority, next(self._seq), job))
            self._start_thread()
            self._lock.notify()
            return job.future

    def on_thread(self) -> bool:
        """True when called from the queue's own thread (a job may then run work inline)."""
        return self._thread is not None and threading.current_thread() is self._thread

    def pending(self) -> int:
        """Jobs queued and not started (promoted jobs counted once)."""
        with self._lock:
            return len({id(e.job) for e in self._heap if e.job is not None and not e.job.future.running()})

    def close(self, timeout: float = 5.0) -> None:
        """Refuse new jobs, let the queued ones run, stop the thread (waiting up to ``timeout``)."""
        with self._lock:
            self._closed = True
            thread = self._thread
            heapq.heappush(self._heap, _Entry(1 << 30, next(self._seq), None))
            self._lock.notify()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    # -- the thread -------------------------------------------------------------------------

    def _start_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
            self._thread.start()

    def _forget(self, key: Hashable, job: _Job) -> None:
        with self._lock:
            if self._by_key.get(key) is job:
                del self._by_key[key]

    def _next(self) -> _Job | None:
        """The next job to run (None: stop), skipping entries left behind by promotion."""
        with self._lock:
            while True:
                while not self._heap:
                    self._lock.wait()
                entry = heapq.heappop(self._heap)
                if entry.job is None:
                    return None
                if entry.priority != entry.job.priority or entry.job.future.done():
                    continue  # moved up (its new entry runs it) or cancelled by its owner
                return entry.job

    def _loop(self) -> None:
        lower_this_thread()  # voices are made ahead; the frame with the picture comes first
        while True:
            job = self._next()
            if job is None:
                return
            if not job.still_wanted():
                job.future.cancel()
                continue
            if not job.future.set_running_or_notify_cancel():
                continue
            try:
                result = job.run()
            except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
                job.future.set_exception(exc)
            else:
                job.future.set_result(result)
