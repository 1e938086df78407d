"""Garbage that only a full collection frees is collected after a change of screen, once the new
screen is drawn, but never on a step (``kiosk.ui.tidy``). Without it the kiosk grew by about 24 MiB
with every task started (bench/memory.py): the fade's frame buffers, labels and sounds of the
screen left behind sit in reference cycles that Python's rare full passes collect too late."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import kiosk.ui.app as app_module


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


def test_a_change_of_screen_collects_old_cycles_once_drawn_but_a_step_does_not(
    kiosk: Any, ui: Any, monkeypatch
) -> None:
    app = kiosk()
    tidied = []
    real_tidy = app_module.tidy_up
    monkeypatch.setattr(app_module, "tidy_up", lambda: tidied.append(app.sm.current) or real_tidy())
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "sort-screws"))
    ui.settle()
    assert app.sm.current == "step" and tidied == []  # the worker is stepping: nothing runs

    cycle = old_cycle()
    assert cycle() is not None
    app.abandon_task()
    ui.settle()
    ui.pump(3)
    assert app.sm.current != "step" and tidied == [app.sm.current]
    assert cycle() is None  # collected, though it sat in the oldest generation
