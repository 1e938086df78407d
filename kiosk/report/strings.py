"""Every word the progress report prints, per language, in easy-read style.

Why a plain dict and not the UI's gettext catalogs: the report is read by families and job coaches
in *the worker's* language, which is not necessarily the language the kiosk screen is set to, and
it needs a few numbers-and-dates rules (plurals, "3. März", "3月3日") that are simpler to keep
right next to the words. Short sentences, common words, the person's name instead of a pronoun
(we do not store anyone's gender, and repeating the name is easier to read anyway).

Placeholders use ``str.format`` names. Every language has exactly the same keys (a test checks).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Mapping

LANGUAGES: tuple[str, ...] = ("en", "de", "zh")
DEFAULT_LANGUAGE = "en"

STRINGS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "support_full": "full help (picture, words and voice)",
        "support_reduced": "less help (picture and words)",
        "support_grouped": "little help (several steps together)",
        "support_less": "Help on the screen: {first} at first, {last} now.",
        "support_more": "Help on the screen: {first} at first, {last} now.",
        "support_same": "Help on the screen: {level}.",
        "doc_title": "Progress: {name}",
        "heading": "Progress",
        "period": "{start} to {end}",
        "when_one": "This week",
        "when_other": "In the last {n} weeks",
        "did_tasks_zero": "{when} {name} did no tasks.",
        "did_tasks_one": "{when} {name} did 1 task.",
        "did_tasks_other": "{when} {name} did {n} tasks.",
        "alone": "{name} did {percent} of the steps alone.",
        "learned_zero": "{name} is still learning the tasks.",
        "learned_one": "{name} has learned 1 task.",
        "learned_other": "{name} has learned {n} tasks.",
        "tile_done": "Tasks done",
        "tile_alone": "Done alone",
        "tile_learned": "Tasks learned",
        "alone_means": '"Alone" means: {name} did the step without pressing Help.',  # plain quotes: the kiosk font draws “ ” full width
        "tasks_heading": "Tasks",
        "learned": "Learned",
        "learned_on": "Learned on {date}",
        "times_done": "Times done",
        "done_alone": "Done alone",
        "stopped_early_one": "Stopped early 1 time.",
        "stopped_early_other": "Stopped early {n} times.",
        "chart_alone": "Steps done alone, each time",
        "chart_runs": "Times done each week",
        "this_week": "This week",
        "needed_help_heading": "Steps where {name} needed help",
        "step": "Step {n}",
        "help_times": "Needed help {k} of {m} times",
        "no_help": "No help needed. Great!",
        "not_finished": "Started, but not finished yet.",
        "unknown_task": "This task is no longer on the kiosk.",
        "empty_title": "No tasks done yet",
        "empty_body": "When {name} uses the kiosk, the progress shows here.",
        "quiet_title": "No tasks in this time",
        "made_on": "Made on {date} with Step Kiosk",
        "no_runs_chart": "No times in these weeks",
        "star_means": "Star: all steps alone",
        "source_all": "From all kiosks of the workshop, updated {when}.",
        "source_here": "From this kiosk only.",
    },
    "de": {
        "support_full": "volle Hilfe (Bild, Text und Stimme)",
        "support_reduced": "weniger Hilfe (Bild und Text)",
        "support_grouped": "wenig Hilfe (mehrere Schritte zusammen)",
        "support_less": "Hilfe auf dem Bildschirm: zuerst {first}, jetzt {last}.",
        "support_more": "Hilfe auf dem Bildschirm: zuerst {first}, jetzt {last}.",
        "support_same": "Hilfe auf dem Bildschirm: {level}.",
        "doc_title": "Fortschritt: {name}",
        "heading": "Fortschritt",
        "period": "{start} bis {end}",
        "when_one": "Diese Woche",
        "when_other": "In den letzten {n} Wochen",
        "did_tasks_zero": "{when} hat {name} keine Aufgaben gemacht.",
        "did_tasks_one": "{when} hat {name} 1 Aufgabe gemacht.",
        "did_tasks_other": "{when} hat {name} {n} Aufgaben gemacht.",
        "alone": "{name} hat {percent} der Schritte allein geschafft.",
        "learned_zero": "{name} lernt die Aufgaben noch.",
        "learned_one": "{name} hat 1 Aufgabe gelernt.",
        "learned_other": "{name} hat {n} Aufgaben gelernt.",
        "tile_done": "Aufgaben gemacht",
        "tile_alone": "Allein geschafft",
        "tile_learned": "Aufgaben gelernt",
        "alone_means": '"Allein" heißt: {name} hat den Schritt ohne Hilfe-Knopf gemacht.',
        "tasks_heading": "Aufgaben",
        "learned": "Gelernt",
        "learned_on": "Gelernt am {date}",
        "times_done": "Mal gemacht",
        "done_alone": "Allein geschafft",
        "stopped_early_one": "1 Mal früher aufgehört.",
        "stopped_early_other": "{n} Mal früher aufgehört.",
        "chart_alone": "Schritte allein geschafft, jedes Mal",
        "chart_runs": "So oft gemacht, pro Woche",
        "this_week": "Diese Woche",
        "needed_help_heading": "Hier hat {name} Hilfe gebraucht",
        "step": "Schritt {n}",
        "help_times": "{k} von {m} Mal Hilfe gebraucht",
        "no_help": "Keine Hilfe gebraucht. Super!",
        "not_finished": "Angefangen, aber noch nicht fertig.",
        "unknown_task": "Diese Aufgabe ist nicht mehr auf dem Kiosk.",
        "empty_title": "Noch keine Aufgaben gemacht",
        "empty_body": "Wenn {name} den Kiosk benutzt, steht der Fortschritt hier.",
        "quiet_title": "In dieser Zeit keine Aufgaben",
        "made_on": "Erstellt am {date} mit Step Kiosk",
        "no_runs_chart": "In diesen Wochen nicht gemacht",
        "star_means": "Stern: alle Schritte allein",
        "source_all": "Von allen Kiosken der Werkstatt, Stand {when}.",
        "source_here": "Nur von diesem Kiosk.",
    },
    "zh": {
        "support_full": "完整帮助（图片、文字和声音）",
        "support_reduced": "较少帮助（图片和文字）",
        "support_grouped": "很少帮助（几个步骤一起）",
        "support_less": "屏幕上的帮助：开始是{first}，现在是{last}。",
        "support_more": "屏幕上的帮助：开始是{first}，现在是{last}。",
        "support_same": "屏幕上的帮助：{level}。",
        "doc_title": "进步报告：{name}",
        "heading": "进步报告",
        "period": "{start} 至 {end}",
        "when_one": "这一周",
        "when_other": "最近{n}周",
        "did_tasks_zero": "{when}，{name}没有做任务。",
        "did_tasks_one": "{when}，{name}完成了1次任务。",
        "did_tasks_other": "{when}，{name}完成了{n}次任务。",
        "alone": "{name}独立完成了{percent}的步骤。",
        "learned_zero": "{name}还在学习这些任务。",
        "learned_one": "{name}已经学会了1项任务。",
        "learned_other": "{name}已经学会了{n}项任务。",
        "tile_done": "完成任务",
        "tile_alone": "独立完成",
        "tile_learned": "已学会",
        "alone_means": "“独立”是说：{name}没有按“帮助”就完成了这一步。",
        "tasks_heading": "任务",
        "learned": "已学会",
        "learned_on": "{date}学会",
        "times_done": "完成次数",
        "done_alone": "独立完成",
        "stopped_early_one": "中途停止1次。",
        "stopped_early_other": "中途停止{n}次。",
        "chart_alone": "每次独立完成的步骤",
        "chart_runs": "每周完成次数",
        "this_week": "本周",
        "needed_help_heading": "{name}需要帮助的步骤",
        "step": "第{n}步",
        "help_times": "{m}次中有{k}次需要帮助",
        "no_help": "不需要帮助。很棒！",
        "not_finished": "开始了，还没有完成。",
        "unknown_task": "这项任务已不在设备上。",
        "empty_title": "还没有做过任务",
        "empty_body": "{name}使用设备以后，进步会显示在这里。",
        "quiet_title": "这段时间没有任务",
        "made_on": "{date}由Step Kiosk生成",
        "no_runs_chart": "这几周没有完成",
        "star_means": "星形：所有步骤都独立完成",
        "source_all": "来自工坊的所有设备，更新于{when}。",
        "source_here": "只来自这台设备。",
    },
}

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS_EN_LONG = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTHS_DE_LONG = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)


def report_language(language: str | None) -> str:
    """The report language for a person's language tag: ``de-AT`` reads German, ``zh-Hans-CN``
    Chinese; anything we have no words for falls back to English rather than failing."""
    base = (language or "").replace("_", "-").split("-")[0].lower()
    return base if base in STRINGS else DEFAULT_LANGUAGE


def text(language: str, key: str, **values: object) -> str:
    """One report string, filled in. Unknown languages read English."""
    template = STRINGS[report_language(language)][key]
    return template.format(**values) if values else template


def counted(language: str, key: str, n: int, **values: object) -> str:
    """A sentence whose words depend on a count: ``key_zero`` / ``key_one`` / ``key_other``.

    Only the forms a key defines are used (a key without ``_zero`` says "0 ..." with ``_other``).
    """
    table = STRINGS[report_language(language)]
    for suffix in (("zero",) if n == 0 else ()) + (("one",) if n == 1 else ()) + ("other",):
        if f"{key}_{suffix}" in table:
            return table[f"{key}_{suffix}"].format(n=n, **values)
    raise KeyError(key)


def format_percent(language: str, share: float | None) -> str:
    """``0.916`` as "92%" ("92 %" in German). Rounds half up, as people do by hand."""
    if share is None:
        return "–"
    whole = percent_number(share)
    return f"{whole}\u00a0%" if report_language(language) == "de" else f"{whole}%"


def percent_number(share: float) -> int:
    """A 0..1 share as a whole percent, rounded half up (not Python's round-half-even)."""
    return int(min(max(share, 0.0), 1.0) * 100 + 0.5 + 1e-9)


def format_day_short(language: str, day: date) -> str:
    """A week label under a chart: "3 Mar", "3.3.", "3月3日"."""
    lang = report_language(language)
    if lang == "de":
        return f"{day.day}.{day.month}."
    if lang == "zh":
        return f"{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS_EN[day.month - 1]}"


def format_day(language: str, day: date) -> str:
    """A full date in running text: "3 March 2026", "3. März 2026", "2026年3月3日"."""
    lang = report_language(language)
    if lang == "de":
        return f"{day.day}. {_MONTHS_DE_LONG[day.month - 1]} {day.year}"
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS_EN_LONG[day.month - 1]} {day.year}"


def format_updated(language: str, moment: datetime, now: datetime) -> str:
    """When figures were last brought up to date, in the kiosk's local time: "10:42" today, else
    with the day ("3 Mar 10:42", "3.3. 10:42 Uhr", "3月3日 10:42")."""
    lang = report_language(language)
    local, today = moment.astimezone(), now.astimezone().date()
    clock = f"{local.hour}:{local.minute:02d}" + (" Uhr" if lang == "de" else "")
    return clock if local.date() == today else f"{format_day_short(lang, local.date())} {clock}"


def html_lang(language: str) -> str:
    """The ``lang`` attribute: ``zh-Hans`` makes browsers pick simplified-Chinese glyphs."""
    lang = report_language(language)
    return "zh-Hans" if lang == "zh" else lang
