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

Speed: when a run ends, SQL works out its furthest step and its help per step once and writes
them on the run (schema migration 4), so progress reads runs only, a worker's through one range of
a covering index; Python then walks thousands of runs, never the millions of events.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable, Sequence

from kiosk.journal.journal import Journal
from kiosk.journal.model import from_ms, start_of, to_ms
from kiosk.journal.schema import furthest_step_sql, help_by_step_sql

_EPSILON = 1e-9
#: A task counts as learned only when done alone at reduced support or less (docs/support.md): an
#: attempt in which a step was still shown at full support (level 2) breaks the row, like one that
#: needed help. Runs without a recorded level (before support levels) count as before.
LEARNED_AT_MOST = 1


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
    support_level: int | None = None  # the most support shown (0 grouped, 1 reduced, 2 full); None: not recorded


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
    independence: float | None  # mean over the week's attempts
    median_duration_s: float | None  # over the week's finished attempts
    help_count: int  # help requests in the week's attempts


# -- reading -----------------------------------------------------------------------------------

# Columns of a run row as the queries below return them.
(
    _ID,
    _PERSON,
    _PACK,
    _VERSION,
    _STARTED,
    _ENDED,
    _OUTCOME,
    _RESUMED_FROM,
    _STEP_COUNT,
    _FURTHEST,
    _HELP_BY_STEP,
    _SUPPORT,
) = range(12)

# Everything comes from the runs: the furthest step and the help per step are written on a run
# when it ends (schema migration 4), so for a worker the whole read is one range of the covering
# index runs_by_person_time. Runs that ended before migration 4 have NULL there and are worked out
# from their events (COALESCE only evaluates the subquery then). Open runs are not counted.
_RUN_FIELDS = (
    "r.id, r.person_id, r.pack_id, r.pack_version, r.started_at_ms, r.ended_at_ms, r.outcome, "
    "r.resumed_from, r.step_count, "
    f"CASE WHEN r.outcome IS NULL THEN NULL ELSE COALESCE(r.furthest_step, {furthest_step_sql('r.id')}) END, "
    f"CASE WHEN r.outcome IS NULL THEN NULL ELSE COALESCE(r.help_by_step, {help_by_step_sql('r.id')}) END, "
    "r.support_level"
)


def _support_of(row: tuple) -> int | None:
    """The most support a run showed (0 grouped .. 2 full); None when not recorded (runs from
    before support levels, or rows from the hub that do not carry it)."""
    return row[_SUPPORT] if len(row) > _SUPPORT else None


def _person_runs(journal: Journal, person_id: int, since_ms: int) -> list[tuple]:
    return journal.db.read(
        f"SELECT {_RUN_FIELDS} FROM runs r WHERE r.person_id = ? AND r.started_at_ms >= ? "
        "ORDER BY r.started_at_ms, r.id",
        (person_id, since_ms),
    )


def _week_runs(journal: Journal, start_ms: int, end_ms: int) -> list[tuple]:
    """The week's attempts: runs that started in the week and continue no other run, plus every
    run that resumed them (however late), found through the resumed_from index."""
    return journal.db.read(
        "WITH RECURSIVE chain(id) AS ("
        " SELECT id FROM runs WHERE started_at_ms >= ? AND started_at_ms < ? AND resumed_from IS NULL"
        " UNION ALL SELECT runs.id FROM runs JOIN chain ON runs.resumed_from = chain.id) "
        f"SELECT {_RUN_FIELDS} FROM chain CROSS JOIN runs r ON r.id = chain.id ORDER BY r.started_at_ms, r.id",
        (start_ms, end_ms),
    )


# -- attempts ------------------------------------------------------------------------------------

PackKey = tuple[int, str, int]  # person id, pack id, pack version


@dataclass
class _History:
    """The attempts found in some runs, grouped per person and pack version, with their help.

    An attempt is kept as its ``RunSummary`` (what callers get anyway) plus its start in
    milliseconds, for cheap week arithmetic: a worker's year has thousands of attempts.
    """

    attempts: dict[PackKey, list[RunSummary]]
    started_ms: dict[PackKey, list[int]]
    help_count: dict[PackKey, dict[int, int]]  # step -> help events
    attempts_with_help: dict[PackKey, dict[int, int]]  # step -> attempts with help on it


def _history(runs: Sequence[tuple]) -> _History:
    """Join resumed runs to the runs they continue, measure each attempt, and count help per step.
    Attempts still open, and continuations whose first run is not among ``runs``, are left out."""
    help_by_run = {
        row[_ID]: dict(json.loads(row[_HELP_BY_STEP])) for row in runs if row[_HELP_BY_STEP] not in (None, "[]")
    }
    continued_by = {row[_RESUMED_FROM]: row for row in runs if row[_RESUMED_FROM] is not None}
    attempts: dict[PackKey, list[RunSummary]] = defaultdict(list)
    started: dict[PackKey, list[int]] = defaultdict(list)
    attempt_of_run: dict[int, tuple[PackKey, int]] = {}
    for row in runs:
        if row[_RESUMED_FROM] is not None:
            continue  # measured with its first run
        chain = [row]
        while (following := continued_by.get(chain[-1][_ID])) is not None:
            chain.append(following)
        if len(chain) == 1:
            summary = _measure_run(row, help_by_run.get(row[_ID]))
        else:
            summary = _measure_chain(chain, help_by_run)
        if summary is None:
            continue
        key = (row[_PERSON], row[_PACK], row[_VERSION])
        attempts[key].append(summary)
        started[key].append(row[_STARTED])
        for piece in chain:
            if piece[_ID] in help_by_run:
                attempt_of_run[piece[_ID]] = (key, row[_ID])

    help_count: dict[PackKey, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    helped_attempts: dict[PackKey, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for run_id, steps in help_by_run.items():
        if (found := attempt_of_run.get(run_id)) is not None:
            key, first_run_id = found
            for step_number, count in steps.items():
                help_count[key][step_number] += count
                helped_attempts[key][step_number].add(first_run_id)
    attempts_with_help = {
        key: {step: len(ids) for step, ids in steps.items()} for key, steps in helped_attempts.items()
    }
    return _History(dict(attempts), dict(started), help_count, attempts_with_help)


def _summary(
    run_id: int,
    started_ms: int,
    ended_ms: int | None,
    outcome: str,
    duration_ms: int,
    steps_total: int,
    furthest: int,
    helped_steps: Iterable[int],
    support_level: int | None = None,
) -> RunSummary:
    """Independence of one attempt: steps reached without help, over the steps in the pack."""
    reached = steps_total if outcome == "finished" else min(furthest, steps_total)
    independent = max(0, reached - sum(1 for step in helped_steps if step <= reached))
    return RunSummary(
        run_id=run_id,
        started_at=from_ms(started_ms),
        ended_at=from_ms(ended_ms) if ended_ms is not None else None,
        outcome=outcome,
        duration_s=duration_ms / 1000,
        steps_total=steps_total,
        steps_independent=independent,
        independence=independent / steps_total if steps_total else 0.0,
        support_level=support_level,
    )


def _measure_run(row: tuple, helped: dict[int, int] | None) -> RunSummary | None:
    """A run on its own (the common case)."""
    if row[_OUTCOME] is None:
        return None  # still going: counted once it ends
    furthest = row[_FURTHEST] or 0
    return _summary(
        row[_ID],
        row[_STARTED],
        row[_ENDED],
        row[_OUTCOME],
        max(0, row[_ENDED] - row[_STARTED]),
        row[_STEP_COUNT] or furthest,
        furthest,
        helped or (),
        _support_of(row),
    )


def _measure_chain(chain: list[tuple], help_by_run: dict[int, dict[int, int]]) -> RunSummary | None:
    """An interrupted run and the runs that resumed it: help on a step in any piece counts once,
    and the duration adds up the pieces, not the time the kiosk was off."""
    head, last = chain[0], chain[-1]
    if last[_OUTCOME] is None:
        return None
    furthest = max(piece[_FURTHEST] or 0 for piece in chain)
    return _summary(
        head[_ID],
        head[_STARTED],
        last[_ENDED],
        last[_OUTCOME],
        sum(max(0, piece[_ENDED] - piece[_STARTED]) for piece in chain if piece[_ENDED] is not None),
        last[_STEP_COUNT] or furthest,
        furthest,
        {step for piece in chain for step in help_by_run.get(piece[_ID], ())},
        max((level for piece in chain if (level := _support_of(piece)) is not None), default=None),
    )


# -- figures -------------------------------------------------------------------------------------

_FIRST_MONDAY = date(1970, 1, 5)
_FIRST_MONDAY_MS = 4 * 86_400_000
_WEEK_MS = 7 * 86_400_000


def monday_of(day: date) -> date:
    """The Monday starting the week that contains ``day`` (weeks start on Monday)."""
    return day - timedelta(days=day.weekday())


def _week_number(moment_ms: int) -> int:
    """Weeks since the first Monday of 1970 (UTC): whole-number arithmetic, no datetimes."""
    return (moment_ms - _FIRST_MONDAY_MS) // _WEEK_MS


def _median_duration_s(attempts: Iterable[RunSummary]) -> float | None:
    durations = [attempt.duration_s for attempt in attempts if attempt.outcome == "finished"]
    return statistics.median(durations) if durations else None


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _weekly(attempts: Sequence[RunSummary], started_ms: Sequence[int]) -> tuple[WeekFigure, ...]:
    """Every week from the first attempt's to the last one's, empty weeks included (a chart
    should show a gap as a gap)."""
    by_week: dict[int, list[RunSummary]] = defaultdict(list)
    for attempt, start in zip(attempts, started_ms):
        by_week[_week_number(start)].append(attempt)
    if not by_week:
        return ()
    weeks = []
    for week in range(min(by_week), max(by_week) + 1):
        in_week = by_week.get(week, [])
        weeks.append(
            WeekFigure(
                week_start=_FIRST_MONDAY + timedelta(weeks=week),
                runs=len(in_week),
                finished=sum(1 for attempt in in_week if attempt.outcome == "finished"),
                independence=_mean([attempt.independence for attempt in in_week]),
            )
        )
    return tuple(weeks)


def _steps_needing_help(
    help_count: dict[int, int], attempts_with_help: dict[int, int], attempts: int
) -> tuple[StepNeed, ...]:
    """Steps with help, most help requests first (then most attempts with help, then step order)."""
    needs = [
        StepNeed(
            step_number=step,
            help_count=count,
            runs_with_help=attempts_with_help[step],
            share=attempts_with_help[step] / attempts,
        )
        for step, count in help_count.items()
    ]
    needs.sort(key=lambda need: (-need.help_count, -need.runs_with_help, need.step_number))
    return tuple(needs)


def _mastered_at(attempts: Sequence[RunSummary], rule: MasteryRule) -> datetime | None:
    """When the first row of ``rule.runs_in_a_row`` good finished attempts was completed."""
    in_a_row = 0
    for attempt in attempts:
        if attempt.outcome == "interrupted":
            continue  # the kiosk stopped, not the worker: neither counts nor breaks the row
        supported = attempt.support_level is not None and attempt.support_level > LEARNED_AT_MOST
        if attempt.outcome == "finished" and attempt.independence >= rule.independence - _EPSILON and not supported:
            in_a_row += 1
            if in_a_row >= rule.runs_in_a_row:
                return attempt.ended_at
        else:
            in_a_row = 0
    return None


def _pack_progress(key: PackKey, history: _History, rule: MasteryRule) -> PackProgress:
    person_id, pack_id, pack_version = key
    attempts = history.attempts[key]
    finished = sum(1 for attempt in attempts if attempt.outcome == "finished")
    mastered_at = _mastered_at(attempts, rule)
    return PackProgress(
        person_id=person_id,
        pack_id=pack_id,
        pack_version=pack_version,
        runs=len(attempts),
        finished=finished,
        completion_rate=finished / len(attempts),
        median_duration_s=_median_duration_s(attempts),
        runs_detail=tuple(attempts),
        weekly=_weekly(attempts, history.started_ms[key]),
        steps_needing_help=_steps_needing_help(
            history.help_count.get(key, {}), history.attempts_with_help.get(key, {}), len(attempts)
        ),
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
    history = _history(_person_runs(journal, person_id, since_ms))
    return [_pack_progress(key, history, rule) for key in sorted(history.attempts, key=lambda key: (key[1], key[2]))]


def workshop_weekly_summary(journal: Journal, week_start: date) -> list[WorkshopRow]:
    """Everyone's week at a glance: one row per person and pack version with attempts that
    started in the week of ``week_start`` (any day of the week is taken as its Monday)."""
    monday = monday_of(week_start.date() if isinstance(week_start, datetime) else week_start)
    start_ms = to_ms(start_of(monday))
    end_ms = to_ms(start_of(monday + timedelta(days=7)))
    history = _history(_week_runs(journal, start_ms, end_ms))
    names = dict(journal.db.read("SELECT id, name FROM people"))
    rows = []
    for key, attempts in history.attempts.items():
        person_id, pack_id, version = key
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
                help_count=sum(history.help_count.get(key, {}).values()),
            )
        )
    rows.sort(key=lambda row: (row.person_name.casefold(), row.person_id, row.pack_id, row.pack_version))
    return rows
