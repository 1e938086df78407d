"""The report and the progress view say how the help shown on screen changed: support fades as a
worker learns, and a family reads that as progress."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from kiosk.journal import Journal
from kiosk.report import build_person_report, render_html
from kiosk.report.builder import support_trend

NOW = datetime(2026, 11, 30, 12, tzinfo=timezone.utc)


class Clock:
    def __init__(self) -> None:
        self.now = NOW - timedelta(days=10)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def journal(tmp_path):
    clock = Clock()
    with Journal.open(tmp_path / "journal.sqlite3", clock=clock) as journal:
        journal.clock_for_test = clock
        yield journal


def _run(journal, person_id: int, level: int) -> None:
    run_id = journal.start_run(person_id, "fold", 1, "h", step_count=2)
    for number in (1, 2):
        journal.record_step(run_id, number, "shown", level=level)
        journal.clock_for_test.now += timedelta(seconds=5)
        journal.record_step(run_id, number, "done", 5000, level=level)
    journal.finish_run(run_id, "finished")
    journal.clock_for_test.now += timedelta(days=1)


def test_the_report_says_the_help_on_screen_went_down(journal):
    anna = journal.add_person("Anna")
    for level in (2, 2, 2, 1, 1):
        _run(journal, anna.id, level)
    report = build_person_report(journal, [], anna.id, 4, NOW)
    [task] = report.tasks
    assert [point.support_level for point in task.points] == [2, 2, 2, 1, 1]
    assert task.support_text == (
        "Help on the screen: full help (picture, words and voice) at first, less help (picture and words) now."
    )
    assert task.support_text in render_html(report)


def test_no_levels_recorded_says_nothing(journal):
    anna = journal.add_person("Anna")
    run_id = journal.start_run(anna.id, "fold", 1, "h", step_count=1)
    journal.record_step(run_id, 1, "done", 5000)
    journal.finish_run(run_id, "finished")
    [task] = build_person_report(journal, [], anna.id, 4, NOW).tasks
    assert task.support_text == ""


@pytest.mark.parametrize(
    ("levels", "words"),
    [
        ([2, 2], "Hilfe auf dem Bildschirm: volle Hilfe"),
        ([2, None, 0], "zuerst volle Hilfe (Bild, Text und Stimme), jetzt wenig"),
    ],
)
def test_support_trend_in_german(levels, words):
    assert words in support_trend("de", levels)
