"""Automatic switch scanning: for a worker who can press one switch and nothing else.

With ``scan_s`` set (a trainer setting, kiosk-wide or per worker), a highlight moves through the
choices of the worker screen every ``scan_s`` seconds, in reading order, starting at the screen's
main action; Space or Enter (the switch) chooses the highlighted one. On the people and tasks
screens each highlighted tile is also spoken ("auditory scanning"), so a worker who cannot read
hears whose photo or which task is lit. A key press restarts the wait, so the highlight never
moves away just as the worker presses. Trainer and family screens never scan.

The scanner watches which screen or dialog is in front on each tick rather than being told, so
no screen needs to know about it: screens only say ``scans = True`` and give ``focusables()`` in
reading order and ``main_focus_index()``.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock

from kiosk.ui.keys import Action


class Scanner:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.pace = 0.0
        self._event: Any = None
        self._front: Any = None  # the screen or dialog the highlight is moving on

    def set_pace(self, seconds: float) -> None:
        """Scan every ``seconds`` (0: off)."""
        seconds = max(0.0, float(seconds))
        if seconds == self.pace:
            return
        self.pace = seconds
        self._reschedule()

    def stop(self) -> None:
        self.set_pace(0)

    def _reschedule(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None
        self._front = None
        if self.pace:
            self._event = Clock.schedule_interval(self._tick, self.pace)

    def key_pressed(self) -> None:
        """Any key (the switch too; the app calls this first) gives the highlight a full period
        where it is now; when the key opens another screen or a dialog, the highlight starts
        there at once."""
        if self._event is not None:
            self._event.cancel()
            self._event = Clock.schedule_interval(self._tick, self.pace)
            Clock.schedule_once(self._follow, 0)  # after the key has been handled

    def _follow(self, _dt: float, tries: int = 10) -> None:
        """Light a screen or dialog the key opened, once it is in front and has its choices
        (a screen may change a frame later, and tiles are made as it enters)."""
        front = self.front()
        if front is not None and front is not self._front:
            self._light(front)
            if self._lit(front):
                return
            self._front = None
        if tries > 1:
            Clock.schedule_once(lambda dt: self._follow(dt, tries - 1), 0.1)

    @staticmethod
    def _lit(front: Any) -> bool:
        if hasattr(front, "focused_widget"):
            return front.focused_widget() is not None
        return True

    def front(self) -> Any | None:
        """What the highlight moves on: an open dialog, else a worker screen (None: nothing)."""
        overlay = getattr(self.app, "overlay", None)
        if overlay is not None:
            return overlay if hasattr(overlay, "handle") else None
        screen = self.app.sm.current_screen
        return screen if getattr(screen, "scans", False) else None

    def _tick(self, _dt: float) -> None:
        front = self.front()
        if front is None:
            self._front = None
            return
        if front is not self._front:
            self._light(front)
            return
        self.app.keyboard_mode = True
        if hasattr(front, "scan_next"):
            front.scan_next()
        else:
            front.handle(Action.FOCUS_NEXT)
        self._speak(front)

    def _light(self, front: Any) -> None:
        """A new screen or dialog: the highlight starts at its main action."""
        self._front = front
        self.app.keyboard_mode = True
        start = getattr(front, "scan_start", None)
        if start is not None:
            start()
        elif hasattr(front, "focus"):
            front.focus(getattr(front, "focus_index", 0))
        self._speak(front)

    def _speak(self, front: Any) -> None:
        focused = front.focused_widget() if hasattr(front, "focused_widget") else None
        if focused is not None and getattr(focused, "speaker", False):
            focused.dispatch("on_hear")  # the lit tile says its name
