"""The ``kiosk`` command. Each area registers its own subcommands, so this file stays small.

Groups (``kiosk pack ...``, ``kiosk person ...``, ``kiosk trainer ...``) are created here; area modules
add commands to them through ``register(groups, top)``. A command's handler receives the parsed
arguments and returns the process exit code (0 ok, 1 the input had errors, 2 usage error).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from typing import Callable, Sequence

# Area modules that contribute commands; each defines register(groups, top).
COMMAND_MODULES = (
    "kiosk.ui.cli",          # kiosk run
    "kiosk.packs.cli",       # kiosk pack validate
    "kiosk.authoring.cli",   # kiosk pack new|build|zip
    "kiosk.journal.cli",     # kiosk export, kiosk person export|delete|list
    "kiosk.trainer.cli",     # kiosk trainer reset-pin
    "kiosk.report.cli",      # kiosk report
)

GROUPS = {
    "pack": "Make, check and package step packs",
    "person": "People on this kiosk and their personal data",
    "trainer": "Trainer administration (needs access to the device)",
}

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Step Kiosk: picture-and-audio step sequences. Without a command, starts the kiosk.",
    )
    parser.add_argument("--data", metavar="DIR", help="data folder (journal, caches); default: the per-user data folder")
    top = parser.add_subparsers(dest="command", metavar="COMMAND")
    groups: dict[str, argparse._SubParsersAction] = {}
    for name, help_text in GROUPS.items():
        group_parser = top.add_parser(name, help=help_text, description=help_text)
        groups[name] = group_parser.add_subparsers(dest=f"{name}_command", metavar="COMMAND")
        group_parser.set_defaults(handler=_group_usage(group_parser))
    for module_name in COMMAND_MODULES:
        if importlib.util.find_spec(module_name.rsplit(".", 1)[0]) is None:
            continue
        if importlib.util.find_spec(module_name) is None:
            continue
        importlib.import_module(module_name).register(groups, top)
    _accept_data_after_the_command(parser)
    return parser


def _accept_data_after_the_command(parser: argparse.ArgumentParser) -> None:
    """Let ``--data DIR`` stand after the command too (``kiosk run --data DIR``), as users type it.

    SUPPRESS as the default keeps a value given before the command when none is given after it.
    """
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for sub in action.choices.values():
            if "--data" not in sub._option_string_actions:
                sub.add_argument("--data", metavar="DIR", default=argparse.SUPPRESS,
                                 help="data folder (journal, caches); default: the per-user data folder")
            _accept_data_after_the_command(sub)


def _group_usage(group_parser: argparse.ArgumentParser) -> Handler:
    def handler(_: argparse.Namespace) -> int:
        group_parser.print_help(sys.stderr)
        return 2

    return handler


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args_list = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(args_list)
    if args.command is None:  # plain `kiosk` (perhaps with --data) starts the kiosk
        args = parser.parse_args([*args_list, "run"])
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    return handler(args)
