"""The trainer PIN pad: the only door out of worker mode (after the 3-second corner hold).

It asks ``app.verify_pin`` (the journal-backed ``kiosk.trainer.PinGuard``: scrypt hash, growing
lockout). A kiosk without a PIN asks for a new one, twice; there is no default PIN. During a
lockout the pad shows how long to wait, so a trainer knows the kiosk is not broken. Digits are
typed without the tap-guard (a trainer types fast) and also work from a keyboard.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import OptionProperty

from kiosk.trainer import DoorClosedError, DoorState, validate_pin
from kiosk.ui.screens.pin_pad import PinPadScreen


class TrainerPinScreen(PinPadScreen):
    mode = OptionProperty("check", options=("check", "new", "confirm"))

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._first = ""

    def on_mode(self, *_args: Any) -> None:
        self.heading = {"check": self.tr("Trainer PIN"), "new": self.tr("Choose a new trainer PIN"),
                        "confirm": self.tr("Type the new PIN again")}[self.mode]

    def prepare(self) -> None:
        """Ask for the stored PIN, or a new one on a fresh kiosk (``DoorClosedError`` when the
        door is closed: the app shows why instead)."""
        state, closed = self.app.door.state()
        if state is DoorState.CLOSED:
            raise DoorClosedError(closed)
        self.mode = "check" if state is DoorState.CHECK else "new"
        self.on_mode()
        self.entered = self.message = self._first = ""
        self._start_wait(self.app.door.wait_seconds() if self.mode == "check" else 0)

    def cancel(self) -> None:
        self.app.leave_trainer()

    def confirm(self) -> None:
        """OK: check the PIN, or take a new PIN (twice)."""
        if self.wait_left > 0 or not self.entered:
            return
        pin, self.entered = self.entered, ""
        try:
            self._take(pin)
        except DoorClosedError as error:  # the journal failed under the pad: fail closed, calmly
            self.app.show_door_closed(error.closed)

    def _take(self, pin: str) -> None:
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
            self.app.door.set_new_pin(pin)
            self.app.open_trainer_home()
        else:
            self._first, self.mode = "", "new"
            self.message = self.tr("The two PINs were different. Please start again.")
