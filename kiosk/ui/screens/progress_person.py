"""Progress, step 3: one worker's progress, for their family (after the family or trainer PIN).

The figures come from ``kiosk.report.builder.build_person_report`` and the words from
``kiosk.report.strings``: the printed report and this screen say the same things.
``kiosk.ui.models.progress.progress_view`` arranges them as the screen shows them; the screen only
maps that view onto widgets. The screen holds
exactly one person's report and forgets it on leaving, so nobody else's data is ever reachable
from here and the next visitor needs the PIN again.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.screens.base import KioskScreen, LeavesWhenIdle
from kiosk.ui.widgets import charts  # noqa: F401 - registers the chart classes for the .kv
from kiosk.ui.widgets import load_kv
from kiosk.ui.models.progress import DayView, WEEKS_SHOWN, ProgressView, TaskView, progress_view


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
    support_text = StringProperty("")
    stopped_text = StringProperty("")
    points = ListProperty([])
    week_labels = ListProperty([])
    counts = ListProperty([])
    help_count = NumericProperty(0)
    axis_labels = ListProperty(["0%", "50%", "100%"])
    #: Picture, title and the two big numbers side by side; in a narrower card (portrait, large
    #: text) the numbers go below the picture and title, so the title keeps a readable width.
    wide = BooleanProperty(True)
    head_needed = NumericProperty(0)  # the height picture, title and Learned need
    figures_needed = NumericProperty(0)  # the height the two big numbers need


class DayCard(BoxLayout):
    """The day plan: which items were done, on time, alone, and a bar per week."""

    title = StringProperty("")
    summary = StringProperty("")
    chart_title = StringProperty("")
    counts = ListProperty([])
    week_labels = ListProperty([])


class ProgressPersonScreen(LeavesWhenIdle, KioskScreen):
    name_text = StringProperty("")
    photo = StringProperty("")
    sentences = StringProperty("")
    empty = BooleanProperty(False)
    empty_title = StringProperty("")
    empty_body = StringProperty("")
    alone_means = StringProperty("")
    source = StringProperty("")  # where the figures come from (all kiosks of the workshop, or this one)
    figures = ListProperty([])  # [(number, label, icon)] * 3
    lang = StringProperty("en")  # the worker's language: every word on this screen
    report = ObjectProperty(None, allownone=True)

    def prepare(self, person: Any) -> None:
        """Build the chosen worker's report (in their language) and show it; nothing else."""
        from kiosk.report.builder import build_person_report

        report = build_person_report(self.app.journal, self.app.shelf.packs, person.id, WEEKS_SHOWN)
        self.forget()
        self.report = report
        self.show(progress_view(report))

    def show(self, view: ProgressView) -> None:
        self.lang, self.name_text, self.photo = view.language, view.name, view.photo
        self.empty, self.empty_title, self.empty_body = view.empty, view.empty_title, view.empty_body
        self.sentences = view.sentences
        self.alone_means = view.alone_means
        self.source = view.source
        self.figures = [(f.number, f.label, f.icon) for f in view.figures]
        for task in view.tasks:
            self.ids.tasks.add_widget(self._task_card(task))
        if view.day is not None:
            self.ids.tasks.add_widget(self._day_card(view.day))

    @staticmethod
    def _day_card(day: DayView) -> DayCard:
        card = DayCard(
            title=day.title,
            summary=day.summary,
            chart_title=day.chart_title,
            counts=list(day.counts),
            week_labels=list(day.week_labels),
        )
        for row in day.rows:
            card.ids.rows.add_widget(HelpStepCard(picture=row.picture, title=row.title, sentence=row.sentence))
        return card

    @staticmethod
    def _task_card(task: TaskView) -> ProgressTaskCard:
        card = ProgressTaskCard(
            picture=task.picture,
            title=task.title,
            learned=task.learned,
            learned_text=task.learned_text,
            times_done=task.times_done,
            times_done_label=task.times_done_label,
            alone=task.alone,
            alone_label=task.alone_label,
            chart_alone_title=task.chart_alone_title,
            chart_runs_title=task.chart_runs_title,
            help_title=task.help_title,
            support_text=task.support_text,
            stopped_text=task.stopped_text,
            points=list(task.points),
            week_labels=list(task.week_labels),
            counts=list(task.counts),
            help_count=len(task.help_steps),
            axis_labels=list(task.axis_labels),
        )
        for step in task.help_steps:
            card.ids.help_steps.add_widget(
                HelpStepCard(picture=step.picture, title=step.title, sentence=step.sentence, times=step.times)
            )
        return card

    def forget(self) -> None:
        """Drop everything about the person shown (on Back, and before showing another)."""
        self.report = None
        self.name_text = self.photo = self.sentences = self.empty_title = self.empty_body = self.alone_means = ""
        self.source = ""
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
