"""The day plan inside the running kiosk: which screen a worker starts on, plan events, reminders.

The decisions are ``kiosk.plan``'s (pure, tested with an injected clock); this module only asks
them at the right moments and turns the answers into screens, a reminder card and badges:

* **Start screen.** A worker with items today starts on "Now / Next" (``plan_now``); the tasks
  screen is one tap away. Without a plan, or on a day without items, the tasks screen as before.
* **Reminders** (``check``, every few seconds and right after a task): only for the worker signed
  in, only on their own calm screens (never during a task, never over another overlay), once per
  item and day. A worker with a reminder due who is not signed in gets a small badge on their
  photo on "Who are you?" instead; nobody else is ever interrupted.
* **Sound**: a soft bell, then the sentence spoken, unless it is quiet hours or the worker's
  "no sound" setting is on (the card still comes, silently).
* **Events**: reminded when the card is shown, started when the worker starts an item, done when
  they tick it or its pack is finished (with the run), so the coach and the family report see
  what happened and when.

``clock`` and ``zone`` are attributes so the UI tests can drive a whole day in fast time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timezone, tzinfo
from typing import Any, Callable

from kiosk.plan import DayView, ItemState, day_view, due_reminder, in_quiet_hours, local_zone
from kiosk.plan.day import plan_zone, today
from kiosk.plan.model import Plan
from kiosk.plan.pictures import picture_path
from kiosk.plan.store import PlanStore

log = logging.getLogger(__name__)

#: Screens on which a worker may see their reminder card (never the step or "well done" screens).
CALM_SCREENS = frozenset({"plan_now", "tasks"})
CHECK_EVERY_S = 5.0


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class _Active:
    """The plan item whose pack is running, so its end marks the item done."""

    person_id: int
    day: Any
    item_id: str
    pack_id: str


class PlanService:
    """One per app. Every journal call is guarded: a plan must never stop a worker."""

    def __init__(self, app: Any, clock: Callable[[], datetime] | None = None, zone: tzinfo | None = None) -> None:
        self.app = app
        self.clock = clock if clock is not None else _utc_now  # looked up now: tests may replace it
        self.zone = zone or local_zone()
        self.badges: frozenset[int] = frozenset()
        self._active: _Active | None = None

    @property
    def store(self) -> PlanStore:
        return PlanStore(self.app.journal)

    def _guarded(self, what: str, action: Callable[[], Any], default: Any = None) -> Any:
        try:
            return action()
        except Exception as exc:  # noqa: BLE001 - the plan is a help, never a reason to stop
            self.app.problems.add("journal", f"The day plan could not be {what}.", exc)
            return default

    # -- reading ----------------------------------------------------------------------------------

    def plan(self, person_id: int) -> Plan | None:
        return self._guarded("read", lambda: self.store.plan(person_id))

    def quiet_hours(self) -> tuple[time, time] | None:
        return self._guarded("read", self.store.quiet_hours)

    def set_quiet_hours(self, span: tuple[time, time] | None) -> None:
        """The trainer's choice (Settings): reminders in that span show without chime or voice."""
        self._guarded("saved", lambda: self.store.set_quiet_hours(span))

    def view(self, person: Any) -> DayView | None:
        """The worker's day now, or None without a plan."""
        if person is None:
            return None
        plan = self.plan(person.id)
        if plan is None:
            return None
        zone = plan_zone(plan, self.zone)
        now = self.clock()
        day = today(now, zone)
        events = self._guarded("read", lambda: self.store.events(person.id, day), [])
        return day_view(plan, events, now, self.zone)

    def start_screen(self, person: Any) -> str:
        view = self.view(person)
        return "plan_now" if view is not None and view.has_items else "tasks"

    def picture(self, state: ItemState) -> str:
        """The item's picture file: its activity picture, else its pack's tile picture, else ''."""
        path = picture_path(state.item.picture)
        if path is not None:
            return str(path)
        pack = self.pack(state)
        if pack is not None:
            try:
                return str(pack.thumbnail())
            except Exception:  # noqa: BLE001 - a pack without a usable picture: none
                return ""
        return ""

    def pack(self, state: ItemState) -> Any | None:
        return self.app.shelf.find(state.item.pack) if state.item.pack else None

    # -- what the worker does -----------------------------------------------------------------------

    def _record(self, person_id: int, day: Any, state: ItemState, event: str, run_id: int | None = None) -> None:
        self._guarded(
            "saved",
            lambda: self.store.record(
                person_id, day, state.item.id, event, due_at=state.slot.start, run_id=run_id, at=self.clock()
            ),
        )

    def record_for(self, person: Any, day: Any, state: ItemState, event: str) -> None:
        """Record an event for any worker (the coach's "not today")."""
        self._record(person.id, day, state, event)

    def start_item(self, state: ItemState, day: Any) -> None:
        """Start: the pack runs (through the app's own ``start_task``); an item without a pack is
        simply begun."""
        worker = self.app.worker
        if worker is None:
            return
        self.app.close_overlay()
        pack = self.pack(state)
        self._record(worker.id, day, state, "started")
        if pack is None:
            return
        self._active = _Active(worker.id, day, state.item.id, pack.id)
        self.app.start_task(pack)

    def mark_done(self, state: ItemState, day: Any) -> None:
        worker = self.app.worker
        if worker is not None:
            self._record(worker.id, day, state, "done")

    def task_finished(self, session: Any) -> None:
        """A pack run ended well: if it was a plan item's, that item is done (with its run)."""
        active, self._active = self._active, None
        if active is None or session is None or session.pack is None:
            return
        if session.pack.id != active.pack_id or session.person.id != active.person_id:
            return
        self._guarded(
            "saved",
            lambda: self.store.record(
                active.person_id, active.day, active.item_id, "done", run_id=session.run_id, at=self.clock()
            ),
        )

    # -- reminders --------------------------------------------------------------------------------

    def check(self) -> ItemState | None:
        """Show a due reminder for the worker signed in, and refresh the people screen's badges.
        Returns the item reminded of (tests use it)."""
        app = self.app
        shown = None
        worker = app.worker
        screen = app.sm.current
        if worker is not None and screen in CALM_SCREENS and app.overlay is None and app.session is None:
            view = self.view(worker)
            due = due_reminder(view) if view is not None else None
            if due is not None and view is not None:
                self._record(worker.id, view.day, due, "reminded")
                self._show_card(worker, due, view)
                shown = due
            elif view is not None and screen == "plan_now":
                app.screen("plan_now").refresh()
        self._refresh_badges()
        return shown

    def _refresh_badges(self) -> None:
        """People (other than the one signed in) with a reminder due: a badge on their photo."""
        if self.app.sm.current != "people":
            return
        people = self._guarded("read", lambda: self.store.people_with_plans(), [])
        due: set[int] = set()
        for person_id in people:
            person = self._person(person_id)
            if person is None or person.archived:
                continue
            view = self.view(person)
            if view is not None and due_reminder(view) is not None:
                due.add(person_id)
        if frozenset(due) != self.badges:
            self.badges = frozenset(due)
            screen = self.app.screen("people")
            refresh = getattr(screen, "show_plan_badges", None)
            if refresh is not None:
                refresh(self.badges)

    def _person(self, person_id: int) -> Any:
        return self._guarded("read", lambda: self.app.journal.person(person_id))

    def sound_allowed(self, person: Any) -> bool:
        if self._guarded("read", lambda: self.store.no_sound(person.id), False):
            return False
        quiet = self._guarded("read", lambda: self.store.quiet_hours())
        return not in_quiet_hours(self.clock(), self.zone, quiet)

    def _show_card(self, worker: Any, state: ItemState, view: DayView) -> None:
        from kiosk.ui.widgets.plan_card import PlanReminderCard

        app = self.app
        language = worker.language
        sentence = state.item.text_for(language)
        pack = self.pack(state)
        card = PlanReminderCard(
            sentence=sentence,
            picture=self.picture(state),
            when=state.slot.start.astimezone(self.zone).strftime("%H:%M") if state.slot.start else "",
        )
        if pack is not None:
            card.add_button(app.tr("Start"), "next", lambda: self.start_item(state, view.day), role="primary")
            card.add_button(app.tr("OK"), "check", app.close_overlay)
        else:
            card.add_button(app.tr("OK"), "check", app.close_overlay, role="primary")
        app.open_overlay(card, focus=0)
        if self.sound_allowed(worker):
            bell = app.audio.play_ui("timer")
            app.audio.say(sentence, app.ui_lang if language is None else language, delay=bell)
        if app.sm.current == "plan_now":
            app.screen("plan_now").refresh()
