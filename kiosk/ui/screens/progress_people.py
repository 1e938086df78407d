"""Progress, step 1: which worker? Photo tiles; the family PIN comes next.

Reached from the worker's tasks screen ("Progress") and from trainer home. Choosing a tile shows
nothing yet: that worker's figures open only after their family PIN (or the trainer PIN).
"""

from __future__ import annotations

from typing import Any

from kiosk.ui.screens.tiles import TileScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.tile import Tile

PROGRESS_SCREENS = ("progress_people", "progress_pin", "progress_person")


class ProgressPeopleScreen(TileScreen):
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
