"""``kiosk plan import|export|show|copy|check``: day plans on the command line.

A coach prepares a worker's week on a laptop as a plan file (docs/plan-format.md), checks it with
``kiosk plan check FILE``, and puts it on the kiosk with ``kiosk plan import PERSON FILE``. A plan
with errors is never stored: every problem is printed with its line and what to do, and the
worker keeps the plan they had. ``export`` and ``show`` only read the journal (they work on a
write-protected card); ``import`` and ``copy`` change it and never create one.

Exit codes as kiosk/cli.py: 0 done, 1 a problem with the input (said in plain words), 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, TextIO

from kiosk.atomic import atomic_write, check_target
from kiosk.cli import Commands, printable, problem
from kiosk.packs.model import Problem, Severity

if TYPE_CHECKING:
    from kiosk.journal import Journal
    from kiosk.journal.model import Person

MAX_PLAN_FILE_BYTES = 1024 * 1024


def register(groups: Mapping[str, Commands], top: Commands) -> None:  # noqa: ARG001
    """Add the ``kiosk plan`` commands."""
    plan = groups["plan"]
    check = plan.add_parser(
        "check",
        help="check a plan file and list its problems (nothing is stored)",
        description="Read a plan file and list every problem with its line and what to do.",
    )
    check.add_argument("file", type=Path, metavar="FILE", help="the plan file (plan.yaml)")
    check.set_defaults(handler=_check)

    load = plan.add_parser(
        "import",
        help="give a worker the plan in a file (replaces their plan)",
        description="Check a plan file and, when it has no errors, make it the worker's plan. "
        "A file with errors changes nothing.",
    )
    load.add_argument("person", metavar="PERSON", help="the worker's id or name (see `kiosk person list`)")
    load.add_argument("file", type=Path, metavar="FILE", help="the plan file (plan.yaml)")
    load.set_defaults(handler=_import)

    export = plan.add_parser(
        "export",
        help="write a worker's plan as a plan file",
        description="Write the worker's plan as a plan file, to edit on a laptop and import again.",
    )
    export.add_argument("person", metavar="PERSON", help="the worker's id or name")
    export.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of the screen")
    export.set_defaults(handler=_export)

    show = plan.add_parser(
        "show",
        help="a worker's plan for one day, with what was done and when",
        description="List the items of one day in the kiosk's local time: what is done, now, next.",
    )
    show.add_argument("person", metavar="PERSON", help="the worker's id or name")
    show.add_argument("--date", type=_day, metavar="DATE", help="the day (YYYY-MM-DD); default today")
    show.set_defaults(handler=_show)

    copy = plan.add_parser(
        "copy",
        help="give other workers a copy of one worker's plan",
        description="Copy one worker's plan to other workers (each can be changed on its own afterwards).",
    )
    copy.add_argument("source", metavar="FROM", help="the worker whose plan is copied")
    copy.add_argument("targets", nargs="+", metavar="TO", help="the workers who get the copy")
    copy.set_defaults(handler=_copy)

    quiet = plan.add_parser(
        "quiet-hours",
        help="hours in which reminders come without bell and voice (for every worker)",
        description="Set the kiosk's quiet hours, like `kiosk plan quiet-hours 12:00 13:00` (may cross "
        "midnight), or switch them off with `kiosk plan quiet-hours off`. Without times: show them.",
    )
    quiet.add_argument("span", nargs="*", metavar="TIME", help="FROM UNTIL (HH:MM), or 'off'")
    quiet.set_defaults(handler=_quiet_hours)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-03-31") from None


class _UnknownPerson(Exception):
    pass


def _person(journal: Journal, ref: str) -> Person:
    """A person by id, or by their name when exactly one person has it."""
    people = journal.people(include_archived=True)
    if ref.strip().isdigit():
        for person in people:
            if person.id == int(ref):
                return person
    named = [person for person in people if person.name.casefold() == ref.strip().casefold()]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise _UnknownPerson(f"Several people are called {ref!r}; give the id instead (see `kiosk person list`).")
    raise _UnknownPerson(f"There is no person {ref!r}. See `kiosk person list` for the ids and names.")


def _read_file(path: Path) -> tuple[bytes | None, int]:
    try:
        if path.stat().st_size > MAX_PLAN_FILE_BYTES:
            return None, problem(f"{path} is far too big to be a plan file.", "Check that it is the right file.")
        return path.read_bytes(), 0
    except FileNotFoundError:
        return None, problem(f"There is no file {path}.", "Check the name and the folder.")
    except IsADirectoryError:
        return None, problem(f"{path} is a folder, not a plan file.", "Give the plan.yaml file itself.")


def problem_line(found: Problem) -> str:
    """One problem as a line: severity, file, item, line (in the message), what to do."""
    label = "ERROR  " if found.severity is Severity.ERROR else "warning"
    where = ", ".join(part for part in (found.file, f"item {found.step}" if found.step is not None else None) if part)
    return f"{label} {printable(where)}: {printable(found.message)} — {printable(found.hint)}"


def _print_problems(problems: list[Problem], out: TextIO) -> None:
    for found in problems:
        out.write(problem_line(found) + "\n")


def _check(args: argparse.Namespace) -> int:
    from kiosk.plan.yamlio import read_plan

    data, code = _read_file(args.file)
    if data is None:
        return code
    plan, problems = read_plan(data, args.file.name)
    _print_problems(problems, sys.stdout)
    if plan is None:
        print(f"{printable(args.file.name)}: BROKEN, not usable until the errors above are fixed.")
        return 1
    print(
        f"{printable(args.file.name)}: OK, {len(plan.items)} items" + (" (see the warnings)" if problems else "") + "."
    )
    return 0


def _import(args: argparse.Namespace) -> int:
    from kiosk.journal.cli import _changing
    from kiosk.plan.store import PlanStore
    from kiosk.plan.yamlio import read_plan

    data, code = _read_file(args.file)
    if data is None:
        return code
    plan, problems = read_plan(data, args.file.name)
    _print_problems(problems, sys.stderr)
    if plan is None:
        return problem(
            f"The plan in {args.file.name} has errors, so it was not stored.",
            "Fix the lines listed above and import it again; the worker keeps their plan until then.",
        )
    with _changing(args) as journal:
        try:
            person = _person(journal, args.person)
        except _UnknownPerson as error:
            return problem(str(error))
        PlanStore(journal).set_plan(person.id, plan)
    print(f"Stored the plan of {printable(person.name)} ({len(plan.items)} items).", file=sys.stderr)
    return 0


def _export(args: argparse.Namespace) -> int:
    from kiosk.journal.cli import _reading
    from kiosk.plan.store import PlanStore
    from kiosk.plan.yamlio import write_plan

    if args.out is not None:
        check_target(args.out)
    with _reading(args) as journal:
        try:
            person = _person(journal, args.person)
        except _UnknownPerson as error:
            return problem(str(error))
        plan = PlanStore(journal).plan(person.id)
    if plan is None:
        return problem(f"{person.name} has no plan yet.", "Make one in trainer mode, or import a plan file.")
    text = write_plan(plan, person=person.name)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    with atomic_write(args.out, encoding="utf-8") as stream:
        stream.write(text)
    print(f"Wrote the plan of {printable(person.name)} to {printable(args.out)}.", file=sys.stderr)
    return 0


def _show(args: argparse.Namespace) -> int:
    from kiosk.journal.cli import _reading
    from kiosk.plan.day import day_view, local_moment, local_zone, plan_zone, today
    from kiosk.plan.store import PlanStore

    with _reading(args) as journal:
        try:
            person = _person(journal, args.person)
        except _UnknownPerson as error:
            return problem(str(error))
        store = PlanStore(journal)
        plan = store.plan(person.id)
        if plan is None:
            return problem(f"{person.name} has no plan yet.", "Make one in trainer mode, or import a plan file.")
        zone = plan_zone(plan, local_zone())
        now = datetime.now(timezone.utc)
        day = args.date or today(now, zone)
        if day != today(now, zone):  # another day: as it ended, or as it will begin
            midnight = local_moment(day + timedelta(days=1) if day < today(now, zone) else day, time(0), zone)
            now = midnight - timedelta(seconds=1) if day < today(now, zone) else midnight
        view = day_view(plan, store.events(person.id, day), now, zone, day=day)
    language = person.language
    print(f"{printable(person.name)}, {day.isoformat()} ({day:%A}):")
    if not view.items:
        print("  nothing planned")
        return 0
    marks = {"done": "done", "skipped": "skipped", "passed": "-", "now": "NOW", "next": "next", "later": ""}
    for state in view.items:
        start = state.slot.start.astimezone(zone).strftime("%H:%M") if state.slot.start else "after"
        when = ""
        if state.closed_at is not None:
            when = f" at {state.closed_at.astimezone(zone):%H:%M}"
        extra = f" [pack {state.item.pack}]" if state.item.pack else ""
        print(f"  {start:>5}  {marks[state.state]:<7} {printable(state.item.text_for(language))}{extra}{when}")
    return 0


def _quiet_hours(args: argparse.Namespace) -> int:
    from kiosk.journal.cli import _changing, _reading
    from kiosk.plan.store import PlanStore

    if not args.span:
        with _reading(args) as journal:
            span = PlanStore(journal).quiet_hours()
        print(f"Quiet hours: {span[0]:%H:%M} to {span[1]:%H:%M}." if span else "No quiet hours.")
        return 0
    if args.span == ["off"]:
        new = None
    else:
        try:
            begin, end = (time.fromisoformat(part) for part in args.span)
        except ValueError:
            return problem(
                f"{' '.join(args.span)!r} are not two times of day.",
                "Write them like `kiosk plan quiet-hours 12:00 13:00`, or `off`.",
                code=2,
            )
        new = (begin.replace(second=0, microsecond=0), end.replace(second=0, microsecond=0))
    with _changing(args) as journal:
        PlanStore(journal).set_quiet_hours(new)
    print(f"Quiet hours: {new[0]:%H:%M} to {new[1]:%H:%M}." if new else "No quiet hours.", file=sys.stderr)
    return 0


def _copy(args: argparse.Namespace) -> int:
    from kiosk.journal.cli import _changing
    from kiosk.plan.store import PlanStore

    with _changing(args) as journal:
        try:
            source = _person(journal, args.source)
            targets = [_person(journal, ref) for ref in args.targets]
        except _UnknownPerson as error:
            return problem(str(error))
        store = PlanStore(journal)
        if store.plan(source.id) is None:
            return problem(f"{source.name} has no plan to copy.", "Give them a plan first.")
        done = store.copy_plan(source.id, [t.id for t in targets])
    names = ", ".join(printable(t.name) for t in targets if t.id in done)
    print(f"Copied the plan of {printable(source.name)} to {names or 'nobody new'}.", file=sys.stderr)
    return 0
