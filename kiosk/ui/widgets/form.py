"""The rows of the trainer's forms (Settings, a worker's form): a name and its choices.

A row puts its name beside the choices on a wide screen and above them on a narrow one (a
portrait tablet), and a ``ChoiceBox`` puts its buttons in as many columns as fit their icons and
words at the current text size, so a word is never squeezed until it breaks inside ("Englis/h",
"Delet/e"): with less room the buttons go onto a second line instead.
"""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.ui.widgets import load_kv

WIDE_ROW_DP = 1000  # narrower rows put the name above the choices
BUTTON_ROOM_DP = 32 + 18 + 24  # a button's inner padding, icon gap and a margin around its word


class FormRow(BoxLayout):
    """A form row: the name (``FormLabel``) and what is chosen or typed for it."""

    wide = BooleanProperty(True)

    def on_width(self, _instance: Any, width: float) -> None:
        self.wide = width >= dp(WIDE_ROW_DP)
        self.orientation = "horizontal" if self.wide else "vertical"


class ChoiceBox(GridLayout):
    """Big toggle buttons in as many columns as fit (``fill_choices`` puts them in)."""

    needed = NumericProperty(0)  # the widest button's natural width

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bind(width=self._fit, children=self._watch)

    def _watch(self, *_args: Any) -> None:
        for child in self.children:
            word = getattr(child, "ids", {}).get("word")
            if word is not None:
                word.unbind(natural_width=self._fit)
                word.bind(natural_width=self._fit)
        self._fit()

    def _fit(self, *_args: Any) -> None:
        buttons = list(self.children)
        if not buttons:
            self.cols = 1
            return
        theme = App.get_running_app().theme
        widest = 0.0
        for button in buttons:
            word = button.ids.get("word") if hasattr(button, "ids") else None
            natural = word.natural_width if word is not None else 0
            widest = max(widest, natural + theme.icon + dp(BUTTON_ROOM_DP))
        self.needed = widest
        cols = len(buttons)
        while cols > 1 and cols * widest + (cols - 1) * self.spacing[0] > self.width:
            cols -= 1
        self.cols = cols


load_kv(__file__)
