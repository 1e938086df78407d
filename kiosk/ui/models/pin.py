"""The one PIN rule every pad follows, and the steps of the trainer door and of a PIN change.

``kiosk.trainer.validate_pin`` is the only judge of what a PIN may be; the pad's longest entry
(``MAX_DIGITS``) is read from it, so the rule and the pads cannot drift apart. The flows are plain
state machines (Kivy-free): the trainer door (check, or new + confirm on a fresh kiosk) and the
change of the trainer PIN in the settings (old, new, again). Each ``take(pin)`` says what happened
in a ``PinStep`` with a translated message; the screens only show it and ask the app to move on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable

from kiosk.trainer import DoorClosedError, validate_pin

Translate = Callable[..., str]


def _valid(pin: str) -> bool:
    try:
        validate_pin(pin)
    except ValueError:
        return False
    return True


#: The longest PIN the rule accepts: a pad takes no more digits than that.
MAX_DIGITS = max(n for n in range(1, 33) if _valid("1" * n))
RULE_MESSAGE = "A PIN has 4 to 8 digits."


def pin_problem(pin: str, tr: Translate) -> str | None:
    """None for a PIN that can be chosen, else the plain sentence a pad shows."""
    return None if _valid(pin) else tr(RULE_MESSAGE)


def add_digit(entered: str, digit: str) -> str:
    """``entered`` with one more digit, unless it is full or ``digit`` is not a digit."""
    if len(digit) != 1 or not digit.isdigit() or not digit.isascii() or len(entered) >= MAX_DIGITS:
        return entered
    return entered + digit


class Outcome(Enum):
    STAY = "stay"  # the pad stays: read ``message``
    OPEN = "open"  # the PIN opened the door / the change is done
    CLOSED = "closed"  # storage failed under the pad: fail closed (``closed`` says why)


@dataclass(frozen=True)
class PinStep:
    outcome: Outcome
    message: str = ""
    wait_seconds: float = 0.0
    closed: Any = None


class DoorFlow:
    """The trainer door: ``check`` the stored PIN, or on a fresh kiosk ``new`` then ``confirm``."""

    HEADINGS = {"check": "Trainer PIN", "new": "Choose a new trainer PIN", "confirm": "Type the new PIN again"}

    def __init__(self, door: Any, tr: Translate, mode: str = "check") -> None:
        self.door, self.tr, self.mode = door, tr, mode
        self._first = ""

    @property
    def heading(self) -> str:
        return self.tr(self.HEADINGS[self.mode])

    def take(self, pin: str) -> PinStep:
        try:
            return self._take(pin)
        except DoorClosedError as error:
            return PinStep(Outcome.CLOSED, closed=error.closed)

    def _take(self, pin: str) -> PinStep:
        if self.mode == "check":
            result = self.door.check(pin)
            if result.ok:
                return PinStep(Outcome.OPEN)
            return PinStep(Outcome.STAY, self.tr("Wrong PIN."), result.wait_seconds)
        if self.mode == "new":
            problem = pin_problem(pin, self.tr)
            if problem:
                return PinStep(Outcome.STAY, problem)
            self._first, self.mode = pin, "confirm"
            return PinStep(Outcome.STAY)
        if pin == self._first:
            self.door.set_new_pin(pin)
            return PinStep(Outcome.OPEN)
        self._first, self.mode = "", "new"
        return PinStep(Outcome.STAY, self.tr("The two PINs were different. Please start again."))


class PinChange:
    """Change the trainer PIN: the old one first (same lockout as the door), then the new one twice."""

    STAGES = {"old": "Type the old PIN", "new": "Choose a new trainer PIN", "again": "Type the new PIN again"}

    def __init__(self, door: Any, pin_guard: Any, problems: Any, tr: Translate) -> None:
        self.door, self.pin_guard, self.problems, self.tr = door, pin_guard, problems, tr
        self.stage = "old"
        self.message = ""
        self._new = ""

    @property
    def prompt(self) -> str:
        return self.tr(self.STAGES[self.stage])

    def restart(self) -> None:
        self.stage, self._new, self.message = "old", "", ""

    def take(self, pin: str) -> PinStep:
        step = self._take(pin)
        self.message = step.message
        return step

    def _take(self, pin: str) -> PinStep:
        tr = self.tr
        if self.stage == "old":
            try:
                result = self.door.check(pin)
            except DoorClosedError as error:
                self.problems.add("journal", "The trainer PIN could not be checked.", error)
                return PinStep(Outcome.STAY, tr("The PIN cannot be checked right now."))
            if result.ok:
                self.stage = "new"
                return PinStep(Outcome.STAY)
            if result.wait_seconds > 0:
                return PinStep(
                    Outcome.STAY,
                    tr("Please wait {seconds} seconds.", seconds=int(result.wait_seconds + 0.999)),
                    result.wait_seconds,
                )
            return PinStep(Outcome.STAY, tr("Wrong PIN."))
        if self.stage == "new":
            problem = pin_problem(pin, tr)
            if problem:
                return PinStep(Outcome.STAY, problem)
            self._new, self.stage = pin, "again"
            return PinStep(Outcome.STAY)
        if pin != self._new:
            self.stage, self._new = "new", ""
            return PinStep(Outcome.STAY, tr("The two PINs were different. Please start again."))
        try:
            self.pin_guard.set_pin(pin)
        except Exception as exc:  # noqa: BLE001 - JournalError or a closed journal: say so, keep going
            self.problems.add("journal", "The trainer PIN could not be saved.", exc)
            return PinStep(Outcome.STAY, tr("Could not save. Please try again."))
        self.stage, self._new = "old", ""
        return PinStep(Outcome.OPEN, tr("The trainer PIN is changed."))
