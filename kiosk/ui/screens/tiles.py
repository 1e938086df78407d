"""A screen of photo tiles (people, tasks): a grid that scrolls, with keyboard focus."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from kivy.metrics import dp
from kivy.properties import NumericProperty

from kiosk.people import shown_photo
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.tile import Tile


@dataclass(frozen=True)
class GridFit:
    columns: int
    tile_height: float
    picture: float  # the side of the largest square photo each tile can show


def fit_grid(count: int, width: float, height: float, spacing: float, chrome: float, beside: float) -> GridFit | None:
    """Columns and tile height that show ``count`` tiles in ``width`` x ``height`` without
    scrolling, with the largest photos; None when the photos would be smaller than a face can be
    recognised at (then the grid scrolls). ``chrome``: a tile's height without its photo;
    ``beside``: its width without its photo."""
    best: GridFit | None = None
    for columns in range(1, min(max(count, 1), 4) + 1):
        rows = math.ceil(count / columns)
        tile_width = (width - spacing * (columns - 1)) / columns
        tile_height = (height - spacing * (rows - 1)) / rows
        picture = min(tile_width - beside, tile_height - chrome)
        if picture >= dp(90) and (best is None or picture > best.picture):
            best = GridFit(columns, tile_height, picture)
    return best


class TileScreen(KioskScreen):
    """Subclasses fill ``self.ids.grid`` with ``Tile``s and handle ``on_activate``."""

    scans = True

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
            tile.set_picture(shown_photo(self.app.journal, person), fallback_icon="person")
            tile.bind(on_activate=on_chosen, on_hear=self._say_name)
            self.ids.grid.add_widget(tile)

    def _say_name(self, tile: Tile) -> None:
        person = tile.item
        self.app.audio.say(tile.title, getattr(person, "language", None) or self.app.ui_lang)

    def clear_tiles(self) -> None:
        self.ids.grid.clear_widgets()
        self.focus_index = -1
