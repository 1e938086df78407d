"""The trainer PIN pad: the only door out of worker mode (after the 3-second corner hold).

It asks the app's ``TrainerDoor`` (the journal-backed ``kiosk.trainer.PinGuard``: scrypt hash,
growing lockout) through ``kiosk.ui.models.pin.DoorFlow``. A kiosk without a PIN asks for a new
one, twice; there is no default PIN. During a lockout the pad shows how long to wait, so a trainer
knows the kiosk is not broken.
"""

from __future__ import annotations

from typing import Any

from kiosk.trainer import DoorClosedError, DoorState
from kiosk.ui.models.pin import DoorFlow, Outcome
from kiosk.ui.screens.pin_pad import PinPadScreen


class TrainerPinScreen(PinPadScreen):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.flow = DoorFlow(self.app.door, self.tr)

    @property
    def mode(self) -> str:
        """check, new or confirm."""
        return self.flow.mode

    def prepare(self) -> None:
        """Ask for the stored PIN, or a new one on a fresh kiosk (``DoorClosedError`` when the
        door is closed: the app shows why instead)."""
        state, closed = self.app.door.state()
        if state is DoorState.CLOSED:
            raise DoorClosedError(closed)
        self.flow = DoorFlow(self.app.door, self.tr, "check" if state is DoorState.CHECK else "new")
        self._show()
        self.pad.clear()
        self.pad.message = ""
        self.pad.start_wait(self.app.door.wait_seconds() if self.mode == "check" else 0)

    def _show(self) -> None:
        self.heading = self.flow.heading
        self.pad.validate = self.mode != "check"
        self.pad.hint = "" if self.mode == "check" else self.tr("Type 4 to 8 digits.")

    def cancel(self) -> None:
        self.app.leave_trainer()

    def take(self, pin: str) -> None:
        step = self.flow.take(pin)
        if step.outcome is Outcome.OPEN:
            self.app.open_trainer_home()
        elif step.outcome is Outcome.CLOSED:  # the journal failed under the pad: fail closed, calmly
            self.app.show_door_closed(step.closed)
        else:
            self._show()
            self.pad.message = step.message
            if step.wait_seconds:
                self.pad.start_wait(step.wait_seconds)
