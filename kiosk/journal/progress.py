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

import gc
import itertools
import json
import json.scanner
import os
import sqlite3
import statistics
from collections import Counter
from contextlib import contextmanager
from dataclasses import FrozenInstanceError, dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from kiosk.journal.journal import Journal
from kiosk.journal.model import from_ms, start_of, to_ms
from kiosk.journal.schema import furthest_step_sql, help_by_step_sql

_EPSILON = 1e-9
#: A task counts as learned only when done alone at reduced support or less (docs/support.md): an
#: attempt in which a step was still shown at full support (level 2) breaks the row, like one that
#: needed help. Runs without a recorded level (before support levels) count as before.
LEARNED_AT_MOST = 1


class _Moment:
    """``started_at`` / ``ended_at`` of a ``RunSummary``: held as given (a datetime, or milliseconds
    since the epoch as progress reads them) and made a datetime on first reading, then kept in the
    instance's ``__dict__``, which Python looks in before a descriptor like this one."""

    __slots__ = ("index", "name")

    def __init__(self, index: int) -> None:
        self.index = index

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, summary: RunSummary | None, owner: type | None = None) -> Any:
        if summary is None:
            return self
        value = summary.held[self.index]
        if type(value) is int:
            value = from_ms(value)
        summary.__dict__[self.name] = value
        return value


def _field(index: int) -> property:
    return property(lambda summary: summary.held[index])


class RunSummary:
    """One attempt's figures (see the module's docstring for what they mean). Immutable; compared,
    hashed and shown by its fields' values.

    Not a dataclass, for speed: progress makes one per attempt, thousands for a worker's year, and a
    dataclass instance is an object, a dictionary and nine stores in it: 3.7 of the 12 ms that the
    pass over bench/journal.py's worker's 5,106 runs took. Here the fields are one tuple in one
    slot, and ``started_at`` and ``ended_at`` may be given as milliseconds since the epoch (as
    progress reads them): most are never looked at one by one, so their datetimes are made on first
    reading, once."""

    __slots__ = ("held", "__dict__")
    FIELDS = (
        "run_id",
        "started_at",
        "ended_at",
        "outcome",
        "duration_s",
        "steps_total",
        "steps_independent",
        "independence",  # 0..1
        "support_level",  # the most support shown (0 grouped, 1 reduced, 2 full); None: not recorded
    )
    held: tuple[Any, ...]  # the values in the order of FIELDS, times as given

    def __init__(
        self,
        run_id: Any,
        started_at: datetime | int,
        ended_at: datetime | int | None,
        outcome: str,
        duration_s: float | None,
        steps_total: int,
        steps_independent: int,
        independence: float,
        support_level: int | None = None,
    ) -> None:
        _set_values(
            self,
            (
                run_id,
                started_at,
                ended_at,
                outcome,
                duration_s,
                steps_total,
                steps_independent,
                independence,
                support_level,
            ),
        )

    if TYPE_CHECKING:
        run_id: Any
        started_at: datetime
        ended_at: datetime | None
        outcome: str
        duration_s: float | None
        steps_total: int
        steps_independent: int
        independence: float
        support_level: int | None
    else:
        run_id = _field(0)
        started_at = _Moment(1)
        ended_at = _Moment(2)
        outcome = _field(3)
        duration_s = _field(4)
        steps_total = _field(5)
        steps_independent = _field(6)
        independence = _field(7)
        support_level = _field(8)

    def values(self) -> tuple[Any, ...]:
        """The fields' values as read (datetimes for the times), in the order of ``FIELDS``."""
        return tuple(getattr(self, name) for name in self.FIELDS)

    def _asdict(self) -> dict[str, Any]:
        """The fields by name (as ``collections.namedtuple`` has it)."""
        return dict(zip(self.FIELDS, self.values()))

    def _replace(self, **changes: Any) -> RunSummary:
        """A copy with some fields changed (as ``collections.namedtuple`` has it)."""
        return RunSummary(**{**self._asdict(), **changes})

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"a RunSummary cannot be changed (field {name!r}); make a new one with _replace")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"a RunSummary cannot be changed (field {name!r})")

    def __eq__(self, other: object) -> bool:
        if type(other) is not RunSummary:
            return NotImplemented
        return self.values() == other.values()

    def __hash__(self) -> int:
        return hash(self.values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in zip(self.FIELDS, self.values()))
        return f"RunSummary({shown})"

    def __reduce__(self) -> tuple[Any, ...]:
        return RunSummary, self.values()


_set_values = RunSummary.held.__set__  # type: ignore[attr-defined]  # the slot's own setter: no __setattr__


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
# from their events (COALESCE only evaluates the subquery then). Open runs are not counted. No help
# comes as NULL rather than '[]' (most runs of a worker who has learned the task).
_RUN_FIELDS = (
    "r.id, r.pack_id, r.pack_version, r.started_at_ms, r.ended_at_ms, r.outcome, r.resumed_from, r.step_count, "
    f"CASE WHEN r.outcome IS NULL THEN NULL ELSE COALESCE(r.furthest_step, {furthest_step_sql('r.id')}) END, "
    f"CASE WHEN r.outcome IS NULL THEN NULL ELSE NULLIF(COALESCE(r.help_by_step, {help_by_step_sql('r.id')}), '[]') END, "
    "r.support_level"
)

#: One person's runs since a moment, in time order (``person_progress``; the benchmark's lower bound
#: reads exactly this).
PERSON_RUNS_SQL = (
    f"SELECT {_RUN_FIELDS} FROM runs r WHERE r.person_id = ? AND r.started_at_ms >= ? ORDER BY r.started_at_ms, r.id"
)


def person_runs(journal: Journal, person_id: int, since_ms: int = -(2**62)) -> list[tuple]:
    """One person's run rows as progress reads them (``PERSON_RUNS_SQL``, their index pages asked
    for at once first): what ``person_progress`` computes from, and the benchmark's lower bound."""
    _prefetch_person_pages(journal, person_id)
    return journal.db.read(PERSON_RUNS_SQL, (person_id, since_ms))


_INDEX_INTERIOR, _INDEX_LEAF = 0x02, 0x0A  # SQLite's b-tree page types


def _prefetch_person_pages(journal: Journal, person_id: int) -> list[int]:
    """Ask the storage for all the index pages holding one person's runs at once.

    A worker's year is one range of ``runs_by_person_time``: about 90 leaf pages of 4 KB that, written
    a day at a time over the year (as a kiosk writes them), lie scattered over the file. SQLite reads
    them one after the other, so out of the page cache that is 90 waits on the storage in a row. Here
    the few interior pages on the way to the range are read from the file (SQLite's documented file
    format, unchanged since 2004: https://www.sqlite.org/fileformat2.html) and the leaves are asked
    for with ``posix_fadvise(WILLNEED)``, which queues all their reads at once; SQLite's own reads
    then find them in the page cache. It is only a hint: the query reads through SQLite as always,
    so a page that is newer in the log, a layout not understood or an error means no prefetch, never
    another figure. Nothing happens without ``posix_fadvise`` or for a journal in memory. Returns
    the leaf pages asked for."""
    advise = getattr(os, "posix_fadvise", None)
    path = journal.path
    asked: list[int] = []
    if advise is None or str(path) == ":memory:":
        return asked
    try:
        found = journal.db.read_one("SELECT rootpage FROM sqlite_master WHERE name = 'runs_by_person_time'")
        page_size = journal.db.read_one("PRAGMA page_size")
        if found is None or page_size is None or not found[0]:
            return asked
        size = page_size[0]
        fd = os.open(path, os.O_RDONLY)
    except (OSError, sqlite3.Error):
        return asked
    try:
        level = [found[0]]
        for _depth in range(10):  # a b-tree of 4 KB pages is 4 or 5 levels deep even at 100 million rows
            below: list[int] = []
            for page in level:
                data = os.pread(fd, size, (page - 1) * size)
                header = 100 if page == 1 else 0
                if data[header] != _INDEX_INTERIOR:
                    return asked  # a leaf (a small index: it is read already) or not understood
                below.extend(_children_holding(data, header, person_id))
            for page in below:
                advise(fd, (page - 1) * size, size, os.POSIX_FADV_WILLNEED)
            if not below or os.pread(fd, 1, (below[0] - 1) * size)[0] == _INDEX_LEAF:
                return below  # the leaves' reads are queued (reading the first one waited for it only)
            level = below
    except (OSError, ValueError, IndexError):
        pass
    finally:
        os.close(fd)
    return asked


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """SQLite's variable-length integer at ``at``: (value, where the next field starts)."""
    value = 0
    for offset in range(8):
        byte = data[at + offset]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + offset + 1
    return (value << 8) | data[at + 8], at + 9


def _children_holding(data: bytes, header: int, person_id: int) -> list[int]:
    """The child pages of an interior index page whose key range can hold ``person_id``'s entries.
    Each cell is (left child, key); a child holds the keys between its cell's key and the one
    before; the first column of a key here is the person id."""
    cells = int.from_bytes(data[header + 3 : header + 5], "big")

    def cell(number: int) -> tuple[int, int]:
        at = int.from_bytes(data[header + 12 + 2 * number : header + 14 + 2 * number], "big")
        _, record = _varint(data, at + 4)  # the left child's page number, then the key's size
        header_size, types = _varint(data, record)
        kind, _ = _varint(data, types)  # the first column's type: 1-6 integers, 8 and 9 the constants 0 and 1
        width = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}.get(kind)
        if width is None and kind not in (8, 9):
            raise ValueError(f"not an integer person id (type {kind})")
        body = record + header_size
        key = kind - 8 if width is None else int.from_bytes(data[body : body + width], "big", signed=True)
        return int.from_bytes(data[at : at + 4], "big"), key

    low, high = 0, cells
    while low < high:  # the first cell whose key's person is this one or later
        middle = (low + high) // 2
        if cell(middle)[1] < person_id:
            low = middle + 1
        else:
            high = middle
    children = []
    for number in range(low, cells):
        child, key = cell(number)
        children.append(child)
        if key > person_id:
            return children
    children.append(int.from_bytes(data[header + 8 : header + 12], "big"))  # the right-most child
    return children


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
# spaces): the C scanner reads one without json.loads' Python layers.
_scan_json: Callable[[str, int], tuple[Any, int]] = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
_new = object.__new__


class _Tally:
    """One person's attempts on one pack version, and what the figures need from them, gathered in
    one pass over the runs."""

    __slots__ = ("key", "attempts", "finished_s", "weeks", "help_texts", "help_dicts", "row", "mastery")

    def __init__(self, key: PackKey) -> None:
        self.key = key
        self.attempts: list[RunSummary] = []
        self.finished_s: list[float] = []  # durations of the finished attempts
        self.weeks: dict[int, list[Any]] = {}  # week number -> [independence of its attempts, finished ones]
        # The help of every attempt with help: a run's JSON text as read (parsed all at once when the
        # figures are made: one json.loads for thousands of runs), or a resumed attempt's dict.
        self.help_texts: list[str] = []
        self.help_dicts: list[dict[int, int]] = []
        self.row = 0  # good finished attempts in a row so far
        self.mastery: RunSummary | None = None  # the attempt that completed the first row

    def help_counted(self) -> Counter[tuple[int, int]]:
        """How many attempts had each (step, help events on it); an attempt names a step once.

        A year has thousands of attempts with help, and parsing each one's JSON makes tens of
        thousands of small objects (parsed inside the pass over the runs, 3.8 of its 12 ms). But
        runs' help JSON is a list of integer pairs, so the texts are joined and split at the pairs'
        borders and the few distinct pairs are counted by ``Counter`` (C code), and only those
        parsed. A text in any other shape (it is valid JSON: SQL made it) is parsed as JSON
        instead."""
        counted: Counter[tuple[int, int]] = Counter()
        if self.help_texts:
            joined = "".join(self.help_texts)
            if " " in joined:  # the hub's jsonb text: [[2, 1], [5, 1]]
                joined = joined.replace(" ", "")
            try:
                for pair, attempts in Counter(joined[2:-2].replace("]][[", "],[").split("],[")).items():
                    step, _, count = pair.partition(",")
                    counted[int(step), int(count)] += attempts
            except ValueError:
                counted.clear()
                texts = json.loads("[" + ",".join(self.help_texts) + "]")
                counted.update(map(tuple, itertools.chain.from_iterable(texts)))
        for helps in self.help_dicts:
            counted.update(helps.items())
        return counted

    def help_per_step(self) -> tuple[dict[int, int], dict[int, int]]:
        """Per step: help events, and attempts with help on it."""
        help_count: dict[int, int] = {}
        helped: dict[int, int] = {}
        for (step, count), attempts in self.help_counted().items():
            helped[step] = helped.get(step, 0) + attempts
            help_count[step] = help_count.get(step, 0) + attempts * count
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
    new, summary_class, set_values = _new, RunSummary, _set_values
    tally = _Tally((person, "", 0))  # a stand-in until the first run names a pack
    last_pack: str | None = None
    last_version: int | None = None
    append_attempt, append_finished = tally.attempts.append, tally.finished_s.append
    append_help_text, append_help_dict = tally.help_texts.append, tally.help_dicts.append
    weeks = tally.weeks
    this_week: int | None = None  # the week of the pack version's last attempt, and its entry in weeks
    in_week: list[Any] = [[], 0]
    append_independence = in_week[0].append
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
            help_json = None
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
            helps = None
            if help_json == "[]":
                help_json = None

        # independence: the steps reached without help, over the steps in the pack
        reached = steps if outcome == "finished" else min(furthest, steps)
        if help_json is not None:
            if furthest <= steps:
                # The usual case. Every step with help was reached: furthest is the highest step with
                # any event, help included, and reached is furthest or more. So the steps with help
                # are the pairs of the JSON, counted without parsing it.
                independent = reached - help_json.count("[") + 1
            else:
                independent = reached - sum(1 for step, _ in _scan_json(help_json, 0)[0] if step <= reached)
        elif helps is not None:
            independent = reached - sum(1 for step in helps if step <= reached)
        else:
            independent = reached
        if independent < 0:
            independent = 0
        independence = independent / steps if steps else 0.0
        duration_s = duration_ms / 1000
        summary = new(summary_class)  # times stay milliseconds until read (RunSummary)
        set_values(summary, (run_id, started, ended, outcome, duration_s, steps, independent, independence, support))

        if pack_id != last_pack or version != last_version:
            tally.row, tally.mastery = good_in_a_row, mastery
            last_pack, last_version = pack_id, version
            key = (person, pack_id, version)
            if (found := tallies.get(key)) is None:
                found = tallies[key] = _Tally(key)
            tally = found
            append_attempt, append_finished = tally.attempts.append, tally.finished_s.append
            append_help_text, append_help_dict = tally.help_texts.append, tally.help_dicts.append
            weeks, this_week = tally.weeks, None
            good_in_a_row, mastery = tally.row, tally.mastery
        append_attempt(summary)
        week = (started - first_monday_ms) // week_ms
        if week != this_week:
            this_week = week
            if (found_week := weeks.get(week)) is None:
                found_week = weeks[week] = [[], 0]
            in_week, append_independence = found_week, found_week[0].append
        append_independence(independence)
        if help_json is not None:
            append_help_text(help_json)
        elif helps is not None:
            append_help_dict(helps)
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
    with _collector_paused():
        tallies = _tally(runs, person, rule)
        return [_pack_progress(tallies[key]) for key in sorted(tallies, key=lambda key: (key[1], key[2]))]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a year of attempts is made: thousands of new
    objects without a cycle among them, which it would otherwise walk again and again (a tenth of
    the time). Switched back on afterwards, on an error too, unless it was off already."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


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
    with _collector_paused():
        return progress_from_runs(person_runs(journal, person_id, since_ms), person_id, rule)


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
                    help_count=sum(count * attempts for (_, count), attempts in tally.help_counted().items()),
                )
            )
    rows.sort(key=lambda row: (row.person_name.casefold(), row.person_id, row.pack_id, row.pack_version))
    return rows
