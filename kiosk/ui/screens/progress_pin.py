"""Progress, step 2: the family PIN of the chosen worker (the trainer PIN opens every worker).

``PinGuard.check_family_pin`` decides (family PIN, else trainer PIN, each with its lockout); a
worker without a family PIN opens only with the trainer PIN. The digits are never kept.
"""

from __future__ import annotations

from typing import Any

from kiosk.journal import JournalError
from kiosk.trainer import DoorClosedError
from kiosk.ui.screens.base import LeavesWhenIdle
from kiosk.ui.screens.pin_pad import PinPadScreen


class ProgressPinScreen(LeavesWhenIdle, PinPadScreen):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.person: Any = None

    def prepare(self, person: Any) -> None:
        self.person = person
        self.pad.clear()
        self.heading = self.tr("Enter the family PIN for {name}", name=person.name)
        try:
            has_pin = self.app.pin_guard.family_pin_is_set(person.id)
        except JournalError:
            has_pin = True  # unknown: the check below says what is wrong
        self.pad.message = "" if has_pin else self.tr("No family PIN yet. Ask the trainer.")
        self.pad.start_wait(0)

    def on_leave(self, *args: Any) -> None:
        """Nothing about the chosen worker stays on the pad once it is left (not even the name)."""
        super().on_leave(*args)
        self.person, self.heading, self.pad.message = None, "", ""

    def cancel(self) -> None:
        self.app.back(out_of="progress_")

    def take(self, pin: str) -> None:
        if self.person is None:
            return
        try:
            result = self.app.door.check_family(self.person.id, pin)
        except DoorClosedError as error:
            self.app.problems.add("journal", "A family PIN could not be checked.", error)
            self.pad.message = self.tr("The PIN cannot be checked right now. Ask the trainer.")
            return
        if result.ok:
            self.app.go("progress_person", person=self.person, replace=True)  # the pad is not gone back to
            return
        self.pad.message = self.tr("Wrong PIN.")
        self.pad.start_wait(result.wait_seconds)
