"""One step on the coach's support screen: its picture, its number, its level (an icon and a
word, never colour alone) and the reason in plain words."""

from __future__ import annotations

from kivy.properties import NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.widgets import load_kv


class StepLevel(BoxLayout):
    number = NumericProperty(1)
    picture = StringProperty("")
    word = StringProperty("")
    icon = StringProperty("")
    reason = StringProperty("")


load_kv(__file__)
