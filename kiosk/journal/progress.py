"""Progress figures for job coaches and families, computed from the journal.

Definitions (docs/journal.md explains the reasons):

* An *attempt* is one run, or an interrupted run together with the runs that resumed it: a crash
  in the middle of a task is the kiosk's fault, not the worker's, so the pieces count as one go.
  Its outcome is that of its last piece, its duration the sum of the pieces' durations (the time
  the kiosk was down is not counted), and it belongs to the week in which it started.
  ``RunSummary.run_id`` is the first piece's id. Attempts still open are not counted yet.
* A step is *independent* in an attempt when the worker reached it and asked for no help on it.
  For a finished attempt every step was reached, so this is the contract's "no help on it"; for
  an abandoned or interrupted one, steps never reached are not independent.
* Independence = independent steps / steps in the pack (``step_count`` given at ``start_run``,
  else the furthest step seen).
* Completion rate = finished attempts / attempts (abandoned and interrupted-never-resumed count
  as not completed).
* Median duration: over finished attempts.
* Mastered: ``rule.runs_in_a_row`` finished attempts in a row, each with independence at least
  ``rule.independence``. Abandoned attempts break the row; interrupted ones (never resumed) are
  skipped, neither counting nor breaking. Mastery, once reached, stays: ``mastered_at`` is when.
* Figures are kept per pack *version*: step numbers mean different things in different versions.

Speed: the SQL reads a person's (or a week's) runs through indexes, and the help events through a
partial index that holds only help events, already grouped per run and step; Python then walks
thousands of runs, never millions of events.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable, Sequence

from kiosk.journal.journal import Journal
from kiosk.journal.model import from_ms, start_of, to_ms

_EPSILON = 1e-9


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    started_at: datetime
    ended_at: datetime | None
    outcome: str
    duration_s: float | None
    steps_total: int
    steps_independent: int
    independence: float  # 0..1


@dataclass(frozen=True)
class WeekFigure:
    week_start: date
    runs: int
    finished: int
    independence: float | None  # mean of the week's runs; None for a week without runs


@dataclass(frozen=True)
class StepNeed:
    step_number: int
    help_count: int
    runs_with_help: int
    share: float  # runs_with_help / runs


@dataclass(frozen=True)
class MasteryRule:
    runs_in_a_row: int = 3
    independence: float = 1.0

    def __post_init__(self) -> None:
        if self.runs_in_a_row < 1:
            raise ValueError(f"runs_in_a_row must be at least 1, not {self.runs_in_a_row}")
        if not 0.0 <= self.independence <= 1.0:
            raise ValueError(f"independence must be between 0 and 1, not {self.independence}")


@dataclass(frozen=True)
class PackProgress:
    person_id: int
    pack_id: str
    pack_version: int
    runs: int
    finished: int
    completion_rate: float
    median_duration_s: float | None
    runs_detail: tuple[RunSummary, ...]
    weekly: tuple[WeekFigure, ...]
    steps_needing_help: tuple[StepNeed, ...]  # most help first
    mastered: bool
    mastered_at: datetime | None


@dataclass(frozen=True)
class WorkshopRow:
    """One person's work on one pack version in one week (``workshop_weekly_summary``)."""

    person_id: int
    person_name: str
    pack_id: str
    pack_version: int
    runs: int
    finished: int
    completion_rate: float
    independence: float | None        # mean over the week's attempts
    median_duration_s: float | None   # over the week's finished attempts
    help_count: int                   # help requests in the week's attempts


# -- reading -----------------------------------------------------------------------------------

# Columns of a run row as the queries below return them.
_ID, _PERSON, _PACK, _VERSION, _STARTED, _ENDED, _OUTCOME, _RESUMED_FROM, _STEP_COUNT, _FURTHEST = range(10)

# The furthest step is only looked up where it matters (a run that ended early, or a pack whose
# step count is unknown); it is one index seek per such run.
_RUN_FIELDS = (
    "r.id, r.person_id, r.pack_id, r.pack_version, r.started_at_ms, r.ended_at_ms, r.outcome, "
    "r.resumed_from, r.step_count, "
    "CASE WHEN r.outcome = 'finished' AND r.step_count IS NOT NULL THEN NULL "
    "ELSE (SELECT MAX(e.step_number) FROM step_events e WHERE e.run_id = r.id) END"
)

# "CROSS JOIN" keeps SQLite from scanning every help event in the journal: it walks the chosen runs
# and seeks each one's help events in the partial index.
_HELP_FIELDS = "e.run_id, e.step_number, COUNT(*)"
_HELP_JOIN = "CROSS JOIN step_events e ON e.run_id = r.id AND e.event = 'help'"
_HELP_GROUP = "GROUP BY e.run_id, e.step_number"


def _person_rows(journal: Journal, person_id: int, since_ms: int) -> tuple[list[tuple], list[tuple]]:
    where = "r.person_id = ? AND r.started_at_ms >= ?"
    params = (person_id, since_ms)
    runs = journal.db.read(f"SELECT {_RUN_FIELDS} FROM runs r WHERE {where} ORDER BY r.started_at_ms, r.id", params)
    helps = journal.db.read(f"SELECT {_HELP_FIELDS} FROM runs r {_HELP_JOIN} WHERE {where} {_HELP_GROUP}", params)
    return runs, helps


# The week's attempts: runs that started in the week and continue no other run, plus every run
# that resumed them (however late), found through the resumed_from index.
_WEEK_CHAIN = (
    "WITH RECURSIVE chain(id) AS ("
    " SELECT id FROM runs WHERE started_at_ms >= ? AND started_at_ms < ? AND resumed_from IS NULL"
    " UNION ALL SELECT runs.id FROM runs JOIN chain ON runs.resumed_from = chain.id) "
)


def _week_rows(journal: Journal, start_ms: int, end_ms: int) -> tuple[list[tuple], list[tuple]]:
    params = (start_ms, end_ms)
    runs = journal.db.read(
        f"{_WEEK_CHAIN} SELECT {_RUN_FIELDS} FROM chain CROSS JOIN runs r ON r.id = chain.id "
        "ORDER BY r.started_at_ms, r.id",
        params,
    )
    helps = journal.db.read(
        f"{_WEEK_CHAIN} SELECT {_HELP_FIELDS} FROM chain CROSS JOIN runs r ON r.id = chain.id {_HELP_JOIN} {_HELP_GROUP}",
        params,
    )
    return runs, helps


# -- attempts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Attempt:
    """One go at a pack: a run, or an interrupted run and the runs that resumed it."""

    person_id: int
    pack_id: str
    pack_version: int
    first_run_id: int
    started_ms: int
    ended_ms: int | None
    outcome: str
    duration_ms: int
    steps_total: int
    steps_independent: int
    help_by_step: dict[int, int]

    @property
    def independence(self) -> float:
        return self.steps_independent / self.steps_total if self.steps_total else 0.0

    def summary(self) -> RunSummary:
        return RunSummary(
            run_id=self.first_run_id,
            started_at=from_ms(self.started_ms),
            ended_at=from_ms(self.ended_ms) if self.ended_ms is not None else None,
            outcome=self.outcome,
            duration_s=self.duration_ms / 1000,
            steps_total=self.steps_total,
            steps_independent=self.steps_independent,
            independence=self.independence,
        )


def _attempts(runs: Sequence[tuple], helps: Iterable[tuple]) -> list[_Attempt]:
    """Join resumed runs to the runs they continue and measure each attempt, in start order."""
    help_by_run: dict[int, dict[int, int]] = defaultdict(dict)
    for run_id, step_number, count in helps:
        help_by_run[run_id][step_number] = count
    continued_by = {row[_RESUMED_FROM]: row for row in runs if row[_RESUMED_FROM] is not None}
    attempts = []
    for head in runs:
        if head[_RESUMED_FROM] is not None:
            continue  # a continuation; measured with its first run (or, if that is not here, not at all)
        chain = [head]
        while (following := continued_by.get(chain[-1][_ID])) is not None:
            chain.append(following)
        attempt = _measure(chain, help_by_run)
        if attempt is not None:
            attempts.append(attempt)
    return attempts


def _measure(chain: list[tuple], help_by_run: dict[int, dict[int, int]]) -> _Attempt | None:
    head, last = chain[0], chain[-1]
    outcome = last[_OUTCOME]
    if outcome is None:
        return None  # still going: counted once it ends
    if len(chain) == 1:
        help_by_step = help_by_run.get(head[_ID], {})
    else:
        help_by_step = defaultdict(int)
        for piece in chain:
            for step_number, count in help_by_run.get(piece[_ID], {}).items():
                help_by_step[step_number] += count
    furthest = max((piece[_FURTHEST] or 0 for piece in chain), default=0)
    steps_total = last[_STEP_COUNT] or furthest
    reached = steps_total if outcome == "finished" else min(furthest, steps_total)
    helped = sum(1 for step_number in help_by_step if step_number <= reached)
    duration_ms = sum(max(0, piece[_ENDED] - piece[_STARTED]) for piece in chain if piece[_ENDED] is not None)
    return _Attempt(
        person_id=head[_PERSON],
        pack_id=head[_PACK],
        pack_version=head[_VERSION],
        first_run_id=head[_ID],
        started_ms=head[_STARTED],
        ended_ms=last[_ENDED],
        outcome=outcome,
        duration_ms=duration_ms,
        steps_total=steps_total,
        steps_independent=max(0, reached - helped),
        help_by_step=dict(help_by_step),
    )


def _by_pack(attempts: Iterable[_Attempt]) -> dict[tuple[int, str, int], list[_Attempt]]:
    groups: dict[tuple[int, str, int], list[_Attempt]] = defaultdict(list)
    for attempt in attempts:
        groups[(attempt.person_id, attempt.pack_id, attempt.pack_version)].append(attempt)
    return groups


# -- figures -------------------------------------------------------------------------------------


def monday_of(day: date) -> date:
    """The Monday starting the week that contains ``day`` (weeks start on Monday)."""
    return day - timedelta(days=day.weekday())


def _median_duration_s(attempts: Iterable[_Attempt]) -> float | None:
    durations = [attempt.duration_ms / 1000 for attempt in attempts if attempt.outcome == "finished"]
    return statistics.median(durations) if durations else None


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _weekly(attempts: Sequence[_Attempt]) -> tuple[WeekFigure, ...]:
    """Every week from the first attempt's to the last one's, empty weeks included (a chart
    should show a gap as a gap)."""
    by_week: dict[date, list[_Attempt]] = defaultdict(list)
    for attempt in attempts:
        by_week[monday_of(from_ms(attempt.started_ms).date())].append(attempt)
    if not by_week:
        return ()
    weeks = []
    week, last_week = min(by_week), max(by_week)
    while week <= last_week:
        in_week = by_week.get(week, [])
        weeks.append(
            WeekFigure(
                week_start=week,
                runs=len(in_week),
                finished=sum(1 for attempt in in_week if attempt.outcome == "finished"),
                independence=_mean([attempt.independence for attempt in in_week]),
            )
        )
        week += timedelta(days=7)
    return tuple(weeks)


def _steps_needing_help(attempts: Sequence[_Attempt]) -> tuple[StepNeed, ...]:
    """Steps with help, most help requests first (then most attempts with help, then step order)."""
    help_count: dict[int, int] = defaultdict(int)
    runs_with_help: dict[int, int] = defaultdict(int)
    for attempt in attempts:
        for step_number, count in attempt.help_by_step.items():
            help_count[step_number] += count
            runs_with_help[step_number] += 1
    needs = [
        StepNeed(step_number=step, help_count=help_count[step], runs_with_help=runs_with_help[step],
                 share=runs_with_help[step] / len(attempts))
        for step in help_count
    ]
    needs.sort(key=lambda need: (-need.help_count, -need.runs_with_help, need.step_number))
    return tuple(needs)


def _mastered_at(attempts: Sequence[_Attempt], rule: MasteryRule) -> datetime | None:
    """When the first row of ``rule.runs_in_a_row`` good finished attempts was completed."""
    in_a_row = 0
    for attempt in attempts:
        if attempt.outcome == "interrupted":
            continue  # the kiosk stopped, not the worker: neither counts nor breaks the row
        if attempt.outcome == "finished" and attempt.independence >= rule.independence - _EPSILON:
            in_a_row += 1
            if in_a_row >= rule.runs_in_a_row:
                return from_ms(attempt.ended_ms) if attempt.ended_ms is not None else None
        else:
            in_a_row = 0
    return None


def _pack_progress(person_id: int, pack_id: str, pack_version: int, attempts: Sequence[_Attempt],
                   rule: MasteryRule) -> PackProgress:
    finished = sum(1 for attempt in attempts if attempt.outcome == "finished")
    mastered_at = _mastered_at(attempts, rule)
    return PackProgress(
        person_id=person_id,
        pack_id=pack_id,
        pack_version=pack_version,
        runs=len(attempts),
        finished=finished,
        completion_rate=finished / len(attempts) if attempts else 0.0,
        median_duration_s=_median_duration_s(attempts),
        runs_detail=tuple(attempt.summary() for attempt in attempts),
        weekly=_weekly(attempts),
        steps_needing_help=_steps_needing_help(attempts),
        mastered=mastered_at is not None,
        mastered_at=mastered_at,
    )


def person_progress(
    journal: Journal,
    person_id: int,
    *,
    rule: MasteryRule = MasteryRule(),
    since: date | datetime | None = None,
) -> list[PackProgress]:
    """One person's progress on every pack version they have worked on, by pack id and version.

    ``since`` (a date means midnight UTC) keeps only attempts that started then or later.
    """
    since_ms = to_ms(start_of(since)) if since is not None else -(2**62)
    runs, helps = _person_rows(journal, person_id, since_ms)
    groups = _by_pack(_attempts(runs, helps))
    return [
        _pack_progress(person, pack_id, version, groups[(person, pack_id, version)], rule)
        for (person, pack_id, version) in sorted(groups, key=lambda key: (key[1], key[2]))
    ]


def workshop_weekly_summary(journal: Journal, week_start: date) -> list[WorkshopRow]:
    """Everyone's week at a glance: one row per person and pack version with attempts that
    started in the week of ``week_start`` (any day of the week is taken as its Monday)."""
    monday = monday_of(week_start if not isinstance(week_start, datetime) else week_start.date())
    start_ms = to_ms(start_of(monday))
    end_ms = to_ms(start_of(monday + timedelta(days=7)))
    runs, helps = _week_rows(journal, start_ms, end_ms)
    groups = _by_pack(_attempts(runs, helps))
    names = dict(journal.db.read("SELECT id, name FROM people"))
    rows = []
    for (person_id, pack_id, version), attempts in groups.items():
        finished = sum(1 for attempt in attempts if attempt.outcome == "finished")
        rows.append(
            WorkshopRow(
                person_id=person_id,
                person_name=names.get(person_id, ""),
                pack_id=pack_id,
                pack_version=version,
                runs=len(attempts),
                finished=finished,
                completion_rate=finished / len(attempts),
                independence=_mean([attempt.independence for attempt in attempts]),
                median_duration_s=_median_duration_s(attempts),
                help_count=sum(sum(attempt.help_by_step.values()) for attempt in attempts),
            )
        )
    rows.sort(key=lambda row: (row.person_name.casefold(), row.person_id, row.pack_id, row.pack_version))
    return rows
