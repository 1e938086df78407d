"""A screen of photo tiles (people, tasks): a grid that scrolls, with keyboard focus.

``TileScreen`` holds a plain grid with a widget per tile: right for the people, who are few.
``RecycledTileScreen`` (the tasks) shows its tiles through a ``RecycleView``: only the tiles on
screen exist, so a library of 1,000 packs does not make (and keep in memory) 1,000 tile widgets
with their textures. Its focus, Tab/arrow movement and switch scanning go by the entry's index
in the data, not by a widget: the focused entry is scrolled into view, and its tile made, when
the highlight reaches it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from kivy.core.window import Window
from kivy.metrics import dp
from kivy.properties import NumericProperty

from kiosk.people import shown_photo
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.tile import RecycledTile, Tile


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


def bring_into_view(view: Any, layout: Any, index: int, default_height: float, pad: float | None = None) -> None:
    """Scroll the recycling ``view`` (its layout manager ``layout``) so entry ``index`` is inside
    the window with ``pad`` around it, and make its view at once: a key or switch press right
    after the focus moved must find the widget, not wait for the next frame. ``default_height``
    stands in for an entry whose size is not known yet; ``pad`` defaults to 20 dp."""
    pad = dp(20) if pad is None else pad
    view.refresh_views()  # the layout of new data, if it was not laid out yet
    options = layout.view_opts
    if not 0 <= index < len(options):
        return
    _x, y = options[index]["pos"]
    _w, height = options[index]["size"]
    height = height or default_height
    scrollable = layout.height - view.height
    if scrollable > 0:
        bottom = view.scroll_y * scrollable  # the viewport's lower edge in the layout
        if y + height + pad > bottom + view.height:
            bottom = y + height + pad - view.height
        if y - pad < bottom:
            bottom = y - pad
        view.scroll_y = min(1.0, max(0.0, bottom / scrollable))
        view.refresh_from_viewport()
    view.refresh_views()


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


class RecycledTileScreen(TileScreen):
    """Tiles as entries of a ``RecycleView`` (``ids.scroller``) with a ``RecycleGridLayout``
    (``ids.grid``) whose rows are ``tile_height`` high. Subclasses call ``show_entries`` and
    handle ``tile_chosen`` / ``tile_heard``."""

    tile_height = NumericProperty(0)

    def on_kv_post(self, *_args: Any) -> None:
        self.ids.scroller.bind(width=self._fit_height)
        self.bind(columns=self._fit_height)
        self.app.theme.bind(fs_small=self._fit_height, touch=self._fit_height)

    def _fit_height(self, *_args: Any) -> None:
        """Every row as high as a tile of the column's width needs (the ``Tile`` rule's formula:
        a picture two thirds as high as wide, and the title with its Hear button under it)."""
        grid = self.ids.grid
        width = (self.ids.scroller.width - dp(20) - grid.spacing[0] * (self.columns - 1)) / max(1, self.columns)
        title = max(self.app.theme.fs_small * 3.6, self.app.theme.touch)
        height = max(dp(96), (width - dp(28)) * 0.66 + title + dp(38))
        if abs(height - self.tile_height) < 0.5:
            return
        self.tile_height = height
        for entry in self.ids.scroller.data:
            entry["fixed_height"] = height
        self.ids.scroller.refresh_from_data()

    def show_entries(self, entries: list[dict[str, Any]], keep: int = -1) -> None:
        """Show ``entries`` (see ``RecycledTile``), the focus on entry ``keep`` (-1: none)."""
        self._fit_height()
        for number, entry in enumerate(entries):
            entry.update(owner=self, fixed_height=self.tile_height, focused=number == keep)
        self.focus_index = keep
        self.ids.scroller.data = entries
        if keep >= 0:
            self.scroll_to_index(keep)

    def entries(self) -> list[dict[str, Any]]:
        return list(self.ids.scroller.data)

    def tiles(self) -> list[Tile]:
        """The tiles that exist now (the entries on screen), in reading order."""
        indices = self.ids.grid.view_indices
        return sorted((w for w in indices if isinstance(w, RecycledTile)), key=lambda w: indices[w])

    def focusables(self) -> list[Any]:
        return self.tiles()

    def clear_tiles(self) -> None:
        self.ids.scroller.data = []
        self.focus_index = -1

    # -- focus by index -------------------------------------------------------------------------

    def main_action(self) -> None:
        if self.ids.scroller.data:
            self.app.keyboard_mode = True
            self.set_focus(max(0, self.focus_index))

    def scan_start(self) -> None:
        if self.ids.scroller.data:
            self.set_focus(self.main_focus_index())

    def move_focus(self, delta: int) -> None:
        count = len(self.ids.scroller.data)
        if not count:
            return
        if not self.app.keyboard_mode:
            self.app.keyboard_mode = True
            index = max(self.focus_index, 0)
        else:
            index = (self.focus_index + delta) % count
        self.set_focus(index)

    def set_focus(self, index: int) -> None:
        data = self.ids.scroller.data
        self.focus_index = index if data else -1
        for number, entry in enumerate(data):
            entry["focused"] = number == self.focus_index
        for tile in self.tiles():
            tile.focused = tile.index == self.focus_index
        if self.focus_index >= 0:
            self.scroll_to_index(self.focus_index)
            self.tile_in_reach(data[self.focus_index].get("item"))

    def focused_widget(self) -> Any | None:
        """The focused entry's tile, made now if it was scrolled away (None: no focus)."""
        if not 0 <= self.focus_index < len(self.ids.scroller.data):
            return None
        tile = self._tile_at(self.focus_index)
        if tile is None:
            self.scroll_to_index(self.focus_index)
            tile = self._tile_at(self.focus_index)
        return tile

    def _tile_at(self, index: int) -> RecycledTile | None:
        return next((tile for tile in self.tiles() if tile.index == index), None)

    def scroll_to_index(self, index: int) -> None:
        """Bring entry ``index`` into view and make its tile at once (not at the next frame: a
        switch press right after the highlight moved must find the tile)."""
        bring_into_view(self.ids.scroller, self.ids.grid, index, self.tile_height)

    def scroll_to(self, widget: Any) -> None:
        index = getattr(widget, "index", -1)
        if index >= 0:
            self.scroll_to_index(index)

    def tile_chosen(self, tile: Tile) -> None:
        """A tile was tapped, or chosen with Space/Enter."""

    def on_touch_down(self, touch: Any) -> bool:
        """A finger on a tile puts it in reach at once (``tile_in_reach``): the scrolling list
        hands a touch to the tile under it only when it is lifted, or after a quarter second."""
        if self.collide_point(*touch.pos):
            x, y = touch.sx * Window.width, touch.sy * Window.height
            for tile in self.tiles():
                left, bottom = tile.to_window(*tile.pos)
                if left <= x <= left + tile.width and bottom <= y <= bottom + tile.height:
                    self.tile_in_reach(tile.item)
                    break
        return super().on_touch_down(touch)

    def tile_in_reach(self, item: Any) -> None:
        """The tile of ``item`` may be chosen next: a finger is on it, or the keyboard or switch
        highlight reached it. Subclasses may prepare what choosing it shows."""

    def tile_heard(self, tile: Tile) -> None:
        """A tile's Hear button was pressed, or the scanning highlight reached it."""
