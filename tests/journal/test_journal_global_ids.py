"""Global ids (migration 5): people, runs and step events get UUIDs made on the kiosk, so several
kiosks can share one hub; edits carry a hybrid logical clock stamp; a deletion leaves a tombstone.
Local integer ids stay what the UI and exports use."""

from __future__ import annotations

import sqlite3
import uuid

from journal_testing import FakeClock
from kiosk.journal import Journal
from test_journal_migrations import _make_version_1_journal


def _is_uuid4(text: str | None) -> bool:
    return text is not None and uuid.UUID(text).version == 4 and str(uuid.UUID(text)) == text


def test_an_old_journal_gets_a_uuid_for_every_row(tmp_path):
    path = tmp_path / "journal.sqlite3"
    _make_version_1_journal(path)
    with Journal.open(path) as journal:
        people = journal.people(include_archived=True)
        runs = journal.runs()
        events = [event for run in runs for event in journal.events(run.id)]
        ids = [p.uuid for p in people] + [r.uuid for r in runs] + [e.uuid for e in events]
    assert len(people) == 2 and len(runs) == 2 and len(events) >= 5
    assert all(_is_uuid4(value) for value in ids)
    assert len(set(ids)) == len(ids)
    # local ids are untouched
    assert [p.id for p in sorted(people, key=lambda p: p.id)] == [1, 2]


def test_new_rows_get_uuids_and_local_ids_stay(journal, player):
    anna = journal.add_person("Anna")
    run_id = player.run(anna.id, steps=3)
    run = journal.run(run_id)
    events = journal.events(run_id)
    assert isinstance(anna.id, int) and _is_uuid4(anna.uuid)
    assert isinstance(run.id, int) and _is_uuid4(run.uuid)
    assert all(_is_uuid4(event.uuid) for event in events)
    assert len({event.uuid for event in events}) == len(events)
    assert journal.person_by_uuid(anna.uuid) == anna


def test_a_resumed_run_gets_its_own_uuid(journal, player):
    anna = journal.add_person("Anna")
    first = player.run(anna.id, outcome=None, stop_after=2)
    journal.recover_interrupted()
    second = journal.resume_run(first)
    assert journal.run(second).uuid != journal.run(first).uuid and _is_uuid4(journal.run(second).uuid)


def test_the_same_person_from_the_hub_is_one_person(journal):
    from_hub = str(uuid.uuid4())
    ben = journal.merge_person(from_hub, name="Ben", language="de", preferences={"voice_rate": 0.8}, changed_stamp=10)
    assert ben is not None and ben.uuid == from_hub and ben.language == "de"
    again = journal.merge_person(from_hub, name="Ben", language="de", changed_stamp=10)
    assert again.id == ben.id and len(journal.people()) == 1


def test_edits_resolve_to_the_later_stamp_not_the_later_arrival(tmp_path):
    clock = FakeClock()
    with Journal.open(tmp_path / "j.sqlite3", clock=clock) as journal:
        person_uuid = str(uuid.uuid4())
        far_future = 4_000_000_000_000  # an edit stamped by a kiosk whose clock runs ahead
        journal.merge_person(person_uuid, name="Ben from the hub", changed_stamp=far_future)
        ben = journal.person_by_uuid(person_uuid)
        # an older edit arriving later loses
        journal.merge_person(person_uuid, name="Ben (old)", changed_stamp=far_future - 1)
        assert journal.person(ben.id).name == "Ben from the hub"
        # an edit here after seeing the hub's stamp is ordered after it, although this clock is behind
        journal.update_person(ben.id, name="Ben edited here")
        ((_, stamp),) = [(p, s) for p, s in journal.person_stamps() if p.id == ben.id]
        assert stamp > far_future
        journal.merge_person(person_uuid, name="Ben from the hub", changed_stamp=far_future)
        assert journal.person(ben.id).name == "Ben edited here"


def test_a_deleted_person_leaves_only_a_tombstone_and_never_comes_back(journal, player, data_dir):
    anna = journal.add_person("Anna Tombstone-Test")
    player.run(anna.id, steps=2)
    journal.delete_person(anna.id)
    assert journal.tombstones() == [anna.uuid] and journal.tombstones(waiting_only=True) == [anna.uuid]
    assert journal.merge_person(anna.uuid, name="Anna Tombstone-Test", changed_stamp=2**50) is None
    assert journal.people(include_archived=True) == []
    journal.tombstones_on_hub([anna.uuid])
    assert journal.tombstones(waiting_only=True) == []
    raw = sqlite3.connect(data_dir.journal)
    assert raw.execute("SELECT * FROM tombstones").fetchall() == [
        (anna.uuid, raw.execute("SELECT deleted_at_ms FROM tombstones").fetchone()[0], 1)
    ]
    raw.close()
    assert b"Tombstone-Test" not in data_dir.journal.read_bytes()


def test_a_deletion_from_the_hub_needs_no_sending(journal):
    ben = journal.add_person("Ben")
    journal.delete_person(ben.id, hub_has_it=True)
    assert journal.tombstones() == [ben.uuid] and journal.tombstones(waiting_only=True) == []
