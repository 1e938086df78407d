"""Progress, step 1: which worker? Photo tiles; the family PIN comes next.

Reached from the worker's tasks screen ("Progress") and from trainer home. Choosing a tile shows
nothing yet: that worker's figures open only after their family PIN (or the trainer PIN).
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window

from kiosk.ui.screens.tiles import TileScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.tile import Tile

PROGRESS_SCREENS = ("progress_people", "progress_pin", "progress_person")
IDLE_SECONDS = 90  # a progress screen nobody touches goes back by itself, forgetting the figures


class LeavesWhenIdle:
    """For the three progress screens: a visitor who walks away leaves nothing on the kiosk.

    Any touch or key on the screen restarts the wait; after ``IDLE_SECONDS`` without one the
    progress view is left as with Back (the report forgotten, the next visitor needs the PIN).
    """

    idle_seconds = IDLE_SECONDS

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._idle_event: Any = None
        self.bind(on_enter=self._start_idle, on_leave=self._stop_idle)

    def _start_idle(self, *_args: Any) -> None:
        Window.bind(on_key_down=self.poke)
        self.poke()

    def _stop_idle(self, *_args: Any) -> None:
        Window.unbind(on_key_down=self.poke)
        if self._idle_event is not None:
            self._idle_event.cancel()
            self._idle_event = None

    def poke(self, *_args: Any) -> None:
        if self._idle_event is not None:
            self._idle_event.cancel()
        self._idle_event = Clock.schedule_once(self._idle_timeout, self.idle_seconds)

    def _idle_timeout(self, _dt: float) -> None:
        self._idle_event = None
        if self.manager is not None and self.manager.current == self.name:
            self.app.screen("progress_people").leave()

    def on_touch_down(self, touch: Any) -> bool:
        self.poke()
        return super().on_touch_down(touch)  # type: ignore[misc]


class ProgressPeopleScreen(LeavesWhenIdle, TileScreen):
    """Remembers where the visitor came from, so Back returns there (worker screens or trainer)."""

    return_to = "people"

    def on_pre_enter(self, *_args: Any) -> None:
        came_from = getattr(self.app, "previous_screen", None)
        if came_from and came_from not in PROGRESS_SCREENS:
            self.return_to = came_from
        self.show_people(self._chosen)

    def _chosen(self, tile: Tile) -> None:
        self.app.screen("progress_pin").ask_for(tile.item)
        self.app.show("progress_pin")

    def leave(self) -> None:
        """Back: to the screen the visitor came from; no progress data stays on screen."""
        self.app.screen("progress_person").forget()
        if self.return_to == "people":
            self.app.back_to_people()
        else:
            self.app.show(self.return_to)


load_kv(__file__)
