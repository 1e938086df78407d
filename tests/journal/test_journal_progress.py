"""Progress figures on hand-built histories, with every expected number written out by hand."""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal_testing import FakeClock, Player
from kiosk.journal import Journal
from kiosk.journal.progress import (
    MasteryRule,
    RunSummary,
    StepNeed,
    WeekFigure,
    WorkshopRow,
    monday_of,
    person_progress,
    workshop_weekly_summary,
)

WEEK_1 = date(2026, 3, 2)
WEEK_2 = date(2026, 3, 9)
WEEK_3 = date(2026, 3, 16)


def at(day: date, hour: int = 8) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


@pytest.fixture
def sandwich_history(journal, clock, player):
    """Anna makes a 5-step sandwich four times; every step takes 10 s unless said otherwise.

    run  day          help on           independence  duration
    A    Mon 2 Mar    steps 2, 4        3/5 = 0.6     50 s
    B    Wed 4 Mar    step 4 (twice)    4/5 = 0.8     50 s
    C    Mon 9 Mar    none              5/5 = 1.0     60 s  (12 s a step)
    D    Tue 10 Mar   none              5/5 = 1.0     40 s  (8 s a step)
    """
    anna = journal.add_person("Anna")
    clock.set(at(WEEK_1))
    run_a = player.run(anna.id, help_on={2, 4})
    clock.set(at(WEEK_1 + timedelta(days=2)))
    run_b = journal.start_run(anna.id, "sandwich", 1, "hash-sandwich-1", step_count=5)
    player.play_steps(run_b, [1, 2, 3])
    journal.record_step(run_b, 4, "shown")
    journal.record_step(run_b, 4, "help")
    journal.record_step(run_b, 4, "hear_again")
    journal.record_step(run_b, 4, "help")
    clock.advance(seconds=10)
    journal.record_step(run_b, 4, "done")
    player.play_steps(run_b, [5])
    journal.finish_run(run_b)
    clock.set(at(WEEK_2))
    run_c = player.run(anna.id, step_seconds=12)
    clock.set(at(WEEK_2 + timedelta(days=1)))
    run_d = player.run(anna.id, step_seconds=8)
    return anna, (run_a, run_b, run_c, run_d)


def test_sandwich_figures_match_the_hand_computed_ones(journal, sandwich_history):
    anna, (run_a, run_b, run_c, run_d) = sandwich_history
    [progress] = person_progress(journal, anna.id)
    assert (progress.person_id, progress.pack_id, progress.pack_version) == (anna.id, "sandwich", 1)
    assert progress.runs == 4 and progress.finished == 4 and progress.completion_rate == 1.0
    assert [summary.independence for summary in progress.runs_detail] == [0.6, 0.8, 1.0, 1.0]
    assert [summary.steps_independent for summary in progress.runs_detail] == [3, 4, 5, 5]
    assert [summary.duration_s for summary in progress.runs_detail] == [50.0, 50.0, 60.0, 40.0]
    assert progress.median_duration_s == 50.0  # 40, 50, 50, 60
    assert progress.runs_detail[0] == RunSummary(
        run_id=run_a,
        started_at=at(WEEK_1),
        ended_at=at(WEEK_1) + timedelta(seconds=50),
        outcome="finished",
        duration_s=50.0,
        steps_total=5,
        steps_independent=3,
        independence=0.6,
    )
    assert [summary.run_id for summary in progress.runs_detail] == [run_a, run_b, run_c, run_d]
    assert progress.weekly == (
        WeekFigure(week_start=WEEK_1, runs=2, finished=2, independence=pytest.approx(0.7)),
        WeekFigure(week_start=WEEK_2, runs=2, finished=2, independence=1.0),
    )
    assert progress.steps_needing_help == (
        StepNeed(step_number=4, help_count=3, runs_with_help=2, share=0.5),
        StepNeed(step_number=2, help_count=1, runs_with_help=1, share=0.25),
    )
    assert progress.mastered is False and progress.mastered_at is None  # only 2 fully independent runs


def test_mastery_rule_is_configurable(journal, sandwich_history):
    anna, _ = sandwich_history
    end_of_d = at(WEEK_2 + timedelta(days=1)) + timedelta(seconds=40)
    [two_in_a_row] = person_progress(journal, anna.id, rule=MasteryRule(runs_in_a_row=2))
    assert two_in_a_row.mastered and two_in_a_row.mastered_at == end_of_d
    [mostly] = person_progress(journal, anna.id, rule=MasteryRule(runs_in_a_row=3, independence=0.8))
    assert mostly.mastered and mostly.mastered_at == end_of_d  # B, C, D
    [once_is_enough] = person_progress(journal, anna.id, rule=MasteryRule(runs_in_a_row=1, independence=0.6))
    assert once_is_enough.mastered_at == at(WEEK_1) + timedelta(seconds=50)
    with pytest.raises(ValueError):
        MasteryRule(runs_in_a_row=0)
    with pytest.raises(ValueError):
        MasteryRule(independence=1.5)


def test_since_keeps_only_later_attempts(journal, sandwich_history):
    anna, (_, _, run_c, run_d) = sandwich_history
    [progress] = person_progress(journal, anna.id, since=WEEK_2)
    assert [summary.run_id for summary in progress.runs_detail] == [run_c, run_d]
    assert progress.steps_needing_help == () and progress.median_duration_s == 50.0  # 40 and 60
    assert person_progress(journal, anna.id, since=at(WEEK_3)) == []


@pytest.fixture
def tea_history(journal, clock, player):
    """Ben makes 4-step tea; every step takes 10 s.

    run  what happens                                           counted as
    E    abandoned after step 2, no help                        abandoned, reached 2 -> 2/4 = 0.5
    F+G  F: help on 1, crash after step 3; G resumes an hour    one finished attempt: help on 1 and 4
         later at step 3, help on 4, finishes                    -> 2/4 = 0.5; 30 s + 20 s = 50 s
    H    crash after step 1, never resumed                      interrupted, reached 1 -> 1/4 = 0.25
    I    no help, finished                                      finished, 4/4 = 1.0, 40 s
    """
    ben = journal.add_person("Ben")
    clock.set(at(WEEK_1, 9))
    run_e = player.run(ben.id, "tea", steps=4, stop_after=2, outcome="abandoned")
    clock.set(at(WEEK_1, 10))
    run_f = player.run(ben.id, "tea", steps=4, stop_after=3, help_on={1}, outcome=None)
    clock.advance(hours=1)
    journal.recover_interrupted()
    offer = journal.resumable_run(ben.id)
    assert offer.id == run_f and offer.last_shown_step == 3
    run_g = journal.resume_run(run_f)
    player.play_steps(run_g, [3, 4], help_on={4})
    journal.finish_run(run_g)
    clock.set(at(WEEK_1, 11))
    run_h = player.run(ben.id, "tea", steps=4, stop_after=1, outcome=None)
    clock.set(at(WEEK_1, 12))
    journal.recover_interrupted()
    run_i = player.run(ben.id, "tea", steps=4)
    return ben, (run_e, run_f, run_g, run_h, run_i)


def test_resumed_runs_count_as_one_attempt(journal, tea_history):
    ben, (run_e, run_f, run_g, run_h, run_i) = tea_history
    [progress] = person_progress(journal, ben.id)
    assert [(s.run_id, s.outcome, s.steps_independent, s.independence) for s in progress.runs_detail] == [
        (run_e, "abandoned", 2, 0.5),
        (run_f, "finished", 2, 0.5),
        (run_h, "interrupted", 1, 0.25),
        (run_i, "finished", 4, 1.0),
    ]
    resumed = progress.runs_detail[1]
    assert resumed.duration_s == 50.0  # the hour the kiosk was off is not the worker's time
    assert resumed.started_at == at(WEEK_1, 10) and resumed.ended_at > at(WEEK_1, 11)
    assert progress.runs == 4 and progress.finished == 2 and progress.completion_rate == 0.5
    assert progress.median_duration_s == 45.0  # 50 and 40
    assert progress.weekly == (WeekFigure(week_start=WEEK_1, runs=4, finished=2, independence=0.5625),)
    assert progress.steps_needing_help == (
        StepNeed(step_number=1, help_count=1, runs_with_help=1, share=0.25),
        StepNeed(step_number=4, help_count=1, runs_with_help=1, share=0.25),
    )
    # E (abandoned) breaks a row, H (interrupted) neither counts nor breaks: F+G and I make two
    [progress] = person_progress(journal, ben.id, rule=MasteryRule(runs_in_a_row=2, independence=0.5))
    assert progress.mastered and progress.mastered_at == at(WEEK_1, 12) + timedelta(seconds=40)


def test_open_runs_are_not_counted_until_they_end(journal, player):
    anna = journal.add_person("Anna")
    player.run(anna.id)
    open_run = player.run(anna.id, stop_after=2, outcome=None)
    [progress] = person_progress(journal, anna.id)
    assert progress.runs == 1
    journal.finish_run(open_run, "abandoned")
    [progress] = person_progress(journal, anna.id)
    assert progress.runs == 2 and progress.runs_detail[1].independence == 0.4


def test_versions_are_kept_apart_and_unknown_step_counts_use_the_furthest_step(journal, clock, player):
    anna = journal.add_person("Anna")
    player.run(anna.id, "sandwich", version=1, help_on={1})
    player.run(anna.id, "sandwich", version=2, steps=6, help_on={1}, step_count_known=False)
    player.run(anna.id, "sandwich", version=2, steps=6, stop_after=3, outcome="abandoned", step_count_known=False)
    progress = person_progress(journal, anna.id)
    assert [(p.pack_version, p.runs) for p in progress] == [(1, 1), (2, 2)]
    assert progress[0].runs_detail[0].independence == 0.8
    finished, abandoned = progress[1].runs_detail
    assert (finished.steps_total, finished.steps_independent) == (6, 5)
    # without a step count the pack size is what that run saw: 3 steps, all without help
    assert (abandoned.steps_total, abandoned.steps_independent) == (3, 3)


def test_weekly_trend_shows_empty_weeks(journal, clock, player):
    anna = journal.add_person("Anna")
    clock.set(at(WEEK_1))
    player.run(anna.id, help_on={1})
    clock.set(at(WEEK_3 + timedelta(days=4)))
    player.run(anna.id)
    [progress] = person_progress(journal, anna.id)
    assert progress.weekly == (
        WeekFigure(week_start=WEEK_1, runs=1, finished=1, independence=0.8),
        WeekFigure(week_start=WEEK_2, runs=0, finished=0, independence=None),
        WeekFigure(week_start=WEEK_3, runs=1, finished=1, independence=1.0),
    )


def test_workshop_week_has_one_row_per_person_and_pack(journal, sandwich_history, tea_history, player, clock):
    anna, _ = sandwich_history
    ben, _ = tea_history
    clock.set(at(WEEK_1 + timedelta(days=6), 20))  # Sunday evening still belongs to week 1
    player.run(ben.id, "sandwich", help_on={3, 5})
    rows = workshop_weekly_summary(journal, WEEK_1 + timedelta(days=3))  # any day means its week
    assert rows == [
        WorkshopRow(
            person_id=anna.id,
            person_name="Anna",
            pack_id="sandwich",
            pack_version=1,
            runs=2,
            finished=2,
            completion_rate=1.0,
            independence=pytest.approx(0.7),
            median_duration_s=50.0,
            help_count=4,
        ),
        WorkshopRow(
            person_id=ben.id,
            person_name="Ben",
            pack_id="sandwich",
            pack_version=1,
            runs=1,
            finished=1,
            completion_rate=1.0,
            independence=0.6,
            median_duration_s=50.0,
            help_count=2,
        ),
        WorkshopRow(
            person_id=ben.id,
            person_name="Ben",
            pack_id="tea",
            pack_version=1,
            runs=4,
            finished=2,
            completion_rate=0.5,
            independence=0.5625,
            median_duration_s=45.0,
            help_count=2,
        ),
    ]
    week_2 = workshop_weekly_summary(journal, WEEK_2)
    assert [(row.person_name, row.runs, row.independence) for row in week_2] == [("Anna", 2, 1.0)]
    assert workshop_weekly_summary(journal, WEEK_3) == []


def test_an_attempt_resumed_next_week_belongs_to_the_week_it_started(journal, clock, player):
    anna = journal.add_person("Anna")
    clock.set(at(WEEK_1 + timedelta(days=6), 23))
    first = player.run(anna.id, stop_after=2, outcome=None)
    clock.set(at(WEEK_2, 8))
    journal.recover_interrupted()
    second = journal.resume_run(first)
    player.play_steps(second, [2, 3, 4, 5])
    journal.finish_run(second)
    [row] = workshop_weekly_summary(journal, WEEK_1)
    assert (row.runs, row.finished, row.independence, row.median_duration_s) == (1, 1, 1.0, 60.0)
    assert workshop_weekly_summary(journal, WEEK_2) == []
    assert person_progress(journal, anna.id, since=WEEK_2) == []  # its start is before WEEK_2


def test_monday_of():
    assert monday_of(date(2026, 3, 8)) == WEEK_1  # a Sunday
    assert monday_of(WEEK_2) == WEEK_2


run_plans = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=6),  # steps in the pack
        st.sets(st.integers(min_value=1, max_value=6)),  # steps with help
        st.sampled_from(["finished", "abandoned", "crash", "crash-resume"]),
        st.integers(min_value=0, max_value=20),  # days until the next run
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans=run_plans)
def test_figures_stay_consistent_on_any_history(plans):
    with tempfile.TemporaryDirectory() as folder:
        clock = FakeClock()
        with Journal.open(Path(folder) / "journal.sqlite3", clock=clock) as journal:
            player = Player(journal, clock)
            anna = journal.add_person("Anna")
            for steps, help_on, ending, gap_days in plans:
                help_on = {step for step in help_on if step <= steps}
                if ending in ("finished", "abandoned"):
                    player.run(
                        anna.id,
                        steps=steps,
                        help_on=help_on,
                        outcome=ending,
                        stop_after=max(1, steps - 1) if ending == "abandoned" else None,
                    )
                else:
                    run_id = player.run(anna.id, steps=steps, help_on=help_on, stop_after=1, outcome=None)
                    journal.recover_interrupted()
                    if ending == "crash-resume":
                        following = journal.resume_run(run_id)
                        player.play_steps(following, range(1, steps + 1))
                        journal.finish_run(following)
                clock.advance(days=gap_days)
            [progress] = person_progress(journal, anna.id)
            help_events = journal.db.read("SELECT COUNT(*) FROM step_events WHERE event = 'help'")[0][0]
            assert progress.runs == len(plans) == len(progress.runs_detail)
            assert progress.finished == sum(1 for plan in plans if plan[2] in ("finished", "crash-resume"))
            assert sum(week.runs for week in progress.weekly) == progress.runs
            assert sum(need.help_count for need in progress.steps_needing_help) == help_events
            for summary in progress.runs_detail:
                assert 0.0 <= summary.independence <= 1.0
                assert 0 <= summary.steps_independent <= summary.steps_total
            for week in progress.weekly:
                assert week.week_start.weekday() == 0
                assert (week.independence is None) == (week.runs == 0)
            for need in progress.steps_needing_help:
                assert 0 < need.share <= 1.0
            rows = workshop_weekly_summary(journal, progress.weekly[0].week_start)
            assert sum(row.runs for row in rows) == progress.weekly[0].runs
            # the summaries written on ended runs say exactly what their events say
            journal.db.write("UPDATE runs SET furthest_step = NULL, help_by_step = NULL")
            assert person_progress(journal, anna.id) == [progress]
            assert workshop_weekly_summary(journal, progress.weekly[0].week_start) == rows


def _run_at_level(journal, clock, person_id, level, steps=3):
    run_id = journal.start_run(person_id, "fold", 1, "h", step_count=steps)
    for number in range(1, steps + 1):
        journal.record_step(run_id, number, "shown", level=level)
        clock.advance(seconds=5)
        journal.record_step(run_id, number, "done", 5000, level=level)
    journal.finish_run(run_id, "finished")
    clock.advance(hours=1)


def test_learned_only_when_done_alone_at_reduced_support_or_less(journal, clock):
    """docs/support.md: three runs alone with every step at full support are not "learned" yet;
    three more alone at reduced support are."""
    anna = journal.add_person("Anna")
    for _ in range(3):
        _run_at_level(journal, clock, anna.id, level=2)
    [fold] = person_progress(journal, anna.id)
    assert fold.mastered_at is None and fold.runs == 3
    assert [run.support_level for run in fold.runs_detail] == [2, 2, 2]
    for _ in range(3):
        _run_at_level(journal, clock, anna.id, level=1)
    [fold] = person_progress(journal, anna.id)
    assert fold.mastered_at is not None


def test_runs_recorded_before_support_levels_count_as_before(journal, clock):
    anna = journal.add_person("Anna")
    for _ in range(3):
        run_id = journal.start_run(anna.id, "fold", 1, "h", step_count=1)
        journal.record_step(run_id, 1, "done", 5000)
        journal.finish_run(run_id, "finished")
        clock.advance(hours=1)
    [fold] = person_progress(journal, anna.id)
    assert fold.mastered_at is not None and fold.runs_detail[-1].support_level is None
