"""Trainer: choose photos on the tablet or a USB stick; each one becomes a step of the task.

Big picture tiles, no file names to read: first the places (the Pictures folder, each USB stick,
``kiosk.authoring.photo_places``), then a place's folders and photos, in the order they were
taken. The coach taps the photos **in the order of the steps**: each chosen photo shows its step
number, a second tap takes it back. **Add** copies them into the draft (upright, screen-sized,
without location data) in the background, adds a step for each, and goes back to the task.
Folders are listed and thumbnails decoded off the main thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.relativelayout import RelativeLayout

from kiosk.authoring.draft import Draft, DraftError
from kiosk.authoring.photo_places import Listing, Place, list_folder, photo_places
from kiosk.packs.words import Msg
from kiosk.ui.pictures import PictureCache
from kiosk.ui.screens.base import TrainerScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.background import BackgroundWork, texture_setter
from kiosk.ui.widgets.buttons import KioskButton

THUMBNAIL_SIDE = 360


class PhotoTile(ButtonBehavior, RelativeLayout):
    """A photo to tap; a chosen one shows its step number in a round badge and a thick frame."""

    path = ObjectProperty(None)
    texture = ObjectProperty(None, allownone=True)
    order = NumericProperty(0)  # 0: not chosen; else its step number among the chosen


class TrainerEditorPhotosScreen(TrainerScreen):
    draft = ObjectProperty(None, allownone=True)
    where = StringProperty("")  # the place or folder shown, in words
    message = StringProperty("")
    chosen = ListProperty([])  # paths, in the order tapped
    busy = BooleanProperty(False)
    at_places = BooleanProperty(True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.work = BackgroundWork("kiosk-photos")
        self.work.bind(pending=lambda _w, pending: setattr(self, "busy", pending > 0))
        self._thumbnails = PictureCache(self.app.problems, keep=64, max_side=THUMBNAIL_SIDE)
        self.folder: Path | None = None
        self.place: Place | None = None
        self._listing = 0
        self.app.bind(on_stop=lambda *_: self._shutdown())

    def prepare(self, draft: Draft) -> None:
        self.draft = draft
        self.chosen = []
        self.message = ""
        self.show_places()

    # -- browsing -------------------------------------------------------------------------------

    def show_places(self) -> None:
        self.folder, self.place, self.at_places = None, None, True
        self._listing += 1
        places = photo_places()
        self.where = self.tr("Where are the photos?")
        box = self.ids.tiles
        box.clear_widgets()
        for place in places:
            name = self.tr("Pictures") if place.kind == "pictures" else self.tr("USB stick {name}", name=place.name)
            button = KioskButton(text=name, icon="photo", guarded=False, size_hint=(None, None))
            button.size = (self._tile_side() * 2, self.app.theme.touch)
            button.bind(on_activate=lambda _b, p=place: self.open_folder(p.path, p))
            box.add_widget(button)
        if not places:
            self.message = self.tr("No photos found. Put photos in the Pictures folder or plug in a USB stick.")

    def open_folder(self, folder: Path, place: Place | None = None) -> None:
        if place is not None:
            self.place = place
        self.folder, self.at_places = folder, False
        self.where = self.tr("Photos in {folder}", folder=folder.name)
        self.message = self.tr("Looking for photos …")
        self.ids.tiles.clear_widgets()
        self._listing += 1
        ticket = self._listing
        self.work.run(
            lambda: list_folder(folder),
            lambda listing: self._show_listing(ticket, listing),
            lambda error: self._failed(error, Msg("The photos could not be listed.")),
        )

    def up(self) -> None:
        """One folder up, or back to the places from a place's top folder."""
        if self.folder is None or self.place is None or self.folder == self.place.path:
            self.show_places()
            return
        self.open_folder(self.folder.parent)

    def _show_listing(self, ticket: int, listing: Listing) -> None:
        if ticket != self._listing:
            return  # the coach went elsewhere meanwhile
        self.message = ""
        box = self.ids.tiles
        box.clear_widgets()
        side = self._tile_side()
        for folder in listing.folders:
            button = KioskButton(text=folder.name, icon="photo", guarded=False, size_hint=(None, None))
            button.size = (side * 2, self.app.theme.touch)
            button.bind(on_activate=lambda _b, f=folder: self.open_folder(f))
            box.add_widget(button)
        for path in listing.photos:
            tile = PhotoTile(path=path, size_hint=(None, None), size=(side, side))
            texture = self._thumbnails.get(path, texture_setter(tile))
            if texture is not None:
                tile.texture = texture
            tile.bind(on_release=lambda c: self.toggle(c.path))
            box.add_widget(tile)
        if not listing.photos and not listing.folders:
            self.message = self.tr("There are no photos here.")
        elif listing.more:
            self.message = self.tr("Only the newest {count} photos are shown.", count=len(listing.photos))
        self._mark()

    def _tile_side(self) -> float:
        from kivy.metrics import dp

        return float(dp(200))

    # -- choosing -------------------------------------------------------------------------------

    def toggle(self, path: Path) -> None:
        chosen = list(self.chosen)
        if path in chosen:
            chosen.remove(path)
        else:
            chosen.append(path)
        self.chosen = chosen
        self._mark()

    def _mark(self) -> None:
        order = {path: number for number, path in enumerate(self.chosen, start=1)}
        for tile in self.ids.tiles.children:
            if isinstance(tile, PhotoTile):
                tile.order = order.get(tile.path, 0)

    def add(self) -> None:
        """Copy the chosen photos into the draft, one step each, in the order tapped."""
        draft, files = self.draft, list(self.chosen)
        if draft is None or not files or self.busy:
            return
        self.message = self.tr("The photos are being added …")
        self.work.run(
            lambda: _import_all(draft, files),
            lambda result: self._added(draft, *result),
            lambda error: self._failed(error, Msg("The photo could not be added.")),
        )

    def _added(self, draft: Draft, names: list[str], refused: list[Path]) -> None:
        for name in names:
            draft.add_step(name)
        self.chosen = refused
        if refused:  # the good ones are in; the others stay chosen, with the reason
            self.message = self.tr(
                "{count} photos cannot be used (damaged, or not a photo). Choose other photos.", count=len(refused)
            )
            self._mark()
            return
        self.message = ""
        self.app.back()

    def _failed(self, error: BaseException, fallback: Msg) -> None:
        words = getattr(error, "words", None)
        if isinstance(words, Msg):
            self.message = words.render(lambda message: self.tr(message))
        else:
            self.message = fallback.render(lambda message: self.tr(message))
            self.app.problems.add("authoring", fallback, error)

    def main_action(self) -> None:
        self.add()

    def _shutdown(self) -> None:
        self.work.shutdown()
        self._thumbnails.shutdown()


def _import_all(draft: Draft, files: list[Path]) -> tuple[list[str], list[Path]]:
    """Copy each photo into the draft; one that cannot be used does not stop the others."""
    names, refused = [], []
    for path in files:
        try:
            names.append(draft.import_photo(path))
        except (DraftError, OSError):
            refused.append(path)
    return names, refused


load_kv(__file__)
