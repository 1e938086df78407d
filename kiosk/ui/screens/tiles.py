"""A screen of photo tiles (people, tasks): a grid that scrolls, with keyboard focus."""

from __future__ import annotations

from typing import Any

from kivy.metrics import dp
from kivy.properties import NumericProperty

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.tile import Tile


class TileScreen(KioskScreen):
    """Subclasses fill ``self.ids.grid`` with ``Tile``s and handle ``on_activate``."""

    columns = NumericProperty(3)

    def on_size(self, *_args: Any) -> None:
        # Tiles about 300-380 dp wide: 3 on a 1280 px landscape screen, 2 on a portrait tablet.
        self.columns = max(1, min(4, int(self.width // dp(360)) or 1))

    def tiles(self) -> list[Tile]:
        return [w for w in reversed(self.ids.grid.children) if isinstance(w, Tile)]

    def focusables(self) -> list[Any]:
        return self.tiles()

    def main_action(self) -> None:
        """Space/Enter before any Tab: show the focus ring on the first tile (select on the next)."""
        if self.tiles():
            self.app.keyboard_mode = True
            self.set_focus(max(0, self.focus_index))

    def scroll_to(self, widget: Any) -> None:
        scroller = self.ids.get("scroller")
        if scroller is not None and scroller.height < self.ids.grid.height:
            scroller.scroll_to(widget, padding=dp(20), animate=False)

    def show_people(self, on_chosen: Any, *, speaker: bool = False) -> None:
        """Fill the grid with the workers' photo tiles; ``on_chosen(tile)`` gets the chosen one.
        ``speaker``: each tile gets a Hear button that says the name."""
        self.clear_tiles()
        for person in self.app.people():
            tile = Tile(
                title=person.name,
                item=person,
                speaker=speaker,
                speaker_text=self.app.tr("Hear", self.app.ui_lang) if speaker else "",
            )
            tile.set_picture(self.app.journal.photo_path(person.photo), fallback_icon="person")
            tile.bind(on_activate=on_chosen, on_hear=self._say_name)
            self.ids.grid.add_widget(tile)

    def _say_name(self, tile: Tile) -> None:
        person = tile.item
        self.app.audio.say(tile.title, getattr(person, "language", None) or self.app.ui_lang)

    def clear_tiles(self) -> None:
        self.ids.grid.clear_widgets()
        self.focus_index = -1
