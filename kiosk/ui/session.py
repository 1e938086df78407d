"""One worker doing one pack: which step is shown and what the journal is told about it.

Kivy-free so the rules are easy to test. Why it looks like this:
- Every journal write is wrapped: a ``JournalError`` (disk full, read-only stick) or any other
  failure becomes a problem for the trainer and the worker carries on; if the run could not even be
  opened, later writes are skipped rather than failing one by one.
- Writes are queued and flushed by ``schedule`` (the app passes a Kivy trigger that runs after the
  next frame), so a tap on Next swaps the picture first and the fsync'ed journal writes
  (synchronous=FULL) happen after the new step is on screen. Order is kept: the queue is FIFO and
  ``flush`` runs before finishing and on app stop.
- Durations come from an injected monotonic clock (Kivy's ``Clock.get_time`` in the app).
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any, Callable

from kiosk.ui.problems import ProblemLog

Clock = Callable[[], float]


class RunSession:
    """Step position plus journal logging for one run (a new run or a resumed one)."""

    def __init__(
        self,
        journal: Any,
        person: Any,
        pack: Any,
        problems: ProblemLog,
        *,
        start_index: int = 0,
        resume_from: int | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        self.journal = journal
        self.person = person
        self.pack = pack
        self.problems = problems
        self.clock = clock
        self.index = max(0, min(start_index, len(pack.steps) - 1))
        self.finished = False
        self.tally = 0                  # taps on the current step's count dots
        self._shown_at: float | None = None
        self._pending: deque[Callable[[], None]] = deque()
        self.schedule: Callable[[], None] = self.flush
        self.run_id: int | None = self._open(resume_from)

    # -- position -------------------------------------------------------------------------------

    @property
    def step(self) -> Any:
        return self.pack.steps[self.index]

    @property
    def total(self) -> int:
        return len(self.pack.steps)

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def is_first(self) -> bool:
        return self.index == 0

    @property
    def is_last(self) -> bool:
        return self.index == self.total - 1

    # -- worker actions -------------------------------------------------------------------------

    def arrive(self) -> None:
        """The current step is now on screen: log 'shown' and start its clock."""
        self._shown_at = self.clock()
        self.tally = 0
        self._record(self.number, "shown")

    def next(self) -> bool:
        """Log 'done' for the current step and move on; True when that was the last step."""
        duration_ms = None
        if self._shown_at is not None:
            duration_ms = max(0, round((self.clock() - self._shown_at) * 1000))
        self._record(self.number, "done", duration_ms)
        if self.is_last:
            self.finish("finished")
            return True
        self.index += 1
        return False

    def back(self) -> bool:
        """Log 'back' and go to the previous step; False (nothing logged) on the first step."""
        if self.is_first:
            return False
        self._record(self.number, "back")
        self.index -= 1
        return True

    def event(self, name: str) -> None:
        """Log 'hear_again', 'help', 'timer_finished' or 'count_tap' for the current step."""
        if name == "count_tap":
            self.tally += 1
        self._record(self.number, name)

    def finish(self, outcome: str) -> None:
        """Close the run ('finished' or 'abandoned') after every queued write."""
        if self.finished:
            return
        self.finished = True
        run_id = self.run_id
        if run_id is not None:
            self._queue(lambda: self.journal.finish_run(run_id, outcome))
        self.flush()

    # -- journal --------------------------------------------------------------------------------

    def flush(self) -> None:
        """Run the queued journal writes in order."""
        while self._pending:
            self._pending.popleft()()

    def _open(self, resume_from: int | None) -> int | None:
        pack = self.pack
        try:
            if resume_from is not None:
                return int(self.journal.resume_run(resume_from))
            return int(self.journal.start_run(
                self.person.id, pack.id, pack.version, pack.content_hash, step_count=len(pack.steps)
            ))
        except Exception as exc:  # noqa: BLE001 - JournalError or worse: the worker carries on
            self._journal_problem(exc, "This task is not being recorded: the journal could not start it.")
            return None

    def _record(self, step_number: int, event: str, duration_ms: int | None = None) -> None:
        run_id = self.run_id
        if run_id is None:
            return
        self._queue(lambda: self.journal.record_step(run_id, step_number, event, duration_ms))
        self.schedule()

    def _queue(self, write: Callable[[], None]) -> None:
        def safe() -> None:
            try:
                write()
            except Exception as exc:  # noqa: BLE001
                self._journal_problem(exc, "A step could not be recorded in the journal.")

        self._pending.append(safe)

    def _journal_problem(self, exc: Exception, fallback: str) -> None:
        message = getattr(exc, "message", None) or fallback
        detail = getattr(exc, "hint", None) or f"{type(exc).__name__}: {exc}"
        self.problems.add("journal", message, detail)
