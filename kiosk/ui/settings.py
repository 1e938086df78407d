"""The kiosk's UI settings: kiosk-wide values in the journal, overridden per worker.

A trainer sets kiosk-wide values (journal settings ``ui.*``); a worker's ``preferences`` (set by the
trainer for that person) win over them, so one worker can have high contrast and larger text
while the rest of the kiosk stays calm. Kivy-free.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Mapping

from kiosk.ui.guard import DEFAULT_GUARD_SECONDS

PREFIX = "ui."


@dataclass(frozen=True)
class UiSettings:
    autoplay: bool = True  # play the step's voice when the step appears
    high_contrast: bool = False  # black / white / yellow palette
    text_scale: float = 1.0  # larger text: 1.0, 1.25, 1.5
    tap_guard_s: float = DEFAULT_GUARD_SECONDS  # ignore a second activation within this time
    finish_pause_s: float = 6.0  # the celebration returns to the tasks after this pause
    language: str = "en"  # kiosk language: people screen, trainer screens, new packs
    celebrate: bool = True  # the star and the chime on the "well done" screen
    speech_rate: str = "normal"  # "slow": generated speech at SLOW_SPEECH of the calm rate
    worker_idle_s: float = 120.0  # a shared kiosk's tasks screen untouched this long: "Who are you?"
    timer_digits: bool = True  # the seconds in the middle of a timer step's draining disc
    scan_s: float = 0.0  # switch scanning: the highlight moves every scan_s seconds (0: off)

    @classmethod
    def load(cls, store: Any) -> "UiSettings":
        """Kiosk-wide values from the journal (``ui.<name>``); defaults for anything missing or bad."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            try:
                value = store.get_setting(PREFIX + f.name)
            except Exception:  # noqa: BLE001 - an unreadable journal falls back to defaults
                value = None
            if value is not None:
                values[f.name] = value
        return cls().with_values(values)

    def with_values(self, values: Mapping[str, Any]) -> "UiSettings":
        """A copy with the known, well-typed values applied (unknown keys and bad types ignored)."""
        changes: dict[str, Any] = {}
        for f in fields(self):
            if f.name not in values:
                continue
            current, value = getattr(self, f.name), values[f.name]
            if isinstance(current, bool):
                if isinstance(value, bool):
                    changes[f.name] = value
            elif isinstance(current, float):
                if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
                    changes[f.name] = float(value)
            elif isinstance(value, str) and value:
                changes[f.name] = value
        return replace(self, **changes)

    def for_person(self, person: Any) -> "UiSettings":
        """The settings a worker gets: their preferences over the kiosk's values."""
        preferences = getattr(person, "preferences", None) or {}
        return self.with_values(preferences)

    def save(self, store: Any, name: str, value: Any) -> "UiSettings":
        """Store one kiosk-wide value and return the updated settings."""
        updated = self.with_values({name: value})
        store.set_setting(PREFIX + name, getattr(updated, name))
        return updated
