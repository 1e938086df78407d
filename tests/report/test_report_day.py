"""The family report's "the day" page: done, on time and alone per plan item, over the weeks, from
the real journal's plan events; no page without a plan; every text escaped."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from kiosk.plan import Plan, PlanItem, local_moment
from kiosk.plan.store import PlanStore
from kiosk.report import build_person_report, render_html
from kiosk.report.day import build_day_report, render_day_section
from kiosk.report.scales import window_weeks

from .history import NOW, do_run

BERLIN = ZoneInfo("Europe/Berlin")
PLAN = Plan(
    items=(
        PlanItem(id="arrive", text={"en": "Arrive", "de": "Ankommen"}, picture="arrive", at=time(8)),
        PlanItem(id="coffee", text={"en": "Make <coffee>", "de": "Kaffee kochen"}, pack="make-coffee", at=time(9)),
        PlanItem(id="tidy", text={"en": "Tidy up"}, picture="clean-up"),
    ),
    days=frozenset(range(7)),
)


def _day(kiosk, store, day: date, *, late: bool = False, helped: bool = False, skip_tidy: bool = False) -> None:
    anna = kiosk.anna
    arrive = local_moment(day, time(8), BERLIN)
    store.record(anna.id, day, "arrive", "done", due_at=arrive, at=arrive + timedelta(minutes=40 if late else 2))
    coffee = local_moment(day, time(9), BERLIN)
    store.record(anna.id, day, "coffee", "started", due_at=coffee, at=coffee + timedelta(minutes=5))
    run = do_run(kiosk, anna, "make-coffee", 4, coffee + timedelta(minutes=5), help_on=(2,) if helped else ())
    store.record(anna.id, day, "coffee", "done", due_at=coffee, run_id=run, at=coffee + timedelta(minutes=10))
    if not skip_tidy:
        store.record(anna.id, day, "tidy", "done", at=coffee + timedelta(minutes=30))


def test_the_day_counts_done_on_time_and_alone(fresh):
    kiosk = fresh(with_history=False)
    store = PlanStore(kiosk.journal)
    kiosk.clock.now = NOW - timedelta(days=10)
    store.set_plan(kiosk.anna.id, PLAN)
    first = (NOW - timedelta(days=3)).date()
    _day(kiosk, store, first)
    _day(kiosk, store, first + timedelta(days=1), late=True, helped=True, skip_tidy=True)
    weeks = window_weeks(NOW, 2)
    report = build_day_report(kiosk.journal, kiosk.anna, "en", weeks, NOW, zone=BERLIN)
    rows = {row.item_id: row for row in report.rows}
    assert [row.item_id for row in report.rows] == ["arrive", "coffee", "tidy"]  # plan order
    assert rows["arrive"].done == 2 and rows["arrive"].on_time == 1  # 40 minutes late once
    assert rows["coffee"].with_pack == 2 and rows["coffee"].alone == 1  # help once
    assert rows["coffee"].on_time == 2  # started 5 minutes after its time: on time
    assert rows["tidy"].done == 1 and rows["tidy"].on_time == 1  # "after": on time when done
    assert rows["tidy"].planned >= 2  # planned every day, done once: the other day counts as planned
    assert sum(week.runs for week in report.weeks) == report.done == 5
    html = render_day_section(report)
    assert "Make &lt;coffee&gt;" in html and "<coffee>" not in html
    assert "1 of 2" in html


def test_the_full_report_has_the_page_only_with_a_plan(fresh):
    kiosk = fresh(with_history=False)
    assert build_person_report(kiosk.journal, kiosk.library, kiosk.anna.id, 4, NOW).day is None
    store = PlanStore(kiosk.journal)
    store.set_plan(kiosk.anna.id, PLAN)
    _day(kiosk, store, (NOW - timedelta(days=1)).date())
    report = build_person_report(kiosk.journal, kiosk.library, kiosk.anna.id, 4, NOW, language="de")
    assert report.day is not None and report.day.language == "de"
    html = render_html(report)
    assert 'class="page day"' in html and "Der Tag" in html and "Ankommen" in html


def test_the_family_screen_shows_the_day_with_the_reports_words(fresh):
    """The in-app family view maps the same page (kiosk.ui.models.progress, no Kivy)."""
    from kiosk.ui.models.progress import progress_view

    kiosk = fresh(with_history=False)
    store = PlanStore(kiosk.journal)
    assert progress_view(build_person_report(kiosk.journal, kiosk.library, kiosk.anna.id, 4, NOW)).day is None
    store.set_plan(kiosk.anna.id, PLAN)
    _day(kiosk, store, (NOW - timedelta(days=1)).date())
    report = build_person_report(kiosk.journal, kiosk.library, kiosk.anna.id, 4, NOW, language="de")
    day = progress_view(report).day
    assert day is not None and day.title == "Der Tag"
    assert day.summary == render_day_section(report.day).split('class="day-summary">')[1].split("<")[0]
    arrive = next(row for row in day.rows if row.title == "Ankommen")
    assert arrive.sentence.startswith("Erledigt 1 von") and "Pünktlich 1 von 1" in arrive.sentence
    assert sum(day.counts) == report.day.done
