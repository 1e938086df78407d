"""Trainer administration without a screen: the trainer PIN, family PINs and their lockout.

Kivy-free on purpose, so the PIN rules can be tested and used from the command line
(`kiosk trainer reset-pin`) on a machine with no display.
"""

from kiosk.trainer.door import Closed, DoorClosedError, DoorState, LockoutMemory, TrainerDoor, device_reset_mark
from kiosk.trainer.pin import PinCheck, PinGuard, validate_pin

__all__ = [
    "Closed",
    "DoorClosedError",
    "DoorState",
    "LockoutMemory",
    "PinCheck",
    "PinGuard",
    "TrainerDoor",
    "device_reset_mark",
    "validate_pin",
]
