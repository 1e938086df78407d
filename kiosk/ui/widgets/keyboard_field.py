"""A one-line text field that brings the docked on-screen keyboard in the kiosk's layout.

The task editor types task names and step sentences on a tablet without a keyboard. With
``keyboard_mode = systemanddock`` (``kiosk.ui.bootstrap``) Kivy docks a ``VKeyboard`` at the
bottom of the window while the field has focus; here it gets the layout for the kiosk language
(``kiosk.ui.models.keyboard``: umlauts and ß for German, Latin letters for Chinese), keys of at
least ``KEY_DP`` and the kiosk's font. A hardware keyboard keeps working. The worker form's name
field is one too.
"""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.metrics import dp
from kivy.properties import DictProperty, StringProperty
from kivy.uix.textinput import TextInput
from kivy.uix.vkeyboard import VKeyboard

from kiosk.ui.models import keyboard

KEY_DP = 100  # keys: at least the 96 dp touch target, with a seam
WIDE_KEYBOARD_COLS = 12


class KeyboardField(TextInput):
    """``language``: the keyboard's layout; ``words``: translated Shift, Delete, Done."""

    language = StringProperty("en")
    words = DictProperty({})

    def on_focus(self, _instance: Any, focused: bool) -> None:
        if focused:
            Clock.schedule_once(lambda _dt: self.fit_keyboard(), 0)

    def keyboard(self) -> VKeyboard | None:
        """The docked on-screen keyboard while it is shown (None with a hardware keyboard only)."""
        return next((w for w in Window.children if isinstance(w, VKeyboard)), None)

    def fit_keyboard(self) -> VKeyboard | None:
        vk = self.keyboard()
        if vk is None or not self.focus:
            return vk
        wide = Window.width >= WIDE_KEYBOARD_COLS * dp(KEY_DP)
        layout = keyboard.layout(self.language, wide, dict(self.words))
        name = layout["title"] + "-" + "-".join(f"{k}={v}" for k, v in sorted(self.words.items()))
        vk.available_layouts[name] = layout
        vk.margin_hint = [0.02, 0, 0.02, 0]  # the whole width for keys: 8 keys of 100 dp on 800 px
        vk.font_size = App.get_running_app().theme.fs_small
        vk.font_name = "Roboto"  # Kivy's default font name: the kiosk registered its CJK font under it
        vk.size = (Window.width, layout["rows"] * dp(KEY_DP) / 0.96)
        if vk.layout != name:
            vk.layout = name
        vk.setup_mode()
        return vk
