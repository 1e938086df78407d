"""Now / Next: the worker's day plan at a glance (``kiosk.plan``; docs/ui.md).

The current item large (its picture, its sentence, spoken on arrival; **Start** when it has a
pack, **Done** when it has not; a countdown ring that only drains when it has a duration), the
next item smaller beside or below it, and at most the rest of that part of the day under it. Done
items are only a small tick with a count: out of the way. Before the first item of the day, the
large card shows what comes first and when; after the last, "All done for today".

Nothing forces and nothing punishes: an item whose time went by is simply gone, the ring never
turns red, starting early is fine, and **All tasks** (the tasks screen) is always one tap away.
What is shown is decided by ``kiosk.plan.day_view`` (pure); this screen only draws it.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.plan import DayView, ItemState
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.buttons import Focusable
from kiosk.ui.widgets.counters import TimerRing  # noqa: F401 - used in plan_now.kv
from kiosk.ui.widgets.fit import FitLabel  # noqa: F401 - used in plan_now.kv


class PlanRow(BoxLayout):
    """A smaller item: picture, sentence, its time."""

    picture = StringProperty("")
    sentence = StringProperty("")
    when = StringProperty("")


class PlanNowScreen(KioskScreen):
    heading = StringProperty("")
    picture = StringProperty("")
    sentence = StringProperty("")
    has_pack = BooleanProperty(False)
    has_focus_item = BooleanProperty(False)
    has_ring = BooleanProperty(False)
    ring_seconds = NumericProperty(1)
    ring_left = NumericProperty(0)
    done_count = NumericProperty(0)
    has_back = BooleanProperty(False)
    worker_photo = StringProperty("")
    next_row = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.view: DayView | None = None
        self.focus_state: ItemState | None = None
        self._ticker: Any = None
        self._spoken_for: tuple[Any, str] | None = None
        self._shape: Any = None  # what the last drawing showed, so an unchanged day is not redrawn

    # -- showing ------------------------------------------------------------------------------------

    def on_pre_enter(self, *_args: Any) -> None:
        self._shape = None  # always draw afresh on arrival (another worker, another language)
        self.has_back = self.app.several_workers()
        worker = self.app.worker
        photo = self.app.journal.photo_path(worker.photo) if worker is not None else None
        self.worker_photo = str(photo) if photo is not None and photo.is_file() else ""
        self.refresh()

    def on_enter(self, *_args: Any) -> None:
        self._ticker = Clock.schedule_interval(lambda _dt: self._tick_ring(), 1.0)
        self._speak_once()
        Clock.schedule_once(lambda _dt: self.app.plans.check(), 0.3)

    def on_leave(self, *_args: Any) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None

    def refresh(self) -> None:
        """Ask the plan what the day looks like now and draw it."""
        worker = self.app.worker
        self.view = view = self.app.plans.view(worker)
        if view is None:
            return
        shape = (view.day, worker.id if worker is not None else None, tuple((s.item.id, s.state) for s in view.items))
        if shape == self._shape:  # nothing moved (the periodic check): only the ring
            self.focus_state = view.now or view.next
            self._tick_ring()
            return
        self._shape = shape
        language = worker.language if worker is not None else self.app.ui_lang
        plans = self.app.plans
        zone = plans.zone
        focus = view.now or view.next
        self.focus_state = focus
        self.done_count = len(view.done)
        self.has_focus_item = focus is not None
        if focus is None:
            self.heading = self.tr("All done for today.")
            self.picture = ""
            self.sentence = ""
            self.has_pack = False
        else:
            if focus is view.now:
                self.heading = self.tr("Now")
            elif focus.slot.start is not None:
                self.heading = self.tr("Next, at {time}", time=focus.slot.start.astimezone(zone).strftime("%H:%M"))
            else:
                self.heading = self.tr("Next")
            self.picture = plans.picture(focus)
            self.sentence = focus.item.text_for(language)
            self.has_pack = plans.pack(focus) is not None
        after = [s for s in (view.next, *view.rest) if s is not None and s is not focus]
        self._fill_next(after[:1], language)
        self._fill_rest(after[1:], language)
        self._tick_ring()
        self._speak_once()

    def _row(self, state: ItemState, language: str) -> PlanRow:
        start = state.slot.start
        return PlanRow(
            picture=self.app.plans.picture(state),
            sentence=state.item.text_for(language),
            when=start.astimezone(self.app.plans.zone).strftime("%H:%M") if start is not None else "",
        )

    def _fill_next(self, states: list[ItemState], language: str) -> None:
        box = self.ids.next_box
        box.clear_widgets()
        self.next_row = None
        for state in states:
            self.next_row = self._row(state, language)
            box.add_widget(self.next_row)

    def _fill_rest(self, states: list[ItemState], language: str) -> None:
        box = self.ids.rest_box
        box.clear_widgets()
        for state in states:
            row = self._row(state, language)
            row.small = True
            box.add_widget(row)

    def _tick_ring(self) -> None:
        focus = self.focus_state
        ends = focus.ends_at if focus is not None and self.view is not None and focus is self.view.now else None
        if ends is None or focus is None or focus.item.minutes is None:
            self.has_ring = False
            return
        self.has_ring = True
        self.ring_seconds = focus.item.minutes * 60
        self.ring_left = max(0.0, (ends - self.app.plans.clock()).total_seconds())

    def _speak_once(self) -> None:
        """Say the large card's sentence once when it changes (not at every refresh)."""
        focus = self.focus_state
        if focus is None or self.manager is None or self.manager.current != self.name:
            return
        key = (self.view.day if self.view else None, focus.item.id)
        if key == self._spoken_for or self.app.overlay is not None:
            return
        self._spoken_for = key
        worker = self.app.worker
        if worker is not None and self.app.worker_settings().autoplay and self.app.plans.sound_allowed(worker):
            self.app.audio.say(self.sentence, self.app.ui_lang)

    # -- acting -------------------------------------------------------------------------------------

    def main_action(self) -> None:
        self.ids.main.activate()

    def do_main(self) -> None:
        focus, view = self.focus_state, self.view
        if focus is None or view is None:
            self.open_tasks()
            return
        if self.has_pack:
            self.app.plans.start_item(focus, view.day)
        else:
            self.app.plans.mark_done(focus, view.day)
            self.refresh()

    def open_tasks(self) -> None:
        self.app.go("tasks")

    def hear(self) -> None:
        if self.sentence:
            self.app.audio.say(self.sentence, self.app.ui_lang)

    def go_back(self) -> None:
        if self.has_back:
            self.app.back_to_people()

    def focusables(self) -> list[Focusable]:
        return [self.ids.main, self.ids.hear, self.ids.tasks]


load_kv(__file__)
