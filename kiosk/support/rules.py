"""How much help a step shows, decided from the worker's own record: one small pure function.

Job coaches fade prompts until a worker does a task alone; a skill counts as learned at 90-100 %
independent over 3 consecutive sessions, and support must come back at once when it is needed
(system of least prompts, most-to-least). The rules, per worker and step (docs/support.md has
the same table):

| what happened at this step | what the kiosk does |
| --- | --- |
| never done (or the pack's content changed) | full support |
| ``fade_after`` (3) runs in a row done alone (no help, no back to it, no hear-again) and not slower than ``slow_factor`` (1.5) x the worker's own median time for it | one level less (full -> reduced -> grouped) |
| help at it, back to it, or much slower than usual | full support at once; no fading for the next ``hold_runs`` (2) runs |
| hear-again (without help) | no fading this run (the streak starts again), nothing taken back |
| the pack not run for ``stale_days`` (14) days | one level more than the record says |
| a grouped step: the group may grow | 2 -> 3 -> 4 steps, one size more per ``fade_after`` runs alone at grouped |
| the coach locked the worker, or fading is off | full support |

Everything here is Kivy-free and pure: the same history always gives the same decision, so the
rules are tested on hand-written histories.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from enum import IntEnum
from typing import Sequence


class Level(IntEnum):
    """How much a step shows; a higher number is more support."""

    GROUPED = 0  # merged with neighbouring learned steps: one picture, their sentences, one Next
    REDUCED = 1  # picture + sentence; the voice plays on "Hear again" only
    FULL = 2  # picture + sentence + voice on arrival (and video when the step has one)

    @property
    def word(self) -> str:
        return {Level.GROUPED: "grouped", Level.REDUCED: "reduced", Level.FULL: "full"}[self]


@dataclass(frozen=True)
class Rules:
    fade_after: int = 3
    slow_factor: float = 1.5
    hold_runs: int = 2
    stale_days: int = 14
    group_sizes: tuple[int, ...] = (2, 3, 4)
    min_samples_for_speed: int = 3  # a median needs a few runs before "slow" means anything


DEFAULT_RULES = Rules()
DAY_MS = 86_400_000


@dataclass(frozen=True)
class StepOutcome:
    """One step in one past run of the pack (oldest first in a history)."""

    at_ms: int  # when the run started
    done: bool  # the worker pressed Next on it (reached and finished it)
    help: bool = False  # Help at this step
    back_to: bool = False  # Back pressed on the following step, returning to this one
    hear_again: bool = False
    duration_ms: int | None = None


@dataclass(frozen=True)
class StepDecision:
    level: Level
    reason: str  # plain words for the coach ("3 runs alone in a row")
    group_limit: int = 2  # how many steps a group with this step may hold


def decide_step(
    history: Sequence[StepOutcome],
    *,
    now_ms: int,
    rules: Rules = DEFAULT_RULES,
    locked: bool = False,
    fading: bool = True,
) -> StepDecision:
    """The support level for one step from its outcomes in earlier runs (oldest first)."""
    if locked:
        return StepDecision(Level.FULL, "locked by the coach: always full support")
    if not fading:
        return StepDecision(Level.FULL, "fading is switched off on this kiosk")
    level, streak, hold, grouped_runs = Level.FULL, 0, 0, 0
    reason = "new step: full support"
    durations: list[int] = []  # kept sorted, for the median
    for outcome in history:
        if not (outcome.done or outcome.help):
            continue  # not reached in that run: tells nothing
        slow = _is_slow(outcome, durations, rules)
        if outcome.done and outcome.duration_ms is not None:
            bisect.insort(durations, outcome.duration_ms)
        if outcome.help or outcome.back_to or slow:
            level, streak, hold, grouped_runs = Level.FULL, 0, rules.hold_runs, 0
            reason = (
                "help was needed here"
                if outcome.help
                else "the worker went back to this step"
                if outcome.back_to
                else "this step took much longer than usual"
            )
            continue
        if hold > 0:
            hold -= 1
            streak = 0 if outcome.hear_again else streak + 1
            reason = "full support for a while after help was needed"
            continue
        if outcome.hear_again:
            streak = 0
            continue
        streak += 1
        if level is Level.GROUPED:
            grouped_runs += 1
        if streak >= rules.fade_after and level > Level.GROUPED:
            level = Level(level - 1)
            streak = 0
            reason = f"{rules.fade_after} runs alone in a row"
    group_limit = rules.group_sizes[min(len(rules.group_sizes) - 1, grouped_runs // rules.fade_after)]
    last = max((o.at_ms for o in history if o.done or o.help), default=None)
    if last is not None and now_ms - last >= rules.stale_days * DAY_MS and level < Level.FULL:
        level = Level(level + 1)
        reason = f"not done for {rules.stale_days} days or more: one level more support"
    return StepDecision(level, reason, group_limit)


def _is_slow(outcome: StepOutcome, earlier_sorted: list[int], rules: Rules) -> bool:
    count = len(earlier_sorted)
    if outcome.duration_ms is None or count < rules.min_samples_for_speed:
        return False
    middle = count // 2
    median = earlier_sorted[middle] if count % 2 else (earlier_sorted[middle - 1] + earlier_sorted[middle]) / 2
    return outcome.duration_ms > rules.slow_factor * median


@dataclass(frozen=True)
class StepScreen:
    """What one screen of a run shows: one step, or a group of learned steps (indices into the
    pack's steps, in order)."""

    steps: tuple[int, ...]
    level: Level

    @property
    def first(self) -> int:
        return self.steps[0]

    @property
    def last(self) -> int:
        return self.steps[-1]


def plan_screens(levels: Sequence[StepDecision], *, standalone: Sequence[bool] = ()) -> list[StepScreen]:
    """The run's screens: consecutive GROUPED steps merged (at most each one's ``group_limit``);
    a GROUPED step with no grouped neighbour is shown alone at REDUCED. ``standalone[i]`` marks a
    step that always has its own screen (a timer or a count to tap, a video)."""
    screens: list[StepScreen] = []
    index = 0
    while index < len(levels):
        decision = levels[index]
        alone = index < len(standalone) and standalone[index]
        if decision.level is not Level.GROUPED or alone:
            level = Level.REDUCED if decision.level is Level.GROUPED else decision.level
            screens.append(StepScreen((index,), level))
            index += 1
            continue
        group = [index]
        limit = decision.group_limit
        while index + len(group) < len(levels):
            following = index + len(group)
            if levels[following].level is not Level.GROUPED or (following < len(standalone) and standalone[following]):
                break
            limit = min(limit, levels[following].group_limit)
            if len(group) >= limit:
                break
            group.append(following)
        screens.append(StepScreen(tuple(group), Level.GROUPED if len(group) > 1 else Level.REDUCED))
        index += len(group)
    return screens
