"""Helpers shared by the journal tests (a module with a name no other test area uses, so it can be
imported from any journal test without clashing with other areas' helpers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

from kiosk.journal import Journal

MONDAY_MORNING = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)  # 2 March 2026 is a Monday


class FakeClock:
    """Aware UTC datetimes that advance only when told to."""

    def __init__(self, start: datetime = MONDAY_MORNING) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def set(self, moment: datetime) -> None:
        self.now = moment


@dataclass
class Player:
    """Plays runs through a journal the way the step screen logs them: each step is shown, help
    is asked where the test says, and the step is done ``step_seconds`` later."""

    journal: Journal
    clock: FakeClock

    def run(
        self,
        person_id: int,
        pack_id: str = "sandwich",
        *,
        steps: int = 5,
        help_on: Iterable[int] = (),
        step_seconds: float = 10,
        outcome: str | None = "finished",
        stop_after: int | None = None,
        version: int = 1,
        step_count_known: bool = True,
    ) -> int:
        """One run; ``stop_after`` ends it after that step (abandoned, or left open with outcome None)."""
        help_on = set(help_on)
        run_id = self.journal.start_run(
            person_id, pack_id, version, f"hash-{pack_id}-{version}", step_count=steps if step_count_known else None
        )
        self.play_steps(run_id, range(1, (stop_after or steps) + 1), help_on=help_on, step_seconds=step_seconds)
        if outcome is not None:
            self.journal.finish_run(run_id, outcome)
        return run_id

    def play_steps(
        self, run_id: int, numbers: Iterable[int], *, help_on: Iterable[int] = (), step_seconds: float = 10
    ) -> None:
        help_on = set(help_on)
        for number in numbers:
            self.journal.record_step(run_id, number, "shown")
            if number in help_on:
                self.journal.record_step(run_id, number, "help")
            self.clock.advance(seconds=step_seconds)
            self.journal.record_step(run_id, number, "done", duration_ms=int(step_seconds * 1000))


def play_on_both(
    kiosk: Any,
    combined: Any,
    clock: FakeClock,
    kiosk_person: int,
    combined_person: int,
    *,
    gap_minutes: float,
    **run: Any,
) -> None:
    """The same run, at the same moments, on a kiosk's journal and on one journal that gets every
    kiosk's runs (what a hub's union must equal); then ``gap_minutes`` pass."""
    start = clock.now
    Player(kiosk, clock).run(kiosk_person, **run)
    end = clock.now
    clock.set(start)
    Player(combined, clock).run(combined_person, **run)
    assert clock.now == end
    clock.advance(minutes=gap_minutes)
