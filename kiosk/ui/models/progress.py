"""The family's progress screen as words and numbers, mapped from ``kiosk.report``'s report.

The report view model (``kiosk.report.builder.build_person_report``) decides every figure; the
words come from ``kiosk.report.strings`` in the worker's language, so the printed report and this
screen say the same things. This module only arranges them the way the screen lays them out, so
the screen creates widgets and nothing else (Kivy-free, tested without a window).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kiosk.report import strings

WEEKS_SHOWN = 8


@dataclass(frozen=True)
class Figure:
    number: str
    label: str
    icon: str


@dataclass(frozen=True)
class HelpStepView:
    picture: str
    title: str
    sentence: str
    times: str


@dataclass(frozen=True)
class TaskView:
    picture: str
    title: str
    learned: bool
    learned_text: str
    times_done: str
    times_done_label: str
    alone: str
    alone_label: str
    chart_alone_title: str
    chart_runs_title: str
    help_title: str
    points: tuple[tuple[float, float, str], ...]
    week_labels: tuple[str, ...]
    counts: tuple[int, ...]
    axis_labels: tuple[str, ...]
    help_steps: tuple[HelpStepView, ...]
    support_text: str = ""  # how the help shown on screen changed ("" when not recorded)
    stopped_text: str = ""  # "Stopped early 2 times." ("" when never stopped)


@dataclass(frozen=True)
class DayView:
    """The day plan part ("the day"), with the printed report's words and figures."""

    title: str
    summary: str
    chart_title: str
    rows: tuple[HelpStepView, ...]  # picture, the item's sentence, "Done 4 of 5 · On time 3 of 4 ..."
    counts: tuple[int, ...]
    week_labels: tuple[str, ...]


@dataclass(frozen=True)
class ProgressView:
    language: str
    name: str
    photo: str
    sentences: str
    empty: bool
    empty_title: str
    empty_body: str
    figures: tuple[Figure, ...]  # three, or none when there is nothing to count
    tasks: tuple[TaskView, ...]
    alone_means: str = ""  # what "alone" means, in the same words as the printed report
    day: DayView | None = None  # the day plan's page; None without a plan
    # where the figures come from: "From all kiosks of the workshop, updated 10:42." or "From this
    # kiosk only." (the printed report's words); a family must not take one tablet's runs for all
    source: str = ""


def progress_view(report: Any) -> ProgressView:
    """Everything the progress screen shows about one worker, in their language."""
    lang, name = report.language, report.name
    empty = not report.tasks
    day = _day(report.day) if getattr(report, "day", None) is not None else None
    figures = (
        ()
        if empty
        else (
            Figure(str(report.summary.tasks_done), strings.text(lang, "tile_done"), "check"),
            Figure(report.summary.independence_label or "–", strings.text(lang, "tile_alone"), "person"),
            Figure(str(report.summary.learned), strings.text(lang, "tile_learned"), "celebrate"),
        )
    )
    return ProgressView(
        language=lang,
        name=name,
        photo=str(report.photo) if report.photo else "",
        sentences="\n".join(report.summary.sentences),
        empty=empty,
        empty_title=strings.text(lang, "empty_title" if not report.has_history else "quiet_title"),
        # no tasks yet, but a day plan being followed: no "nothing here yet" above the day
        empty_body="" if (day is not None and day.rows) else strings.text(lang, "empty_body", name=name),
        figures=figures,
        tasks=tuple(_task(task, lang, name) for task in report.tasks),
        alone_means="" if empty else strings.text(lang, "alone_means", name=name),
        day=day,
        source=getattr(report, "source", ""),
    )


def _task(task: Any, lang: str, name: str) -> TaskView:
    return TaskView(
        picture=str(task.picture) if task.picture else "",
        title=task.title,
        learned=task.mastered,
        learned_text=strings.text(lang, "learned"),
        times_done=str(task.runs_finished),
        times_done_label=strings.text(lang, "times_done"),
        stopped_text=strings.counted(lang, "stopped_early", task.runs_stopped) if task.runs_stopped else "",
        alone=task.independence_label or "–",
        alone_label=strings.text(lang, "done_alone"),
        chart_alone_title=strings.text(lang, "chart_alone"),
        chart_runs_title=strings.text(lang, "chart_runs"),
        help_title=(
            strings.text(lang, "needed_help_heading", name=name)
            if task.help_steps
            else strings.text(lang, task.without_help_key)
        ),
        support_text=task.support_text,
        points=tuple((p.x, p.independence, p.label) for p in task.points),
        week_labels=tuple(w.label for w in task.weeks),
        counts=tuple(w.runs for w in task.weeks),
        axis_labels=tuple(strings.format_percent(lang, share) for share in (0.0, 0.5, 1.0)),
        help_steps=tuple(
            HelpStepView(
                picture=str(step.picture) if step.picture else "",
                title=strings.text(lang, "step", n=step.number),
                sentence=step.text,
                times=strings.text(lang, "help_times", k=step.help_runs, m=step.runs),
            )
            for step in task.help_steps
        ),
    )


def _day(day: Any) -> DayView:
    from kiosk.report.day import day_text

    lang = day.language

    def share(label: str, k: int, m: int) -> str:
        return f"{day_text(lang, label)} {day_text(lang, 'of', k=k, m=m)}" if m else ""

    rows = tuple(
        HelpStepView(
            picture=str(row.picture) if row.picture else "",
            title=row.text,
            sentence=" · ".join(
                part
                for part in (
                    share("done", row.done, row.planned),
                    share("on_time", row.on_time, row.done),
                    share("alone", row.alone, row.with_pack),
                )
                if part
            ),
            times="",
        )
        for row in day.rows
    )
    return DayView(
        title=day_text(lang, "heading"),
        summary=(
            day_text(lang, "summary", name=day.name, k=day.done, m=day.planned, t=day.on_time)
            if day.rows
            else day_text(lang, "none")
        ),
        chart_title=day_text(lang, "chart"),
        rows=rows,
        counts=tuple(week.runs for week in day.weeks),
        week_labels=tuple(week.label for week in day.weeks),
    )
