"""An idle kiosk sleeps until something happens, instead of waking sixty times a second.

Kivy's clock wakes the main loop once a frame (60 times a second by default) whether or not there
is anything to do: 2.7 % of a core for an empty window on the development machine, all day long,
on a tablet's battery. A kiosk spends most of its day on one still step. So once a few frames in a
row had nothing to do (no redraw pending, no input, no Clock event due within the next frame), the
loop sleeps in SDL's own wait for an event (``SDL_WaitEventTimeout``, which waits on the display's
connection, not by polling). It returns at once when a key, a touch, the mouse or the window
stirs, when the next scheduled Clock event is due, or after ``CALM_MAX_S`` at the latest. Work
scheduled from another thread (a decoded picture, a scan's result, the pack watcher's news) wakes
it by pushing an empty event of its own into SDL's queue (``SDL_PushEvent`` is thread-safe; Kivy
skips event types it does not know).

While anything is going on (a fade, a video, an animation, a redraw, input), Kivy's own frame
pacing runs unchanged. Input is never read later than under it: the first key or tap after a calm
spell is read the moment it arrives, and the frame it changes is drawn at once (Kivy would wait a
frame's time first; the last frame drawn was a calm spell ago, so the cap of 60 a second holds).

Only where Kivy runs its window on SDL2 and its library is found in the process (Linux wheels);
elsewhere, and with the frame cap off (``maxfps`` 0, as the UI tests run), Kivy's loop stays as is.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from pathlib import Path
from typing import Any

from kivy.clock import Clock

log = logging.getLogger(__name__)

#: The longest calm sleep: a safety net for anything that changes without telling the Clock.
CALM_MAX_S = 0.5
#: Frames in a row with nothing to do before the loop goes calm (a fade's last frames, a tap's
#: touch waiting in Kivy's input queue for the next frame).
QUIET_FRAMES = 3
_SDL_PEEKEVENT = 1  # SDL_eventaction
_SDL_FIRSTEVENT, _SDL_LAST_OWN_EVENT = 0, 0x7FFF  # SDL's own event types; applications' start at 0x8000
_SDL_EVENT_SIZE = 56  # sizeof(SDL_Event) in SDL2


def _loaded_sdl() -> ctypes.CDLL | None:
    """The SDL2 library Kivy's window runs on, as loaded in this process (Linux: from its maps)."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return None
    for line in maps.splitlines():
        path = line.rsplit(" ", 1)[-1]
        if Path(path).name.startswith(("libSDL2-2", "libSDL2.so")):  # Kivy's wheel; a system SDL2
            try:
                return ctypes.CDLL(path)
            except OSError:
                return None
    return None


class CalmLoop:
    """Kivy's frame pacing while something happens; SDL's event wait while nothing does."""

    def __init__(self, sdl: ctypes.CDLL, window: Any) -> None:
        self._sdl = sdl
        self._window = window
        sdl.SDL_WaitEventTimeout.argtypes = [ctypes.c_void_p, ctypes.c_int]
        sdl.SDL_WaitEventTimeout.restype = ctypes.c_int
        sdl.SDL_PeepEvents.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_uint32, ctypes.c_uint32]
        sdl.SDL_PeepEvents.restype = ctypes.c_int
        sdl.SDL_PushEvent.argtypes = [ctypes.c_void_p]
        sdl.SDL_PushEvent.restype = ctypes.c_int
        sdl.SDL_RegisterEvents.argtypes = [ctypes.c_int]
        sdl.SDL_RegisterEvents.restype = ctypes.c_uint32
        sdl.SDL_FlushEvent.argtypes = [ctypes.c_uint32]
        self._wake_type = sdl.SDL_RegisterEvents(1)
        if self._wake_type == 0xFFFFFFFF:
            raise RuntimeError("SDL has no user event type left")
        self._wake_event = ctypes.create_string_buffer(_SDL_EVENT_SIZE)
        ctypes.memmove(self._wake_event, ctypes.byref(ctypes.c_uint32(self._wake_type)), 4)
        self._main_thread = threading.get_ident()
        self._sleeping = False
        self._quiet = 0
        self._input = False
        self._draw_at_once = False
        self.calm_sleeps = 0  # how often it slept calmly (tests and benchmarks read it)
        self.wakes_pushed = 0  # wake-ups pushed from other threads
        self._installed = False

    # -- the loop ------------------------------------------------------------------------------
    def idle(self) -> float:
        """Clock.idle: Kivy's own pacing, or a calm sleep when several frames had nothing to do."""
        clock = Clock
        fps = clock._max_fps  # noqa: SLF001 - Kivy's frame cap, as its own idle reads it
        if fps <= 0:
            return self._kivy_idle()
        stirred = self._input or self._window.canvas.needs_redraw
        self._input = False
        if self._draw_at_once:
            # Input woke a calm loop and has been read: its frame is drawn now, not a frame's
            # time after the wake-up (the last frame drawn is a calm spell ago, so the cap holds).
            self._draw_at_once = False
            self._quiet = 0
            return self._tick_now()
        due = clock.get_min_timeout()  # when the next Clock event is due; 0: at the next frame
        if stirred:
            self._quiet = 0
        elif due > clock._last_tick + 1 / fps:  # noqa: SLF001 - Kivy's time of the last frame
            self._quiet += 1
        else:
            return self._kivy_idle()  # a Clock event for the next frame: run it at Kivy's pace
        if self._quiet < QUIET_FRAMES:
            return self._kivy_idle()
        self._sleeping = True  # from here a thread's schedule pushes a wake-up (even before the wait)
        try:
            # Asked again: an event a thread scheduled since ``due`` was read pushed no wake-up.
            wait_s = min(clock.get_min_timeout(), clock.time() + CALM_MAX_S) - clock.time()
            if wait_s > 0.001:
                self.calm_sleeps += 1
                if self._sdl.SDL_WaitEventTimeout(None, max(1, int(wait_s * 1000))):
                    self._sdl.SDL_FlushEvent(self._wake_type)  # a thread's wake-up has done its job
                    self._input = self._draw_at_once = self._has_input()
        finally:
            self._sleeping = False
        return self._tick_now()

    @staticmethod
    def _tick_now() -> float:
        """The end of Kivy's idle: this frame's time and the time since the last one."""
        current = Clock.time()
        Clock._dt = current - Clock._last_tick  # noqa: SLF001 - what Kivy's idle sets, the same way
        Clock._last_tick = current  # noqa: SLF001
        return current

    def mainloop(self) -> None:
        """Window.mainloop: note whether SDL had events for it (a tap's touch is dispatched only at
        the next frame, so that frame must come at Kivy's pace), then let Kivy read them."""
        self._sdl.SDL_PumpEvents()
        if self._has_input():
            self._input = True
        self._kivy_mainloop()

    def _has_input(self) -> bool:
        """Whether SDL's queue holds an event of its own (input, the window), not a wake-up."""
        return self._sdl.SDL_PeepEvents(None, 0, _SDL_PEEKEVENT, _SDL_FIRSTEVENT, _SDL_LAST_OWN_EVENT) > 0

    def on_schedule(self, event: Any) -> None:
        """Clock.on_schedule (Kivy calls it for every event scheduled, from any thread); the clock's
        own goes first (an interrupting clock, ``KIVY_CLOCK=interrupt``, wakes its sleep there)."""
        self._kivy_on_schedule(event)
        if self._sleeping and threading.get_ident() != self._main_thread:
            self.wakes_pushed += 1
            self._sdl.SDL_PushEvent(self._wake_event)

    # -- putting it in place -------------------------------------------------------------------
    def install(self) -> None:
        if self._installed:
            return
        self._kivy_idle = Clock.idle
        self._kivy_on_schedule = Clock.on_schedule
        self._kivy_mainloop = self._window.mainloop
        Clock.idle = self.idle
        Clock.on_schedule = self.on_schedule
        self._window.mainloop = self.mainloop
        self._installed = True

    def uninstall(self) -> None:
        if not self._installed:
            return
        # Kivy's Clock is a proxy that cannot delete an attribute: its own methods go back instead.
        Clock.idle = self._kivy_idle
        Clock.on_schedule = self._kivy_on_schedule
        self._window.mainloop = self._kivy_mainloop
        self._installed = False


def install(window: Any) -> CalmLoop | None:
    """Put a calm loop under Kivy's main loop; None where it cannot run (no SDL2 window)."""
    if type(window).__name__ != "WindowSDL":
        return None
    sdl = _loaded_sdl()
    if sdl is None:
        log.info("calm loop: SDL2 not found in this process; Kivy's frame loop runs as is")
        return None
    try:
        loop = CalmLoop(sdl, window)
    except (AttributeError, RuntimeError) as error:
        log.info("calm loop: not available (%s); Kivy's frame loop runs as is", error)
        return None
    loop.install()
    return loop
