"""The tap-guard: a second activation soon after the first is ignored.

Workers with shaky hands often tap twice, and a bouncy switch sends two presses; without a guard a
double tap skips a step. Kivy's ``min_state_time`` does not debounce, so every activation in the
kiosk (tap or key) asks one shared guard first. Time comes from an injected clock (Kivy's
``Clock.get_time`` in the app), so tests move time instead of sleeping.
"""

from __future__ import annotations

from typing import Callable

DEFAULT_GUARD_SECONDS = 0.5


class TapGuard:
    def __init__(self, clock: Callable[[], float], seconds: float = DEFAULT_GUARD_SECONDS) -> None:
        self._clock = clock
        self.seconds = seconds
        self._last: float | None = None

    def accept(self) -> bool:
        """True (and remember the time) if this activation counts; False if it is a bounce."""
        now = self._clock()
        if self._last is not None and 0 <= now - self._last < self.seconds:
            return False
        self._last = now
        return True
