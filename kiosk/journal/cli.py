"""``kiosk export`` and ``kiosk person list|export|delete``: the journal on the command line.

Exit codes follow kiosk/cli.py: 0 done, 1 the input or the journal had a problem (said in plain
words on stderr), 2 usage error (an id that cannot exist, an unsafe --out).

The listing and exporting commands only read: they open the journal read-only, so they work on a
write-protected card and can never create, recreate or change a journal (an empty or damaged one
is reported, and left exactly as it is for whoever repairs it). Output files are written whole or
not at all through ``kiosk.atomic``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import uuid
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Iterator, Mapping, TextIO

from kiosk.atomic import atomic_write, check_target
from kiosk.cli import Commands, printable, problem
from kiosk.journal.errors import JournalError
from kiosk.journal.export import person_export, write_csv, write_xapi
from kiosk.journal.journal import Journal
from kiosk.paths import DataDir

# SQLite's integers are 64-bit; a larger id cannot name anyone (and would overflow in the query).
MAX_ID = 2**63 - 1


def register(groups: Mapping[str, Commands], top: Commands) -> None:
    """Add ``kiosk export`` to the top level and list/export/delete to ``kiosk person``."""
    export = top.add_parser(
        "export",
        help="Export step events as CSV (spreadsheets) or xAPI statements (learning record stores)",
        description="Export every step event: CSV with one row per event, or a JSON list of xAPI 1.0.3 "
        "statements. xAPI names people only by their id unless --names is given.",
    )
    export.add_argument("--format", choices=("csv", "xapi"), required=True, help="csv or xapi")
    export.add_argument(
        "--person",
        type=person_ref,
        metavar="ID",
        help="only this person (see `kiosk person list`; with --hub, their hub id from `kiosk hub people`)",
    )
    export.add_argument(
        "--since",
        type=_parse_since,
        metavar="DATE",
        help="only from this day (YYYY-MM-DD, UTC) or moment (ISO 8601) on",
    )
    export.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of the screen")
    export.add_argument("--names", action="store_true", help="xAPI: include people's names (off by default)")
    export.add_argument(
        "--hub",
        metavar="URL",
        help="export every kiosk's records from the workshop hub instead of this kiosk's journal "
        "(a coach's connection string; docs/hub.md)",
    )
    export.set_defaults(handler=_export)

    person = groups["person"]
    listing = person.add_parser(
        "list", help="List the people on this kiosk", description="List the people on this kiosk with their ids."
    )
    listing.add_argument("--all", action="store_true", help="include archived people")
    listing.set_defaults(handler=_person_list)

    export_person = person.add_parser(
        "export",
        help="Everything recorded about one person, as one JSON file",
        description="Write everything the journal holds about one person (details, photo, runs, step events) as JSON.",
    )
    export_person.add_argument("id", type=person_id, metavar="ID", help="the person's id (see `kiosk person list`)")
    export_person.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of the screen")
    export_person.set_defaults(handler=_person_export)

    delete = person.add_parser(
        "delete",
        help="Delete one person and everything recorded about them",
        description="Delete a person, their runs and step events and their photo. This cannot be undone; "
        "export first if the data may be needed.",
    )
    delete.add_argument("id", type=person_id, metavar="ID", help="the person's id (see `kiosk person list`)")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(handler=_person_delete)


def person_id(text: str) -> int:
    """A person's id as typed: a whole number the journal can hold (argparse reports the rest)."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a person's id (a whole number)") from None
    if not 1 <= number <= MAX_ID:
        raise argparse.ArgumentTypeError(
            f"{text} is not a person's id: ids are whole numbers from 1 on (see `kiosk person list`)"
        )
    return number


def person_ref(text: str) -> int | str:
    """A person's id on this kiosk (a whole number), or their hub id (a UUID, for ``--hub``)."""
    if text.strip().lstrip("+-").isdigit():
        return person_id(text)
    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a person's id (a whole number, or a hub id like 3f2b8c1e-...)"
        ) from None


def _parse_since(text: str) -> date | datetime:
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-01") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _no_journal(path: Path) -> JournalError:
    return JournalError(
        f"There is no journal at {path} yet.",
        "Start the kiosk once, or give the data folder with --data DIR.",
        path=path,
    )


def _reading(args: argparse.Namespace) -> contextlib.AbstractContextManager[Journal]:
    """The journal opened read-only: never created, migrated or changed (see the module's doc)."""
    return _existing(args, Journal.open_read_only)


def _changing(args: argparse.Namespace) -> contextlib.AbstractContextManager[Journal]:
    """The journal opened for changes (``person delete``); a missing one is not created."""
    return _existing(args, Journal.open)


@contextlib.contextmanager
def _existing(args: argparse.Namespace, opener: Callable[[Path], Journal]) -> Iterator[Journal]:
    """The data folder's journal, opened by ``opener`` only when it exists (never created here)."""
    path = DataDir(args.data).journal
    if not path.exists():
        raise _no_journal(path)
    journal = opener(path)
    try:
        yield journal
    finally:
        journal.close()


@contextlib.contextmanager
def _output(out: Path | None, *, bom: bool = False) -> Iterator[TextIO]:
    """The --out file (written whole or not at all, see kiosk.atomic), or stdout."""
    if out is None:
        yield sys.stdout
        return
    with atomic_write(out, encoding="utf-8-sig" if bom else "utf-8", newline="") as stream:
        yield stream


def _export(args: argparse.Namespace) -> int:
    if getattr(args, "hub", None):
        return _export_from_hub(args)
    if isinstance(args.person, str):
        return problem(f"{args.person} is a hub id.", "Give it with --hub URL, or use the id from `kiosk person list`.")

    def write(journal: Journal) -> str | None:
        if args.person is not None and journal.person(args.person) is None:
            raise KeyError(args.person)
        with _output(args.out, bom=args.format == "csv") as out:
            if args.format == "csv":
                count = write_csv(journal, out, person_id=args.person, since=args.since)
                return f"Wrote {count} step events to {args.out}."
            count = write_xapi(journal, out, person_id=args.person, since=args.since, include_names=args.names)
            return f"Wrote {count} xAPI statements to {args.out}."

    return _write_from_journal(args, write, missing_person=args.person)


def _export_from_hub(args: argparse.Namespace) -> int:
    from kiosk.hub.cli import hub_export_command  # imported here: `kiosk --help` stays fast

    return hub_export_command(args, lambda out: _output(out, bom=args.format == "csv"))


def _write_from_journal(
    args: argparse.Namespace, write: Callable[[Journal], str | None], missing_person: int | None
) -> int:
    """Run ``write`` on the journal (read-only); a KeyError means the person asked for does not
    exist. Everything else that can fail (journal, storage, an unsafe --out) is put into words by
    kiosk.cli's ``main``.

    ``write`` returns the sentence to print when it wrote to a file (``--out``). An unsafe --out is
    refused before the journal is even opened.
    """
    if args.out is not None:
        check_target(args.out)
    try:
        with _reading(args) as journal:
            done = write(journal)
    except KeyError:
        return problem(f"There is no person with id {missing_person}.", "See `kiosk person list`.")
    if args.out is not None and done:
        print(printable(done), file=sys.stderr)
    return 0


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _person_list(args: argparse.Namespace) -> int:
    with _reading(args) as journal:
        people = journal.people(include_archived=args.all)
        runs = dict(journal.db.read("SELECT person_id, COUNT(*) FROM runs GROUP BY person_id"))
    if not people:
        print("No people yet." if args.all else "No people yet (archived people are shown with --all).")
        return 0
    width = max(len(str(person.id)) for person in people)
    for person in people:
        archived = "  (archived)" if person.archived else ""
        print(
            f"{person.id:>{width}}  {printable(person.name)}  [{printable(person.language)}]  "
            f"{_plural(runs.get(person.id, 0), 'run')}{archived}"
        )
    return 0


def _person_export(args: argparse.Namespace) -> int:
    def write(journal: Journal) -> str:
        data = person_export(journal, args.id)
        with _output(args.out) as out:
            json.dump(data, out, ensure_ascii=False, indent=2)
            out.write("\n")
        return f"Wrote everything about {data['person']['name']} to {args.out}."

    return _write_from_journal(args, write, missing_person=args.id)


def _person_delete(args: argparse.Namespace) -> int:
    with _changing(args) as journal:
        person = journal.person(args.id)
        if person is None:
            return problem(f"There is no person with id {args.id}.", "See `kiosk person list`.")
        runs = len(journal.runs(args.id))
        if not args.yes and not _confirmed(person.name, runs):
            print("Nothing was deleted.", file=sys.stderr)
            return 1
        deleted = journal.delete_person(args.id)
    name = printable(deleted.person.name)
    print(f"Deleted {name}: {_plural(deleted.runs, 'run')} and {_plural(deleted.events, 'step event')}.")
    if deleted.photo_deleted:
        print(f"Deleted the photo {printable(deleted.photo_deleted)}.")
    if not deleted.traces_cleared:
        print(
            "Another program (a running kiosk?) has the journal open, so old copies of the deleted data may "
            "stay in the journal's log file until it closes. Close the kiosk to clear them.",
            file=sys.stderr,
        )
    if deleted.photo_kept:
        print(
            f"The photo {printable(deleted.photo_kept)} is outside the data folder and was kept; delete it "
            "yourself if it should go too."
        )
    return 0


def _confirmed(name: str, runs: int) -> bool:
    print(
        f"This deletes {printable(name)} and everything recorded about them ({_plural(runs, 'run')}). "
        "It cannot be undone.",
        file=sys.stderr,
    )
    try:
        answer = input("Type yes to delete: ")
    except EOFError:
        return False
    return answer.strip().lower() == "yes"
