"""xAPI export: every statement passes the 1.0.3 rules; verbs, results and context say what
happened; ids are stable; names stay out unless asked for."""

from __future__ import annotations

import copy
import io
import json
import re
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal_xapi_rules import ISO_DURATION, problems
from kiosk.journal.export import write_xapi, xapi_statements
from kiosk.journal.xapi import EXT_CONTENT_HASH, EXT_EVENT, EXT_PACK_VERSION, iso_duration

ADL = "http://adlnet.gov/expapi/verbs/"


@pytest.fixture
def history(journal, clock, player):
    """Anna: one finished run with help on step 2 and every kind of event; one interrupted run
    resumed and finished. Ben (language zh): one abandoned run."""
    anna = journal.add_person("Anna Müller", language="de")
    ben = journal.add_person("Ben", language="zh")
    first = journal.start_run(anna.id, "pack one", 2, "hash-a", step_count=3)
    journal.record_step(first, 1, "shown")
    journal.record_step(first, 1, "hear_again")
    journal.record_step(first, 1, "count_tap")
    journal.record_step(first, 1, "timer_finished")
    clock.advance(seconds=12.5)
    journal.record_step(first, 1, "done", duration_ms=12_500)
    journal.record_step(first, 2, "shown")
    journal.record_step(first, 2, "help")
    journal.record_step(first, 2, "back")
    journal.record_step(first, 2, "done", duration_ms=3_725_500)
    journal.record_step(first, 3, "shown")
    journal.record_step(first, 3, "done", duration_ms=0)
    journal.finish_run(first)
    interrupted = player.run(anna.id, "pack one", version=2, steps=3, stop_after=1, outcome=None)
    journal.recover_interrupted()
    resumed = journal.resume_run(interrupted)
    player.play_steps(resumed, [1, 2, 3])
    journal.finish_run(resumed)
    abandoned = player.run(ben.id, "tea", steps=2, stop_after=1, outcome="abandoned")
    return anna, ben, first, interrupted, resumed, abandoned


def _statements(journal, **filters):
    return list(xapi_statements(journal, **filters))


def test_every_statement_passes_the_spec_rules(journal, history):
    statements = _statements(journal)
    assert statements
    for statement in statements:
        assert problems(statement) == [], statement
    assert len({statement["id"] for statement in statements}) == len(statements)
    events = journal.db.read_one("SELECT COUNT(*) FROM step_events")[0]
    runs = journal.db.read_one("SELECT COUNT(*) FROM runs")[0]
    assert len(statements) == events + 2 * runs  # each run: started, its events, ended


def test_the_validator_catches_broken_statements(journal, history):
    good = _statements(journal)[1]
    breakages = {
        "id": lambda s: s.update(id="not-a-uuid"),
        "two identifiers": lambda s: s["actor"].update(mbox="mailto:a@example.org"),
        "no identifier": lambda s: s["actor"].pop("account"),
        "verb iri": lambda s: s["verb"].update(id="completed"),
        "duration": lambda s: s.setdefault("result", {}).update(duration="12.5 seconds"),
        "empty duration": lambda s: s.setdefault("result", {}).update(duration="PT"),
        "timestamp": lambda s: s.update(timestamp="2026-03-02 08:00"),
        "language": lambda s: s["verb"].update(display={"english!": "x"}),
        "null": lambda s: s.update(result=None),
        "unknown property": lambda s: s.update(extra=1),
        "version": lambda s: s.update(version="2.0"),
        "registration": lambda s: s["context"].update(registration="x"),
    }
    for name, breaking in breakages.items():
        broken = copy.deepcopy(good)
        breaking(broken)
        assert problems(broken), f"the validator missed: {name}"


def test_statements_say_what_happened(journal, history):
    anna, _, first, *_ = history
    statements = [s for s in _statements(journal) if s["context"]["extensions"]["urn:step-kiosk:xapi:run-id"] == first]
    verbs = [s["verb"]["id"].removeprefix(ADL) for s in statements]
    assert verbs == [
        "attempted",
        "experienced",
        "interacted",
        "interacted",
        "interacted",
        "completed",
        "experienced",
        "asked",
        "interacted",
        "completed",
        "experienced",
        "completed",
        "completed",
    ]
    assert [s["context"]["extensions"].get(EXT_EVENT) for s in statements if s["verb"]["id"] == ADL + "interacted"] == [
        "hear_again",
        "count_tap",
        "timer_finished",
        "back",
    ]
    step_done = [
        s for s in statements if s["object"]["id"].endswith(":step:1") and s["verb"]["id"] == ADL + "completed"
    ]
    assert step_done[0]["result"] == {"success": True, "completion": True, "duration": "PT12.5S"}
    helped = [s for s in statements if s["object"]["id"].endswith(":step:2") and s["verb"]["id"] == ADL + "completed"]
    assert helped[0]["result"] == {"success": False, "completion": True, "duration": "PT1H2M5.5S"}
    step = statements[1]
    assert step["object"]["id"] == "urn:step-kiosk:pack:pack%20one:step:1"
    assert step["context"]["contextActivities"]["parent"][0]["id"] == "urn:step-kiosk:pack:pack%20one"
    assert step["context"]["extensions"][EXT_PACK_VERSION] == 2
    assert step["context"]["extensions"][EXT_CONTENT_HASH] == "hash-a"
    assert step["context"]["language"] == "de"
    assert step["actor"] == {
        "objectType": "Agent",
        "account": {"homePage": f"urn:step-kiosk:{journal.device.id}", "name": str(anna.id)},
    }
    ended = statements[-1]
    assert ended["object"]["id"] == "urn:step-kiosk:pack:pack%20one"
    assert ended["result"]["completion"] is True and ISO_DURATION.match(ended["result"]["duration"])
    assert all(s["version"] == "1.0.3" for s in statements)


def test_resumed_runs_share_the_attempts_registration(journal, history):
    _, _, first, interrupted, resumed, abandoned = history
    by_run: dict[int, list[dict]] = {}
    for statement in _statements(journal):
        by_run.setdefault(statement["context"]["extensions"]["urn:step-kiosk:xapi:run-id"], []).append(statement)
    assert by_run[interrupted][-1]["verb"]["id"] == ADL + "suspended"
    assert by_run[resumed][0]["verb"]["id"] == ADL + "resumed"
    assert by_run[abandoned][-1]["verb"]["id"] == ADL + "exited"
    assert by_run[abandoned][-1]["result"]["completion"] is False
    registrations = {run: {s["context"]["registration"] for s in statements} for run, statements in by_run.items()}
    assert all(len(values) == 1 for values in registrations.values())
    assert registrations[interrupted] == registrations[resumed] != registrations[first]


def test_ids_are_stable_and_names_stay_out(journal, history):
    first_export, second_export = io.StringIO(), io.StringIO()
    count = write_xapi(journal, first_export)
    write_xapi(journal, second_export)
    assert first_export.getvalue() == second_export.getvalue()
    parsed = json.loads(first_export.getvalue())
    assert len(parsed) == count
    assert "Anna" not in first_export.getvalue() and "Ben" not in first_export.getvalue()
    named = _statements(journal, include_names=True)
    assert {s["actor"]["name"] for s in named} == {"Anna Müller", "Ben"}
    assert all(problems(s) == [] for s in named)


def test_filters(journal, history, clock):
    anna, ben, *_ = history
    assert {s["actor"]["account"]["name"] for s in _statements(journal, person_id=ben.id)} == {str(ben.id)}
    everything = _statements(journal)
    middle = sorted(s["timestamp"] for s in everything)[len(everything) // 2]
    later = [s for s in everything if s["timestamp"] >= middle]
    since = datetime.fromisoformat(middle.replace("Z", "+00:00"))
    assert sorted(s["id"] for s in _statements(journal, since=since)) == sorted(s["id"] for s in later)
    assert _statements(journal, since=clock.now + timedelta(days=1)) == []
    empty = io.StringIO()
    assert write_xapi(journal, empty, since=clock.now + timedelta(days=1)) == 0
    assert json.loads(empty.getvalue()) == []


@given(st.integers(min_value=0, max_value=10**9))
def test_iso_duration_is_valid_and_exact_to_the_hundredth(milliseconds):
    text = iso_duration(milliseconds)
    assert ISO_DURATION.match(text), text
    match = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?", text)
    hours, minutes, seconds = (float(part) if part else 0.0 for part in match.groups())
    assert abs(hours * 3600 + minutes * 60 + seconds - round(milliseconds / 10) / 100) < 1e-6


def test_iso_duration_examples():
    assert iso_duration(12_500) == "PT12.5S"
    assert iso_duration(0) == "PT0S"
    assert iso_duration(60_000) == "PT1M"
    assert iso_duration(3_600_000) == "PT1H"
    assert iso_duration(3_725_500) == "PT1H2M5.5S"
    assert iso_duration(1_234) == "PT1.23S"
