"""Progress, step 1: which worker? Photo tiles; the family PIN comes next.

Reached from the worker's tasks screen ("Progress") and from trainer home. Choosing a tile shows
nothing yet: that worker's figures open only after their family PIN (or the trainer PIN).
"""

from __future__ import annotations

from typing import Any

from kiosk.ui.screens.base import LeavesWhenIdle
from kiosk.ui.screens.tiles import TileScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.tile import Tile


class ProgressPeopleScreen(LeavesWhenIdle, TileScreen):
    """Back (or 90 s untouched) leaves the whole progress view, to wherever it was opened from
    (the people screen or trainer home): the app's back stack knows."""

    def on_pre_enter(self, *_args: Any) -> None:
        self.show_people(self._chosen)

    def _chosen(self, tile: Tile) -> None:
        self.app.go("progress_pin", person=tile.item)

    def leave(self) -> None:
        """Back: out of the progress view; no progress data stays on screen."""
        self.app.back(out_of="progress_")


load_kv(__file__)
