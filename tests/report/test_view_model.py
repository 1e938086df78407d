"""The figures the report shows, against the hand-worked history in history.py (real journal,
real pack library)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from kiosk.report import UnknownPerson, build_person_report

from . import history as h


def _task(report, pack_id):
    return next(task for task in report.tasks if task.pack_id == pack_id)


def test_summary_matches_the_hand_count(anna_report):
    summary = anna_report.summary
    assert summary.tasks_done == h.ANNA_TASKS_DONE
    assert summary.independence == pytest.approx(27 / 33)
    assert summary.learned == h.ANNA_LEARNED
    assert summary.sentences == (
        "In the last 8 weeks Anna did 8 tasks.",
        "Anna did 82% of the steps alone.",
        "Anna has learned 1 task.",
    )


def test_period_and_person(anna_report, kiosk):
    assert anna_report.name == "Anna"
    assert anna_report.period_start == date(2026, 1, 12)
    assert anna_report.period_end == date(2026, 3, 4)
    assert anna_report.photo == kiosk.data.root / "people" / "anna.jpg"
    assert anna_report.language == "en"


def test_tasks_in_order_of_practice_with_their_figures(anna_report):
    assert [task.pack_id for task in anna_report.tasks] == ["make-coffee", "fold-towels", "sort-screws"]
    coffee = _task(anna_report, "make-coffee")
    assert coffee.title == "Make coffee"
    assert (coffee.runs_finished, coffee.runs_stopped) == (h.COFFEE_FINISHED, h.COFFEE_STOPPED)
    assert (coffee.steps_alone, coffee.steps_total) == (17, 20)
    assert coffee.independence_label == "85%"
    assert coffee.mastered and coffee.mastered_on == date(2026, 2, 5)
    assert [week.runs for week in coffee.weeks] == [1, 1, 1, 2, 0, 0, 0, 0]
    assert [point.independence for point in coffee.points] == [0.5, 0.75, 1.0, 1.0, 1.0]
    assert [point.week_index for point in coffee.points] == [0, 1, 2, 3, 3]
    assert [(s.number, s.help_runs, s.runs, s.text) for s in coffee.help_steps] == [
        (3, 2, 6, "Press the start button"),
        (2, 1, 6, "Put coffee in the filter"),
    ]
    assert all(step.picture is not None and step.picture.is_file() for step in coffee.help_steps)
    assert coffee.picture is not None and coffee.picture.is_file()

    towels = _task(anna_report, "fold-towels")
    assert (towels.runs_finished, towels.runs_stopped, towels.independence_label) == (2, 0, "70%")
    assert not towels.mastered and towels.mastered_on is None
    assert [week.runs for week in towels.weeks] == [0, 0, 0, 0, 0, 0, 1, 1]
    assert [(s.number, s.help_runs, s.runs) for s in towels.help_steps] == [(4, 2, 2), (1, 1, 2)]


def test_a_pack_no_longer_on_the_kiosk_keeps_its_id_and_gets_no_picture(anna_report):
    screws = _task(anna_report, "sort-screws")
    assert not screws.on_kiosk
    assert screws.title == "sort-screws"
    assert screws.picture is None
    assert (screws.runs_finished, screws.independence_label, screws.help_steps) == (1, "100%", ())


def test_weeks_are_labelled_with_this_week_last(anna_report):
    labels = [week.label for week in anna_report.tasks[0].weeks]
    assert labels == ["12 Jan", "19 Jan", "26 Jan", "2 Feb", "9 Feb", "16 Feb", "23 Feb", "This week"]
    assert [week.current for week in anna_report.tasks[0].weeks] == [False] * 7 + [True]


def test_nothing_from_before_the_window_counts(anna_report):
    assert "wash-hands" not in {task.pack_id for task in anna_report.tasks}
    assert _task(anna_report, "fold-towels").runs_finished == 2  # not the December run


def test_the_other_person_has_his_own_figures(kiosk):
    zeb = build_person_report(kiosk.journal, kiosk.library, kiosk.zeb.id, 8, h.NOW)
    assert zeb.summary.tasks_done == h.ZEB_COFFEE_RUNS + 4
    assert {task.pack_id for task in zeb.tasks} == {"make-coffee", "polish-trumpets"}
    assert _task(zeb, "make-coffee").runs_finished == h.ZEB_COFFEE_RUNS


def test_one_week(kiosk):
    report = build_person_report(kiosk.journal, kiosk.library, kiosk.anna.id, 1, h.NOW)
    assert report.summary.sentences == (
        "This week Anna did 1 task.",
        "Anna did 80% of the steps alone.",
        "Anna is still learning the tasks.",
    )
    assert [week.label for week in report.tasks[0].weeks] == ["This week"]


def test_a_report_as_of_an_earlier_day_does_not_know_the_future(kiosk):
    before = datetime(2026, 2, 4, 23, 0, tzinfo=timezone.utc)  # the day before coffee was learned
    report = build_person_report(kiosk.journal, kiosk.library, kiosk.anna.id, 4, before)
    coffee = _task(report, "make-coffee")
    assert coffee.runs_finished == 4 and not coffee.mastered
    assert report.summary.learned == 0
    assert {task.pack_id for task in report.tasks} == {"make-coffee"}


def test_language_of_the_person_or_as_asked(kiosk):
    german = build_person_report(kiosk.journal, kiosk.library, kiosk.anna.id, 8, h.NOW, language="de")
    assert german.summary.sentences[0] == "In den letzten 8 Wochen hat Anna 8 Aufgaben gemacht."
    assert german.summary.sentences[1] == "Anna hat 82\u00a0% der Schritte allein geschafft."
    assert _task(german, "make-coffee").title == "Kaffee kochen"
    assert _task(german, "make-coffee").help_steps[0].text == "Den Startknopf drücken"


def test_packs_can_be_given_as_a_list_or_not_at_all(kiosk):
    packs = list(kiosk.library.scan().packs)
    listed = build_person_report(kiosk.journal, packs, kiosk.anna.id, 8, h.NOW)
    assert _task(listed, "make-coffee").title == "Make coffee"
    bare = build_person_report(kiosk.journal, None, kiosk.anna.id, 8, h.NOW)
    assert [task.title for task in bare.tasks] == ["make-coffee", "fold-towels", "sort-screws"]
    assert bare.summary == listed.summary


def test_unknown_person(kiosk):
    with pytest.raises(UnknownPerson, match="no person with number 999"):
        build_person_report(kiosk.journal, kiosk.library, 999, 8, h.NOW)


def test_no_history_at_all(fresh):
    kiosk = fresh(with_history=False)
    report = build_person_report(kiosk.journal, kiosk.library, kiosk.anna.id, 8, h.NOW)
    assert report.tasks == () and not report.has_history
    assert report.summary.tasks_done == 0 and report.summary.independence is None
    assert report.summary.sentences == ("In the last 8 weeks Anna did no tasks.",)


def test_history_only_before_the_window(kiosk):
    later = datetime(2026, 9, 1, tzinfo=timezone.utc)
    report = build_person_report(kiosk.journal, kiosk.library, kiosk.anna.id, 8, later)
    assert report.tasks == () and report.has_history


def test_help_steps_use_only_the_matching_pack_version(fresh):
    """Step 3 of version 1 may be a different step in version 2: no borrowed picture or text."""
    kiosk = fresh()
    h.write_pack(kiosk.data.packs, "make-coffee", h.COFFEE, version=2)
    report = build_person_report(kiosk.journal, kiosk.library, kiosk.anna.id, 8, h.NOW)
    coffee = _task(report, "make-coffee")
    assert coffee.title == "Make coffee" and coffee.on_kiosk
    assert [(s.number, s.text, s.picture) for s in coffee.help_steps] == [(3, "", None), (2, "", None)]

    h.do_run(kiosk, kiosk.anna, "make-coffee", 4, h.at("2026-03-04", 9), help_on=(1,), version=2)
    coffee = _task(build_person_report(kiosk.journal, kiosk.library, kiosk.anna.id, 8, h.NOW), "make-coffee")
    assert coffee.runs_finished == 6 and coffee.mastered  # learned on version 1 stays learned
    assert [(s.number, s.text, s.runs) for s in coffee.help_steps] == [(1, "Fill the kettle with water", 1)]
    assert coffee.help_steps[0].picture is not None
