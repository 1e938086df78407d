"""Garbage that only a full collection frees is collected after a change of screen, once the new
screen is drawn, but never on a step, and only when the program has grown enough since the last
collection and no more often than a small share of the time allows (``kiosk.ui.tidy``). Without it
the kiosk grew by about 24 MiB with every task started (bench/memory.py): the fade's frame buffers,
labels and sounds of the screen left behind sit in reference cycles that Python's rare full passes
collect too late."""

from __future__ import annotations

import gc
import weakref
from typing import Any

from kiosk.ui.tidy import PROCESS_PACE, Pace, Tidier, resident_mib


class Held:
    """Stands for a texture in a reference cycle: it refers to itself."""

    def __init__(self) -> None:
        self.me = self


def old_cycle() -> weakref.ref[Held]:
    """A cycle in the collector's oldest generation, where only a full collection looks."""
    held = Held()
    seen = weakref.ref(held)
    del held
    gc.freeze()  # every tracked object (the cycle too) out of the young generations ...
    gc.unfreeze()  # ... and back, into the oldest
    return seen


def test_a_change_of_screen_collects_old_cycles_once_drawn_but_a_step_does_not(kiosk: Any, ui: Any) -> None:
    app = kiosk()
    ran = []
    real = app.tidier.collect
    app.tidier.collect = lambda: ran.append(app.sm.current) or real()
    app.tidier.grown_mib, app.tidier.baseline_mib = 0.0, 0.0  # any growth calls for a collection
    app.tidier.pace = Pace()  # not held back by another test's collection
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "sort-screws"))
    ui.settle()
    assert app.sm.current == "step" and ran == []  # the worker is stepping: nothing runs

    cycle = old_cycle()
    assert cycle() is not None
    app.abandon_task()
    ui.settle()
    ui.pump(3)
    assert app.sm.current != "step" and ran == [app.sm.current]
    assert cycle() is None  # collected, though it sat in the oldest generation


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_collection_runs_only_after_enough_growth_and_takes_a_small_share_of_the_time() -> None:
    rss, clock, collections = [200.0], Clock(), []

    def collect() -> float:
        collections.append(clock.now)
        rss[0] = 205.0  # what the collection gave back
        return 0.1  # seconds: the next one waits at least 0.1 / 0.02 = 5 s

    tidier = Tidier(grown_mib=16, share=0.02, read_rss=lambda: rss[0], collect=collect, clock=clock)
    assert tidier.baseline_mib == 200.0  # where the program stands when the tidier is made
    rss[0] = 210.0
    assert not tidier()  # grown by 10 MiB: not worth a collection
    rss[0] = 217.0
    assert tidier() and collections == [100.0] and tidier.baseline_mib == 205.0
    rss[0] = 240.0
    clock.now += 4.0
    assert not tidier()  # grown enough, but the last collection was too recent
    clock.now += 1.0
    assert tidier() and collections == [100.0, 105.0]


def test_without_a_readable_resident_set_only_the_share_of_time_limits_it() -> None:
    clock, collections = Clock(), []
    tidier = Tidier(read_rss=lambda: None, collect=lambda: collections.append(clock.now) or 0.05, clock=clock)
    assert tidier() and not tidier()
    clock.now += 2.5
    assert tidier() and len(collections) == 2


def test_the_resident_set_is_read_on_linux() -> None:
    rss = resident_mib()
    assert rss is not None and 10 < rss < 100_000


def test_every_kiosk_of_a_process_shares_one_pace(kiosk: Any) -> None:
    assert kiosk().tidier.pace is PROCESS_PACE
