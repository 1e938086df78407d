"""Colour palettes of the kiosk, as plain data (no Kivy), so contrast can be checked in tests.

Why these colours: a calm, adult look (warm off-white, deep navy text, one green main action) and
a high-contrast palette (black, white, yellow) for workers with low vision. Every text colour is
paired with the background it is drawn on in ``text_pairs``; the tests require WCAG AAA (7:1) for
each pair and 3:1 for the non-text pairs (focus ring, progress dots, borders).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

Hex = str  # "#RRGGBB"


@dataclass(frozen=True)
class Palette:
    name: str
    background: Hex  # screen background
    surface: Hex  # tiles, cards, secondary buttons
    text: Hex  # all ordinary text
    text_muted: Hex  # secondary text (still AAA)
    border: Hex  # outlines of secondary buttons and tiles
    primary: Hex  # the one main action (Next / Done / OK)
    primary_text: Hex
    primary_pressed: Hex
    help: Hex  # the Help button: calm, but easy to find
    help_text: Hex
    focus: Hex  # keyboard / switch focus ring
    dot_done: Hex  # progress dots and tally dots
    dot_todo: Hex
    scrim: Hex  # behind overlays (drawn with alpha)
    picture_frame: Hex  # behind the step photo (letterbox bands)
    dark: bool = False  # a dark background: icons get a white disc behind them

    def text_pairs(self) -> list[tuple[str, Hex, Hex]]:
        """Every (use, text colour, background colour) combination the UI draws."""
        return [
            ("text on background", self.text, self.background),
            ("text on surface", self.text, self.surface),
            ("muted text on background", self.text_muted, self.background),
            ("muted text on surface", self.text_muted, self.surface),
            ("main button word", self.primary_text, self.primary),
            ("pressed main button word", self.primary_text, self.primary_pressed),
            ("help button word", self.help_text, self.help),
        ]

    def non_text_pairs(self) -> list[tuple[str, Hex, Hex]]:
        """Graphical objects that must be seen (WCAG 1.4.11: 3:1)."""
        return [
            ("focus ring on background", self.focus, self.background),
            ("focus ring on surface", self.focus, self.surface),
            ("done dot on background", self.dot_done, self.background),
            ("to-do dot on background", self.dot_todo, self.background),
            ("button border on background", self.border, self.background),
            ("main button on background", self.primary, self.background),
        ]

    def colors(self) -> dict[str, Hex]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("name", "dark")}


CALM = Palette(
    name="calm",
    background="#F6F4EF",
    surface="#FFFFFF",
    text="#1A2238",
    text_muted="#3D4660",
    border="#5B6478",
    primary="#1B5E20",
    primary_text="#FFFFFF",
    primary_pressed="#12401A",
    help="#23406E",
    help_text="#FFFFFF",
    focus="#C2410C",
    dot_done="#1B5E20",
    dot_todo="#737B8F",
    scrim="#1A2238",
    picture_frame="#E9E6DE",
)

HIGH_CONTRAST = Palette(
    name="high_contrast",
    background="#000000",
    surface="#000000",
    text="#FFFFFF",
    text_muted="#FFFFFF",
    border="#FFFFFF",
    primary="#FFD500",
    primary_text="#000000",
    primary_pressed="#E6C000",
    help="#00E5FF",
    help_text="#000000",
    focus="#00E5FF",
    dot_done="#FFD500",
    dot_todo="#9A9A9A",
    scrim="#000000",
    picture_frame="#000000",
    dark=True,
)

PALETTES: dict[str, Palette] = {p.name: p for p in (CALM, HIGH_CONTRAST)}


def hex_to_rgba(value: Hex, alpha: float = 1.0) -> tuple[float, float, float, float]:
    """ "#RRGGBB" -> (r, g, b, a) in 0..1, the form Kivy colours take."""
    value = value.lstrip("#")
    r, g, b = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return (r, g, b, alpha)
