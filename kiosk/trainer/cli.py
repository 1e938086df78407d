"""`kiosk trainer reset-pin` and `kiosk trainer set-pin`: PIN administration on the device itself.

Why on the command line: a trainer who forgot the PIN cannot open trainer mode to change it. These
commands act on the local data folder's journal, so they need someone who can reach the machine's
keyboard or shell; that physical access is the proof of being allowed, not a master PIN.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator, Mapping

from kiosk.cli import Commands, describe_os_error, printable
from kiosk.journal import JournalError
from kiosk.paths import DataDir
from kiosk.trainer.pin import PIN_RULE, PinGuard, validate_pin

if TYPE_CHECKING:
    from kiosk.journal import Journal

NEXT_STEP = "The kiosk will ask for a new PIN when the trainer opens trainer mode."

# Indirections so tests can answer the prompts.
ask = input
ask_secret = getpass.getpass


def register(groups: Mapping[str, Commands], top: Commands) -> None:  # noqa: ARG001
    """Add reset-pin and set-pin to ``kiosk trainer`` (both take --data, see kiosk.cli)."""
    trainer = groups["trainer"]

    reset = trainer.add_parser(
        "reset-pin",
        help="forget the trainer PIN (the kiosk then asks for a new one)",
        description="Forget the trainer PIN on this device. " + NEXT_STEP,
    )
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    reset.set_defaults(handler=reset_pin_command)

    set_pin = trainer.add_parser(
        "set-pin",
        help="choose a new trainer PIN (typed twice, not shown)",
        description="Choose a new trainer PIN on this device. " + PIN_RULE,
    )
    set_pin.set_defaults(handler=set_pin_command)


def reset_pin_command(args: argparse.Namespace) -> int:
    data = DataDir(getattr(args, "data", None))
    if not data.journal.exists():
        _say(f"No kiosk data was found in {data.root}. Nothing was changed.")
        _say("If the kiosk keeps its data somewhere else, add --data FOLDER.")
        return 1
    if not args.yes:
        try:
            answer = ask(f"Forget the trainer PIN of the kiosk in {data.root}? Type yes to continue: ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("yes", "y"):
            _say("Nothing was changed.")
            return 1
    try:
        with _journal(data) as journal:
            PinGuard(journal).reset()
    except JournalError as problem:
        _say(f"{problem.message}\n{problem.hint}\nNothing was changed.")
        return 1
    print("The trainer PIN has been forgotten.")
    print(NEXT_STEP)
    return 0


def set_pin_command(args: argparse.Namespace) -> int:
    data = DataDir(getattr(args, "data", None))
    try:
        first = ask_secret("New trainer PIN (4 to 8 digits): ")
        second = ask_secret("Type the same PIN again: ")
    except (EOFError, KeyboardInterrupt):
        _say("\nNothing was changed.")
        return 1
    if first != second:
        _say("The two PINs were not the same. Nothing was changed; please try again.")
        return 1
    try:
        validate_pin(first)
    except ValueError as problem:
        _say(f"{problem} Nothing was changed.")
        return 1
    try:
        data.root.mkdir(parents=True, exist_ok=True)
        with _journal(data) as journal:
            PinGuard(journal).set_pin(first)
    except JournalError as problem:
        _say(f"{problem.message}\n{problem.hint}\nThe PIN was not saved.")
        return 1
    except OSError as problem:  # the data folder could not be made
        message, hint = describe_os_error(problem)
        _say(f"{message}\n{hint}\nThe PIN was not saved.")
        return 1
    print("The new trainer PIN is saved. Use it to open trainer mode on the kiosk.")
    return 0


@contextmanager
def _journal(data: DataDir) -> Iterator["Journal"]:
    """Open the data folder's journal (kiosk.journal) and close it afterwards."""
    from kiosk.journal import Journal  # imported late: keeps `kiosk --help` quick

    with Journal.open(data.journal) as journal:
        yield journal


def _say(message: str) -> None:
    print(printable(message, keep_newlines=True), file=sys.stderr)
