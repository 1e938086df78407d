"""What every PIN pad screen shares: the one ``PinPad`` widget, keys, and Cancel.

The trainer door (``trainer_pin``) and the family's progress door (``progress_pin``) differ only in
what OK checks and where Cancel goes (``take(pin)`` / ``cancel``). ``pin_pad.kv`` lays out every pad
screen (a kv rule applies to subclasses too): Cancel and ``heading`` on top, the pad in the middle.
The pad itself (dots, digits, Delete, OK, lockout countdown) is ``kiosk.ui.widgets.pin_entry.PinPad``,
the same widget the trainer's forms use.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.ui.keys import KEY_ESCAPE
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.pin_entry import PinPad


class PinPadScreen(KioskScreen):
    heading = StringProperty("")

    def on_kv_post(self, base_widget: Any) -> None:
        self.pad.bind(on_ok=lambda _pad, pin: self.take(pin))

    @property
    def pad(self) -> PinPad:
        return self.ids.pin

    # What tests and screens read: the pad's state.
    @property
    def entered(self) -> str:
        return self.pad.entered

    @property
    def message(self) -> str:
        return self.pad.message

    @property
    def wait_left(self) -> float:
        return self.pad.wait_left

    def tr(self, message: str, **values: Any) -> str:
        return self.app.tr(message, self.app.kiosk_lang, **values)

    def on_leave(self, *_args: Any) -> None:
        self.pad.clear()
        self.pad.stop_wait()

    def confirm(self) -> None:
        """Enter / OK from outside the pad."""
        self.pad.ok()

    def take(self, pin: str) -> None:
        raise NotImplementedError

    def cancel(self) -> None:
        raise NotImplementedError

    def handle_key(self, key: int, codepoint: str | None, _modifiers: list[str]) -> bool:
        if not self.pad.handle_key(key, codepoint) and key == KEY_ESCAPE:
            self.cancel()
        return True  # a PIN pad takes every key: nothing reaches the worker screens


load_kv(__file__)
