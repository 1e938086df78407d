"""Durability: the settings that make a returned write survive a crash, a writer killed at random
moments, and a reader working beside a writer."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from journal_testing import Player
from kiosk.journal import Journal
from kiosk.journal.progress import person_progress
from kiosk.journal.schema import SCHEMA_VERSION
from kiosk.paths import PROJECT_ROOT

CRASH_WRITER = Path(__file__).with_name("crash_writer.py")


def test_connection_settings_are_the_durable_ones(journal):
    def pragma(name: str):
        return journal.db.read_one(f"PRAGMA {name}")[0]

    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 2  # FULL: the log is fsync'ed at every commit
    assert pragma("foreign_keys") == 1
    assert pragma("secure_delete") == 1
    assert pragma("busy_timeout") == 5000
    assert pragma("user_version") == SCHEMA_VERSION
    assert not journal.db.connection.in_transaction  # every call committed before returning


def _promises(output: str) -> dict[str, list[int]]:
    """What the killed writer reported as durable: only complete lines count."""
    promised: dict[str, list[int]] = {"event": [], "run": [], "finished": [], "person": [], "interrupted": []}
    for line in output.splitlines(keepends=True):
        if not line.endswith("\n"):
            continue  # cut off by the kill mid-print
        kind, _, number = line.strip().partition(" ")
        promised[kind].append(int(number))
    return promised


def test_every_reported_write_survives_sigkill(tmp_path):
    """30 times: start a writer, kill it (SIGKILL: no clean-up at all) at a random moment, then
    check every event, run and finish it reported is in the file, and the file is intact."""
    seed = int(os.environ.get("CRASH_SEED", time.time_ns() % 1_000_000))
    chance = random.Random(seed)
    path = tmp_path / "journal.sqlite3"
    all_events: set[int] = set()
    finished_runs: set[int] = set()
    writes_seen = 0
    started = time.monotonic()
    for iteration in range(30):
        writer = subprocess.Popen(
            [sys.executable, str(CRASH_WRITER), str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=PROJECT_ROOT,
        )
        time.sleep(chance.uniform(0.05, 0.5))  # sometimes during start-up and migration, mostly mid-write
        writer.send_signal(signal.SIGKILL)
        output, errors = writer.communicate(timeout=10)
        assert writer.returncode == -signal.SIGKILL, f"writer failed (seed {seed}): {errors}"
        promised = _promises(output)
        all_events.update(promised["event"])
        finished_runs.update(promised["finished"])
        writes_seen += len(promised["event"])
        if not path.exists():
            continue  # killed before the file was created
        with sqlite3.connect(path) as check:
            assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)], f"seed {seed}"
            assert check.execute("PRAGMA foreign_key_check").fetchall() == []
            tables = {row[0] for row in check.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            # Killed while the first writer was still creating the schema: the file exists but has
            # no tables yet, so it holds no events, and no event may have been reported either.
            stored = (
                {row[0] for row in check.execute("SELECT id FROM step_events")} if "step_events" in tables else set()
            )
            missing = all_events - stored
            assert not missing, f"iteration {iteration}, seed {seed}: reported events lost: {sorted(missing)[:10]}"
            outcomes = dict(check.execute("SELECT id, outcome FROM runs")) if "runs" in tables else {}
            assert all(outcomes[run_id] == "finished" for run_id in finished_runs), f"seed {seed}"
            assert all(run_id in outcomes for run_id in promised["run"]), f"seed {seed}"
        check.close()
    print(f"crash test: seed {seed}, {writes_seen} reported events, {len(finished_runs)} finished runs")
    assert writes_seen > 100, "the writer hardly wrote anything; the test proved little"
    assert time.monotonic() - started < 30
    with Journal.open(path) as journal:  # and the kiosk starts normally afterwards
        interrupted = journal.recover_interrupted()
        assert all(run.outcome == "interrupted" for run in interrupted)
        assert journal.db.read_one("SELECT COUNT(*) FROM runs WHERE outcome IS NULL") == (0,)


def test_a_reader_computes_progress_while_the_kiosk_writes(data_dir, journal, clock):
    """The progress view opens its own Journal in another thread; WAL lets it read committed
    data while the kiosk keeps writing, without errors or waiting."""
    anna = journal.add_person("Anna")
    player = Player(journal, clock)
    ready = threading.Event()
    done = threading.Event()
    seen: list[int] = []
    failures: list[BaseException] = []

    def progress_view() -> None:
        try:
            with Journal.open(data_dir.journal) as reader:
                ready.set()
                while not done.is_set():
                    progress = person_progress(reader, anna.id)
                    seen.append(progress[0].runs if progress else 0)
                seen.append(person_progress(reader, anna.id)[0].runs)
        except BaseException as error:  # reported to the test thread
            failures.append(error)

    thread = threading.Thread(target=progress_view)
    thread.start()
    try:
        assert ready.wait(timeout=10)
        for number in range(40):
            player.run(anna.id, help_on={number % 5 + 1})
            time.sleep(0.005)  # a worker takes seconds per step; give the reader turns
    finally:
        ready.set()
        done.set()
        thread.join(timeout=30)
    assert not failures, failures
    assert len(seen) > 5
    assert seen == sorted(seen), "a reader must never see the history shrink"
    assert seen[-1] == 40


def test_a_journal_belongs_to_the_thread_that_opened_it(journal):
    errors: list[BaseException] = []

    def misuse() -> None:
        try:
            journal.people()
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=misuse)
    thread.start()
    thread.join()
    assert errors and isinstance(errors[0], sqlite3.ProgrammingError)
