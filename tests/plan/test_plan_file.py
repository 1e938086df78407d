"""The coach's plan file: problems with line and hint, the pack loader's YAML safety, round trip,
and the JSON Schema agreeing with the checker."""

from __future__ import annotations

import json
from datetime import date, time
from importlib import resources

import jsonschema
import pytest
import yaml

from kiosk.packs.model import Severity
from kiosk.plan.yamlio import read_plan, write_plan

GOOD = """\
format: 1
language: en
time_zone: Europe/Berlin
days: [mon, tue, wed, thu, fri]
items:
  - id: arrive
    at: "08:00"
    picture: arrive
    text: {en: Hang up your coat, de: Häng deine Jacke auf, zh: 挂好外套}
  - id: change
    after: previous
    picture: change
    text: Put on your work clothes
    minutes: 10
  - id: work
    at: 8:30
    pack: sort-screws
    text: Sort the screws
  - id: lunch
    at: "12:00"
    picture: lunch
    text: Lunch
    days: weekdays
exceptions:
  - date: 2026-12-24
    day_off: yes
  - date: 2026-12-02
    skip: [lunch]
    add:
      - {id: doctor, at: "13:00", picture: medicine, text: See the doctor}
"""


def test_a_good_plan_reads_and_round_trips():
    plan, problems = read_plan(GOOD.encode())
    assert problems == []
    assert [i.id for i in plan.items] == ["arrive", "change", "work", "lunch"]
    assert plan.items[2].at == time(8, 30)  # YAML 1.1 reads 8:30 as a number; the text as typed wins
    assert plan.items[0].text["zh"] == "挂好外套" and plan.items[1].text == {"en": "Put on your work clothes"}
    assert plan.change_for(date(2026, 12, 24)).off and plan.items_on(date(2026, 12, 24)) == ()
    assert [i.id for i in plan.items_on(date(2026, 12, 2))] == ["arrive", "change", "work", "doctor"]
    again, problems = read_plan(write_plan(plan, person="Zoe").encode())
    assert again == plan and problems == []


def _problems(text: str):
    plan, problems = read_plan(text.encode(), "zoe.yaml")
    return plan, [(p.severity, p.step, p.message, p.hint) for p in problems]


def test_mistakes_name_their_line_item_and_what_to_do():
    text = GOOD.replace('at: "12:00"', 'at: "25:00"').replace("picture: change", "picture: chnge")
    text = text.replace("minutes: 10", "minutes: ten")
    plan, problems = _problems(text)
    assert plan is None
    by_line = {message.split(":")[0]: (step, message, hint) for _, step, message, hint in problems}
    assert by_line["line 12"][0] == 2 and "chnge" in by_line["line 12"][1] and "change" in by_line["line 12"][2]
    assert by_line["line 14"][0] == 2 and "minutes" in by_line["line 14"][1]
    assert by_line["line 20"][0] == 4 and "'25:00' is not a time of day" in by_line["line 20"][1]
    assert all(hint for *_, hint in problems)


def test_syntax_mistake_has_its_line():
    plan, problems = _problems(GOOD.replace("  - id: work\n", "  - id: work\n   bad: [\n"))
    assert plan is None
    [(severity, _, message, hint)] = problems
    assert severity is Severity.ERROR and "line 16" in message and "line 16" in hint


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda t: t.replace("format: 1", "format: 2"), "format"),
        (lambda t: t.replace('  - id: arrive\n    at: "08:00"\n', "  - id: arrive\n"), "first item has no time"),
        (lambda t: t.replace("id: change", "id: arrive"), "Two items have the id 'arrive'"),
        (lambda t: t.replace("time_zone: Europe/Berlin", "time_zone: Mars/Olympus"), "time zone"),
        (lambda t: t.replace("days: [mon, tue, wed, thu, fri]", "days: [mon, funday]"), "'funday' is not a weekday"),
        (lambda t: t.replace("text: Lunch", "text: " + "very long " * 10), "characters long"),
        (lambda t: t.replace("after: previous", "after: lunch"), "'after' can only be 'previous'"),
        (lambda t: "- just\n- a list\n", "list of settings"),
    ],
)
def test_each_kind_of_error(change, words):
    plan, problems = _problems(change(GOOD))
    assert plan is None
    assert any(words in message for _, _, message, _ in problems), problems


def test_warnings_keep_the_plan():
    text = GOOD.replace("    minutes: 10\n", "    minutes: 10\n    colour: red\n").replace(
        "skip: [lunch]", "skip: [lnch]"
    )
    plan, problems = _problems(text)
    assert plan is not None
    assert {severity for severity, *_ in problems} == {Severity.WARNING}
    assert any("'colour'" in m for _, _, m, _ in problems) and any("'lnch'" in m for _, _, m, _ in problems)


def test_alias_bombs_are_refused_like_in_packs():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefg":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"
    plan, problems = _problems(bomb + "items: *g\n")
    assert plan is None and any("far too long" in m for _, _, m, _ in problems)


def test_python_objects_are_never_built():
    plan, problems = _problems("format: 1\nitems: !!python/object/apply:os.system [echo hi]\n")
    assert plan is None and problems


def test_the_json_schema_accepts_good_plans_and_refuses_broken_ones():
    schema = json.loads(resources.files("kiosk.plan").joinpath("plan.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    good = yaml.safe_load(GOOD.replace("at: 8:30", 'at: "08:30"'))
    good["exceptions"][0]["date"] = "2026-12-24"
    good["exceptions"][1]["date"] = "2026-12-02"
    jsonschema.validate(good, schema)
    plan, _ = read_plan(GOOD.encode())
    exported = yaml.safe_load(write_plan(plan))
    jsonschema.validate(exported, schema)
    broken = dict(good, items=[{"at": "08:00"}])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_the_schema_lists_the_picture_library():
    from kiosk.plan.pictures import ACTIVITY_PICTURES

    schema = json.loads(resources.files("kiosk.plan").joinpath("plan.schema.json").read_text(encoding="utf-8"))
    assert schema["$defs"]["item"]["properties"]["picture"]["enum"] == list(ACTIVITY_PICTURES)
