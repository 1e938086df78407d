"""Support that fades: how much help each step shows, decided from the worker's own record.

Kivy-free. ``rules`` is the pure decision (levels, grouping); ``plan`` reads the journal and the
coach's choices. The step screen only renders what these decide (docs/support.md).
"""

from kiosk.support.plan import (
    PackSupport,
    decide_pack,
    fading_on,
    full_support,
    record_changes,
    reset_pack,
    set_locked,
)
from kiosk.support.rules import (
    DEFAULT_RULES,
    Level,
    Rules,
    StepDecision,
    StepOutcome,
    StepScreen,
    decide_step,
    plan_screens,
)

__all__ = [
    "DEFAULT_RULES",
    "Level",
    "PackSupport",
    "Rules",
    "StepDecision",
    "StepOutcome",
    "StepScreen",
    "decide_pack",
    "decide_step",
    "fading_on",
    "full_support",
    "plan_screens",
    "record_changes",
    "reset_pack",
    "set_locked",
]
