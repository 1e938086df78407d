"""The trainer's home: leave the kiosk, go back to worker mode, change the look, see problems.

Kept small on purpose: more trainer screens (people, packs, progress) register a button here
through ``kiosk.ui.screens.TRAINER_ACTIONS``. The settings here are kiosk-wide; a worker's own
preferences (set per person) still win for that worker.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import StringProperty

from kiosk.ui.screens import TRAINER_ACTIONS
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.theme import TEXT_SCALES
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.buttons import KioskButton

PROBLEMS_SHOWN = 8
HUB_REFRESH_S = 2.0


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
        if self.app.hub_sync is not None:  # the hub's state changes while the trainer looks
            self._refresh = Clock.schedule_interval(lambda _dt: self.update(), HUB_REFRESH_S)

    def on_leave(self, *_args: Any) -> None:
        refresh = getattr(self, "_refresh", None)
        if refresh is not None:
            refresh.cancel()
            self._refresh = None

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
        hub = self.app.hub_status_text()
        if hub:  # first: whether this kiosk's records reach the workshop hub
            self.problems_text = f"{self.tr('Hub')}: {hub}\n{self.problems_text}"

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
