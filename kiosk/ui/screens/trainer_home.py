"""The trainer's home: leave the kiosk, go back to worker mode, change the look, see problems.

Kept small on purpose: more trainer screens (people, packs, progress) register a button here
through ``kiosk.ui.screens.TRAINER_ACTIONS``. The settings here are kiosk-wide; a worker's own
preferences (set per person) still win for that worker.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.ui.screens import TRAINER_ACTIONS
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.theme import TEXT_SCALES
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.buttons import KioskButton

PROBLEMS_SHOWN = 8


class TrainerHomeScreen(KioskScreen):
    problems_text = StringProperty("")
    autoplay_text = StringProperty("")
    contrast_text = StringProperty("")
    text_size_text = StringProperty("")

    def tr(self, message: str, **values: Any) -> str:
        return self.app.tr(message, self.app.kiosk_lang, **values)

    def on_pre_enter(self, *_args: Any) -> None:
        self._build_actions()
        self.update()

    def update(self) -> None:
        settings = self.app.settings
        on, off = self.tr("On"), self.tr("Off")
        self.autoplay_text = on if settings.autoplay else off
        self.contrast_text = on if settings.high_contrast else off
        self.text_size_text = f"{round(settings.text_scale * 100)} %"
        stored = self.app.problems.stored()[-PROBLEMS_SHOWN:]
        if stored:
            lines = [
                f"{p.get('at', '')[:16].replace('T', ' ')}  {p.get('message', '')}  {p.get('detail', '')}"
                for p in reversed(stored)
            ]
            self.problems_text = "\n".join(lines)
        else:
            self.problems_text = self.tr("No problems.")

    def toggle_autoplay(self) -> None:
        self.app.change_setting("autoplay", not self.app.settings.autoplay)
        self.update()

    def toggle_contrast(self) -> None:
        self.app.change_setting("high_contrast", not self.app.settings.high_contrast)
        self.update()

    def next_text_size(self) -> None:
        scales = list(TEXT_SCALES)
        current = self.app.settings.text_scale
        index = scales.index(current) if current in scales else -1
        self.app.change_setting("text_scale", scales[(index + 1) % len(scales)])
        self.update()

    def clear_problems(self) -> None:
        self.app.problems.clear()
        self.update()

    def _build_actions(self) -> None:
        box = self.ids.actions
        box.clear_widgets()
        for action in TRAINER_ACTIONS:
            button = KioskButton(text=self.tr(action.text), icon=action.icon, guarded=False)
            button.bind(on_activate=lambda _b, name=action.screen: self.app.go(name))
            box.add_widget(button)

    def handle_key(self, key: int, _codepoint: str | None, _modifiers: list[str]) -> bool:
        return key == 27  # Escape does nothing here either


load_kv(__file__)
