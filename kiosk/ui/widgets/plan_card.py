"""The day plan's reminder: a calm full-screen card for one worker (``kiosk.ui.plan_service``).

The item's picture as large as the screen allows, its sentence in the worker's language, the time
it was planned for (small: a reminder, never a reproach), and at most two answers: **Start** (when
the item has a pack) and **OK**. One tap anywhere on the card is OK too, so a worker who does not
read the buttons is never stuck; the tap-guard ignores a bounce. It never closes by itself.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.overlay import AnswerDialog


class PlanReminderCard(AnswerDialog):
    sentence = StringProperty("")
    picture = StringProperty("")
    when = StringProperty("")

    def __init__(self, sentence: str, picture: str, when: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sentence = sentence
        self.picture = picture
        self.when = when

    def on_touch_up(self, touch: Any) -> bool:
        on_a_button = any(button.collide_point(*button.to_widget(*touch.pos)) for button in self.buttons)
        super().on_touch_up(touch)
        if not on_a_button and touch.grab_current is None and self.buttons:
            self.buttons[-1].activate()  # a tap beside the answers is OK (the last, calm answer)
        return True


load_kv(__file__)
