"""The inline SVG charts: valid, scaled 0–100 %, labelled directly, readable without colour."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta, timezone

from kiosk.report import scales
from kiosk.report.charts import independence_chart_svg, runs_per_week_svg
from kiosk.report.view_model import RunPoint, WeekBar

WEEKS = tuple(
    WeekBar(
        week_start=date(2026, 1, 12) + timedelta(weeks=i),
        label=f"W{i}" if i < 3 else "This week",
        runs=runs,
        current=i == 3,
    )
    for i, runs in enumerate([2, 0, 1, 4])
)


def _points(shares: list[tuple[int, float]]) -> tuple[RunPoint, ...]:
    xs = scales.run_x_positions([week for week, _ in shares], len(WEEKS))
    return tuple(
        RunPoint(
            run_id=i,
            started_at=datetime(2026, 1, 12, tzinfo=timezone.utc),
            week_index=week,
            x=x,
            independence=share,
            label=f"{round(share * 100)}%",
        )
        for i, ((week, share), x) in enumerate(zip(shares, xs))
    )


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on anything that is not well-formed


def _texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter("text")]


def test_independence_chart_axis_is_always_0_to_100_percent():
    root = _parse(independence_chart_svg(_points([(0, 0.5), (0, 0.75)]), WEEKS))
    texts = _texts(root)
    for tick in ("0%", "50%", "100%"):
        assert tick in texts
    # the y of a value depends on the value only, never on the data's range
    low = _parse(independence_chart_svg(_points([(0, 0.5)]), WEEKS)).find("circle")
    high = _parse(independence_chart_svg(_points([(0, 0.5), (2, 0.9)]), WEEKS)).find("circle")
    assert low.get("cy") == high.get("cy")


def test_one_marker_per_run_and_stars_for_runs_done_all_alone():
    root = _parse(independence_chart_svg(_points([(0, 0.5), (0, 1.0), (2, 0.75), (3, 1.0)]), WEEKS))
    circles = root.findall("circle")
    stars = [p for p in root.findall("polygon") if p.get("class") == "star"]
    assert len(circles) == 2 and len(stars) == 2
    line = root.find("polyline").get("points").split()
    assert len(line) == 4
    ys = [float(pair.split(",")[1]) for pair in line]
    assert ys[1] == ys[3] < ys[2] < ys[0]  # 100% highest, then 75%, then 50%


def test_first_and_last_values_are_written_on_the_chart():
    root = _parse(independence_chart_svg(_points([(0, 0.25), (1, 0.6), (3, 0.9)]), WEEKS))
    values = [t.text for t in root.iter("text") if t.get("class") == "value"]
    assert values == ["25%", "90%"]


def test_week_labels_under_both_charts_line_up():
    first = _parse(independence_chart_svg(_points([(1, 0.5)]), WEEKS))
    second = _parse(runs_per_week_svg(WEEKS))

    def label_xs(root):
        return {t.text: t.get("x") for t in root.iter("text") if t.text and t.text.startswith(("W", "This"))}

    assert label_xs(first) == label_xs(second)
    assert set(label_xs(first)) == {"W0", "W1", "W2", "This week"}


def test_runs_per_week_bars_carry_their_numbers_and_scale_together():
    root = _parse(runs_per_week_svg(WEEKS))
    bars = [r for r in root.findall("rect") if r.get("class") == "bar"]
    assert len(bars) == 3  # the week with 0 runs has no bar ...
    values = [t.text for t in root.iter("text") if t.get("class") == "value"]
    assert values == ["2", "0", "1", "4"]  # ... but still says 0
    heights = [float(bar.get("height")) for bar in bars]
    assert heights[0] == 2 * heights[1] and heights[2] == 4 * heights[1]


def test_no_runs_says_so_in_words():
    svg = independence_chart_svg((), WEEKS, empty_text="No times in these weeks")
    assert "No times in these weeks" in _texts(_parse(svg))
    assert "<polyline" not in svg and "<circle" not in svg


def test_labels_are_escaped_and_nothing_refers_outside():
    weeks = tuple(WeekBar(w.week_start, "<b>&", w.runs, w.current) for w in WEEKS)
    for svg in (
        independence_chart_svg(_points([(0, 1.0)]), weeks, label='"><script>'),
        runs_per_week_svg(weeks, label="<i>"),
    ):
        root = _parse(svg)
        assert "<b>&" in _texts(root)
        assert "<script" not in svg and "<i>" not in svg
        assert not re.search(r"(?i)(https?|file):|href|url\(", svg)


def test_many_weeks_still_fit():
    many = tuple(WeekBar(date(2025, 1, 6) + timedelta(weeks=i), "", i % 3, i == 51) for i in range(52))
    root = _parse(runs_per_week_svg(many))
    assert len([r for r in root.findall("rect") if r.get("class") == "bar"]) == sum(1 for w in many if w.runs)
    xs = [float(r.get("x")) for r in root.findall("rect") if r.get("class") == "bar"]
    assert all(0 <= x <= 640 for x in xs)
