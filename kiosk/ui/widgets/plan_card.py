"""The day plan's reminder: a calm full-screen card for one worker (``kiosk.ui.plan_service``).

The item's picture as large as the screen allows, its sentence in the worker's language, the time
it was planned for (small: a reminder, never a reproach), and at most two answers: **Start** (when
the item has a pack) and **OK**. One tap anywhere on the card is OK too, so a worker who does not
read the buttons is never stuck; the tap-guard ignores a bounce. It never closes by itself.
"""

from __future__ import annotations

from typing import Any, Callable

from kivy.app import App
from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView

from kiosk.ui.keys import Action
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.buttons import KioskButton


class PlanReminderCard(ModalView):
    sentence = StringProperty("")
    picture = StringProperty("")
    when = StringProperty("")

    def __init__(self, sentence: str, picture: str, when: str = "", **kwargs: Any) -> None:
        super().__init__(auto_dismiss=False, **kwargs)
        self.sentence = sentence
        self.picture = picture
        self.when = when
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
        """Keys while the card is open: Space/Enter the focused answer (Start first), Tab moves."""
        if not self.buttons:
            return True
        if action == Action.MAIN:
            self.buttons[self.focus_index].activate()
        elif action == Action.FOCUS_NEXT:
            self.focus(self.focus_index + 1)
        elif action == Action.FOCUS_PREV:
            self.focus(self.focus_index - 1)
        return True

    def on_touch_up(self, touch: Any) -> bool:
        on_a_button = any(button.collide_point(*button.to_widget(*touch.pos)) for button in self.buttons)
        super().on_touch_up(touch)
        if not on_a_button and touch.grab_current is None and self.buttons:
            self.buttons[-1].activate()  # a tap beside the answers is OK (the last, calm answer)
        return True

    def on_dismiss(self) -> None:
        app = App.get_running_app()
        if getattr(app, "overlay", None) is self:
            app.overlay = None


load_kv(__file__)
