"""Drive the REAL kiosk app in-process under Xvfb (see KIVY_NOTES.md among the shared files).

One window for the whole session; per test the app is built with ``app._run_prepare()`` and run
with ``runTouchApp(embedded=True)``; frames are pumped with ``EventLoop.idle()``. Kivy's clock is
given a movable offset, so ``advance(seconds)`` moves time (tap-guard, timers, the finish pause,
the 3-second corner hold) without sleeping.

Fixtures:
- ``kiosk(packs=..., people=..., size=..., settings=..., speech=...)`` builds and
  starts the app on real packs (``kiosk.packs``) and a real journal (SQLite) in ``tmp_path``;
- ``ui``: ``tap(widget)``, ``press(key)``, ``advance(s)``, ``pump(n)``, ``hold(widget, s)``,
  ``shot(name)``, ``settle()`` for the running app;
- every test saves screenshots into ``$STEP_KIOSK_SCREENSHOTS`` (default: a temp folder).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from kiosk.ui import bootstrap

bootstrap.configure(fullscreen=False, size=(1280, 800), maxfps=0)

from kivy.app import App  # noqa: E402  (after bootstrap, on purpose)
from kivy.base import EventLoop, runTouchApp, stopTouchApp  # noqa: E402
from kivy.clock import Clock  # noqa: E402
from kivy.core.window import Window  # noqa: E402
from kivy.tests.common import UnitTestTouch  # noqa: E402

from ui_helpers import FakeSpeech, standard_library  # noqa: E402

SCREENSHOTS = Path(os.environ.get("STEP_KIOSK_SCREENSHOTS") or tempfile.mkdtemp(prefix="kiosk-shots-"))

_real_time = Clock.time
_offset = [0.0]
Clock.time = lambda: _real_time() + _offset[0]  # type: ignore[method-assign]


class UI:
    """Input and time for the running app."""

    def __init__(self, test_name: str) -> None:
        self.app: Any = None
        self.test_name = test_name
        self.shots: list[Path] = []

    # time and frames ---------------------------------------------------------------------------
    def pump(self, frames: int = 2) -> None:
        for _ in range(frames):
            EventLoop.idle()

    def advance(self, seconds: float) -> None:
        _offset[0] += seconds
        self.pump(3)

    def settle(self, background: bool = True) -> None:
        """Finish screen transitions and background work (pictures, packs, speech). Kivy's clock
        moves on for 200 frames (10 s) at most; work still running on a thread after that (a pack
        scan on a busy machine) is waited for in real time, up to 20 s, with the clock standing
        still, so no idle time-out fires meanwhile."""
        app = self.app

        def busy() -> bool:
            return app.sm.transition.is_active or (background and _busy(app))

        for _ in range(200):
            if not busy():
                break
            _offset[0] += 0.05
            EventLoop.idle()
        deadline = time.monotonic() + 20
        while busy() and time.monotonic() < deadline:
            time.sleep(0.01)
            EventLoop.idle()
        self.pump(2)

    # input -------------------------------------------------------------------------------------
    def tap(self, widget: Any, wait: bool = True) -> None:
        """Tap the centre of a widget; ``wait`` first lets the tap-guard time pass."""
        self.settle()
        if wait:
            self.advance(1.0)
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.pump(1)
        touch.touch_up()
        self.pump(2)
        self.settle()

    def hold(self, x: float, y: float, seconds: float) -> UnitTestTouch:
        """Press at (x, y), keep the finger down for ``seconds``, then lift it."""
        self.settle()
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.pump(1)
        self.advance(seconds)
        touch.touch_up()
        self.pump(2)
        self.settle()
        return touch

    def press(self, key: int | str, modifiers: list[str] | None = None, wait: bool = True) -> None:
        """A key press in SDL's order: on_key_down, then on_keyboard unless consumed, on_key_up."""
        self.settle()
        if wait:
            self.advance(1.0)
        codepoint = key if isinstance(key, str) else (chr(key) if 32 <= key < 127 else None)
        keycode = ord(key) if isinstance(key, str) else key
        mods = modifiers or []
        if not Window.dispatch("on_key_down", keycode, 0, codepoint, mods):
            Window.dispatch("on_keyboard", keycode, 0, codepoint, mods)
        Window.dispatch("on_key_up", keycode, 0)
        self.pump(2)
        self.settle()

    # looking -----------------------------------------------------------------------------------
    @property
    def screen(self) -> Any:
        return self.app.sm.current_screen

    def shot(self, name: str) -> Path:
        self.settle()
        self.pump(2)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        stem = f"{self.test_name}-{len(self.shots) + 1:02d}-{name}"
        path = Path(Window.screenshot(name=str(SCREENSHOTS / f"{stem}.png")))
        self.shots.append(path)
        return path


def _busy(app: Any) -> bool:
    """Background work still under way: a pack scan, picture decodes, speech."""
    return app.shelf.scanning or app.step_pictures.busy or app.tile_pictures.busy or app.audio.busy > 0


@pytest.fixture(scope="session")
def window() -> Any:
    EventLoop.ensure_window()
    return Window


@pytest.fixture
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return standard_library(tmp_path_factory.mktemp("packs"))


@pytest.fixture
def ui(request: pytest.FixtureRequest) -> UI:
    return UI(request.node.name.replace("[", "-").replace("]", ""))


@pytest.fixture
def kiosk(window: Any, tmp_path: Path, library: Path, ui: UI) -> Any:
    """Factory: ``kiosk(people=[("Anna", "en")], ...)`` -> the started KioskApp."""
    started: list[Any] = []

    def start(
        packs: list[Path] | None = None,
        people: list[tuple[str, str]] | None = None,
        size: tuple[int, int] = (1280, 800),
        settings: dict[str, Any] | None = None,
        speech: FakeSpeech | None = None,
        data: Path | None = None,
        prepare: Callable[[Any], None] | None = None,
    ) -> Any:
        from kiosk.journal import Journal
        from kiosk.paths import DataDir
        from kiosk.ui.app import KioskApp

        while started:  # one app at a time, as on a kiosk (kv's `app` follows the running one)
            _stop(started.pop())
        data_dir = DataDir(data or tmp_path / "data").ensure()
        if people or settings or prepare:
            with Journal.open(data_dir.journal) as journal:
                existing = {p.name for p in journal.people()}
                for name, language in people or []:
                    if name not in existing:
                        journal.add_person(name, language=language)
                for key, value in (settings or {}).items():
                    journal.set_setting(f"ui.{key}", value)
                if prepare is not None:
                    prepare(journal)
        Window.size = size
        speech = speech or FakeSpeech()
        app = KioskApp(packs or [library], data_dir, speech_factory=lambda: speech)
        app.fake_speech = speech
        app._run_prepare()
        # No full collection after a change of screen here (tests/ui/test_ui_tidy.py turns it on):
        # this process holds the objects of hundreds of test apps, so one takes seconds, not the
        # kiosk's 30-50 ms, and a test that counts on a screen's own timing then loses to it.
        app.tidier.grown_mib = float("inf")
        runTouchApp(embedded=True)
        ui.app = app
        started.append(app)
        ui.pump(3)
        ui.settle()
        return app

    yield start
    for app in started:
        _stop(app)


def _stop(app: Any) -> None:
    app.dispatch("on_stop")
    for child in list(Window.children):
        Window.remove_widget(child)
    stopTouchApp()
    App._running_app = None
    _cancel_kiosk_clock_events()
    _release_kv_bindings()


def _release_kv_bindings() -> None:
    """Let a stopped app's widgets go. Kivy's Builder keeps the bindings of a kv rule that
    reads another widget's property (``width: max(word.width, ...)``, ``self.ids.word...``) in a
    module-level table until the widget is collected, and the table itself holds the ids that
    lead back to the widget, so without this every app of the session stayed alive (60,000 and
    more objects a test): the test process grew by gigabytes, and each of Python's full
    collections walked all of it (17 s each near the end; one test took 100 s). On a kiosk one
    app lives as long as the process, so this is a matter of the test process only. Every
    widget outside the window after the app is stopped belongs to an app that will never run
    again."""
    import gc

    from kivy.lang import Builder
    from kivy.uix.widget import Widget

    for obj in gc.get_objects():
        if issubclass(type(obj), Widget) and obj.get_root_window() is None:  # not a proxy (type())
            Builder.unbind_widget(obj.uid)


def _cancel_kiosk_clock_events() -> None:
    """A stopped app's widgets may still have Clock events (a PIN lockout countdown, a blinking
    cursor); the next test ticks the same Clock with no app running, so cancel every event whose
    callback is the kiosk's own code. Kivy's own (its cache purge) stay."""
    for event in Clock.get_events():
        callback = event.get_callback()
        owner = getattr(callback, "__self__", None)
        module = getattr(type(owner), "__module__", "") if owner is not None else getattr(callback, "__module__", "")
        if (module or "").startswith("kiosk"):
            event.cancel()
