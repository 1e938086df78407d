"""A damaged or empty journal is never overwritten or recreated silently, and a journal can be
read without ever being written (read-only storage, read-only commands)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.journal import Journal, JournalError, set_aside_damaged
from storage_faults import folder_for_an_ordinary_user, in_unprivileged_process, remount_read_only, tiny_filesystem


def _journal_with_anna(path: Path, clock) -> None:
    with Journal.open(path, clock=clock) as journal:
        anna = journal.add_person("Anna")
        journal.set_setting("trainer.pin", {"scheme": "scrypt", "hash": "x"})
        run_id = journal.start_run(anna.id, "p", 1, "h", step_count=3)
        for _ in range(200):
            journal.record_step(run_id, 1, "count_tap")


def test_an_empty_file_is_damaged_and_left_as_it_is(tmp_path):
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"")
    for opener in (Journal.open, Journal.open_read_only):
        with pytest.raises(JournalError) as caught:
            opener(path)
        assert caught.value.kind == "damaged"
        assert "empty" in caught.value.message
        assert path.stat().st_size == 0  # not turned into a fresh journal
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.sqlite3"]


def test_a_truncated_journal_is_damaged(tmp_path, clock):
    path = tmp_path / "journal.sqlite3"
    _journal_with_anna(path, clock)
    data = path.read_bytes()
    assert len(data) > 8192
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(JournalError) as caught:
        Journal.open(path)
    assert caught.value.kind == "damaged" and "cut short" in caught.value.message
    assert path.read_bytes() == data[: len(data) // 2]


def test_something_else_is_damaged(tmp_path):
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"PK\x03\x04 a zip file copied over the journal" * 10)
    with pytest.raises(JournalError) as caught:
        Journal.open(path)
    assert caught.value.kind == "damaged"


def test_missing_is_created_only_when_asked(tmp_path):
    path = tmp_path / "journal.sqlite3"
    for opener in (lambda p: Journal.open(p, create=False), Journal.open_read_only):
        with pytest.raises(JournalError) as caught:
            opener(path)
        assert caught.value.kind == "missing" and "kiosk run" in caught.value.hint
    assert not path.exists()
    Journal.open(path).close()
    assert path.exists()


def test_set_aside_keeps_every_file_under_a_dated_name(tmp_path, clock):
    path = tmp_path / "journal.sqlite3"
    _journal_with_anna(path, clock)
    (tmp_path / "journal.sqlite3-wal").write_bytes(b"wal")
    (tmp_path / "journal.sqlite3-shm").write_bytes(b"shm")
    first = set_aside_damaged(path, now=clock())
    path.write_bytes(b"")
    second = set_aside_damaged(path, now=clock())
    assert first.name == "journal.sqlite3.damaged-" + clock().strftime("%Y%m%dT%H%M%SZ")
    assert second.name == first.name + "-2"
    assert (tmp_path / (first.name + "-wal")).read_bytes() == b"wal"
    assert (tmp_path / (first.name + "-shm")).read_bytes() == b"shm"
    assert not path.exists()
    with Journal.open_read_only(first) as kept:
        assert [p.name for p in kept.people()] == ["Anna"]


def test_read_only_open_reads_and_never_writes(tmp_path, clock):
    path = tmp_path / "journal.sqlite3"
    _journal_with_anna(path, clock)
    before = path.read_bytes()
    with Journal.open_read_only(path) as journal:
        assert [p.name for p in journal.people()] == ["Anna"]
        assert journal.get_setting("trainer.pin")["scheme"] == "scrypt"
        with pytest.raises(JournalError) as caught:
            journal.add_person("Ben")
        assert caught.value.kind == "read_only"
    assert path.read_bytes() == before  # (SQLite may make its own -wal/-shm index files beside it)


def test_read_only_open_refuses_an_older_journal(tmp_path):
    path = tmp_path / "journal.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE t (x)")
    raw.commit()
    raw.close()
    with pytest.raises(JournalError) as caught:
        Journal.open_read_only(path)
    assert "older" in caught.value.message and "kiosk once" in caught.value.hint


def test_a_damaged_setting_never_reads_as_unset(journal):
    journal.db.write("INSERT INTO settings (key, value) VALUES ('trainer.pin', '{not json')")
    with pytest.raises(JournalError) as caught:
        journal.get_setting("trainer.pin")
    assert caught.value.kind == "damaged"


@pytest.fixture
def shared_folder():
    with folder_for_an_ordinary_user("journal-damage") as folder:
        yield folder


def test_read_only_folder_as_an_ordinary_user(shared_folder, clock):
    path = shared_folder / "journal.sqlite3"
    _journal_with_anna(path, clock)
    for file in shared_folder.iterdir():
        file.chmod(0o444)
    shared_folder.chmod(0o555)
    try:

        def read() -> str:
            with Journal.open_read_only(path) as journal:
                return ",".join(p.name for p in journal.people())

        assert in_unprivileged_process(read) == "Anna"
    finally:
        shared_folder.chmod(0o755)


def test_read_only_medium(tmp_path, clock):
    with tiny_filesystem(tmp_path / "tiny", size="16m") as disk:
        path = disk / "journal.sqlite3"
        _journal_with_anna(path, clock)
        remount_read_only(disk)
        with pytest.raises(JournalError) as caught:
            Journal.open(path).close()
        assert caught.value.kind == "read_only"
        with Journal.open_read_only(path) as journal:
            assert [p.name for p in journal.people()] == ["Anna"]


def test_full_disk_io_error_says_full(tmp_path):
    """An I/O error when the card has no space left is called "full", not "failing"."""
    from kiosk.journal.errors import describe

    with tiny_filesystem(tmp_path / "tiny", size="64k") as disk:
        from storage_faults import fill_disk

        fill_disk(disk)
        error = describe(sqlite3.OperationalError("disk I/O error"), disk / "journal.sqlite3")
        assert error.kind == "full" and "storage is full" in error.message


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=9000), keep_header=st.booleans())
def test_random_bytes_never_crash_an_open(tmp_path_factory, data, keep_header):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "journal.sqlite3"
    if keep_header:  # a real header, then garbage: damage that only SQLite itself can find
        Journal.open(path).close()
        real = path.read_bytes()
        data = real[:100] + data + real[100 + len(data) :]
    path.write_bytes(data)
    for opener in (Journal.open_read_only, Journal.open):
        try:
            with opener(path) as journal:
                journal.people()
                journal.get_setting("trainer.pin")
        except JournalError as error:
            assert error.message and error.hint
