"""The family's progress screen says what happened in plain, honest words: a task only started and
stopped is not praised, says it was stopped, and "alone" is defined as in the printed report."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from kiosk.journal import Journal
from kiosk.packs import Library
from kiosk.report import strings
from kiosk.report.builder import build_person_report
from kiosk.report.render import render_html
from kiosk.ui.models.progress import progress_view

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ui"))
from ui_helpers import standard_library  # noqa: E402


@pytest.mark.parametrize("language", ["en", "de", "zh"])
def test_a_task_only_started_and_stopped_gets_no_praise(tmp_path, language):
    library = Library([standard_library(tmp_path / "packs")], tmp_path / "cache").scan()
    pack = next(p for p in library.packs if p.id == "wash-hands")
    with Journal.open(tmp_path / "journal.sqlite") as journal:
        anna = journal.add_person("Anna", language=language)
        run_id = journal.start_run(anna.id, pack.id, pack.version, pack.content_hash, step_count=2)
        journal.record_step(run_id, 1, "shown")
        journal.finish_run(run_id, "abandoned")
        report = build_person_report(journal, library.packs, anna.id, 8, now=datetime.now(timezone.utc))
    view = progress_view(report)
    task = view.tasks[0]
    assert task.times_done == "0"
    assert task.help_title == strings.text(language, "not_finished")
    assert task.help_title != strings.text(language, "no_help")
    assert task.stopped_text == strings.counted(language, "stopped_early", 1)
    assert view.alone_means == strings.text(language, "alone_means", name="Anna")
    page = render_html(report)  # the printed report says the same
    assert strings.text(language, "no_help") not in page
    assert strings.text(language, "not_finished") in page


def test_a_finished_task_without_help_is_praised(tmp_path):
    library = Library([standard_library(tmp_path / "packs")], tmp_path / "cache").scan()
    pack = next(p for p in library.packs if p.id == "wash-hands")
    with Journal.open(tmp_path / "journal.sqlite") as journal:
        anna = journal.add_person("Anna", language="en")
        run_id = journal.start_run(anna.id, pack.id, pack.version, pack.content_hash, step_count=2)
        for step in (1, 2):
            journal.record_step(run_id, step, "shown")
            journal.record_step(run_id, step, "done", duration_ms=2000)
        journal.finish_run(run_id, "finished")
        report = build_person_report(journal, library.packs, anna.id, 8, now=datetime.now(timezone.utc))
    task = progress_view(report).tasks[0]
    assert task.help_title == "No help needed. Great!" and task.stopped_text == ""
