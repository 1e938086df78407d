"""The shortcuts progress takes for speed, each against the slow way it replaces.

``_tally`` counts a run's steps with help from its JSON text without parsing it when the run's
furthest step is within the pack, and ``help_counted`` counts the pairs of thousands of help texts by
splitting them as text. The reference test (test_progress_reference.py) holds them to events the
kiosk writes; here they meet the shapes it never writes: the hub's spaced jsonb text, JSON with
line breaks, a furthest step beyond the pack's step count.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
from datetime import datetime, timezone

import pytest

from kiosk.journal.progress import MasteryRule, RunSummary, StepNeed, progress_from_runs

DAY_MS = 86_400_000
START_MS = 1_767_225_600_000  # 2026-01-01 00:00 UTC


def _run(number: int, help_json: str | None, *, outcome: str = "finished", steps: int = 6, furthest: int = 6) -> tuple:
    """A run row with the columns of PERSON_RUNS_SQL."""
    started = START_MS + number * DAY_MS
    return (number, "tea", 1, started, started + 60_000, outcome, None, steps, furthest, help_json, None)


def _figures(help_texts: list[str | None]) -> tuple:
    [progress] = progress_from_runs([_run(n, text) for n, text in enumerate(help_texts, 1)], 7, MasteryRule())
    return (
        [attempt.steps_independent for attempt in progress.runs_detail],
        progress.steps_needing_help,
        [week.independence for week in progress.weekly],
    )


COMPACT = ["[[2,1],[5,3]]", None, "[[5,1]]", "[[1,2],[2,1],[6,1]]"]


def test_help_counted_as_text_equals_help_counted_as_json():
    figures = _figures(COMPACT)
    assert figures[0] == [4, 6, 5, 3]
    assert figures[1] == (
        StepNeed(step_number=5, help_count=4, runs_with_help=2, share=0.5),
        StepNeed(step_number=2, help_count=2, runs_with_help=2, share=0.5),
        StepNeed(step_number=1, help_count=2, runs_with_help=1, share=0.25),
        StepNeed(step_number=6, help_count=1, runs_with_help=1, share=0.25),
    )


def test_the_hubs_spaced_json_gives_the_same_figures():
    assert _figures([None if text is None else text.replace(",", ", ") for text in COMPACT]) == _figures(COMPACT)


def test_json_in_another_shape_is_parsed_as_json():
    shaped = ["[[2,1],\n [5,3]]", None, "[ [5,1] ]", "[[1,2],[2,1],[6,1]]"]
    assert _figures(shaped) == _figures(COMPACT)


def test_help_beyond_the_steps_reached_is_not_counted_against_independence():
    """A furthest step beyond the pack's step count (an imported run, or a pack that shrank): only
    the help on steps within the pack counts, which needs the JSON parsed."""
    rows = [
        _run(1, "[[2,1],[7,1]]", steps=5, furthest=7),
        _run(2, "[[3,1],[4,1]]", outcome="abandoned", steps=5, furthest=4),
    ]
    [progress] = progress_from_runs(rows, 7, MasteryRule())
    assert [attempt.steps_independent for attempt in progress.runs_detail] == [4, 2]
    assert [attempt.independence for attempt in progress.runs_detail] == [0.8, 0.4]


def test_a_run_summary_made_by_progress_equals_one_made_by_hand():
    [progress] = progress_from_runs([_run(1, "[[2,1]]")], 7, MasteryRule())
    [made] = progress.runs_detail
    started = datetime.fromtimestamp((START_MS + DAY_MS) / 1000, timezone.utc)
    by_hand = RunSummary(
        run_id=1,
        started_at=started,
        ended_at=datetime.fromtimestamp((START_MS + DAY_MS + 60_000) / 1000, timezone.utc),
        outcome="finished",
        duration_s=60.0,
        steps_total=6,
        steps_independent=5,
        independence=5 / 6,
    )
    assert made == by_hand and hash(made) == hash(by_hand) and repr(made) == repr(by_hand)
    assert made.started_at == started and made.started_at is made.started_at  # made once, then kept
    assert pickle.loads(pickle.dumps(made)) == made == copy.deepcopy(made)
    assert made._replace(outcome="abandoned").outcome == "abandoned" and made.outcome == "finished"
    assert made._asdict()["support_level"] is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.outcome = "abandoned"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del made.run_id
    assert made != (1, started) and made != by_hand._replace(steps_independent=4)
