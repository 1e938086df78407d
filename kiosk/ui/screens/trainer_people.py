"""Trainer: the workers as photo tiles (archived people are not shown) and "Add worker".

A tap on a tile opens ``trainer_person`` to edit that worker; "Add worker" opens it empty. The rows
come from ``kiosk.ui.models.people.people_rows`` (a journal that cannot be read: no tiles, and a
line in the trainer's problem list).
"""

from __future__ import annotations

from typing import Any

from kiosk.ui.models.people import people_rows
from kiosk.ui.screens.tiles import TileScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.tile import Tile


class TrainerPeopleScreen(TileScreen):
    def tr(self, message: str, **values: Any) -> str:
        return self.app.tr(message, self.app.kiosk_lang, **values)

    def on_pre_enter(self, *_args: Any) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.clear_tiles()
        for row in people_rows(self.app.journal, self.app.problems):
            tile = Tile(title=row.name, item=row.person, guarded=False)
            tile.set_picture(row.photo, fallback_icon="person")
            tile.bind(on_activate=self._chosen)
            self.ids.grid.add_widget(tile)

    def focusables(self) -> list[Any]:
        return [self.ids.back, self.ids.add, *self.tiles()]

    def go_back(self) -> None:
        self.app.back()

    def add_worker(self) -> None:
        self.app.go("trainer_person", person=None)

    def _chosen(self, tile: Tile) -> None:
        self.app.go("trainer_person", person=tile.item)

    def handle_key(self, key: int, _codepoint: str | None, _modifiers: list[str]) -> bool:
        return key == 27


load_kv(__file__)
