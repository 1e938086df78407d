"""The ``kiosk`` command. Each area registers its own subcommands, so this file stays small.

Groups (``kiosk pack ...``, ``kiosk person ...``, ``kiosk trainer ...``) are created here; area modules
add commands to them through ``register(groups, top)``. A command's handler receives the parsed
arguments and returns the process exit code (0 ok, 1 the input had errors, 2 usage error).

Every failure ends as a sentence on stderr and an exit code, never a traceback: the people who run
these commands are coaches and trainers, and a traceback tells them nothing they can act on.
``main`` is the one place that turns what a command raised into words (``JournalError``,
``UnsafeTarget``, ``OSError``, numbers out of range) and, as a last resort, into "an unexpected
problem" with exit code 70 (the traceback is shown only with ``KIOSK_DEBUG=1``).

Text from data (file names, person names, problems found in packs) is printed through
``printable``, so a file named with terminal escape sequences cannot clear or rewrite the screen.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys
import traceback
import unicodedata
from typing import Any, Callable, Protocol, Sequence

from kiosk import __version__
from kiosk.atomic import UnsafeTarget
from kiosk.journal.errors import JournalError

# Area modules that contribute commands; each defines register(groups, top).
COMMAND_MODULES = (
    "kiosk.ui.cli",  # kiosk run
    "kiosk.packs.cli",  # kiosk pack validate
    "kiosk.authoring.cli",  # kiosk pack new|build|zip
    "kiosk.journal.cli",  # kiosk export, kiosk person export|delete|list
    "kiosk.trainer.cli",  # kiosk trainer reset-pin
    "kiosk.report.cli",  # kiosk report
    "kiosk.appliance.cli",  # kiosk appliance install|remove (systemd user service)
    "kiosk.hub.cli",  # kiosk hub init|add-kiosk|add-coach|sync|delete-person|progress|people
    "kiosk.plan.cli",  # kiosk plan check|import|export|show|copy (day plans)
)

GROUPS = {
    "pack": "Make, check and package step packs",
    "person": "People on this kiosk and their personal data",
    "trainer": "Trainer administration (needs access to the device)",
    "hub": "The workshop hub: many kiosks share people and records through PostgreSQL",
    "plan": "Day plans: each worker's picture schedule (docs/plan-format.md)",
}

DATA_HELP = "data folder (journal, caches); default: the per-user data folder"
DEBUG_ENV = "KIOSK_DEBUG"

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70  # 70: EX_SOFTWARE of sysexits.h

Handler = Callable[[argparse.Namespace], int]


class Commands(Protocol):
    """What ``register`` gets to add commands with: ``add_parser`` as on argparse's subparsers.

    A protocol instead of argparse's private ``_SubParsersAction`` class, and the object behind it
    gives every command the options all commands share (``--data``).
    """

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser: ...


class CommandModuleMissing(Exception):
    """A part of the ``kiosk`` command could not be loaded: the installation is incomplete."""


class _SharedOptions:
    """Subparsers whose every command (and group) also takes the shared options, through an
    argparse parent parser: ``kiosk run --data DIR`` works as well as ``kiosk --data DIR run``."""

    def __init__(self, subparsers: Any, shared: argparse.ArgumentParser) -> None:
        self._subparsers = subparsers
        self._shared = shared

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        kwargs["parents"] = [*kwargs.get("parents", ()), self._shared]
        return self._subparsers.add_parser(name, **kwargs)


def _shared_options() -> argparse.ArgumentParser:
    """``--data`` for after the command. SUPPRESS as the default keeps a value given before the
    command when none is given after it."""
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--data", metavar="DIR", default=argparse.SUPPRESS, help=DATA_HELP)
    return shared


def build_parser() -> argparse.ArgumentParser:
    """The whole ``kiosk`` parser. Raises ``CommandModuleMissing`` when an area's commands cannot
    be loaded: silently leaving them out would make a broken installation look like a usage error."""
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Step Kiosk: picture-and-audio step sequences. Without a command, starts the kiosk.",
    )
    parser.add_argument("--data", metavar="DIR", help=DATA_HELP)
    parser.add_argument("--version", action="version", version=f"%(prog)s (Step Kiosk) {__version__}")
    shared = _shared_options()
    top = _SharedOptions(parser.add_subparsers(dest="command", metavar="COMMAND"), shared)
    groups: dict[str, Commands] = {}
    for name, help_text in GROUPS.items():
        group_parser = top.add_parser(name, help=help_text, description=help_text)
        groups[name] = _SharedOptions(group_parser.add_subparsers(dest=f"{name}_command", metavar="COMMAND"), shared)
        group_parser.set_defaults(handler=_group_usage(group_parser))
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            raise CommandModuleMissing(
                f"Part of the kiosk command ({module_name}) could not be loaded: {error}."
            ) from error
        module.register(groups, top)
    return parser


def _group_usage(group_parser: argparse.ArgumentParser) -> Handler:
    def handler(_: argparse.Namespace) -> int:
        group_parser.print_help(sys.stderr)
        return EXIT_USAGE

    return handler


# --- printing text from data --------------------------------------------------------------------

# Invisible characters that reorder or hide text on a terminal (bidirectional overrides and
# isolates, the "Trojan Source" characters), beyond the control characters (category Cc).
_INVISIBLE_FORMAT = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: object, *, keep_newlines: bool = False) -> str:
    """``text`` with every control character made visible as an escape (ESC becomes ``\\x1b``).

    Why: file names and names typed by people reach the terminal, and a name containing
    ``ESC [2J`` would clear the screen (or worse, rewrite what is shown). C0 and C1 controls, DEL,
    bidirectional overrides and undecodable bytes (lone surrogates from ``os.fsdecode``, which
    would also make ``print`` fail) are escaped; everything else, Chinese included, stays as is.
    ``keep_newlines`` keeps line breaks of a message that is meant to have several lines.
    """
    text = str(text)
    if text.isprintable():
        return text
    out: list[str] = []
    for char in text:
        code = ord(char)
        if char == "\n" and keep_newlines:
            out.append(char)
        elif unicodedata.category(char) in ("Cc", "Cs") or char in _INVISIBLE_FORMAT:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def problem(message: str, hint: str = "", code: int = EXIT_PROBLEM) -> int:
    """Print a problem (what is wrong, then what to do) on stderr and return ``code``."""
    text = f"kiosk: {printable(message, keep_newlines=True)}"
    if hint:
        text += f"\n  {printable(hint, keep_newlines=True)}"
    print(text, file=sys.stderr)
    return code


# --- plain words for operating-system errors ----------------------------------------------------


def describe_os_error(error: OSError) -> tuple[str, str]:
    """(what is wrong, what to do) for an ``OSError``, in words about the device, not about C."""
    where = error.filename if error.filename is not None else None
    name = f" {where}" if where is not None else ""
    code = error.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return (
            f"The storage is full, so{name or ' the file'} could not be written.",
            "Free some space (old exports, reports or photos), or choose another place, then try again.",
        )
    if code == errno.EROFS:
        return (
            f"The storage is read-only, so{name or ' the file'} could not be written.",
            "Use a storage that can be written to (a write-protected USB stick or SD card has a small "
            "lock switch), or choose another place.",
        )
    if code in (errno.EACCES, errno.EPERM):
        return (
            f"Step Kiosk is not allowed to use{name or ' a file it needs'}.",
            "Check the permissions of the file and its folder, or choose another place.",
        )
    if code == errno.ENOENT:
        return (f"{(where or 'A file or folder')} was not found.", "Check the name and that its folder exists.")
    if code in (errno.ENOTDIR, errno.EEXIST):
        return (
            f"{(where or 'A path')} cannot be used: a file stands where a folder is needed.",
            "Check the path; every part before the file name must be a folder.",
        )
    if code == errno.EISDIR:
        return (f"{where or 'The path'} is a folder, not a file.", "Give the name of a file.")
    if code == errno.ENAMETOOLONG:
        return (f"The name{name} is too long for the storage.", "Choose a shorter name.")
    if code == errno.EIO:
        return (
            f"The storage reported a read or write error{(' at' + name) if name else ''}.",
            "The USB stick or SD card may be failing or was removed; check it, then try again.",
        )
    reason = error.strerror or str(error)
    return (f"{reason}{(':' + name) if name else ''}.", "Check the file and its folder, then try again.")


# --- running a command --------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``kiosk`` command; returns the exit code. The one place failures become words."""
    try:
        return _run(list(sys.argv[1:] if argv is None else argv))
    except KeyboardInterrupt:
        print("\nkiosk: stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _reader_went_away()
    except JournalError as error:
        return problem(error.message, error.hint)
    except UnsafeTarget as error:
        return problem(error.message, error.hint, EXIT_USAGE)
    except OSError as error:
        return problem(*describe_os_error(error))
    except OverflowError as error:
        return problem(
            f"A number or date is too large or too small for Step Kiosk ({error}).",
            "Check the numbers and dates in the command.",
            EXIT_USAGE,
        )
    except CommandModuleMissing as error:
        _details_when_debugging()
        return problem(str(error), "The installation is incomplete: reinstall Step Kiosk.", EXIT_INTERNAL)
    except Exception as error:  # noqa: BLE001 - the last resort: a sentence instead of a traceback
        _details_when_debugging()
        return problem(
            f"Step Kiosk hit an unexpected problem: {type(error).__name__}: {error}",
            f"Please report it to the developers with the command you ran (run it again with {DEBUG_ENV}=1 "
            "to see the details).",
            EXIT_INTERNAL,
        )


def _run(args_list: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(args_list)
    if args.command is None:  # plain `kiosk` (perhaps with --data) starts the kiosk
        args = parser.parse_args([*args_list, "run"])
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    refused = _data_folder_problem(getattr(args, "data", None))
    if refused is not None:
        return problem(*refused, EXIT_USAGE)
    return handler(args)


def _data_folder_problem(data: str | None) -> tuple[str, str] | None:
    """Why ``--data DIR`` cannot be a data folder (a file or a device is there), or None.

    Checked once here so no command gets as far as creating folders inside ``/dev/null``.
    """
    if data is None or not os.path.exists(data) or os.path.isdir(data):
        return None
    return (
        f"The data folder {data} is not a folder.",
        "Give the kiosk's data folder with --data DIR, or leave --data out for the usual one.",
    )


def _details_when_debugging() -> None:
    if os.environ.get(DEBUG_ENV, "").strip() not in ("", "0"):
        traceback.print_exc(file=sys.stderr)


def _reader_went_away() -> int:
    """The program reading our output stopped early (``| head``): not an error of ours. Point
    stdout at nothing so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_OK
