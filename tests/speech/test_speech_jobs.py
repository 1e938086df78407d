"""The one speech queue (kiosk.speech.jobs): priorities, live speech first, shared and stale jobs.

The queue runs plain callables, so these tests give it real work (functions that record when they
ran) and need no engine; the same order with the real engine is in test_speech_worker.py.
"""

from __future__ import annotations

import threading
import time

import pytest

from kiosk.speech import JobQueue, Priority, SpeechError


@pytest.fixture
def queue():
    q = JobQueue("test-queue")
    yield q
    q.close(timeout=5)


def _blocker(queue: JobQueue) -> tuple[threading.Event, threading.Event]:
    """Occupy the queue's thread until ``release`` is set; ``running`` is set once it runs."""
    running, release = threading.Event(), threading.Event()

    def hold() -> None:
        running.set()
        release.wait(10)

    queue.submit(hold, Priority.PREFETCH)
    assert running.wait(5)
    return running, release


def test_live_jobs_run_before_everything_queued(queue):
    ran: list[str] = []
    _, release = _blocker(queue)
    futures = [queue.submit(lambda i=i: ran.append(f"prefetch {i}"), Priority.PREFETCH) for i in range(8)]
    futures.append(queue.submit(lambda: ran.append("render"), Priority.RENDER))
    futures.append(queue.submit(lambda: ran.append("live"), Priority.LIVE))
    release.set()
    for future in futures:
        future.result(5)
    assert ran[:2] == ["live", "render"]
    assert ran[2:] == [f"prefetch {i}" for i in range(8)]  # same priority: in the order asked


def test_a_running_job_is_never_interrupted(queue):
    ran: list[str] = []
    running, release = threading.Event(), threading.Event()

    def long_job() -> None:
        running.set()
        release.wait(5)
        ran.append("long")

    first = queue.submit(long_job, Priority.PREFETCH)
    assert running.wait(5)
    live = queue.submit(lambda: ran.append("live"), Priority.LIVE)
    release.set()
    first.result(5), live.result(5)
    assert ran == ["long", "live"]


def test_the_same_key_is_made_once_and_moved_up(queue):
    ran: list[str] = []
    _, release = _blocker(queue)
    others = [queue.submit(lambda i=i: ran.append(f"other {i}"), Priority.PREFETCH) for i in range(3)]
    prefetch = queue.submit(lambda: ran.append("step 2") or "wav", Priority.PREFETCH, key="step 2")
    live = queue.submit(lambda: ran.append("step 2 again"), Priority.LIVE, key="step 2")
    assert live is prefetch  # one job, one Future
    assert queue.pending() == 4
    release.set()
    assert live.result(5) == "wav"
    for future in others:
        future.result(5)
    assert ran == ["step 2", "other 0", "other 1", "other 2"]


def test_a_key_already_running_is_shared_not_repeated(queue):
    ran: list[str] = []
    running, release = threading.Event(), threading.Event()

    def render() -> str:
        running.set()
        release.wait(5)
        ran.append("render")
        return "wav"

    first = queue.submit(render, Priority.PREFETCH, key="step 3")
    assert running.wait(5)
    again = queue.submit(render, Priority.LIVE, key="step 3")
    release.set()
    assert again is first and again.result(5) == "wav"
    time.sleep(0.05)
    assert ran == ["render"]


def test_a_key_is_free_again_once_its_job_is_done(queue):
    first = queue.submit(lambda: 1, key="k")
    assert first.result(5) == 1
    time.sleep(0.01)
    second = queue.submit(lambda: 2, key="k")
    assert second is not first and second.result(5) == 2


def test_unwanted_jobs_are_dropped_unrun(queue):
    ran: list[str] = []
    position = {"step": 1}
    _, release = _blocker(queue)
    stale = queue.submit(lambda: ran.append("step 2"), Priority.PREFETCH, wanted=lambda: position["step"] < 2)
    fresh = queue.submit(lambda: ran.append("step 3"), Priority.PREFETCH, wanted=lambda: position["step"] < 3)
    position["step"] = 2  # the worker moved on before the queue reached the prefetch of step 2
    release.set()
    fresh.result(5)
    assert stale.cancelled() and ran == ["step 3"]


def test_a_job_stays_wanted_while_any_asker_wants_it(queue):
    ran: list[str] = []
    _, release = _blocker(queue)
    queue.submit(lambda: ran.append("step 2"), Priority.PREFETCH, key="step 2", wanted=lambda: False)
    kept = queue.submit(lambda: None, Priority.LIVE, key="step 2", wanted=lambda: True)
    release.set()
    kept.result(5)
    assert ran == ["step 2"]


def test_errors_reach_the_caller_and_the_queue_goes_on(queue):
    def broken() -> None:
        raise OSError("disk full")

    failed = queue.submit(broken)
    after = queue.submit(lambda: "still here")
    with pytest.raises(OSError, match="disk full"):
        failed.result(5)
    assert after.result(5) == "still here"


def test_a_job_cancelled_by_its_owner_does_not_run(queue):
    ran: list[str] = []
    _, release = _blocker(queue)
    dropped = queue.submit(lambda: ran.append("dropped"))
    kept = queue.submit(lambda: ran.append("kept"))
    assert dropped.cancel()
    release.set()
    kept.result(5)
    assert ran == ["kept"]


def test_close_finishes_queued_jobs_then_refuses_new_ones():
    q = JobQueue("closing")
    ran: list[int] = []
    for i in range(3):
        q.submit(lambda i=i: (time.sleep(0.01), ran.append(i)))
    q.close(timeout=5)
    assert ran == [0, 1, 2]
    with pytest.raises(SpeechError, match="closed"):
        q.submit(lambda: None)


def test_on_thread_tells_the_queue_thread_apart(queue):
    assert not queue.on_thread()
    assert queue.submit(queue.on_thread).result(5) is True
