"""The family report's "the day" page: which day-plan items were done, on time, alone, over the weeks.

Read from the journal's plan events (``kiosk.plan``; migration 7) and the runs they point to, in
the worker's language, for the same weeks as the rest of the report. The words a family reads:

* **Planned**: an item on a day the worker's plan had it (the current plan, from the day it was
  last changed) or any day something was recorded for it (an older plan's item).
* **Done**: the worker ticked it, or finished its pack from the plan.
* **On time**: started (or done) no later than ``ON_TIME_MINUTES`` after its planned time. Items
  "after the previous one" have no clock time; they count as on time when done.
* **Alone**: an item with a pack whose run was finished without asking for help.

Nothing here judges: the page says what went well ("done on time 9 of 10 times"), never what was
late. Kivy-free; ``render_day_section`` makes its HTML for ``kiosk.report.render``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from html import escape
from pathlib import Path
from typing import Any, Mapping, Sequence

from kiosk.plan.day import Slot, local_zone, plan_zone, schedule
from kiosk.plan.pictures import picture_path
from kiosk.plan.store import PlanStore
from kiosk.report import scales
from kiosk.report.charts import runs_per_week_svg
from kiosk.report.images import TASK_PICTURE_PX, picture_uri
from kiosk.report.strings import format_day_short
from kiosk.report.view_model import WeekBar

ON_TIME_MINUTES = 15

DAY_STRINGS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "heading": "The day",
        "intro": "{name}'s day plan: what {name} did, and when.",
        "done": "Done",
        "on_time": "On time",
        "alone": "Alone",
        "of": "{k} of {m}",
        "chart": "Plan items done each week",
        "none": "No day plan items in these weeks.",
        "summary": "{name} did {k} of {m} planned items; {t} of them on time.",
        "this_week": "This week",
        "na": "–",
    },
    "de": {
        "heading": "Der Tag",
        "intro": "Der Tagesplan von {name}: was {name} gemacht hat, und wann.",
        "done": "Erledigt",
        "on_time": "Pünktlich",
        "alone": "Allein",
        "of": "{k} von {m}",
        "chart": "Erledigte Punkte im Tagesplan pro Woche",
        "none": "In diesen Wochen gab es keinen Tagesplan.",
        "summary": "{name} hat {k} von {m} geplanten Punkten erledigt, {t} davon pünktlich.",
        "this_week": "Diese Woche",
        "na": "–",
    },
    "zh": {
        "heading": "一天",
        "intro": "{name}的日程：{name}做了什么，什么时候做的。",
        "done": "完成",
        "on_time": "准时",
        "alone": "独立完成",
        "of": "{m}次中{k}次",
        "chart": "每周完成的日程项目",
        "none": "这几周没有日程。",
        "summary": "{name}完成了{m}个计划项目中的{k}个，其中{t}个准时。",
        "this_week": "本周",
        "na": "–",
    },
}


def day_text(language: str, key: str, **values: object) -> str:
    table = DAY_STRINGS.get(language, DAY_STRINGS["en"])
    return table[key].format(**values)


@dataclass(frozen=True)
class DayItemRow:
    """One plan item over the window."""

    item_id: str
    text: str
    picture: Path | None
    planned: int  # item-days
    done: int
    on_time: int  # of the done ones
    with_pack: int  # done item-days that ran a pack (the alone denominator)
    alone: int


@dataclass(frozen=True)
class DayReport:
    """The "the day" page."""

    name: str
    language: str
    rows: tuple[DayItemRow, ...]
    weeks: tuple[WeekBar, ...]  # items done per week
    planned: int
    done: int
    on_time: int


def build_day_report(
    journal: Any,
    person: Any,
    language: str,
    week_starts: Sequence[date],
    now: datetime,
    *,
    zone: tzinfo | None = None,
) -> DayReport | None:
    """The page, or None when the worker has never had a plan (the report then has no such page)."""
    store = PlanStore(journal)
    plan = store.plan(person.id)
    history = store.history(person.id, since=week_starts[0])
    if plan is None and not history:
        return None
    zone = plan_zone(plan, zone or local_zone()) if plan is not None else (zone or local_zone())
    last_day = now.astimezone(zone).date()
    planned: dict[tuple[date, str], Slot] = {}
    if plan is not None:
        row = journal.db.read_one("SELECT changed_at_ms FROM plans WHERE person_id = ?", (person.id,))
        since = max(week_starts[0], datetime.fromtimestamp(row[0] / 1000, zone).date()) if row else week_starts[0]
        day = since
        while day <= last_day:
            for slot in schedule(plan, day, zone):
                planned[(day, slot.item.id)] = slot
            day += timedelta(days=1)
    events: dict[tuple[date, str], dict[str, Any]] = defaultdict(dict)
    for stored in history:
        if stored.day > last_day:
            continue
        key = (stored.day, stored.event.item_id)
        events[key].setdefault(stored.event.event, stored)
    alone_runs = _runs_without_help(journal, [e["done"].event.run_id for e in events.values() if "done" in e])
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_week: dict[date, int] = defaultdict(int)
    for key in sorted(set(planned) | set(events)):
        day, item_id = key
        counts = rows[item_id]
        counts["planned"] += 1
        happened = events.get(key, {})
        done = happened.get("done")
        if done is None:
            continue
        counts["done"] += 1
        per_week[scales.monday_of(day)] += 1
        when = planned.get(key)
        due = done.due_at or (when.start if when is not None else None)
        begun = (happened.get("started") or done).event.at
        if due is None or begun <= due + timedelta(minutes=ON_TIME_MINUTES):
            counts["on_time"] += 1  # "after the previous one" has no clock time: on time when done
        if done.event.run_id is not None:
            counts["with_pack"] += 1
            if done.event.run_id in alone_runs:
                counts["alone"] += 1
    order = [item.id for item in plan.items] if plan is not None else []
    item_rows = []
    for item_id in sorted(rows, key=lambda i: (order.index(i) if i in order else len(order), i)):
        counts = rows[item_id]
        item = plan.item(item_id) if plan is not None else None
        text = item.text_for(language) if item is not None else item_id
        picture = picture_path(item.picture) if item is not None else None
        item_rows.append(
            DayItemRow(
                item_id=item_id,
                text=text,
                picture=picture,
                planned=counts["planned"],
                done=counts["done"],
                on_time=counts["on_time"],
                with_pack=counts["with_pack"],
                alone=counts["alone"],
            )
        )
    current = scales.monday_of(now)
    weeks = tuple(
        WeekBar(
            week_start=monday,
            label=day_text(language, "this_week") if monday == current else format_day_short(language, monday),
            runs=per_week.get(monday, 0),
            current=monday == current,
        )
        for monday in week_starts
    )
    return DayReport(
        name=person.name,
        language=language,
        rows=tuple(item_rows),
        weeks=weeks,
        planned=sum(r.planned for r in item_rows),
        done=sum(r.done for r in item_rows),
        on_time=sum(r.on_time for r in item_rows),
    )


def _runs_without_help(journal: Any, run_ids: Sequence[int | None]) -> set[int]:
    """Of these runs, those finished without any help (the run's help summary is empty)."""
    wanted = [r for r in run_ids if r is not None]
    if not wanted:
        return set()
    marks = ",".join("?" * len(wanted))
    rows = journal.db.read(f"SELECT id, outcome, help_by_step FROM runs WHERE id IN ({marks})", wanted)
    alone = set()
    for run_id, outcome, help_by_step in rows:
        try:
            helped = json.loads(help_by_step) if help_by_step else []
        except ValueError:
            helped = [None]
        if outcome == "finished" and not helped:
            alone.add(run_id)
    return alone


def render_day_section(report: DayReport) -> str:
    """The page as HTML (every text escaped; pictures embedded)."""
    lang, name = report.language, report.name
    head = (
        f'<h2>{escape(day_text(lang, "heading"))}</h2><p class="note">{escape(day_text(lang, "intro", name=name))}</p>'
    )
    if not report.rows:
        return f'<section class="page day">{head}<p>{escape(day_text(lang, "none"))}</p></section>'
    summary = day_text(lang, "summary", name=name, k=report.done, m=report.planned, t=report.on_time)

    def share(k: int, m: int) -> str:
        return escape(day_text(lang, "of", k=k, m=m)) if m else escape(day_text(lang, "na"))

    rows = "".join(
        f'<tr data-item="{escape(row.item_id)}">'
        f'<td class="pic"><img src="{picture_uri(row.picture, TASK_PICTURE_PX)}" alt=""></td>'
        f"<td>{escape(row.text)}</td>"
        f"<td>{share(row.done, row.planned)}</td>"
        f"<td>{share(row.on_time, row.done)}</td>"
        f"<td>{share(row.alone, row.with_pack)}</td></tr>"
        for row in report.rows
    )
    table = (
        '<table class="day-table"><thead><tr><th></th><th></th>'
        f"<th>{escape(day_text(lang, 'done'))}</th><th>{escape(day_text(lang, 'on_time'))}</th>"
        f"<th>{escape(day_text(lang, 'alone'))}</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    chart = runs_per_week_svg(report.weeks, label=day_text(lang, "chart"))
    return (
        f'<section class="page day">{head}<p class="day-summary">{escape(summary)}</p>{table}'
        f'<figure><div class="chart-head"><h3>{escape(day_text(lang, "chart"))}</h3></div>{chart}</figure></section>'
    )


DAY_CSS = (
    ".day-table{width:100%;border-collapse:collapse;margin:1em 0;font-size:1.05em}"
    ".day-table th{text-align:left;padding:.3em .5em}"
    ".day-table td{padding:.3em .5em;border-top:1px solid #d9d4c7;vertical-align:middle}"
    ".day-table td.pic img{width:56px;height:56px;object-fit:contain}"
    ".day-summary{font-size:1.2em}"
)
