"""``PinPad``: the one PIN entry of the kiosk — dots, digits 0-9, Delete and OK, plus the keys.

Used by the trainer door and the family's progress door (``screens/pin_pad.kv``), by the family PIN
in a worker's form and by the change of the trainer PIN in the settings. Before there were two pads
and three validations; now what a PIN may be is decided only by ``kiosk.trainer.validate_pin``
(through ``kiosk.ui.models.pin``): the pad takes at most the rule's longest PIN, and with
``validate`` on (choosing a new PIN) OK says the rule instead of passing a PIN that breaks it.
A check of an existing PIN never validates: a wrong PIN is just "Wrong PIN." and counts as a try.

OK dispatches ``on_ok(pin)`` and empties the dots (the digits are never kept). During a lockout
(``start_wait``) the pad counts down calmly, ignores digits and OK is off. Digits are typed without
the tap-guard (a trainer types fast) and also come from a keyboard (``handle_key``).
"""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.keys import KEY_BACKSPACE, KEY_ENTER, KEY_KP_ENTER, digit_for
from kiosk.ui.models.pin import MAX_DIGITS, add_digit, pin_problem
from kiosk.ui.widgets import load_kv


class PinPad(BoxLayout):
    entered = StringProperty("")
    message = StringProperty("")  # one sentence under the dots (wrong PIN, the rule, saved ...)
    wait_left = NumericProperty(0)  # seconds of lockout still to wait
    validate = BooleanProperty(False)  # True when a new PIN is chosen: OK checks the rule first
    ok_text = StringProperty("")  # the OK key's word ("" = "OK" in the kiosk language)
    ok_icon = StringProperty("check")
    hint = StringProperty("")  # shown instead of the dots while none are typed

    max_digits = MAX_DIGITS

    def __init__(self, **kwargs: Any) -> None:
        self.register_event_type("on_ok")
        self._countdown: Any = None
        self._ends = 0.0
        super().__init__(**kwargs)

    # -- typing ---------------------------------------------------------------------------------

    def press_digit(self, digit: str) -> None:
        if self.wait_left > 0:
            return
        self.entered = add_digit(self.entered, digit)
        self.message = ""

    def delete(self) -> None:
        self.entered = self.entered[:-1]

    def clear(self) -> None:
        self.entered = ""

    def ok(self) -> None:
        """OK: hand the digits on (``on_ok``) and forget them; nothing while waiting or empty."""
        if self.wait_left > 0 or not self.entered:
            return
        pin, self.entered = self.entered, ""
        if self.validate:
            app = App.get_running_app()
            problem = pin_problem(pin, lambda m, **v: app.tr(m, app.kiosk_lang, **v))
            if problem:
                self.message = problem
                return
        self.dispatch("on_ok", pin)

    def on_ok(self, pin: str) -> None:
        pass

    def handle_key(self, key: int, codepoint: str | None) -> bool:
        """A hardware key: a digit, Backspace (Delete) or Enter (OK); True if it was one."""
        digit = digit_for(key, codepoint)
        if digit is not None:
            self.press_digit(digit)
        elif key == KEY_BACKSPACE:
            self.delete()
        elif key in (KEY_ENTER, KEY_KP_ENTER):
            self.ok()
        else:
            return False
        return True

    # -- lockout countdown ----------------------------------------------------------------------

    def start_wait(self, seconds: float) -> None:
        self.stop_wait()
        self.wait_left = max(0.0, float(seconds))
        if self.wait_left > 0:
            self._ends = Clock.get_time() + self.wait_left
            self._countdown = Clock.schedule_interval(self._tick, 0.5)

    def _tick(self, _dt: float) -> None:
        self.wait_left = max(0.0, self._ends - Clock.get_time())
        if self.wait_left <= 0:
            self.stop_wait()
            self.message = ""

    def stop_wait(self) -> None:
        if self._countdown is not None:
            self._countdown.cancel()
            self._countdown = None
        self.wait_left = 0


load_kv(__file__)
