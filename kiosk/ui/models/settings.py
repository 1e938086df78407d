"""Kiosk-wide settings as rows of choices (Kivy-free).

Speak each step (``autoplay``), tap-guard time (``tap_guard_s``: 0.3 / 0.5 / 0.8 / 1.2 s),
celebration (``celebrate``), the look (``high_contrast``) and the kiosk language (``language``).
Each is a journal setting ``ui.<name>`` saved through the app's ``change_setting`` (which keeps the
kiosk running when the journal cannot be written); a worker's own preferences still win for them.
"""

from __future__ import annotations

from typing import Any, Callable

from kiosk.i18n import LANGUAGE_NAMES, LANGUAGES
from kiosk.ui.models.choices import Choice, ChoiceRow

Translate = Callable[..., str]
TAP_GUARD_CHOICES = (0.3, 0.5, 0.8, 1.2)


def setting_rows(settings: Any, tr: Translate) -> list[ChoiceRow]:
    """The settings screen's rows, each with the current value (the nearest offered tap-guard)."""
    return [
        ChoiceRow(
            "autoplay",
            tr("Speak each step"),
            (Choice(True, tr("On"), "speaker"), Choice(False, tr("Off"), "close")),
            settings.autoplay,
        ),
        ChoiceRow(
            "tap_guard_s",
            tr("Ignore a second tap within"),
            tuple(Choice(s, f"{s:.1f} s", "timer") for s in TAP_GUARD_CHOICES),
            min(TAP_GUARD_CHOICES, key=lambda s: abs(s - settings.tap_guard_s)),
        ),
        ChoiceRow(
            "celebrate",
            tr("Celebration"),
            (Choice(True, tr("On"), "celebrate"), Choice(False, tr("Off"), "close")),
            settings.celebrate,
        ),
        ChoiceRow(
            "high_contrast",
            tr("Look"),
            (Choice(False, tr("Calm"), "settings"), Choice(True, tr("High contrast"), "settings")),
            settings.high_contrast,
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
