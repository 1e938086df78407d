"""The coach's small steps: each returns a plan that still passes the file's checks."""

from __future__ import annotations

from datetime import time

import pytest

from kiosk.plan import Plan, to_document
from kiosk.plan.check import plan_from_document
from kiosk.plan.editing import PlanFull, add_activity, add_pack, move_time, remove, set_after_previous, toggle_day


def valid(plan: Plan) -> Plan:
    again, problems = plan_from_document(to_document(plan))
    assert again == plan and [p for p in problems if p.severity.value == "error"] == []
    return plan


def test_a_week_in_a_few_taps():
    plan = Plan()
    plan = add_activity(plan, "arrive")
    plan = add_pack(plan, "sort-screws", {"en": "Sort the screws", "de": "Schrauben sortieren"})
    plan = add_activity(plan, "break")
    plan = add_activity(plan, "break")
    assert [i.at for i in plan.items] == [time(8), time(8, 30), time(9), time(9, 30)]
    assert [i.id for i in plan.items] == ["arrive", "sort-screws", "break", "break-2"]
    assert plan.items[0].text["de"] == "Ankommen und Hallo sagen" and plan.items[1].pack == "sort-screws"
    plan = set_after_previous(plan, "sort-screws")
    assert plan.items[1].at is None
    plan = move_time(plan, "break-2", -120)  # to 07:30: moves before everything
    assert [i.id for i in plan.items] == ["break-2", "arrive", "sort-screws", "break"]
    plan = move_time(plan, "sort-screws", 15)  # an "after" item gets its predecessor's time first
    assert plan.items[2].at == time(8, 15)
    plan = toggle_day(toggle_day(plan, 4), 5)
    assert plan.days == frozenset({0, 1, 2, 3, 5})
    valid(plan)


def test_removing_the_first_keeps_a_timed_first_item():
    plan = set_after_previous(add_activity(add_activity(Plan(), "arrive"), "change"), "change")
    plan = remove(plan, "arrive")
    assert plan.items[0].id == "change" and plan.items[0].at == time(8)
    assert set_after_previous(plan, "change").items[0].at == time(8)  # the first keeps its time
    valid(plan)


def test_times_stay_on_the_day_and_days_never_run_out():
    plan = add_activity(Plan(), "home")
    assert move_time(plan, "home", -24 * 60).items[0].at == time(0)
    assert move_time(plan, "home", 24 * 60).items[0].at == time(23, 45)
    one_day = Plan(items=plan.items, days=frozenset({2}))
    assert toggle_day(one_day, 2).days == frozenset({2})


def test_a_full_plan_says_so():
    plan = Plan()
    for _ in range(40):
        plan = add_activity(plan, "drink")
    with pytest.raises(PlanFull):
        add_activity(plan, "drink")
