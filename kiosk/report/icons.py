"""Small inline SVG icons that stand next to the report's words.

An icon always comes *with* a word, never instead of one: families who read little find the
picture, the others read the word. Drawn as plain black shapes so they survive any printer, and
inline (not emoji) so they look the same whatever fonts the reader's computer has.
"""

from __future__ import annotations

from kiosk.report.charts import star_points

_OPEN = '<svg viewBox="0 0 48 48" aria-hidden="true">'


def star(fill: str = "currentColor") -> str:
    """Learned: a star."""
    return f'{_OPEN}<polygon points="{star_points(24, 25.5, 22, 9.5)}" fill="{fill}"/></svg>'


def check_box() -> str:
    """Tasks done: a ticked box."""
    return (
        f'{_OPEN}<rect x="5" y="5" width="38" height="38" rx="8" fill="none" stroke="currentColor" '
        'stroke-width="5"/><path d="M13 25 L21 33 L36 15" fill="none" stroke="currentColor" '
        'stroke-width="6" stroke-linecap="round" stroke-linejoin="round"/></svg>'
    )


def person_alone() -> str:
    """Done alone: one person."""
    return (
        f'{_OPEN}<circle cx="24" cy="13" r="9" fill="currentColor"/>'
        '<path d="M8 45 C8 31 15 25 24 25 C33 25 40 31 40 45 Z" fill="currentColor"/></svg>'
    )


def tick_circle() -> str:
    """No help needed: a tick in a circle."""
    return (
        f'{_OPEN}<circle cx="24" cy="24" r="21" fill="none" stroke="currentColor" stroke-width="5"/>'
        '<path d="M14 25 L21 32 L34 17" fill="none" stroke="currentColor" stroke-width="6" '
        'stroke-linecap="round" stroke-linejoin="round"/></svg>'
    )


def sprout() -> str:
    """Nothing yet: a small plant (things will grow), friendlier than an empty box."""
    return (
        f'{_OPEN}<path d="M24 44 V22" stroke="currentColor" stroke-width="4" stroke-linecap="round"/>'
        '<path d="M24 26 C24 16 17 10 7 10 C7 20 14 26 24 26 Z" fill="currentColor"/>'
        '<path d="M24 22 C24 12 31 6 41 6 C41 16 34 22 24 22 Z" fill="none" stroke="currentColor" '
        'stroke-width="3.5"/><path d="M12 44 H36" stroke="currentColor" stroke-width="4" '
        'stroke-linecap="round"/></svg>'
    )
