"""Day plans: a picture schedule of each worker's day, with calm reminders (Kivy-free).

``model`` (the plan as data), ``day`` (now / next at a moment, pure), ``check`` and ``yamlio`` (the
coach's plan file with problems), ``store`` (plans and plan events in the journal), ``pictures``
(the activity picture library), ``report`` (the family report's day figures), ``cli``.
docs/plan-format.md describes the file.
"""

from kiosk.plan.day import (
    PLAN_EVENTS,
    DayView,
    ItemState,
    PlanEvent,
    Slot,
    day_view,
    due_reminder,
    in_quiet_hours,
    local_moment,
    local_zone,
    next_change,
    schedule,
)
from kiosk.plan.model import WEEKDAYS, DayChange, Plan, PlanItem, to_document

__all__ = [
    "PLAN_EVENTS",
    "WEEKDAYS",
    "DayChange",
    "DayView",
    "ItemState",
    "Plan",
    "PlanEvent",
    "PlanItem",
    "Slot",
    "day_view",
    "due_reminder",
    "in_quiet_hours",
    "local_moment",
    "local_zone",
    "next_change",
    "schedule",
    "to_document",
]
