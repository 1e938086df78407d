"""What every kiosk screen shares: its ``.kv`` file, the app, and keyboard/switch handling.

Keys arrive as ``Action``s (``kiosk.ui.keys``): MAIN, BACK, HEAR and HELP call the screen's
methods of the same meaning; FOCUS_NEXT/PREV move a visible focus ring over ``focusables()``
(tiles, or the buttons of a screen), and MAIN on a screen with a focused widget presses it.
"""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.screenmanager import Screen

from kiosk.ui.keys import Action
from kiosk.ui.widgets.buttons import Focusable


class KioskScreen(Screen):
    """Base class: override ``main_action``, ``go_back``, ``hear``, ``focusables``."""

    focus_index: int = -1
    scans: bool = False  # a worker screen the switch-scanning highlight moves on (kiosk.ui.scanning)

    def __init__(self, **kwargs: Any) -> None:
        # The screen keeps the app that made it: a late timer of a screen never reaches another app.
        self._app = App.get_running_app()
        super().__init__(**kwargs)

    @property
    def app(self) -> Any:
        return self._app

    def tr(self, message: str, **values: Any) -> str:
        return self.app.tr(message, **values)

    # -- keys -----------------------------------------------------------------------------------

    def handle(self, action: Action) -> bool:
        if action == Action.MAIN:
            focused = self.focused_widget()
            if focused is not None and self.app.keyboard_mode:
                focused.activate()
            else:
                self.main_action()
        elif action == Action.BACK:
            self.go_back()
        elif action == Action.HEAR:
            self.hear()
        elif action == Action.HELP:
            self.app.open_help()
        elif action in (Action.FOCUS_NEXT, Action.FOCUS_PREV):
            self.move_focus(1 if action == Action.FOCUS_NEXT else -1)
        return True

    def main_action(self) -> None:
        """Space / Enter without a focused widget."""

    def go_back(self) -> None:
        """Backspace."""

    def hear(self) -> None:
        """R: hear again."""

    # -- focus ----------------------------------------------------------------------------------

    def focusables(self) -> list[Focusable]:
        """The choices in reading order (Tab and switch scanning go through them)."""
        return []

    def main_focus_index(self) -> int:
        """Where the scanning highlight starts: the screen's main action."""
        return 0

    def scan_start(self) -> None:
        if self.focusables():
            self.set_focus(self.main_focus_index())

    def scan_next(self) -> None:
        self.move_focus(1)

    def focused_widget(self) -> Focusable | None:
        items = self.focusables()
        if 0 <= self.focus_index < len(items):
            return items[self.focus_index]
        return None

    def move_focus(self, delta: int) -> None:
        items = self.focusables()
        if not items:
            return
        if not self.app.keyboard_mode:
            self.app.keyboard_mode = True
            index = max(self.focus_index, 0)  # first key press shows the ring where it is
        else:
            index = (self.focus_index + delta) % len(items)
        self.set_focus(index)

    def set_focus(self, index: int) -> None:
        items = self.focusables()
        self.focus_index = index if items else -1
        for number, item in enumerate(items):
            item.focused = number == index
        focused = self.focused_widget()
        if focused is not None:
            self.scroll_to(focused)

    def scroll_to(self, widget: Any) -> None:
        """Screens with a ScrollView bring the focused widget into view."""


class TrainerScreen(KioskScreen):
    """A trainer screen: the kiosk's language, Back (and Backspace) to where the trainer came
    from, Escape ignored (it must never look like a way out)."""

    def tr(self, message: str, **values: Any) -> str:
        return self.app.tr(message, self.app.kiosk_lang, **values)

    def go_back(self) -> None:
        self.app.back()

    def handle_key(self, key: int, _codepoint: str | None, _modifiers: list[str]) -> bool:
        return key == 27  # Escape does nothing on trainer screens


#: Seconds a family's progress screen may stay untouched before it closes by itself.
IDLE_SECONDS = 90


class LeavesWhenIdle:
    """For the family's progress screens: a visitor who walks away leaves nothing on the kiosk.

    Any touch or key on the screen restarts the wait; after ``IDLE_SECONDS`` without one the
    progress view is left as with Back (the report forgotten, the next visitor needs the PIN).
    Mix in before the screen class.
    """

    idle_seconds = IDLE_SECONDS

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._idle_event: Any = None
        self.bind(on_enter=self._start_idle, on_leave=self._stop_idle)  # type: ignore[attr-defined]

    def _start_idle(self, *_args: Any) -> None:
        Window.bind(on_key_down=self.poke)
        self.poke()

    def _stop_idle(self, *_args: Any) -> None:
        Window.unbind(on_key_down=self.poke)
        if self._idle_event is not None:
            self._idle_event.cancel()
            self._idle_event = None

    def poke(self, *_args: Any) -> None:
        if self._idle_event is not None:
            self._idle_event.cancel()
        self._idle_event = Clock.schedule_once(self._idle_timeout, self.idle_seconds)

    def _idle_timeout(self, _dt: float) -> None:
        self._idle_event = None
        manager = self.manager  # type: ignore[attr-defined]
        if manager is not None and manager.current == self.name:  # type: ignore[attr-defined]
            self.app.back(out_of="progress_")  # type: ignore[attr-defined]

    def on_touch_down(self, touch: Any) -> bool:
        self.poke()
        return super().on_touch_down(touch)  # type: ignore[misc]
