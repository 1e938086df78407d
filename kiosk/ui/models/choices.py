"""A trainer's choice as data: the options (value, word, icon) and which one is current."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Choice:
    value: Any
    word: str  # already translated
    icon: str  # icon name in assets/images/icons


@dataclass(frozen=True)
class ChoiceRow:
    key: str  # what changes: a setting or a preference name
    label: str  # the row's name, translated
    options: tuple[Choice, ...]
    current: Any

    def as_tuples(self) -> list[tuple[Any, str, str]]:
        """The shape ``kiosk.ui.widgets.choices.fill_choices`` takes."""
        return [(c.value, c.word, c.icon) for c in self.options]
