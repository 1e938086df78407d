"""An idle kiosk sleeps in SDL's event wait instead of waking 60 times a second (``kiosk.ui.calm_loop``),
and still reads a key, a tap, a thread's news and a timer as soon as they come.

These run the kiosk's real main loop body (``EventLoop.idle()`` then ``Window.mainloop()``, as
``runTouchApp`` does) with Kivy's frame cap at 60 fps (the other UI tests turn it off) and real
SDL events pushed into SDL's queue, so they are read where a real key or tap is read. Times are
real: each test waits at most a second or two.
"""

from __future__ import annotations

import ctypes
import threading
import time
from typing import Any, Callable, Iterator

import pytest
from kivy.base import EventLoop
from kivy.clock import Clock
from kivy.core.window import Window

from kiosk.ui import calm_loop

KEYDOWN, KEYUP, BUTTONDOWN, BUTTONUP = 0x300, 0x301, 0x401, 0x402


@pytest.fixture
def capped() -> Iterator[None]:
    """Kivy's frame cap as the kiosk runs it (the UI tests run uncapped)."""
    uncapped = Clock._max_fps  # noqa: SLF001 - the cap Kivy's idle reads
    Clock._max_fps = 60  # noqa: SLF001
    yield
    Clock._max_fps = uncapped  # noqa: SLF001


def loop(seconds: float, until: Callable[[], bool] = lambda: False) -> int:
    """Kivy's main loop body for ``seconds`` (or until ``until()``); returns how many turns it made."""
    turns, end = 0, time.monotonic() + seconds
    while time.monotonic() < end and not until():
        EventLoop.idle()
        Window.mainloop()
        turns += 1
    return turns


def go_calm(app: Any) -> None:
    before = app.calm_loop.calm_sleeps
    loop(2.0, until=lambda: app.calm_loop.calm_sleeps > before)
    assert app.calm_loop.calm_sleeps > before, "the loop never went calm"


def push(kind: int, **fields: int) -> None:
    """A real SDL event into SDL's queue (thread-safe), as a key or a mouse would put it there."""
    sdl = calm_loop._loaded_sdl()  # noqa: SLF001
    assert sdl is not None
    sdl.SDL_GL_GetCurrentWindow.restype = ctypes.c_void_p
    sdl.SDL_GetWindowID.argtypes = [ctypes.c_void_p]
    event = (ctypes.c_uint8 * 56)()
    words = ctypes.cast(event, ctypes.POINTER(ctypes.c_uint32))
    words[0], words[2] = kind, sdl.SDL_GetWindowID(sdl.SDL_GL_GetCurrentWindow())
    if kind in (KEYDOWN, KEYUP):  # state, repeat, keysym (scancode, sym, mod)
        event[12] = 1 if kind == KEYDOWN else 0
        ints = ctypes.cast(ctypes.byref(event, 16), ctypes.POINTER(ctypes.c_int32))
        ints[0], ints[1] = fields["scancode"], fields["sym"]
    else:  # which, button, state, clicks, x, y
        event[16], event[17], event[18] = 1, 1 if kind == BUTTONDOWN else 0, 1
        ints = ctypes.cast(ctypes.byref(event, 20), ctypes.POINTER(ctypes.c_int32))
        ints[0], ints[1] = fields["x"], fields["y"]
    assert sdl.SDL_PushEvent(event) == 1


def later(seconds: float, action: Callable[[], None]) -> list[float]:
    """Run ``action`` on another thread after ``seconds``; the list gets the moment it ran."""
    at: list[float] = []

    def run() -> None:
        time.sleep(seconds)
        at.append(time.monotonic())
        action()

    threading.Thread(target=run, daemon=True).start()
    return at


def start_task(ui: Any) -> Any:
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "sort-screws"))
    ui.settle()
    ui.advance(1.0)  # past the tap guard
    return ui.screen


def test_an_idle_kiosk_turns_its_loop_a_few_times_a_second_where_kivy_turns_it_sixty(
    kiosk: Any, ui: Any, capped: Any
) -> None:
    app = kiosk(people=[("Anna", "en")])
    start_task(ui)
    assert app.calm_loop is not None
    go_calm(app)
    calm_turns = loop(1.5)
    app.calm_loop.uninstall()
    try:
        kivy_turns = loop(1.5)
    finally:
        app.calm_loop.install()
    # Wake-ups: Kivy's cache purge (1 s), the worker and plan checks (5 s), a sound still playing
    # (Kivy checks it every 0.1 s), CALM_MAX_S at the latest; Kivy's own loop turns 60 times a second.
    assert calm_turns <= 20, calm_turns
    assert kivy_turns >= 4 * calm_turns, (kivy_turns, calm_turns)


def test_a_switch_press_wakes_the_calm_loop_at_once(kiosk: Any, ui: Any, capped: Any) -> None:
    app = kiosk(people=[("Anna", "en")])
    step = start_task(ui)
    number = step.session.number
    go_calm(app)
    pushed = later(0.2, lambda: (push(KEYDOWN, scancode=44, sym=32), push(KEYUP, scancode=44, sym=32)))
    loop(2.0, until=lambda: step.session.number != number)
    assert step.session.number == number + 1
    assert time.monotonic() - pushed[0] < 0.15  # read at once, not after a calm sleep of CALM_MAX_S


def test_a_tap_wakes_the_calm_loop_and_its_touch_is_dispatched_at_once(kiosk: Any, ui: Any, capped: Any) -> None:
    app = kiosk(people=[("Anna", "en")])
    step = start_task(ui)
    number = step.session.number
    x, y = step.ids.next.to_window(*step.ids.next.center)
    touched: list[float] = []
    Window.fbind("on_touch_down", lambda *_args: touched.append(time.monotonic()))
    go_calm(app)
    down = later(0.2, lambda: push(BUTTONDOWN, x=int(x), y=int(Window.height - y)))
    loop(1.0, until=lambda: bool(touched))
    assert touched and touched[0] - down[0] < 0.15  # the touch is dispatched at once
    go_calm(app)
    up = later(0.1, lambda: push(BUTTONUP, x=int(x), y=int(Window.height - y)))
    loop(2.0, until=lambda: step.session.number != number)
    assert step.session.number == number + 1 and time.monotonic() - up[0] < 0.15


def test_work_scheduled_from_another_thread_wakes_the_calm_loop(kiosk: Any, ui: Any, capped: Any) -> None:
    app = kiosk(people=[("Anna", "en")])
    go_calm(app)
    ran: list[float] = []
    scheduled = later(0.2, lambda: Clock.schedule_once(lambda _dt: ran.append(time.monotonic())))
    loop(2.0, until=lambda: bool(ran))
    assert ran and ran[0] - scheduled[0] < 0.1
    assert app.calm_loop.wakes_pushed >= 1


def test_a_timer_due_during_a_calm_spell_runs_on_time(kiosk: Any, ui: Any, capped: Any) -> None:
    app = kiosk(people=[("Anna", "en")])
    go_calm(app)
    ran: list[float] = []
    asked = time.monotonic()
    Clock.schedule_once(lambda _dt: ran.append(time.monotonic()), 0.3)
    loop(2.0, until=lambda: bool(ran))
    assert ran and 0.25 <= ran[0] - asked < 0.4


def test_uncapped_the_loop_is_kivys_own_and_stopping_the_app_puts_kivy_back(kiosk: Any, ui: Any) -> None:
    app = kiosk()
    before = app.calm_loop.calm_sleeps
    loop(0.3)
    assert app.calm_loop.calm_sleeps == before  # maxfps 0: never sleeps
    app.calm_loop.uninstall()
    assert (
        Clock.idle != app.calm_loop.idle and Clock.idle.__name__ == "idle" and Window.mainloop != app.calm_loop.mainloop
    )
    app.calm_loop.install()
    assert Clock.idle == app.calm_loop.idle
