"""A calm overlay over the current screen: a message, an icon and one or two big buttons.

Used for Help ("Help is coming" + OK) and for "Stop this task?" (Yes / No). It never closes by a
tap beside it (``auto_dismiss`` off): a worker's stray touch must not make it vanish unseen. The
keyboard works on it as on any screen: Tab moves the focus, Space/Enter presses the focused button.
"""

from __future__ import annotations

from typing import Any, Callable

from kivy.app import App
from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView

from kiosk.ui.keys import Action
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.icon import icon_path


class AnswerDialog(ModalView):
    """What every dialog in front of a screen shares: big answer buttons (``add_button``), the
    keyboard and the switch going through them (``handle``), and the app told when it closes.
    A subclass's kv rule has a ``buttons`` box."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(auto_dismiss=False, **kwargs)
        self.buttons: list[KioskButton] = []
        self.focus_index = 0

    def add_button(self, text: str, icon: str, on_press: Callable[[], None], role: str = "secondary") -> KioskButton:
        button = KioskButton(text=text, icon=icon, role=role, big=True)
        button.bind(on_activate=lambda *_: on_press())
        self.ids.buttons.add_widget(button)
        self.buttons.append(button)
        return button

    def focus(self, index: int) -> None:
        if not self.buttons:
            return
        self.focus_index = index % len(self.buttons)
        for number, button in enumerate(self.buttons):
            button.focused = number == self.focus_index

    def handle(self, action: Action) -> bool:
        """Keys while the dialog is open: it takes them all, so nothing moves behind it."""
        if not self.buttons:
            return True
        if action == Action.MAIN:
            self.buttons[self.focus_index].activate()
        elif action == Action.FOCUS_NEXT:
            self.focus(self.focus_index + 1)
        elif action == Action.FOCUS_PREV:
            self.focus(self.focus_index - 1)
        return True

    def on_dismiss(self) -> None:
        app = App.get_running_app()
        if getattr(app, "overlay", None) is self:
            app.overlay = None


class CalmOverlay(AnswerDialog):
    message = StringProperty("")
    icon_source = StringProperty("")

    def __init__(self, message: str, icon: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.message = message
        self.icon_source = icon_path(icon)


load_kv(__file__)
