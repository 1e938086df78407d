"""``kiosk report --person ID``: one person's progress as a printable HTML file (and a PDF).

Exit codes follow kiosk/cli.py: 0 done, 1 a problem with the input or the data (said in plain
words on stderr: an unknown person, no journal, no Chromium for --pdf), 2 usage error.

The report reads the journal and the packs only; the sole thing it writes besides the report is the
packs' prepared pictures in the data folder's cache, exactly as the kiosk itself would. The journal
is opened read-only (it works on a write-protected card and never creates or changes a journal).
The HTML and the PDF are written whole or not at all, next to their final name (kiosk.atomic), and
a link or a device at --out is refused, not replaced.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Mapping, Sequence

from kiosk import atomic
from kiosk.cli import Commands, printable, problem
from kiosk.journal.cli import person_ref
from kiosk.paths import SAMPLE_PACKS_DIR, DataDir
from kiosk.report.builder import DEFAULT_WEEKS, UnknownPerson, build_person_report
from kiosk.report.strings import LANGUAGES

MAX_WEEKS = 104
# The journal counts time from 1970; a report needs MAX_WEEKS whole weeks before its last day.
FIRST_DAY = date(1970, 1, 1) + timedelta(weeks=MAX_WEEKS)
LAST_DAY = date(9999, 12, 24)


def register(groups: Mapping[str, Commands], top: Commands) -> None:  # noqa: ARG001
    """Add ``kiosk report`` to the top level."""
    report = top.add_parser(
        "report",
        help="make a progress report for one person (a printable web page, or a PDF)",
        description="Write one person's progress over the last weeks as one HTML file that needs "
        "nothing else: open it in any web browser, print it, or mail it. Written in the person's "
        "language. With --pdf, also a PDF (needs Chromium).",
    )
    report.add_argument(
        "--person",
        type=person_ref,
        required=True,
        metavar="ID",
        help="the person's number (see `kiosk person list`; with --hub, their hub id from `kiosk hub people`)",
    )
    report.add_argument(
        "--weeks",
        type=_weeks,
        default=DEFAULT_WEEKS,
        metavar="N",
        help=f"how many weeks to show, up to this week (default {DEFAULT_WEEKS})",
    )
    report.add_argument(
        "--until", type=_day, metavar="DATE", help="end the report on this day (YYYY-MM-DD) instead of today"
    )
    report.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="where to write the report (default: progress-person-ID-DATE.html here)",
    )
    report.add_argument("--pdf", action="store_true", help="also write a PDF next to the HTML file")
    report.add_argument(
        "--packs",
        type=Path,
        nargs="+",
        action="extend",
        metavar="DIR",
        help="pack folders for titles and pictures (default: the data folder's packs and the sample packs)",
    )
    report.add_argument(
        "--language", choices=LANGUAGES, help="write the report in this language instead of the person's"
    )
    report.add_argument(
        "--hub",
        metavar="URL",
        help="report the runs of every kiosk from the workshop hub instead of this kiosk's journal "
        "(a coach's connection string; docs/hub.md)",
    )
    report.set_defaults(handler=report_command)


def _weeks(value: str) -> int:
    try:
        weeks = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of weeks") from None
    if not 1 <= weeks <= MAX_WEEKS:
        raise argparse.ArgumentTypeError(f"choose between 1 and {MAX_WEEKS} weeks, not {weeks}")
    return weeks


def _day(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-03-31") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(
            f"{value} is too far in the past or the future: choose a day between "
            f"{FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"
        )
    return day


def _problem(message: str, hint: str = "") -> int:
    return problem(message, hint)


def report_command(args: argparse.Namespace) -> int:
    """Write the report; 1 with a plain message when it cannot be made."""
    from kiosk.journal import Journal, JournalError  # imported here: `kiosk --help` stays fast

    data = DataDir(getattr(args, "data", None))
    hub = getattr(args, "hub", None)
    if isinstance(args.person, str) and not hub:
        return _problem(
            f"{args.person} is a hub id.", "Give it with --hub URL, or use the id from `kiosk person list`."
        )
    if not hub and not data.journal.exists():
        return _problem(
            f"There is no journal in {data.root} yet, so there is nothing to report.",
            "Start the kiosk once, or give the data folder with --data DIR.",
        )
    now = _moment(args.until)
    html_file, pdf_file = _outputs(args.out, args.person, now.date(), args.pdf)
    for target in (html_file, pdf_file):
        if target is not None:
            atomic.check_target(target)  # refused before any work is done; main says why
    if hub:
        from kiosk.hub.cli import hub_report  # a HubError becomes one sentence and exit code 1

        report = hub_report(hub, str(args.person), _library(args.packs, data), args.weeks, now, args.language)
        if report is None:
            return 1
    else:
        try:
            with Journal.open_read_only(data.journal) as journal:
                if journal.person(args.person) is None:
                    raise UnknownPerson(args.person)
                report = build_person_report(
                    journal, _library(args.packs, data), args.person, args.weeks, now, language=args.language
                )
        except UnknownPerson as error:
            return _problem(str(error), "See who is on this kiosk with: kiosk person list")
        except JournalError as error:
            return _problem(error.message, error.hint)

    from kiosk.report.render import render_html

    atomic.write_text(html_file, render_html(report))
    print(f"Progress report for {printable(report.name)}: {printable(html_file)}")
    if pdf_file is None:
        return 0

    from kiosk.report.chromium import ChromiumError, html_to_pdf

    try:
        with atomic.replacing(pdf_file, suffix=".part.pdf") as partial_pdf:
            html_to_pdf(html_file, partial_pdf)
    except ChromiumError as error:
        return _problem(f"No PDF was made. {error}", f"The HTML report is ready: {html_file}")
    print(f"PDF: {printable(pdf_file)}")
    return 0


def _moment(until: date | None) -> datetime:
    """'Now' for the report: the current time, or the very end of the chosen day (UTC)."""
    if until is None:
        return datetime.now(timezone.utc)
    return datetime.combine(until, time.max, tzinfo=timezone.utc)


def _library(folders: Sequence[Path] | None, data: DataDir) -> object:
    """The packs that give tasks their titles and pictures: as the kiosk sees them by default."""
    from kiosk.packs import Library

    chosen = list(folders) if folders else [data.packs, SAMPLE_PACKS_DIR]
    # A report only reads: it never prunes the kiosk's cache (it does not know what the kiosk uses).
    return Library([folder for folder in chosen if folder.is_dir()], data.cache, cache_policy=None)


def _outputs(out: Path | None, person_id: int | str, day: date, pdf: bool) -> tuple[Path, Path | None]:
    """The HTML file and, with --pdf, the PDF beside it. ``--out x.pdf`` names the PDF instead."""
    if out is None:
        out = Path(f"progress-person-{person_id}-{day.isoformat()}.html")
    out = out.absolute()
    if out.suffix.lower() == ".pdf":
        return out.with_suffix(".html"), out
    return out, (out.with_suffix(".pdf") if pdf else None)
