"""A worker's day plan as plain frozen dataclasses (no Kivy, no storage).

A plan is a list of items, each either at a clock time ("08:00") or "after the previous one",
with a picture and a short sentence per language, optionally a pack to run and a duration. Items
repeat on weekdays; one date can be changed by an exception (a day off, items left out, items
added). The same shape is stored in the journal (as JSON, ``to_document``) and read from the
coach's YAML file (``kiosk.plan.yamlio``), so there is one model and one set of checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from types import MappingProxyType
from typing import Any, Mapping

FORMAT_VERSION = 1
#: Weekday names as a coach writes them (Monday is 0, as ``date.weekday()``).
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKDAYS: frozenset[int] = frozenset(range(5))
#: A short sentence: longer texts do not fit a card a worker reads at a glance.
MAX_TEXT_LENGTH = 80
MAX_ITEMS = 40
MAX_MINUTES = 12 * 60
#: Where a day part begins (local time); an item belongs to the part its start falls in.
DAY_PARTS: tuple[tuple[str, time], ...] = (("morning", time(0)), ("afternoon", time(12)), ("evening", time(17)))


def _frozen(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class PlanItem:
    """One thing in the day. ``at`` None means "after the previous item"."""

    id: str  # stable within the plan: events and reminders refer to it
    text: Mapping[str, str] = field(hash=False)  # language -> short sentence
    picture: str | None = None  # an activity picture's name (``kiosk.plan.pictures``)
    at: time | None = None
    pack: str | None = None  # a pack id to run for this item
    minutes: int | None = None  # how long it usually takes (a gentle countdown ring)
    days: frozenset[int] | None = None  # weekdays; None: the plan's days

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", _frozen(self.text))

    def text_for(self, language: str, fallback: str = "en") -> str:
        """The sentence in ``language`` (``de-AT`` finds ``de``), else the fallback, else any."""
        base = language.split("-")[0].lower()
        for wanted in (language, base, fallback):
            if wanted in self.text:
                return self.text[wanted]
        for key, value in self.text.items():
            if key.split("-")[0].lower() == base:
                return value
        return next(iter(self.text.values()), "")


@dataclass(frozen=True)
class DayChange:
    """An exception for one date: the whole day off, some items left out, items added."""

    day: date
    off: bool = False
    skip: frozenset[str] = frozenset()
    add: tuple[PlanItem, ...] = ()


@dataclass(frozen=True)
class Plan:
    """A worker's plan. ``time_zone`` None: the kiosk's own zone."""

    items: tuple[PlanItem, ...] = ()
    days: frozenset[int] = WORKDAYS
    changes: tuple[DayChange, ...] = ()
    time_zone: str | None = None
    language: str = "en"  # the language of texts written as a plain string

    def item(self, item_id: str) -> PlanItem | None:
        for candidate in self.items:
            if candidate.id == item_id:
                return candidate
        for change in self.changes:
            for candidate in change.add:
                if candidate.id == item_id:
                    return candidate
        return None

    def change_for(self, day: date) -> DayChange | None:
        for change in self.changes:
            if change.day == day:
                return change
        return None

    def items_on(self, day: date) -> tuple[PlanItem, ...]:
        """The items of one date, in plan order: the weekday's items, then the date's exception."""
        change = self.change_for(day)
        if change is not None and change.off:
            return ()
        weekday = day.weekday()
        chosen = [
            item
            for item in self.items
            if weekday in (item.days if item.days is not None else self.days)
            and not (change and item.id in change.skip)
        ]
        if change is not None:
            chosen.extend(change.add)
        return tuple(chosen)


def day_part(moment: time) -> str:
    """``morning``, ``afternoon`` or ``evening`` for a local clock time."""
    part = DAY_PARTS[0][0]
    for name, begins in DAY_PARTS:
        if moment >= begins:
            part = name
    return part


# --- the document form (JSON in the journal, YAML for coaches) ------------------------------------


def _clock(value: time) -> str:
    return value.strftime("%H:%M")


def _days_list(days: frozenset[int]) -> list[str]:
    return [WEEKDAYS[d] for d in sorted(days)]


def item_document(item: PlanItem) -> dict[str, Any]:
    """One item as plain values, in the order a coach reads them."""
    out: dict[str, Any] = {"id": item.id}
    if item.at is not None:
        out["at"] = _clock(item.at)
    else:
        out["after"] = "previous"
    out["text"] = dict(item.text)
    if item.picture:
        out["picture"] = item.picture
    if item.pack:
        out["pack"] = item.pack
    if item.minutes is not None:
        out["minutes"] = item.minutes
    if item.days is not None:
        out["days"] = _days_list(item.days)
    return out


def to_document(plan: Plan) -> dict[str, Any]:
    """The plan as plain values: what the YAML file and the journal hold (format 1)."""
    out: dict[str, Any] = {"format": FORMAT_VERSION}
    if plan.time_zone:
        out["time_zone"] = plan.time_zone
    out["language"] = plan.language
    out["days"] = _days_list(plan.days)
    out["items"] = [item_document(item) for item in plan.items]
    if plan.changes:
        changes = []
        for change in sorted(plan.changes, key=lambda c: c.day):
            entry: dict[str, Any] = {"date": change.day.isoformat()}
            if change.off:
                entry["day_off"] = True
            if change.skip:
                entry["skip"] = sorted(change.skip)
            if change.add:
                entry["add"] = [item_document(item) for item in change.add]
            changes.append(entry)
        out["exceptions"] = changes
    return out
