"""Plans and plan events in the journal (schema migration 7; docs/plan-format.md, docs/journal.md).

A plan is stored whole, as the same document the coach's file holds, so replacing a plan is one
durable write and a plan is never half-saved. Plan events (started, done, skipped, reminded) are
durable on return like step events; they are keyed by the item and the *local* day they belong to,
so a kiosk clock set back or a DST change never moves them to another day.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Iterable

from kiosk.journal.journal import NEXT_PLAN_STAMP_SQL, Journal
from kiosk.journal.model import from_ms, to_ms
from kiosk.plan.check import plan_from_document
from kiosk.plan.day import PLAN_EVENTS, PlanEvent
from kiosk.plan.model import Plan, to_document

log = logging.getLogger(__name__)

#: Per-worker settings (``<topic>.<person id>``, exported and deleted with the person).
NO_SOUND_SETTING = "plan_no_sound"
# Every edit of a plan gets a hybrid-logical-clock stamp (journal migration 8; docs/hub.md): the
# workshop hub resolves the same plan edited on two kiosks to the later edit, even when the tablets'
# clocks drift, so the stamp is always past every plan stamp this journal has seen.
_WRITE_PLAN = (
    f"INSERT INTO plans (person_id, document, changed_at_ms, changed_stamp) VALUES (?, ?, ?, {NEXT_PLAN_STAMP_SQL}) "
    "ON CONFLICT (person_id) DO UPDATE SET document = excluded.document, changed_at_ms = excluded.changed_at_ms, "
    "changed_stamp = excluded.changed_stamp"
)
#: Kiosk-wide quiet hours: ``["12:00", "13:00"]`` (reminders come without sound).
QUIET_HOURS_SETTING = "plan.quiet_hours"


@dataclass(frozen=True)
class StoredPlanEvent:
    """A plan event as stored, with the day and the moment the item was planned for."""

    id: int
    person_id: int
    day: date
    event: PlanEvent
    due_at: datetime | None
    uuid: str


class PlanStore:
    """The plan part of one journal. Uses the journal's connection and clock."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    # -- plans ----------------------------------------------------------------------------------

    def plan(self, person_id: int) -> Plan | None:
        """The worker's plan, or None. A stored document that no longer reads as a plan (written
        by a newer kiosk) is logged and treated as no plan, never as a crash on the worker's
        screen."""
        row = self.journal.db.read_one("SELECT document FROM plans WHERE person_id = ?", (person_id,))
        if row is None:
            return None
        try:
            document = json.loads(row[0])
        except ValueError:
            log.warning("the stored plan of person %s is not JSON; it is ignored", person_id)
            return None
        plan, problems = plan_from_document(document, f"plan of person {person_id}")
        if plan is None:
            log.warning("the stored plan of person %s cannot be read: %s", person_id, "; ".join(map(str, problems)))
        return plan

    def people_with_plans(self) -> list[int]:
        return [person_id for (person_id,) in self.journal.db.read("SELECT person_id FROM plans ORDER BY person_id")]

    def set_plan(self, person_id: int, plan: Plan) -> None:
        """Store (or replace) the worker's plan; durable on return. KeyError for an unknown person."""
        if self.journal.person(person_id) is None:
            raise KeyError(f"no person with id {person_id}")
        document = json.dumps(to_document(plan), ensure_ascii=False, separators=(",", ":"))
        now_ms = to_ms(self.journal.now())
        self.journal.db.write(_WRITE_PLAN, (person_id, document, now_ms, now_ms))

    def delete_plan(self, person_id: int) -> None:
        self.journal.db.write("DELETE FROM plans WHERE person_id = ?", (person_id,))

    def copy_plan(self, from_person: int, to_people: Iterable[int]) -> list[int]:
        """Give other workers the same plan (each their own copy, changed independently after);
        all or none. Returns who got it. KeyError when the first has no plan or someone is unknown."""
        plan = self.plan(from_person)
        if plan is None:
            raise KeyError(f"person {from_person} has no plan")
        targets = [int(p) for p in to_people if int(p) != from_person]
        for target in targets:
            if self.journal.person(target) is None:
                raise KeyError(f"no person with id {target}")
        document = json.dumps(to_document(plan), ensure_ascii=False, separators=(",", ":"))
        now_ms = to_ms(self.journal.now())
        with self.journal.db.transaction() as db:
            for target in targets:
                db.execute(_WRITE_PLAN, (target, document, now_ms, now_ms))
        return targets

    # -- events ---------------------------------------------------------------------------------

    def record(
        self,
        person_id: int,
        day: date,
        item_id: str,
        event: str,
        *,
        due_at: datetime | None = None,
        run_id: int | None = None,
        at: datetime | None = None,
    ) -> PlanEvent:
        """Record that ``event`` happened to an item on the local ``day``; durable on return.
        ``at``: the moment (the kiosk's plan clock, which tests move fast); default the journal's."""
        if event not in PLAN_EVENTS:
            raise ValueError(f"unknown plan event {event!r}; expected one of {', '.join(PLAN_EVENTS)}")
        now = at if at is not None else self.journal.now()
        self.journal.db.write(
            "INSERT INTO plan_events (person_id, day, item_id, event, at_ms, due_at_ms, run_id, uuid) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                person_id,
                day.isoformat(),
                item_id,
                event,
                to_ms(now),
                to_ms(due_at) if due_at is not None else None,
                run_id,
                str(uuid.uuid4()),
            ),
        )
        return PlanEvent(item_id=item_id, event=event, at=from_ms(to_ms(now)), run_id=run_id)

    def events(self, person_id: int, day: date) -> list[PlanEvent]:
        """One worker's plan events of one local day, in the order they were recorded."""
        rows = self.journal.db.read(
            "SELECT item_id, event, at_ms, run_id FROM plan_events WHERE person_id = ? AND day = ? ORDER BY id",
            (person_id, day.isoformat()),
        )
        return [PlanEvent(item_id=i, event=e, at=from_ms(at), run_id=r) for i, e, at, r in rows]

    def history(self, person_id: int, since: date | None = None) -> list[StoredPlanEvent]:
        """All of a worker's plan events (from ``since``, a local day), oldest first."""
        rows = self.journal.db.read(
            "SELECT id, person_id, day, item_id, event, at_ms, run_id, due_at_ms, uuid FROM plan_events "
            "WHERE person_id = ? AND day >= ? ORDER BY day, id",
            (person_id, (since or date.min).isoformat()),
        )
        return [
            StoredPlanEvent(
                id=row_id,
                person_id=pid,
                day=date.fromisoformat(day),
                event=PlanEvent(item_id=item, event=event, at=from_ms(at), run_id=run),
                due_at=from_ms(due) if due is not None else None,
                uuid=event_uuid,
            )
            for row_id, pid, day, item, event, at, run, due, event_uuid in rows
        ]

    # -- settings -------------------------------------------------------------------------------

    def no_sound(self, person_id: int) -> bool:
        return bool(self.journal.get_setting(f"{NO_SOUND_SETTING}.{person_id}", False))

    def set_no_sound(self, person_id: int, value: bool) -> None:
        self.journal.set_setting(f"{NO_SOUND_SETTING}.{person_id}", bool(value))

    def quiet_hours(self) -> tuple[time, time] | None:
        """The kiosk's quiet hours (``["12:00", "13:00"]``), or None when unset or unreadable."""
        value = self.journal.get_setting(QUIET_HOURS_SETTING)
        try:
            begin, end = (time.fromisoformat(str(part)) for part in value)
        except (TypeError, ValueError):
            return None
        return begin, end

    def set_quiet_hours(self, span: tuple[time, time] | None) -> None:
        if span is None:
            self.journal.delete_setting(QUIET_HOURS_SETTING)
        else:
            self.journal.set_setting(QUIET_HOURS_SETTING, [span[0].strftime("%H:%M"), span[1].strftime("%H:%M")])
