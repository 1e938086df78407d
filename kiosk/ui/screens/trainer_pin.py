"""The trainer PIN pad: the only door out of worker mode (after the 3-second corner hold).

It asks ``app.verify_pin`` (the journal-backed ``kiosk.trainer.PinGuard``: scrypt hash, growing
lockout). A kiosk without a PIN asks for a new one, twice; there is no default PIN. During a
lockout the pad shows how long to wait, so a trainer knows the kiosk is not broken. Digits are
typed without the tap-guard (a trainer types fast) and also work from a keyboard.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import NumericProperty, OptionProperty, StringProperty

from kiosk.trainer import validate_pin
from kiosk.ui.keys import KEY_BACKSPACE, KEY_ENTER, KEY_ESCAPE, KEY_KP_ENTER, digit_for
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import load_kv

MAX_DIGITS = 8


class TrainerPinScreen(KioskScreen):
    mode = OptionProperty("check", options=("check", "new", "confirm"))
    entered = StringProperty("")
    message = StringProperty("")
    wait_left = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._first = ""
        self._countdown = None

    def tr(self, message: str, **values: Any) -> str:
        return self.app.tr(message, self.app.kiosk_lang, **values)

    def reset(self) -> None:
        self.mode = "check" if self.app.pin_guard.is_set() else "new"
        self.entered = self.message = self._first = ""
        self._start_wait(self.app.pin_guard.wait_seconds() if self.mode == "check" else 0)

    def on_leave(self, *_args: Any) -> None:
        self.entered = ""
        self._stop_wait()

    # -- pad ------------------------------------------------------------------------------------

    def press_digit(self, digit: str) -> None:
        if self.wait_left > 0 or len(self.entered) >= MAX_DIGITS:
            return
        self.entered += digit
        self.message = ""

    def delete(self) -> None:
        self.entered = self.entered[:-1]

    def cancel(self) -> None:
        self.app.leave_trainer()

    def confirm(self) -> None:
        """OK: check the PIN, or take a new PIN (twice)."""
        if self.wait_left > 0 or not self.entered:
            return
        pin, self.entered = self.entered, ""
        if self.mode == "check":
            result = self.app.verify_pin(pin)
            if result.ok:
                self.app.open_trainer_home()
                return
            self.message = self.tr("Wrong PIN.")
            self._start_wait(result.wait_seconds)
        elif self.mode == "new":
            try:
                validate_pin(pin)
            except ValueError:
                self.message = self.tr("A PIN has 4 to 8 digits.")
                return
            self._first, self.mode = pin, "confirm"
        elif pin == self._first:
            self.app.pin_guard.set_pin(pin)
            self.app.open_trainer_home()
        else:
            self._first, self.mode = "", "new"
            self.message = self.tr("The two PINs were different. Please start again.")

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
        return True  # the PIN pad takes every key: nothing reaches the worker screens

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
