"""What every PIN pad screen does: collect digits, take keys, and count a lockout down calmly.

The trainer door (``trainer_pin``) and the family's progress door (``progress_pin``) differ only in
what OK checks and where Cancel goes (``confirm`` / ``cancel``). ``pin_pad.kv`` lays out every pad (a kv rule applies to subclasses too), with ``heading`` as the
words on top.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import NumericProperty, StringProperty

from kiosk.ui.keys import KEY_BACKSPACE, KEY_ENTER, KEY_ESCAPE, KEY_KP_ENTER, digit_for
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import load_kv

MAX_DIGITS = 8


class PinPadScreen(KioskScreen):
    heading = StringProperty("")
    entered = StringProperty("")
    message = StringProperty("")
    wait_left = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._countdown = None
        self._ends = 0.0

    def tr(self, message: str, **values: Any) -> str:
        return self.app.tr(message, self.app.kiosk_lang, **values)

    def on_leave(self, *_args: Any) -> None:
        self.entered = ""
        self._stop_wait()

    def press_digit(self, digit: str) -> None:
        if self.wait_left > 0 or len(self.entered) >= MAX_DIGITS:
            return
        self.entered += digit
        self.message = ""

    def delete(self) -> None:
        self.entered = self.entered[:-1]

    def confirm(self) -> None:
        raise NotImplementedError

    def cancel(self) -> None:
        raise NotImplementedError

    def handle_key(self, key: int, codepoint: str | None, _modifiers: list[str]) -> bool:
        digit = digit_for(key, codepoint)
        if digit is not None:
            self.press_digit(digit)
        elif key == KEY_BACKSPACE:
            self.delete()
        elif key in (KEY_ENTER, KEY_KP_ENTER):
            self.confirm()
        elif key == KEY_ESCAPE:
            self.cancel()
        return True  # a PIN pad takes every key: nothing reaches the worker screens

    # -- lockout countdown ----------------------------------------------------------------------

    def _start_wait(self, seconds: float) -> None:
        self._stop_wait()
        self.wait_left = max(0.0, float(seconds))
        if self.wait_left > 0:
            self._ends = Clock.get_time() + self.wait_left
            self._countdown = Clock.schedule_interval(self._tick, 0.5)

    def _tick(self, _dt: float) -> None:
        self.wait_left = max(0.0, self._ends - Clock.get_time())
        if self.wait_left <= 0:
            self._stop_wait()
            self.message = ""

    def _stop_wait(self) -> None:
        if self._countdown is not None:
            self._countdown.cancel()
            self._countdown = None


load_kv(__file__)
