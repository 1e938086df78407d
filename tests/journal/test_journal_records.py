"""People, device, settings, runs and step events: what the kiosk records and how it refuses mistakes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from kiosk.journal import EVENTS, Journal, Person

from journal_testing import MONDAY_MORNING


def test_add_and_read_people(journal):
    anna = journal.add_person(
        "  Anna   Müller ", photo="people/anna.jpg", language="de", preferences={"voice_rate": 0.8, "big_text": True}
    )
    ben = journal.add_person("Ben")
    assert anna == Person(
        id=anna.id,
        name="Anna Müller",
        photo="people/anna.jpg",
        language="de",
        preferences={"voice_rate": 0.8, "big_text": True},
        archived=False,
    )
    assert journal.person(anna.id) == anna
    assert journal.person(999) is None
    assert [person.name for person in journal.people()] == ["Anna Müller", "Ben"]
    assert ben.language == "en" and dict(ben.preferences) == {}


def test_person_preferences_cannot_be_changed_behind_the_journals_back(journal):
    anna = journal.add_person("Anna", preferences={"a": 1})
    with pytest.raises(TypeError):
        anna.preferences["a"] = 2  # type: ignore[index]


def test_update_and_archive_person(journal):
    anna = journal.add_person("Anna")
    updated = journal.update_person(anna.id, name="Anna M.", language="zh", preferences={"x": [1, 2]})
    assert (updated.name, updated.language, dict(updated.preferences)) == ("Anna M.", "zh", {"x": [1, 2]})
    journal.archive_person(anna.id)
    assert journal.people() == []
    assert [person.archived for person in journal.people(include_archived=True)] == [True]
    with pytest.raises(KeyError):
        journal.update_person(404, name="Nobody")
    with pytest.raises(TypeError):
        journal.update_person(anna.id, birthday="1990-01-01")
    with pytest.raises(ValueError):
        journal.add_person("   ")


def test_device_is_created_once(data_dir, clock):
    with Journal.open(data_dir.journal, clock=clock) as first:
        device = first.device
    with Journal.open(data_dir.journal, clock=clock) as second:
        assert second.device == device
        assert second.db.read("SELECT COUNT(*) FROM devices") == [(1,)]
        renamed = second.rename_device("Kiosk at the door")
    with Journal.open(data_dir.journal, clock=clock) as third:
        assert third.device == renamed and renamed.id == device.id


def test_settings_hold_json_values(journal):
    assert journal.get_setting("volume") is None
    assert journal.get_setting("volume", 5) == 5
    journal.set_setting("volume", 7)
    journal.set_setting("volume", {"level": 8, "muted": False})
    journal.set_setting("pin_hash", "scrypt$abc")
    assert journal.get_setting("volume") == {"level": 8, "muted": False}
    assert journal.get_setting("pin_hash") == "scrypt$abc"
    journal.delete_setting("volume")
    assert journal.get_setting("volume", "gone") == "gone"


def test_a_run_records_every_step_event_in_order(journal, clock):
    anna = journal.add_person("Anna")
    run_id = journal.start_run(anna.id, "sandwich", 2, "h1", step_count=3)
    ids = []
    for event in EVENTS:
        ids.append(journal.record_step(run_id, 1, event, duration_ms=250 if event == "done" else None))
        clock.advance(seconds=1)
    journal.finish_run(run_id, "abandoned")
    events = journal.events(run_id)
    assert [event.id for event in events] == ids == sorted(ids)
    assert [event.event for event in events] == list(EVENTS)
    assert events[1].duration_ms == 250 and events[0].duration_ms is None
    assert events[2].at == MONDAY_MORNING + timedelta(seconds=2)
    run = journal.run(run_id)
    assert (run.outcome, run.pack_version, run.content_hash, run.step_count) == ("abandoned", 2, "h1", 3)
    assert run.device_id == journal.device.id
    assert run.started_at == MONDAY_MORNING and run.ended_at == MONDAY_MORNING + timedelta(seconds=7)


def test_record_step_refuses_mistakes(journal):
    anna = journal.add_person("Anna")
    run_id = journal.start_run(anna.id, "sandwich", 1, "h", step_count=3)
    with pytest.raises(ValueError, match="unknown event"):
        journal.record_step(run_id, 1, "jumped")
    with pytest.raises(ValueError, match="start at 1"):
        journal.record_step(run_id, 0, "shown")
    with pytest.raises(ValueError, match="beyond"):
        journal.record_step(run_id, 4, "shown")
    with pytest.raises(ValueError, match="negative"):
        journal.record_step(run_id, 1, "done", duration_ms=-5)
    with pytest.raises(KeyError):
        journal.record_step(12345, 1, "shown")
    journal.finish_run(run_id)
    with pytest.raises(ValueError, match="has ended"):
        journal.record_step(run_id, 1, "shown")
    with pytest.raises(ValueError, match="already ended"):
        journal.finish_run(run_id)
    with pytest.raises(ValueError):
        journal.finish_run(run_id, "interrupted")
    with pytest.raises(KeyError):
        journal.start_run(777, "sandwich", 1, "h")
    assert journal.db.read("SELECT COUNT(*) FROM step_events") == [(0,)]


def test_clock_must_be_aware(data_dir):
    with Journal.open(data_dir.journal, clock=lambda: datetime(2026, 1, 1)) as journal:
        anna = journal.add_person("Anna")
        with pytest.raises(ValueError, match="time zone"):
            journal.start_run(anna.id, "p", 1, "h")


def test_crash_recovery_marks_open_runs_interrupted_at_their_last_event(data_dir, clock):
    with Journal.open(data_dir.journal, clock=clock) as kiosk:
        anna = kiosk.add_person("Anna")
        ben = kiosk.add_person("Ben")
        run_id = kiosk.start_run(anna.id, "sandwich", 1, "h", step_count=5)
        for step in (1, 2, 3):
            kiosk.record_step(run_id, step, "shown")
            clock.advance(seconds=20)
        kiosk.record_step(run_id, 2, "back")  # went back once: resume where the screen was
        kiosk.record_step(run_id, 2, "shown")
        last_event_at = clock.now
        empty_run = kiosk.start_run(ben.id, "tea", 1, "h")
        # the power goes: nothing is finished, the journal is not closed cleanly
    clock.advance(hours=1)
    with Journal.open(data_dir.journal, clock=clock) as restarted:
        recovered = restarted.recover_interrupted()
        assert [run.id for run in recovered] == [run_id, empty_run]
        assert all(run.outcome == "interrupted" for run in recovered)
        assert recovered[0].ended_at == last_event_at
        assert recovered[0].last_shown_step == 2
        assert recovered[1].ended_at == recovered[1].started_at and recovered[1].last_shown_step is None
        assert restarted.recover_interrupted() == []


def test_resume_continues_at_the_same_step_in_a_linked_run(journal, clock, player):
    anna = journal.add_person("Anna")
    first = player.run(anna.id, steps=5, stop_after=3, outcome=None)
    journal.recover_interrupted()
    offer = journal.resumable_run(anna.id)
    assert offer is not None and offer.id == first and offer.last_shown_step == 3
    clock.advance(minutes=5)
    second = journal.resume_run(first)
    resumed = journal.run(second)
    assert (resumed.resumed_from, resumed.pack_id, resumed.step_count, resumed.outcome) == (first, "sandwich", 5, None)
    assert journal.resumable_run(anna.id) is None  # the newest run is open, not interrupted
    player.play_steps(second, range(3, 6))
    journal.finish_run(second)
    assert journal.resumable_run(anna.id) is None
    with pytest.raises(ValueError, match="already resumed"):
        journal.resume_run(first)
    with pytest.raises(ValueError, match="only interrupted"):
        journal.resume_run(second)
    with pytest.raises(KeyError):
        journal.resume_run(999)


def test_nothing_to_resume_once_the_person_moved_on(journal, player):
    anna = journal.add_person("Anna")
    assert journal.resumable_run(anna.id) is None
    player.run(anna.id, stop_after=2, outcome=None)
    journal.recover_interrupted()
    assert journal.resumable_run(anna.id) is not None
    player.run(anna.id, "tea")
    assert journal.resumable_run(anna.id) is None


def test_resuming_an_open_run_interrupts_it_first(journal, player):
    anna = journal.add_person("Anna")
    first = player.run(anna.id, stop_after=2, outcome=None)
    second = journal.resume_run(first)
    assert journal.run(first).outcome == "interrupted"
    assert journal.run(second).resumed_from == first


def test_person_settings_follow_the_topic_dot_id_convention(journal):
    anna = journal.add_person("Anna")
    journal.set_setting(f"family_pin.{anna.id}", "hash")
    journal.set_setting(f"family_pin.{anna.id}.lockout", {"failures": 2})
    journal.set_setting(f"family_pin.{anna.id}1", "someone else's")
    journal.set_setting(f"volume.level.{anna.id}", 3)  # device-wide: the id is not the second part
    assert journal.person_settings(anna.id) == {
        f"family_pin.{anna.id}": "hash",
        f"family_pin.{anna.id}.lockout": {"failures": 2},
    }


def test_times_are_stored_as_utc_milliseconds(journal, clock):
    clock.set(datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=1))))
    anna = journal.add_person("Anna")
    run_id = journal.start_run(anna.id, "p", 1, "h")
    stored = journal.db.read("SELECT started_at_ms FROM runs WHERE id = ?", (run_id,))[0][0]
    assert stored == int(datetime(2026, 3, 2, 8, 30, 15, 123000, tzinfo=timezone.utc).timestamp() * 1000)
    assert journal.run(run_id).started_at == datetime(2026, 3, 2, 8, 30, 15, 123000, tzinfo=timezone.utc)


def test_an_ended_run_carries_its_summary_for_progress(journal, player):
    """When a run ends, its furthest step and its help per step are written on it (progress then
    never reads events); an open run has none yet."""
    anna = journal.add_person("Anna")
    run_id = journal.start_run(anna.id, "sandwich", 1, "h", step_count=6)
    player.play_steps(run_id, [1, 2, 3, 4], help_on={2, 4})
    journal.record_step(run_id, 4, "help")
    summary = "SELECT furthest_step, help_by_step FROM runs WHERE id = ?"
    assert journal.db.read_one(summary, (run_id,)) == (None, None)
    journal.finish_run(run_id, "abandoned")
    assert journal.db.read_one(summary, (run_id,)) == (4, "[[2,1],[4,2]]")
    crashed = player.run(anna.id, stop_after=3, outcome=None)
    journal.recover_interrupted()
    assert journal.db.read_one(summary, (crashed,)) == (3, "[]")
