"""The day of a plan at a moment: an injected clock through DST days, clock jumps, a kiosk switched
on at noon and midnight. Every "now" is given, so each case is exact."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from kiosk.plan import Plan, PlanEvent, PlanItem, day_view, due_reminder, in_quiet_hours, local_moment, schedule
from kiosk.plan.day import next_change
from kiosk.plan.model import DayChange

BERLIN = ZoneInfo("Europe/Berlin")
SPRING = date(2026, 3, 29)  # 02:00 -> 03:00 in Berlin
AUTUMN = date(2026, 10, 25)  # 03:00 -> 02:00 in Berlin
TUESDAY = date(2026, 6, 2)


def item(item_id: str, at: str | None = None, *, minutes: int | None = None, pack: str | None = None, days=None):
    return PlanItem(
        id=item_id,
        text={"en": item_id.title(), "de": item_id.upper()},
        picture="work",
        at=time.fromisoformat(at) if at else None,
        minutes=minutes,
        pack=pack,
        days=days,
    )


DAY = Plan(
    items=(
        item("arrive", "08:00"),
        item("change", None, minutes=10),
        item("work", "08:30", pack="sort-screws"),
        item("break", "10:00", minutes=15),
        item("lunch", "12:00"),
        item("wash", None, pack="wash-hands"),
        item("bus", "15:30"),
    ),
    days=frozenset(range(7)),
)


def at(day: date, clock: str) -> datetime:
    """A local wall-clock time in Berlin as an aware UTC moment."""
    return local_moment(day, time.fromisoformat(clock), BERLIN)


def view(now: datetime, events=(), plan: Plan = DAY):
    return day_view(plan, events, now, BERLIN)


def test_before_the_day_begins_only_next():
    seen = view(at(TUESDAY, "07:00"))
    assert seen.now is None and seen.next.item.id == "arrive"
    assert [s.item.id for s in seen.rest] == ["change", "work", "break"][:3]
    assert due_reminder(seen) is None


def test_now_next_and_rest_of_the_day_part():
    seen = view(at(TUESDAY, "10:05"))
    assert seen.now.item.id == "break" and seen.next.item.id == "lunch"
    # lunch is in the afternoon part; wash follows it there; bus too, at most three
    assert [s.item.id for s in seen.rest] == ["wash", "bus"]
    # items whose time went by without being done are passed, quietly
    assert [s.item.id for s in seen.passed] == ["arrive", "change", "work"]
    assert seen.now.ends_at == at(TUESDAY, "10:15")


def test_after_previous_begins_when_the_previous_is_done():
    noon = at(TUESDAY, "12:00")
    seen = view(noon + timedelta(minutes=5))
    assert seen.now.item.id == "lunch" and seen.next.item.id == "wash"
    done = [PlanEvent("lunch", "done", noon + timedelta(minutes=20))]
    seen = view(noon + timedelta(minutes=21), done)
    assert seen.now.item.id == "wash" and seen.now.began_at == noon + timedelta(minutes=20)
    assert [s.item.id for s in seen.done] == ["lunch"]
    assert due_reminder(seen).item.id == "wash"  # the pack before it is finished: remind now
    reminded = [*done, PlanEvent("wash", "reminded", noon + timedelta(minutes=21))]
    assert due_reminder(view(noon + timedelta(minutes=22), reminded)) is None  # once


def test_after_previous_with_a_duration_has_a_planned_start():
    slots = schedule(DAY, TUESDAY, BERLIN)
    assert slots[1].start is None  # arrive has no duration: change begins when arrive is done
    plan = Plan(items=(item("a", "09:00", minutes=20), item("b")), days=frozenset(range(7)))
    assert schedule(plan, TUESDAY, BERLIN)[1].start == at(TUESDAY, "09:20")
    assert view(at(TUESDAY, "09:21"), plan=plan).now.item.id == "b"


def test_spring_forward_an_item_in_the_missing_hour_comes_when_the_clock_reaches_three():
    plan = Plan(items=(item("early", "01:30"), item("gap", "02:30"), item("later", "03:15")), days=frozenset(range(7)))
    starts = [slot.start for slot in schedule(plan, SPRING, BERLIN)]
    assert starts[1] == datetime(2026, 3, 29, 1, 0, tzinfo=timezone.utc)  # 03:00 CEST
    assert starts == sorted(starts)  # order kept
    assert starts[1].astimezone(BERLIN).strftime("%H:%M") == "03:00"
    just_before = datetime(2026, 3, 29, 0, 59, tzinfo=timezone.utc)  # 01:59 CET
    assert view(just_before, plan=plan).now.item.id == "early"
    assert view(starts[1], plan=plan).now.item.id == "gap"


def test_autumn_the_doubled_hour_is_the_first_and_reminds_once():
    plan = Plan(items=(item("night", "02:30"), item("morning", "08:00")), days=frozenset(range(7)))
    [night, _] = schedule(plan, AUTUMN, BERLIN)
    assert night.start == datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc)  # 02:30 CEST, the first
    first = view(night.start, plan=plan)
    assert due_reminder(first).item.id == "night"
    reminded = [PlanEvent("night", "reminded", night.start)]
    second_0230 = night.start + timedelta(hours=1)  # 02:30 CET: the clock shows it again
    assert second_0230.astimezone(BERLIN).strftime("%H:%M") == "02:30"
    assert due_reminder(view(second_0230, reminded, plan=plan)) is None


def test_kiosk_switched_on_mid_day_gives_one_reminder_not_a_burst():
    seen = view(at(TUESDAY, "12:40"))
    assert seen.now.item.id == "lunch"
    assert due_reminder(seen).item.id == "lunch"
    assert len(seen.passed) == 4  # arrive .. break: folded away, never reminded


def test_clock_jumped_forward_reminds_only_the_current_item():
    events = [PlanEvent("arrive", "done", at(TUESDAY, "08:05"))]
    seen = view(at(TUESDAY, "15:45"), events)
    assert seen.now.item.id == "bus" and seen.next is None
    assert due_reminder(seen).item.id == "bus"


def test_clock_set_back_keeps_what_was_done():
    events = [
        PlanEvent("arrive", "done", at(TUESDAY, "08:05")),
        PlanEvent("change", "done", at(TUESDAY, "08:15")),
        PlanEvent("work", "reminded", at(TUESDAY, "08:30")),
    ]
    seen = view(at(TUESDAY, "07:50"), events)  # the kiosk's clock was set back
    assert [s.item.id for s in seen.done] == ["arrive", "change"]
    assert seen.now is None and seen.next.item.id == "work"
    assert due_reminder(view(at(TUESDAY, "08:31"), events)) is None  # reminded before: not again


def test_midnight_rollover_starts_a_new_day():
    late = at(TUESDAY, "23:59")
    assert view(late).day == TUESDAY and view(late).now.item.id == "bus"
    after = late + timedelta(minutes=2)
    seen = view(after)
    assert seen.day == TUESDAY + timedelta(days=1) and seen.now is None and seen.next.item.id == "arrive"
    assert next_change(DAY, [], late, BERLIN) == at(TUESDAY + timedelta(days=1), "00:00")


def test_a_day_where_everything_is_done_is_finished():
    events = [PlanEvent(s.item.id, "done", at(TUESDAY, "16:00")) for s in schedule(DAY, TUESDAY, BERLIN)]
    seen = view(at(TUESDAY, "16:01"), events)
    assert seen.finished and len(seen.done) == 7 and due_reminder(seen) is None


def test_weekdays_and_exceptions():
    plan = Plan(
        items=(item("work", "08:00"), item("swim", "14:00", days=frozenset({2}))),
        changes=(
            DayChange(day=date(2026, 6, 3), skip=frozenset({"work"}), add=(item("doctor", "09:00"),)),
            DayChange(day=date(2026, 6, 4), off=True),
        ),
    )
    assert [s.item.id for s in schedule(plan, TUESDAY, BERLIN)] == ["work"]
    assert [s.item.id for s in schedule(plan, date(2026, 6, 3), BERLIN)] == ["doctor", "swim"]
    assert schedule(plan, date(2026, 6, 4), BERLIN) == ()
    assert schedule(plan, date(2026, 6, 6), BERLIN) == ()  # Saturday: not in the plan's days
    assert not view(at(date(2026, 6, 6), "10:00"), plan=plan).has_items


def test_the_plans_own_time_zone_wins():
    plan = Plan(items=(item("work", "08:00"),), days=frozenset(range(7)), time_zone="Asia/Shanghai")
    shanghai_eight = datetime(2026, 6, 2, 0, 0, tzinfo=timezone.utc)
    assert day_view(plan, [], shanghai_eight, BERLIN).now.item.id == "work"
    assert day_view(plan, [], shanghai_eight - timedelta(minutes=1), BERLIN).now is None


def test_a_started_item_is_now_even_before_its_time():
    events = [PlanEvent("work", "started", at(TUESDAY, "08:20"))]
    seen = view(at(TUESDAY, "08:21"), events)
    assert seen.now.item.id == "work" and due_reminder(seen) is None


@pytest.mark.parametrize(
    ("clock", "quiet", "inside"),
    [
        ("12:30", ("12:00", "13:00"), True),
        ("13:00", ("12:00", "13:00"), False),
        ("23:00", ("22:00", "07:00"), True),
        ("06:59", ("22:00", "07:00"), True),
        ("07:00", ("22:00", "07:00"), False),
        ("10:00", ("10:00", "10:00"), False),
    ],
)
def test_quiet_hours(clock, quiet, inside):
    span = (time.fromisoformat(quiet[0]), time.fromisoformat(quiet[1]))
    assert in_quiet_hours(at(TUESDAY, clock), BERLIN, span) is inside


def test_text_in_the_workers_language():
    assert DAY.items[0].text_for("de-AT") == "ARRIVE" and DAY.items[0].text_for("zh") == "Arrive"


def test_now_must_be_aware():
    with pytest.raises(ValueError):
        day_view(DAY, [], datetime(2026, 6, 2, 8), BERLIN)
