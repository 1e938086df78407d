"""Background work gives way to what the worker sees.

The kiosk runs on two cores or fewer, and the frame with the next picture is drawn by the main
thread and Mesa's render threads. Voices rendered ahead, pictures decoded ahead, display copies,
pack scans and the pack watcher all run on threads of their own; at the same priority they take
a core from the frame whenever they happen to run at a press (seen in ``bench/step_latency_outside.py``
as a slow tail: p90 57-70 ms against a median of 37 ms). Linux lets a thread lower its own priority
(``nice`` is per thread there); elsewhere this does nothing. Nothing is slower on an idle machine:
a lower priority only matters when the CPU is contended.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger(__name__)

BACKGROUND_NICE = 10  # of 19: clearly behind the UI, never starved (the kernel still gives it time)


def lower_this_thread() -> None:
    """Run the calling thread at BACKGROUND_NICE; for ``ThreadPoolExecutor(initializer=...)`` and
    the first line of a background thread's loop."""
    if not hasattr(os, "setpriority") or not hasattr(threading, "get_native_id"):
        return
    try:
        thread = threading.get_native_id()
        current = os.getpriority(os.PRIO_PROCESS, thread)
        if current < BACKGROUND_NICE:
            os.setpriority(os.PRIO_PROCESS, thread, BACKGROUND_NICE)
    except OSError as error:  # a sandbox without the call: the work just runs at normal priority
        log.debug("Could not lower a background thread's priority: %s", error)


def background_executor(name: str) -> ThreadPoolExecutor:
    """One background thread named ``name`` that runs behind the UI (every pool of the kiosk's
    work ahead is made here, so none is left at the UI's priority)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix=name, initializer=lower_this_thread)
