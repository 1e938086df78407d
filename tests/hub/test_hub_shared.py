"""What kiosks share besides runs (hub schema 3), against the real PostgreSQL of conftest.py: photos,
family PINs and workshop settings reaching a second kiosk; concurrent edits of one person or one
setting, where the later wins and the loser is kept in the change log whichever arrives first; a
coach merging a person added twice offline, with every run moved and nothing lost; a deletion
taking the photo, PIN and change-log entries off the hub; and NOTIFY starting a round at once."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

import psycopg
import pytest

from hub_testing import wait_until
from journal_testing import FakeClock, Player
from kiosk.cli import main
from kiosk.hub import HubError, HubSync, add_member, sync_once
from kiosk.hub.admin import hub_changes, merge_people
from kiosk.hub.listen import HubListener
from kiosk.hub.shared import note_local_changes
from kiosk.journal import Journal
from kiosk.trainer import PinGuard
from kiosk.ui.settings import UiSettings


def _journal(tmp_path: Path, name: str, clock: FakeClock) -> Journal:
    return Journal.open(tmp_path / name / "journal.sqlite3", clock=clock)


def _photo(folder: Path, name: str, colour: tuple[int, int, int]) -> str:
    from PIL import Image

    (folder / "people").mkdir(parents=True, exist_ok=True)
    path = folder / "people" / name
    Image.new("RGB", (64, 48), colour).save(path, "JPEG")
    return f"people/{name}"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_photos_family_pins_and_settings_reach_a_second_kiosk(hub_url, tmp_path, clock):
    a_member, b_member = add_member(hub_url, "Share A", "W"), add_member(hub_url, "Share B", "W")
    kiosk_a, kiosk_b = _journal(tmp_path, "a", clock), _journal(tmp_path, "b", clock)
    anna = kiosk_a.add_person("Anna", photo=_photo(kiosk_a.path.parent, "anna.jpg", (200, 40, 40)))
    PinGuard(kiosk_a).set_family_pin(anna.id, "4071")
    UiSettings().save(kiosk_a, "text_scale", 1.5)
    UiSettings().save(kiosk_a, "high_contrast", True)
    sync_once(kiosk_a, a_member.url)

    result = sync_once(kiosk_b, b_member.url)
    assert result.people_received == 1 and result.settings_received == 3
    anna_b = kiosk_b.person_by_uuid(anna.uuid)
    photo_b = kiosk_b.photo_path(anna_b.photo)
    assert photo_b.is_file() and photo_b.is_relative_to(kiosk_b.path.parent)
    assert _sha(photo_b) == _sha(kiosk_a.photo_path(anna.photo))
    assert PinGuard(kiosk_b).check_family_pin(anna_b.id, "4071").ok
    assert not PinGuard(kiosk_b).check_family_pin(anna_b.id, "1111").ok
    settings_b = UiSettings.load(kiosk_b)
    assert settings_b.text_scale == 1.5 and settings_b.high_contrast is True
    assert kiosk_b.get_setting(f"family_pin.{anna_b.id}.lockout") is not None  # a wrong try stays per kiosk

    # and back: B takes a new photo, clears the PIN and switches high contrast off
    kiosk_b.update_person(anna_b.id, photo=_photo(kiosk_b.path.parent, "anna-new.jpg", (40, 200, 40)))
    PinGuard(kiosk_b).clear_family_pin(anna_b.id)
    UiSettings.load(kiosk_b).save(kiosk_b, "high_contrast", False)
    sync_once(kiosk_b, b_member.url)
    assert sync_once(kiosk_a, a_member.url).settings_received == 2
    anna_a = kiosk_a.person(anna.id)
    assert _sha(kiosk_a.photo_path(anna_a.photo)) == _sha(kiosk_b.photo_path(kiosk_b.person(anna_b.id).photo))
    assert not PinGuard(kiosk_a).family_pin_is_set(anna.id)
    assert UiSettings.load(kiosk_a).high_contrast is False
    # nothing edited: nothing sent, nothing received
    again = sync_once(kiosk_a, a_member.url)
    assert (again.people_sent, again.settings_sent, again.people_received, again.settings_received) == (0, 0, 0, 0)
    kiosk_a.close()
    kiosk_b.close()


def test_a_losing_concurrent_edit_is_kept_whichever_arrives_first(hub_url, tmp_path, clock, capsys):
    a_member, b_member = add_member(hub_url, "Edit A", "W"), add_member(hub_url, "Edit B", "W")
    coach = add_member(hub_url, "Edit coach", "W", kind="coach")
    kiosk_a, kiosk_b = _journal(tmp_path, "a", clock), _journal(tmp_path, "b", clock)
    anna = kiosk_a.add_person("Anna")
    sync_once(kiosk_a, a_member.url)
    sync_once(kiosk_b, b_member.url)
    anna_b = kiosk_b.person_by_uuid(anna.uuid)

    # both offline: A edits first, B later (by their clocks); the later one (B's) wins
    kiosk_a.update_person(anna.id, name="Anna Early", language="de")
    clock.advance(minutes=3)
    kiosk_b.update_person(anna_b.id, name="Anna Late")
    # the winner arrives first, the loser second
    assert sync_once(kiosk_b, b_member.url).conflicts_kept == 0
    assert sync_once(kiosk_a, a_member.url).conflicts_kept == 1
    assert kiosk_a.person(anna.id).name == "Anna Late"  # the winner reached the loser's kiosk
    # the loser arrives first, the winner second
    kiosk_a.update_person(anna.id, name="Anna Second Early")
    clock.advance(minutes=3)
    kiosk_b.update_person(anna_b.id, name="Anna Second Late", archived=True)
    assert sync_once(kiosk_a, a_member.url).conflicts_kept == 0  # nobody else has edited yet: it wins for now
    assert sync_once(kiosk_b, b_member.url).conflicts_kept == 1  # B's later edit replaces it; A's is kept
    sync_once(kiosk_a, a_member.url)
    assert kiosk_a.person(anna.id).name == kiosk_b.person(anna_b.id).name == "Anna Second Late"

    changes = hub_changes(coach.url, anna.uuid)
    assert [c.version["name"] for c in changes] == ["Anna Early", "Anna Second Early"]
    assert changes[0].version["language"] == "de" and all(c.winner_stamp > c.stamp for c in changes)
    # a sequential edit (after pulling the other's) is no conflict
    clock.advance(minutes=1)
    kiosk_a.update_person(anna.id, name="Anna")
    assert sync_once(kiosk_a, a_member.url).conflicts_kept == 0
    assert len(hub_changes(coach.url)) == 2

    # a setting edited on both: the same rule; a running kiosk notices an edit within a second
    # (HubSync's watch), which note_local_changes stands for here
    UiSettings().save(kiosk_a, "text_scale", 1.25)
    note_local_changes(kiosk_a)
    time.sleep(0.01)
    UiSettings().save(kiosk_b, "text_scale", 1.5)
    note_local_changes(kiosk_b)
    sync_once(kiosk_b, b_member.url)
    assert sync_once(kiosk_a, a_member.url).conflicts_kept == 1
    assert UiSettings.load(kiosk_a).text_scale == 1.5
    assert main(["hub", "changes", "--db", coach.url]) == 0
    printed = capsys.readouterr().out
    assert "Anna Early" in printed and "setting ui.text_scale" in printed and "1.25" in printed
    kiosk_a.close()
    kiosk_b.close()


def test_a_person_added_twice_offline_is_merged_with_every_run(hub_url, tmp_path, clock, capsys):
    a_member, b_member = add_member(hub_url, "Twice A", "W"), add_member(hub_url, "Twice B", "W")
    coach = add_member(hub_url, "Twice coach", "W", kind="coach")
    kiosk_a, kiosk_b = _journal(tmp_path, "a", clock), _journal(tmp_path, "b", clock)
    anna_a = kiosk_a.add_person("Anna")
    anna_b = kiosk_b.add_person("anna ", photo=_photo(kiosk_b.path.parent, "a.jpg", (1, 2, 3)))
    PinGuard(kiosk_b).set_family_pin(anna_b.id, "5555")
    for _ in range(3):
        Player(kiosk_a, clock).run(anna_a.id)
    for _ in range(2):
        Player(kiosk_b, clock).run(anna_b.id, help_on=[2])
    sync_once(kiosk_a, a_member.url)
    sync_once(kiosk_b, b_member.url)
    sync_once(kiosk_a, a_member.url)
    assert len(kiosk_a.people()) == 2  # two Annas now, on both kiosks
    # the coach sees the same name twice and is told how to merge
    assert main(["hub", "people", "--db", coach.url]) == 0
    assert "kiosk hub merge" in capsys.readouterr().err
    # B is offline and records one more run of its Anna before it hears of the merge
    Player(kiosk_b, clock).run(anna_b.id)
    open_run = Player(kiosk_b, clock).run(anna_b.id, outcome=None, stop_after=2)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # a kiosk cannot merge
        with psycopg.connect(a_member.url, autocommit=True) as conn:
            conn.execute("SELECT hub.merge_people(%s, %s)", (anna_a.uuid, anna_b.uuid))
    assert main(["hub", "merge", anna_a.uuid, anna_b.uuid, "--db", coach.url]) == 0
    assert "2 runs moved" in capsys.readouterr().out

    events_b = kiosk_b.db.read_one("SELECT count(*) FROM step_events")[0]
    result = sync_once(kiosk_b, b_member.url)
    assert result.merged_here == 1
    assert [p.uuid for p in kiosk_b.people(include_archived=True)] == [anna_a.uuid]
    kept_b = kiosk_b.person_by_uuid(anna_a.uuid)
    # B's own 4 runs of its Anna (the open one too), and the copies of A's 3 it pulled earlier
    own_b = [run for run in kiosk_b.runs(kept_b.id) if run.device_id == kiosk_b.device.id]
    assert len(own_b) == 4 and len(kiosk_b.runs(kept_b.id)) == 4 + 3
    assert kiosk_b.db.read_one("SELECT count(*) FROM step_events")[0] == events_b
    assert PinGuard(kiosk_b).check_family_pin(kept_b.id, "5555").ok  # the PIN came along
    assert kiosk_b.photo_path(kept_b.photo).is_file()
    kiosk_b.record_step(open_run, 3, "shown")  # the open run goes on, now as the kept person's
    kiosk_b.finish_run(open_run)
    sync_once(kiosk_b, b_member.url)
    sync_once(kiosk_a, a_member.url)
    assert [p.uuid for p in kiosk_a.people()] == [anna_a.uuid]
    assert kiosk_a.photo_path(kiosk_a.person(anna_a.id).photo).is_file()  # B's photo, since A had none
    with psycopg.connect(hub_url) as conn:
        people = conn.execute("SELECT uuid::text FROM hub.people").fetchall()
        runs = conn.execute("SELECT person_uuid::text, count(*) FROM hub.runs GROUP BY 1").fetchall()
        events = conn.execute("SELECT count(*) FROM hub.step_events").fetchone()[0]
    assert people == [(anna_a.uuid,)] and runs == [(anna_a.uuid, 3 + 2 + 1 + 1)]
    events_a = kiosk_a.db.read_one("SELECT count(*) FROM step_events")[0]
    assert events == events_a + kiosk_b.db.read_one("SELECT count(*) FROM step_events")[0]
    # the merged-away version is in the change log; an offline kiosk cannot bring it back
    (merge,) = hub_changes(coach.url, anna_b.uuid)
    assert merge.kind == "merge" and merge.version["name"] == "anna" and merge.version["runs_moved"] == 2
    with psycopg.connect(a_member.url, autocommit=True) as conn:
        conn.execute("INSERT INTO hub.people (workshop, uuid, name) VALUES ('W', %s, 'anna')", (anna_b.uuid,))
    with psycopg.connect(hub_url) as conn:
        assert conn.execute("SELECT count(*) FROM hub.people").fetchone()[0] == 1

    # deleting the person takes the photo, the PIN, the change log and the merged-away id too
    assert main(["hub", "delete-person", anna_a.uuid, "--yes", "--db", hub_url]) == 0
    with psycopg.connect(hub_url) as conn:
        for table in ("people", "photos", "settings", "changes", "merges", "runs", "step_events"):
            assert conn.execute(f"SELECT count(*) FROM hub.{table}").fetchone()[0] == 0, table
        stones = {row[0] for row in conn.execute("SELECT uuid::text FROM hub.tombstones")}
    assert stones == {anna_a.uuid, anna_b.uuid}
    sync_once(kiosk_a, a_member.url)
    assert kiosk_a.people(include_archived=True) == [] and not any((kiosk_a.path.parent / "people").glob("hub-*"))
    kiosk_a.close()
    kiosk_b.close()


def test_a_change_on_one_kiosk_reaches_another_at_once_through_notify(hub_url, tmp_path, clock):
    a_member, b_member = add_member(hub_url, "Push A", "W"), add_member(hub_url, "Push B", "W")
    path_a, path_b = tmp_path / "a" / "journal.sqlite3", tmp_path / "b" / "journal.sqlite3"
    Journal.open(path_a, clock=clock).close()
    Journal.open(path_b, clock=clock).close()
    # long intervals: only the journal watch (on A) and NOTIFY (on B) can make this fast
    listener = HubListener(b_member.url)
    sync_a = HubSync(path_a, a_member.url, interval_s=600)
    sync_b = HubSync(path_b, b_member.url, interval_s=600, listener=listener)
    listener.start()
    sync_a.start()
    sync_b.start()
    try:
        assert wait_until(lambda: sync_b.status().last_sync is not None and listener.connected)
        with Journal.open(path_a, clock=clock) as journal:
            journal.add_person("Carla")
        # the watch (1 s) + two rounds, not the 600 s poll (the margin is for a loaded CI machine)
        with Journal.open(path_b, clock=clock) as journal:
            assert wait_until(lambda: [p.name for p in journal.people()] == ["Carla"], timeout=30)
    finally:
        for service in (sync_a, sync_b, listener):
            service.stop(timeout=5)


def test_ten_kiosks_a_week_offline_and_clocks_ten_minutes_apart(hub_url, tmp_path):
    """Ten kiosks, three of them with clocks 10 minutes behind, work a simulated week offline (runs
    and edits of the same workers), then all sync at the same moment: the hub holds exactly one copy
    of every event every kiosk recorded; the edits resolve by the hybrid logical clock, not by the
    tablets' clocks, and every losing edit is in the change log."""
    from datetime import timedelta

    members = [add_member(hub_url, f"Ten {n}", "W") for n in range(10)]
    clocks = [FakeClock() for _ in range(10)]
    for behind in (2, 5, 8):
        clocks[behind].now -= timedelta(minutes=10)
    paths = [tmp_path / f"k{n}" / "journal.sqlite3" for n in range(10)]
    with Journal.open(paths[0], clock=clocks[0]) as first:
        workers = [first.add_person(f"Worker {n}") for n in range(4)]
        sync_once(first, members[0].url)
    for n in range(1, 10):
        with Journal.open(paths[n], clock=clocks[n]) as journal:
            if n % 2:
                sync_once(journal, members[n].url)  # everyone starts with the same four workers
            else:  # ... got them long ago: these kiosks send them again, all at once with the others
                for worker in workers:
                    journal.merge_person(worker.uuid, name=worker.name, changed_stamp=1)
    # a week offline: each kiosk records runs of every worker, and kiosks 3 and 8 rename worker 0
    for n in range(10):
        with Journal.open(paths[n], clock=clocks[n]) as journal:
            ids = [journal.person_by_uuid(w.uuid).id for w in workers]
            for _day in range(5):
                for person_id in ids:
                    Player(journal, clocks[n]).run(person_id, steps=4, help_on=[n % 4 + 1])
                clocks[n].advance(days=1)
            if n in (3, 8):
                journal.update_person(ids[0], name=f"Renamed on {n}")
    errors: list[BaseException] = []

    def sync(n: int) -> None:
        try:
            with Journal.open(paths[n], clock=clocks[n]) as journal:
                sync_once(journal, members[n].url, batch_runs=7)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=sync, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    local: set[str] = set()
    for path in paths:
        with Journal.open(path) as journal:
            local |= {row[0] for row in journal.db.read("SELECT uuid FROM step_events")}
    with psycopg.connect(hub_url) as conn:
        on_hub = [row[0] for row in conn.execute("SELECT uuid::text FROM hub.step_events")]
        (name,) = conn.execute("SELECT name FROM hub.people WHERE uuid = %s", (workers[0].uuid,)).fetchone()
    assert len(on_hub) == len(set(on_hub)) == len(local) == 10 * 5 * 4 * 9 and set(on_hub) == local
    # kiosk 8's clock is 10 minutes behind kiosk 3's: kiosk 3's rename is the later one in real time
    assert name == "Renamed on 3"
    lost = {change.version["name"] for change in hub_changes(hub_url, workers[0].uuid)}
    # kiosk 8's rename is kept; so is the first name where a kiosk sent it without knowing what the
    # hub had (those that got the workers long ago): it might have been an edit
    assert "Renamed on 8" in lost and lost <= {"Renamed on 8", "Worker 0"}

    # kiosk 8 (clock behind) pulls the winner, then renames again: its edit is later by the HLC,
    # though its clock says 10 minutes earlier than the stamp it just saw, so it wins, with no conflict
    with Journal.open(paths[8], clock=clocks[8]) as journal:
        sync_once(journal, members[8].url)
        person = journal.person_by_uuid(workers[0].uuid)
        assert person.name == "Renamed on 3"
        journal.update_person(person.id, name="Anna, later")
        assert sync_once(journal, members[8].url).conflicts_kept == 0
    with Journal.open(paths[3], clock=clocks[3]) as journal:
        sync_once(journal, members[3].url)
        assert journal.person_by_uuid(workers[0].uuid).name == "Anna, later"


def test_another_workshop_sees_and_changes_none_of_it(hub_url, tmp_path, clock):
    """Row-level security on every table of schema 3: photos, settings, change log, merges."""
    north, south = add_member(hub_url, "RLS3 N", "North"), add_member(hub_url, "RLS3 S", "South")
    south_coach = add_member(hub_url, "RLS3 coach", "South", kind="coach")
    with _journal(tmp_path, "n", clock) as journal:
        one = journal.add_person("Nina", photo=_photo(journal.path.parent, "n.jpg", (9, 9, 9)))
        two = journal.add_person("Nina")
        PinGuard(journal).set_family_pin(one.id, "2468")
        UiSettings().save(journal, "text_scale", 1.25)
        sync_once(journal, north.url)
    for url in (south.url, south_coach.url):
        with psycopg.connect(url, autocommit=True) as conn:
            for table in ("people", "photos", "settings", "changes", "merges", "help_calls"):
                assert conn.execute(f"SELECT count(*) FROM hub.{table}").fetchone()[0] == 0, table
    with psycopg.connect(south.url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO hub.settings (workshop, key, value, changed_stamp, origin) "
                "VALUES ('North', 'ui.text_scale', '2', 1, 'x')"
            )
        assert conn.execute("UPDATE hub.settings SET value = '2'").rowcount == 0
    with pytest.raises(HubError, match="no person"):
        merge_people(south_coach.url, one.uuid, two.uuid)
    with psycopg.connect(south_coach.url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.NoDataFound):
            conn.execute("SELECT hub.merge_people(%s, %s)", (one.uuid, two.uuid))


def test_a_setting_edited_offline_keeps_the_time_it_was_made(hub_url, tmp_path, clock):
    """Kiosk A, offline, changes the text size; kiosk B changes it later, online; when A is back,
    B's (the later edit) wins and A's is in the change log: A's edit was stamped when A's running
    sync noticed it (within a second), not when it reached the hub."""
    from hub_testing import closed_port_url

    a_member, b_member = add_member(hub_url, "Offline A", "W"), add_member(hub_url, "Offline B", "W")
    path_a = tmp_path / "a" / "journal.sqlite3"
    Journal.open(path_a, clock=clock).close()
    offline = HubSync(path_a, closed_port_url(), interval_s=600, min_backoff_s=600)
    offline.start()
    try:
        assert wait_until(lambda: offline.status().failures_in_a_row >= 1)
        with Journal.open(path_a, clock=clock) as journal:
            UiSettings().save(journal, "text_scale", 1.25)
            assert wait_until(lambda: "ui.text_scale" in journal.get_setting("hub.sync.shared", {}).get("pending", {}))
    finally:
        offline.stop(timeout=5)
    time.sleep(0.01)
    with _journal(tmp_path, "b", clock) as kiosk_b:
        UiSettings().save(kiosk_b, "text_scale", 1.5)
        note_local_changes(kiosk_b)
        sync_once(kiosk_b, b_member.url)
    with Journal.open(path_a, clock=clock) as journal:
        assert sync_once(journal, a_member.url).conflicts_kept == 1
        assert UiSettings.load(journal).text_scale == 1.5
    (lost,) = hub_changes(hub_url)
    assert (lost.subject, lost.version) == ("ui.text_scale", {"value": 1.25})


def test_a_kiosk_sees_a_workers_progress_over_every_kiosk(hub_url, tmp_path, clock):
    """For the kiosk's progress and family views: the figures over every kiosk's runs, asked with
    the kiosk's own login, equal the coach's (`kiosk hub progress`); another workshop gets none."""
    from kiosk.hub import format_progress, hub_person_progress
    from kiosk.hub.progress import workshop_person_progress
    from kiosk.journal.progress import person_progress

    a_member, b_member = add_member(hub_url, "View A", "W"), add_member(hub_url, "View B", "W")
    stranger = add_member(hub_url, "View S", "Elsewhere")
    kiosk_a, kiosk_b = _journal(tmp_path, "a", clock), _journal(tmp_path, "b", clock)
    anna = kiosk_a.add_person("Anna")
    sync_once(kiosk_a, a_member.url)
    sync_once(kiosk_b, b_member.url)
    anna_b = kiosk_b.person_by_uuid(anna.uuid)
    for _ in range(3):
        Player(kiosk_a, clock).run(anna.id, help_on=[2])
        clock.advance(hours=1)
        Player(kiosk_b, clock).run(anna_b.id)
        clock.advance(hours=1)
    sync_once(kiosk_a, a_member.url)
    sync_once(kiosk_b, b_member.url)
    on_b = workshop_person_progress(b_member.url, anna.uuid)
    with psycopg.connect(hub_url) as conn:
        assert format_progress(on_b) == format_progress(hub_person_progress(conn, anna.uuid))
    # B's own figures count A's runs too (pulled by its sync): the same as the hub's
    assert [p.runs for p in on_b] == [6]
    assert format_progress(person_progress(kiosk_b, anna_b.id)) == format_progress(on_b)
    assert workshop_person_progress(stranger.url, anna.uuid) == []
    kiosk_a.close()
    kiosk_b.close()


def test_a_hub_of_schema_2_is_brought_up_to_date_with_its_kiosks_rights(postgres, tmp_path, clock, monkeypatch):
    """A kiosk updated before its hub says what to do; `kiosk hub init` then adds schemas 3 and 4 and gives
    the kiosks that already exist their new rights (photos, settings, help calls ...)."""
    import kiosk.hub.admin as admin
    import kiosk.hub.schema as schema
    from kiosk.hub import init_hub

    url = postgres.new_database()
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:2])
    monkeypatch.setattr(admin, "SCHEMA_VERSION", 2)
    init_hub(url)
    member = add_member(url, "Old", "W")
    monkeypatch.undo()
    with _journal(tmp_path, "k", clock) as journal:
        journal.add_person("Anna", photo=_photo(journal.path.parent, "a.jpg", (5, 5, 5)))
        with pytest.raises(HubError, match="older than this program") as raised:
            sync_once(journal, member.url)
        assert "kiosk hub init" in raised.value.hint
        assert [step.version for step in init_hub(url).applied] == [3, 4, 5, 6]
        assert sync_once(journal, member.url).people_sent == 1
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM hub.photos").fetchone()[0] == 1
