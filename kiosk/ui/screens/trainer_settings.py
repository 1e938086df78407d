"""Trainer: every kiosk-wide setting in one place, and the trainer PIN.

The rows (text size, speak each step, speech speed, tap-guard time, celebration, look, the next
worker after an idle tasks screen, kiosk language) come from ``kiosk.ui.models.settings`` and are
saved through the app's ``change_setting``; a worker follows them unless the trainer chose
otherwise for that worker (the worker's form: "Same as kiosk"). Changing the trainer PIN (``kiosk.ui.models.pin.PinChange``)
asks for the old PIN first (through the same door and lockout as the corner hold), then the new one
twice, on the kiosk's one ``PinPad``.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.plan.quiet import Span, quiet_hours_choices
from kiosk.ui.models.pin import PinChange
from kiosk.ui.models.settings import SettingsModel
from kiosk.ui.screens.base import TrainerScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.choices import fill_choices

ROW_BOXES = {
    "text_scale": "text_scale",
    "speech_rate": "speech_rate",
    "worker_idle_s": "worker_idle",
    "autoplay": "autoplay",
    "tap_guard_s": "tap_guard",
    "celebrate": "celebrate",
    "finish_pause_s": "finish_pause",
    "timer_digits": "timer_digits",
    "scan_s": "scan",
    "high_contrast": "look",
    "language": "language",
}


class TrainerSettingsScreen(TrainerScreen):
    pin_stage = StringProperty("old")  # old -> new -> again
    pin_prompt = StringProperty("")
    pin_message = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        app = self.app
        self.model = SettingsModel(lambda: app.settings, app.change_setting)
        self.pin_change = PinChange(app.door, app.pin_guard, app.problems, self.tr)

    def on_kv_post(self, base_widget: Any) -> None:
        self.ids.pin.bind(on_ok=lambda _pad, pin: self.take_pin(pin))

    def on_pre_enter(self, *_args: Any) -> None:
        self.restart_pin()
        self.update()

    def update(self) -> None:
        for row in self.model.rows(self.tr):
            fill_choices(
                self.ids[ROW_BOXES[row.key]], row.as_tuples(), row.current, lambda v, k=row.key: self.change(k, v)
            )
        self._show_quiet_hours()
        self._show_pin()

    # -- quiet hours (day plan reminders: no chime, no voice) ------------------------------------

    def _show_quiet_hours(self) -> None:
        current = self.app.plans.quiet_hours()
        fill_choices(self.ids.quiet_hours, quiet_hours_choices(current, self.tr), current, self.set_quiet_hours)

    def set_quiet_hours(self, span: Span | None) -> None:
        """Saved at once; the reminders read it each time (PlanService)."""
        self.app.plans.set_quiet_hours(span)
        self._show_quiet_hours()

    def change(self, name: str, value: Any) -> None:
        self.model.change(name, value)
        if name == "language":
            self.app.kiosk_lang = value
            if self.app.worker is None:
                self.app.ui_lang = value
        self.update()

    # -- trainer PIN ----------------------------------------------------------------------------

    def _show_pin(self) -> None:
        change = self.pin_change
        self.pin_stage, self.pin_prompt, self.pin_message = change.stage, change.prompt, change.message
        pad = self.ids.pin
        pad.validate = change.stage != "old"
        pad.message = change.message

    def restart_pin(self) -> None:
        self.pin_change.restart()
        self.ids.pin.clear()
        self._show_pin()

    def take_pin(self, pin: str) -> None:
        """The pad's OK: one step of old -> new -> again."""
        self.pin_change.take(pin)
        self._show_pin()

    def pin_ok(self) -> None:
        """OK pressed from outside the pad (keyboard focus)."""
        self.ids.pin.ok()

    def scroll_to(self, widget: Any) -> None:
        self.ids.scroller.scroll_to(widget, animate=False)


load_kv(__file__)
