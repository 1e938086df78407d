"""The fading rules on hand-written histories (docs/support.md's table), and a synthetic learner."""

from __future__ import annotations

import random

import pytest

from kiosk.support.rules import DAY_MS, Level, StepDecision, StepOutcome, decide_step, plan_screens

NOW = 100 * DAY_MS


def alone(day: int, ms: int = 4000) -> StepOutcome:
    return StepOutcome(at_ms=NOW - (30 - day) * 3600_000, done=True, duration_ms=ms)


def helped(day: int) -> StepOutcome:
    return StepOutcome(at_ms=NOW - (30 - day) * 3600_000, done=True, help=True, duration_ms=9000)


def decide(history, **kw) -> StepDecision:
    return decide_step(history, now_ms=NOW, **kw)


def test_a_new_step_gets_full_support():
    assert decide([]).level is Level.FULL


@pytest.mark.parametrize(
    ("runs", "level"),
    [(2, Level.FULL), (3, Level.REDUCED), (5, Level.REDUCED), (6, Level.GROUPED), (20, Level.GROUPED)],
)
def test_three_runs_alone_fade_one_level(runs, level):
    decision = decide([alone(i) for i in range(runs)])
    assert decision.level is level
    if runs >= 3:
        assert "3 runs alone" in decision.reason


def test_help_brings_full_support_back_and_holds_it_for_two_runs():
    history = [alone(i) for i in range(6)] + [helped(6)]
    assert decide(history).level is Level.FULL and "help" in decide(history).reason
    history += [alone(7), alone(8)]  # the two held runs: no fading yet
    assert decide(history).level is Level.FULL
    history += [alone(9)]  # streak counted through the hold: 3 alone
    assert decide(history).level is Level.REDUCED


def test_back_to_the_step_counts_like_help():
    history = [alone(i) for i in range(3)] + [StepOutcome(at_ms=NOW - DAY_MS, done=True, back_to=True)]
    assert decide(history).level is Level.FULL


def test_much_slower_than_usual_counts_like_help_but_not_before_a_median_exists():
    history = [alone(i, ms=4000) for i in range(4)] + [alone(5, ms=6100)]  # > 1.5 x 4000
    assert decide(history).level is Level.FULL and "longer" in decide(history).reason
    assert decide([alone(0, 4000), alone(1, 9000), alone(2, 4000)]).level is Level.REDUCED  # 2 samples: no median


def test_hear_again_stops_the_streak_but_takes_nothing_back():
    hear = StepOutcome(at_ms=NOW - DAY_MS, done=True, hear_again=True, duration_ms=4000)
    assert decide([alone(i) for i in range(2)] + [hear, alone(4)]).level is Level.FULL
    assert decide([alone(i) for i in range(3)] + [hear]).level is Level.REDUCED


def test_a_pack_not_run_for_two_weeks_starts_one_level_higher():
    old = [StepOutcome(at_ms=NOW - 15 * DAY_MS, done=True, duration_ms=4000) for _ in range(6)]
    decision = decide(old)
    assert decision.level is Level.REDUCED and "14 days" in decision.reason
    assert (
        decide([StepOutcome(at_ms=NOW - 13 * DAY_MS, done=True, duration_ms=4000) for _ in range(6)]).level
        is Level.GROUPED
    )


def test_steps_not_reached_tell_nothing():
    unreached = StepOutcome(at_ms=NOW - DAY_MS, done=False)
    assert decide([alone(0), unreached, alone(1), unreached, alone(2)]).level is Level.REDUCED


def test_lock_and_fading_off_mean_full_support():
    history = [alone(i) for i in range(10)]
    assert decide(history, locked=True).level is Level.FULL
    assert decide(history, fading=False).level is Level.FULL


def test_groups_grow_two_three_four():
    assert decide([alone(i) for i in range(6)]).group_limit == 2
    assert decide([alone(i) for i in range(9)]).group_limit == 3
    assert decide([alone(i) for i in range(12)]).group_limit == 4
    assert decide([alone(i) for i in range(30)]).group_limit == 4


def _levels(*levels, limit=4):
    return [StepDecision(level, "", limit) for level in levels]


def test_plan_merges_consecutive_grouped_steps_within_their_limit():
    G, R, F = Level.GROUPED, Level.REDUCED, Level.FULL
    screens = plan_screens(_levels(G, G, G, G, G, F, G, R, G, G, limit=3))
    assert [(s.steps, s.level) for s in screens] == [
        ((0, 1, 2), G),
        ((3, 4), G),
        ((5,), F),
        ((6,), R),
        ((7,), R),
        ((8, 9), G),
    ]


def test_standalone_steps_keep_their_own_screen():
    G = Level.GROUPED
    screens = plan_screens(_levels(G, G, G), standalone=[False, True, False])
    assert [s.steps for s in screens] == [(0,), (1,), (2,)]
    assert all(s.level is Level.REDUCED for s in screens)


def test_a_synthetic_learner_sees_less_and_never_loses_a_step_it_still_fails():
    """Each step has a hidden chance of needing help that falls with practice. Over 30 runs the
    fading kiosk shows fewer screens than fixed full support, and a step the learner needed help
    with in a run is never grouped or reduced in the next run."""
    rng = random.Random(7)
    steps = 10
    difficulty = [rng.uniform(0.1, 0.6) for _ in range(steps)]
    histories: list[list[StepOutcome]] = [[] for _ in range(steps)]
    screens_fading = taps_fading = 0
    screens_full = taps_full = 0
    last_help: set[int] = set()
    for run in range(30):
        decisions = [decide_step(h, now_ms=NOW + run * DAY_MS) for h in histories]
        for index in last_help:
            assert decisions[index].level is Level.FULL
        plan = plan_screens(decisions)
        screens_fading += len(plan)
        taps_fading += len(plan)  # one Next per screen
        screens_full += steps
        taps_full += steps
        last_help = set()
        for index in range(steps):
            practice = len(histories[index])
            needs_help = rng.random() < difficulty[index] * (0.8**practice)
            if needs_help:
                last_help.add(index)
                taps_fading += 1
                taps_full += 1
            histories[index].append(StepOutcome(at_ms=NOW + run * DAY_MS, done=True, help=needs_help, duration_ms=4000))
    assert screens_fading < 0.8 * screens_full and taps_fading < taps_full
