"""The trainer door: whether the PIN pad may open, and what it asks, failing closed.

The kiosk's first promise is that a worker cannot leave it. The door therefore opens only for
the trainer PIN that is *stored*; whenever that PIN cannot be read for sure, the door is closed
and says why and what to do, instead of offering "choose a new PIN":

- no journal can be read at all (the kiosk runs on a memory-only journal): closed;
- the journal was damaged and set aside: the new journal carries a "device reset" mark in place
  of a PIN, and only ``kiosk trainer set-pin`` / ``reset-pin`` on the device clears it;
- the PIN setting (or the page holding it) is damaged: closed;
- no PIN was ever set but the journal cannot be written (full, read-only): closed, since a new
  PIN could not be kept.

Wrong tries are counted even when the journal cannot be written: ``LockoutMemory`` keeps them in
memory for the session, so a full disk never turns the lockout off.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Mapping

from kiosk.journal.errors import JournalError
from kiosk.trainer.pin import LOCKOUT_SUFFIX, TRAINER_PIN_KEY, PinCheck, PinGuard

DEVICE_RESET_SCHEME = "device-reset"
DEVICE_HINT = (
    "On the device itself, run 'kiosk trainer set-pin' (or 'kiosk trainer reset-pin'), then restart the kiosk."
)


class DoorState(Enum):
    CHECK = "check"  # a PIN is stored: ask for it
    NEW = "new"  # a fresh, writable kiosk without a PIN: choose one (first use)
    CLOSED = "closed"  # the stored PIN cannot be read for sure: no way in from the screen


@dataclass(frozen=True)
class Closed:
    """Why the door is closed (``reason``) and what a trainer can do (``hint``), in plain words."""

    reason: str
    hint: str


class DoorClosedError(Exception):
    def __init__(self, closed: Closed) -> None:
        super().__init__(f"{closed.reason} {closed.hint}")
        self.closed = closed


def device_reset_mark(reason: str, kept_as: str | None = None) -> dict[str, Any]:
    """The value stored instead of a PIN when the old journal (and its PIN) was lost."""
    return {"scheme": DEVICE_RESET_SCHEME, "reason": reason, "kept_as": kept_as}


class LockoutMemory:
    """Settings for ``PinGuard`` that never lose a wrong try.

    Reads go to the journal (memory first, for values it could not take). Lockout writes that the
    journal refuses (full, read-only) are kept in memory for this session; every other write
    still raises, so a new PIN is never taken as saved when it was not.
    """

    def __init__(self, store: Any) -> None:
        self._store = store
        self._memory: dict[str, Any] = {}

    def get_setting(self, key: str, default: Any = None) -> Any:
        if key in self._memory:
            value = self._memory[key]
            return default if value is None else value
        return self._store.get_setting(key, default)

    def set_setting(self, key: str, value: Any) -> None:
        try:
            self._store.set_setting(key, value)
        except JournalError:
            if not key.endswith(LOCKOUT_SUFFIX):
                raise
            self._memory[key] = value
        else:
            self._memory.pop(key, None)

    def delete_setting(self, key: str) -> None:
        try:
            self._store.delete_setting(key)
        except JournalError:
            if not key.endswith(LOCKOUT_SUFFIX):
                raise
            self._memory[key] = None
        else:
            self._memory.pop(key, None)


class TrainerDoor:
    """What the trainer PIN pad may do now; every answer fails closed on storage trouble."""

    def __init__(self, guard: PinGuard, store: Any, *, writable: bool, closed: Closed | None = None) -> None:
        self.guard = guard
        self._store = store
        self.writable = writable
        self._closed = closed

    def state(self) -> tuple[DoorState, Closed | None]:
        if self._closed is not None:
            return DoorState.CLOSED, self._closed
        try:
            record = self._store.get_setting(TRAINER_PIN_KEY)
        except JournalError as error:
            return DoorState.CLOSED, Closed(error.message, DEVICE_HINT)
        if record is None:
            if self.writable:
                return DoorState.NEW, None
            return DoorState.CLOSED, Closed(
                "No trainer PIN has been set, and the kiosk cannot save one now.",
                "Make the storage writable (free space, or a card that is not write-protected), "
                "then restart the kiosk; or " + DEVICE_HINT[0].lower() + DEVICE_HINT[1:],
            )
        if isinstance(record, Mapping) and record.get("scheme") == DEVICE_RESET_SCHEME:
            kept = record.get("kept_as")
            reason = str(record.get("reason") or "The trainer PIN was lost with a damaged journal.")
            if kept:
                reason += f" The old journal is kept as {kept}."
            return DoorState.CLOSED, Closed(reason, DEVICE_HINT)
        return DoorState.CHECK, None

    def wait_seconds(self) -> float:
        try:
            return self.guard.wait_seconds()
        except JournalError as error:
            raise DoorClosedError(Closed(error.message, DEVICE_HINT)) from error

    def check(self, pin: str) -> PinCheck:
        """Check the trainer PIN; ``DoorClosedError`` when it cannot be checked for sure."""
        state, closed = self.state()
        if state is not DoorState.CHECK:
            raise DoorClosedError(closed or Closed("No trainer PIN is set.", DEVICE_HINT))
        try:
            return self.guard.check(pin)
        except JournalError as error:
            raise DoorClosedError(Closed(error.message, error.hint)) from error

    def set_new_pin(self, pin: str) -> None:
        """First use only (state NEW): store the trainer's chosen PIN. Raises ``ValueError`` for a
        PIN that breaks the rule, ``DoorClosedError`` when it cannot be stored."""
        state, closed = self.state()
        if state is not DoorState.NEW:
            raise DoorClosedError(closed or Closed("A trainer PIN is already set.", DEVICE_HINT))
        try:
            self.guard.set_pin(pin)
        except JournalError as error:
            raise DoorClosedError(Closed(error.message, error.hint)) from error

    def check_family(self, person_id: int, pin: str) -> PinCheck:
        """A family (or the trainer) opening one person's progress; closed on storage trouble."""
        try:
            return self.guard.check_family_pin(person_id, pin)
        except JournalError as error:
            raise DoorClosedError(Closed(error.message, error.hint)) from error
