"""Shown instead of the PIN pad when trainer mode cannot be opened safely (see
``kiosk.trainer.door``): a lock, one calm sentence anyone can read, and below it the reason and
what a trainer can do. Its only button goes back to the worker screens."""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.trainer.door import Closed
from kiosk.ui.keys import KEY_ENTER, KEY_ESCAPE, KEY_KP_ENTER, KEY_SPACE
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import load_kv


class TrainerClosedScreen(KioskScreen):
    reason = StringProperty("")
    hint = StringProperty("")

    def tr(self, message: str, **values: Any) -> str:
        return self.app.tr(message, self.app.kiosk_lang, **values)

    def prepare(self, closed: Closed) -> None:
        self.reason = closed.reason
        self.hint = closed.hint

    def go_back(self) -> None:
        self.app.back()

    def handle_key(self, key: int, _codepoint: str | None, _modifiers: list[str]) -> bool:
        if key in (KEY_ENTER, KEY_KP_ENTER, KEY_SPACE, KEY_ESCAPE):
            self.go_back()
        return True


load_kv(__file__)
