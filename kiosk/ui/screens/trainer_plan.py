"""Trainer mode: a worker's day plan (``kiosk.plan``) made by tapping, and today seen at a glance.

Without a worker (from trainer home's **Day plans**) it first asks whose plan; from a worker's page
it opens theirs. The coach adds items by tapping an everyday picture or a pack (each gets its
sentence in every language and a time half an hour after the last item), moves an item earlier or
later in 15-minute steps, lets it come "after the previous one", removes it, chooses the weekdays,
and copies the plan to other workers. Every change is saved at once (one durable write of the whole
plan). Each row also says what happened to the item today and when (done 08:05, reminded 08:00),
so the coach sees the day without asking. The changes are the pure steps of ``kiosk.plan.editing``.
"""

from __future__ import annotations

from typing import Any, Callable

from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk.plan import Plan
from kiosk.plan.editing import PlanFull, add_activity, add_pack, move_time, remove, set_after_previous, toggle_day
from kiosk.plan.pictures import ACTIVITY_PICTURES, picture_path
from kiosk.ui.screens.base import TrainerScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.fit import FitLabel  # noqa: F401 - used in trainer_plan.kv
from kiosk.ui.widgets.buttons import KioskButton

DAY_WORDS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class PlanEditRow(BoxLayout):
    picture = StringProperty("")
    sentence = StringProperty("")
    when = StringProperty("")
    today_text = StringProperty("")
    today_open = BooleanProperty(False)  # on today's plan and not done or skipped yet
    wide = BooleanProperty(True)  # a landscape screen: the buttons in one row
    item_id = StringProperty("")
    screen = ObjectProperty(None)


class PickTile(ButtonBehavior, BoxLayout):
    picture = StringProperty("")
    title = StringProperty("")
    on_pick: Callable[[], None] | None = None

    def on_release(self) -> None:
        if self.on_pick is not None:
            self.on_pick()


class TrainerPlanScreen(TrainerScreen):
    title = StringProperty("")
    message = StringProperty("")
    person = ObjectProperty(None, allownone=True)
    choosing = BooleanProperty(True)
    sound = BooleanProperty(True)  # reminders with bell and voice for this worker

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plan: Plan = Plan()

    def prepare(self, person: Any | None = None) -> None:
        self.person = person
        self.message = ""
        self.update()

    def on_pre_enter(self, *_args: Any) -> None:
        self.update()

    def on_size(self, *_args: Any) -> None:
        wide = self.width > self.height
        rows = self.ids.items_box.children if "items_box" in self.ids else []
        if any(row.wide != wide for row in rows):
            for row in rows:
                row.wide = wide

    # -- showing ------------------------------------------------------------------------------------

    def update(self) -> None:
        self.choosing = self.person is None
        if self.person is None:
            self.title = self.tr("Whose day plan?")
            self._fill_people()
            return
        self.title = self.tr("Day plan: {name}", name=self.person.name)
        self.plan = self.app.plans.plan(self.person.id) or Plan()
        self.sound = not self.app.plans.store.no_sound(self.person.id)
        self._fill_days()
        self._fill_items()
        self._fill_picks()

    def _fill_people(self) -> None:
        box = self.ids.people_box
        box.clear_widgets()
        for person in self.app.people():
            button = KioskButton(text=person.name, icon="person", guarded=False, size_hint_y=None)
            button.height = self.app.theme.touch
            button.bind(on_activate=lambda _b, p=person: self.prepare(person=p))
            box.add_widget(button)

    def _fill_days(self) -> None:
        box = self.ids.days_box
        box.clear_widgets()
        for number, word in enumerate(DAY_WORDS):
            on = number in self.plan.days
            button = KioskButton(
                text=self.tr(word), icon="check" if on else "close", role="help" if on else "quiet", guarded=False
            )
            button.bind(on_activate=lambda _b, n=number: self._save(toggle_day(self.plan, n)))
            box.add_widget(button)

    def _fill_items(self) -> None:
        box = self.ids.items_box
        box.clear_widgets()
        plans = self.app.plans
        language = self.person.language
        view = plans.view(self.person)
        states = {s.item.id: s for s in view.items} if view is not None else {}
        zone = plans.zone
        for item in self.plan.items:
            state = states.get(item.id)
            today_text = ""
            if state is not None and state.closed_at is not None:
                word = "done" if state.state == "done" else "skipped"
                today_text = self.tr(f"{word} {{time}}", time=state.closed_at.astimezone(zone).strftime("%H:%M"))
            elif state is not None and state.started_at is not None:
                today_text = self.tr("started {time}", time=state.started_at.astimezone(zone).strftime("%H:%M"))
            elif state is not None and state.reminded_at is not None:
                today_text = self.tr("reminded {time}", time=state.reminded_at.astimezone(zone).strftime("%H:%M"))
            pack = self.app.shelf.find(item.pack) if item.pack else None
            picture = picture_path(item.picture)
            if picture is None and pack is not None:
                try:
                    picture = pack.thumbnail()
                except Exception:  # noqa: BLE001 - no picture: the row shows none
                    picture = None
            when = item.at.strftime("%H:%M") if item.at is not None else self.tr("after")
            if item.minutes:
                when += f" ({item.minutes}')"
            box.add_widget(
                PlanEditRow(
                    picture=str(picture) if picture else "",
                    sentence=item.text_for(language),
                    when=when,
                    today_text=today_text,
                    today_open=state is not None and state.closed_at is None,
                    wide=self.width > self.height,
                    item_id=item.id,
                    screen=self,
                )
            )

    def _fill_picks(self) -> None:
        """The packs first (what the worker practises), then the everyday pictures."""
        box = self.ids.picks_box
        box.clear_widgets()
        language = self.person.language
        for pack in self.app.shelf.packs:
            try:
                thumbnail = str(pack.thumbnail())
            except Exception:  # noqa: BLE001 - a pack without a picture still has its title
                thumbnail = ""
            tile = PickTile(picture=thumbnail, title=pack.title_for(language))
            titles = {lang: pack.title_for(lang) for lang in ("en", "de", "zh", language)}
            tile.on_pick = lambda p=pack, t=titles: self.add(lambda plan: add_pack(plan, p.id, t))
            box.add_widget(tile)
        for name in ACTIVITY_PICTURES:
            path = picture_path(name)
            tile = PickTile(picture=str(path) if path else "", title="")
            tile.on_pick = lambda n=name: self.add(lambda plan: add_activity(plan, n))
            box.add_widget(tile)

    # -- changing -----------------------------------------------------------------------------------

    def _save(self, plan: Plan) -> None:
        if self.person is None:
            return
        try:
            self.app.plans.store.set_plan(self.person.id, plan)
        except Exception as exc:  # noqa: BLE001 - say it, keep the screen
            self.message = self.tr("The plan could not be saved.")
            self.app.problems.add("journal", "The day plan could not be saved.", exc)
            return
        self.message = ""
        self.update()

    def earlier(self, item_id: str) -> None:
        self._save(move_time(self.plan, item_id, -15))

    def later(self, item_id: str) -> None:
        self._save(move_time(self.plan, item_id, 15))

    def after_previous(self, item_id: str) -> None:
        self._save(set_after_previous(self.plan, item_id))

    def remove(self, item_id: str) -> None:
        self._save(remove(self.plan, item_id))

    def toggle_sound(self) -> None:
        """Reminders for this worker with or without bell and voice (the card comes either way)."""
        if self.person is None:
            return
        try:
            self.app.plans.store.set_no_sound(self.person.id, self.sound)
        except Exception as exc:  # noqa: BLE001 - say it, keep the screen
            self.app.problems.add("journal", "The reminder sound could not be saved.", exc)
            self.message = self.tr("The plan could not be saved.")
            return
        self.sound = not self.sound

    def skip_today(self, item_id: str) -> None:
        """The coach says "not today" (an appointment, a day out): the item is recorded as skipped
        for today and neither shown nor reminded to the worker again today."""
        view = self.app.plans.view(self.person) if self.person is not None else None
        state = next((s for s in view.items if s.item.id == item_id), None) if view is not None else None
        if state is None or self.person is None or view is None:
            return
        self.app.plans.record_for(self.person, view.day, state, "skipped")
        self.update()

    def add(self, change: Callable[[Plan], Plan]) -> None:
        try:
            self._save(change(self.plan))
        except PlanFull:
            self.message = self.tr("The plan is full: remove an item first.")

    def copy_to_everyone(self) -> None:
        """Copy this plan to every other worker who has no plan yet (never over another plan)."""
        if self.person is None or not self.plan.items:
            return
        store = self.app.plans.store
        try:
            have = set(store.people_with_plans())
            targets = [p.id for p in self.app.people() if p.id != self.person.id and p.id not in have]
            copied = store.copy_plan(self.person.id, targets) if targets else []
        except Exception as exc:  # noqa: BLE001
            self.app.problems.add("journal", "The day plan could not be copied.", exc)
            self.message = self.tr("The plan could not be copied.")
            return
        self.message = self.tr("Copied to {count} workers.", count=len(copied))

    def go_back(self) -> None:
        self.app.back()


load_kv(__file__)
