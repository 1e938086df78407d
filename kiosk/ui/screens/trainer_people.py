"""Trainer: the workers as photo tiles, "Add worker", and the archived workers with "Restore".

A tap on a tile opens ``trainer_person`` to edit that worker; "Add worker" opens it empty. The rows
come from ``kiosk.ui.models.people.people_rows`` (a journal that cannot be read: no tiles, and a
line in the trainer's problem list). Archiving keeps a worker's history, so it must be reversible:
the archived workers are listed under the tiles, each with **Restore**, which brings them back to
"Who are you?" with everything recorded before.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.models.people import people_rows, restore_person, shared_photo_warning
from kiosk.ui.screens.tiles import TileScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.icon import icon_path
from kiosk.ui.widgets.tile import Tile


class ArchivedRow(BoxLayout):
    """An archived worker: photo, name and Restore."""

    name = StringProperty("")
    person = ObjectProperty(None)
    texture = ObjectProperty(None, allownone=True)
    placeholder = StringProperty(icon_path("person"))

    def __init__(self, **kwargs: Any) -> None:
        self.register_event_type("on_restore")
        super().__init__(**kwargs)

    def on_restore(self) -> None:
        pass


class TrainerPeopleScreen(TileScreen):
    archived_count = NumericProperty(0)
    photo_warning = StringProperty("")  # workers who show the same picture
    saved_text = StringProperty("")  # "Anna is saved." after the worker form's Save, until left

    def tr(self, message: str, **values: Any) -> str:
        return self.app.tr(message, self.app.kiosk_lang, **values)

    def on_pre_enter(self, *_args: Any) -> None:
        self.refresh()
        saved, self.app.just_saved = self.app.just_saved, ""
        self.saved_text = self.tr("{name} is saved.", name=saved) if saved else ""

    def on_leave(self, *_args: Any) -> None:
        self.saved_text = ""  # said once; gone when the trainer moves on (never mid-tap: no layout jump)

    def refresh(self) -> None:
        self.clear_tiles()
        self.photo_warning = shared_photo_warning(self.app.journal, self.app.problems, self.tr)
        for row in people_rows(self.app.journal, self.app.problems):
            tile = Tile(title=row.name, item=row.person, guarded=False)
            tile.set_picture(row.photo, fallback_icon="person")
            tile.bind(on_activate=self._chosen)
            self.ids.grid.add_widget(tile)
        box = self.ids.archived
        box.clear_widgets()
        archived = people_rows(self.app.journal, self.app.problems, archived=True)
        self.archived_count = len(archived)
        for row in archived:
            line = ArchivedRow(name=row.name, person=row.person)
            if row.photo is not None:
                texture = self.app.tile_pictures.get(row.photo, lambda t, r=line: setattr(r, "texture", t))
                if texture is not None:
                    line.texture = texture
            line.bind(on_restore=self._restore)
            box.add_widget(line)

    def archived_rows(self) -> list[ArchivedRow]:
        return [w for w in reversed(self.ids.archived.children) if isinstance(w, ArchivedRow)]

    def _restore(self, row: ArchivedRow) -> None:
        """Restore: the worker is back on the tiles (and on "Who are you?") at once."""
        restore_person(self.app.journal, self.app.problems, row.person)
        self.refresh()

    def focusables(self) -> list[Any]:
        return [self.ids.back, self.ids.add, *self.tiles(), *(r.ids.restore for r in self.archived_rows())]

    def go_back(self) -> None:
        self.app.back()

    def add_worker(self) -> None:
        self.app.go("trainer_person", person=None)

    def _chosen(self, tile: Tile) -> None:
        self.app.go("trainer_person", person=tile.item)

    def handle_key(self, key: int, _codepoint: str | None, _modifiers: list[str]) -> bool:
        return key == 27


load_kv(__file__)
