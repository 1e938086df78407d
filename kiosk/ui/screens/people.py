"""Who are you? The workers as photo tiles (skipped by the app when there is only one). Each tile
has a Hear button beside the name, for workers who do not read."""

from __future__ import annotations

from typing import Any

from kiosk.ui.screens.tiles import TileScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.tile import Tile


class PeopleScreen(TileScreen):
    def on_pre_enter(self, *_args: Any) -> None:
        self.show_people(self._chosen, speaker=True)

    def _chosen(self, tile: Tile) -> None:
        self.app.select_worker(tile.item)


load_kv(__file__)
