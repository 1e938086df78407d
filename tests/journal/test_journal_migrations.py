"""Migrations: a journal written by an older kiosk opens with all its history, at the current
schema version; a migration that fails leaves the file as it was."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import pytest

import kiosk.journal.db as db_module
from kiosk.journal import Journal
from kiosk.journal.progress import person_progress
from kiosk.journal.schema import MIGRATIONS, SCHEMA_VERSION

# The schema exactly as the first kiosk shipped it (user_version 1), written out here on purpose:
# the test must keep describing old files even when schema.py moves on.
VERSION_1 = """
CREATE TABLE people (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, photo TEXT,
    language TEXT NOT NULL DEFAULT 'en', preferences TEXT NOT NULL DEFAULT '{}',
    archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)));
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    pack_id TEXT NOT NULL, pack_version INTEGER NOT NULL, content_hash TEXT NOT NULL,
    started_at_ms INTEGER NOT NULL, ended_at_ms INTEGER,
    outcome TEXT CHECK (outcome IN ('finished', 'abandoned', 'interrupted')));
CREATE INDEX runs_by_person ON runs(person_id);
CREATE TABLE step_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step_number INTEGER NOT NULL CHECK (step_number >= 1),
    event TEXT NOT NULL CHECK (event IN ('shown', 'done', 'back', 'hear_again', 'help', 'timer_finished', 'count_tap')),
    at_ms INTEGER NOT NULL);
CREATE INDEX step_events_by_run ON step_events(run_id);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
PRAGMA user_version = 1;
"""

T0 = int(datetime(2025, 6, 2, 9, 0, tzinfo=timezone.utc).timestamp() * 1000)


def _make_version_1_journal(path) -> None:
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA journal_mode = WAL")
    raw.executescript(VERSION_1)
    raw.execute(
        "INSERT INTO people (name, photo, language, preferences) VALUES ('Anna', 'people/anna.jpg', 'de', "
        "'{\"voice_rate\": 0.8}')"
    )
    raw.execute("INSERT INTO people (name, archived) VALUES ('Ben', 1)")
    raw.execute(
        "INSERT INTO runs (person_id, pack_id, pack_version, content_hash, started_at_ms, ended_at_ms, outcome) "
        "VALUES (1, 'sandwich', 3, 'abc', ?, ?, 'finished')",
        (T0, T0 + 40_000),
    )
    raw.execute(
        "INSERT INTO runs (person_id, pack_id, pack_version, content_hash, started_at_ms) "
        "VALUES (1, 'sandwich', 3, 'abc', ?)",
        (T0 + 3_600_000,),
    )  # left open by a crash
    for step in (1, 2, 3, 4):
        raw.execute(
            "INSERT INTO step_events (run_id, step_number, event, at_ms) VALUES (1, ?, 'shown', ?)",
            (step, T0 + step * 10_000 - 9_000),
        )
        if step == 2:
            raw.execute(
                "INSERT INTO step_events (run_id, step_number, event, at_ms) VALUES (1, 2, 'help', ?)", (T0 + 15_000,)
            )
        raw.execute(
            "INSERT INTO step_events (run_id, step_number, event, at_ms) VALUES (1, ?, 'done', ?)",
            (step, T0 + step * 10_000),
        )
    raw.execute(
        "INSERT INTO step_events (run_id, step_number, event, at_ms) VALUES (2, 1, 'shown', ?)", (T0 + 3_601_000,)
    )
    raw.execute("INSERT INTO settings VALUES ('trainer_pin', '\"scrypt$old\"')")
    raw.commit()
    raw.close()


def test_version_1_journal_keeps_its_history(tmp_path):
    path = tmp_path / "journal.sqlite3"
    _make_version_1_journal(path)
    with Journal.open(path) as journal:
        assert journal.db.schema_version == SCHEMA_VERSION == 8
        anna, ben = journal.people(include_archived=True)
        assert (anna.name, anna.photo, anna.language, dict(anna.preferences)) == (
            "Anna",
            "people/anna.jpg",
            "de",
            {"voice_rate": 0.8},
        )
        assert ben.archived
        assert journal.get_setting("trainer_pin") == "scrypt$old"
        finished, crashed = journal.runs(anna.id)
        assert (finished.outcome, finished.pack_version, finished.content_hash) == ("finished", 3, "abc")
        assert finished.step_count is None and finished.resumed_from is None
        assert finished.device_id == crashed.device_id == journal.device.id  # old runs came from this kiosk
        events = journal.events(finished.id)
        assert [event.event for event in events[2:5]] == ["shown", "help", "done"]
        assert len(events) == 9 and all(event.duration_ms is None for event in events)
        # new features work on old data: recovery, resuming, progress (pack size from the furthest
        # step; the old finished run has no summary columns, so progress reads its events)
        assert journal.db.read_one("SELECT furthest_step, help_by_step FROM runs WHERE id = ?", (finished.id,)) == (
            None,
            None,
        )
        [recovered] = journal.recover_interrupted()
        assert recovered.id == crashed.id and recovered.last_shown_step == 1
        assert journal.resume_run(crashed.id) > crashed.id
        [progress] = person_progress(journal, anna.id)
        assert progress.runs_detail[0].independence == 0.75 and progress.runs_detail[0].duration_s == 40.0
        indexes = {row[0] for row in journal.db.read("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"runs_by_person_time", "runs_by_time", "runs_open", "runs_by_resumed_from"} <= indexes
        assert not {"runs_by_person", "step_events_help"} & indexes
        assert journal.db.read("PRAGMA foreign_key_check") == []
        assert journal.db.read_one("PRAGMA integrity_check") == ("ok",)
    with Journal.open(path) as again:  # opening again changes nothing
        assert again.db.schema_version == SCHEMA_VERSION
        assert again.db.read_one("SELECT COUNT(*) FROM devices") == (1,)


@pytest.mark.parametrize("start_version", range(0, SCHEMA_VERSION + 1))
def test_every_older_version_migrates(tmp_path, start_version):
    path = tmp_path / "journal.sqlite3"
    if start_version:  # version 0 is no file at all: an existing empty file is a damaged journal
        raw = sqlite3.connect(path, isolation_level=None)
        for number, migration in enumerate(MIGRATIONS[:start_version], start=1):
            raw.execute("BEGIN")
            migration(raw)
            raw.execute(f"PRAGMA user_version = {number}")
            raw.execute("COMMIT")
        raw.close()
    with Journal.open(path) as journal:
        assert journal.db.schema_version == SCHEMA_VERSION
        anna = journal.add_person("Anna")
        journal.record_step(journal.start_run(anna.id, "p", 1, "h", step_count=2), 2, "done", duration_ms=5)


def test_a_failing_migration_leaves_the_journal_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "journal.sqlite3"
    with Journal.open(path) as journal:
        journal.add_person("Anna")

    def broken(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("migration bug")

    monkeypatch.setattr(db_module, "MIGRATIONS", MIGRATIONS + (broken,))
    monkeypatch.setattr(db_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(RuntimeError, match="migration bug"):
        Journal.open(path)
    monkeypatch.undo()
    with Journal.open(path) as journal:
        assert journal.db.schema_version == SCHEMA_VERSION
        assert journal.db.read("SELECT name FROM sqlite_master WHERE name = 'half_done'") == []
        assert [person.name for person in journal.people()] == ["Anna"]


def test_migration_8_readies_a_version_7_journals_plans_for_the_hub(tmp_path):
    """A plan stored before v8 gets its edit time as its stamp (so a later edit on another kiosk
    still wins), its plan events count as this kiosk's own, and an event's UUID is kept once."""
    path = tmp_path / "journal.sqlite3"
    raw = sqlite3.connect(path, isolation_level=None)
    for number, migration in enumerate(MIGRATIONS[:7], start=1):
        raw.execute("BEGIN")
        migration(raw)
        raw.execute(f"PRAGMA user_version = {number}")
        raw.execute("COMMIT")
    raw.execute("INSERT INTO people (name, uuid) VALUES ('Old Worker', 'u-1')")
    raw.execute("INSERT INTO plans (person_id, document, changed_at_ms) VALUES (1, '{\"format\": 1}', ?)", (T0,))
    raw.execute(
        "INSERT INTO plan_events (person_id, day, item_id, event, at_ms, uuid) VALUES (1, '2026-03-02', 'a', 'done', ?, 'e-1')",
        (T0,),
    )
    raw.close()
    with Journal.open(path) as journal:
        assert journal.db.schema_version == SCHEMA_VERSION == 8
        assert journal.db.read_one("SELECT changed_stamp FROM plans") == (T0,)
        assert journal.db.read_one("SELECT device_id FROM plan_events") == (None,)
        with pytest.raises(Exception, match="UNIQUE"):
            journal.db.write(
                "INSERT INTO plan_events (person_id, day, item_id, event, at_ms, uuid) "
                "VALUES (1, '2026-03-02', 'a', 'done', 1, 'e-1')"
            )
        assert journal.db.read_one("PRAGMA integrity_check") == ("ok",)
