"""Trainer: kiosk-wide settings and the trainer PIN.

Speak each step (``autoplay``), tap-guard time (``tap_guard_s``: 0.3 / 0.5 / 0.8 / 1.2 s),
celebration on the "well done" screen (``celebrate``), the look (calm / high contrast) and the
default language (``language``: people and trainer screens, new workers). Each is a journal setting
``ui.<name>`` (``kiosk.ui.settings``) changed through ``app.change_setting``; a worker's own
preferences still win for that worker. Changing the trainer PIN asks for the old PIN first (through
the same ``PinGuard`` and lockout as the door), then the new one twice.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.i18n import LANGUAGE_NAMES, LANGUAGES
from kiosk.trainer import DoorClosedError, validate_pin
from kiosk.ui.screens.base import TrainerScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.choices import fill_choices

TAP_GUARD_CHOICES = (0.3, 0.5, 0.8, 1.2)


class TrainerSettingsScreen(TrainerScreen):
    pin_stage = StringProperty("old")   # old -> new -> again
    pin_message = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._new_pin = ""

    def on_pre_enter(self, *_args: Any) -> None:
        self.restart_pin()
        self.pin_message = ""
        self.update()

    def update(self) -> None:
        settings, tr = self.app.settings, self.tr
        fill_choices(self.ids.autoplay, [(True, tr("On"), "speaker"), (False, tr("Off"), "close")],
                     settings.autoplay, lambda v: self.change("autoplay", v))
        fill_choices(self.ids.tap_guard, [(s, f"{s:.1f} s", "timer") for s in TAP_GUARD_CHOICES],
                     min(TAP_GUARD_CHOICES, key=lambda s: abs(s - settings.tap_guard_s)),
                     lambda v: self.change("tap_guard_s", v))
        fill_choices(self.ids.celebrate, [(True, tr("On"), "celebrate"), (False, tr("Off"), "close")],
                     settings.celebrate, lambda v: self.change("celebrate", v))
        fill_choices(self.ids.look, [(False, tr("Calm"), "settings"), (True, tr("High contrast"), "settings")],
                     settings.high_contrast, lambda v: self.change("high_contrast", v))
        fill_choices(self.ids.language, [(lang, LANGUAGE_NAMES[lang], "speaker") for lang in LANGUAGES],
                     settings.language, lambda v: self.change("language", v))

    def change(self, name: str, value: Any) -> None:
        self.app.change_setting(name, value)
        if name == "language":
            self.app.kiosk_lang = value
            if self.app.worker is None:
                self.app.ui_lang = value
        self.update()

    # -- trainer PIN ----------------------------------------------------------------------------

    def restart_pin(self) -> None:
        self.pin_stage = "old"
        self._new_pin = ""
        self.ids.pin.clear()

    def pin_ok(self) -> None:
        entered = self.ids.pin.entered
        self.ids.pin.clear()
        if self.pin_stage == "old":
            try:
                result = self.app.door.check(entered)
            except DoorClosedError as error:
                self.app.problems.add("journal", "The trainer PIN could not be checked.", error)
                self.pin_message = self.tr("The PIN cannot be checked right now.")
                return
            if result.ok:
                self.pin_stage, self.pin_message = "new", ""
            elif result.wait_seconds > 0:
                self.pin_message = self.tr("Please wait {seconds} seconds.", seconds=int(result.wait_seconds + 0.999))
            else:
                self.pin_message = self.tr("Wrong PIN.")
        elif self.pin_stage == "new":
            try:
                validate_pin(entered)
            except ValueError:
                self.pin_message = self.tr("A PIN has 4 to 8 digits.")
                return
            self._new_pin, self.pin_stage, self.pin_message = entered, "again", ""
        else:
            if entered != self._new_pin:
                self.pin_message = self.tr("The two PINs were different. Please start again.")
                self.pin_stage, self._new_pin = "new", ""
                return
            try:
                self.app.pin_guard.set_pin(entered)
            except Exception as exc:  # noqa: BLE001
                self.app.problems.add("journal", "The trainer PIN could not be saved.", exc)
                self.pin_message = self.tr("Could not save. Please try again.")
                return
            self.restart_pin()
            self.pin_message = self.tr("The trainer PIN is changed.")

    def scroll_to(self, widget: Any) -> None:
        self.ids.scroller.scroll_to(widget, animate=False)


load_kv(__file__)
