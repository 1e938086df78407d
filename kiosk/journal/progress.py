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
a covering index; Python then walks thousands of runs once, never the millions of events, and
leaves each attempt's datetimes to be made when they are read (``RunSummary``). A plain reference
computed from the events holds every figure to the same value (tests/journal/test_progress_reference.py).
"""

from __future__ import annotations

import json
import json.scanner
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable, Sequence

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

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> datetime | None:
            """``started_at`` and ``ended_at`` of a summary made by progress: it keeps them as
            milliseconds (a worker's year is thousands of attempts, most never looked at one by one)
            and makes the datetime on first reading, once. Reached only for an attribute the
            instance does not have."""
            if name in ("started_at", "ended_at"):
                fields = self.__dict__
                if (milliseconds := fields.get(f"_{name}_ms", fields)) is not fields:
                    value = from_ms(milliseconds) if milliseconds is not None else None
                    fields[name] = value
                    return value
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


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

# Columns of a run row as the queries below return them: one person's runs, so no person column
# (the week's query adds it last). The hub gives the same columns, with UUID strings for ids.
(
    _ID,
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
) = range(11)

# Everything comes from the runs: the furthest step and the help per step are written on a run
# when it ends (schema migration 4), so for a worker the whole read is one range of the covering
# index runs_by_person_time. Runs that ended before migration 4 have NULL there and are worked out
# from their events (COALESCE only evaluates the subquery then). Open runs are not counted.
_RUN_FIELDS = (
    "r.id, r.pack_id, r.pack_version, r.started_at_ms, r.ended_at_ms, r.outcome, r.resumed_from, r.step_count, "
    f"CASE WHEN r.outcome IS NULL THEN NULL ELSE COALESCE(r.furthest_step, {furthest_step_sql('r.id')}) END, "
    f"CASE WHEN r.outcome IS NULL THEN NULL ELSE COALESCE(r.help_by_step, {help_by_step_sql('r.id')}) END, "
    "r.support_level"
)

#: One person's runs since a moment, in time order (``person_progress``; the benchmark's lower bound
#: reads exactly this).
PERSON_RUNS_SQL = (
    f"SELECT {_RUN_FIELDS} FROM runs r WHERE r.person_id = ? AND r.started_at_ms >= ? ORDER BY r.started_at_ms, r.id"
)


def _person_runs(journal: Journal, person_id: int, since_ms: int) -> list[tuple]:
    return journal.db.read(PERSON_RUNS_SQL, (person_id, since_ms))


def _week_runs(journal: Journal, start_ms: int, end_ms: int) -> list[tuple]:
    """The week's attempts: runs that started in the week and continue no other run, plus every
    run that resumed them (however late), found through the resumed_from index. The person's id
    is the last column."""
    return journal.db.read(
        "WITH RECURSIVE chain(id) AS ("
        " SELECT id FROM runs WHERE started_at_ms >= ? AND started_at_ms < ? AND resumed_from IS NULL"
        " UNION ALL SELECT runs.id FROM runs JOIN chain ON runs.resumed_from = chain.id) "
        f"SELECT {_RUN_FIELDS}, r.person_id FROM chain CROSS JOIN runs r ON r.id = chain.id "
        "ORDER BY r.started_at_ms, r.id",
        (start_ms, end_ms),
    )


# -- attempts ------------------------------------------------------------------------------------

PackKey = tuple[Any, str, int]  # person id (a UUID string on the hub), pack id, pack version

# The help per step of a run is SQL's compact JSON ``[[step, count], ...]`` (the hub's jsonb text has
# spaces): the C scanner reads it without json.loads' Python layers, a few times faster per run.
_scan_json: Callable[[str, int], tuple[Any, int]] = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
_new = object.__new__


class _Tally:
    """One person's attempts on one pack version, and what the figures need from them, gathered in
    one pass over the runs."""

    __slots__ = ("key", "attempts", "finished_s", "weeks", "help_items", "row", "mastery")

    def __init__(self, key: PackKey) -> None:
        self.key = key
        self.attempts: list[RunSummary] = []
        self.finished_s: list[float] = []  # durations of the finished attempts
        self.weeks: dict[int, list[Any]] = {}  # week number -> [independence of its attempts, finished ones]
        self.help_items: list[tuple[int, int]] = []  # (step, help events) of every attempt with help
        self.row = 0  # good finished attempts in a row so far
        self.mastery: RunSummary | None = None  # the attempt that completed the first row

    def help_per_step(self) -> tuple[dict[int, int], dict[int, int]]:
        """Per step: help events, and attempts with help on it (an attempt names a step once)."""
        help_count: dict[int, int] = {}
        helped: dict[int, int] = {}
        for (step, count), attempts in Counter(self.help_items).items():
            help_count[step] = help_count.get(step, 0) + count * attempts
            helped[step] = helped.get(step, 0) + attempts
        return help_count, helped


def _help(help_json: str | None) -> dict[int, int] | None:
    """A run's help per step, None for none."""
    if help_json is None or help_json == "[]":
        return None
    return dict(_scan_json(help_json, 0)[0])


def _measure_chain(
    head: Sequence[Any], continued_by: dict[Any, Sequence[Any]]
) -> tuple[str, int | None, int, int, int, int | None, dict[int, int] | None] | None:
    """An interrupted run and the runs that resumed it, as one attempt: the last piece's outcome and
    end, the durations of the pieces added up (not the time the kiosk was off), the furthest step
    and the most support of any piece; help events of every piece, a step with help counting once
    for independence. None while the last piece is still open."""
    chain = [head]
    while (following := continued_by.get(chain[-1][_ID])) is not None:
        chain.append(following)
    last = chain[-1]
    if last[_OUTCOME] is None:
        return None
    furthest = max(piece[_FURTHEST] or 0 for piece in chain)
    duration_ms = sum(max(0, piece[_ENDED] - piece[_STARTED]) for piece in chain if piece[_ENDED] is not None)
    support = max((piece[_SUPPORT] for piece in chain if piece[_SUPPORT] is not None), default=None)
    helps: dict[int, int] | None = None
    for piece in chain:
        if (helped := _help(piece[_HELP_BY_STEP])) is not None:
            helps = {} if helps is None else helps
            for step, count in helped.items():
                helps[step] = helps.get(step, 0) + count
    return last[_OUTCOME], last[_ENDED], last[_STEP_COUNT] or furthest, furthest, duration_ms, support, helps


def _tally(runs: Sequence[Sequence[Any]], person: Any, rule: MasteryRule) -> dict[PackKey, _Tally]:
    """Join resumed runs to the runs they continue, measure each attempt, and gather the figures
    per pack version, in one pass over one person's runs (in time order). Attempts still open, and
    continuations whose first run is not among ``runs``, are left out.

    A worker's year is thousands of runs, so this loop is written for speed: per run it does only
    what the figures need, keeps the current pack version's tally in local names (a worker's runs
    come in long streaks of one pack), and leaves an attempt's times as milliseconds until someone
    reads them (``RunSummary``). tests/journal/test_progress_reference.py holds it to a plain
    reference computed from the step events."""
    continued_by = {row[_RESUMED_FROM]: row for row in runs if row[_RESUMED_FROM] is not None}
    tallies: dict[PackKey, _Tally] = {}
    in_a_row, bar, learned_at_most = rule.runs_in_a_row, rule.independence - _EPSILON, LEARNED_AT_MOST
    first_monday_ms, week_ms = _FIRST_MONDAY_MS, _WEEK_MS
    new, summary_class, scan = _new, RunSummary, _scan_json
    tally = _Tally((person, "", 0))  # a stand-in until the first run names a pack
    last_pack: str | None = None
    last_version: int | None = None
    append_attempt, append_finished, add_help = tally.attempts.append, tally.finished_s.append, tally.help_items.extend
    weeks = tally.weeks
    this_week: int | None = None  # the week of the pack version's last attempt, and its entry in weeks
    in_week: list[Any] = [[], 0]
    good_in_a_row, mastery = 0, None
    helps: dict[int, int] | None
    for row in runs:
        run_id, pack_id, version, started, ended, outcome, resumed_from, steps, furthest, help_json, support = row
        if resumed_from is not None:
            continue  # measured with its first run
        if run_id in continued_by:
            if (chain := _measure_chain(row, continued_by)) is None:
                continue
            outcome, ended, steps, furthest, duration_ms, support, helps = chain
        else:
            if outcome is None:
                continue  # still going: counted once it ends
            if not furthest:
                furthest = 0
            if not steps:
                steps = furthest
            duration_ms = ended - started
            if duration_ms < 0:
                duration_ms = 0
            helps = None if help_json is None or help_json == "[]" else (dict(scan(help_json, 0)[0]) or None)

        # independence: the steps reached without help, over the steps in the pack
        reached = steps if outcome == "finished" else min(furthest, steps)
        if helps is None:
            independent = reached if reached > 0 else 0
        else:
            if max(helps) <= reached:  # help only on steps reached: the usual case
                independent = reached - len(helps)
            else:
                independent = reached - sum(1 for step in helps if step <= reached)
            if independent < 0:
                independent = 0
        independence = independent / steps if steps else 0.0
        duration_s = duration_ms / 1000
        summary = new(summary_class)
        summary.__dict__.update(
            {
                "run_id": run_id,
                "_started_at_ms": started,
                "_ended_at_ms": ended,
                "outcome": outcome,
                "duration_s": duration_s,
                "steps_total": steps,
                "steps_independent": independent,
                "independence": independence,
                "support_level": support,
            }
        )

        if pack_id != last_pack or version != last_version:
            tally.row, tally.mastery = good_in_a_row, mastery
            last_pack, last_version = pack_id, version
            key = (person, pack_id, version)
            if (found := tallies.get(key)) is None:
                found = tallies[key] = _Tally(key)
            tally = found
            append_attempt, append_finished, add_help = (
                tally.attempts.append,
                tally.finished_s.append,
                tally.help_items.extend,
            )
            weeks, this_week = tally.weeks, None
            good_in_a_row, mastery = tally.row, tally.mastery
        append_attempt(summary)
        week = (started - first_monday_ms) // week_ms
        if week != this_week:
            this_week = week
            if (found_week := weeks.get(week)) is None:
                found_week = weeks[week] = [[], 0]
            in_week = found_week
        in_week[0].append(independence)
        if helps is not None:
            add_help(helps.items())
        if outcome == "finished":
            append_finished(duration_s)
            in_week[1] += 1
            if mastery is None:
                if independence >= bar and (support is None or support <= learned_at_most):
                    good_in_a_row += 1
                    if good_in_a_row >= in_a_row:
                        mastery = summary
                else:
                    good_in_a_row = 0
        elif outcome != "interrupted":
            good_in_a_row = 0  # abandoned: breaks the row; interrupted (never resumed) neither counts nor breaks it
    tally.row, tally.mastery = good_in_a_row, mastery
    return tallies


# -- figures -------------------------------------------------------------------------------------

_FIRST_MONDAY = date(1970, 1, 5)
_FIRST_MONDAY_MS = 4 * 86_400_000
_WEEK_MS = 7 * 86_400_000


def monday_of(day: date) -> date:
    """The Monday starting the week that contains ``day`` (weeks start on Monday)."""
    return day - timedelta(days=day.weekday())


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _weekly(tally: _Tally) -> tuple[WeekFigure, ...]:
    """Every week from the first attempt's to the last one's, empty weeks included (a chart
    should show a gap as a gap)."""
    if not tally.weeks:
        return ()
    weeks = []
    for week in range(min(tally.weeks), max(tally.weeks) + 1):
        independence, finished = tally.weeks.get(week, ([], 0))
        weeks.append(
            WeekFigure(
                week_start=_FIRST_MONDAY + timedelta(weeks=week),
                runs=len(independence),
                finished=finished,
                independence=_mean(independence),
            )
        )
    return tuple(weeks)


def _steps_needing_help(tally: _Tally) -> tuple[StepNeed, ...]:
    """Steps with help, most help requests first (then most attempts with help, then step order)."""
    attempts = len(tally.attempts)
    help_count, helped = tally.help_per_step()
    needs = [
        StepNeed(step_number=step, help_count=count, runs_with_help=helped[step], share=helped[step] / attempts)
        for step, count in help_count.items()
    ]
    needs.sort(key=lambda need: (-need.help_count, -need.runs_with_help, need.step_number))
    return tuple(needs)


def _pack_progress(tally: _Tally) -> PackProgress:
    person_id, pack_id, pack_version = tally.key
    attempts = tally.attempts
    finished = len(tally.finished_s)
    mastered_at = tally.mastery.ended_at if tally.mastery is not None else None
    return PackProgress(
        person_id=person_id,
        pack_id=pack_id,
        pack_version=pack_version,
        runs=len(attempts),
        finished=finished,
        completion_rate=finished / len(attempts),
        median_duration_s=statistics.median(tally.finished_s) if tally.finished_s else None,
        runs_detail=tuple(attempts),
        weekly=_weekly(tally),
        steps_needing_help=_steps_needing_help(tally),
        mastered=mastered_at is not None,
        mastered_at=mastered_at,
    )


def progress_from_runs(runs: Sequence[Sequence[Any]], person: Any, rule: MasteryRule) -> list[PackProgress]:
    """The figures of one person's runs (rows with the columns of ``PERSON_RUNS_SQL``, in time
    order), by pack id and version: the core of ``person_progress`` and of the hub's progress."""
    tallies = _tally(runs, person, rule)
    return [_pack_progress(tallies[key]) for key in sorted(tallies, key=lambda key: (key[1], key[2]))]


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
    return progress_from_runs(_person_runs(journal, person_id, since_ms), person_id, rule)


def workshop_weekly_summary(journal: Journal, week_start: date) -> list[WorkshopRow]:
    """Everyone's week at a glance: one row per person and pack version with attempts that
    started in the week of ``week_start`` (any day of the week is taken as its Monday)."""
    monday = monday_of(week_start.date() if isinstance(week_start, datetime) else week_start)
    start_ms = to_ms(start_of(monday))
    end_ms = to_ms(start_of(monday + timedelta(days=7)))
    by_person: dict[int, list[tuple]] = {}
    for row in _week_runs(journal, start_ms, end_ms):
        by_person.setdefault(row[-1], []).append(row[:-1])
    names = dict(journal.db.read("SELECT id, name FROM people"))
    rows = []
    for person_id, runs in by_person.items():
        for (_, pack_id, version), tally in _tally(runs, person_id, MasteryRule()).items():
            attempts = tally.attempts
            finished = len(tally.finished_s)
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
                    median_duration_s=statistics.median(tally.finished_s) if tally.finished_s else None,
                    help_count=sum(
                        step_count * attempts for (_, step_count), attempts in Counter(tally.help_items).items()
                    ),
                )
            )
    rows.sort(key=lambda row: (row.person_name.casefold(), row.person_id, row.pack_id, row.pack_version))
    return rows
