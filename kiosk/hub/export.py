"""Exports and reports from the hub alone: ``kiosk export --hub URL`` and ``kiosk report --hub URL``.

Why the hub's rows are put back into journals instead of writing the exports again: the kiosk's
own exporters (``kiosk.journal.export``) and report builder (``kiosk.report.builder``) stay the
only definition of what a CSV row, an xAPI statement or a report says, so the hub cannot drift from
them. Two shapes:

* **Exports: one in-memory journal per kiosk.** A CSV row and an xAPI statement carry the ids of
  the kiosk that recorded them (event, run and person ids; statement ids are uuid5 of the kiosk's
  device id and its local run and event ids). The hub keeps each run's kiosk, local run id, local
  event ids and the person's local id (hub schema 2), so each kiosk's rows are rebuilt with exactly
  those ids, and the kiosk's exporter gives exactly the rows the kiosk itself would. The hub's
  export is therefore the union of the kiosks' exports: the same CSV rows and the same statement
  ids, so an LRS that already holds a kiosk's statements takes the hub's as the same ones.
* **A report: one in-memory journal for the person**, with the runs of every kiosk (ids
  renumbered in time order; a report shows no ids besides the person's).

Differences from a kiosk's own export, by design: the hub has only ended runs (a run in progress on
a tablet arrives when it ends), and no photos. Runs sent before hub schema 2 have no local person id
or support levels: their person gets a stable stand-in id (see ``_stand_in_id``), levels are empty.

Memory: every kiosk's rows for the request sit in memory while it is written; narrow a large
workshop with ``--person`` or ``--since``.
"""

from __future__ import annotations

import heapq
import itertools
import json
import uuid as uuidlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterator, Sequence, TextIO

import psycopg

from kiosk.hub.errors import HubError, connect, hub_errors
from kiosk.journal import Journal
from kiosk.journal.journal import PULLED_AT_SETTING
from kiosk.journal.model import to_ms
from kiosk.journal.export import (
    CSV_COLUMNS,
    csv_line,
    csv_rows,
    plan_csv_rows,
    plan_xapi_statements,
    xapi_statements,
)

_RUN_COLUMNS = (
    "r.uuid::text, r.person_uuid::text, r.device_uuid::text, r.local_id, r.pack_id, r.pack_version, r.content_hash, "
    "r.started_at_ms, r.ended_at_ms, r.outcome, r.resumed_from::text, r.step_count, r.furthest_step, "
    "r.help_by_step::text, r.person_local_id, r.support_level"
)
_EVENTS = (
    "SELECT e.run_uuid::text, e.uuid::text, e.local_id, e.step_number, e.event, e.at_ms, e.duration_ms, e.level "
    "FROM hub.step_events e WHERE e.run_uuid = ANY(%s::uuid[]) ORDER BY e.run_uuid, e.local_id"
)

# A day-plan event (hub schema 5) with its kiosk's ids: uuid, person, device, local id, person's
# local id, day, item, event, at, due, run.
_PLAN_EVENTS = (
    "SELECT e.uuid::text, e.person_uuid::text, e.device_uuid::text, e.local_id, e.person_local_id, "
    "to_char(e.day, 'YYYY-MM-DD'), e.item_id, e.event, e.at_ms, e.due_at_ms, e.run_uuid::text FROM hub.plan_events e"
)


@dataclass(frozen=True)
class HubPersonRow:
    uuid: str
    name: str
    language: str
    preferences: dict[str, Any]
    archived: bool


def snapshot(conn: psycopg.Connection) -> None:
    """Read everything that follows from one snapshot (a kiosk syncing meanwhile cannot make an
    export hold a run without its events). ``conn`` must not be in autocommit."""
    conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def _people(conn: psycopg.Connection, uuids: Sequence[str]) -> dict[str, HubPersonRow]:
    rows = conn.execute(
        "SELECT uuid::text, name, language, preferences, archived FROM hub.people WHERE uuid = ANY(%s::uuid[])",
        (list(uuids),),
    ).fetchall()
    return {row[0]: HubPersonRow(row[0], row[1], row[2], dict(row[3] or {}), bool(row[4])) for row in rows}


def _runs(conn: psycopg.Connection, person_uuid: str | None) -> list[tuple[Any, ...]]:
    where = " WHERE r.person_uuid = %s::uuid" if person_uuid is not None else ""
    params = (person_uuid,) if person_uuid is not None else ()
    sql = f"SELECT {_RUN_COLUMNS} FROM hub.runs r{where} ORDER BY r.device_uuid, r.local_id"
    return conn.execute(sql, params).fetchall()


def _plan_events(conn: psycopg.Connection, person_uuid: str | None) -> list[tuple[Any, ...]]:
    where = " WHERE e.person_uuid = %s::uuid" if person_uuid is not None else ""
    params = (person_uuid,) if person_uuid is not None else ()
    return conn.execute(f"{_PLAN_EVENTS}{where} ORDER BY e.device_uuid, e.local_id", params).fetchall()


def _insert_plan_events(
    journal: Journal, rows: Sequence[tuple[Any, ...]], event_id: Any, person_id: dict[str, int], run_id: dict[str, int]
) -> None:
    """Write hub plan events into ``journal`` as its own (no device), with the ids given."""
    with journal.db.transaction() as db:
        db.executemany(
            "INSERT INTO plan_events (id, uuid, person_id, day, item_id, event, at_ms, due_at_ms, run_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (event_id(row), row[0], person_id[row[1]], *row[5:10], run_id.get(row[10]) if row[10] else None)
                for row in rows
            ),
        )


def _events(conn: psycopg.Connection, run_uuids: Sequence[str]) -> list[tuple[Any, ...]]:
    return conn.execute(_EVENTS, (list(run_uuids),)).fetchall() if run_uuids else []


def _stand_in_id(person_uuid: str) -> int:
    """An id for a person whose kiosk id the hub does not know (runs sent before hub schema 2):
    stable, positive, far above any id a kiosk hands out, so it never names someone else."""
    return 2**62 + (uuidlib.UUID(person_uuid).int % 2**61)


def _device_names(conn: psycopg.Connection) -> dict[str, str]:
    return {row[0]: row[1] for row in conn.execute("SELECT uuid::text, name FROM hub.devices")}


def _insert_person(journal: Journal, person_id: int, person: HubPersonRow) -> None:
    journal.db.write(
        "INSERT INTO people (id, uuid, name, language, preferences, archived) VALUES (?, ?, ?, ?, ?, ?)",
        (
            person_id,
            person.uuid,
            person.name,
            person.language,
            json.dumps(person.preferences, ensure_ascii=False, sort_keys=True),
            int(person.archived),
        ),
    )


def _insert_device(journal: Journal, device_uuid: str, name: str) -> None:
    if journal.db.read_one("SELECT 1 FROM devices WHERE id = ?", (device_uuid,)) is None:
        journal.db.write(
            "INSERT INTO devices (id, name, created_at_ms, this_device) VALUES (?, ?, 0, 0)", (device_uuid, name)
        )


def _insert_runs(
    journal: Journal,
    runs: Sequence[tuple[Any, ...]],
    events: Sequence[tuple[Any, ...]],
    run_id: dict[str, int],
    person_id: dict[str, int],
    event_id: Any,
) -> None:
    """Write hub runs and events into ``journal`` with the ids given (``event_id(row)``)."""
    with journal.db.transaction() as db:
        for row in runs:
            (uuid, person, device, _, pack_id, version, content_hash, started, ended, outcome, resumed) = row[:11]
            step_count, furthest, help_by_step, _, support_level = row[11:]
            db.execute(
                "INSERT INTO runs (id, uuid, person_id, device_id, pack_id, pack_version, content_hash, started_at_ms, "
                "ended_at_ms, outcome, resumed_from, step_count, furthest_step, help_by_step, support_level) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id[uuid],
                    uuid,
                    person_id[person],
                    device,
                    pack_id,
                    version,
                    content_hash,
                    started,
                    ended,
                    outcome,
                    run_id.get(resumed) if resumed else None,
                    step_count,
                    furthest,
                    help_by_step,
                    support_level,
                ),
            )
        db.executemany(
            "INSERT INTO step_events (id, uuid, run_id, step_number, event, at_ms, duration_ms, level) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ((event_id(row), row[1], run_id[row[0]], *row[3:]) for row in events if row[0] in run_id),
        )


def kiosk_journals(conn: psycopg.Connection, person_uuid: str | None = None) -> Iterator[tuple[Journal, int | None]]:
    """For each kiosk with runs on the hub (that this role may see): an in-memory journal holding
    exactly that kiosk's ended runs, events and their people, with the kiosk's own ids; and the
    kiosk's id of ``person_uuid`` (None without a person). Each journal is closed after its turn."""
    runs = _runs(conn, person_uuid)
    plan_events = _plan_events(conn, person_uuid)
    people = _people(conn, sorted({row[1] for row in runs} | {row[1] for row in plan_events}))
    names = _device_names(conn)
    by_device: dict[str, list[tuple[Any, ...]]] = {}
    plans_by_device: dict[str, list[tuple[Any, ...]]] = {}
    for row in runs:
        if row[1] in people:  # a person deleted right now: their runs are going too
            by_device.setdefault(row[2] or "", []).append(row)
    for row in plan_events:
        if row[1] in people:
            plans_by_device.setdefault(row[2], []).append(row)
            by_device.setdefault(row[2], [])
    for device, device_runs in sorted(by_device.items()):
        # that kiosk is "this device" in its rebuilt journal: its runs are the journal's own, which
        # are what the kiosk's exporter writes (it leaves out copies of other kiosks' runs)
        journal = Journal.open_in_memory(device=(device, names.get(device, "kiosk")) if device else None)
        try:
            person_id: dict[str, int] = {}
            for row in device_runs:
                person_id.setdefault(row[1], int(row[14]) if row[14] is not None else _stand_in_id(row[1]))
            device_plan_events = plans_by_device.get(device, [])
            for row in device_plan_events:
                person_id.setdefault(row[1], int(row[4]) if row[4] is not None else _stand_in_id(row[1]))
            for person, local in person_id.items():
                _insert_person(journal, local, people[person])
            if device:
                _insert_device(journal, device, names.get(device, "kiosk"))
            run_id = {row[0]: int(row[3]) for row in device_runs}
            events = _events(conn, list(run_id))
            _insert_runs(journal, device_runs, events, run_id, person_id, lambda row: int(row[2]))
            _insert_plan_events(journal, device_plan_events, lambda row: int(row[3]), person_id, run_id)
            yield journal, (person_id.get(person_uuid) if person_uuid is not None else None)
        finally:
            journal.close()


def write_hub_csv(
    conn: psycopg.Connection, out: TextIO, *, person_uuid: str | None = None, since: date | datetime | None = None
) -> int:
    """``write_csv`` over every kiosk's records on the hub: one header, then each kiosk's rows."""
    out.write(csv_line(CSV_COLUMNS))
    count = 0
    for journal, person_id in kiosk_journals(conn, person_uuid):
        steps = csv_rows(journal, person_id=person_id, since=since)
        plans = plan_csv_rows(journal, person_id=person_id, since=since)
        for row in heapq.merge(steps, plans, key=lambda row: row[1]):  # as kiosk.journal.export.write_csv
            out.write(csv_line(row))
            count += 1
    return count


def write_hub_xapi(
    conn: psycopg.Connection,
    out: TextIO,
    *,
    person_uuid: str | None = None,
    since: date | datetime | None = None,
    include_names: bool = False,
) -> int:
    """``write_xapi`` over every kiosk's records on the hub: one JSON list, the same statements
    (and statement ids) as the kiosks' own exports together."""
    count = 0
    out.write("[")
    for journal, person_id in kiosk_journals(conn, person_uuid):
        for statement in itertools.chain(
            xapi_statements(journal, person_id=person_id, since=since, include_names=include_names),
            plan_xapi_statements(journal, person_id=person_id, since=since, include_names=include_names),
        ):
            out.write(",\n" if count else "\n")
            out.write(json.dumps(statement, ensure_ascii=False, separators=(",", ":")))
            count += 1
    out.write("\n]\n" if count else "]\n")
    return count


#: The person's id in the journal that ``person_journal`` builds.
PERSON_ID = 1


def person_journal(conn: psycopg.Connection, person_uuid: str) -> Journal:
    """One in-memory journal with the person (as ``PERSON_ID``) and their ended runs from every
    kiosk of the workshop, for the kiosk's own report builder. The caller closes it. It says it
    has every kiosk's runs as of now (``PULLED_AT_SETTING``), so the report says so too.

    Raises ``HubError`` when the hub has no such person (or not in the coach's workshop)."""
    people = _people(conn, [person_uuid])
    if person_uuid not in people:
        raise HubError(
            f"There is no person {person_uuid} on the hub (or not in your workshop).", "See `kiosk hub people`."
        )
    runs = sorted(_runs(conn, person_uuid), key=lambda row: (row[7], row[2] or "", row[3]))
    events = sorted(_events(conn, [row[0] for row in runs]), key=lambda row: (row[5], row[0], row[2]))
    names = _device_names(conn)
    journal = Journal.open_in_memory()
    try:
        _insert_person(journal, PERSON_ID, people[person_uuid])
        for device in sorted({row[2] for row in runs if row[2]}):
            _insert_device(journal, device, names.get(device, "kiosk"))
        run_id = {row[0]: number for number, row in enumerate(runs, start=1)}
        numbers = {(row[0], row[2]): number for number, row in enumerate(events, start=1)}
        _insert_runs(journal, runs, events, run_id, {person_uuid: PERSON_ID}, lambda row: numbers[(row[0], row[2])])
        # the day plan and what the worker did of it on every kiosk (the report's "The day")
        plan = conn.execute(
            "SELECT document, changed_stamp FROM hub.plans WHERE person_uuid = %s::uuid AND document IS NOT NULL",
            (person_uuid,),
        ).fetchone()
        if plan is not None:  # the stamp is the edit's time in ms (a hybrid logical clock's)
            journal.db.write(
                "INSERT INTO plans (person_id, document, changed_at_ms, changed_stamp) VALUES (?, ?, ?, ?)",
                (PERSON_ID, json.dumps(plan[0], ensure_ascii=False, separators=(",", ":")), plan[1], plan[1]),
            )
        plan_events = sorted(_plan_events(conn, person_uuid), key=lambda row: (row[8], row[2], row[3]))
        plan_numbers = {row[0]: number for number, row in enumerate(plan_events, start=1)}
        _insert_plan_events(journal, plan_events, lambda row: plan_numbers[row[0]], {person_uuid: PERSON_ID}, run_id)
        journal.set_setting(PULLED_AT_SETTING, to_ms(journal.now()))
    except BaseException:
        journal.close()
        raise
    return journal


def hub_export(
    url: str,
    out: TextIO,
    fmt: str,
    *,
    person_uuid: str | None = None,
    since: date | datetime | None = None,
    include_names: bool = False,
) -> int:
    """Connect (as a coach, or the administrator) and write the export; returns the rows or
    statements written."""
    with hub_errors(url), connect(url) as conn:
        snapshot(conn)
        if person_uuid is not None and not _people(conn, [person_uuid]):
            raise HubError(
                f"There is no person {person_uuid} on the hub (or not in your workshop).", "See `kiosk hub people`."
            )
        if fmt == "csv":
            return write_hub_csv(conn, out, person_uuid=person_uuid, since=since)
        return write_hub_xapi(conn, out, person_uuid=person_uuid, since=since, include_names=include_names)


__all__ = [
    "PERSON_ID",
    "hub_export",
    "kiosk_journals",
    "person_journal",
    "write_hub_csv",
    "write_hub_xapi",
]
