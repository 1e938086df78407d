"""A help call that stays until a coach answers it.

"Help is coming" that called nobody and vanished with OK was worse than nothing: the worker was
left waiting with no sign. So Help opens this overlay: a calm frame in the help colour around the
step's picture (a coach walking by sees at once where the worker is stuck), one sentence ("Wave
to your coach" while no coach can be reached through the kiosk), and a soft tone repeated every
``REPEAT_S`` seconds. It has no OK: a coach ends it by holding the "Coach: hold here" area for
three seconds (a worker's tap does nothing), and the wait is reported to the app (``on_answered``).
Keys do nothing on it either.
"""

from __future__ import annotations

from typing import Any, Callable

from kivy.clock import Clock
from kivy.properties import StringProperty
from kiosk.ui.widgets.picture import Picture
from kivy.uix.relativelayout import RelativeLayout

from kiosk.ui.keys import Action
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.corner import CornerHold
from kiosk.ui.widgets.overlay import CalmOverlay

REPEAT_S = 30.0


class CoachHold(CornerHold):
    """The coach's end of a help call: hold for three seconds."""


class HelpPicture(Picture):
    """The step's picture inside the call (empty when help was asked for away from a step)."""


class CoachHoldBox(RelativeLayout):
    text = StringProperty("")


class HelpCallOverlay(CalmOverlay):
    def __init__(
        self,
        message: str,
        hold_text: str,
        *,
        picture: Any = None,
        signal: Callable[[], Any] | None = None,
        on_answered: Callable[[float], None] | None = None,
        clock: Callable[[], float] = Clock.get_time,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, icon="" if picture is not None else "help", **kwargs)
        card = self.ids.card
        self.picture = HelpPicture(texture=picture)
        card.add_widget(self.picture, index=len(card.children) - 1)  # under the icon, above the words
        self.coach_box = CoachHoldBox(text=hold_text)
        card.add_widget(self.coach_box)
        self._signal = signal
        self._on_answered = on_answered
        self._clock = clock
        self.called_at = clock()
        self._repeat = Clock.schedule_interval(lambda _dt: self._ring(), REPEAT_S) if signal else None
        self.coach_box.ids.hold.bind(on_hold=lambda *_: self.answer())

    def _ring(self) -> None:
        if self._signal is not None:
            self._signal()

    @property
    def waited_s(self) -> float:
        return max(0.0, self._clock() - self.called_at)

    def answer(self) -> None:
        """A coach is here: stop the signal, close, and report how long the worker waited."""
        waited = self.waited_s
        if self._repeat is not None:
            self._repeat.cancel()
            self._repeat = None
        self.dismiss(animation=False)
        if self._on_answered is not None:
            self._on_answered(waited)

    def on_dismiss(self) -> None:
        if self._repeat is not None:
            self._repeat.cancel()
            self._repeat = None
        super().on_dismiss()

    def handle(self, action: Action) -> bool:
        return True  # a stray key or switch press never ends a help call

    def focus(self, index: int) -> None:
        """No buttons to focus: the call is ended by a coach's hold."""


load_kv(__file__)
