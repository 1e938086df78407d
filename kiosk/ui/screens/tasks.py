"""What do you do now? The packs as photo tiles with their titles in the worker's language.

A tap on a tile starts the task; the small speaker button on a tile reads its title aloud. The
list follows the library: packs copied into the drop folder appear on the next visit.

The tiles are entries of a recycling view (``RecycledTileScreen``): on a library of 1,000 packs
only the tiles on screen exist. A rescan keeps the highlight on the same task (by pack id).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from kiosk.people import shown_photo
from kiosk.ui.screens.tiles import RecycledTileScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.icon import picture_or_icon
from kiosk.ui.widgets.tile import Tile


class TasksScreen(RecycledTileScreen):
    has_back = BooleanProperty(False)  # Back to "who are you?" only when there is a choice
    worker_photo = StringProperty("")  # the worker's photo (or the person icon) in the header

    def on_pre_enter(self, *_args: Any) -> None:
        self.refresh()
        self.app.shelf.refresh()  # cheap: unchanged packs are not read again

    def refresh(self) -> None:
        """Show the tiles for the current worker and the packs on the shelf."""
        app = self.app
        data = self.ids.scroller.data
        focused = data[self.focus_index] if 0 <= self.focus_index < len(data) else None
        keep = getattr(focused["item"], "id", None) if focused is not None else None
        self.has_back = len(app.people()) > 1
        photo = shown_photo(app.journal, app.worker)
        self.worker_photo = picture_or_icon(str(photo) if photo else "", "person")
        language = app.worker.language if app.worker is not None else app.ui_lang
        hear = app.tr("Hear", app.ui_lang)
        packs = app.tasks_for_worker()
        entries = [
            {
                "title": pack.title_for(language),
                "item": pack,
                "speaker": True,
                "speaker_text": hear,
                "picture": pack.thumbnail(),
                "fallback_icon": "ready",
            }
            for pack in packs
        ]
        ids = [pack.id for pack in packs]
        self.show_entries(entries, ids.index(keep) if keep in ids else -1)
        if not app.shelf.loaded:
            self.ids.empty.text = app.tr("One moment, please.", app.ui_lang)
        elif not packs:
            self.ids.empty.text = app.tr("No tasks yet. Please ask your trainer.", app.ui_lang)
        else:
            self.ids.empty.text = ""

    def go_back(self) -> None:
        if self.has_back:
            self.ids.back.activate()

    def hear(self) -> None:
        focused = self.focused_widget()
        if focused is not None:
            self._speak_title(focused)

    def tile_chosen(self, tile: Tile) -> None:
        self.app.shelf.prioritise(tile.item.id)  # its display copies next, if some are missing
        self.app.start_task(tile.item)

    def tile_in_reach(self, item: Any) -> None:
        """A finger on a task's tile, or the highlight on it: its first picture is decoded now, on
        a background thread, so that choosing it does not decode it in the frame that starts the
        task (36-53 ms for a phone photo's display copy; a tap is held for 80-150 ms). The picture
        cache keeps four pictures, so a highlight moving over many tiles holds no more."""
        if item is None or not getattr(item, "steps", None):
            return
        try:
            path = item.display_image(item.steps[0])
        except Exception:  # noqa: BLE001 - the task's own start reports a missing picture
            return
        self.app.step_pictures.prefetch(Path(path))

    def tile_heard(self, tile: Tile) -> None:
        self._speak_title(tile)

    def _speak_title(self, tile: Tile) -> None:
        self.app.audio.say(tile.title, self.app.worker.language if self.app.worker else self.app.ui_lang)


load_kv(__file__)
