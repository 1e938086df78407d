"""Memory that only a full collection frees, collected when nobody is waiting for the screen.

Every change of screen leaves garbage in reference cycles: Kivy's fade draws both screens into
two window-sized frame buffers, and labels, sounds and speech jobs of the screen left behind end
up in cycles too. They hold native memory (a frame buffer on a software renderer: 4 MB) that
Python's collector cannot see, and its full passes run by the count of Python objects, so they
came far too rarely: the kiosk grew by about 24 MiB with each task started, without end
(``bench/memory.py``; a 10-step task started five times: 205 -> 336 MiB). So once a change of
screen is complete and the new screen is on the glass, one full collection runs, and the memory it
freed is given back to the system. It takes 30-50 ms; it is not run when the new screen is a
step, where a worker's next press must be answered at once.
"""

from __future__ import annotations

import gc
import logging
import time

from kiosk.packs.images import give_back_memory

log = logging.getLogger(__name__)

#: Screens after which no collection runs: the worker is stepping through a task.
BUSY_SCREENS = frozenset({"step"})


def tidy_up() -> int:
    """One full collection, then the freed memory back to the system. Returns what was collected."""
    started = time.perf_counter()
    collected = gc.collect()
    give_back_memory()
    log.debug("collected %d objects in %.1f ms", collected, (time.perf_counter() - started) * 1000)
    return collected
