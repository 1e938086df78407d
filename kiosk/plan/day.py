"""What is now, what is next: the day of a plan at one moment, as a pure function.

Everything here takes "now" as an argument (an aware datetime) and the kiosk's time zone as a
``tzinfo``, so the tests drive it with any clock: daylight-saving days, a kiosk clock set back or
forward, a kiosk switched on at noon, midnight. Nothing is remembered between calls; what has
happened comes in as the day's events (from the journal), so the answer after a restart is the
answer before it.

The rules, in the words a coach would use:

* **The day** is the local date of "now" in the plan's time zone (the kiosk's when the plan names
  none). At midnight a new day begins; what was left of yesterday is gone, not carried over.
* **Clock times are local.** A time that does not exist on a spring-forward day (02:30 when the
  clock jumps from 02:00 to 03:00) happens when the clock shows the first time after the gap
  (03:00), so the items keep their order. A time that happens twice in autumn is the first one.
* **An item begins** at its time, or, for "after the previous one", when the previous item is
  done or skipped (the moment a pack is finished is the best moment for a reminder), or when the
  previous item's planned end has passed. An item a worker started has begun whatever the clock
  says.
* **Now** is the latest item that has begun and is neither done nor skipped. Items before it that
  were never done are *passed*: folded away quietly, never shown as late. **Next** is the first
  open item after now; **rest** is what follows next in the same part of the day, at most three.
* **Done** items stay done even when the kiosk's clock is set back before they were done.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.plan.model import Plan, PlanItem, day_part

#: What the journal records about a plan item on a day.
PLAN_EVENTS: tuple[str, ...] = ("started", "done", "skipped", "reminded")
MAX_REST = 3


@dataclass(frozen=True)
class PlanEvent:
    """One thing that happened to one item on one (local) day."""

    item_id: str
    event: str  # one of PLAN_EVENTS
    at: datetime  # aware
    run_id: int | None = None


@dataclass(frozen=True)
class Slot:
    """An item placed on a date: its planned start (aware, UTC) when the plan says one."""

    item: PlanItem
    index: int  # position in the day, from 0
    start: datetime | None  # None: after the previous item, which has no planned end
    part: str  # morning, afternoon, evening


@dataclass(frozen=True)
class ItemState:
    """An item at "now": where it is in the day and what has happened to it."""

    slot: Slot
    state: str  # done, skipped, passed, now, next, later
    began_at: datetime | None  # when its time came (None: not yet)
    started_at: datetime | None
    closed_at: datetime | None  # done or skipped at
    reminded_at: datetime | None

    @property
    def item(self) -> PlanItem:
        return self.slot.item

    @property
    def ends_at(self) -> datetime | None:
        """When the item's duration is over, counted from when it began (the countdown ring)."""
        base = self.started_at or self.began_at
        if base is None or self.item.minutes is None:
            return None
        return base + timedelta(minutes=self.item.minutes)


@dataclass(frozen=True)
class DayView:
    """The day at one moment: everything a Now/Next screen shows, already decided."""

    day: date
    now: ItemState | None
    next: ItemState | None
    rest: tuple[ItemState, ...]  # after next, same part of the day, at most MAX_REST
    done: tuple[ItemState, ...]  # done or skipped, in day order (ticked, folded away)
    passed: tuple[ItemState, ...]  # their time went by without them; shown as nothing
    items: tuple[ItemState, ...]  # every item of the day, in order (coach's view)

    @property
    def has_items(self) -> bool:
        return bool(self.items)

    @property
    def finished(self) -> bool:
        """The day had items and none is left to do."""
        return self.has_items and self.now is None and self.next is None


# --- time --------------------------------------------------------------------------------------


def local_zone() -> tzinfo:
    """The kiosk's own time zone with its daylight-saving rules (not just today's offset).

    ``TZ`` when set and known; else the system's ``/etc/localtime`` (its name when it is a link into
    the zone database, else the file itself); else UTC. ``datetime.now().astimezone()`` is not
    enough: it gives a fixed offset, which is wrong on the other side of a DST change.
    """
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    localtime = Path("/etc/localtime")
    try:
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            return ZoneInfo(target.split("zoneinfo/", 1)[1])
    except (OSError, ZoneInfoNotFoundError, ValueError):
        pass
    try:
        with localtime.open("rb") as stream:
            return ZoneInfo.from_file(stream, key="localtime")
    except (OSError, ValueError):
        return timezone.utc


def plan_zone(plan: Plan, default: tzinfo) -> tzinfo:
    """The plan's own zone when it names a known one, else ``default`` (the kiosk's)."""
    if plan.time_zone:
        try:
            return ZoneInfo(plan.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            return default
    return default


def local_moment(day: date, clock: time, zone: tzinfo) -> datetime:
    """The instant (UTC) when the clock in ``zone`` shows ``clock`` on ``day``.

    In the spring gap, the first time the clock really shows after it; when the time happens twice,
    the first of the two."""
    naive = datetime.combine(day, clock)
    for minutes in range(0, 24 * 60 + 1):
        candidate = naive + timedelta(minutes=minutes)
        instant = candidate.replace(tzinfo=zone, fold=0).astimezone(timezone.utc)
        if instant.astimezone(zone).replace(tzinfo=None) == candidate:
            if minutes:  # in a gap: the gap's end is the first existing minute, at :00 of it
                return _gap_end(naive.replace(tzinfo=zone, fold=1).astimezone(timezone.utc), instant, zone)
            return instant
    return naive.replace(tzinfo=zone).astimezone(timezone.utc)  # no zone has a day-long gap


def _gap_end(before: datetime, after: datetime, zone: tzinfo) -> datetime:
    """The transition instant between ``before`` (local time before the gap) and ``after``: the
    first moment whose local time is past the gap. Found by halving, to the second."""
    low, high = before, after
    offset_before = low.astimezone(zone).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == offset_before:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0)


def today(now: datetime, zone: tzinfo) -> date:
    """The local date of ``now``."""
    return now.astimezone(zone).date()


def in_quiet_hours(now: datetime, zone: tzinfo, quiet: tuple[time, time] | None) -> bool:
    """Whether the local time of ``now`` is inside quiet hours ``(from, until)``; the span may
    cross midnight (22:00 to 07:00). Equal ends: no quiet hours."""
    if quiet is None or quiet[0] == quiet[1]:
        return False
    local = now.astimezone(zone).time()
    begin, end = quiet
    if begin < end:
        return begin <= local < end
    return local >= begin or local < end


# --- the day -------------------------------------------------------------------------------------


def schedule(plan: Plan, day: date, zone: tzinfo) -> tuple[Slot, ...]:
    """The items of ``day`` with their planned starts, in the order they happen.

    An item "after the previous one" stays behind its predecessor; groups (a timed item with the
    items after it) are ordered by their time, so items an exception adds fall into place."""
    groups: list[list[PlanItem]] = []
    for item in plan.items_on(day):
        if item.at is not None or not groups:
            groups.append([item])
        else:
            groups[-1].append(item)
    far = datetime.max.replace(tzinfo=timezone.utc)

    def anchor(group: list[PlanItem]) -> datetime:
        head = group[0].at
        return local_moment(day, head, zone) if head is not None else far

    groups.sort(key=anchor)  # stable: equal times keep plan order
    slots: list[Slot] = []
    previous_end: datetime | None = None
    last_part = "morning"
    for group in groups:
        for item in group:
            if item.at is not None:
                start: datetime | None = local_moment(day, item.at, zone)
            else:
                start = previous_end
            part = day_part(start.astimezone(zone).time()) if start is not None else last_part
            slots.append(Slot(item=item, index=len(slots), start=start, part=part))
            previous_end = start + timedelta(minutes=item.minutes) if start and item.minutes is not None else None
            last_part = part
    return tuple(slots)


def day_view(
    plan: Plan,
    events: Iterable[PlanEvent],
    now: datetime,
    zone: tzinfo,
    *,
    day: date | None = None,
) -> DayView:
    """The day of ``now`` (or ``day``) as Now / Next / rest / done (see the module's rules).

    ``events`` are this day's events of this worker; events of other items are ignored."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    zone = plan_zone(plan, zone)
    on = day if day is not None else today(now, zone)
    slots = schedule(plan, on, zone)
    first: dict[tuple[str, str], PlanEvent] = {}
    for event in sorted(events, key=lambda e: e.at):
        first.setdefault((event.item_id, event.event), event)

    def at(item_id: str, kind: str) -> datetime | None:
        found = first.get((item_id, kind))
        return found.at if found else None

    raw: list[tuple[Slot, datetime | None, datetime | None, datetime | None, str | None]] = []
    previous_closed: datetime | None = None
    for slot in slots:
        item_id = slot.item.id
        started = at(item_id, "started")
        done, skipped = at(item_id, "done"), at(item_id, "skipped")
        closed = min((t for t in (done, skipped) if t is not None), default=None)
        began: datetime | None = None
        if slot.start is not None and now >= slot.start:
            began = slot.start
        if slot.item.at is None and previous_closed is not None:
            began = previous_closed if began is None else min(began, previous_closed)
        if started is not None:
            began = started if began is None else min(began, started)
        kind = "done" if done is not None else "skipped" if skipped is not None else None
        raw.append((slot, began, started, closed, kind))
        previous_closed = closed

    now_index = None
    for index, (_, began, _, closed, _) in enumerate(raw):
        if began is not None and closed is None:
            now_index = index
    states: list[ItemState] = []
    next_index = None
    for index, (slot, began, started, closed, kind) in enumerate(raw):
        if kind is not None:
            state = kind
        elif now_index is not None and index < now_index:
            state = "passed"
        elif index == now_index:
            state = "now"
        elif next_index is None and (now_index is None or index > now_index):
            state, next_index = "next", index
        else:
            state = "later"
        states.append(
            ItemState(
                slot=slot,
                state=state,
                began_at=began,
                started_at=started,
                closed_at=closed,
                reminded_at=at(slot.item.id, "reminded"),
            )
        )
    current = states[now_index] if now_index is not None else None
    following = states[next_index] if next_index is not None else None
    rest: tuple[ItemState, ...] = ()
    if following is not None and next_index is not None:
        rest = tuple(s for s in states[next_index + 1 :] if s.state == "later" and s.slot.part == following.slot.part)[
            :MAX_REST
        ]
    return DayView(
        day=on,
        now=current,
        next=following,
        rest=rest,
        done=tuple(s for s in states if s.state in ("done", "skipped")),
        passed=tuple(s for s in states if s.state == "passed"),
        items=tuple(states),
    )


def due_reminder(view: DayView) -> ItemState | None:
    """The item to remind the worker of now, if any: the current item, once a day, unless the
    worker already started it. Only the current item is ever due, so a kiosk switched on at noon
    or a clock jumped forward gives one calm reminder, never a burst of missed ones."""
    current = view.now
    if current is None or current.reminded_at is not None or current.started_at is not None:
        return None
    return current


def next_change(plan: Plan, events: Iterable[PlanEvent], now: datetime, zone: tzinfo) -> datetime | None:
    """The next moment the view can change by the clock alone (an item's time, an end, midnight):
    the kiosk checks again then (and at least every minute, since clocks get set)."""
    zone = plan_zone(plan, zone)
    view = day_view(plan, events, now, zone)
    moments = [s.slot.start for s in view.items if s.slot.start is not None and s.slot.start > now]
    moments += [s.ends_at for s in view.items if s.ends_at is not None and s.ends_at > now]
    midnight = local_moment(view.day + timedelta(days=1), time(0), zone)
    moments.append(midnight)
    return min(moments)
