"""Progress, step 1: which worker? Photo tiles; the family PIN comes next.

Reached from "Who are you?" ("Progress") and from trainer home. From "Who are you?" choosing a
tile shows nothing yet: that worker's figures open only after their family PIN (or the trainer
PIN). From trainer mode the trainer is already in, and the figures open at once.
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

    scans = False  # a family's screen, not a worker's: no switch scanning here
    _trainer_is_in = False

    def on_pre_enter(self, *_args: Any) -> None:
        self._trainer_is_in = self.app.opened_from_trainer_mode()
        self.show_people(self._chosen)

    def _chosen(self, tile: Tile) -> None:
        if self._trainer_is_in:
            self.app.go("progress_person", person=tile.item)
        else:
            self.app.go("progress_pin", person=tile.item)

    def leave(self) -> None:
        """Back: out of the progress view; no progress data stays on screen."""
        self.app.back(out_of="progress_")


load_kv(__file__)
