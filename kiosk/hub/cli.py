"""``kiosk hub ...``: set up the workshop hub, add kiosks and coaches, sync, delete, see progress;
what each kiosk runs of the packs published to the fleet (``kiosk hub packs``, kiosk/fleet/).

Exit codes follow kiosk/cli.py: 0 done, 1 a problem said in plain words on stderr (a hub that
cannot be reached is one sentence, never a traceback), 2 usage error.

``--db URL`` is the hub's connection string; without it, ``$KIOSK_HUB_URL``. The administrator's
string is for ``init``, ``add-kiosk``, ``add-coach`` and ``delete-person``; a kiosk's (printed by
``add-kiosk``) for ``sync``; a coach's or the administrator's for ``progress`` and ``people``.
Passwords are never printed, except once: in the new kiosk's or coach's connection string.
"""

from __future__ import annotations

import argparse
import functools
import uuid as uuidlib
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable, ContextManager, Mapping, TextIO

from kiosk.cli import Commands, printable, problem
from kiosk.hub.admin import (
    HubPerson,
    add_member,
    clear_by_prefix,
    delete_person,
    hub_changes,
    hub_people,
    init_hub,
    merge_people,
    parse_uuid,
)
from kiosk.hub.help_calls import HelpCall, command_hook, open_calls
from kiosk.hub.errors import HubError, connect, hub_errors, where
from kiosk.hub.progress import format_progress, hub_person_progress
from kiosk.hub.sync import DEFAULT_BATCH_RUNS, sync_once
from kiosk.journal import Journal, JournalError
from kiosk.paths import DataDir

if TYPE_CHECKING:
    from kiosk.report.view_model import PersonReport

URL_ENV = "KIOSK_HUB_URL"
SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")

Handler = Callable[[argparse.Namespace], int]


def register(groups: Mapping[str, Commands], top: Commands) -> None:  # noqa: ARG001
    """Add the commands of ``kiosk hub``."""
    hub = groups["hub"]

    init = hub.add_parser(
        "init",
        help="Create the hub's tables in PostgreSQL, or bring them up to date",
        description="Create or update the hub schema (safe to run again). Use the "
        "administrator's connection string of a database kept for the hub.",
    )
    _db(init)
    init.set_defaults(handler=_handles_hub_errors(_init))

    for kind in ("kiosk", "coach"):
        what = (
            "insert its own records and read its workshop's people"
            if kind == "kiosk"
            else "read everything of its workshop"
        )
        add = hub.add_parser(
            f"add-{kind}",
            help=f"Give a {kind} its own login to the hub and print it",
            description=f"Create a database login for a {kind} that can {what}, nothing "
            "else, and print its connection string (shown only this once).",
        )
        add.add_argument("name", metavar="NAME", help=f"the {kind}'s name, e.g. 'Station 3'")
        add.add_argument("--workshop", required=True, metavar="W", help="the workshop it belongs to")
        add.add_argument(
            "--sslmode", choices=SSLMODES, help="sslmode for the printed string (default: --db's, else verify-full)"
        )
        _db(add)
        add.set_defaults(handler=_handles_hub_errors(_add_member), kind=kind)

    sync = hub.add_parser(
        "sync",
        help="Send this kiosk's new runs to the hub and fetch its people, once",
        description="One sync round from the command line: deletions, this kiosk's "
        "ended runs and step events, then the workshop's people. Safe to repeat.",
    )
    sync.add_argument(
        "--batch",
        type=int,
        default=DEFAULT_BATCH_RUNS,
        metavar="RUNS",
        help=f"runs per hub transaction (default {DEFAULT_BATCH_RUNS})",
    )
    _db(sync)
    sync.set_defaults(handler=_handles_hub_errors(_sync))

    delete = hub.add_parser(
        "delete-person",
        help="Delete a person on the hub and, at their next sync, on every kiosk",
        description="Delete a person and all their runs on the hub; each "
        "kiosk of the workshop deletes them at its next sync. Cannot be undone.",
    )
    delete.add_argument("uuid", metavar="PERSON_UUID", help="the person's hub id (see `kiosk hub people`)")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    _db(delete)
    delete.set_defaults(handler=_handles_hub_errors(_delete))

    progress = hub.add_parser(
        "progress",
        help="One worker's progress over every kiosk of the workshop",
        description="The same figures as the kiosk's progress, for the runs of every kiosk on the hub.",
    )
    progress.add_argument("uuid", metavar="PERSON_UUID", help="the person's hub id (see `kiosk hub people`)")
    _db(progress)
    progress.set_defaults(handler=_handles_hub_errors(_progress))

    people = hub.add_parser(
        "people",
        help="List the people on the hub with their hub ids",
        description="List the people on the hub (a coach sees their workshop's).",
    )
    _db(people)
    people.set_defaults(handler=_handles_hub_errors(_people))

    calls = hub.add_parser(
        "help-calls",
        help="Show the workshop's open help calls live, or clear one",
        description="Print the open help calls of the workshop (who, which kiosk, which task and "
        "step, waiting how long) and every call that appears or is cleared, as it happens (LISTEN/NOTIFY), "
        "until Ctrl+C. Use a coach's connection string (`kiosk hub add-coach`).",
    )
    calls.add_argument("--clear", metavar="ID", help="clear the open call with this id (its first characters do)")
    calls.add_argument("--once", action="store_true", help="print the open calls once and stop")
    calls.add_argument(
        "--on-call", metavar="COMMAND", help="run COMMAND when a call appears or is cleared (docs/hub.md, a lamp)"
    )
    _db(calls)
    calls.set_defaults(handler=_handles_hub_errors(_help_calls))

    changes = hub.add_parser(
        "changes",
        help="The edits that lost to a later one, and the merges, kept by the hub",
        description="When a person or a setting was edited on two kiosks at once, the later edit "
        "won; the other one is kept here whole. Merges of people are listed too.",
    )
    changes.add_argument("--person", metavar="PERSON_UUID", help="only this person's")
    _db(changes)
    changes.set_defaults(handler=_handles_hub_errors(_changes))

    merge = hub.add_parser(
        "merge",
        help="Merge a person added twice into one (runs moved, nothing lost)",
        description="KEEP stays; OTHER's runs (on the hub now, on each kiosk at its next sync), "
        "photo and family PIN (when KEEP has none) move to KEEP, and OTHER's last version is kept "
        "in `kiosk hub changes`. Use a coach's or the administrator's connection string.",
    )
    merge.add_argument("keep", metavar="KEEP_UUID", help="the person to keep (see `kiosk hub people`)")
    merge.add_argument("other", metavar="OTHER_UUID", help="the same person added again")
    _db(merge)
    merge.set_defaults(handler=_handles_hub_errors(_merge))

    _register_packs(hub)


def _register_packs(hub: Commands) -> None:
    """``kiosk hub packs``: what each kiosk runs and should run; pin, hold, unpin, withdraw."""
    packs = hub.add_parser(
        "packs",
        help="Packs on the hub: what each kiosk runs and should run; pin, hold back, withdraw",
        description="Without an action: per kiosk of the workshop, the version of each pack it runs "
        "and the one it should run (latest published, or pinned or held by a coach). Kiosks follow "
        "the latest published version unless pinned. Publish with `kiosk pack publish PACK --hub URL`. "
        "Use a coach's connection string (the administrator's shows every workshop).",
    )
    packs.add_argument("--versions", action="store_true", help="list the published versions instead")
    _db(packs)
    packs.set_defaults(handler=_handles_hub_errors(_packs))
    actions = packs.add_subparsers(dest="action", metavar="ACTION")

    def kiosks_option(parser: argparse.ArgumentParser, *, all_allowed: bool = True) -> None:
        parser.add_argument(
            "--kiosk",
            dest="kiosks",
            action="append",
            default=[],
            metavar="NAME",
            help="a kiosk's name as given to `kiosk hub add-kiosk`; repeat it for a group of kiosks",
        )
        if all_allowed:
            parser.add_argument("--all-kiosks", action="store_true", help="every kiosk of the workshop")
        _action_db(parser)

    pin = actions.add_parser(
        "pin",
        help="Keep kiosks on one version of a pack",
        description="The named kiosks run VERSION of PACK (not a later one) until unpinned. A kiosk's "
        "own pin wins over one for --all-kiosks. If VERSION is withdrawn, they fall back to the version before it.",
    )
    pin.add_argument("pack", metavar="PACK", help="the pack's id")
    pin.add_argument("version", metavar="VERSION", type=int, help="a published version (see --versions)")
    kiosks_option(pin)
    pin.set_defaults(handler=_handles_hub_errors(_pin))

    hold = actions.add_parser(
        "hold",
        help="Hold kiosks back at the version they run now",
        description="The named kiosks stay at the version of PACK they run now, whatever is published "
        "later, until unpinned (for example while a worker there still learns the old way).",
    )
    hold.add_argument("pack", metavar="PACK", help="the pack's id")
    kiosks_option(hold, all_allowed=False)
    hold.set_defaults(handler=_handles_hub_errors(_hold))

    unpin = actions.add_parser(
        "unpin",
        help="Let kiosks follow the latest published version again",
        description="Remove the pin or hold of the named kiosks for PACK: they get the latest published version.",
    )
    unpin.add_argument("pack", metavar="PACK", help="the pack's id")
    kiosks_option(unpin)
    unpin.set_defaults(handler=_handles_hub_errors(_unpin))

    withdraw = actions.add_parser(
        "withdraw",
        help="Take a version off every kiosk (they fall back to the one before)",
        description="No kiosk gets VERSION of PACK any more; kiosks that run it switch to the highest "
        "version before it at their next poll, once no worker is in the pack. Publishing the same "
        "content again brings it back.",
    )
    withdraw.add_argument("pack", metavar="PACK", help="the pack's id")
    withdraw.add_argument("version", metavar="VERSION", type=int, help="the version to withdraw")
    _action_db(withdraw)
    withdraw.set_defaults(handler=_handles_hub_errors(_withdraw))


def _action_db(parser: argparse.ArgumentParser) -> None:
    """``--db`` after the action too; its default must not hide one given before the action."""
    parser.add_argument(
        "--db", metavar="URL", default=argparse.SUPPRESS, help=f"the hub's connection string (default: ${URL_ENV})"
    )


def _db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", default=None, help=f"the hub's connection string (default: ${URL_ENV})")


def _url(args: argparse.Namespace) -> str:
    url = args.db or os.environ.get(URL_ENV, "").strip()
    if not url:
        raise HubError("No hub was given.", f"Give its connection string with --db URL, or set {URL_ENV}.")
    return url


def _handles_hub_errors(handler: Handler) -> Handler:
    """A ``HubError`` becomes its sentence and exit code 1 (``kiosk.cli.main`` does not know it)."""

    @functools.wraps(handler)
    def wrapped(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except HubError as error:
            return problem(error.message, error.hint)

    return wrapped


def _init(args: argparse.Namespace) -> int:
    url = _url(args)
    result = init_hub(url)
    if result.applied:
        for step in result.applied:
            print(f"Applied hub migration {step.version}: {step.name}.")
        print(f"The hub at {where(url)} is ready (schema version {result.version}).")
    else:
        print(f"The hub at {where(url)} was already up to date (schema version {result.version}).")
    return 0


def _add_member(args: argparse.Namespace) -> int:
    member = add_member(_url(args), args.name, args.workshop, kind=args.kind, sslmode=args.sslmode)
    print(
        f"Added {member.kind} {printable(member.name)} to workshop {printable(member.workshop)} "
        f"(database role {member.role}).",
        file=sys.stderr,
    )
    print("Its connection string (keep it secret; it is not shown again):", file=sys.stderr)
    print(member.url)
    return 0


def _sync(args: argparse.Namespace) -> int:
    if args.batch < 1:
        return problem("--batch must be at least 1.", "", 2)
    url = _url(args)
    path = DataDir(args.data).journal
    if not path.exists():
        raise JournalError(
            f"There is no journal at {path} yet.",
            "Start the kiosk once, or give the data folder with --data DIR.",
            path=path,
        )
    with Journal.open(path, create=False) as journal:
        result = sync_once(journal, url, batch_runs=args.batch)
    print(
        f"Sent {result.runs_sent} runs ({result.runs_new} new to the hub) and {result.events_sent} step events "
        f"({result.events_new} new) in {result.seconds:.2f} s ({result.events_per_second:,.0f} events/s)."
    )
    print(
        f"People: {result.people_sent} sent, {result.people_received} received. Deletions: "
        f"{result.deleted_here} made here, {result.deletions_sent} passed on to the hub."
    )
    print(f"Runs from the other kiosks of the workshop: {result.runs_pulled} new here (for progress and reports).")
    if result.runs_waiting:
        print(f"{result.runs_waiting} runs are still waiting; run the sync again.")
    if result.plan_events_waiting:
        print(f"{result.plan_events_waiting} day-plan records are still waiting; run the sync again.")
    return 0


def _delete(args: argparse.Namespace) -> int:
    url = _url(args)
    target = str(parse_uuid(args.uuid))
    if not args.yes:
        print(
            f"This deletes the person {target} and all their runs on the hub, and on every kiosk of the "
            "workshop at its next sync. It cannot be undone.",
            file=sys.stderr,
        )
        try:
            answer = input("Type yes to delete: ")
        except EOFError:
            answer = ""
        if answer.strip().lower() != "yes":
            print("Nothing was deleted.", file=sys.stderr)
            return 1
    gone = delete_person(url, target)
    if gone.workshop is None:
        print(f"There was no person {target} on the hub; the kiosks will still delete them at their next sync.")
    else:
        print(
            f"Deleted {target} and {gone.runs} runs on the hub; the kiosks of {printable(gone.workshop)} delete "
            "them at their next sync."
        )
    return 0


def _progress(args: argparse.Namespace) -> int:
    url = _url(args)
    target = str(parse_uuid(args.uuid))
    with hub_errors(url), connect(url) as conn:
        row = conn.execute("SELECT name, workshop FROM hub.people WHERE uuid = %s", (target,)).fetchone()
        if row is None:
            return problem(
                f"There is no person {target} on the hub (or not in your workshop).", "See `kiosk hub people`."
            )
        progress = hub_person_progress(conn, target)
    print(f"{printable(row[0])} ({printable(row[1])}), runs from every kiosk on the hub:")
    print(printable(format_progress(progress), keep_newlines=True), end="")
    return 0


def _people(args: argparse.Namespace) -> int:
    people = hub_people(_url(args))
    if not people:
        print("No people on the hub yet.")
        return 0
    for person in people:
        archived = "  (archived)" if person.archived else ""
        print(
            f"{person.uuid}  {printable(person.workshop)}  {printable(person.name)}  [{printable(person.language)}]  "
            f"{person.runs} runs{archived}"
        )
    twice = same_names(people)
    for names in twice:
        print(
            f"{printable(names[0].name)} is on the hub {len(names)} times in {printable(names[0].workshop)}; if this is "
            f"one person, merge them: kiosk hub merge {names[0].uuid} {names[1].uuid}",
            file=sys.stderr,
        )
    return 0


def same_names(people: list[HubPerson]) -> list[list[HubPerson]]:
    """People of one workshop with the same name (letter case and spaces aside): added twice?"""
    groups: dict[tuple[str, str], list[HubPerson]] = {}
    for person in people:
        groups.setdefault((person.workshop, " ".join(person.name.casefold().split())), []).append(person)
    return [sorted(group, key=lambda p: -p.runs) for group in groups.values() if len(group) > 1]


def _merge(args: argparse.Namespace) -> int:
    url = _url(args)
    keep, other = str(parse_uuid(args.keep)), str(parse_uuid(args.other))
    merged = merge_people(url, keep, other)
    print(
        f"Merged {printable(merged.other_name)} into {printable(merged.keep_name)}: {merged.runs_moved} runs moved on "
        "the hub; each kiosk moves its own at its next sync. The merged version is kept in `kiosk hub changes`."
    )
    return 0


def _packs(args: argparse.Namespace) -> int:
    from kiosk.fleet.channels import fleet_overview, published_versions

    url = _url(args)
    if args.versions:
        versions = published_versions(url)
        if not versions:
            print("No packs published yet. Publish one with `kiosk pack publish PACK --hub URL`.")
        for item in versions:
            withdrawn = "  (withdrawn)" if item.withdrawn else ""
            note = f" - {printable(item.note)}" if item.note else ""
            print(
                f"{printable(item.pack_id)} version {item.version}  {printable(item.title)}  by {printable(item.author)} "
                f"{item.published_at:%Y-%m-%d %H:%M}  [{item.sha256[:12]}]{note}{withdrawn}"
            )
        return 0
    rows = fleet_overview(url)
    if not rows:
        print("No kiosks on the hub yet (`kiosk hub add-kiosk`).")
        return 0
    current = None
    for row in rows:
        if (row.workshop, row.kiosk) != current:
            current = (row.workshop, row.kiosk)
            print(f"{printable(row.kiosk)} ({printable(row.workshop)}):")
        print(f"  {printable(row.describe())}")
    return 0


def _kiosk_names(args: argparse.Namespace) -> list[str]:
    from kiosk.fleet.channels import ALL_KIOSKS

    if getattr(args, "all_kiosks", False):
        if args.kiosks:
            raise HubError("Give either --kiosk NAME or --all-kiosks, not both.", "")
        return [ALL_KIOSKS]
    if not args.kiosks:
        raise HubError("No kiosk was named.", "Name one or more with --kiosk NAME (or use --all-kiosks).")
    return list(args.kiosks)


def _pin(args: argparse.Namespace) -> int:
    from kiosk.fleet.channels import pin

    names = pin(_url(args), args.pack, args.version, _kiosk_names(args))
    print(
        f"Pinned {printable(', '.join(names))} to version {args.version} of {printable(args.pack)}; "
        "they switch at their next poll, once no worker is in the pack."
    )
    return 0


def _hold(args: argparse.Namespace) -> int:
    from kiosk.fleet.channels import hold

    for name, version in hold(_url(args), args.pack, _kiosk_names(args)):
        print(f"{printable(name)} is held back at version {version} of {printable(args.pack)}.")
    return 0


def _unpin(args: argparse.Namespace) -> int:
    from kiosk.fleet.channels import unpin

    removed = unpin(_url(args), args.pack, _kiosk_names(args))
    if not removed:
        print(f"Nothing to do: those kiosks already follow the latest version of {printable(args.pack)}.")
    else:
        print(f"They follow the latest published version of {printable(args.pack)} again.")
    return 0


def _withdraw(args: argparse.Namespace) -> int:
    from kiosk.fleet.channels import withdraw

    fallback = withdraw(_url(args), args.pack, args.version)
    if fallback is None:
        print(
            f"Withdrew version {args.version} of {printable(args.pack)}. No earlier version is left, so kiosks "
            "that run it take the pack off once no worker is in it."
        )
    else:
        print(
            f"Withdrew version {args.version} of {printable(args.pack)}; kiosks that run it go back to version "
            f"{fallback} once no worker is in the pack."
        )
    return 0


def _changes(args: argparse.Namespace) -> int:
    url = _url(args)
    person = str(parse_uuid(args.person)) if args.person else None
    entries = hub_changes(url, person)
    if not entries:
        print("No edit was lost to a later one, and no one was merged.")
        return 0
    for entry in entries:
        print(printable(entry.describe()))
    return 0


def _help_calls(args: argparse.Namespace) -> int:
    url = _url(args)
    if args.clear:
        cleared = clear_by_prefix(url, args.clear)
        print(
            f"Cleared the help call of {printable(cleared.person_name or 'a worker')} on {printable(cleared.kiosk_name)}."
        )
        return 0
    with hub_errors(url), connect(url, autocommit=True) as conn:
        calls = open_calls(conn)
    _print_calls(calls)
    if args.once:
        return 0
    hook = command_hook(args.on_call) if args.on_call else None
    if hook is not None:
        for call in calls:
            hook("call", call)  # the lamp lights for calls already open, too
    return watch_calls(url, hook=hook, shown=calls)


def _print_calls(calls: list[HelpCall]) -> None:
    if not calls:
        print("No open help calls.", flush=True)
    for call in calls:
        print(f"OPEN     {describe_call(call)}", flush=True)


def describe_call(call: HelpCall, now: datetime | None = None) -> str:
    """``Anna at Station 3 - Wash hands, step 4 of 9 - waiting 1 min 20 s [3f2b8c1e]``."""
    who = printable(call.person_name or "A worker")
    where_ = f" - {printable(call.where())}" if call.where() else ""
    return f"{who} at {printable(call.kiosk_name)}{where_} - waiting {_duration(call.waited_s(now))} [{call.uuid[:8]}]"


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def watch_calls(
    url: str,
    *,
    hook: Callable[[str, HelpCall], None] | None = None,
    shown: list[HelpCall] | None = None,
    reprint_s: float = 60.0,
) -> int:
    """Print each call as it appears (``CALL``) and goes (``CLEARED``), and the open ones again
    every ``reprint_s`` with their waiting times, until Ctrl+C. ``shown``: printed already."""
    import threading
    import time

    from kiosk.hub.help_calls import HelpCallHub

    changed = threading.Event()

    def printing_hook(event: str, call: HelpCall) -> None:
        word = "CALL    " if event == "call" else "CLEARED "
        print(f"{word} {describe_call(call)}", flush=True)
        if hook is not None:
            hook(event, call)
        changed.set()

    watcher = HelpCallHub(url, device_uuid=str(uuidlib.UUID(int=0)), kiosk_name="", hook=printing_hook)
    watcher.already_shown(shown or [])
    watcher.start_reading()
    last = time.monotonic()
    try:
        while True:
            changed.wait(1.0)
            changed.clear()
            if time.monotonic() - last >= reprint_s:
                last = time.monotonic()
                try:
                    with hub_errors(url), connect(url, autocommit=True) as conn:
                        calls = open_calls(conn)  # waiting times by the hub's clock
                except HubError as error:  # the listener reconnects by itself; say so and go on
                    print(f"-- {datetime.now().strftime('%H:%M')}: {error.message} Trying again.", flush=True)
                    continue
                if calls:
                    print(f"-- {len(calls)} open at {datetime.now().strftime('%H:%M')}:", flush=True)
                    _print_calls(calls)
    except KeyboardInterrupt:
        return 0
    finally:
        watcher.stop(timeout=2.0)


# -- `kiosk export --hub URL` and `kiosk report --hub URL` (registered by kiosk/journal/cli.py and
# kiosk/report/cli.py; the work is here so those modules never import psycopg) --------------------


def hub_export_command(args: argparse.Namespace, output: Callable[[Path | None], ContextManager[TextIO]]) -> int:
    """``kiosk export --hub URL``: every kiosk's records as the kiosks' own exports would write them."""
    from kiosk.atomic import check_target
    from kiosk.hub.export import hub_export

    if args.person is not None and not isinstance(args.person, str):
        return problem(
            f"{args.person} is a person's id on one kiosk; the hub names people by their hub id.",
            "See `kiosk hub people --db URL`.",
        )
    if args.out is not None:
        check_target(args.out)
    try:
        with output(args.out) as out:
            count = hub_export(
                args.hub, out, args.format, person_uuid=args.person, since=args.since, include_names=args.names
            )
    except HubError as error:
        return problem(error.message, error.hint)
    if args.out is not None:
        what = "step events" if args.format == "csv" else "xAPI statements"
        print(printable(f"Wrote {count} {what} from the hub to {args.out}."), file=sys.stderr)
    return 0


def hub_report(
    url: str, person_uuid: str, library: object, weeks: int, now: datetime, language: str | None
) -> PersonReport | None:
    """The report of one person over every kiosk's runs on the hub; None after saying why not."""
    from kiosk.hub.export import PERSON_ID, person_journal, snapshot
    from kiosk.report.builder import build_person_report

    try:
        with hub_errors(url), connect(url) as conn:
            snapshot(conn)
            journal = person_journal(conn, str(parse_uuid(person_uuid)))
        with journal:
            return build_person_report(journal, library, PERSON_ID, weeks, now, language=language)
    except HubError as error:
        problem(error.message, error.hint)
        return None
