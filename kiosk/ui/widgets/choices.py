"""Big toggle buttons for a trainer's choices (language, text size, on/off): the chosen one is
filled and shows a check mark, so the state is an icon and a word, never colour alone."""

from __future__ import annotations

from typing import Any

from kiosk.ui.widgets.buttons import KioskButton


def fill_choices(box: Any, options: list[tuple[Any, str, str]], current: Any, on_choose: Any) -> None:
    """Big toggle buttons: (value, word, icon); the chosen one is filled and shows a check mark."""
    box.clear_widgets()
    for value, word, icon in options:
        chosen = value == current
        button = KioskButton(
            text=word, icon="check" if chosen else icon, role="help" if chosen else "secondary", guarded=False
        )
        button.value = value
        button.chosen = chosen
        button.bind(on_activate=lambda _b, v=value: on_choose(v))
        box.add_widget(button)
