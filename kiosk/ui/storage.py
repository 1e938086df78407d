"""Which journal the kiosk works on, decided once at start, failing closed (Kivy-free).

The kiosk must keep running when its storage fails (a worker is never left with a dead screen,
and a stopped kiosk would show the desktop), but it must never open trainer mode without the PIN
that is stored. So, in this order:

1. the journal opens normally: ``mode="ok"``;
2. the file is damaged (empty, cut short, not a journal): it is set aside under a dated name
   (never overwritten), a new journal is started, and its trainer PIN is a "device reset" mark,
   so trainer mode stays closed until ``kiosk trainer set-pin`` on the device: ``mode="ok"`` with
   ``kept_as`` set;
3. it cannot be written (full, read-only, locked by another program, failing card) but can be
   read: the kiosk reads people and the stored PIN from it; steps are not saved:
   ``mode="read_only"``;
4. nothing can be read: a memory-only journal, a default worker, trainer mode closed:
   ``mode="memory"``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from kiosk.journal import Journal, JournalError, set_aside_damaged
from kiosk.trainer.door import TRAINER_PIN_KEY, Closed, device_reset_mark

log = logging.getLogger(__name__)


@dataclass
class Storage:
    journal: Journal
    mode: str  # "ok", "read_only" or "memory"
    problem: JournalError | None = None
    kept_as: Path | None = None  # where a damaged journal was set aside

    @property
    def writable(self) -> bool:
        return self.mode == "ok"

    def closed_door(self) -> Closed | None:
        """Why trainer mode is closed whatever PIN is typed (memory mode only; the other cases
        are decided from what the journal holds)."""
        if self.mode != "memory":
            return None
        problem = self.problem
        return Closed(
            "The kiosk cannot read its journal. " + (problem.message if problem else ""),
            (problem.hint + " " if problem else "") + "Then restart the kiosk. A forgotten PIN: "
            "'kiosk trainer reset-pin' on the device.",
        )


def open_storage(path: Path) -> Storage:
    """The journal for ``kiosk run`` (see the module docstring for the order)."""
    try:
        return Storage(Journal.open(path), "ok")
    except JournalError as error:
        problem = error
    log.error("Journal %s cannot be opened: %s", path, problem)
    if problem.kind == "damaged":
        try:
            kept_as = set_aside_damaged(path)
            journal = Journal.open(path)
        except JournalError as error:
            problem = error
        else:
            try:
                journal.set_setting(
                    TRAINER_PIN_KEY,
                    device_reset_mark("The journal was damaged, so the trainer PIN was lost.", str(kept_as)),
                )
            except JournalError as error:  # the new journal cannot keep the mark: do not use it
                journal.close()
                problem = error
            else:
                log.error("Damaged journal kept as %s; a new journal was started", kept_as)
                return Storage(journal, "ok", problem, kept_as)
    try:
        journal = Journal.open_read_only(path)
    except JournalError as error:
        log.error("Journal %s cannot be read either (%s): nothing is saved, trainer mode is closed", path, error)
        return Storage(Journal.open_in_memory(), "memory", problem)
    return Storage(journal, "read_only", problem)
