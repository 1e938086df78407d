"""Work that must wait until the worker sees the new picture.

A key or a switch press is read after a frame has been drawn; anything it schedules "for the next
frame" (a Clock trigger) then runs *before* that frame is drawn. The journal's two fsync'ed
commits for Next, or the start of the step's voice, would hold back the new picture by their
whole time (tens of milliseconds on an SD card). ``after_next_frame`` runs its callback only once
the next frame has been swapped onto the screen: Window's ``on_flip`` handlers run just before the
buffers are swapped, so the callback goes to the Clock tick after that. If no frame is drawn (the
screen did not change), a fallback timer runs it anyway, so nothing waits for ever.
"""

from __future__ import annotations

from typing import Any, Callable

from kivy.clock import Clock
from kivy.core.window import Window

#: Seconds after which deferred work runs even when no frame has been drawn.
FALLBACK_S = 0.1


class AfterFrame:
    """Collects callbacks and runs them, in order, right after the next frame is on screen."""

    def __init__(self) -> None:
        self._waiting: list[Callable[[], Any]] = []
        self._fallback: Any = None

    def __call__(self, callback: Callable[[], Any]) -> None:
        if callback in self._waiting:
            return  # the same flush asked for twice in one frame: once is enough
        self._waiting.append(callback)
        if len(self._waiting) == 1:
            Window.bind(on_flip=self._flipped)
            self._fallback = Clock.schedule_once(self._run, FALLBACK_S)

    @property
    def pending(self) -> int:
        return len(self._waiting)

    def _flipped(self, *_args: Any) -> None:
        Window.unbind(on_flip=self._flipped)
        Clock.schedule_once(self._run, 0)  # the swap follows this handler; the next tick is after it

    def _run(self, *_args: Any) -> None:
        Window.unbind(on_flip=self._flipped)
        if self._fallback is not None:
            self._fallback.cancel()
            self._fallback = None
        waiting, self._waiting = self._waiting, []
        for callback in waiting:
            callback()

    def run_now(self) -> None:
        """Run what is waiting without waiting for a frame (a reader of the journal file that must
        see every acknowledged write: the tests)."""
        if self._waiting:
            self._run()

    def cancel(self) -> None:
        """Drop what is waiting (the app stops: it flushes the journal itself)."""
        Window.unbind(on_flip=self._flipped)
        if self._fallback is not None:
            self._fallback.cancel()
            self._fallback = None
        self._waiting = []
