"""A photo tile: a large picture and a name, the whole tile one touch target.

Used for the people ("who are you?") and the tasks ("what do you do now?"). A tile may have a
speaker button to hear its title; it is a separate touch target inside the tile, so tapping it
speaks and chooses nothing. A task tile has it beside its title; a person's tile beside the photo
(``speaker_beside_picture``), because names are long and people tiles are small when eight must
fit on one screen. Pictures come as textures from the app's ``PictureCache``
(decoded in the background, never in Kivy's image cache).

``RecycledTile`` is the same tile as a view of a ``RecycleView`` (the tasks screen): a library of
a thousand packs makes only the tiles that fit on the screen, and each is given another pack as
the worker scrolls. Because a tile changes packs, a picture that arrives late is only shown when
the tile still stands for the pack that asked for it.
"""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview.views import RecycleDataViewBehavior

from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.buttons import Focusable, GuardedButtonBehavior
from kiosk.ui.widgets.fit import FitLabel  # noqa: F401 - used in tile.kv
from kiosk.ui.widgets.icon import icon_path


class Tile(GuardedButtonBehavior, Focusable, BoxLayout):
    title = StringProperty("")
    texture = ObjectProperty(None, allownone=True)
    placeholder = StringProperty("")  # icon shown while there is no picture
    initial = StringProperty("")  # big letter when there is neither picture nor icon
    speaker = BooleanProperty(False)  # show the "Hear" button
    speaker_text = StringProperty("")
    item = ObjectProperty(None, allownone=True)  # the Person or Pack behind the tile
    speaker_beside_picture = BooleanProperty(False)  # the Hear button beside the photo, not the title
    fixed_height = NumericProperty(0)  # set by a screen that fits its tiles to the window (0: from width)

    def __init__(self, **kwargs: Any) -> None:
        self.register_event_type("on_hear")
        super().__init__(**kwargs)
        self.on_speaker_beside_picture(self, self.speaker_beside_picture)

    def on_speaker_beside_picture(self, _tile: Any, beside: bool) -> None:
        button = self.ids.get("speaker_button")
        if button is None:
            return
        target = self.ids.picture_row if beside else self.ids.title_box
        if button.parent is not target:
            button.parent.remove_widget(button)
            target.add_widget(button)

    def set_picture(self, path: Any | None, fallback_icon: str = "") -> None:
        """Show ``path`` (loaded in the background) or the fallback icon / initial letter."""
        self.placeholder = icon_path(fallback_icon)
        self.initial = self.title[:1].upper() if not self.placeholder else ""
        self._wanted = path
        if path is None:
            return
        cache = App.get_running_app().tile_pictures
        texture = cache.get(path, lambda ready: self._picture_ready(path, ready))
        if texture is not None:
            self.texture = texture

    def _picture_ready(self, path: Any, texture: Texture | None) -> None:
        if texture is not None and path == getattr(self, "_wanted", None):
            self.texture = texture

    def on_hear(self) -> None:
        pass


class RecycledTile(RecycleDataViewBehavior, Tile):
    """A tile a ``RecycleView`` shows for one entry of its ``data`` at a time.

    An entry holds ``title``, ``item``, ``speaker``, ``speaker_text``, ``picture`` (a path or
    None), ``fallback_icon``, ``focused``, ``fixed_height`` and ``owner``: the screen whose
    ``tile_chosen(tile)`` and ``tile_heard(tile)`` a tap or the Hear button call (a view is made by
    the RecycleView, so nobody can bind to it one by one)."""

    owner = ObjectProperty(None, allownone=True)
    index = NumericProperty(-1)  # the entry shown, in the RecycleView's data

    def refresh_view_attrs(self, rv: Any, index: int, data: dict[str, Any]) -> None:
        self.index = index
        self.owner = data.get("owner")
        self.item = data.get("item")
        self.title = data.get("title", "")
        self.speaker = data.get("speaker", False)
        self.speaker_text = data.get("speaker_text", "")
        self.focused = data.get("focused", False)
        self.fixed_height = data.get("fixed_height", 0)
        self.texture = None  # never the picture of the entry this view showed before
        self.set_picture(data.get("picture"), data.get("fallback_icon", ""))

    def on_activate(self) -> None:
        if self.owner is not None:
            self.owner.tile_chosen(self)

    def on_hear(self) -> None:
        if self.owner is not None:
            self.owner.tile_heard(self)


load_kv(__file__)
