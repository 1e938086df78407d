"""The journal: a durable record of people, runs and every step event, with progress and exports.

Kivy-free. The contract (docs/ARCHITECTURE.md)::

    from kiosk.journal import Journal, Person, JournalError
    j = Journal.open(path)       # creates/migrates; WAL + synchronous=FULL; damaged -> JournalError
    r = Journal.open_read_only(path)  # lists, exports, reports: never creates or writes

Progress figures are in ``kiosk.journal.progress``, exports in ``kiosk.journal.export``.
"""

from kiosk.journal.errors import JournalError
from kiosk.journal.journal import Journal, PersonDeleted, set_aside_damaged
from kiosk.journal.model import EVENTS, OUTCOMES, Device, Person, Run, StepEvent
from kiosk.journal.schema import SCHEMA_VERSION

__all__ = [
    "EVENTS",
    "OUTCOMES",
    "SCHEMA_VERSION",
    "Device",
    "Journal",
    "JournalError",
    "Person",
    "PersonDeleted",
    "Run",
    "StepEvent",
    "set_aside_damaged",
]
