"""Which weeks a progress view shows and where things go on a chart, as plain numbers.

Kept apart from any drawing so the printed report (SVG) and the kiosk's own progress screen (Kivy)
place weeks, runs and bars identically. Positions are fractions 0..1 of the plot area; a renderer
multiplies them by its own size. Weeks start on Monday, in UTC, as in ``kiosk.journal.progress``.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta, timezone
from typing import Sequence

#: Inside a week's band, runs are spread over this middle part, so neighbouring weeks don't touch.
BAND_PADDING = 0.12


def monday_of(day: date | datetime) -> date:
    """The Monday starting the week that holds ``day`` (a datetime is taken in UTC)."""
    if isinstance(day, datetime):
        day = as_utc(day).date()
    return day - timedelta(days=day.weekday())


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already (the journal's convention)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def window_weeks(now: datetime, weeks: int) -> tuple[date, ...]:
    """The Mondays of the last ``weeks`` weeks, oldest first, ending with the week holding ``now``.

    The current week is included even though it is not over: "this week" is what a coach asks
    about on a Friday.
    """
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, not {weeks}")
    last = monday_of(now)
    return tuple(last - timedelta(weeks=weeks - 1 - i) for i in range(weeks))


def window_start(week_starts: Sequence[date]) -> datetime:
    """Midnight UTC on the first Monday: runs that started at or after it are in the window."""
    return datetime.combine(week_starts[0], time(0), tzinfo=timezone.utc)


def week_index(moment: datetime, week_starts: Sequence[date]) -> int | None:
    """Which of the window's weeks ``moment`` falls in, or None when it is outside the window."""
    if not week_starts:
        return None
    offset = (monday_of(moment) - week_starts[0]).days // 7
    return offset if 0 <= offset < len(week_starts) else None


def run_x_positions(week_indexes: Sequence[int], n_weeks: int) -> tuple[float, ...]:
    """x (0..1) for each run, given the week each run is in (runs in time order).

    Each week owns an equal band, so the x axis lines up with the runs-per-week bars below it;
    within its band a week's runs are spread evenly, so five runs on one Monday stay five
    visible points instead of one blot.
    """
    if n_weeks < 1:
        raise ValueError("n_weeks must be at least 1")
    per_week: dict[int, int] = {}
    for index in week_indexes:
        per_week[index] = per_week.get(index, 0) + 1
    seen: dict[int, int] = {}
    positions = []
    inner = 1.0 - 2 * BAND_PADDING
    for index in week_indexes:
        k = seen.get(index, 0)
        seen[index] = k + 1
        within = BAND_PADDING + inner * (k + 0.5) / per_week[index]
        positions.append((index + within) / n_weeks)
    return tuple(positions)


def band_center(index: int, n_weeks: int) -> float:
    """x (0..1) of the middle of week ``index``: where its bar and its label go."""
    return (index + 0.5) / n_weeks


def nice_ceiling(value: float) -> int:
    """The top of a count axis: the next of 1, 2, 5, 10, 20, 50 ... at or above ``value``.

    Round tops keep bar heights comparable between tasks and between reports.
    """
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return int(step * magnitude)
    return int(10 * magnitude)  # pragma: no cover - the loop always returns


def label_step(n_weeks: int, max_labels: int = 8) -> int:
    """Label every k-th week so labels never overlap (8 weeks: all; 12 weeks: every 2nd; 26 weeks: every 4th)."""
    return max(1, math.ceil(n_weeks / max_labels))


def labelled_weeks(n_weeks: int, max_labels: int = 8) -> tuple[int, ...]:
    """Indexes of the weeks that get a label: every k-th counted back from the current week,
    which is always labelled ("This week" is the label people look for first)."""
    step = label_step(n_weeks, max_labels)
    return tuple(sorted(range(n_weeks - 1, -1, -step)))


PERCENT_TICKS: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
#: The ticks that get a written label; the others are faint lines only.
PERCENT_LABELS: tuple[float, ...] = (0.0, 0.5, 1.0)
