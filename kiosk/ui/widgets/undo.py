"""A calm "Undo" bar: after a trainer action that removes something, for ``UNDO_SECONDS``.

Clearing the problem list or removing a family PIN is done at once (no question first: asking
before every small action teaches people to tap Yes without reading), and the bar at the bottom
of the screen says what was done, with **Undo** (an icon and a word, a 96 dp target). The bar
goes by itself after ``UNDO_SECONDS``; leaving the screen ends it too (the action stays done).
The screen gives ``show`` the words and what Undo does; the bar only shows and times.
"""

from __future__ import annotations

from typing import Any, Callable

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.widgets import load_kv

UNDO_SECONDS = 10.0


class UndoBar(BoxLayout):
    message = StringProperty("")
    shown = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._undo: Callable[[], None] | None = None
        self._timeout: Any = None

    def show(self, message: str, undo: Callable[[], None], seconds: float = UNDO_SECONDS) -> None:
        """Say ``message`` with an Undo button that calls ``undo`` (once) within ``seconds``."""
        self.message, self._undo, self.shown = message, undo, True
        if self._timeout is not None:
            self._timeout.cancel()
        self._timeout = Clock.schedule_once(lambda _dt: self.hide(), seconds)

    def hide(self) -> None:
        """The time is up or the screen is left: the action stays done."""
        self.shown, self._undo = False, None
        if self._timeout is not None:
            self._timeout.cancel()
            self._timeout = None

    def on_touch_down(self, touch: Any) -> bool:
        # Hidden, the bar is 0 high but its button keeps its size: it must not take the touches
        # meant for what lies under it (nor swallow them as a disabled widget would).
        return bool(self.shown and super().on_touch_down(touch))

    def on_touch_up(self, touch: Any) -> bool:
        return bool(self.shown and super().on_touch_up(touch))

    def undo(self) -> None:
        undo = self._undo
        self.hide()
        if undo is not None:
            undo()


load_kv(__file__)
