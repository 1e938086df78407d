"""Storage trouble becomes a JournalError in plain words: full, read-only, unopenable, damaged,
or written by a newer program. The journal stays usable once the trouble is gone."""

from __future__ import annotations

import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest

from kiosk.journal import Journal, JournalError
from storage_faults import fill_disk, in_unprivileged_process, tiny_filesystem


def _assert_plain_words(error: JournalError) -> None:
    assert error.message and error.hint
    words = (error.message + error.hint).replace(str(error.path), "").replace(str(error.path.parent), "")
    assert "sqlite" not in words.lower() and "database" not in words.lower()
    assert str(error) == f"{error.message} {error.hint}"


def _fill_until_error(journal: Journal, run_id: int, limit: int = 5000) -> JournalError:
    for _ in range(limit):
        try:
            journal.record_step(run_id, 1, "count_tap")
        except JournalError as error:
            return error
    raise AssertionError(f"{limit} writes and still no JournalError")


def test_full_disk_via_page_limit(journal):
    """``PRAGMA max_page_count`` makes SQLite hit its size limit exactly as on a full disk
    (SQLITE_FULL, "database or disk is full") without needing a real full disk."""
    anna = journal.add_person("Anna")
    run_id = journal.start_run(anna.id, "p", 1, "h")
    pages = journal.db.read_one("PRAGMA page_count")[0]
    journal.db.connection.execute(f"PRAGMA max_page_count = {pages + 2}")
    before = journal.db.read_one("SELECT COUNT(*) FROM step_events")[0]
    error = _fill_until_error(journal, run_id)
    assert "storage is full" in error.message and "space" in error.hint
    _assert_plain_words(error)
    assert isinstance(error.__cause__, sqlite3.OperationalError)
    assert not journal.db.connection.in_transaction  # the failed write left nothing half-done
    stored = journal.db.read_one("SELECT COUNT(*) FROM step_events")[0]
    assert stored > before
    journal.db.connection.execute("PRAGMA max_page_count = 1073741823")  # space freed
    journal.record_step(run_id, 1, "done")
    assert journal.db.read_one("SELECT COUNT(*) FROM step_events")[0] == stored + 1
    assert journal.db.read_one("PRAGMA integrity_check") == ("ok",)


class _StorageFailsOnNewRuns:
    """A connection whose inserts into ``runs`` fail as on a full disk (everything else works)."""

    def __init__(self, real: sqlite3.Connection) -> None:
        self.real = real

    def execute(self, sql: str, params=()):
        if sql.startswith("INSERT INTO runs"):
            raise sqlite3.OperationalError("database or disk is full")
        return self.real.execute(sql, params)

    def __getattr__(self, name: str):
        return getattr(self.real, name)


def test_a_failed_multi_statement_write_is_rolled_back_whole(journal, player):
    """resume_run first marks the open run interrupted, then inserts the new run; when the insert
    fails, the mark must not stay either."""
    anna = journal.add_person("Anna")
    first = player.run(anna.id, stop_after=2, outcome=None)
    real = journal.db.connection
    journal.db.connection = _StorageFailsOnNewRuns(real)
    try:
        with pytest.raises(JournalError, match="full"):
            journal.resume_run(first)
    finally:
        journal.db.connection = real
    assert not real.in_transaction
    assert journal.run(first).outcome is None
    assert journal.resume_run(first) == first + 1  # and it works once there is space


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A real 1 MB file system (tmpfs): needs root and permission to mount, else the test is skipped
    (the page-limit test above covers the same path everywhere)."""
    with tiny_filesystem(tmp_path / "tiny") as disk:
        yield disk


def test_really_full_disk(tiny_disk, clock):
    with Journal.open(tiny_disk / "journal.sqlite3", clock=clock) as journal:
        anna = journal.add_person("Anna")
        run_id = journal.start_run(anna.id, "p", 1, "h")
        journal.record_step(run_id, 1, "shown")
        filler = fill_disk(tiny_disk)
        error = _fill_until_error(journal, run_id)
        assert "storage is full" in error.message
        _assert_plain_words(error)
        filler.unlink()  # the trainer frees space; the kiosk goes on
        journal.record_step(run_id, 1, "done")
        assert journal.db.read_one("PRAGMA integrity_check") == ("ok",)


def test_read_only_medium(tiny_disk, clock):
    path = tiny_disk / "journal.sqlite3"
    with Journal.open(path, clock=clock) as journal:
        journal.add_person("Anna")
    remounted = subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], capture_output=True, text=True)
    if remounted.returncode != 0:
        pytest.skip(f"cannot remount read-only: {remounted.stderr.strip()}")
    with pytest.raises(JournalError) as caught:
        Journal.open(path, clock=clock).close()
    assert "read-only" in caught.value.message
    _assert_plain_words(caught.value)


def test_read_only_journal_on_write(journal):
    """A journal that became read-only while open (``query_only`` gives SQLite's own read-only
    error, "attempt to write a readonly database", also when the tests run as root)."""
    anna = journal.add_person("Anna")
    run_id = journal.start_run(anna.id, "p", 1, "h")
    journal.db.connection.execute("PRAGMA query_only = ON")
    with pytest.raises(JournalError) as caught:
        journal.record_step(run_id, 1, "shown")
    assert "read-only" in caught.value.message
    _assert_plain_words(caught.value)
    assert [person.name for person in journal.people()] == ["Anna"]  # reading still works


@pytest.fixture
def shared_folder():
    """A folder an unprivileged user can reach (pytest's own temporary folders are root's only)."""
    with tempfile.TemporaryDirectory(prefix="journal-ro-") as name:
        folder = Path(name)
        folder.chmod(0o755)
        yield folder
        for path in folder.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)


def test_read_only_file_and_folder(shared_folder, clock):
    path = shared_folder / "data" / "journal.sqlite3"
    with Journal.open(path, clock=clock) as journal:
        journal.add_person("Anna")
    for file in path.parent.iterdir():
        file.chmod(0o444)

    def add_someone() -> str:
        read = "nothing"
        try:
            with Journal.open(path) as journal:
                read = ",".join(person.name for person in journal.people())
                journal.add_person("Ben")
                return "saved"
        except JournalError as error:
            return f"read {read}; {error.message}"

    read_only = "The kiosk could not save: its journal is read-only."
    path.parent.chmod(0o555)  # a write-protected folder: not even the write-ahead log can be made
    assert in_unprivileged_process(add_someone) == f"read nothing; {read_only}"
    path.parent.chmod(0o777)  # a read-only file in a writable folder: reading works, saving does not
    assert in_unprivileged_process(add_someone) == f"read Anna; {read_only}"


def test_unopenable_location(tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("I am a file")
    with pytest.raises(JournalError) as caught:
        Journal.open(not_a_folder / "journal.sqlite3")
    assert "could not open" in caught.value.message
    _assert_plain_words(caught.value)


def test_damaged_file(tmp_path):
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"this is not a journal at all" * 200)
    with pytest.raises(JournalError) as caught:
        Journal.open(path)
    assert "damaged" in caught.value.message
    _assert_plain_words(caught.value)


def test_journal_from_a_newer_program_is_left_alone(data_dir):
    with Journal.open(data_dir.journal):
        pass
    with sqlite3.connect(data_dir.journal) as raw:
        raw.execute("PRAGMA user_version = 99")
    raw.close()
    with pytest.raises(JournalError) as caught:
        Journal.open(data_dir.journal)
    assert "newer" in caught.value.message and "Update" in caught.value.hint
    with sqlite3.connect(data_dir.journal) as raw:
        assert raw.execute("PRAGMA user_version").fetchone() == (99,)
    raw.close()
