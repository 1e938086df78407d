"""Getting data out of the journal: CSV for spreadsheets, xAPI for learning record stores, and
everything about one person as JSON (the right of access).

Exports stream: rows are read in batches and written as they come, so a year of a workshop does
not have to fit in memory.
"""

from __future__ import annotations

import base64
import heapq
import itertools
import json
import mimetypes
from datetime import date, datetime
from typing import Any, Iterable, Iterator, TextIO

from kiosk.journal.journal import OWN_PLAN_EVENT_SQL, OWN_RUN_SQL, Journal
from kiosk.journal.model import from_ms, iso_utc, start_of, to_ms
from kiosk.journal.xapi import RunStatements, plan_statement

CSV_COLUMNS = (
    "event_id",
    "timestamp",
    "person_id",
    "person_name",
    "pack_id",
    "pack_version",
    "content_hash",
    "run_id",
    "step",
    "event",
    "duration_ms",
    "outcome",
    "support_level",
    "plan_item",
)
#: ``step_events.level`` in words (``kiosk.support.Level``); empty for events from before levels.
LEVEL_WORDS = {0: "grouped", 1: "reduced", 2: "full"}

PERSON_EXPORT_FORMAT = "step-kiosk.person-export"
PERSON_EXPORT_VERSION = 1

# Spreadsheets run a cell that starts like a formula; a name such as "=1+1" (or worse) must stay text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# A field holding one of these is quoted. Not only the comma: spreadsheets in semicolon locales
# (German, French ...) open a .csv with ";" as the separator, and an unquoted "a;b" would split
# there, shifting every column after it (and a formula could start in the new cell).
_QUOTE_WHEN = frozenset(',;"\r\n\t')
CSV_LINE_END = "\r\n"  # RFC 4180, as Python's csv module writes it


def spreadsheet_safe(text: str) -> str:
    """Text that a spreadsheet shows as typed: a leading formula character gets an apostrophe
    (OWASP's advice against CSV injection)."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_field(value: Any) -> str:
    """One CSV field: numbers as they are, None empty, text defused (``spreadsheet_safe``) and
    quoted when it holds a separator of any locale, a quote or a line break.

    Only text is defused, never a number: -5 is a value, not a formula, and must stay a number.
    """
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = spreadsheet_safe(str(value))
    if _QUOTE_WHEN.isdisjoint(text):
        return text
    return '"' + text.replace('"', '""') + '"'


def csv_line(values: Iterable[Any]) -> str:
    """One CSV record with its line end."""
    return ",".join(csv_field(value) for value in values) + CSV_LINE_END


def _filters(person_id: int | None, since: date | datetime | None) -> tuple[list[str], list[Any], int | None]:
    """The WHERE terms of a step export. Only runs this kiosk recorded: copies of other kiosks'
    runs (pulled from the hub for the progress views) are theirs to export, and the hub's export
    is the union of every kiosk's (docs/hub.md); an xAPI statement id made here for another
    kiosk's run would name a statement that kiosk never sent."""
    where: list[str] = [OWN_RUN_SQL]
    params: list[Any] = []
    if person_id is not None:
        where.append("r.person_id = ?")
        params.append(person_id)
    since_ms = to_ms(start_of(since)) if since is not None else None
    return where, params, since_ms


def csv_rows(
    journal: Journal, *, person_id: int | None = None, since: date | datetime | None = None
) -> Iterator[tuple[Any, ...]]:
    """One tuple per step event, in ``CSV_COLUMNS`` order, oldest first. An open run's outcome is ''."""
    where, params, since_ms = _filters(person_id, since)
    if since_ms is not None:
        where.append("e.at_ms >= ?")
        params.append(since_ms)
    sql = (
        "SELECT e.id, e.at_ms, p.id, p.name, r.pack_id, r.pack_version, r.content_hash, r.id, e.step_number, "
        "e.event, e.duration_ms, r.outcome, e.level FROM step_events e JOIN runs r ON r.id = e.run_id "
        "JOIN people p ON p.id = r.person_id" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY e.id"
    )
    for event_id, at_ms, *middle, outcome, level in journal.db.iterate(sql, params):
        # person id and name, pack id, version and hash, run id, step, event, duration: as read
        yield (event_id, iso_utc(from_ms(at_ms)), *middle, outcome or "", LEVEL_WORDS.get(level, ""), "")


def _own_plan_events(person_id: int | None, since: date | datetime | None) -> tuple[list[str], list[Any]]:
    """The WHERE terms (on ``plan_events e``) and parameters both plan exports share: this
    kiosk's own events, of one person, since a moment."""
    where: list[str] = [OWN_PLAN_EVENT_SQL]
    params: list[Any] = []
    if person_id is not None:
        where.append("e.person_id = ?")
        params.append(person_id)
    if since is not None:
        where.append("e.at_ms >= ?")
        params.append(to_ms(start_of(since)))
    return where, params


def plan_csv_rows(
    journal: Journal, *, person_id: int | None = None, since: date | datetime | None = None
) -> Iterator[tuple[Any, ...]]:
    """One tuple per day-plan event (``kiosk.plan``), in ``CSV_COLUMNS`` order, oldest first: the
    event is ``plan_started``, ``plan_done``, ``plan_skipped`` or ``plan_reminded``, ``plan_item``
    names the item, ``event_id`` is ``plan-<id>`` (plan events are numbered apart from step events),
    and the pack columns are filled when the item ran a pack. Only this kiosk's own events: copies of
    other kiosks' events (pulled from the hub) are theirs to export, as with runs."""
    where, params = _own_plan_events(person_id, since)
    sql = (
        "SELECT e.id, e.at_ms, p.id, p.name, r.pack_id, r.pack_version, r.content_hash, e.run_id, e.event, "
        "r.outcome, e.item_id FROM plan_events e JOIN people p ON p.id = e.person_id "
        "LEFT JOIN runs r ON r.id = e.run_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY e.at_ms, e.id"
    )
    for (
        event_id,
        at_ms,
        pid,
        name,
        pack_id,
        version,
        content_hash,
        run_id,
        event,
        outcome,
        item_id,
    ) in journal.db.iterate(sql, params):
        yield (
            f"plan-{event_id}",
            iso_utc(from_ms(at_ms)),
            pid,
            name,
            pack_id or "",
            version if version is not None else "",
            content_hash or "",
            run_id if run_id is not None else "",
            "",
            f"plan_{event}",
            "",
            outcome or "",
            "",
            item_id,
        )


def write_csv(
    journal: Journal, out: TextIO, *, person_id: int | None = None, since: date | datetime | None = None
) -> int:
    """Write the step events as CSV with a header row; returns the number of events written.

    Open a file for it with ``encoding="utf-8-sig", newline=""``: the byte order mark tells
    spreadsheet programs the file is UTF-8 (names with umlauts or Chinese characters stay readable).
    Times are UTC, ISO 8601 with a ``Z``. Every text field goes through ``csv_field`` (quoting
    for comma and semicolon locales, formulas defused).
    """
    out.write(csv_line(CSV_COLUMNS))
    count = 0
    steps = csv_rows(journal, person_id=person_id, since=since)
    plans = plan_csv_rows(journal, person_id=person_id, since=since)
    for row in heapq.merge(steps, plans, key=lambda row: row[1]):  # both oldest first, by timestamp
        out.write(csv_line(row))
        count += 1
    return count


def xapi_statements(
    journal: Journal, *, person_id: int | None = None, since: date | datetime | None = None, include_names: bool = False
) -> Iterator[dict[str, Any]]:
    """xAPI 1.0.3 statements, run by run: its start, its step events, its end (when it ended).

    ``since`` keeps statements whose timestamp is at or after it. Names are only included with
    ``include_names`` (see ``kiosk.journal.xapi``).
    """
    where, params, since_ms = _filters(person_id, since)
    if since_ms is not None:
        where.append("(r.ended_at_ms IS NULL OR r.ended_at_ms >= ?)")
        params.append(since_ms)
    resumed_from = dict(journal.db.read("SELECT id, resumed_from FROM runs WHERE resumed_from IS NOT NULL"))
    sql = (
        "SELECT r.id, r.person_id, p.name, p.language, r.pack_id, r.pack_version, r.content_hash, r.device_id, "
        "r.started_at_ms, r.ended_at_ms, r.outcome, r.resumed_from, "
        "e.id, e.step_number, e.event, e.at_ms, e.duration_ms, e.level "
        "FROM runs r JOIN people p ON p.id = r.person_id LEFT JOIN step_events e ON e.run_id = r.id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY r.id, e.id"
    )
    floor_ms = since_ms if since_ms is not None else -(2**62)
    for _, rows in itertools.groupby(journal.db.iterate(sql, params), key=lambda row: row[0]):
        first = next(rows)
        (
            run_id,
            pid,
            name,
            language,
            pack_id,
            version,
            content_hash,
            device_id,
            started_ms,
            ended_ms,
            outcome,
            previous,
        ) = first[:12]
        head = run_id
        while head in resumed_from:
            head = resumed_from[head]
        statements = RunStatements(
            device_id=device_id or journal.device.id,
            run_id=run_id,
            first_run_id=head,
            person_id=pid,
            person_name=name if include_names else None,
            language=language,
            pack_id=pack_id,
            pack_version=version,
            content_hash=content_hash,
            resumed_from=previous,
        )
        if started_ms >= floor_ms:
            yield statements.started(from_ms(started_ms))
        for row in itertools.chain([first], rows):
            event_id, step, event, at_ms, duration_ms, level = row[12:]
            if event_id is None:
                continue  # a run without events (LEFT JOIN)
            statement = statements.step_event(
                event_id, step, event, from_ms(at_ms), duration_ms, support_level=LEVEL_WORDS.get(level)
            )
            if at_ms >= floor_ms:
                yield statement
        if outcome is not None and ended_ms is not None and ended_ms >= floor_ms:
            yield statements.ended(outcome, from_ms(ended_ms), max(0, ended_ms - started_ms))


def plan_xapi_statements(
    journal: Journal, *, person_id: int | None = None, since: date | datetime | None = None, include_names: bool = False
) -> Iterator[dict[str, Any]]:
    """xAPI statements for the day-plan events (``kiosk.xapi.plan_statement``), oldest first. Only
    this kiosk's own events: a statement's id is derived from the recording kiosk's ids, so another
    kiosk's event (a copy from the hub) is that kiosk's to send."""
    where, params = _own_plan_events(person_id, since)
    sql = (
        "SELECT e.id, e.person_id, p.name, p.language, e.day, e.item_id, e.event, e.at_ms, e.due_at_ms, e.run_id "
        "FROM plan_events e JOIN people p ON p.id = e.person_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY e.at_ms, e.id"
    )
    device_id = journal.device.id
    for event_id, pid, name, language, day, item_id, event, at_ms, due_ms, run_id in journal.db.iterate(sql, params):
        yield plan_statement(
            device_id=device_id,
            event_id=event_id,
            person_id=pid,
            person_name=name if include_names else None,
            language=language,
            day=day,
            item_id=item_id,
            event=event,
            at=from_ms(at_ms),
            due_at=from_ms(due_ms) if due_ms is not None else None,
            run_id=run_id,
        )


def write_xapi(
    journal: Journal,
    out: TextIO,
    *,
    person_id: int | None = None,
    since: date | datetime | None = None,
    include_names: bool = False,
) -> int:
    """Write the statements as one JSON list (what an LRS's statements endpoint accepts in a
    POST); returns how many were written."""
    count = 0
    out.write("[")
    statements = itertools.chain(
        xapi_statements(journal, person_id=person_id, since=since, include_names=include_names),
        plan_xapi_statements(journal, person_id=person_id, since=since, include_names=include_names),
    )
    for statement in statements:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(statement, ensure_ascii=False, separators=(",", ":")))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def person_export(journal: Journal, person_id: int) -> dict[str, Any]:
    """Everything the journal holds about one person, as one JSON-ready dict: the person (with
    their preferences), their own settings (secrets redacted), their photo (embedded), the runs
    recorded on this kiosk and every step event; and, apart (``runs_from_other_kiosks``), the
    summaries of their runs on other kiosks that this kiosk keeps for its progress views (the
    right of access covers what is held here; they are not this kiosk's records to export as its
    own)."""
    person = journal.person(person_id)
    if person is None:
        raise KeyError(f"no person with id {person_id}")
    own_device = journal.device.id
    everything = journal.runs(person_id)
    runs = [run for run in everything if run.device_id is None or run.device_id == own_device]
    elsewhere = [run for run in everything if run.device_id is not None and run.device_id != own_device]
    device_names = dict(journal.db.read("SELECT id, name FROM devices WHERE this_device = 0"))
    events = journal.db.read(
        "SELECT e.id, e.run_id, e.step_number, e.event, e.at_ms, e.duration_ms FROM step_events e "
        "JOIN runs r ON r.id = e.run_id WHERE r.person_id = ? ORDER BY e.id",
        (person_id,),
    )
    device = journal.device
    return {
        "format": PERSON_EXPORT_FORMAT,
        "format_version": PERSON_EXPORT_VERSION,
        "exported_at": iso_utc(journal.now()),
        "device": {"id": device.id, "name": device.name},
        "person": {
            "id": person.id,
            "name": person.name,
            "photo": person.photo,
            "language": person.language,
            "preferences": dict(person.preferences),
            "archived": person.archived,
        },
        "settings": {key: _redacted(key, value) for key, value in journal.person_settings(person_id).items()},
        "photo": _photo(journal, person.photo),
        "runs": [
            {
                "id": run.id,
                "pack_id": run.pack_id,
                "pack_version": run.pack_version,
                "content_hash": run.content_hash,
                "device_id": run.device_id,
                "started_at": iso_utc(run.started_at),
                "ended_at": iso_utc(run.ended_at) if run.ended_at else None,
                "outcome": run.outcome,
                "resumed_from": run.resumed_from,
                "step_count": run.step_count,
            }
            for run in runs
        ],
        "events": [
            {
                "id": event_id,
                "run_id": run_id,
                "step": step,
                "event": event,
                "timestamp": iso_utc(from_ms(at_ms)),
                "duration_ms": duration_ms,
            }
            for event_id, run_id, step, event, at_ms, duration_ms in events
        ],
        "runs_from_other_kiosks": [
            {
                "uuid": run.uuid,
                "kiosk": {"id": run.device_id, "name": device_names.get(run.device_id, "")},
                "pack_id": run.pack_id,
                "pack_version": run.pack_version,
                "started_at": iso_utc(run.started_at),
                "ended_at": iso_utc(run.ended_at) if run.ended_at else None,
                "outcome": run.outcome,
                "step_count": run.step_count,
            }
            for run in elsewhere
        ],
        # the day plan (kiosk.plan) and what happened to its items
        "plan": _plan_document(journal, person_id),
        "plan_events": [
            {"id": i, "day": day, "item": item, "event": event, "timestamp": iso_utc(from_ms(at_ms)), "run_id": run}
            for i, day, item, event, at_ms, run in journal.db.read(
                "SELECT id, day, item_id, event, at_ms, run_id FROM plan_events e "
                f"WHERE person_id = ? AND {OWN_PLAN_EVENT_SQL} ORDER BY id",
                (person_id,),
            )
        ],
        # copies of what the worker did of their plan on other kiosks (the hub): held here, not recorded here
        "plan_events_from_other_kiosks": [
            {
                "uuid": event_uuid,
                "kiosk": {"id": device, "name": device_names.get(device, "")},
                "day": day,
                "item": item,
                "event": event,
                "timestamp": iso_utc(from_ms(at_ms)),
            }
            for event_uuid, device, day, item, event, at_ms in journal.db.read(
                "SELECT e.uuid, e.device_id, e.day, e.item_id, e.event, e.at_ms FROM plan_events e "
                f"WHERE e.person_id = ? AND NOT {OWN_PLAN_EVENT_SQL} ORDER BY e.at_ms, e.id",
                (person_id,),
            )
        ],
    }


def _plan_document(journal: Journal, person_id: int) -> Any:
    row = journal.db.read_one("SELECT document FROM plans WHERE person_id = ?", (person_id,))
    if row is None:
        return None
    try:
        return json.loads(row[0])
    except ValueError:
        return row[0]  # kept as stored: the person's data, even when unreadable


_SECRET_WORDS = ("pin", "secret", "password")


def _redacted(key: str, value: Any) -> Any:
    """Per-person settings go into the export, except secrets (a family PIN's hash is of no use to
    the reader and should not travel)."""
    topic = key.split(".")[0].lower()
    return "(secret, not exported)" if any(word in topic for word in _SECRET_WORDS) else value


def _photo(journal: Journal, photo: str | None) -> dict[str, Any] | None:
    path = journal.photo_path(photo)
    if path is None or not path.is_file():
        return None
    return {
        "file": path.name,
        "media_type": mimetypes.guess_type(path.name)[0] or "application/octet-stream",
        "base64": base64.b64encode(path.read_bytes()).decode("ascii"),
    }
