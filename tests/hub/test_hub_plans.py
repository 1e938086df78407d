"""Day plans follow the worker (hub schema 5), against the real PostgreSQL of conftest.py: a plan made
on kiosk A (`kiosk plan import`, the trainer screen's store) reaches kiosk B and back, and a removal
too; one worker's plan edited on two kiosks at once, where the later edit wins by the hybrid logical
clock (a tablet 10 minutes behind too) and the loser is kept in the change log whichever arrives
first; what the worker did of the plan on A makes B's Now / Next (the pure ``day_view`` with an
injected clock) show it done and keeps B from reminding again, while B's exports stay B's own; a
deletion takes plan and events off the hub and every kiosk; a merge moves the plan events and keeps
the plan of the person kept; the hub down blocks nothing and everything arrives later; another
workshop sees none of it; NOTIFY brings a plan to another kiosk at once."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import date, datetime, time as clock_time, timedelta, timezone
from pathlib import Path

import psycopg
import pytest

from hub_testing import closed_port_url, wait_until
from journal_testing import FakeClock, Player
from kiosk.cli import main
from kiosk.hub import HubSync, add_member, sync_once
from kiosk.hub.admin import hub_changes
from kiosk.hub.listen import HubListener
from kiosk.journal import Journal
from kiosk.journal.export import person_export, write_csv, write_xapi
from kiosk.plan import Plan, PlanItem, day_view, due_reminder
from kiosk.plan.store import PlanStore

UTC = timezone.utc
DAY = date(2026, 3, 2)  # a Monday: the clock of journal_testing starts there at 08:00 UTC


def _journal(tmp_path: Path, name: str, clock: FakeClock) -> Journal:
    return Journal.open(tmp_path / name / "journal.sqlite3", clock=clock)


def _item(item_id: str, at: str | None, text: str, pack: str | None = None) -> PlanItem:
    return PlanItem(
        id=item_id,
        text={"en": text},
        picture=None if pack else "work",
        at=clock_time.fromisoformat(at) if at else None,
        pack=pack,
    )


PLAN = Plan(
    items=(
        _item("arrive", "08:00", "Hang up your coat"),
        _item("wash", "08:30", "Wash hands"),
        _item("work", "09:00", "Sort the screws", pack="sandwich"),
    ),
    time_zone="UTC",
)


def _at(hhmm: str) -> datetime:
    return datetime.combine(DAY, clock_time.fromisoformat(hhmm), tzinfo=UTC)


def _hub(url: str, sql: str, *params: object) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


def _exports(journal: Journal) -> tuple[str, str]:
    csv_out, xapi_out = io.StringIO(), io.StringIO()
    write_csv(journal, csv_out)
    write_xapi(journal, xapi_out, include_names=True)
    return csv_out.getvalue(), xapi_out.getvalue()


def test_a_plan_made_on_one_kiosk_reaches_another_and_back(hub_url, tmp_path, clock, capsys):
    a_member, b_member = add_member(hub_url, "PlanTo A", "W"), add_member(hub_url, "PlanTo B", "W")
    kiosk_a, kiosk_b = _journal(tmp_path, "a", clock), _journal(tmp_path, "b", clock)
    anna = kiosk_a.add_person("Anna")
    kiosk_a.close()
    plan_file = tmp_path / "anna.yaml"
    plan_file.write_text(
        'format: 1\ntime_zone: UTC\nitems:\n  - {id: arrive, at: "08:00", picture: arrive, text: Hang up your coat}\n'
        '  - {id: wash, at: "08:30", picture: wash-hands, text: {en: Wash hands, de: Hände waschen}}\n',
        encoding="utf-8",
    )
    assert main(["plan", "import", "Anna", str(plan_file), "--data", str(tmp_path / "a")]) == 0
    kiosk_a = _journal(tmp_path, "a", clock)
    assert sync_once(kiosk_a, a_member.url).plans_sent == 1

    result = sync_once(kiosk_b, b_member.url)
    assert result.people_received == 1 and result.plans_received == 1
    anna_b = kiosk_b.person_by_uuid(anna.uuid)
    plan_b = PlanStore(kiosk_b).plan(anna_b.id)
    assert plan_b == PlanStore(kiosk_a).plan(anna.id)
    assert [item.text for item in plan_b.items] == [
        {"en": "Hang up your coat"},
        {"en": "Wash hands", "de": "Hände waschen"},
    ]

    # B's trainer screen changes it (the store the screen calls); A gets B's version
    clock.advance(minutes=5)
    PlanStore(kiosk_b).set_plan(anna_b.id, PLAN)
    assert sync_once(kiosk_b, b_member.url).plans_sent == 1
    assert sync_once(kiosk_a, a_member.url).plans_received == 1
    assert PlanStore(kiosk_a).plan(anna.id) == PLAN
    # nothing edited: nothing sent, nothing received, no conflict
    for journal, member in ((kiosk_a, a_member), (kiosk_b, b_member)):
        again = sync_once(journal, member.url)
        assert (again.plans_sent, again.plans_received, again.conflicts_kept) == (0, 0, 0)

    # a coach removes the plan on A: it goes on B too
    PlanStore(kiosk_a).delete_plan(anna.id)
    assert sync_once(kiosk_a, a_member.url).plans_sent == 1
    assert _hub(hub_url, "SELECT document FROM hub.plans") == [(None,)]
    sync_once(kiosk_b, b_member.url)
    assert PlanStore(kiosk_b).plan(anna_b.id) is None
    # and made again on B: it comes back to A
    clock.advance(minutes=1)
    PlanStore(kiosk_b).set_plan(anna_b.id, PLAN)
    sync_once(kiosk_b, b_member.url)
    sync_once(kiosk_a, a_member.url)
    assert PlanStore(kiosk_a).plan(anna.id) == PLAN
    assert hub_changes(hub_url) == []  # all of it sequential: nothing lost
    kiosk_a.close()
    kiosk_b.close()


def test_a_losing_concurrent_plan_edit_is_kept_whichever_arrives_first(hub_url, tmp_path, clock, capsys):
    a_member, b_member = add_member(hub_url, "PlanBoth A", "W"), add_member(hub_url, "PlanBoth B", "W")
    coach = add_member(hub_url, "Both coach", "W", kind="coach")
    clock_b = FakeClock(clock.now - timedelta(minutes=10))  # B's clock runs 10 minutes behind
    kiosk_a, kiosk_b = _journal(tmp_path, "a", clock), _journal(tmp_path, "b", clock_b)
    anna = kiosk_a.add_person("Anna")
    PlanStore(kiosk_a).set_plan(anna.id, PLAN)
    sync_once(kiosk_a, a_member.url)
    sync_once(kiosk_b, b_member.url)
    anna_b = kiosk_b.person_by_uuid(anna.uuid)
    early = Plan(items=PLAN.items[:1], time_zone="UTC")
    late = Plan(items=PLAN.items[1:], time_zone="UTC")

    # both offline: A edits first, B later (in real time; both clocks move on 3 minutes)
    PlanStore(kiosk_a).set_plan(anna.id, early)
    clock.advance(minutes=3)
    clock_b.advance(minutes=13)  # B's clock now shows the time A's showed plus 3 minutes
    PlanStore(kiosk_b).set_plan(anna_b.id, late)
    # the winner arrives first, the loser second
    assert sync_once(kiosk_b, b_member.url).conflicts_kept == 0
    assert sync_once(kiosk_a, a_member.url).conflicts_kept == 1
    assert PlanStore(kiosk_a).plan(anna.id) == late == PlanStore(kiosk_b).plan(anna_b.id)

    # the loser arrives first, the winner second
    PlanStore(kiosk_a).set_plan(anna.id, early)
    clock.advance(minutes=3)
    clock_b.advance(minutes=3)
    PlanStore(kiosk_b).set_plan(anna_b.id, PLAN)
    assert sync_once(kiosk_a, a_member.url).conflicts_kept == 0  # nobody else edited yet: it wins for now
    assert sync_once(kiosk_b, b_member.url).conflicts_kept == 1  # B's later edit replaces it; A's is kept
    sync_once(kiosk_a, a_member.url)
    assert PlanStore(kiosk_a).plan(anna.id) == PLAN == PlanStore(kiosk_b).plan(anna_b.id)

    changes = hub_changes(coach.url, anna.uuid)
    assert [c.kind for c in changes] == ["plan", "plan"]
    assert [[i["id"] for i in c.version["document"]["items"]] for c in changes] == [["arrive"], ["arrive"]]
    assert all(c.winner_stamp > c.stamp for c in changes)
    assert main(["hub", "changes", "--db", coach.url, "--person", anna.uuid]) == 0
    printed = capsys.readouterr().out
    assert "'Anna'" in printed and "a day plan of" in printed and "08:00 Hang up your coat" in printed

    # B, 10 minutes behind, pulled A's last stamp; its next edit still orders after it: no conflict
    sync_once(kiosk_b, b_member.url)
    PlanStore(kiosk_b).set_plan(anna_b.id, late)
    assert sync_once(kiosk_b, b_member.url).conflicts_kept == 0
    sync_once(kiosk_a, a_member.url)
    assert PlanStore(kiosk_a).plan(anna.id) == late
    assert len(hub_changes(coach.url)) == 2
    kiosk_a.close()
    kiosk_b.close()


def test_what_the_worker_did_on_one_kiosk_counts_on_another(hub_url, tmp_path, clock):
    a_member, b_member = add_member(hub_url, "PlanDid A", "W"), add_member(hub_url, "PlanDid B", "W")
    kiosk_a, kiosk_b = _journal(tmp_path, "a", clock), _journal(tmp_path, "b", clock)
    anna = kiosk_a.add_person("Anna")
    store_a = PlanStore(kiosk_a)
    store_a.set_plan(anna.id, PLAN)
    sync_once(kiosk_a, a_member.url)
    sync_once(kiosk_b, b_member.url)
    anna_b = kiosk_b.person_by_uuid(anna.uuid)
    store_b = PlanStore(kiosk_b)
    exports_before = _exports(kiosk_b)

    # on A: the coat at 08:05, the reminder for washing hands at 08:30
    store_a.record(anna.id, DAY, "arrive", "done", due_at=_at("08:00"), at=_at("08:05"))
    store_a.record(anna.id, DAY, "wash", "reminded", due_at=_at("08:30"), at=_at("08:30"))
    result = sync_once(kiosk_a, a_member.url)
    assert (result.plan_events_sent, result.plan_events_new) == (2, 2)
    assert sync_once(kiosk_b, b_member.url).plan_events_pulled == 2

    # Anna walks to B at 08:36: washing hands is now, and it is not reminded again; the coat is done
    view = day_view(store_b.plan(anna_b.id), store_b.events(anna_b.id, DAY), _at("08:36"), UTC)
    assert view.now.item.id == "wash" and view.now.reminded_at == _at("08:30")
    assert due_reminder(view) is None
    assert [s.item.id for s in view.done] == ["arrive"] and view.next.item.id == "work"
    # without A's events, B would have reminded her (what the pull prevents)
    assert due_reminder(day_view(store_b.plan(anna_b.id), [], _at("08:36"), UTC)).item.id == "wash"

    # she washes her hands on A after all, then does the work pack on B
    store_a.record(anna.id, DAY, "wash", "done", due_at=_at("08:30"), at=_at("08:40"))
    sync_once(kiosk_a, a_member.url)
    sync_once(kiosk_b, b_member.url)
    view = day_view(store_b.plan(anna_b.id), store_b.events(anna_b.id, DAY), _at("08:45"), UTC)
    assert [s.item.id for s in view.done] == ["arrive", "wash"] and view.now is None
    clock.set(_at("09:00"))
    run_b = Player(kiosk_b, clock).run(anna_b.id)
    store_b.record(anna_b.id, DAY, "work", "started", due_at=_at("09:00"), at=_at("09:00"))
    store_b.record(anna_b.id, DAY, "work", "done", due_at=_at("09:00"), run_id=run_b, at=_at("09:01"))
    assert sync_once(kiosk_b, b_member.url).plan_events_sent == 2  # B's own only: A's copies never go back
    assert sync_once(kiosk_a, a_member.url).plan_events_pulled == 2
    view_a = day_view(store_a.plan(anna.id), store_a.events(anna.id, DAY), _at("09:05"), UTC)
    assert view_a.finished and [s.item.id for s in view_a.done] == ["arrive", "wash", "work"]
    # A's copy of the "done" points at A's copy of B's run
    (run_uuid,) = kiosk_a.db.read_one(
        "SELECT r.uuid FROM plan_events e JOIN runs r ON r.id = e.run_id WHERE e.item_id = 'work' AND e.event = 'done'"
    )
    assert run_uuid == kiosk_b.run(run_b).uuid

    # the hub holds each event once; a forgotten mark sends and pulls nothing twice
    assert _hub(hub_url, "SELECT count(*), count(DISTINCT uuid) FROM hub.plan_events") == [(5, 5)]
    for journal, member in ((kiosk_a, a_member), (kiosk_b, b_member)):
        journal.set_setting("hub.sync.plan_event_mark", 0)
        journal.set_setting("hub.sync.plan_pull_mark", "0")
        again = sync_once(journal, member.url)
        assert (again.plan_events_new, again.plan_events_pulled) == (0, 0)
        assert journal.db.read_one("SELECT count(*) FROM plan_events") == (5,)
    assert _hub(hub_url, "SELECT count(*) FROM hub.plan_events") == [(5,)]

    # exports stay each kiosk's own: B's CSV and xAPI gained only B's two events and B's run
    csv_b, xapi_b = _exports(kiosk_b)
    plan_rows = [row for row in csv.DictReader(io.StringIO(csv_b)) if row["plan_item"]]
    assert [(row["event"], row["plan_item"]) for row in plan_rows] == [("plan_started", "work"), ("plan_done", "work")]
    assert exports_before[0].count("plan_") == 1  # the header's plan_item: B had no plan events before
    statements = json.loads(xapi_b)
    plan_objects = [s for s in statements if ":plan:" in s["object"]["id"]]
    assert len(plan_objects) == 2
    csv_a, _ = _exports(kiosk_a)
    assert csv_a.count("plan_done") == 2 and csv_a.count("plan_reminded") == 1 and "plan_started" not in csv_a
    # the person export keeps them apart: B's own, and the copies with the kiosk they come from
    exported = person_export(kiosk_b, anna_b.id)
    assert [e["event"] for e in exported["plan_events"]] == ["started", "done"]
    assert [(e["item"], e["event"]) for e in exported["plan_events_from_other_kiosks"]] == [
        ("arrive", "done"),
        ("wash", "reminded"),
        ("wash", "done"),
    ]
    assert {e["kiosk"]["id"] for e in exported["plan_events_from_other_kiosks"]} == {kiosk_a.device.id}
    kiosk_a.close()
    kiosk_b.close()


def test_a_deletion_takes_the_plan_and_its_events_everywhere(hub_url, tmp_path, clock):
    members = [add_member(hub_url, f"PlanDel {n}", "W") for n in "ABC"]
    kiosk_a, kiosk_b = _journal(tmp_path, "a", clock), _journal(tmp_path, "b", clock)
    anna, ben = kiosk_a.add_person("Anna"), kiosk_a.add_person("Ben")
    for person in (anna, ben):
        PlanStore(kiosk_a).set_plan(person.id, PLAN)
        PlanStore(kiosk_a).record(person.id, DAY, "arrive", "done", at=_at("08:02"))
    sync_once(kiosk_a, members[0].url)
    sync_once(kiosk_b, members[1].url)
    anna_b = kiosk_b.person_by_uuid(anna.uuid)
    PlanStore(kiosk_b).record(anna_b.id, DAY, "wash", "done", at=_at("08:31"))
    sync_once(kiosk_b, members[1].url)
    # A, offline, records more of Anna's day before it hears of the deletion
    PlanStore(kiosk_a).record(anna.id, DAY, "work", "started", at=_at("09:00"))
    annas_events = {
        e.uuid
        for journal in (kiosk_a, kiosk_b)
        for e in PlanStore(journal).history(journal.person_by_uuid(anna.uuid).id)
    }
    assert len(annas_events) == 3  # arrive (A, and B's copy), wash (B), work (A, not sent yet)

    kiosk_b.delete_person(anna_b.id)
    sync_once(kiosk_b, members[1].url)
    sync_once(kiosk_a, members[0].url)
    assert _hub(hub_url, "SELECT count(*) FROM hub.plans WHERE person_uuid = %s", anna.uuid) == [(0,)]
    assert _hub(hub_url, "SELECT count(*) FROM hub.plan_events WHERE person_uuid = %s", anna.uuid) == [(0,)]
    assert _hub(hub_url, "SELECT count(*) FROM hub.plan_events") == [(1,)]  # Ben's stays
    for journal in (kiosk_a, kiosk_b):
        assert journal.person_by_uuid(anna.uuid) is None
        assert journal.db.read_one("SELECT count(*) FROM plans") == (1,)
        assert journal.db.read_one("SELECT count(*) FROM plan_events") == (1,)
        journal.close()
        raw = journal.path.read_bytes()  # overwritten and vacuumed: no trace of her events in the file
        assert not any(event_uuid.encode() in raw for event_uuid in annas_events)
    with _journal(tmp_path, "c", clock) as kiosk_c:  # a kiosk joining later never sees her
        sync_once(kiosk_c, members[2].url)
        assert [p.name for p in kiosk_c.people()] == ["Ben"]
        assert kiosk_c.db.read_one("SELECT count(*) FROM plans") == (1,)
        assert kiosk_c.db.read_one("SELECT count(*) FROM plan_events") == (1,)


def test_a_merge_moves_the_plan_events_and_keeps_the_kept_persons_plan(hub_url, tmp_path, clock, capsys):
    a_member, b_member = add_member(hub_url, "PlanMerge A", "W"), add_member(hub_url, "PlanMerge B", "W")
    coach = add_member(hub_url, "Merge coach", "W", kind="coach")
    kiosk_a, kiosk_b = _journal(tmp_path, "a", clock), _journal(tmp_path, "b", clock)
    anna_a, anna_b = kiosk_a.add_person("Anna"), kiosk_b.add_person("Anna")  # added twice, offline
    mine_a = Plan(items=PLAN.items[:2], time_zone="UTC")
    PlanStore(kiosk_a).set_plan(anna_a.id, mine_a)
    PlanStore(kiosk_b).set_plan(anna_b.id, PLAN)
    PlanStore(kiosk_a).record(anna_a.id, DAY, "arrive", "done", at=_at("08:03"))
    PlanStore(kiosk_b).record(anna_b.id, DAY, "arrive", "reminded", at=_at("08:00"))
    PlanStore(kiosk_b).record(anna_b.id, DAY, "wash", "done", at=_at("08:33"))
    for journal, member in ((kiosk_a, a_member), (kiosk_b, b_member), (kiosk_a, a_member)):
        sync_once(journal, member.url)
    # B, offline again, records one more before it hears of the merge
    PlanStore(kiosk_b).record(anna_b.id, DAY, "work", "started", at=_at("09:00"))

    assert main(["hub", "merge", anna_a.uuid, anna_b.uuid, "--db", coach.url]) == 0
    assert _hub(hub_url, "SELECT person_uuid::text, count(*) FROM hub.plan_events GROUP BY 1") == [(anna_a.uuid, 3)]
    assert _hub(hub_url, "SELECT person_uuid::text FROM hub.plans") == [(anna_a.uuid,)]
    (lost,) = [c for c in hub_changes(coach.url, anna_a.uuid) if c.kind == "plan"]
    assert lost.version["merged_from"] == anna_b.uuid and len(lost.version["document"]["items"]) == 3

    assert sync_once(kiosk_b, b_member.url).merged_here == 1
    sync_once(kiosk_a, a_member.url)
    for journal in (kiosk_a, kiosk_b):
        kept = journal.person_by_uuid(anna_a.uuid)
        assert [p.uuid for p in journal.people()] == [anna_a.uuid]
        assert PlanStore(journal).plan(kept.id) == mine_a  # the kept person's plan
        done = sorted((e.item_id, e.event) for e in PlanStore(journal).events(kept.id, DAY))
        assert done == [("arrive", "done"), ("arrive", "reminded"), ("wash", "done"), ("work", "started")]
    assert _hub(hub_url, "SELECT person_uuid::text, count(*) FROM hub.plan_events GROUP BY 1") == [(anna_a.uuid, 4)]
    assert sync_once(kiosk_b, b_member.url).conflicts_kept == 0  # B's copy of its old plan is not an edit
    kiosk_a.close()
    kiosk_b.close()


def test_a_merge_gives_the_kept_person_the_other_plan_when_they_have_none(hub_url, tmp_path, clock):
    a_member = add_member(hub_url, "PlanGive A", "W")
    with _journal(tmp_path, "a", clock) as kiosk_a:
        one, two = kiosk_a.add_person("Nina"), kiosk_a.add_person("Nina")
        PlanStore(kiosk_a).set_plan(two.id, PLAN)
        sync_once(kiosk_a, a_member.url)
        with psycopg.connect(hub_url, autocommit=True) as conn:
            conn.execute("SELECT hub.merge_people(%s, %s)", (one.uuid, two.uuid))
        sync_once(kiosk_a, a_member.url)
        assert PlanStore(kiosk_a).plan(kiosk_a.person_by_uuid(one.uuid).id) == PLAN
        assert _hub(hub_url, "SELECT person_uuid::text, origin FROM hub.plans") == [(one.uuid, "merge")]
        assert _hub(hub_url, "SELECT count(*) FROM hub.changes WHERE kind = 'plan'") == [(0,)]


def test_the_hub_down_blocks_no_plan_and_everything_arrives_later(hub_url, tmp_path, clock):
    a_member, b_member = add_member(hub_url, "PlanDown A", "W"), add_member(hub_url, "PlanDown B", "W")
    path = tmp_path / "a" / "journal.sqlite3"
    with Journal.open(path, clock=clock) as kiosk_a:
        anna = kiosk_a.add_person("Anna")
        store = PlanStore(kiosk_a)
        sync = HubSync(path, closed_port_url(), interval_s=0.05, min_backoff_s=0.02, max_backoff_s=0.05, watch_s=0.02)
        sync.start()
        slowest = 0.0
        for minute in range(40):
            started = time.perf_counter()
            store.set_plan(anna.id, PLAN)
            store.record(anna.id, DAY, "arrive", "reminded", at=_at("08:00") + timedelta(minutes=minute))
            slowest = max(slowest, (time.perf_counter() - started) / 2)
        assert wait_until(lambda: sync.status().failures_in_a_row >= 3 and sync.status().plan_events_waiting == 40)
        assert sync.stop(timeout=5)
        assert slowest < 0.25, f"a plan write took {slowest:.3f} s while the hub was down"
        assert "cannot be reached right now" in sync.status().last_error
        assert "40 day-plan records are waiting to be sent." in sync.status().describe()  # trainer mode says so

        sync = HubSync(path, a_member.url, interval_s=0.05)
        sync.start()
        assert wait_until(lambda: _hub(hub_url, "SELECT count(*) FROM hub.plan_events") == [(40,)])
        assert wait_until(lambda: _hub(hub_url, "SELECT count(*) FROM hub.plans") == [(1,)])
        assert wait_until(lambda: sync.status().plan_events_waiting == 0)
        assert sync.stop(timeout=5)
        assert "day-plan records" not in sync.status().describe()
    with _journal(tmp_path, "b", clock) as kiosk_b:
        result = sync_once(kiosk_b, b_member.url)
        anna_b = kiosk_b.person_by_uuid(anna.uuid)
        assert result.plans_received == 1 and result.plan_events_pulled == 40
        assert PlanStore(kiosk_b).plan(anna_b.id) == PLAN


def test_another_workshop_sees_and_changes_none_of_the_plans(hub_url, tmp_path, clock):
    north, south = add_member(hub_url, "RLS5 N", "North"), add_member(hub_url, "RLS5 S", "South")
    north_coach = add_member(hub_url, "RLS5 NC", "North", kind="coach")
    south_coach = add_member(hub_url, "RLS5 SC", "South", kind="coach")
    with _journal(tmp_path, "n", clock) as journal:
        nina = journal.add_person("Nina")
        PlanStore(journal).set_plan(nina.id, PLAN)
        PlanStore(journal).record(nina.id, DAY, "arrive", "done", at=_at("08:01"))
        sync_once(journal, north.url)
    with _journal(tmp_path, "s", clock) as journal:
        result = sync_once(journal, south.url)
        assert (result.people_received, result.plans_received, result.plan_events_pulled) == (0, 0, 0)
    with psycopg.connect(south.url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM hub.plans").fetchone()[0] == 0
        assert (
            conn.execute(
                "SELECT count(*) FROM hub.workshop_plan_events('0'::xid8, '00000000-0000-0000-0000-000000000000', NULL, 100)"
            ).fetchone()[0]
            == 0
        )
        assert conn.execute("UPDATE hub.plans SET document = NULL").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # kiosks never read events themselves
            conn.execute("SELECT count(*) FROM hub.plan_events")
    with psycopg.connect(south.url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # nor write into another workshop
            conn.execute(
                "INSERT INTO hub.plans (workshop, person_uuid, document, changed_stamp, origin) "
                "VALUES ('North', %s, '{}', 9999999999999, 'x')",
                (nina.uuid,),
            )
    with psycopg.connect(south_coach.url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM hub.plan_events").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM hub.plans").fetchone()[0] == 0
    with psycopg.connect(north_coach.url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM hub.plan_events").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM hub.plans").fetchone()[0] == 1


def test_a_plan_edited_on_one_kiosk_reaches_a_running_kiosk_at_once(hub_url, tmp_path, clock):
    a_member, b_member = add_member(hub_url, "PlanNow A", "W"), add_member(hub_url, "PlanNow B", "W")
    with _journal(tmp_path, "a", clock) as kiosk_a, _journal(tmp_path, "b", clock) as kiosk_b:
        anna = kiosk_a.add_person("Anna")
        sync_once(kiosk_a, a_member.url)
        sync_once(kiosk_b, b_member.url)
        listener = HubListener(b_member.url)
        sync = HubSync(kiosk_b.path, b_member.url, interval_s=3600, listener=listener)
        listener.start()
        sync.start()
        try:
            assert wait_until(lambda: sync.status().last_sync is not None and listener.connected)
            PlanStore(kiosk_a).set_plan(anna.id, PLAN)
            PlanStore(kiosk_a).record(anna.id, DAY, "arrive", "done", at=_at("08:04"))
            sync_once(kiosk_a, a_member.url)
            anna_b = kiosk_b.person_by_uuid(anna.uuid)
            assert wait_until(lambda: PlanStore(kiosk_b).plan(anna_b.id) == PLAN, timeout=30)
            assert wait_until(lambda: len(PlanStore(kiosk_b).events(anna_b.id, DAY)) == 1, timeout=30)
        finally:
            sync.stop(timeout=5)
            listener.stop(timeout=5)


def test_the_hubs_export_holds_the_plan_events_of_every_kiosk_once(hub_url, tmp_path, clock, capsys):
    """`kiosk export --hub` equals the kiosks' own exports together, plan events included, though
    each kiosk also holds copies of the other's; `kiosk report --hub` gets the plan and every event."""
    a_member, b_member = add_member(hub_url, "PExp A", "W"), add_member(hub_url, "PExp B", "W")
    coach = add_member(hub_url, "PExp coach", "W", kind="coach")
    kiosk_a, kiosk_b = _journal(tmp_path, "a", clock), _journal(tmp_path, "b", clock)
    kiosk_b.add_person("Eve")  # Anna gets another id on B
    anna = kiosk_a.add_person("Anna")
    PlanStore(kiosk_a).set_plan(anna.id, PLAN)
    sync_once(kiosk_a, a_member.url)
    sync_once(kiosk_b, b_member.url)
    anna_b = kiosk_b.person_by_uuid(anna.uuid)
    assert anna_b.id != anna.id
    PlanStore(kiosk_a).record(anna.id, DAY, "arrive", "done", due_at=_at("08:00"), at=_at("08:04"))
    PlanStore(kiosk_a).record(anna.id, DAY, "wash", "reminded", due_at=_at("08:30"), at=_at("08:30"))
    clock.set(_at("09:00"))
    run_b = Player(kiosk_b, clock).run(anna_b.id)
    PlanStore(kiosk_b).record(anna_b.id, DAY, "work", "done", due_at=_at("09:00"), run_id=run_b, at=_at("09:01"))
    for journal, member in ((kiosk_a, a_member), (kiosk_b, b_member), (kiosk_a, a_member)):
        sync_once(journal, member.url)
    assert kiosk_a.db.read_one("SELECT count(*) FROM plan_events") == (3,)  # A's two and a copy of B's

    def export(*args: str) -> str:
        out = tmp_path / f"export-{len(list(tmp_path.glob('export-*')))}"
        assert main(["export", *args, "--out", str(out)]) == 0, capsys.readouterr().err
        return out.read_text(encoding="utf-8-sig")

    def rows(text: str) -> set[tuple[str, ...]]:
        return {tuple(row) for row in list(csv.reader(io.StringIO(text)))[1:]}

    rows_a, rows_b = (
        rows(export("--data", str(tmp_path / "a"), "--format", "csv")),
        rows(export("--data", str(tmp_path / "b"), "--format", "csv")),
    )
    rows_h = rows(export("--hub", coach.url, "--format", "csv"))
    assert rows_h == rows_a | rows_b and len([r for r in rows_h if r[-1]]) == 3  # three plan rows, once each
    ids_a = {s["id"] for s in json.loads(export("--data", str(tmp_path / "a"), "--format", "xapi"))}
    ids_b = {s["id"] for s in json.loads(export("--data", str(tmp_path / "b"), "--format", "xapi"))}
    ids_h = {s["id"] for s in json.loads(export("--hub", coach.url, "--format", "xapi"))}
    assert ids_h == ids_a | ids_b and not ids_a & ids_b

    from kiosk.hub.export import PERSON_ID, person_journal

    with psycopg.connect(coach.url) as conn, person_journal(conn, anna.uuid) as journal:
        assert PlanStore(journal).plan(PERSON_ID) == PLAN
        assert [(e.event.item_id, e.event.event) for e in PlanStore(journal).history(PERSON_ID)] == [
            ("arrive", "done"),
            ("wash", "reminded"),
            ("work", "done"),
        ]
        assert PlanStore(journal).history(PERSON_ID)[-1].event.run_id is not None  # B's run, on the hub
    kiosk_a.close()
    kiosk_b.close()


def test_a_plan_edited_here_while_the_hub_had_a_newer_one_is_not_lost_silently(hub_url, tmp_path, clock):
    """B edits a plan after A's newer edit reached the hub but before B pulled it: B's edit is later,
    so it wins, and A's version (which B never saw) is kept in the change log."""
    a_member, b_member = add_member(hub_url, "PlanRace A", "W"), add_member(hub_url, "PlanRace B", "W")
    kiosk_a, kiosk_b = _journal(tmp_path, "a", clock), _journal(tmp_path, "b", clock)
    anna = kiosk_a.add_person("Anna")
    PlanStore(kiosk_a).set_plan(anna.id, PLAN)
    sync_once(kiosk_a, a_member.url)
    sync_once(kiosk_b, b_member.url)
    anna_b = kiosk_b.person_by_uuid(anna.uuid)
    clock.advance(minutes=1)
    PlanStore(kiosk_a).set_plan(anna.id, Plan(items=PLAN.items[:1], time_zone="UTC"))
    sync_once(kiosk_a, a_member.url)
    clock.advance(minutes=1)
    PlanStore(kiosk_b).set_plan(anna_b.id, Plan(items=PLAN.items[2:], time_zone="UTC"))
    assert sync_once(kiosk_b, b_member.url).conflicts_kept == 1
    sync_once(kiosk_a, a_member.url)
    assert PlanStore(kiosk_a).plan(anna.id) == PlanStore(kiosk_b).plan(anna_b.id)
    assert [i.id for i in PlanStore(kiosk_a).plan(anna.id).items] == ["work"]
    (lost,) = hub_changes(hub_url, anna.uuid)
    assert [i["id"] for i in lost.version["document"]["items"]] == ["arrive"]
    kiosk_a.close()
    kiosk_b.close()
