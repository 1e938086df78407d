"""Changing a plan one small step at a time, as the coach's screen does (pure; each returns a new
``Plan``). A coach sets up a week by tapping pictures and packs, not by typing: a new item gets
the picture's sentence in every language, and a time 30 minutes after the last item's."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Mapping

from kiosk.plan.model import MAX_ITEMS, Plan, PlanItem
from kiosk.plan.pictures import ACTIVITY_TEXTS

STEP_MINUTES = 15
FIRST_TIME = time(8, 0)
GAP_MINUTES = 30


class PlanFull(ValueError):
    """The plan already has as many items as a day plan may."""


def _shift(clock: time, minutes: int) -> time:
    moved = datetime.combine(datetime(2000, 1, 1), clock) + timedelta(minutes=minutes)
    if moved.date() != datetime(2000, 1, 1).date():  # keep it on the day: 00:00 .. 23:45
        return time(0) if minutes < 0 else time(23, 45)
    return moved.time()


def _new_id(plan: Plan, base: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")[:40] or "item"
    taken = {item.id for item in plan.items}
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _next_time(plan: Plan) -> time:
    times = [item.at for item in plan.items if item.at is not None]
    return _shift(max(times), GAP_MINUTES) if times else FIRST_TIME


def add_activity(plan: Plan, picture: str) -> Plan:
    """An item with an everyday picture and its sentence."""
    texts = ACTIVITY_TEXTS.get(picture, {"en": picture})
    return _add(plan, PlanItem(id=_new_id(plan, picture), text=texts, picture=picture, at=_next_time(plan)))


def add_pack(plan: Plan, pack_id: str, titles: Mapping[str, str]) -> Plan:
    """An item that runs a pack; its sentence is the pack's title in each language."""
    texts = {language: title[:80] for language, title in titles.items() if title} or {"en": pack_id}
    return _add(plan, PlanItem(id=_new_id(plan, pack_id), text=texts, pack=pack_id, at=_next_time(plan)))


def _add(plan: Plan, item: PlanItem) -> Plan:
    if len(plan.items) >= MAX_ITEMS:
        raise PlanFull(f"a day plan has at most {MAX_ITEMS} items")
    return replace(plan, items=(*plan.items, item))


def _change(plan: Plan, item_id: str, **fields: object) -> Plan:
    return replace(plan, items=tuple(replace(i, **fields) if i.id == item_id else i for i in plan.items))  # type: ignore[arg-type]


def _in_time_order(plan: Plan) -> Plan:
    """Timed items (each with the items after it) in time order, as the day shows them."""
    groups: list[list[PlanItem]] = []
    for item in plan.items:
        if item.at is not None or not groups:
            groups.append([item])
        else:
            groups[-1].append(item)
    groups.sort(key=lambda g: g[0].at or time(0))
    return replace(plan, items=tuple(i for g in groups for i in g))


def move_time(plan: Plan, item_id: str, minutes: int) -> Plan:
    """Earlier or later by ``minutes``; an item "after the previous one" gets a time first (its
    predecessor's, so the first tap does not jump)."""
    items = list(plan.items)
    index = next((n for n, i in enumerate(items) if i.id == item_id), None)
    if index is None:
        return plan
    current = items[index].at
    if current is None:
        earlier = [i.at for i in items[:index] if i.at is not None]
        current = earlier[-1] if earlier else FIRST_TIME
    return _in_time_order(_change(plan, item_id, at=_shift(current, minutes)))


def set_after_previous(plan: Plan, item_id: str) -> Plan:
    """The item comes when the previous one is done (never the first item)."""
    if plan.items and plan.items[0].id == item_id:
        return plan
    return _change(plan, item_id, at=None)


def set_minutes(plan: Plan, item_id: str, minutes: int | None) -> Plan:
    return _change(plan, item_id, minutes=minutes if minutes else None)


def remove(plan: Plan, item_id: str) -> Plan:
    items = tuple(i for i in plan.items if i.id != item_id)
    if items and items[0].at is None:  # the new first item needs a time
        first = next((i.at for i in plan.items if i.at is not None), FIRST_TIME)
        items = (replace(items[0], at=first), *items[1:])
    return replace(plan, items=items)


def toggle_day(plan: Plan, weekday: int) -> Plan:
    """Switch a weekday on or off for the whole plan (at least one day stays on)."""
    days = set(plan.days) ^ {weekday}
    return replace(plan, days=frozenset(days)) if days else plan
