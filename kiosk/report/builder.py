"""From journal figures to what a progress view says: ``build_person_report``.

This is the one place that decides what the report (and the kiosk's progress screen) shows:

* The window is the last ``weeks`` weeks, Monday to Monday in UTC, ending with the current week.
* "Tasks done" counts *finished* attempts in the window (``kiosk.journal.progress`` attempts: an
  interrupted run and its resumption are one). Attempts given up or cut short are not hidden;
  each task says how often it was stopped early.
* "Done alone" is steps done without help / steps, summed over those finished attempts; a long
  task weighs more than a short one, as it does in a working day.
* A task is "learned" by the journal's mastery rule over the *whole* history (mastery reached
  before the window still counts), and on *any* version of the pack: a trainer fixing a typo in a
  pack makes a new version, and that must not take the word "Learned" away from a worker.
* The steps that need help come from the version of the pack on the kiosk now (step numbers mean
  different things in different versions), else from the newest version used in the window.
* Every kiosk's runs count when this kiosk has them: a kiosk with a workshop hub keeps copies of
  the other kiosks' runs (``kiosk.hub.sync``), and the report says where its figures come from
  ("From all kiosks of the workshop, updated 10:42." or "From this kiosk only.").

Everything here is Kivy-free and returns plain frozen dataclasses (``kiosk.report.view_model``).
"""

from __future__ import annotations

import sqlite3

from collections import defaultdict
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from kiosk.journal.progress import MasteryRule, PackProgress, person_progress
from kiosk.report import scales
from kiosk.report.strings import counted, format_day_short, format_percent, format_updated, report_language, text
from kiosk.report.view_model import HelpStep, PersonReport, RunPoint, Summary, TaskReport, WeekBar

DEFAULT_WEEKS = 8
MAX_HELP_STEPS = 3


class UnknownPerson(LookupError):
    """There is no person with this id in the journal."""

    def __init__(self, person_id: int) -> None:
        super().__init__(f"There is no person with number {person_id} on this kiosk.")
        self.person_id = person_id


def build_person_report(
    journal: Any,
    library_or_packs: Any,
    person_id: int,
    weeks: int = DEFAULT_WEEKS,
    now: datetime | None = None,
    *,
    language: str | None = None,
    rule: MasteryRule = MasteryRule(),
    max_help_steps: int = MAX_HELP_STEPS,
) -> PersonReport:
    """Everything one person's progress report says.

    ``library_or_packs`` is a ``kiosk.packs.Library`` (scanned here), a ``ScanResult``, a mapping
    of pack id to ``Pack`` or any iterable of packs; it supplies titles and pictures, and a task
    whose pack is gone is still reported under its id. ``language`` overrides the person's own.
    Raises ``UnknownPerson`` when the id is not in the journal.
    """
    person = journal.person(person_id)
    if person is None:
        raise UnknownPerson(person_id)
    lang = report_language(language or person.language)
    now = scales.as_utc(now or datetime.now(timezone.utc))
    week_starts = scales.window_weeks(now, weeks)
    packs = index_packs(library_or_packs)

    pulled_at = _all_kiosks_as_of(journal)
    everything = person_progress(journal, person_id, rule=rule)
    recent = person_progress(journal, person_id, rule=rule, since=scales.window_start(week_starts))
    learned_at = _learned_at(everything, now)

    tasks = [
        _task(
            pack_id,
            versions,
            packs.get(pack_id),
            pack_id in learned_at,
            learned_at.get(pack_id),
            week_starts,
            now,
            lang,
            max_help_steps,
        )
        for pack_id, versions in _by_pack_id(recent).items()
        if any(run.started_at <= now for version in versions for run in version.runs_detail)
    ]
    tasks.sort(
        key=lambda task: (
            -task.runs_finished,
            -(task.runs_finished + task.runs_stopped),
            task.title.casefold(),
            task.pack_id,
        )
    )
    summary = _summary(tasks, person.name, len(week_starts), lang)
    return PersonReport(
        person_id=person.id,
        name=person.name,
        photo=_photo_path(journal, person.photo),
        language=lang,
        week_starts=week_starts,
        period_start=week_starts[0],
        period_end=now.date(),
        generated_on=now.date(),
        has_history=any(run.started_at <= now for progress in everything for run in progress.runs_detail),
        summary=summary,
        tasks=tuple(tasks),
        day=_day_page(journal, person, lang, week_starts, now),
        source=source_sentence(lang, pulled_at, now),
        all_kiosks_as_of=pulled_at,
    )


def source_sentence(lang: str, all_kiosks_as_of: datetime | None, now: datetime) -> str:
    """Where the figures come from, in one sentence: every kiosk of the workshop as of the last
    time this kiosk brought their runs in (offline, that time says how old they may be), or this
    kiosk alone (no hub)."""
    if all_kiosks_as_of is None:
        return text(lang, "source_here")
    return text(lang, "source_all", when=format_updated(lang, all_kiosks_as_of, now))


def _day_page(journal: Any, person: Any, lang: str, week_starts: Sequence[date], now: datetime) -> Any:
    """The "the day" page (``kiosk.report.day``); None without a day plan, or on a journal from
    before plans (read-only, not migrated)."""
    from kiosk.report.day import build_day_report

    try:
        return build_day_report(journal, person, lang, week_starts, now)
    except sqlite3.OperationalError:  # no plan tables: a journal older than migration 7
        return None


def _all_kiosks_as_of(journal: Any) -> datetime | None:
    """When the journal last had every kiosk's runs (``Journal.pulled_at``); None for this
    kiosk's runs only, and for a journal object that cannot say."""
    pulled_at = getattr(journal, "pulled_at", None)
    if not callable(pulled_at):
        return None
    try:
        moment = pulled_at()
    except Exception:  # noqa: BLE001 - a damaged setting: the figures are still this kiosk's own
        return None
    return moment if isinstance(moment, datetime) else None


def index_packs(library_or_packs: Any) -> dict[str, Any]:
    """Packs by id from whatever the caller has; with several versions of one id, the newest."""
    if library_or_packs is None:
        return {}
    if hasattr(library_or_packs, "scan"):
        library_or_packs = library_or_packs.scan()
    if hasattr(library_or_packs, "packs"):
        library_or_packs = library_or_packs.packs
    if isinstance(library_or_packs, Mapping):
        return dict(library_or_packs)
    packs: dict[str, Any] = {}
    for pack in library_or_packs:
        current = packs.get(pack.id)
        if current is None or pack.version > current.version:
            packs[pack.id] = pack
    return packs


def summary_sentences(
    tasks_done: int, independence: float | None, learned: int | None, name: str, weeks: int, language: str
) -> tuple[str, ...]:
    """The plain sentences a coach can read out: how much, how independently, what is learned.

    ``learned`` None leaves the last sentence out (nothing was done in the window, so "still
    learning" would say more than we know).
    """
    when = counted(language, "when", weeks)
    sentences = [counted(language, "did_tasks", tasks_done, when=when, name=name)]
    if independence is not None:
        sentences.append(text(language, "alone", name=name, percent=format_percent(language, independence)))
    if learned is not None:
        sentences.append(counted(language, "learned", learned, name=name))
    return tuple(sentences)


def week_bars(
    week_starts: Sequence[Any], runs_per_week: Sequence[int], now: datetime, language: str
) -> tuple[WeekBar, ...]:
    """The x axis: one bar per week, labelled by its Monday (the current week "This week"),
    with labels thinned out when there are too many to fit."""
    labelled = set(scales.labelled_weeks(len(week_starts)))
    current = scales.monday_of(now)
    bars = []
    for index, monday in enumerate(week_starts):
        is_current = monday == current
        if index not in labelled:
            label = ""
        elif is_current:
            label = text(language, "this_week")
        else:
            label = format_day_short(language, monday)
        bars.append(WeekBar(week_start=monday, label=label, runs=runs_per_week[index], current=is_current))
    return tuple(bars)


# -- pieces -------------------------------------------------------------------------------------


def _by_pack_id(progress: Iterable[PackProgress]) -> dict[str, list[PackProgress]]:
    groups: dict[str, list[PackProgress]] = defaultdict(list)
    for item in progress:
        groups[item.pack_id].append(item)
    return groups


def _learned_at(progress: Iterable[PackProgress], now: datetime) -> dict[str, datetime | None]:
    """Pack id -> when it was first learned (any version) by ``now``; packs not learned then are
    absent (a report "as of" an earlier day must not know the future)."""
    learned: dict[str, datetime | None] = {}
    for item in progress:
        if not item.mastered or (item.mastered_at is not None and item.mastered_at > now):
            continue
        earlier = learned.get(item.pack_id)
        if item.pack_id not in learned or (
            earlier is not None and item.mastered_at is not None and item.mastered_at < earlier
        ):
            learned[item.pack_id] = item.mastered_at
    return learned


def _task(
    pack_id: str,
    versions: list[PackProgress],
    pack: Any,
    mastered: bool,
    mastered_at: datetime | None,
    week_starts: Sequence[Any],
    now: datetime,
    lang: str,
    max_help_steps: int,
) -> TaskReport:
    attempts = sorted(
        (run for version in versions for run in version.runs_detail), key=lambda run: (run.started_at, run.run_id)
    )
    placed = [(run, scales.week_index(run.started_at, week_starts)) for run in attempts if run.started_at <= now]
    placed = [(run, index) for run, index in placed if index is not None]
    finished = [(run, index) for run, index in placed if run.outcome == "finished"]
    xs = scales.run_x_positions([index for _, index in finished], len(week_starts))
    points = tuple(
        RunPoint(
            run_id=run.run_id,
            started_at=run.started_at,
            week_index=index,
            x=x,
            independence=run.independence,
            label=format_percent(lang, run.independence),
            support_level=run.support_level,
        )
        for (run, index), x in zip(finished, xs)
    )
    per_week = [0] * len(week_starts)
    for _, index in finished:
        per_week[index] += 1
    steps_total = sum(run.steps_total for run, _ in finished)
    steps_alone = sum(run.steps_independent for run, _ in finished)
    independence = steps_alone / steps_total if steps_total else None
    return TaskReport(
        pack_id=pack_id,
        title=pack.title_for(lang) if pack is not None else pack_id,
        picture=_safe_path(pack.thumbnail) if pack is not None else None,
        on_kiosk=pack is not None,
        runs_finished=len(finished),
        runs_stopped=len(placed) - len(finished),
        steps_total=steps_total,
        steps_alone=steps_alone,
        independence=independence,
        independence_label=format_percent(lang, independence),
        mastered=mastered,
        mastered_on=mastered_at.date() if mastered_at is not None else None,
        points=points,
        weeks=week_bars(week_starts, per_week, now, lang),
        help_steps=_help_steps(versions, pack, lang, max_help_steps),
        support_text=support_trend(lang, [p.support_level for p in points]),
    )


def support_trend(lang: str, levels: Sequence[int | None]) -> str:
    """How much help the screen gave, first run to last in the window, in one sentence: the
    kiosk fades its help as a worker learns (docs/support.md), so "less help" is progress a family
    can read without a chart. Empty when no run recorded a level."""
    known = [level for level in levels if level is not None]
    if not known:
        return ""
    first, last = known[0], known[-1]
    words = {level: text(lang, f"support_{name}") for level, name in ((0, "grouped"), (1, "reduced"), (2, "full"))}
    if first == last:
        return text(lang, "support_same", level=words[last])
    key = "support_less" if last < first else "support_more"
    return text(lang, key, first=words[first], last=words[last])


def _help_steps(versions: Sequence[PackProgress], pack: Any, lang: str, limit: int) -> tuple[HelpStep, ...]:
    """The steps most often needing help, from the version on the kiosk (else the newest used)."""
    on_kiosk = [v for v in versions if pack is not None and v.pack_version == pack.version]
    version = on_kiosk[0] if on_kiosk else max(versions, key=lambda v: v.pack_version)
    steps = {step.number: step for step in pack.steps} if on_kiosk else {}
    chosen = []
    for need in version.steps_needing_help[:limit]:
        step = steps.get(need.step_number)
        chosen.append(
            HelpStep(
                number=need.step_number,
                text=step.text_for(lang, pack.language) if step is not None else "",
                picture=_safe_path(lambda: pack.display_image(step)) if step is not None else None,
                help_runs=need.runs_with_help,
                runs=version.runs,
                share=need.share,
            )
        )
    return tuple(chosen)


def _summary(tasks: Sequence[TaskReport], name: str, weeks: int, lang: str) -> Summary:
    done = sum(task.runs_finished for task in tasks)
    steps_total = sum(task.steps_total for task in tasks)
    independence = sum(task.steps_alone for task in tasks) / steps_total if steps_total else None
    learned = sum(1 for task in tasks if task.mastered)
    return Summary(
        tasks_done=done,
        independence=independence,
        independence_label=format_percent(lang, independence),
        learned=learned,
        sentences=summary_sentences(done, independence, learned if tasks else None, name, weeks, lang),
    )


def _photo_path(journal: Any, photo: str | None) -> Path | None:
    if not photo:
        return None
    resolve = getattr(journal, "photo_path", None)
    return resolve(photo) if callable(resolve) else Path(photo)


def _safe_path(get: Any) -> Path | None:
    """A pack's picture path; a pack whose pictures cannot be found still gets a report."""
    try:
        return Path(get())
    except (OSError, IndexError, KeyError, ValueError):
        return None
