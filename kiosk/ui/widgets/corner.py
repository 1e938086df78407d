"""The hidden trainer gesture: press and hold the top-left corner for three seconds.

Workers should not leave the kiosk by accident, so there is no visible exit. The corner watches
touches without taking them (a short tap still reaches the Home button beneath it); only when a
touch is held for the full time does it fire ``on_hold`` and mark the touch, so the button under
the finger does not also react when it is released.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import NumericProperty
from kivy.uix.widget import Widget

from kiosk.ui.widgets.buttons import HELD_FLAG

HOLD_SECONDS = 3.0


class CornerHold(Widget):
    hold_seconds = NumericProperty(HOLD_SECONDS)
    slack = NumericProperty(dp(40))  # a trainer's finger may drift a little while holding

    def __init__(self, **kwargs: Any) -> None:
        self.register_event_type("on_hold")
        super().__init__(**kwargs)
        self._touch: Any = None
        self._event = None

    def on_touch_down(self, touch: Any) -> bool:
        if self._touch is None and self.collide_point(*touch.pos):
            self._touch = touch
            touch.grab(self)
            self._event = Clock.schedule_once(self._fire, self.hold_seconds)
        return False  # never consume: taps pass on to what lies beneath

    def on_touch_move(self, touch: Any) -> bool:
        if touch.grab_current is self and touch is self._touch:
            x, y = touch.pos
            if not (
                self.x - self.slack <= x <= self.right + self.slack
                and self.y - self.slack <= y <= self.top + self.slack
            ):
                self._cancel()
        return False

    def on_touch_up(self, touch: Any) -> bool:
        if touch.grab_current is self:
            touch.ungrab(self)
            if touch is self._touch:
                self._cancel()
        return False

    def _cancel(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None
        self._touch = None

    def _fire(self, _dt: float) -> None:
        touch = self._touch
        self._event = None
        if touch is not None:
            touch.ud[HELD_FLAG] = True
        self.dispatch("on_hold")

    def on_hold(self) -> None:
        pass
