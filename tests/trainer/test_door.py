"""The trainer door fails closed (Kivy-free): the kiosk's journal choice and the door's answers
for every kind of journal, including random bytes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.journal import Journal
from kiosk.trainer import DoorClosedError, DoorState, LockoutMemory, PinGuard, TrainerDoor
from kiosk.ui.storage import open_storage

PIN = "4071"


def door_for(path):
    storage = open_storage(path)
    store = LockoutMemory(storage.journal)
    return storage, TrainerDoor(PinGuard(store), store, writable=storage.writable, closed=storage.closed_door())


def test_a_new_journal_asks_for_a_new_pin(tmp_path):
    storage, door = door_for(tmp_path / "journal.sqlite3")
    assert storage.mode == "ok" and door.state()[0] is DoorState.NEW
    door.set_new_pin(PIN)
    assert door.state()[0] is DoorState.CHECK and door.check(PIN).ok
    with pytest.raises(DoorClosedError):
        door.set_new_pin("1111")  # never a second "new PIN" over a stored one


def test_a_damaged_journal_closes_the_door_until_set_pin_on_the_device(tmp_path):
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"\0" * 4096)
    storage, door = door_for(path)
    assert storage.kept_as is not None and storage.kept_as.read_bytes() == b"\0" * 4096
    state, closed = door.state()
    assert state is DoorState.CLOSED and storage.kept_as.name in closed.reason
    with pytest.raises(DoorClosedError):
        door.check(PIN)
    with pytest.raises(DoorClosedError):
        door.set_new_pin(PIN)
    storage.journal.close()
    with Journal.open(path) as journal:  # kiosk trainer set-pin
        PinGuard(journal).set_pin(PIN)
    storage, door = door_for(path)
    assert door.state()[0] is DoorState.CHECK and door.check(PIN).ok


def test_wrong_tries_are_counted_when_nothing_can_be_saved(tmp_path):
    path = tmp_path / "journal.sqlite3"
    with Journal.open(path) as journal:
        PinGuard(journal).set_pin(PIN)
    storage, door = door_for(path)
    storage.journal.db.connection.execute("PRAGMA query_only = ON")  # SQLite's own read-only error
    for _ in range(3):
        assert not door.check("0000").ok
    assert door.wait_seconds() > 0
    assert not door.check(PIN).ok  # the right PIN waits too


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=5000))
def test_random_bytes_as_journal_never_open_the_door(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("door") / "journal.sqlite3"
    path.write_bytes(data)
    storage, door = door_for(path)
    state, _ = door.state()
    assert state is DoorState.CLOSED  # whatever the bytes: never "choose a new PIN"
    storage.journal.close()


def test_a_journal_locked_by_another_program_is_read_with_its_stored_pin(tmp_path):
    """Another program holds the write lock for longer than the 5 s busy wait: the kiosk reads
    the journal (people, the stored PIN) instead of starting a fresh one without a PIN."""
    import sqlite3

    path = tmp_path / "journal.sqlite3"
    with Journal.open(path) as journal:
        journal.add_person("Anna")
        PinGuard(journal).set_pin(PIN)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        storage, door = door_for(path)
        assert storage.mode == "read_only" and storage.problem.kind == "busy"
        assert [p.name for p in storage.journal.people()] == ["Anna"]
        assert door.state()[0] is DoorState.CHECK
        assert not door.check("0000").ok and door.check(PIN).ok
        storage.journal.close()
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_person_row_without_a_name_still_shows():
    """A damaged people row (no name: only a damaged page can give one, the schema says NOT NULL)
    once crashed the people screen (None is not allowed for a tile's title): it reads as
    '? <id>' for the trainer to fix, and unreadable preferences as none."""
    from kiosk.journal.journal import _person

    person = _person((7, None, 3, None, "{broken", 0))
    assert person.name == "? 7" and person.photo is None and person.language == "en"
    assert dict(person.preferences) == {}
