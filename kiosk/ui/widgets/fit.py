"""Text that shrinks before it would break a word.

Kivy wraps a label at spaces, and a single word wider than the box is cut in the middle
("Hoffm/ann", "Beschäfti/gte"). Names and titles in tiles and buttons are often one long word in
German, and at 150 % text they meet narrow portrait tiles. ``fitting_font_size`` finds the largest
size, at most the theme's, at which every word fits the width and the text takes at most
``max_lines`` lines; it never goes below the kiosk's 28 sp minimum (a word longer than that still
wraps, and the screenshot test in tests/ui/test_worker_looks.py would say so).
"""

from __future__ import annotations

from typing import Any

from kivy.core.text import Label as CoreLabel
from kivy.metrics import sp
from kivy.properties import NumericProperty
from kivy.uix.label import Label

#: The smallest text the kiosk shows (the accessibility rule: body text at least 28 sp).
MIN_SP = 28


def _size(text: str, font_size: float, bold: bool, width: float | None = None) -> tuple[int, int]:
    label = CoreLabel(text=text, font_size=font_size, bold=bold, text_size=(width, None))
    label.refresh()
    return label.texture.size if label.texture is not None else (0, 0)


def fitting_font_size(text: str, base: float, width: float, *, bold: bool = False, max_lines: int = 2) -> float:
    """The largest font size <= ``base`` (>= 28 sp) at which no word of ``text`` is wider than
    ``width`` and the wrapped text has at most ``max_lines`` lines."""
    floor = min(base, sp(MIN_SP))
    if not text.strip() or width <= 1:
        return base
    words = text.split()
    size = base
    while size > floor:
        widest = max(_size(word, size, bold)[0] for word in words)
        if widest <= width:
            one_line = _size("X", size, bold)[1]
            lines = round(_size(text, size, bold, width)[1] / max(1, one_line))
            if lines <= max_lines:
                return size
        size = max(floor, size * 0.92)
    return floor


def break_at_hyphens(text: str, font_size: float, width: float, *, bold: bool = False) -> str:
    """``text`` with a line break after the hyphens of words too wide for ``width``
    ("Hoffmann-Schäfer" -> "Hoffmann-" / "Schäfer"): Kivy breaks lines only at spaces, and a
    cut at the hyphen is how such a name is written on two lines by hand."""
    lines = []
    for line in text.split("\n"):
        words = []
        for word in line.split(" "):
            if "-" in word.strip("-") and _size(word, font_size, bold)[0] > width:
                word = "-\n".join(word.split("-"))
            words.append(word)
        lines.append(" ".join(words))
    return "\n".join(lines)


class FitLabel(Label):
    """A wrapping label whose ``font_size`` follows ``base_font_size`` down to what fits (and
    whose too-wide hyphenated words are broken at the hyphen)."""

    text: str  # Label's StringProperty, for the type checker (Kivy's classes are untyped)
    base_font_size = NumericProperty(sp(32))
    max_lines = NumericProperty(2)

    def __init__(self, **kwargs: Any) -> None:
        self._source = ""  # the text as given; ``text`` is what is shown
        self._shown = ""
        super().__init__(**kwargs)
        self.bind(text=self._fit, width=self._fit, base_font_size=self._fit, max_lines=self._fit, bold=self._fit)
        self._fit()

    def _fit(self, *_args: Any) -> None:
        if self.text != self._shown:
            self._source = self.text
        self.text_size = (self.width, None)
        size = fitting_font_size(
            self._source, self.base_font_size, self.width, bold=self.bold, max_lines=int(self.max_lines)
        )
        self.font_size = size
        self._shown = break_at_hyphens(self._source, size, self.width, bold=self.bold)
        self.text = self._shown
