"""Trainer: every pack the kiosk found, usable or not, and why — plus "Reload packs" and a preview.

Each pack source (folder or zip in the drop folder and the sample folders) is one row: its picture
(or the broken icon), its title, its state in an icon AND a word (Ready / Warnings / Broken) and its
problems in plain words ("file, step N: message — hint"), as ``kiosk.packs`` reports them.
A row's problems are a recycling list (``ProblemLines``, a RecycleView of at most a few screens'
height): a hostile pack once had 20,000 problems, and one Label holding them all needed a texture
larger than the graphics memory ("Unable to allocate memory for texture"); the loader now caps the
list, and the screen only ever draws the lines in view.
The rows follow the pack folders by themselves (``kiosk.ui.pack_watcher`` polls them every 2 s);
"Reload packs" asks the shelf for a new scan now. Tapping a usable pack opens ``trainer_preview``.
What each row says (order, state word and icon, problem lines, the status line) is decided by
``kiosk.ui.models.packs`` (Kivy-free); this screen only turns the rows into widgets.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.recycleview import RecycleView

from kiosk.ui.models.packs import packs_view
from kiosk.ui.screens.base import TrainerScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.buttons import Focusable, GuardedButtonBehavior
from kiosk.ui.widgets.icon import icon_path

RELOAD_TIMEOUT_S = 60.0
MAX_PROBLEMS_HEIGHT_DP = 300  # a long list scrolls inside its row, so the other packs stay near


class ProblemLine(Label):
    """One problem (or the pack's path) in a row's recycling list; as tall as its wrapped text."""


class ProblemLines(RecycleView):
    """A pack's problems as a recycling list: only the lines in view are widgets with textures,
    however long the list is; the list is as tall as its lines, up to ``max_height``."""

    max_height = NumericProperty(dp(MAX_PROBLEMS_HEIGHT_DP))


class PackRow(GuardedButtonBehavior, Focusable, BoxLayout):
    """One pack report; the whole row is a button when the pack can be used."""

    title = StringProperty("")
    state_word = StringProperty("")
    state_icon = StringProperty("")
    details = StringProperty("")  # every line, for reading aloud and tests; drawn by ``lines``
    lines = ListProperty([])
    usable = BooleanProperty(False)
    texture = ObjectProperty(None, allownone=True)
    placeholder = StringProperty("")
    report = ObjectProperty(None, allownone=True)
    pack = ObjectProperty(None, allownone=True)


class TrainerPacksScreen(TrainerScreen):
    status = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._poll = None
        self._waited = 0.0
        self._before: Any = None
        self.app.shelf.listeners.append(self._shelf_changed)

    def _shelf_changed(self, _result: Any) -> None:
        """The pack watcher (or a visit to the tasks screen) found new, changed or removed packs."""
        if self._poll is None and self.manager is not None and self.manager.current == self.name:
            self.refresh()

    def on_pre_enter(self, *_args: Any) -> None:
        self.refresh()

    def rows(self) -> list[PackRow]:
        return [w for w in reversed(self.ids.rows.children) if isinstance(w, PackRow)]

    def focusables(self) -> list[Any]:
        return [self.ids.back, self.ids.reload] + [r for r in self.rows() if r.usable]

    def scroll_to(self, widget: Any) -> None:
        if isinstance(widget, PackRow):
            self.ids.scroller.scroll_to(widget, animate=False)

    def refresh(self) -> None:
        """Rebuild the rows from the shelf's last scan."""
        shelf = self.app.shelf
        box = self.ids.rows
        box.clear_widgets()
        self.focus_index = -1
        view = packs_view(shelf.result, shelf.packs, shelf.find, self.app.kiosk_lang, self.tr)
        self.status = view.status
        for model in view.rows:
            row = PackRow(
                title=model.title,
                state_word=model.state_word,
                state_icon=icon_path(model.state_icon),
                lines=list(model.lines),
                details="\n".join(model.lines),
                usable=model.usable,
                report=model.report,
                pack=model.pack,
                placeholder=icon_path("ready" if model.usable else "broken"),
                guarded=False,
            )
            if model.thumbnail is not None:
                texture = self.app.tile_pictures.get(model.thumbnail, lambda t, r=row: setattr(r, "texture", t))
                if texture is not None:
                    row.texture = texture
            row.bind(on_activate=self._open)
            box.add_widget(row)

    def reload(self) -> None:
        """Scan the pack folders now (in the background); the rows follow when it is done."""
        shelf = self.app.shelf
        self._before = shelf.result
        self.status = self.tr("Looking for packs…")
        shelf.refresh()
        self._waited = 0.0
        if self._poll is not None:
            self._poll.cancel()
        self._poll = Clock.schedule_interval(self._check_reload, 0)

    def _check_reload(self, dt: float) -> bool:
        shelf = self.app.shelf
        self._waited += dt
        if shelf.scanning:
            return True
        if shelf.result is self._before and self._waited < 2.0:
            return True  # the result reaches the main thread a frame later (a failed scan never)
        self._poll = None
        self.refresh()
        return False

    def on_leave(self, *_args: Any) -> None:
        if self._poll is not None:
            self._poll.cancel()
            self._poll = None

    def _open(self, row: PackRow) -> None:
        if row.pack is None:
            return
        self.app.go("trainer_preview", pack=row.pack)


load_kv(__file__)
