"""Which weeks are shown and where runs and bars go: the layout both the report and the kiosk use."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from kiosk.report import scales

UTC = timezone.utc
WEDNESDAY = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def test_window_ends_with_the_current_week_and_starts_on_mondays():
    weeks = scales.window_weeks(WEDNESDAY, 8)
    assert len(weeks) == 8
    assert weeks[-1] == date(2026, 3, 2)
    assert weeks[0] == date(2026, 1, 12)
    assert all(day.weekday() == 0 for day in weeks)
    assert scales.window_start(weeks) == datetime(2026, 1, 12, tzinfo=UTC)
    with pytest.raises(ValueError):
        scales.window_weeks(WEDNESDAY, 0)


def test_week_index_edges():
    weeks = scales.window_weeks(WEDNESDAY, 8)
    assert scales.week_index(datetime(2026, 1, 12, 0, 0, tzinfo=UTC), weeks) == 0
    assert scales.week_index(datetime(2026, 1, 11, 23, 59, tzinfo=UTC), weeks) is None
    assert scales.week_index(datetime(2026, 1, 18, 23, 59, tzinfo=UTC), weeks) == 0
    assert scales.week_index(datetime(2026, 1, 19, 0, 0, tzinfo=UTC), weeks) == 1
    assert scales.week_index(datetime(2026, 3, 8, 23, 0, tzinfo=UTC), weeks) == 7
    assert scales.week_index(datetime(2026, 3, 9, 0, 0, tzinfo=UTC), weeks) is None
    # another time zone is converted, a naive time is taken as UTC
    assert scales.week_index(datetime(2026, 1, 19, 0, 30, tzinfo=timezone(timedelta(hours=2))), weeks) == 0
    assert scales.week_index(datetime(2026, 1, 19, 0, 30), weeks) == 1


def test_runs_spread_inside_their_own_week_band():
    xs = scales.run_x_positions([0, 3, 3, 3, 7], 8)
    assert list(xs) == sorted(xs)
    assert len(set(xs)) == 5
    assert 0 / 8 < xs[0] < 1 / 8
    assert all(3 / 8 < x < 4 / 8 for x in xs[1:4])
    assert 7 / 8 < xs[4] < 1
    assert xs[0] == pytest.approx(scales.band_center(0, 8))  # a lone run sits under its bar


@pytest.mark.parametrize(
    "value, top", [(0, 1), (1, 1), (2, 2), (3, 5), (5, 5), (7, 10), (11, 20), (23, 50), (120, 200)]
)
def test_nice_ceiling(value, top):
    assert scales.nice_ceiling(value) == top


def test_labels_thin_out_but_this_week_is_always_labelled():
    assert scales.labelled_weeks(8) == tuple(range(8))
    many = scales.labelled_weeks(26)
    assert many[-1] == 25
    assert len(many) <= 8
    assert len({b - a for a, b in zip(many, many[1:])}) == 1
