"""From plain values (a coach's YAML file, or the journal's JSON) to a checked ``Plan``.

Every mistake becomes a ``kiosk.packs.Problem`` (the same shape the pack checks give) with the
line of the file when known and a hint in plain words, and checking goes on, so the coach sees
every mistake at once. The values come with a ``lines`` helper that knows where each value was
written (``kiosk.plan.yamlio``); for the journal's own JSON there are no lines.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, time
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.packs.languages import normalise_language_tag
from kiosk.packs.problems import ProblemList
from kiosk.plan.model import (
    FORMAT_VERSION,
    MAX_ITEMS,
    MAX_MINUTES,
    MAX_TEXT_LENGTH,
    WEEKDAYS,
    WORKDAYS,
    DayChange,
    Plan,
    PlanItem,
)
from kiosk.plan.pictures import ACTIVITY_PICTURES

Path = tuple[Any, ...]
#: ``lines(path)`` -> the line a value was written on (1-based), ``raw(path)`` -> its text as typed.
LineOf = Callable[[Path], "int | None"]
RawOf = Callable[[Path], "str | None"]

TOP_KEYS = ("format", "person", "time_zone", "language", "days", "items", "exceptions")
ITEM_KEYS = ("id", "at", "after", "text", "picture", "pack", "minutes", "days")
CHANGE_KEYS = ("date", "day_off", "skip", "add")  # not "off": YAML reads that key as "no"
_CLOCK = re.compile(r"^\s*(\d{1,2})[:.h](\d{2})\s*$")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
_DAY_WORDS = {
    **{name: {i} for i, name in enumerate(WEEKDAYS)},
    **{
        full: {i}
        for i, full in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
    },
}
_DAY_GROUPS = {"weekdays": set(WORKDAYS), "workdays": set(WORKDAYS), "every day": set(range(7)), "daily": set(range(7))}


def _no_line(_: Path) -> int | None:
    return None


def _no_raw(_: Path) -> str | None:
    return None


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of settings"
    text = str(value)
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def _slug(text: str, number: int) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]
    return slug or f"item-{number}"


class PlanChecker:
    """Checks one plan document; ``problems`` collects what is wrong (bounded, like packs)."""

    def __init__(self, file: str, problems: ProblemList, lines: LineOf = _no_line, raw: RawOf = _no_raw) -> None:
        self.file = file
        self.problems = problems
        self.lines = lines
        self.raw = raw
        self.language = "en"

    # -- reporting --------------------------------------------------------------------------

    def _where(self, path: Path) -> str:
        while path:
            line = self.lines(path)
            if line is not None:
                return f"line {line}: "
            path = path[:-1]
        return ""

    def error(self, path: Path, message: str, hint: str, item: int | None = None) -> None:
        self.problems.error(self._where(path) + message, hint, file=self.file, step=item)

    def warning(self, path: Path, message: str, hint: str, item: int | None = None) -> None:
        self.problems.warning(self._where(path) + message, hint, file=self.file, step=item)

    def _unknown_keys(self, mapping: dict, known: tuple[str, ...], path: Path, item: int | None) -> None:
        for key in mapping:
            if key in known:
                continue
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"Did you mean '{close[0]}'?" if close else f"Known settings here: {', '.join(known)}."
            self.warning((*path, key), f"'{key}' is not a setting the kiosk knows; it is left out.", hint, item)

    # -- the whole plan ---------------------------------------------------------------------

    def check(self, document: Any) -> Plan | None:
        if document is None:
            document = {}
        if not isinstance(document, dict):
            self.error(
                (),
                f"A plan file is a list of settings like 'format: 1', but this one is {_describe(document)}.",
                "Start the file with 'format: 1', then 'items:' and the day's items (see docs/plan-format.md).",
            )
            return None
        self._unknown_keys(document, TOP_KEYS, (), None)
        fmt = document.get("format", FORMAT_VERSION)
        if fmt != FORMAT_VERSION:
            self.error(
                ("format",),
                f"This plan is written in format {_describe(fmt)}; this kiosk reads format {FORMAT_VERSION}.",
                f"Write 'format: {FORMAT_VERSION}', or update the kiosk program.",
            )
            return None
        zone = document.get("time_zone")
        if zone is not None:
            zone = self._zone(zone)
        language = document.get("language", "en")
        tag = normalise_language_tag(str(language)) if isinstance(language, str) else None
        if not tag:
            self.error(
                ("language",), f"The language {_describe(language)} is not a language code.", "Write en, de or zh."
            )
            tag = "en"
        self.language = tag
        days = self._days(document.get("days"), ("days",), None) if "days" in document else set(WORKDAYS)
        items = self._items(document.get("items"), ("items",), first_needs_time=True)
        if not items and "items" in document and isinstance(document.get("items"), list) and not document["items"]:
            self.error(("items",), "The plan has no items.", "Add at least one item under 'items:'.")
        elif "items" not in document:
            self.error((), "The plan has no 'items:'.", "Add 'items:' with the day's items (see docs/plan-format.md).")
        changes = self._changes(document.get("exceptions"), {item.id for item in items})
        self._ids_unique([*items, *(i for c in changes for i in c.add)])
        if self.problems.has_errors:
            return None
        return Plan(
            items=tuple(items),
            days=frozenset(days or WORKDAYS),
            changes=tuple(changes),
            time_zone=zone,
            language=tag,
        )

    def _zone(self, value: Any) -> str | None:
        if isinstance(value, str) and value.strip():
            try:
                ZoneInfo(value.strip())
                return value.strip()
            except (ZoneInfoNotFoundError, ValueError):
                pass
        self.error(
            ("time_zone",),
            f"The time zone {_describe(value)} is not one the kiosk knows.",
            "Write a zone like Europe/Berlin or Asia/Shanghai, or leave 'time_zone' out to use the kiosk's.",
        )
        return None

    def _days(self, value: Any, path: Path, item: int | None) -> set[int] | None:
        words = [value] if isinstance(value, str) else value
        if not isinstance(words, list) or not words:
            self.error(
                path,
                f"The days {_describe(value)} are not a list of weekdays.",
                "Write days: [mon, tue, wed, thu, fri].",
                item,
            )
            return None
        days: set[int] = set()
        for index, word in enumerate(words):
            key = str(word).strip().lower()
            found = _DAY_WORDS.get(key) or _DAY_GROUPS.get(key)
            if found is None:
                self.error(
                    (*path, index) if isinstance(value, list) else path,
                    f"'{word}' is not a weekday.",
                    "Use mon, tue, wed, thu, fri, sat, sun (or 'weekdays', 'every day').",
                    item,
                )
                continue
            days |= found
        return days

    def _ids_unique(self, items: list[PlanItem]) -> None:
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                self.error(
                    (),
                    f"Two items have the id '{item.id}'.",
                    "Give each item its own id (ids name the item in the records).",
                )
            seen.add(item.id)

    # -- items ------------------------------------------------------------------------------

    def _items(self, value: Any, path: Path, *, first_needs_time: bool) -> list[PlanItem]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(
                path,
                f"'items' should be a list (each item starts with '- '), but it is {_describe(value)}.",
                "Write each item on its own line starting with '- '.",
            )
            return []
        if len(value) > MAX_ITEMS:
            self.error(
                path,
                f"The plan has {len(value)} items; a day plan can have at most {MAX_ITEMS}.",
                "Keep the day short: workers are overwhelmed by long lists.",
            )
            value = value[:MAX_ITEMS]
        items: list[PlanItem] = []
        last_time: tuple[time, int] | None = None
        for index, entry in enumerate(value):
            number = index + 1
            item = self._item(entry, (*path, index), number, needs_time=first_needs_time and index == 0)
            if item is None:
                continue
            if item.at is not None:
                if last_time is not None and item.at < last_time[0]:
                    self.warning(
                        (*path, index, "at"),
                        f"Item {number} at {item.at:%H:%M} comes before item {last_time[1]} at {last_time[0]:%H:%M}.",
                        "The kiosk shows items in time order; put them in that order in the file too.",
                        number,
                    )
                last_time = (item.at, number)
            items.append(item)
        return items

    def _item(self, entry: Any, path: Path, number: int, *, needs_time: bool) -> PlanItem | None:
        if not isinstance(entry, dict):
            self.error(
                path,
                f"Item {number} should be a group of settings (text, at, picture ...), but it is {_describe(entry)}.",
                "Write 'text: ...' and 'at: \"08:00\"' under the '- '.",
                number,
            )
            return None
        self._unknown_keys(entry, ITEM_KEYS, path, number)
        ok = True
        text = self._text(entry.get("text"), (*path, "text"), number)
        ok &= text is not None
        at = None
        if "at" in entry and entry["at"] is not None:
            at = self._clock(entry["at"], (*path, "at"), number)
            ok &= at is not None
            if "after" in entry:
                self.warning(
                    (*path, "after"),
                    f"Item {number} has a time and 'after'; its time is used.",
                    "Keep either 'at' or 'after: previous'.",
                    number,
                )
        elif "after" in entry and entry["after"] != "previous":
            self.error(
                (*path, "after"),
                f"'after' can only be 'previous', not {_describe(entry['after'])}.",
                "Write 'after: previous', or give a time with 'at'.",
                number,
            )
            ok = False
        elif needs_time:
            self.error(
                path,
                "The first item has no time, so the kiosk cannot know when the day begins.",
                'Give the first item a time, like at: "08:00".',
                number,
            )
            ok = False
        picture = entry.get("picture")
        if picture is not None and (not isinstance(picture, str) or picture not in ACTIVITY_PICTURES):
            close = difflib.get_close_matches(str(picture), list(ACTIVITY_PICTURES), n=1)
            hint = f"Did you mean '{close[0]}'?" if close else f"Pictures: {', '.join(ACTIVITY_PICTURES)}."
            self.error((*path, "picture"), f"There is no activity picture called {_describe(picture)}.", hint, number)
            ok = False
        pack = entry.get("pack")
        if pack is not None and (not isinstance(pack, str) or not pack.strip()):
            self.error(
                (*path, "pack"),
                f"The pack {_describe(pack)} is not a pack id.",
                "Write the pack's id as 'kiosk pack validate' shows it.",
                number,
            )
            ok = False
        if picture is None and pack is None:
            self.warning(
                path,
                f"Item {number} has no picture.",
                f"Add 'picture:' (one of {', '.join(list(ACTIVITY_PICTURES)[:5])} ...) or a 'pack:'.",
                number,
            )
        minutes = entry.get("minutes")
        if minutes is not None and (
            not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= MAX_MINUTES
        ):
            self.error(
                (*path, "minutes"),
                f"'minutes' should be a whole number from 1 to {MAX_MINUTES}, not {_describe(minutes)}.",
                "Write how long the item takes, like minutes: 15.",
                number,
            )
            ok = False
            minutes = None
        days = None
        if "days" in entry:
            days = self._days(entry["days"], (*path, "days"), number)
            ok &= days is not None
        item_id = entry.get("id")
        if item_id is None:
            item_id = _slug(next(iter(text.values()), "") if text else "", number)
        elif not isinstance(item_id, str) or not _ID.match(item_id):
            self.error(
                (*path, "id"),
                f"The id {_describe(item_id)} is not usable.",
                "Use small letters, digits and '-', like 'lunch' or 'bus-home'.",
                number,
            )
            ok = False
        if not ok or text is None:
            return None
        return PlanItem(
            id=str(item_id),
            text=text,
            picture=picture,
            at=at,
            pack=pack.strip() if isinstance(pack, str) else None,
            minutes=minutes,
            days=frozenset(days) if days is not None else None,
        )

    def _text(self, value: Any, path: Path, number: int) -> dict[str, str] | None:
        if isinstance(value, str):
            value = {self.language: value}
        if not isinstance(value, dict) or not value:
            self.error(
                path,
                f"Item {number} has no sentence ('text').",
                "Write a short sentence, like text: Lunch break, or one per language (en: ..., de: ...).",
                number,
            )
            return None
        texts: dict[str, str] = {}
        for language, sentence in value.items():
            tag = normalise_language_tag(str(language))
            if not tag or not isinstance(sentence, str) or not sentence.strip():
                self.error(
                    (*path, language),
                    f"The text for {_describe(language)} is not a sentence.",
                    "Write 'en: Lunch break' (a language code, then the sentence).",
                    number,
                )
                continue
            sentence = " ".join(sentence.split())
            if len(sentence) > MAX_TEXT_LENGTH:
                self.error(
                    (*path, language),
                    f"The sentence for '{tag}' is {len(sentence)} characters long; at most {MAX_TEXT_LENGTH} fit a card read at a glance.",
                    "Say it in fewer words.",
                    number,
                )
                continue
            texts[tag] = sentence
        return texts or None

    def _clock(self, value: Any, path: Path, number: int) -> time | None:
        typed = self.raw(path)
        text = typed if typed is not None else value
        if isinstance(text, int) and not isinstance(text, bool) and typed is None:
            text = f"{text // 60}:{text % 60:02d}"  # YAML 1.1 reads 8:00 as 480 (minutes)
        match = _CLOCK.match(str(text))
        if match:
            hours, minutes = int(match.group(1)), int(match.group(2))
            if hours < 24 and minutes < 60:
                return time(hours, minutes)
        self.error(
            path,
            f"{_describe(text)} is not a time of day.",
            'Write the time in quotes with hours and minutes, like at: "08:30" or at: "14:05".',
            number,
        )
        return None

    # -- exceptions -------------------------------------------------------------------------

    def _changes(self, value: Any, known_ids: set[str]) -> list[DayChange]:
        if value is None:
            return []
        path: Path = ("exceptions",)
        if not isinstance(value, list):
            self.error(
                path,
                "'exceptions' should be a list of dates.",
                "Write each exception as '- date: 2026-12-24' with 'day_off: yes', 'skip:' or 'add:'.",
            )
            return []
        changes: list[DayChange] = []
        seen: set[date] = set()
        for index, entry in enumerate(value):
            here = (*path, index)
            if not isinstance(entry, dict):
                self.error(
                    here,
                    f"Exception {index + 1} should be a group of settings, not {_describe(entry)}.",
                    "Write '- date: 2026-12-24' and 'day_off: yes'.",
                )
                continue
            self._unknown_keys(entry, CHANGE_KEYS, here, None)
            day = entry.get("date")
            if isinstance(day, str):
                try:
                    day = date.fromisoformat(day)
                except ValueError:
                    pass
            if not isinstance(day, date):
                self.error(
                    (*here, "date"),
                    f"{_describe(entry.get('date'))} is not a date.",
                    "Write the date as 2026-12-24 (year-month-day).",
                )
                continue
            if day in seen:
                self.error(
                    (*here, "date"),
                    f"There are two exceptions for {day.isoformat()}.",
                    "Put everything for one date into one exception.",
                )
                continue
            seen.add(day)
            off = entry.get("day_off", False)
            if not isinstance(off, bool):
                self.error(
                    (*here, "day_off"),
                    f"'day_off' should be yes or no, not {_describe(off)}.",
                    "Write day_off: yes for a day without the plan.",
                )
                off = False
            skip_value = entry.get("skip") or []
            skip_list = [skip_value] if isinstance(skip_value, str) else skip_value
            skip: set[str] = set()
            if not isinstance(skip_list, list):
                self.error((*here, "skip"), "'skip' should be a list of item ids.", "Write skip: [lunch, bus-home].")
                skip_list = []
            for position, item_id in enumerate(skip_list):
                if str(item_id) not in known_ids:
                    self.warning(
                        (*here, "skip", position),
                        f"There is no item '{item_id}' to skip on {day.isoformat()}.",
                        f"Item ids in this plan: {', '.join(sorted(known_ids)) or 'none'}.",
                    )
                skip.add(str(item_id))
            added = self._items(entry.get("add"), (*here, "add"), first_needs_time=False)
            changes.append(DayChange(day=day, off=off, skip=frozenset(skip), add=tuple(added)))
        return sorted(changes, key=lambda change: change.day)  # one order, whatever the file's


def plan_from_document(document: Any, file: str = "plan") -> tuple[Plan | None, list[Any]]:
    """A checked plan from plain values (no lines known), and its problems."""
    problems = ProblemList(file)
    plan = PlanChecker(file, problems).check(document)
    return plan, problems.labelled(file)
