"""``kiosk appliance install|remove|session-start|notice``: the kiosk as a Linux appliance.

The group is made here rather than in ``kiosk.cli.GROUPS`` so that this area stays one module
in ``COMMAND_MODULES``. Each subcommand takes ``--data`` too, because the installed service runs
the kiosk on the data folder given at install time.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kiosk.appliance.install import Layout, config_home, install, remove, session_start
from kiosk.appliance.units import Settings, autostart_entry, notice_unit, service_unit
from kiosk.cli import DATA_HELP, EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, problem


def register(groups: dict[str, Any], top: Any) -> None:  # noqa: ARG001 - the register() contract
    group = top.add_parser(
        "appliance",
        help="Start the kiosk at login and restart it by itself (Linux, systemd)",
        description="Set up this user's login to start the kiosk, restart it when it stops, and show the "
        "trainer a message when it keeps failing. See docs/install.md.",
    )
    commands = group.add_subparsers(dest="appliance_command", metavar="COMMAND")
    group.set_defaults(handler=lambda _args: _usage(group))
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--data", metavar="DIR", default=argparse.SUPPRESS, help=DATA_HELP)

    add = commands.add_parser(
        "install",
        parents=[shared],
        help="start the kiosk at login, always restart it",
        description="Write the systemd user service, its failure notice and the "
        "autostart entry for this user, and enable the service.",
    )
    add.add_argument(
        "--packs",
        metavar="DIR",
        action="append",
        type=Path,
        help="a packs folder for the kiosk (repeat); default: the drop folder and the samples",
    )
    add.add_argument("--start", action="store_true", help="also start (or restart) the kiosk now")
    add.add_argument(
        "--print", dest="print_only", action="store_true", help="only print the files that would be written"
    )
    add.set_defaults(handler=handle_install)

    gone = commands.add_parser(
        "remove",
        parents=[shared],
        help="stop starting the kiosk at login",
        description="Stop and disable the service and delete its files.",
    )
    gone.set_defaults(handler=handle_remove)

    session = commands.add_parser(
        "session-start", parents=[shared], help="(run by the desktop session at login) start the kiosk service"
    )
    session.set_defaults(handler=handle_session_start)

    notice = commands.add_parser(
        "notice", parents=[shared], help="(run by systemd) tell the trainer that the kiosk stopped restarting"
    )
    notice.set_defaults(handler=handle_notice)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def settings_from(args: argparse.Namespace) -> Settings:
    """The command the service runs: this interpreter with ``-m kiosk``, so the service uses the
    installation that ran ``install`` (a venv, pipx, the system) without relying on PATH."""
    data = getattr(args, "data", None)
    packs = tuple(p.resolve() for p in getattr(args, "packs", None) or ())
    return Settings(command=(sys.executable, "-m", "kiosk"), data=Path(data).resolve() if data else None, packs=packs)


def handle_install(args: argparse.Namespace) -> int:
    if not sys.platform.startswith("linux"):
        return problem(
            "kiosk appliance works on Linux with systemd only.",
            "For Android and Windows, see docs/install.md.",
            EXIT_USAGE,
        )
    missing = [str(p) for p in args.packs or () if not p.is_dir()]
    if missing:
        return problem(
            f"Packs folder not found: {', '.join(missing)}.", "Give an existing folder with --packs.", EXIT_USAGE
        )
    settings = settings_from(args)
    layout = Layout(config_home())
    if args.print_only:
        for path, text in (
            (layout.service, service_unit(settings)),
            (layout.notice, notice_unit(settings)),
            (layout.autostart, autostart_entry(settings)),
        ):
            print(f"# {path}\n{text}")
        return EXIT_OK
    outcome = install(settings, layout, start=args.start)
    print("\n".join(outcome.lines))
    return EXIT_OK if outcome.ok else EXIT_PROBLEM


def handle_remove(_args: argparse.Namespace) -> int:
    outcome = remove(Layout(config_home()))
    print("\n".join(outcome.lines))
    return EXIT_OK


def handle_session_start(_args: argparse.Namespace) -> int:
    outcome = session_start()
    if not outcome.ok:
        return problem(" ".join(outcome.lines))
    return EXIT_OK


def handle_notice(_args: argparse.Namespace) -> int:  # pragma: no cover - needs a screen
    from kiosk.appliance.notice import show

    return show()
