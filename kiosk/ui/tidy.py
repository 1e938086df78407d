"""Memory that only a full collection frees, collected when nobody is waiting for the screen.

Every change of screen leaves garbage in reference cycles: Kivy's fade draws both screens into
two window-sized frame buffers, and labels, sounds and speech jobs of the screen left behind end
up in cycles too (Kivy's graphics instructions point at their groups and back). They hold native
memory (a frame buffer on a software renderer: 4 MB) that Python's collector cannot see, and its
full passes run by the count of Python objects, so they came far too rarely: the kiosk grew by
about 24 MiB with each task started, without end (``bench/memory.py``; a 10-step task started five
times: 205 -> 336 MiB).

So once a change of screen is complete and the new screen is on the glass, the ``Tidier`` may run
one full collection and give the freed memory back to the system. Never on a step, where a
worker's next press must be answered at once. And not after every change: a full collection
walks every object the program holds (30-50 ms for the kiosk, about 0.13 s more with a 1,000-pack
library loaded), so it runs only once the resident set has grown by ``grown_mib`` since the last
one, and never takes more than ``share`` of the time (after a collection of 0.1 s, the next waits
at least 5 s).
"""

from __future__ import annotations

import gc
import logging
import os
import time
from typing import Callable

from kiosk.packs.images import give_back_memory

log = logging.getLogger(__name__)

#: Screens after which no collection runs: the worker is stepping through a task.
BUSY_SCREENS = frozenset({"step"})


def resident_mib() -> float | None:
    """This process's resident set in MiB (Linux ``/proc``), or None where it cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return None


def tidy_up(release: Callable[[], object] | None = None) -> float:
    """One full collection, then the freed memory back to the system. Returns the seconds taken.
    ``release``: frees what the collected objects left to free later; the kiosk passes Kivy's
    ``gl_dealloc``, which deletes the textures and frame buffers of collected objects (Kivy
    otherwise does it on the next clock tick, after the resident set was read here)."""
    started = time.perf_counter()
    collected = gc.collect()
    if release is not None:
        release()
    give_back_memory()
    took = time.perf_counter() - started
    log.debug("collected %d objects in %.1f ms", collected, took * 1000)
    return took


class Pace:
    """When the next collection may run at the earliest: shared by every ``Tidier`` of a process
    (``PROCESS_PACE``), because the share of time is the process's, whoever collects."""

    def __init__(self) -> None:
        self.not_before = float("-inf")


PROCESS_PACE = Pace()


class Tidier:
    """Decides, after each change of screen, whether a full collection is worth its time."""

    def __init__(
        self,
        *,
        grown_mib: float = 16.0,
        share: float = 0.02,
        read_rss: Callable[[], float | None] = resident_mib,
        collect: Callable[[], float] = tidy_up,
        clock: Callable[[], float] = time.monotonic,
        pace: Pace | None = None,
    ) -> None:
        self.grown_mib = grown_mib  # growth of the resident set since the last collection that calls for one
        self.share = share  # the most of the time collections may take
        self.collect = collect  # one full collection; returns the seconds it took
        self._read_rss, self._clock = read_rss, clock
        self.baseline_mib = read_rss()  # the resident set after the last collection (or at the start)
        self.pace = pace if pace is not None else Pace()

    def __call__(self) -> bool:
        """Collect if the program grew enough since the last time (or since it was made), and that
        was long enough ago. True when a collection ran."""
        rss, now = self._read_rss(), self._clock()
        if rss is not None and self.baseline_mib is not None and rss - self.baseline_mib < self.grown_mib:
            return False
        if now < self.pace.not_before:
            return False
        took = self.collect()
        self.pace.not_before = now + took / self.share
        self.baseline_mib = self._read_rss()
        return True
