"""The journal's schema as a list of migrations, numbered by ``PRAGMA user_version``.

A journal file outlives program versions (it is the workers' history), so the schema is never
rewritten in place: each change is a new step appended to ``MIGRATIONS``, run once, in order, each
in its own transaction together with the bump of ``user_version``. A failed step leaves the file at
the previous version. Never edit a step that has shipped; add one.

Times are INTEGER milliseconds since the Unix epoch, UTC (see ``model.py``).
"""

from __future__ import annotations

import socket
import sqlite3
import time
import uuid
from typing import Callable

Migration = Callable[[sqlite3.Connection], None]


def run_script(db: sqlite3.Connection, script: str) -> None:
    """Execute a multi-statement script inside the caller's transaction.

    ``Connection.executescript`` would first COMMIT the open transaction, which would split a
    migration from its ``user_version`` bump; so statements are executed one at a time.
    """
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            db.execute(pending)
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement in migration: {pending.strip()[:80]}")


def _v1_initial(db: sqlite3.Connection) -> None:
    """People, runs, step events and settings: what the first kiosk recorded."""
    run_script(
        db,
        """
        CREATE TABLE people (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, even after a deletion
            name        TEXT    NOT NULL,
            photo       TEXT,
            language    TEXT    NOT NULL DEFAULT 'en',
            preferences TEXT    NOT NULL DEFAULT '{}',      -- JSON object
            archived    INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))
        );
        CREATE TABLE runs (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            person_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            pack_id       TEXT    NOT NULL,
            pack_version  INTEGER NOT NULL,
            content_hash  TEXT    NOT NULL,
            started_at_ms INTEGER NOT NULL,
            ended_at_ms   INTEGER,
            outcome       TEXT CHECK (outcome IN ('finished', 'abandoned', 'interrupted'))
        );
        CREATE INDEX runs_by_person ON runs(person_id);
        CREATE TABLE step_events (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: exports may key on it
            run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            step_number INTEGER NOT NULL CHECK (step_number >= 1),
            event       TEXT    NOT NULL CHECK (event IN ('shown', 'done', 'back', 'hear_again', 'help',
                                                          'timer_finished', 'count_tap')),
            at_ms       INTEGER NOT NULL
        );
        CREATE INDEX step_events_by_run ON step_events(run_id);
        CREATE TABLE settings (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL                            -- JSON
        ) WITHOUT ROWID;
        """,
    )


def _v2_devices_resume_durations(db: sqlite3.Connection) -> None:
    """Which kiosk recorded a run, resuming after a crash, the pack's step count, step durations.

    The device row for this kiosk is created here, once, and the runs recorded before devices were
    known are assigned to it: they can only have come from this journal's own kiosk.
    """
    run_script(
        db,
        """
        CREATE TABLE devices (
            id            TEXT    PRIMARY KEY,              -- a UUID
            name          TEXT    NOT NULL,
            created_at_ms INTEGER NOT NULL,
            this_device   INTEGER NOT NULL DEFAULT 0 CHECK (this_device IN (0, 1))
        );
        CREATE UNIQUE INDEX devices_only_one_local ON devices(this_device) WHERE this_device = 1;
        ALTER TABLE runs ADD COLUMN device_id TEXT REFERENCES devices(id);
        ALTER TABLE runs ADD COLUMN resumed_from INTEGER REFERENCES runs(id) ON DELETE SET NULL;
        ALTER TABLE runs ADD COLUMN step_count INTEGER CHECK (step_count IS NULL OR step_count >= 1);
        ALTER TABLE step_events ADD COLUMN duration_ms INTEGER CHECK (duration_ms IS NULL OR duration_ms >= 0);
        """,
    )
    device_id = str(uuid.uuid4())
    created = round(time.time() * 1000)
    db.execute(
        "INSERT INTO devices (id, name, created_at_ms, this_device) VALUES (?, ?, ?, 1)",
        (device_id, socket.gethostname() or "kiosk", created),
    )
    db.execute("UPDATE runs SET device_id = ? WHERE device_id IS NULL", (device_id,))


def _v3_progress_indexes(db: sqlite3.Connection) -> None:
    """Indexes that let progress figures read only the rows they need.

    * one worker's runs in time order (``person_progress``), and a week of runs (workshop summary);
    * help events only, via a partial index, so "steps needing help" never scans ordinary events;
    * the few open runs (start-up recovery) and the few resumed runs (joining interrupted runs).
    """
    run_script(
        db,
        """
        DROP INDEX runs_by_person;
        CREATE INDEX runs_by_person_time ON runs(person_id, started_at_ms);
        CREATE INDEX runs_by_time ON runs(started_at_ms);
        CREATE INDEX runs_open ON runs(id) WHERE outcome IS NULL;
        CREATE INDEX runs_by_resumed_from ON runs(resumed_from) WHERE resumed_from IS NOT NULL;
        CREATE INDEX step_events_help ON step_events(run_id, step_number) WHERE event = 'help';
        """,
    )


def furthest_step_sql(run_id: str) -> str:
    """SQL for the furthest step a run reached (its highest step number with any event)."""
    return f"(SELECT MAX(step_number) FROM step_events WHERE run_id = {run_id})"


def help_by_step_sql(run_id: str) -> str:
    """SQL for a run's help events per step, as JSON ``[[step, help events], ...]`` (``[]``: none)."""
    return (
        "(SELECT json_group_array(json_array(step_number, help_events)) FROM "
        f"(SELECT step_number, COUNT(*) AS help_events FROM step_events WHERE run_id = {run_id} AND event = 'help' "
        "GROUP BY step_number ORDER BY step_number))"
    )


def _v4_run_summaries(db: sqlite3.Connection) -> None:
    """What progress needs from a run's events, written on the run when it ends.

    Once a run has ended its events never change (``record_step`` only accepts open runs), so its
    furthest step and its help per step can be worked out once, by SQL, at ``finish_run`` or
    recovery. Progress then reads runs only: one range of the covering index below per worker,
    instead of a seek into the events for every run (thousands of scattered pages on a cold
    start). Runs that ended before this version have NULL here; progress works these out from
    the events as before (``furthest_step_sql``, ``help_by_step_sql``). The partial help index
    has no reader left and is dropped, so help events cost one index less to write.
    """
    run_script(
        db,
        """
        ALTER TABLE runs ADD COLUMN furthest_step INTEGER;
        ALTER TABLE runs ADD COLUMN help_by_step TEXT;   -- JSON [[step, help events], ...]; NULL while open
        DROP INDEX runs_by_person_time;
        DROP INDEX step_events_help;
        CREATE INDEX runs_by_person_time ON runs(
            person_id, started_at_ms, id, pack_id, pack_version, ended_at_ms, outcome, resumed_from, step_count,
            furthest_step, help_by_step);
        """,
    )


#: A random (version 4) UUID as text, made by SQLite itself: filling the ids of a year of step
#: events row by row through Python would cost minutes; this is one UPDATE. randomblob() draws from
#: SQLite's own cryptographic-quality generator, as good for uniqueness as Python's uuid4().
UUID4_SQL = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || "
    "substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
)


def _v5_global_ids(db: sqlite3.Connection) -> None:
    """Ids that are unique across kiosks, for the workshop hub (docs/hub.md).

    Local integer ids stay (the UI, exports and links between rows use them); next to them people,
    runs and step events get a UUID made on this kiosk (devices already have one), so two kiosks
    can put their records into one hub without renumbering anything. Existing rows get random
    UUIDs here; new rows get ``uuid4()`` when ``Journal`` inserts them.

    * ``people.changed_stamp``: a hybrid logical clock stamp of the last edit (docs/hub.md), so an
      edit made on two kiosks resolves to the later one even when the tablets' clocks drift; 0 for
      people never edited since this version.
    * ``tombstones``: the UUIDs of people deleted here or through the hub (a UUID, nothing else),
      so a deletion reaches the hub and every other kiosk, and a person deleted is never pulled
      back in.
    * Step events get no index on their UUID: nothing here looks an event up by it, and an index of
      random keys would slow every durable append; the hub enforces uniqueness.
    """
    run_script(
        db,
        f"""
        ALTER TABLE people ADD COLUMN uuid TEXT;
        ALTER TABLE people ADD COLUMN changed_stamp INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN uuid TEXT;
        ALTER TABLE step_events ADD COLUMN uuid TEXT;
        UPDATE people SET uuid = {UUID4_SQL} WHERE uuid IS NULL;
        UPDATE runs SET uuid = {UUID4_SQL} WHERE uuid IS NULL;
        UPDATE step_events SET uuid = {UUID4_SQL} WHERE uuid IS NULL;
        CREATE UNIQUE INDEX people_by_uuid ON people(uuid);
        CREATE UNIQUE INDEX runs_by_uuid ON runs(uuid);
        CREATE TABLE tombstones (
            uuid          TEXT    PRIMARY KEY,             -- of the person deleted; nothing else about them
            deleted_at_ms INTEGER NOT NULL,
            on_hub        INTEGER NOT NULL DEFAULT 0 CHECK (on_hub IN (0, 1))  -- the hub has it
        ) WITHOUT ROWID;
        """,
    )


def _v6_support_levels_and_help_calls(db: sqlite3.Connection) -> None:
    """The support level each step was shown at, and help calls with their wait.

    * ``step_events.level``: 0 grouped, 1 reduced, 2 full (``kiosk.support.Level``), on the
      'shown' and 'done' events of a step; NULL for events from before this version (their level
      is not known: progress treats them as before).
    * ``runs.support_level``: the most support any step of the run was shown at, written when the
      run ends (like its furthest step), so progress can say "learned" only for a task done alone
      at reduced support or less without reading events; the covering index gets it too.
    * ``help_calls``: a coach answered a worker's help call at a step after ``waited_ms``; the call
      itself is the step's 'help' event.
    """
    run_script(
        db,
        """
        ALTER TABLE step_events ADD COLUMN level INTEGER CHECK (level IS NULL OR level BETWEEN 0 AND 2);
        ALTER TABLE runs ADD COLUMN support_level INTEGER CHECK (support_level IS NULL OR support_level BETWEEN 0 AND 2);
        DROP INDEX runs_by_person_time;
        CREATE INDEX runs_by_person_time ON runs(
            person_id, started_at_ms, id, pack_id, pack_version, ended_at_ms, outcome, resumed_from, step_count,
            furthest_step, help_by_step, support_level);
        CREATE TABLE help_calls (
            id            INTEGER PRIMARY KEY,
            run_id        INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            step_number   INTEGER NOT NULL CHECK (step_number >= 1),
            answered_at_ms INTEGER NOT NULL,
            waited_ms     INTEGER NOT NULL CHECK (waited_ms >= 0)
        );
        CREATE INDEX help_calls_by_run ON help_calls(run_id);
        """,
    )


def _v7_day_plans(db: sqlite3.Connection) -> None:
    """Day plans (``kiosk.plan``, docs/plan-format.md): one plan per worker, and what happened to
    its items.

    * ``plans``: the worker's plan as one JSON document (format 1, the same shape as the coach's
      YAML file), so a plan is replaced whole: a half-saved plan cannot exist.
    * ``plan_events``: started, done, skipped, reminded, per item and *local* day (``day`` as
      ``YYYY-MM-DD`` in the plan's time zone, so a clock set back or a DST change never moves an
      event to another day); ``due_at_ms`` is when the item was planned that day (on time or not,
      for the report), ``run_id`` the pack run that did it. Both go with the person (cascade).
    """
    run_script(
        db,
        """
        CREATE TABLE plans (
            person_id     INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
            document      TEXT    NOT NULL,                -- JSON, kiosk.plan format 1
            changed_at_ms INTEGER NOT NULL
        );
        CREATE TABLE plan_events (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: exports may key on it
            person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            day         TEXT    NOT NULL,                   -- local date, YYYY-MM-DD
            item_id     TEXT    NOT NULL,
            event       TEXT    NOT NULL CHECK (event IN ('started', 'done', 'skipped', 'reminded')),
            at_ms       INTEGER NOT NULL,
            due_at_ms   INTEGER,
            run_id      INTEGER REFERENCES runs(id) ON DELETE SET NULL,
            uuid        TEXT    NOT NULL
        );
        CREATE INDEX plan_events_by_person_day ON plan_events(person_id, day);
        """,
    )


def _v8_plans_on_the_hub(db: sqlite3.Connection) -> None:
    """What the workshop hub needs to let a worker's day plan follow them across kiosks (docs/hub.md).

    * ``plans.changed_stamp``: a hybrid logical clock stamp of the last edit of the plan, like
      ``people.changed_stamp``, so the same plan edited on two kiosks resolves to the later edit even
      when the tablets' clocks drift. Plans edited before this version get their edit time.
    * ``plan_events.device_id``: the kiosk that recorded the event; NULL is this kiosk (every event
      before this version, and every event recorded here). Events of other kiosks, pulled from the
      hub, name their kiosk, so Now / Next and reminders know what the worker did elsewhere today,
      while exports and the sync's push keep to this kiosk's own (``OWN_PLAN_EVENT_SQL``).
    * A unique index on ``plan_events.uuid``: an event pulled twice is kept once. Plan events are a
      few a day per worker, so the index costs nothing that matters (unlike step events).
    """
    run_script(
        db,
        """
        ALTER TABLE plans ADD COLUMN changed_stamp INTEGER NOT NULL DEFAULT 0;
        UPDATE plans SET changed_stamp = changed_at_ms;
        ALTER TABLE plan_events ADD COLUMN device_id TEXT REFERENCES devices(id);
        CREATE UNIQUE INDEX plan_events_by_uuid ON plan_events(uuid);
        """,
    )


#: Step N (1-based) brings a journal from user_version N-1 to N.
MIGRATIONS: tuple[Migration, ...] = (
    _v1_initial,
    _v2_devices_resume_durations,
    _v3_progress_indexes,
    _v4_run_summaries,
    _v5_global_ids,
    _v6_support_levels_and_help_calls,
    _v7_day_plans,
    _v8_plans_on_the_hub,
)

SCHEMA_VERSION = len(MIGRATIONS)
