"""The theme's background comes from the window's clear colour, and a change of screen fades
between screens on that same background: Kivy's fade draws both screens into buffers cleared to
black unless told otherwise, which flashed dark for a quarter of a second at every change."""

from __future__ import annotations

import time
from typing import Any

from kivy.base import EventLoop
from kivy.core.window import Window
from kivy.graphics.opengl import GL_RGBA, GL_UNSIGNED_BYTE, glReadPixels


def corner_colour() -> tuple[int, int, int]:
    """The window's bottom right pixel (empty background on the tasks and progress screens)."""
    pixel = glReadPixels(int(Window.width) - 2, 2, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE)
    return (pixel[0], pixel[1], pixel[2])


def as_bytes(rgba: Any) -> tuple[int, int, int]:
    return tuple(round(channel * 255) for channel in rgba[:3])  # type: ignore[return-value]


def test_a_change_of_screen_never_flashes_dark(kiosk: Any, ui: Any) -> None:
    app = kiosk()
    background = as_bytes(app.theme.background)
    assert corner_colour() == background
    app.go("progress_people")
    seen = []
    end = time.perf_counter() + 1.0  # the fade takes 0.25 s
    while time.perf_counter() < end:
        EventLoop.idle()  # one real frame, on the real clock
        seen.append(corner_colour())
        time.sleep(0.01)
    assert app.sm.current == "progress_people" and len(seen) >= 5
    assert set(seen) == {background}, f"the fade showed {sorted(set(seen) - {background})}"


def test_the_fade_follows_a_workers_high_contrast_look(kiosk: Any, ui: Any) -> None:
    app = kiosk()
    calm = tuple(app.theme.background)
    assert tuple(app.sm.transition.clearcolor) == calm == tuple(Window.clearcolor)
    app.apply_look(app.settings.with_values({"high_contrast": True}))
    assert tuple(app.theme.background) != calm
    assert tuple(app.sm.transition.clearcolor) == tuple(app.theme.background) == tuple(Window.clearcolor)
    app.apply_look(app.settings)  # the next worker, in the calm look
    assert tuple(app.sm.transition.clearcolor) == calm == tuple(Window.clearcolor)
