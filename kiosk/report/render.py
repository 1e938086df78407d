"""``render_html(report) -> str``: one self-contained, printable HTML page from a ``PersonReport``.

Layout, for a reader with ten seconds: page 1 is the person (photo, name, period), three plain
sentences and three big numbers, then one line per task. Then one page per task: its picture and
title, the "Learned" badge, two charts over the same weeks, and the steps to practise together,
with their pictures.

Safety: names, titles and step texts are typed by people, so every piece of text passes through
``html.escape`` here (the charts escape their own labels). Nothing is fetched: pictures are
``data:`` URIs, charts are inline SVG, the stylesheet is inline, there is no script.
"""

from __future__ import annotations

from html import escape

from kiosk.report import icons
from kiosk.report.day import DAY_CSS, render_day_section
from kiosk.report.charts import independence_chart_svg, runs_per_week_svg
from kiosk.report.images import PHOTO_PX, STEP_PICTURE_PX, TASK_PICTURE_PX, picture_uri
from kiosk.report.strings import counted, format_day, html_lang, text
from kiosk.report.style import CSS
from kiosk.report.view_model import HelpStep, PersonReport, TaskReport

#: Names longer than this get a smaller heading, so the photo and the period stay beside them.
LONG_NAME = 22


def render_html(report: PersonReport) -> str:
    """The whole report as one HTML document (UTF-8 text)."""
    lang = report.language
    pages = [_cover(report)]
    pages.extend(_task_page(report, task) for task in report.tasks)
    if report.day is not None:  # the day plan page (kiosk.report.day)
        pages.append(render_day_section(report.day))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html_lang(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(text(lang, 'doc_title', name=report.name))}</title>\n"
        f"<style>{CSS}{DAY_CSS if report.day is not None else ''}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(pages)
        + "\n</main>\n</body>\n</html>\n"
    )


def _person_header(report: PersonReport) -> str:
    lang = report.language
    if report.photo is not None and report.photo.is_file():
        face = f'<img class="photo" src="{picture_uri(report.photo, PHOTO_PX)}" alt="">'
    else:
        initial = report.name.strip()[:1].upper() or "?"
        face = f'<div class="initial" aria-hidden="true">{escape(initial)}</div>'
    period = text(lang, "period", start=format_day(lang, report.period_start), end=format_day(lang, report.period_end))
    return (
        f'<header class="person">{face}<div>'
        f'<p class="kicker">{escape(text(lang, "heading"))}</p>'
        f'<h1 class="{"name long" if len(report.name) > LONG_NAME else "name"}">{escape(report.name)}</h1>'
        f'<p class="period">{escape(period)}</p>'
        "</div></header>"
    )


def _footer(report: PersonReport) -> str:
    """Where the figures come from (every kiosk of the workshop, or this one), then when and with
    what the report was made."""
    lang = report.language
    source = f'<p class="note source">{escape(report.source)}</p>' if report.source else ""
    return source + f"<footer>{escape(text(lang, 'made_on', date=format_day(lang, report.generated_on)))}</footer>"


def _cover(report: PersonReport) -> str:
    if not report.tasks:
        return _empty(report)
    lang, summary = report.language, report.summary
    sentences = "".join(f"<p>{escape(sentence)}</p>" for sentence in summary.sentences)
    tiles = (
        _tile(icons.check_box(), str(summary.tasks_done), text(lang, "tile_done"), "tasks-done")
        + _tile(icons.person_alone(), summary.independence_label, text(lang, "tile_alone"), "done-alone")
        + _tile(icons.star(), str(summary.learned), text(lang, "tile_learned"), "tasks-learned")
    )
    rows = "".join(_overview_row(report, task) for task in report.tasks)
    return (
        '<section class="page cover">'
        + _person_header(report)
        + f'<div class="summary">{sentences}</div>'
        + f'<div class="tiles">{tiles}</div>'
        + f'<p class="note">{escape(text(lang, "alone_means", name=report.name))}</p>'
        + f'<h2>{escape(text(lang, "tasks_heading"))}</h2><ul class="overview">{rows}</ul>'
        + _footer(report)
        + "</section>"
    )


def _empty(report: PersonReport) -> str:
    """No tasks in the window: a friendly page, never an error or an empty chart."""
    lang = report.language
    if report.has_history:
        title = text(lang, "quiet_title")
        body = " ".join(report.summary.sentences)
    else:
        title = text(lang, "empty_title")
        body = text(lang, "empty_body", name=report.name)
    return (
        '<section class="page cover empty-report">'
        + _person_header(report)
        + f'<div class="empty">{icons.sprout()}<h2>{escape(title)}</h2><p>{escape(body)}</p></div>'
        + _footer(report)
        + "</section>"
    )


def _tile(icon: str, number: str, word: str, css_id: str, extra: str = "") -> str:
    return (
        f'<div class="tile" data-figure="{css_id}">{icon}'
        f'<span class="big">{escape(number)}</span><span class="word">{escape(word)}</span>{extra}</div>'
    )


def _badge(lang: str, small: bool = False) -> str:
    size = " small" if small else ""
    return f'<span class="badge{size}">{icons.star()}{escape(text(lang, "learned"))}</span>'


def _overview_row(report: PersonReport, task: TaskReport) -> str:
    lang = report.language
    gone = "" if task.on_kiosk else f'<span class="gone">{escape(text(lang, "unknown_task"))}</span>'
    badge = _badge(lang, small=True) if task.mastered else ""
    return (
        f'<li data-pack="{escape(task.pack_id)}">'
        f'<img src="{picture_uri(task.picture, TASK_PICTURE_PX)}" alt="">'
        f'<span class="name">{escape(task.title)}{gone}</span>'
        f'<span class="figure"><b>{task.runs_finished}</b>{escape(text(lang, "times_done"))}</span>'
        f'<span class="figure"><b>{escape(task.independence_label)}</b>{escape(text(lang, "done_alone"))}</span>'
        f'<span class="badge-cell">{badge}</span>'
        "</li>"
    )


def _task_page(report: PersonReport, task: TaskReport) -> str:
    lang = report.language
    learned = ""
    if task.mastered:
        learned = _badge(lang)
        if task.mastered_on is not None:
            day = format_day(lang, task.mastered_on)
            learned += f'<span class="learned-on">{escape(text(lang, "learned_on", date=day))}</span>'
        learned = f'<div class="learned-line">{learned}</div>'
    gone = "" if task.on_kiosk else f'<p class="gone-note">{escape(text(lang, "unknown_task"))}</p>'
    stopped = ""
    if task.runs_stopped:
        stopped = f'<span class="stopped">{escape(counted(lang, "stopped_early", task.runs_stopped))}</span>'
    numbers = (
        '<div class="task-numbers">'
        + _tile("", str(task.runs_finished), text(lang, "times_done"), "times-done", extra=stopped)
        + _tile("", task.independence_label, text(lang, "done_alone"), "done-alone")
        + "</div>"
    )
    chart_alone = independence_chart_svg(
        task.points,
        task.weeks,
        language=lang,
        label=text(lang, "chart_alone"),
        empty_text=text(lang, "no_runs_chart"),
    )
    legend = ""
    if any(point.independence >= 1.0 - 1e-9 for point in task.points):
        legend = f'<span class="legend">{icons.star()}{escape(text(lang, "star_means"))}</span>'
    chart_runs = runs_per_week_svg(task.weeks, label=text(lang, "chart_runs"))
    return (
        f'<section class="page task" data-pack="{escape(task.pack_id)}">'
        '<header class="task-head">'
        f'<img class="task-pic" src="{picture_uri(task.picture, TASK_PICTURE_PX)}" alt="">'
        f'<div class="task-title"><h2>{escape(task.title)}</h2>{gone}{learned}{numbers}</div>'
        "</header>" + f'<figure><div class="chart-head"><h3>{escape(text(lang, "chart_alone"))}</h3>{legend}</div>'
        f"{chart_alone}</figure>"
        + (f'<p class="support">{escape(task.support_text)}</p>' if task.support_text else "")
        + f'<figure><div class="chart-head"><h3>{escape(text(lang, "chart_runs"))}</h3></div>{chart_runs}</figure>'
        + _help_block(report, task)
        + "</section>"
    )


def _help_block(report: PersonReport, task: TaskReport) -> str:
    lang = report.language
    heading = f"<h3>{escape(text(lang, 'needed_help_heading', name=report.name))}</h3>"
    if not task.help_steps:
        return f'<div class="help-block">{heading}<p class="no-help">{icons.tick_circle()}{escape(text(lang, task.without_help_key))}</p></div>'
    cards = "".join(_help_card(lang, step) for step in task.help_steps)
    return f'<div class="help-block">{heading}<ul class="help">{cards}</ul></div>'


def _help_card(lang: str, step: HelpStep) -> str:
    count = text(lang, "help_times", k=f"\x00{step.help_runs}\x01", m=step.runs)
    count_html = escape(count).replace("\x00", "<b>").replace("\x01", "</b>")
    step_text = f'<p class="step-text">{escape(step.text)}</p>' if step.text else ""
    return (
        f'<li data-step="{step.number}">'
        f'<img src="{picture_uri(step.picture, STEP_PICTURE_PX)}" alt="">'
        f'<p class="step-no">{escape(text(lang, "step", n=step.number))}</p>'
        f"{step_text}"
        f'<p class="help-count">{count_html}</p>'
        "</li>"
    )
