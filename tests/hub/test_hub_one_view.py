"""One view across kiosks (issue 13, point 4), against the real PostgreSQL of conftest.py: kiosk B
pulls the run summaries kiosk A sent, so B's progress, mastery, report and support count A's runs
(and equal the hub's figures), offline too, labelled with when they were brought in; B's exports,
its push, crash recovery and resuming never treat A's runs as B's; a deletion takes the copies
everywhere; a push that commits late is never skipped by the pull's high-water mark; and a run sent
by A reaches B at once through NOTIFY."""

from __future__ import annotations

import csv
import io
import json
import uuid as uuidlib
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest

from hub_testing import closed_port_url, wait_until
from journal_testing import FakeClock, Player
from kiosk.hub import HubError, HubSync, add_member, format_progress, hub_person_progress, sync_once
from kiosk.hub.listen import HubListener
from kiosk.hub.progress import workshop_person_progress
from kiosk.hub.sync import PULL_MARK_SETTING
from kiosk.journal import Journal
from kiosk.journal.export import person_export, write_csv, write_xapi
from kiosk.journal.progress import person_progress
from kiosk.report.builder import build_person_report
from kiosk.report.render import render_html
from kiosk.report.strings import format_updated
from kiosk.support import Level, decide_pack
from kiosk.ui.models.progress import progress_view


def _journal(tmp_path: Path, name: str, clock: FakeClock) -> Journal:
    return Journal.open(tmp_path / name / "journal.sqlite3", clock=clock)


def _exports(journal: Journal) -> tuple[str, str]:
    csv_out, xapi_out = io.StringIO(), io.StringIO()
    write_csv(journal, csv_out)
    write_xapi(journal, xapi_out, include_names=True)
    return csv_out.getvalue(), xapi_out.getvalue()


def _hub_runs_of(url: str, device: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM hub.runs WHERE device_uuid = %s", (device,)).fetchone()[0]


def _leveled_run(journal: Journal, clock: FakeClock, person_id: int, level: int, help_on: tuple[int, ...] = ()) -> int:
    """A run of 'sandwich' (5 steps) as the step screen logs it, at one support level."""
    run_id = journal.start_run(person_id, "sandwich", 1, "hash-sandwich-1", step_count=5)
    for step in range(1, 6):
        journal.record_step(run_id, step, "shown", level=level)
        if step in help_on:
            journal.record_step(run_id, step, "help")
        clock.advance(seconds=10)
        journal.record_step(run_id, step, "done", duration_ms=10_000, level=level)
    journal.finish_run(run_id)
    return run_id


def test_a_workers_runs_on_a_count_on_b_and_stay_as_on_the_hub(hub_url, tmp_path, clock):
    a_member, b_member = add_member(hub_url, "One view A", "W"), add_member(hub_url, "One view B", "W")
    kiosk_a, kiosk_b = _journal(tmp_path, "a", clock), _journal(tmp_path, "b", clock)
    anna_a = kiosk_a.add_person("Anna")
    assert build_person_report(kiosk_b, {}, kiosk_b.add_person("Ben").id).source == "From this kiosk only."
    sync_once(kiosk_a, a_member.url)
    sync_once(kiosk_b, b_member.url)
    anna_b = kiosk_b.person_by_uuid(anna_a.uuid)
    assert anna_b is not None

    # Anna works on both: help on A at first, then alone on both (mastery needs 3 in a row)
    _leveled_run(kiosk_a, clock, anna_a.id, 2, help_on=(2,))
    clock.advance(hours=1)
    Player(kiosk_b, clock).run(anna_b.id)
    clock.advance(hours=1)
    _leveled_run(kiosk_a, clock, anna_a.id, 1)
    clock.advance(hours=1)
    stopped = Player(kiosk_a, clock).run(anna_a.id, outcome=None, stop_after=2)  # A crashes mid-run ...
    resumed = kiosk_a.resume_run(stopped)  # ... and the worker goes on there: one attempt
    Player(kiosk_a, clock).play_steps(resumed, range(3, 6))
    kiosk_a.finish_run(resumed)
    clock.advance(hours=1)
    Player(kiosk_b, clock).run(anna_b.id, pack_id="tea", steps=4, help_on=[1])
    clock.advance(hours=1)
    last_on_a = Player(kiosk_a, clock).run(anna_a.id, outcome=None, stop_after=3)
    kiosk_a.recover_interrupted()  # A restarted: its last run is interrupted, never resumed
    b_before = _exports(kiosk_b)
    b_own_runs = {run.uuid for run in kiosk_b.runs()}

    sync_once(kiosk_a, a_member.url)
    result = sync_once(kiosk_b, b_member.url)
    assert result.runs_pulled == 5  # A's five runs (the two pieces of the resumed attempt too)
    pulled_at = kiosk_b.pulled_at()
    assert pulled_at == clock.now

    # the same figures on B as on the hub (coach's view and the kiosk's own login)
    on_b = person_progress(kiosk_b, anna_b.id)
    with psycopg.connect(hub_url) as conn:
        on_hub = hub_person_progress(conn, anna_a.uuid)
    assert (
        format_progress(on_b)
        == format_progress(on_hub)
        == format_progress(workshop_person_progress(b_member.url, anna_a.uuid))
    )
    sandwich = next(p for p in on_b if p.pack_id == "sandwich")
    assert sandwich.runs == 5 and sandwich.mastered  # A's attempts and B's together, in time order
    assert sandwich.runs < len(kiosk_b.runs(anna_b.id))  # the resumed pieces are one attempt
    # the copies keep what progress and the report read, the support level too
    copies = [run for run in kiosk_b.runs(anna_b.id) if run.device_id == kiosk_a.device.id]
    assert len(copies) == 5 and all(kiosk_b.events(run.id) == [] for run in copies)
    level = kiosk_b.db.read(
        "SELECT support_level FROM runs WHERE device_id = ? ORDER BY started_at_ms", (kiosk_a.device.id,)
    )
    assert [row[0] for row in level][:2] == [2, 1]
    assert kiosk_b.db.read("SELECT name, this_device FROM devices WHERE id = ?", (kiosk_a.device.id,)) == [
        (kiosk_a.device.name, 0)
    ]

    # B's report and family view count A's runs and say where they come from
    report = build_person_report(kiosk_b, {}, anna_b.id, 4, clock.now)
    assert report.summary.tasks_done == 4 + 1 and report.summary.learned == 1
    assert report.source == f"From all kiosks of the workshop, updated {format_updated('en', pulled_at, clock.now)}."
    assert report.source in render_html(report)
    assert progress_view(report).source == report.source
    kiosk_b.update_person(anna_b.id, language="zh")  # the worker's language
    assert build_person_report(kiosk_b, {}, anna_b.id, 4, clock.now).source.startswith("来自工坊的所有设备，更新于")
    kiosk_b.update_person(anna_b.id, language="en")

    # B's exports are exactly what they were before it had A's runs: only B's own
    assert _exports(kiosk_b) == b_before
    csv_rows = list(csv.reader(io.StringIO(b_before[0])))[1:]
    assert {int(row[7]) for row in csv_rows} == {run.id for run in kiosk_b.runs() if run.uuid in b_own_runs}
    a_ids = {s["id"] for s in json.loads(_exports(kiosk_a)[1])}
    assert a_ids and not a_ids & {s["id"] for s in json.loads(b_before[1])}
    document = person_export(kiosk_b, anna_b.id)
    assert {run["id"] for run in document["runs"]} == {
        run.id for run in kiosk_b.runs(anna_b.id) if run.uuid in b_own_runs
    }
    assert {run["uuid"] for run in document["runs_from_other_kiosks"]} == {run.uuid for run in copies}
    assert {run["kiosk"]["name"] for run in document["runs_from_other_kiosks"]} == {kiosk_a.device.name}

    # nothing goes back to the hub as B's; pulling again (mark forgotten) adds nothing
    again = sync_once(kiosk_b, b_member.url)
    assert (again.runs_sent, again.runs_pulled, again.runs_waiting) == (0, 0, 0)
    assert _hub_runs_of(hub_url, kiosk_b.device.id) == 2 and _hub_runs_of(hub_url, kiosk_a.device.id) == 5
    kiosk_b.delete_setting(PULL_MARK_SETTING)
    kiosk_b.delete_setting("hub.sync.run_mark")
    forgot = sync_once(kiosk_b, b_member.url)
    assert (forgot.runs_new, forgot.runs_pulled) == (0, 0) and len(kiosk_b.runs()) == 2 + 5

    # recovery and resuming never touch A's runs: A's interrupted run is not B's to resume
    copy_of_last = next(run for run in copies if run.uuid == kiosk_a.run(last_on_a).uuid)
    assert copy_of_last.outcome == "interrupted"
    assert kiosk_b.resumable_run(anna_b.id) is None
    with pytest.raises(ValueError, match="another kiosk"):
        kiosk_b.resume_run(copy_of_last.id)
    # an open run of another kiosk (however it got here) stays open at B's start-up
    kiosk_b.db.write(
        "INSERT INTO runs (uuid, person_id, device_id, pack_id, pack_version, content_hash, started_at_ms) "
        "VALUES (?, ?, ?, 'tea', 1, 'h', 0)",
        (str(uuidlib.uuid4()), anna_b.id, kiosk_a.device.id),
    )
    own_open = Player(kiosk_b, clock).run(anna_b.id, outcome=None, stop_after=1)
    assert [run.id for run in kiosk_b.recover_interrupted()] == [own_open]
    assert kiosk_b.db.read_one("SELECT count(*) FROM runs WHERE outcome IS NULL")[0] == 1
    assert kiosk_b.resumable_run(anna_b.id).id == own_open
    kiosk_a.close()
    kiosk_b.close()


def test_offline_b_shows_what_it_last_pulled_and_says_when(hub_url, tmp_path, clock):
    a_member, b_member = add_member(hub_url, "One off A", "W"), add_member(hub_url, "One off B", "W")
    kiosk_a, kiosk_b = _journal(tmp_path, "a", clock), _journal(tmp_path, "b", clock)
    anna = kiosk_a.add_person("Anna", language="de")
    for _ in range(2):
        Player(kiosk_a, clock).run(anna.id)
    sync_once(kiosk_a, a_member.url)
    sync_once(kiosk_b, b_member.url)
    pulled_at = clock.now
    anna_b = kiosk_b.person_by_uuid(anna.uuid)
    clock.advance(days=1)
    Player(kiosk_a, clock).run(anna.id)  # a day later, on A; B cannot reach the hub
    sync_once(kiosk_a, a_member.url)
    with pytest.raises(HubError):
        sync_once(kiosk_b, closed_port_url())
    Player(kiosk_b, clock).run(anna_b.id)  # B's own run counts at once
    report = build_person_report(kiosk_b, {}, anna_b.id, 4, clock.now)
    assert report.summary.tasks_done == 2 + 1
    when = format_updated("de", pulled_at, clock.now)
    assert report.source == f"Von allen Kiosken der Werkstatt, Stand {when}."
    assert when.endswith(" Uhr") and when != format_updated("de", pulled_at, pulled_at)  # the day is said
    sync_once(kiosk_b, b_member.url)  # back online: every run, the time moves on
    report = build_person_report(kiosk_b, {}, anna_b.id, 4, clock.now)
    assert report.summary.tasks_done == 4 and kiosk_b.pulled_at() == clock.now
    kiosk_a.close()
    kiosk_b.close()


def test_a_deletion_takes_the_pulled_runs_everywhere(hub_url, tmp_path, clock):
    members = [add_member(hub_url, f"One del {name}", "W") for name in "ABC"]
    kiosks = [_journal(tmp_path, name, clock) for name in "abc"]
    anna = kiosks[0].add_person("Annabelle Secretname")
    ben = kiosks[0].add_person("Ben")
    for kiosk, member in zip(kiosks, members):
        sync_once(kiosk, member.url)
    for kiosk in kiosks[:2]:
        Player(kiosk, clock).run(kiosk.person_by_uuid(anna.uuid).id, pack_id="secret-pack")
        Player(kiosk, clock).run(kiosk.person_by_uuid(ben.uuid).id)
    for kiosk, member in (*zip(kiosks, members), *zip(kiosks, members)):
        sync_once(kiosk, member.url)
    assert [len(kiosk.runs()) for kiosk in kiosks] == [4, 4, 4]  # C has only copies

    kiosks[1].delete_person(kiosks[1].person_by_uuid(anna.uuid).id)  # on B, the kiosk that pulled A's
    for kiosk, member in (*zip(kiosks, members), *zip(kiosks, members)):
        sync_once(kiosk, member.url)
    for kiosk in kiosks:
        assert kiosk.person_by_uuid(anna.uuid) is None
        assert [run.pack_id for run in kiosk.runs()] == ["sandwich", "sandwich"]  # Ben's two, nothing of Anna
        files = [kiosk.path, kiosk.path.with_name(kiosk.path.name + "-wal")]
        assert not any(b"secret-pack" in f.read_bytes() or b"Secretname" in f.read_bytes() for f in files if f.exists())
    with psycopg.connect(hub_url) as conn:
        assert conn.execute("SELECT count(*) FROM hub.runs").fetchone()[0] == 2
    with _journal(tmp_path, "d", clock) as late:  # a kiosk joining later never sees Anna either
        sync_once(late, add_member(hub_url, "One del D", "W").url)
        assert [p.name for p in late.people()] == ["Ben"] and len(late.runs()) == 2
    for kiosk in kiosks:
        kiosk.close()


def test_a_push_that_commits_late_is_still_pulled(hub_url, tmp_path, clock):
    """The pull's mark is the oldest hub transaction still running when B read, not a time: a
    batch that began before a later one but committed after B's read is read at B's next round."""
    a_member, b_member, c_member = (add_member(hub_url, f"One late {name}", "W") for name in "ABC")
    kiosk_a, kiosk_b, kiosk_c = (_journal(tmp_path, name, clock) for name in "abc")
    anna = kiosk_a.add_person("Anna")
    for kiosk, member in ((kiosk_a, a_member), (kiosk_b, b_member), (kiosk_c, c_member)):
        sync_once(kiosk, member.url)
    slow = psycopg.connect(a_member.url)  # A's push: begun, not committed
    late_run = str(uuidlib.uuid4())
    slow.execute(
        "INSERT INTO hub.runs (workshop, uuid, person_uuid, device_uuid, local_id, pack_id, pack_version, "
        "content_hash, started_at_ms, ended_at_ms, outcome, step_count, furthest_step, help_by_step) "
        "VALUES ('W', %s, %s, %s, 1, 'sandwich', 1, 'h', 1, 2, 'finished', 5, 5, '[]')",
        (late_run, anna.uuid, kiosk_a.device.id),
    )
    Player(kiosk_c, clock).run(kiosk_c.person_by_uuid(anna.uuid).id)
    sync_once(kiosk_c, c_member.url)  # C's push begins later and commits first
    assert sync_once(kiosk_b, b_member.url).runs_pulled == 1
    slow.commit()
    slow.close()
    assert sync_once(kiosk_b, b_member.url).runs_pulled == 1
    assert late_run in {run.uuid for run in kiosk_b.runs()}
    for kiosk in (kiosk_a, kiosk_b, kiosk_c):
        kiosk.close()


def test_a_run_sent_by_a_reaches_b_at_once_through_notify(hub_url, tmp_path, clock):
    a_member, b_member = add_member(hub_url, "One push A", "W"), add_member(hub_url, "One push B", "W")
    path_a, path_b = tmp_path / "a" / "journal.sqlite3", tmp_path / "b" / "journal.sqlite3"
    with Journal.open(path_a, clock=clock) as journal:
        anna = journal.add_person("Anna")
        sync_once(journal, a_member.url)
    Journal.open(path_b, clock=clock).close()
    listener = HubListener(b_member.url)
    sync_b = HubSync(path_b, b_member.url, interval_s=600, listener=listener)  # only NOTIFY can make it fast
    listener.start()
    sync_b.start()
    try:
        assert wait_until(lambda: sync_b.status().last_sync is not None and listener.connected)
        with Journal.open(path_a, clock=clock) as journal:
            Player(journal, clock).run(anna.id)
            sync_once(journal, a_member.url)
        with Journal.open(path_b, clock=clock) as journal:
            assert wait_until(lambda: len(journal.runs()) == 1, timeout=30)
    finally:
        for service in (sync_b, listener):
            service.stop(timeout=5)


def test_help_on_another_kiosk_brings_support_back_but_never_fades_it(hub_url, tmp_path, clock):
    a_member, b_member = add_member(hub_url, "One sup A", "W"), add_member(hub_url, "One sup B", "W")
    kiosk_a, kiosk_b = _journal(tmp_path, "a", clock), _journal(tmp_path, "b", clock)
    anna = kiosk_a.add_person("Anna")
    sync_once(kiosk_a, a_member.url)
    sync_once(kiosk_b, b_member.url)
    anna_b = kiosk_b.person_by_uuid(anna.uuid)
    pack = SimpleNamespace(id="sandwich", content_hash="hash-sandwich-1", steps=[SimpleNamespace()] * 5)

    def levels() -> list[Level]:
        support = decide_pack(kiosk_b, anna_b.id, pack, now_ms=int(clock.now.timestamp() * 1000))
        return [decision.level for decision in support.decisions]

    for _ in range(6):  # six runs alone on A: summaries only, so B does not fade on them
        Player(kiosk_a, clock).run(anna.id)
    sync_once(kiosk_a, a_member.url)
    sync_once(kiosk_b, b_member.url)
    assert levels() == [Level.FULL] * 5
    for _ in range(3):  # three alone on B: B fades on what it saw itself
        Player(kiosk_b, clock).run(anna_b.id)
    assert levels() == [Level.REDUCED] * 5
    Player(kiosk_a, clock).run(anna.id, help_on=[2])  # help at step 2 on A ...
    sync_once(kiosk_a, a_member.url)
    sync_once(kiosk_b, b_member.url)
    assert levels() == [Level.REDUCED, Level.FULL, Level.REDUCED, Level.REDUCED, Level.REDUCED]  # ... counts on B
    kiosk_a.close()
    kiosk_b.close()
