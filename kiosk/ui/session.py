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
- The run moves by *screens*, not steps: with support that fades (``kiosk.support``) learned steps
  may share one screen. Every step of a screen is logged as shown and done, so the journal keeps
  one line per step whatever the screen showed. ``expand`` turns the current screen back into
  full-support steps at once (Help on a faded step).
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any, Callable

from kiosk.support import Level, PackSupport, StepScreen, full_support
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
        support: PackSupport | None = None,
    ) -> None:
        self.journal = journal
        self.person = person
        self.pack = pack
        self.problems = problems
        self.clock = clock
        self.support = support or full_support(pack)
        self.screens: list[StepScreen] = list(self.support.screens)
        start = max(0, min(start_index, len(pack.steps) - 1))
        self.screen_index = next((i for i, screen in enumerate(self.screens) if start in screen.steps), 0)
        self.finished = False
        self.tally = 0  # taps on the current step's count dots
        self._shown_at: float | None = None
        self._pending: deque[Callable[[], None]] = deque()
        self.schedule: Callable[[], None] = self.flush
        self.run_id: int | None = self._open(resume_from)

    # -- position -------------------------------------------------------------------------------

    @property
    def screen(self) -> StepScreen:
        return self.screens[self.screen_index]

    @property
    def index(self) -> int:
        """The (first) step on screen, 0-based."""
        return self.screen.first

    @property
    def level(self) -> Level:
        return self.screen.level

    @property
    def steps(self) -> list[Any]:
        """The steps on screen (one, or a group of learned steps)."""
        return [self.pack.steps[i] for i in self.screen.steps]

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
    def last_number(self) -> int:
        return self.screen.last + 1

    @property
    def is_first(self) -> bool:
        return self.screen_index == 0

    @property
    def is_last(self) -> bool:
        return self.screen_index == len(self.screens) - 1

    def next_steps(self) -> list[Any]:
        """The steps of the next screen (to fetch their pictures and voices ahead)."""
        if self.is_last:
            return []
        return [self.pack.steps[i] for i in self.screens[self.screen_index + 1].steps]

    def previous_steps(self) -> list[Any]:
        if self.is_first:
            return []
        return [self.pack.steps[i] for i in self.screens[self.screen_index - 1].steps]

    def expand(self) -> bool:
        """Full support on this screen at once (Help on a faded step): a group becomes its steps,
        each at full support, for the rest of this run. True when something changed."""
        screen = self.screen
        if screen.level is Level.FULL:
            return False
        self.screens[self.screen_index : self.screen_index + 1] = [StepScreen((i,), Level.FULL) for i in screen.steps]
        self.arrive()
        return True

    # -- worker actions -------------------------------------------------------------------------

    def arrive(self) -> None:
        """The current screen is now shown: log 'shown' for its steps and start its clock."""
        self._shown_at = self.clock()
        self.tally = 0
        level = int(self.screen.level)
        for index in self.screen.steps:
            self._record(index + 1, "shown", level=level)

    def next(self) -> bool:
        """Log 'done' for the steps on screen and move on; True when that was the last screen.
        A group's time is shared out evenly between its steps."""
        duration_ms = None
        steps = self.screen.steps
        if self._shown_at is not None:
            duration_ms = max(0, round((self.clock() - self._shown_at) * 1000 / len(steps)))
        level = int(self.screen.level)
        for index in steps:
            self._record(index + 1, "done", duration_ms, level=level)
        if self.is_last:
            self.finish("finished")
            return True
        self.screen_index += 1
        return False

    def back(self) -> bool:
        """Log 'back' and go to the previous screen; False (nothing logged) on the first one."""
        if self.is_first:
            return False
        self._record(self.number, "back")
        self.screen_index -= 1
        return True

    def event(self, name: str) -> None:
        """Log 'hear_again', 'help', 'timer_finished' or 'count_tap' for the current step."""
        if name == "count_tap":
            self.tally += 1
        self._record(self.number, name)

    def help_answered(self, waited_s: float) -> None:
        """A coach answered this step's help call after ``waited_s`` seconds: kept in the journal
        when it records help calls (``record_help_answered``), else only in the log."""
        record = getattr(self.journal, "record_help_answered", None)
        run_id = self.run_id
        if record is None or run_id is None:
            return
        number, waited_ms = self.number, max(0, round(waited_s * 1000))
        self._queue(lambda: record(run_id, number, waited_ms))
        self.schedule()

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
            return int(
                self.journal.start_run(
                    self.person.id, pack.id, pack.version, pack.content_hash, step_count=len(pack.steps)
                )
            )
        except Exception as exc:  # noqa: BLE001 - JournalError or worse: the worker carries on
            self._journal_problem(exc, "This task is not being recorded: the journal could not start it.")
            return None

    def _record(
        self, step_number: int, event: str, duration_ms: int | None = None, *, level: int | None = None
    ) -> None:
        run_id = self.run_id
        if run_id is None:
            return
        if level is None:
            self._queue(lambda: self.journal.record_step(run_id, step_number, event, duration_ms))
        else:
            self._queue(lambda: self.journal.record_step(run_id, step_number, event, duration_ms, level=level))
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
