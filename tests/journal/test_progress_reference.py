"""The fast progress code against a straightforward reference, on generated journals.

``kiosk.journal.progress`` reads the summaries written on ended runs and works through a worker's
year in one tuned pass. The reference below knows nothing of that: it reads the runs and their step
events, follows docs/journal.md's definitions one by one with plain datetimes, and builds the same
dataclasses. Every figure must be equal, floats included, so that making progress faster never
changes what a coach or a family is shown.
"""

from __future__ import annotations

import copy
import dataclasses
import gc
import pickle
import random
import statistics
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from journal_testing import FakeClock
from kiosk.journal import Journal
from kiosk.journal.progress import (
    LEARNED_AT_MOST,
    MasteryRule,
    PackProgress,
    RunSummary,
    StepNeed,
    WeekFigure,
    WorkshopRow,
    person_progress,
    progress_from_runs,
    workshop_weekly_summary,
)

DEFAULT_RULE = MasteryRule()
PACKS = [("sandwich", 1, 6), ("sandwich", 2, 7), ("tea", 1, 4)]  # pack id, version, steps


def _generate(journal: Journal, clock: FakeClock, seed: int) -> list[int]:
    """A few months of three workers, with everything progress has to handle: help (twice on a step
    too), hear again and back, abandoned runs, crashes resumed once or twice or never, packs without
    a step count, support levels and runs without them, runs still open, weeks without runs, and
    runs that ended before run summaries existed (schema v4: their summary is NULL)."""
    chance = random.Random(seed)
    journal.db.connection.execute("PRAGMA synchronous = OFF")  # set-up speed; durability is tested elsewhere
    people = [journal.add_person(name).id for name in ("Anna", "Ben", "Chen")]
    for person, skill in zip(people, (0.3, 0.8, 0.95)):  # how rarely they need help
        clock.set(datetime(2026, 1, 5, 8, tzinfo=timezone.utc) + timedelta(hours=chance.randint(0, 30)))
        for _ in range(chance.randint(25, 45)):
            pack_id, version, steps = chance.choice(PACKS)
            known = chance.random() < 0.8
            start = journal.start_run(person, pack_id, version, f"hash-{pack_id}-{version}", steps if known else None)
            stop = steps if chance.random() < 0.75 else chance.randint(1, steps)
            most_support = chance.choice((None, 0, 1, 1, 1, 2))  # None: a run from before support levels
            run, step, pieces = start, 1, 0
            while True:
                for number in range(step, stop + 1):
                    level = None if most_support is None else chance.randint(0, most_support)
                    journal.record_step(run, number, "shown", level=level)
                    clock.advance(seconds=chance.randint(2, 20))
                    for _ in range(chance.choice((0, 0, 0, 1, 2)) if chance.random() > skill else 0):
                        journal.record_step(run, number, "help", level=level)
                    if chance.random() < 0.1:
                        journal.record_step(run, number, "hear_again", level=level)
                    if number > 1 and chance.random() < 0.05:
                        journal.record_step(run, number, "back", level=level)
                    clock.advance(seconds=chance.randint(3, 30))
                    journal.record_step(run, number, "done", duration_ms=chance.randint(3000, 30000), level=level)
                fate = chance.random()
                if stop == steps and fate < 0.85:
                    journal.finish_run(run)
                elif fate < 0.45 and stop < steps:
                    journal.finish_run(run, "abandoned")
                elif fate < 0.95:  # a crash; recovery closes the run as interrupted
                    journal.recover_interrupted()
                    if pieces < 2 and chance.random() < 0.7:
                        clock.advance(minutes=chance.randint(1, 90))
                        run, step, pieces = journal.resume_run(run), stop, pieces + 1
                        stop = steps if chance.random() < 0.7 else chance.randint(step, steps)
                        continue
                else:
                    break  # left open: not counted until it ends
                break
            if chance.random() < 0.1:
                journal.recover_interrupted()  # the run left open ends as interrupted at the next start
            clock.advance(hours=chance.choice((1, 2, 20, 24, 70)) if chance.random() < 0.9 else 24 * 20)
    # at the end, still going: a crashed run's continuation (its attempt is not counted yet) and
    # a run of everyone (before, any crash recovery would have closed them as interrupted)
    clock.advance(days=1)
    run = journal.start_run(people[1], "tea", 1, "hash-tea-1", 4)  # two crashes, then finished
    for number, resumed in ((1, False), (2, True), (3, True), (4, False)):
        if resumed:
            journal.recover_interrupted()
            clock.advance(minutes=5)
            run = journal.resume_run(run)
        journal.record_step(run, number, "shown", level=1)
        journal.record_step(run, number, "help", level=1)
        clock.advance(seconds=20)
        journal.record_step(run, number, "done", duration_ms=20000, level=1)
    journal.finish_run(run)
    crashed = journal.start_run(people[0], "tea", 1, "hash-tea-1", 4)
    journal.record_step(crashed, 1, "shown")
    journal.record_step(crashed, 1, "help")
    journal.recover_interrupted()
    journal.record_step(journal.resume_run(crashed), 1, "shown")
    for person in people:
        journal.record_step(journal.start_run(person, "tea", 1, "hash-tea-1", 4), 1, "shown")
    ended = [row[0] for row in journal.db.read("SELECT id FROM runs WHERE outcome IS NOT NULL")]
    before_v4 = chance.sample(ended, len(ended) // 6)
    journal.db.connection.executemany(
        "UPDATE runs SET furthest_step = NULL, help_by_step = NULL WHERE id = ?", [(run,) for run in before_v4]
    )
    return people


# -- the reference: runs and events, the definitions as written ---------------------------------


def _at(milliseconds: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=milliseconds)


def _reference_attempts(journal: Journal, person: int, since: datetime | None) -> dict[tuple, list[dict]]:
    """Per (person, pack, version): the attempts in start order, each a dict with its summary, its
    help events per step and its steps with help."""
    runs = journal.db.read(
        "SELECT id, pack_id, pack_version, started_at_ms, ended_at_ms, outcome, resumed_from, step_count, "
        "support_level FROM runs WHERE person_id = ? ORDER BY started_at_ms, id",
        (person,),
    )
    events: dict[int, list[tuple]] = defaultdict(list)
    for run_id, step, event, level in journal.db.read(
        "SELECT e.run_id, e.step_number, e.event, e.level FROM step_events e JOIN runs r ON r.id = e.run_id "
        "WHERE r.person_id = ?",
        (person,),
    ):
        events[run_id].append((step, event, level))
    successor = {run[6]: run for run in runs if run[6] is not None}
    attempts: dict[tuple, list[dict]] = defaultdict(list)
    for head in runs:
        if head[6] is not None or (since is not None and _at(head[3]) < since):
            continue
        chain = [head]
        while chain[-1][0] in successor:
            chain.append(successor[chain[-1][0]])
        last = chain[-1]
        if last[5] is None:
            continue  # still open
        furthest = max((step for piece in chain for step, _, _ in events[piece[0]]), default=0)
        help_count: dict[int, int] = defaultdict(int)
        for piece in chain:
            for step, event, _ in events[piece[0]]:
                if event == "help":
                    help_count[step] += 1
        levels = [level for piece in chain for _, _, level in events[piece[0]] if level is not None]
        total = last[7] or furthest
        reached = total if last[5] == "finished" else min(furthest, total)
        independent = max(0, reached - len([step for step in help_count if step <= reached]))
        duration_ms = sum(piece[4] - piece[3] for piece in chain)
        summary = RunSummary(
            run_id=head[0],
            started_at=_at(head[3]),
            ended_at=_at(last[4]),
            outcome=last[5],
            duration_s=duration_ms / 1000,
            steps_total=total,
            steps_independent=independent,
            independence=independent / total if total else 0.0,
            support_level=max(levels) if levels else None,
        )
        attempts[(person, head[1], head[2])].append({"summary": summary, "help": dict(help_count)})
    return attempts


def _monday(moment: datetime) -> date:
    day = moment.date()
    return day - timedelta(days=day.weekday())


def _reference_pack(key: tuple, attempts: list[dict], rule: MasteryRule) -> PackProgress:
    summaries = [attempt["summary"] for attempt in attempts]
    finished = [summary for summary in summaries if summary.outcome == "finished"]
    by_week: dict[date, list[RunSummary]] = defaultdict(list)
    for summary in summaries:
        by_week[_monday(summary.started_at)].append(summary)
    weekly, week = [], min(by_week)
    while week <= max(by_week):
        in_week = by_week.get(week, [])
        independence = [summary.independence for summary in in_week]
        weekly.append(
            WeekFigure(
                week_start=week,
                runs=len(in_week),
                finished=len([summary for summary in in_week if summary.outcome == "finished"]),
                independence=sum(independence) / len(independence) if independence else None,
            )
        )
        week += timedelta(days=7)
    help_events: dict[int, int] = defaultdict(int)
    helped: dict[int, int] = defaultdict(int)
    for attempt in attempts:
        for step, count in attempt["help"].items():
            help_events[step] += count
            helped[step] += 1
    needs = sorted(
        (StepNeed(step, count, helped[step], helped[step] / len(summaries)) for step, count in help_events.items()),
        key=lambda need: (-need.help_count, -need.runs_with_help, need.step_number),
    )
    mastered_at, row = None, 0
    for summary in summaries:
        if summary.outcome == "interrupted":
            continue
        good = summary.independence >= rule.independence - 1e-9 and (
            summary.support_level is None or summary.support_level <= LEARNED_AT_MOST
        )
        row = row + 1 if summary.outcome == "finished" and good else 0
        if row >= rule.runs_in_a_row:
            mastered_at = summary.ended_at
            break
    return PackProgress(
        person_id=key[0],
        pack_id=key[1],
        pack_version=key[2],
        runs=len(summaries),
        finished=len(finished),
        completion_rate=len(finished) / len(summaries),
        median_duration_s=statistics.median([summary.duration_s for summary in finished]) if finished else None,
        runs_detail=tuple(summaries),
        weekly=tuple(weekly),
        steps_needing_help=tuple(needs),
        mastered=mastered_at is not None,
        mastered_at=mastered_at,
    )


def _reference_progress(
    journal: Journal, person: int, rule: MasteryRule = DEFAULT_RULE, since: datetime | None = None
) -> list[PackProgress]:
    attempts = _reference_attempts(journal, person, since)
    return [_reference_pack(key, attempts[key], rule) for key in sorted(attempts, key=lambda key: key[1:])]


def _reference_week(journal: Journal, people: list[int], monday: date) -> list[WorkshopRow]:
    names = dict(journal.db.read("SELECT id, name FROM people"))
    rows = []
    for person in people:
        for (_, pack_id, version), attempts in _reference_attempts(journal, person, None).items():
            in_week = [attempt for attempt in attempts if _monday(attempt["summary"].started_at) == monday]
            if not in_week:
                continue
            summaries = [attempt["summary"] for attempt in in_week]
            durations = [summary.duration_s for summary in summaries if summary.outcome == "finished"]
            rows.append(
                WorkshopRow(
                    person_id=person,
                    person_name=names[person],
                    pack_id=pack_id,
                    pack_version=version,
                    runs=len(summaries),
                    finished=len(durations),
                    completion_rate=len(durations) / len(summaries),
                    independence=sum(summary.independence for summary in summaries) / len(summaries),
                    median_duration_s=statistics.median(durations) if durations else None,
                    help_count=sum(sum(attempt["help"].values()) for attempt in in_week),
                )
            )
    rows.sort(key=lambda row: (row.person_name.casefold(), row.person_id, row.pack_id, row.pack_version))
    return rows


# -- the comparisons ----------------------------------------------------------------------------


@pytest.fixture(params=[1, 2, 3], ids=lambda seed: f"seed{seed}")
def generated(request, tmp_path) -> tuple[Journal, list[int]]:
    clock = FakeClock()
    journal = Journal.open(tmp_path / "journal.sqlite3", clock=clock)
    people = _generate(journal, clock, request.param)
    yield journal, people
    journal.close()


def test_the_history_has_what_progress_must_handle(generated):
    """The generator really makes the cases the comparison is about (else it would prove little)."""
    journal, _ = generated

    def count(where: str) -> int:
        return journal.db.read_one(f"SELECT COUNT(*) FROM runs WHERE {where}")[0]

    assert count("outcome = 'abandoned'") and count("outcome = 'interrupted'") and count("outcome IS NULL")
    assert count("resumed_from IS NOT NULL") and count("id IN (SELECT resumed_from FROM runs WHERE outcome IS NULL)")
    assert count("id IN (SELECT r.resumed_from FROM runs r JOIN runs s ON s.resumed_from = r.id)")  # chains of 3
    assert count("step_count IS NULL AND outcome IS NOT NULL") and count("support_level = 2")
    assert count("support_level IS NULL AND outcome IS NOT NULL")
    assert count("furthest_step IS NULL AND outcome IS NOT NULL") and count("help_by_step NOT IN ('[]')")


def test_person_progress_equals_the_reference(generated):
    journal, people = generated
    compared = mastered = 0
    for person in people:
        expected = _reference_progress(journal, person)
        assert person_progress(journal, person) == expected
        compared += sum(pack.runs for pack in expected)
        mastered += sum(pack.mastered for pack in expected)
    assert compared > 60 and mastered


@pytest.mark.parametrize(
    "rule", [MasteryRule(runs_in_a_row=1, independence=0.5), MasteryRule(runs_in_a_row=2, independence=0.8)]
)
def test_mastery_under_other_rules_equals_the_reference(generated, rule):
    journal, people = generated
    mastered = 0
    for person in people:
        expected = _reference_progress(journal, person, rule)
        assert person_progress(journal, person, rule=rule) == expected
        mastered += sum(pack.mastered for pack in expected)
    assert mastered  # the rule was reached somewhere, so mastered_at was compared


def test_since_equals_the_reference(generated):
    journal, people = generated
    for person in people:
        starts = [row[0] for row in journal.db.read("SELECT started_at_ms FROM runs WHERE person_id = ?", (person,))]
        since = _at(sorted(starts)[len(starts) // 2])  # a run's own start: the boundary is inclusive
        assert person_progress(journal, person, since=since) == _reference_progress(journal, person, since=since)
        day = since.date()
        midnight = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        assert person_progress(journal, person, since=day) == _reference_progress(journal, person, since=midnight)


def test_every_week_of_the_workshop_equals_the_reference(generated):
    journal, people = generated
    first, last = journal.db.read_one("SELECT MIN(started_at_ms), MAX(started_at_ms) FROM runs")
    week, weeks_with_rows = _monday(_at(first)), 0
    while week <= _monday(_at(last)):
        expected = _reference_week(journal, people, week)
        assert workshop_weekly_summary(journal, week + timedelta(days=3)) == expected, week
        weeks_with_rows += bool(expected)
        week += timedelta(days=7)
    assert weeks_with_rows >= 3


def _eager(summary: RunSummary) -> RunSummary:
    return RunSummary(**{name: getattr(summary, name) for name in RunSummary.FIELDS})


def test_a_summary_from_progress_behaves_like_any_run_summary(generated):
    """Progress keeps an attempt's times as milliseconds until they are read; nothing outside may
    tell the difference."""
    journal, people = generated
    summaries = [summary for pack in person_progress(journal, people[0]) for summary in pack.runs_detail]
    fresh = [summary for pack in person_progress(journal, people[0]) for summary in pack.runs_detail]
    made: Any = fresh[0]
    assert repr(made) == repr(_eager(summaries[0]))
    assert made == _eager(summaries[0]) and hash(made) == hash(_eager(summaries[0]))
    assert pickle.loads(pickle.dumps(fresh[1])) == fresh[1] == copy.deepcopy(fresh[1])
    assert fresh[2]._replace(outcome="abandoned").started_at == fresh[2].started_at
    assert fresh[3]._asdict()["ended_at"] == _eager(summaries[3]).ended_at
    assert isinstance(made.started_at, datetime) and made.started_at.tzinfo is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.started_at = made.ended_at
    with pytest.raises(AttributeError):
        made.no_such_field  # noqa: B018
    assert not hasattr(made, "finished_at")


def test_the_garbage_collector_is_as_it_was_afterwards(generated):
    """Progress pauses the collector while it makes a year of attempts; it must be back on after,
    on an error too, and stay off for a caller that had switched it off."""
    journal, people = generated
    assert gc.isenabled()
    person_progress(journal, people[0])
    assert gc.isenabled()
    with pytest.raises(IndexError):
        progress_from_runs([("not", "a", "run")], people[0], DEFAULT_RULE)
    assert gc.isenabled()
    gc.disable()
    try:
        person_progress(journal, people[0])
        assert not gc.isenabled()
    finally:
        gc.enable()
