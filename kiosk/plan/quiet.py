"""The quiet hours a coach can choose on the kiosk itself (trainer mode, Settings), as big choices
rather than a clock to set: off, the usual lunch breaks, the night. Any other span set with
`kiosk plan quiet-hours FROM UNTIL` is shown as one more choice, already chosen, so the screen never
hides or overwrites what was set on a laptop."""

from __future__ import annotations

from datetime import time
from typing import Callable

Span = tuple[time, time]

PRESETS: tuple[Span, ...] = (
    (time(12, 0), time(13, 0)),
    (time(12, 30), time(13, 30)),
    (time(20, 0), time(7, 0)),
)


def quiet_hours_choices(current: Span | None, tr: Callable[..., str]) -> list[tuple[Span | None, str, str]]:
    """(value, word, icon) for the settings screen's toggle buttons; None is "Off"."""
    spans = list(PRESETS)
    if current is not None and current not in spans:
        spans.append(current)
    choices: list[tuple[Span | None, str, str]] = [(None, tr("Off"), "close")]
    for begin, end in spans:
        choices.append(((begin, end), tr("{begin} to {end}", begin=f"{begin:%H:%M}", end=f"{end:%H:%M}"), "timer"))
    return choices
