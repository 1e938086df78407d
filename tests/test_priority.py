"""Background threads run behind the UI (kiosk.priority): checked on the real threads the kiosk
starts, through the kernel's own per-thread nice value."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from kiosk.priority import BACKGROUND_NICE, background_executor

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="nice is per thread on Linux")


def _nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_a_pool_thread_is_lowered_and_the_caller_is_not() -> None:
    before = _nice()
    with background_executor("test-pool") as pool:
        assert pool.submit(_nice).result() == max(before, BACKGROUND_NICE)
    assert _nice() == before  # the main thread (the frame) keeps its priority


def test_the_speech_queue_thread_runs_lowered() -> None:
    from kiosk.speech.jobs import JobQueue, Priority

    queue = JobQueue("test-speech")
    try:
        assert queue.submit(_nice, Priority.LIVE).result(timeout=10) >= BACKGROUND_NICE
    finally:
        queue.close()
