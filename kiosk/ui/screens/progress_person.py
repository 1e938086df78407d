"""Progress, step 3: one worker's progress, for their family (after the family or trainer PIN).

The figures come from ``kiosk.report.view_model.build_person_report`` and the words from
``kiosk.report.strings``: the printed report and this screen say the same things. The screen holds
exactly one person's report and forgets it on leaving, so nobody else's data is ever reachable
from here and the next visitor needs the PIN again.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.report import strings
from kiosk.ui.screens.base import KioskScreen, LeavesWhenIdle
from kiosk.ui.widgets import charts  # noqa: F401 - registers the chart classes for the .kv
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.charts import chart_points

WEEKS_SHOWN = 8


class HelpStepCard(BoxLayout):
    picture = StringProperty("")
    title = StringProperty("")
    sentence = StringProperty("")
    times = StringProperty("")


class ProgressTaskCard(BoxLayout):
    """One task: picture, title, Learned badge, big numbers, the two charts, steps needing help."""

    picture = StringProperty("")
    title = StringProperty("")
    learned = BooleanProperty(False)
    learned_text = StringProperty("")
    times_done = StringProperty("")
    times_done_label = StringProperty("")
    alone = StringProperty("")
    alone_label = StringProperty("")
    chart_alone_title = StringProperty("")
    chart_runs_title = StringProperty("")
    help_title = StringProperty("")
    points = ListProperty([])
    week_labels = ListProperty([])
    counts = ListProperty([])
    help_count = NumericProperty(0)
    axis_labels = ListProperty(["0%", "50%", "100%"])


class ProgressPersonScreen(LeavesWhenIdle, KioskScreen):
    name_text = StringProperty("")
    photo = StringProperty("")
    sentences = StringProperty("")
    empty = BooleanProperty(False)
    empty_title = StringProperty("")
    empty_body = StringProperty("")
    figures = ListProperty([])          # [(number, label, icon)] * 3
    lang = StringProperty("en")         # the worker's language: every word on this screen
    report = ObjectProperty(None, allownone=True)

    def prepare(self, person: Any) -> None:
        """Build the chosen worker's report (in their language) and show it; nothing else."""
        from kiosk.report.view_model import build_person_report

        report = build_person_report(self.app.journal, self.app.shelf.packs, person.id, WEEKS_SHOWN)
        self.forget()
        self.report = report
        lang = self.lang = report.language
        self.name_text = report.name
        self.photo = str(report.photo) if report.photo else ""
        self.empty = not report.tasks
        self.empty_title = strings.text(lang, "empty_title" if not report.has_history else "quiet_title")
        self.empty_body = strings.text(lang, "empty_body", name=report.name)
        self.sentences = "\n".join(report.summary.sentences)
        self.figures = [] if self.empty else [
            (str(report.summary.tasks_done), strings.text(lang, "tile_done"), "check"),
            (report.summary.independence_label or "–", strings.text(lang, "tile_alone"), "person"),
            (str(report.summary.learned), strings.text(lang, "tile_learned"), "celebrate"),
        ]
        box = self.ids.tasks
        for task in report.tasks:
            box.add_widget(self._task_card(task, lang, report.name))

    def _task_card(self, task: Any, lang: str, name: str) -> ProgressTaskCard:
        card = ProgressTaskCard(
            picture=str(task.picture) if task.picture else "",
            title=task.title,
            learned=task.mastered,
            learned_text=strings.text(lang, "learned"),
            times_done=str(task.runs_finished),
            times_done_label=strings.text(lang, "times_done"),
            alone=task.independence_label or "–",
            alone_label=strings.text(lang, "done_alone"),
            chart_alone_title=strings.text(lang, "chart_alone"),
            chart_runs_title=strings.text(lang, "chart_runs"),
            help_title=(strings.text(lang, "needed_help_heading", name=name) if task.help_steps
                        else strings.text(lang, "no_help")),
            points=chart_points(task.points),
            week_labels=[w.label for w in task.weeks],
            counts=[w.runs for w in task.weeks],
            help_count=len(task.help_steps),
            axis_labels=[strings.format_percent(lang, share) for share in (0.0, 0.5, 1.0)],
        )
        for step in task.help_steps:
            card.ids.help_steps.add_widget(HelpStepCard(
                picture=str(step.picture) if step.picture else "",
                title=strings.text(lang, "step", n=step.number),
                sentence=step.text,
                times=strings.text(lang, "help_times", k=step.help_runs, m=step.runs),
            ))
        return card

    def forget(self) -> None:
        """Drop everything about the person shown (on Back, and before showing another)."""
        self.report = None
        self.name_text = self.photo = self.sentences = self.empty_title = self.empty_body = ""
        self.empty = False
        self.figures = []
        self.ids.tasks.clear_widgets()
        self.ids.scroller.scroll_y = 1

    def on_leave(self, *_args: Any) -> None:
        self.forget()

    def leave(self) -> None:
        self.app.back(out_of="progress_")

    def handle_key(self, key: int, _codepoint: str | None, _modifiers: list[str]) -> bool:
        if key in (8, 27):  # Backspace / Escape: back out, forgetting the report
            self.leave()
        return True


load_kv(__file__)
