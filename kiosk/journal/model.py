"""The journal's records as plain frozen dataclasses, and the one place that converts times.

Times are stored as integer milliseconds since the Unix epoch in UTC: compact, exactly sortable and
cheap to subtract in SQL (run durations), with no time-zone text to parse. The API speaks aware
``datetime`` objects in UTC, so callers never see the storage format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from types import MappingProxyType
from typing import Any, Callable, Mapping

#: Everything the step screen can log about a step, in the order a worker usually meets them.
EVENTS: tuple[str, ...] = ("shown", "done", "back", "hear_again", "help", "timer_finished", "count_tap")

#: How a run can end. ``interrupted`` is only ever set by the journal itself (crash, power loss).
OUTCOMES: tuple[str, ...] = ("finished", "abandoned", "interrupted")

#: Outcomes a caller may choose in ``finish_run``.
FINISH_OUTCOMES: tuple[str, ...] = ("finished", "abandoned")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The default clock: the current time as an aware UTC datetime."""
    return datetime.now(timezone.utc)


def to_ms(moment: datetime) -> int:
    """An aware datetime as integer UTC milliseconds (the storage format)."""
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise ValueError(f"time {moment!r} has no time zone; the journal needs aware datetimes (UTC)")
    return round(moment.timestamp() * 1000)


def from_ms(milliseconds: int) -> datetime:
    """Integer UTC milliseconds as an aware UTC datetime."""
    return datetime.fromtimestamp(milliseconds / 1000, tz=timezone.utc)


def start_of(day_or_moment: date | datetime) -> datetime:
    """A date as midnight UTC that day; an aware datetime unchanged (``since`` filters take both)."""
    if isinstance(day_or_moment, datetime):
        if day_or_moment.tzinfo is None:
            raise ValueError(f"time {day_or_moment!r} has no time zone; use an aware datetime or a date")
        return day_or_moment
    return datetime.combine(day_or_moment, time(0), tzinfo=timezone.utc)


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a ``Z``: ``2026-03-02T08:15:00.123Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class Person:
    """Someone who uses the kiosk. Deliberately nothing beyond what the kiosk needs to work."""

    id: int
    name: str  # the display name under the photo
    photo: str | None = None  # relative to the data folder, or absolute
    language: str = "en"  # RFC 5646 tag for texts and voice
    preferences: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    archived: bool = False  # hidden from the people screen, history kept
    # Unique across kiosks (the hub's key); None only for a person that never was in a journal.
    # Not compared: two records are equal by their content and local id, as before global ids.
    uuid: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Device:
    """A kiosk. Every journal knows its own device, created once, so exports can say where data came from."""

    id: str  # a UUID, stable for the life of the journal
    name: str  # the host name at creation; a trainer may rename it
    created_at: datetime


@dataclass(frozen=True)
class Run:
    """One go at one pack by one person. ``outcome`` is None while the run is open."""

    id: int
    person_id: int
    pack_id: str
    pack_version: int
    content_hash: str
    device_id: str | None
    started_at: datetime
    ended_at: datetime | None
    outcome: str | None
    resumed_from: int | None  # the interrupted run this one continues
    step_count: int | None  # steps in the pack at start, when the caller said so
    last_shown_step: int | None  # where to pick up again after an interruption
    uuid: str | None = field(default=None, compare=False)  # unique across kiosks (the hub's key)


@dataclass(frozen=True)
class StepEvent:
    """One thing that happened on one step of a run."""

    id: int
    run_id: int
    step_number: int
    event: str
    at: datetime
    duration_ms: int | None = None
    uuid: str | None = field(default=None, compare=False)  # unique across kiosks (the hub's key)
