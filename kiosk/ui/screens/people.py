"""Who are you? The workers as photo tiles (skipped by the app when there is only one). Each tile
has a Hear button beside the photo, for workers who do not read.

Up to eight workers fit on the screen without scrolling in either orientation (``fit_grid``
chooses the columns that give the largest photos): a worker who cannot read looks for a face,
and a face below the fold is not found."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.metrics import dp

from kiosk.ui.screens.tiles import TileScreen, fit_grid
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.tile import Tile


#: At most this many workers are fitted to the window; more scroll.
FIT_AT_MOST = 8


class PeopleScreen(TileScreen):
    def __init__(self, **kwargs: Any) -> None:
        self._refit = Clock.create_trigger(self.fit_tiles, -1)  # before super(): on_size may come first
        super().__init__(**kwargs)

    def on_kv_post(self, *_args: Any) -> None:
        self.ids.scroller.bind(size=self._refit)
        self.app.theme.bind(fs_tile=self._refit, touch=self._refit)

    def on_size(self, *_args: Any) -> None:
        super().on_size()
        self._refit()

    def on_pre_enter(self, *_args: Any) -> None:
        self.show_people(self._chosen, speaker=True)
        for tile in self.tiles():
            tile.speaker_beside_picture = True
        self.fit_tiles()
        self.show_plan_badges(self.app.plans.badges)

    def fit_tiles(self, *_args: Any) -> None:
        tiles = self.tiles()
        grid, scroller = self.ids.grid, self.ids.scroller
        fit = None
        if tiles and len(tiles) <= FIT_AT_MOST:
            title = tiles[0].ids.title_box.height
            fit = fit_grid(
                len(tiles),
                scroller.width - grid.padding[0] - grid.padding[2],
                scroller.height - grid.padding[1] - grid.padding[3] - dp(2),
                grid.spacing[0],
                chrome=title + dp(14) * 2 + dp(10),
                beside=dp(14) * 2 + dp(8) + dp(120),
            )
        if fit is None:
            super().on_size()
            for tile in tiles:
                tile.fixed_height = 0
            return
        self.columns = fit.columns
        for tile in tiles:
            tile.fixed_height = fit.tile_height

    def _chosen(self, tile: Tile) -> None:
        self.app.select_worker(tile.item)

    def show_plan_badges(self, badges: frozenset[int]) -> None:
        """A small clock on the photo of each worker with a day-plan reminder waiting
        (``kiosk.ui.plan_service``): the reminder itself only comes once they sign in."""
        from kiosk.ui.widgets.picture import Picture

        from kiosk.ui.widgets.icon import icon_path

        for tile in self.tiles():
            box = tile.ids.picture_box
            for old in [child for child in box.children if getattr(child, "plan_badge", False)]:
                box.remove_widget(old)
            if getattr(tile.item, "id", None) in badges:
                badge = Picture(
                    source=icon_path("timer"), size_hint=(0.22, 0.22), pos_hint={"right": 0.97, "top": 0.97}
                )
                badge.plan_badge = True
                box.add_widget(badge)


load_kv(__file__)
