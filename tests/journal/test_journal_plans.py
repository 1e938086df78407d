"""Day plans in the journal (migration 7): a plan per worker, plan events per local day, in the CSV,
xAPI and person exports, gone with the person; an old journal gains the tables and keeps its data."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import date, time, timedelta

import pytest

from journal_xapi_rules import problems as xapi_problems
from kiosk.journal import Journal
from kiosk.journal.export import CSV_COLUMNS, person_export, write_csv, write_xapi
from kiosk.journal.schema import MIGRATIONS, SCHEMA_VERSION
from kiosk.plan import Plan, PlanItem
from kiosk.plan.store import PlanStore

DAY = date(2026, 3, 2)
PLAN = Plan(
    items=(
        PlanItem(id="arrive", text={"en": "Hang up your coat"}, picture="arrive", at=time(8, 0)),
        PlanItem(id="work", text={"en": "Sort screws", "de": "Schrauben sortieren"}, pack="sort", at=time(8, 30)),
    )
)


@pytest.fixture
def store(journal):
    return PlanStore(journal)


def test_migration_7_adds_plans_to_a_version_6_journal(tmp_path):
    path = tmp_path / "journal.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA foreign_keys = ON")
    for number, migration in enumerate(MIGRATIONS[:6], start=1):
        migration(raw)
        raw.execute(f"PRAGMA user_version = {number}")
    raw.execute("INSERT INTO people (name, uuid) VALUES ('Old Worker', 'u-1')")
    raw.commit()
    raw.close()
    with Journal.open(path) as journal:
        assert journal.db.schema_version == SCHEMA_VERSION >= 7
        [old] = journal.people()
        assert old.name == "Old Worker"
        store = PlanStore(journal)
        assert store.plan(old.id) is None
        store.set_plan(old.id, PLAN)
        assert store.plan(old.id) == PLAN
        assert journal.db.read("PRAGMA foreign_key_check") == []


def test_plan_is_stored_whole_and_replaced(journal, store):
    zoe = journal.add_person("Zoe")
    store.set_plan(zoe.id, PLAN)
    smaller = Plan(items=PLAN.items[:1])
    store.set_plan(zoe.id, smaller)
    assert store.plan(zoe.id) == smaller and store.people_with_plans() == [zoe.id]
    with pytest.raises(KeyError):
        store.set_plan(999, PLAN)


def test_copy_gives_each_their_own_plan(journal, store):
    zoe, li, ben = (journal.add_person(n) for n in ("Zoe", "Li", "Ben"))
    store.set_plan(zoe.id, PLAN)
    assert store.copy_plan(zoe.id, [li.id, ben.id, zoe.id]) == [li.id, ben.id]
    store.set_plan(li.id, Plan(items=PLAN.items[1:]))
    assert store.plan(ben.id) == PLAN and store.plan(zoe.id) == PLAN and len(store.plan(li.id).items) == 1
    with pytest.raises(KeyError):
        store.copy_plan(zoe.id, [li.id, 999])  # all or none
    assert len(store.plan(li.id).items) == 1


def test_events_belong_to_their_local_day(journal, store, clock):
    zoe = journal.add_person("Zoe")
    store.record(zoe.id, DAY, "arrive", "reminded")
    clock.advance(minutes=3)
    store.record(zoe.id, DAY, "arrive", "done")
    clock.advance(days=-1)  # the kiosk's clock set back: the event still belongs to DAY
    store.record(zoe.id, DAY, "work", "started", run_id=None)
    events = store.events(zoe.id, DAY)
    assert [(e.item_id, e.event) for e in events] == [("arrive", "reminded"), ("arrive", "done"), ("work", "started")]
    assert store.events(zoe.id, DAY - timedelta(days=1)) == []
    with pytest.raises(ValueError):
        store.record(zoe.id, DAY, "arrive", "finished")


def test_plan_events_in_the_csv_and_xapi_exports(journal, store, clock, player):
    zoe = journal.add_person("Zoe", language="de")
    store.set_plan(zoe.id, PLAN)
    store.record(zoe.id, DAY, "arrive", "reminded")
    clock.advance(minutes=1)
    store.record(zoe.id, DAY, "arrive", "done")
    clock.advance(minutes=1)
    run = player.run(zoe.id, "sort", steps=2)
    store.record(zoe.id, DAY, "work", "done", run_id=run, due_at=clock.now)
    store.record(zoe.id, DAY, "work", "skipped")

    out = io.StringIO()
    write_csv(journal, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == CSV_COLUMNS
    plan_rows = [row for row in rows if row["event"].startswith("plan_")]
    assert [(r["plan_item"], r["event"]) for r in plan_rows] == [
        ("arrive", "plan_reminded"),
        ("arrive", "plan_done"),
        ("work", "plan_done"),
        ("work", "plan_skipped"),
    ]
    assert plan_rows[2]["pack_id"] == "sort" and plan_rows[2]["run_id"] == str(run)
    assert all(r["event_id"].startswith("plan-") for r in plan_rows)
    assert [r["timestamp"] for r in rows] == sorted(r["timestamp"] for r in rows)  # oldest first, merged
    assert all(r["plan_item"] == "" for r in rows if not r["event"].startswith("plan_"))

    first, second = io.StringIO(), io.StringIO()
    write_xapi(journal, first)
    write_xapi(journal, second)
    statements = json.loads(first.getvalue())
    assert first.getvalue() == second.getvalue()  # stable ids
    plan_statements = [s for s in statements if ":plan:" in s["object"]["id"]]
    assert [s["verb"]["id"].rsplit("/", 1)[1] for s in plan_statements] == [
        "experienced",
        "completed",
        "completed",
        "interacted",
    ]
    assert all(xapi_problems(s) == [] for s in statements)
    assert len({s["id"] for s in statements}) == len(statements)
    assert "Zoe" not in first.getvalue()


def test_person_export_and_delete_take_the_plan(journal, store, data_dir):
    zoe = journal.add_person("Zoe")
    store.set_plan(zoe.id, PLAN)
    store.record(zoe.id, DAY, "arrive", "done")
    store.set_no_sound(zoe.id, True)
    exported = person_export(journal, zoe.id)
    assert exported["plan"]["items"][0]["id"] == "arrive" and exported["plan_events"][0]["event"] == "done"
    assert exported["settings"] == {f"plan_no_sound.{zoe.id}": True}
    journal.delete_person(zoe.id)
    assert journal.db.read("SELECT * FROM plans") == [] and journal.db.read("SELECT * FROM plan_events") == []
    assert b"Sort screws" not in data_dir.journal.read_bytes()
