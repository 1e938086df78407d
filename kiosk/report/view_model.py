"""What a progress view shows, as plain frozen dataclasses: no HTML, no Kivy, no database.

``kiosk.report.builder`` fills these from the journal and the pack library; the HTML report and
the kiosk's progress screen both draw from them, so a number means the same thing everywhere.
Pictures are file paths (the packs' prepared thumbnails and display images); each renderer decides
how to show them (the report embeds them, Kivy loads them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class WeekBar:
    """One week on the x axis: its bar in "times done each week" and its label."""

    week_start: date  # Monday, UTC
    label: str  # "3 Mar", "This week"; "" when the week is not labelled (many weeks)
    runs: int  # finished runs that started this week
    current: bool  # the week holding "now" (not over yet)


@dataclass(frozen=True)
class RunPoint:
    """One finished run on the "steps done alone" chart."""

    run_id: int
    started_at: datetime
    week_index: int  # which WeekBar it belongs to
    x: float  # 0..1 across the window (see scales.run_x_positions)
    independence: float  # 0..1: steps done without help / steps in the pack
    label: str  # "92%", in the report language
    support_level: int | None = None  # help shown on screen: 0 grouped, 1 reduced, 2 full; None: not recorded


@dataclass(frozen=True)
class HelpStep:
    """A step the worker asked for help on: what to practise together."""

    number: int  # 1-based step number
    text: str  # the step's sentence in the report language ("" if the pack is gone)
    picture: Path | None  # the step's prepared display image, None if unknown
    help_runs: int  # runs in the window with help on this step
    runs: int  # runs in the window the share is taken of
    share: float  # help_runs / runs, 0..1


@dataclass(frozen=True)
class TaskReport:
    """One pack the worker did in the window."""

    pack_id: str
    title: str  # in the report language; the pack id when the pack is gone
    picture: Path | None  # the pack's thumbnail; None: draw a neutral placeholder
    on_kiosk: bool  # False when the pack is no longer in the library
    runs_finished: int  # finished runs in the window
    runs_stopped: int  # runs given up or cut short in the window
    steps_total: int  # steps in the finished runs (the "done alone" denominator)
    steps_alone: int  # of those, steps done without help
    independence: float | None  # share of steps done alone over the finished runs, 0..1
    independence_label: str  # "92%"
    mastered: bool  # learned, by the journal's mastery rule (whole history)
    mastered_on: date | None  # when it was learned
    points: tuple[RunPoint, ...]  # finished runs, oldest first
    weeks: tuple[WeekBar, ...]  # one per week of the window
    help_steps: tuple[HelpStep, ...]  # most help first, at most a few
    support_text: str = ""  # how the help shown on screen changed over the window ("" when not recorded)

    @property
    def without_help_key(self) -> str:
        """The words for a task without steps that needed help: praise only when it was
        finished at least once (a task only started and stopped earns no "Great!")."""
        return "no_help" if self.runs_finished else "not_finished"


@dataclass(frozen=True)
class Summary:
    """The figures a coach reads out, and the same as sentences in the report language."""

    tasks_done: int  # finished runs in the window, all tasks
    independence: float | None  # steps done alone / steps, over those runs
    independence_label: str
    learned: int  # tasks shown that are learned
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class PersonReport:
    """Everything one progress report says about one person."""

    person_id: int
    name: str
    photo: Path | None
    language: str  # report language: "en", "de" or "zh"
    week_starts: tuple[date, ...]  # the window's Mondays, oldest first
    period_start: date
    period_end: date  # "now" (today), not the end of the current week
    generated_on: date
    has_history: bool  # the person has ever started a run
    summary: Summary
    tasks: tuple[TaskReport, ...]  # tasks with runs in the window, most practised first
    day: Any = None  # the day plan page (``kiosk.report.day.DayReport``), None without a plan
    # where the figures come from, in one plain sentence ("From all kiosks of the workshop, updated
    # 10:42." / "From this kiosk only."), and when every kiosk's runs were last brought in (None:
    # this kiosk's runs only)
    source: str = ""
    all_kiosks_as_of: datetime | None = None
