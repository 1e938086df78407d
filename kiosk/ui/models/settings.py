"""Kiosk-wide settings as rows of choices (Kivy-free): every kiosk-wide setting in one place.

Text size (``text_scale``: 100 / 125 / 150 %), speak each step (``autoplay``), speech speed
(``speech_rate``), tap-guard time (``tap_guard_s``: 0.3 / 0.5 / 0.8 / 1.2 s), celebration
(``celebrate``) and how long "Well done" stays (``finish_pause_s``), the seconds on a timer step
(``timer_digits``), switch scanning (``scan_s``: off / 1.5 / 2.5 / 4 s), the look
(``high_contrast``), the next worker after an idle tasks screen (``worker_idle_s``: 1 / 2 / 5 min)
and the kiosk language (``language``).
Each is a journal setting ``ui.<name>`` saved through the app's ``change_setting`` (which keeps the
kiosk running when the journal cannot be written). A worker follows them unless the trainer chose
something else for that worker (``kiosk.ui.models.people``: "Same as kiosk" saves nothing).
"""

from __future__ import annotations

from typing import Any, Callable

from kiosk.i18n import LANGUAGE_NAMES, LANGUAGES
from kiosk.ui.models.choices import Choice, ChoiceRow

Translate = Callable[..., str]
TAP_GUARD_CHOICES = (0.3, 0.5, 0.8, 1.2)
TEXT_SCALE_CHOICES = (1.0, 1.25, 1.5)
IDLE_CHOICES = (60.0, 120.0, 300.0)
FINISH_CHOICES = (3.0, 6.0, 10.0)
SCAN_CHOICES = (0.0, 1.5, 2.5, 4.0)  # 0: no scanning


def seconds_words(seconds: float, tr: Translate) -> str:
    """ "0.5 s" in English, "0,5 s" in German: the decimal mark is part of the translation."""
    whole, tenth = f"{seconds:.1f}".split(".")
    return tr("{whole}.{tenth} s", whole=whole, tenth=tenth)


def text_scale_words(scale: float, tr: Translate) -> str:
    return {1.0: tr("Normal"), 1.25: tr("Large"), 1.5: tr("Larger")}.get(scale, f"{round(scale * 100)} %")


def speech_rate_words(rate: str, tr: Translate) -> str:
    return tr("Slow") if rate == "slow" else tr("Normal")


def setting_rows(settings: Any, tr: Translate) -> list[ChoiceRow]:
    """The settings screen's rows, each with the current value (the nearest offered tap-guard)."""
    return [
        ChoiceRow(
            "text_scale",
            tr("Text size"),
            tuple(Choice(s, text_scale_words(s, tr), "edit") for s in TEXT_SCALE_CHOICES),
            min(TEXT_SCALE_CHOICES, key=lambda s: abs(s - settings.text_scale)),
        ),
        ChoiceRow(
            "autoplay",
            tr("Speak each step"),
            (Choice(True, tr("On"), "speaker"), Choice(False, tr("Off"), "close")),
            settings.autoplay,
        ),
        ChoiceRow(
            "speech_rate",
            tr("Speech speed"),
            (Choice("slow", tr("Slow"), "timer"), Choice("normal", tr("Normal"), "timer")),
            "slow" if settings.speech_rate == "slow" else "normal",
        ),
        ChoiceRow(
            "tap_guard_s",
            tr("Ignore a second tap within"),
            tuple(Choice(s, seconds_words(s, tr), "timer") for s in TAP_GUARD_CHOICES),
            min(TAP_GUARD_CHOICES, key=lambda s: abs(s - settings.tap_guard_s)),
        ),
        ChoiceRow(
            "celebrate",
            tr("Celebration"),
            (Choice(True, tr("On"), "celebrate"), Choice(False, tr("Off"), "close")),
            settings.celebrate,
        ),
        ChoiceRow(
            "finish_pause_s",
            tr("'Well done' stays for"),
            tuple(Choice(s, seconds_words(s, tr), "celebrate") for s in FINISH_CHOICES),
            min(FINISH_CHOICES, key=lambda s: abs(s - settings.finish_pause_s)),
        ),
        ChoiceRow(
            "timer_digits",
            tr("Seconds on the timer"),
            (Choice(True, tr("Show"), "timer"), Choice(False, tr("Hide"), "close")),
            settings.timer_digits,
        ),
        ChoiceRow(
            "scan_s",
            tr("Switch scanning"),
            tuple(Choice(s, seconds_words(s, tr) if s else tr("Off"), "next" if s else "close") for s in SCAN_CHOICES),
            min(SCAN_CHOICES, key=lambda s: abs(s - settings.scan_s)),
        ),
        ChoiceRow(
            "high_contrast",
            tr("Look"),
            (Choice(False, tr("Calm"), "settings"), Choice(True, tr("High contrast"), "settings")),
            settings.high_contrast,
        ),
        ChoiceRow(
            "worker_idle_s",
            tr("Back to 'Who are you?' after"),
            tuple(Choice(s, tr("{minutes} min", minutes=round(s / 60)), "person") for s in IDLE_CHOICES),
            min(IDLE_CHOICES, key=lambda s: abs(s - settings.worker_idle_s)),
        ),
        ChoiceRow(
            "language",
            tr("Kiosk language"),
            tuple(Choice(lang, LANGUAGE_NAMES[lang], "speaker") for lang in LANGUAGES),
            settings.language,
        ),
    ]


class SettingsModel:
    """Rows for the current settings; ``change`` saves one through ``change_setting(name, value)``."""

    def __init__(self, get_settings: Callable[[], Any], change_setting: Callable[[str, Any], None]) -> None:
        self._get, self._change = get_settings, change_setting

    def rows(self, tr: Translate) -> list[ChoiceRow]:
        return setting_rows(self._get(), tr)

    def change(self, name: str, value: Any) -> None:
        if name not in {row.key for row in setting_rows(self._get(), lambda m, **_: m)}:
            raise KeyError(name)
        self._change(name, value)
