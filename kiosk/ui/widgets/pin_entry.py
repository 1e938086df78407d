"""A small PIN entry for trainer forms (family PIN, change the trainer PIN): masked dots, digits
0-9 and Delete. What a PIN may be is decided in one place, ``kiosk.trainer.validate_pin``; this
widget only collects digits (at most ``MAX_DIGITS``, the rule's longest PIN)."""

from __future__ import annotations

from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.widgets import load_kv

MAX_DIGITS = 8


class PinEntry(BoxLayout):
    entered = StringProperty("")

    def press_digit(self, digit: str) -> None:
        if len(self.entered) < MAX_DIGITS:
            self.entered += digit

    def delete(self) -> None:
        self.entered = self.entered[:-1]

    def clear(self) -> None:
        self.entered = ""


load_kv(__file__)
