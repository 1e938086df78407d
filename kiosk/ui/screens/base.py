"""What every kiosk screen shares: its ``.kv`` file, the app, and keyboard/switch handling.

Keys arrive as ``Action``s (``kiosk.ui.keys``): MAIN, BACK, HEAR and HELP call the screen's
methods of the same meaning; FOCUS_NEXT/PREV move a visible focus ring over ``focusables()``
(tiles, or the buttons of a screen), and MAIN on a screen with a focused widget presses it.
"""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.uix.screenmanager import Screen

from kiosk.ui.keys import Action
from kiosk.ui.widgets.buttons import Focusable


class KioskScreen(Screen):
    """Base class: override ``main_action``, ``go_back``, ``hear``, ``focusables``."""

    focus_index: int = -1

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
        return []

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
