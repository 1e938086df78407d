"""The kiosk's one safety net for errors nobody caught.

A kiosk stands alone all day; an unexpected error must never leave a worker in front of a dead or
vanished screen (a closed kiosk shows the desktop: the lock is gone). So every uncaught error -
in Kivy's main loop (``ExceptionManager``), in a Python thread (``threading.excepthook``) or
elsewhere (``sys.excepthook``) - is logged with its traceback, recorded as a trainer problem, and
the kiosk goes back to the nearest safe screen. If errors keep coming (``GIVE_UP_AFTER`` within
``WINDOW_S`` seconds) the kiosk cannot recover by itself: it stops with ``EXIT_CRASHED`` so a
supervisor (systemd's ``Restart=``) starts it afresh.

``CrashCounter`` is the Kivy-free part (tested on its own); ``SafetyNet`` wires it to the app.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections import deque
from typing import Any, Callable

log = logging.getLogger(__name__)

GIVE_UP_AFTER = 5
WINDOW_S = 30.0
EXIT_CRASHED = 70  # EX_SOFTWARE: an internal error; the supervisor restarts the kiosk


class CrashCounter:
    """Counts errors in a sliding time window and says when to give up."""

    def __init__(self, clock: Callable[[], float], limit: int = GIVE_UP_AFTER, window_s: float = WINDOW_S) -> None:
        self._clock = clock
        self._limit = limit
        self._window = window_s
        self._times: deque[float] = deque()

    def add(self) -> bool:
        """Count one error; True when there were ``limit`` within the window (give up)."""
        now = self._clock()
        self._times.append(now)
        while self._times and now - self._times[0] > self._window:
            self._times.popleft()
        return len(self._times) >= self._limit


class SafetyNet:
    """Install with ``install()``; ``handle_exception`` is Kivy's ExceptionManager hook."""

    def __init__(self, app: Any, clock: Callable[[], float]) -> None:
        self.app = app
        self.counter = CrashCounter(clock)
        self.caught: list[BaseException] = []
        self._previous_hooks: tuple[Any, Any] | None = None

    def install(self) -> None:
        from kivy.base import ExceptionManager

        ExceptionManager.add_handler(self)
        self._previous_hooks = (sys.excepthook, threading.excepthook)
        sys.excepthook = self._sys_hook
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        from kivy.base import ExceptionManager

        ExceptionManager.remove_handler(self)
        if self._previous_hooks is not None:
            sys.excepthook, threading.excepthook = self._previous_hooks
            self._previous_hooks = None

    # Kivy's ExceptionManager calls this for an error in the main loop.
    def handle_exception(self, error: BaseException) -> int:
        from kivy.base import ExceptionManager

        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            return ExceptionManager.RAISE
        self._record(error, "main loop")
        if self.counter.add():
            log.critical("Errors keep coming; the kiosk stops so its supervisor can restart it")
            self.app.give_up(EXIT_CRASHED)
        else:
            self._recover()
        return ExceptionManager.PASS

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or isinstance(args.exc_value, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "a thread"
        self._record(args.exc_value, name)

    def _sys_hook(self, kind: type[BaseException], error: BaseException, tb: Any) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        self._record(error, "program")

    def _record(self, error: BaseException, where: str) -> None:
        self.caught.append(error)
        del self.caught[:-20]
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        log.error("Unexpected error in the %s:\n%s", where, text)
        from kivy.clock import Clock

        message = f"The kiosk met an unexpected problem ({type(error).__name__}) and carried on."
        Clock.schedule_once(lambda _dt: self.app.problems.add("kiosk", message, str(error)[:300]), 0)

    def _recover(self) -> None:
        from kivy.clock import Clock

        Clock.schedule_once(lambda _dt: self.app.return_to_safe_screen(), 0)
