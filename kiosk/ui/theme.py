"""The live theme: palette colours and text sizes as Kivy properties, so every ``.kv`` rule that
uses ``app.theme.<name>`` follows a change of palette or text size at once (per worker).

Sizes are in sp/dp *before* the larger-text scale; the floor is 28 sp for any text a worker reads
and 96 dp for any touch target, as the accessibility brief requires.
"""

from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.metrics import dp, sp
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, StringProperty

from kiosk.ui.palette import CALM, PALETTES, Palette, hex_to_rgba

MIN_TEXT_SP = 28
MIN_TOUCH_DP = 96
TEXT_SCALES = (1.0, 1.25, 1.5)

# Base text sizes in sp (multiplied by the worker's text scale).
BASE_SP = {
    "fs_step": 40,  # the easy-read step sentence
    "fs_heading": 40,  # screen questions: "Who are you?"
    "fs_button": 30,  # the word on every button
    "fs_main": 36,  # the word on the main button
    "fs_tile": 32,  # tile titles and names
    "fs_small": 28,  # "3 of 8", counters
    "fs_celebrate": 56,
}


class Theme(EventDispatcher):
    """Colours (RGBA) and sizes (pixels) for the ``.kv`` rules; ``apply`` switches them."""

    palette_name = StringProperty(CALM.name)
    icon_disc = BooleanProperty(False)  # icons on a white disc everywhere (dark palettes)
    text_scale = NumericProperty(1.0)

    background = ColorProperty(hex_to_rgba(CALM.background))
    surface = ColorProperty(hex_to_rgba(CALM.surface))
    text = ColorProperty(hex_to_rgba(CALM.text))
    text_muted = ColorProperty(hex_to_rgba(CALM.text_muted))
    border = ColorProperty(hex_to_rgba(CALM.border))
    primary = ColorProperty(hex_to_rgba(CALM.primary))
    primary_text = ColorProperty(hex_to_rgba(CALM.primary_text))
    primary_pressed = ColorProperty(hex_to_rgba(CALM.primary_pressed))
    help = ColorProperty(hex_to_rgba(CALM.help))
    help_text = ColorProperty(hex_to_rgba(CALM.help_text))
    focus = ColorProperty(hex_to_rgba(CALM.focus))
    dot_done = ColorProperty(hex_to_rgba(CALM.dot_done))
    dot_todo = ColorProperty(hex_to_rgba(CALM.dot_todo))
    scrim = ColorProperty(hex_to_rgba(CALM.scrim, 0.6))
    picture_frame = ColorProperty(hex_to_rgba(CALM.picture_frame))

    fs_step = NumericProperty(sp(BASE_SP["fs_step"]))
    fs_heading = NumericProperty(sp(BASE_SP["fs_heading"]))
    fs_button = NumericProperty(sp(BASE_SP["fs_button"]))
    fs_main = NumericProperty(sp(BASE_SP["fs_main"]))
    fs_tile = NumericProperty(sp(BASE_SP["fs_tile"]))
    fs_small = NumericProperty(sp(BASE_SP["fs_small"]))
    fs_celebrate = NumericProperty(sp(BASE_SP["fs_celebrate"]))

    # Touch targets and spacing (dp; not scaled with text, the layouts give text room instead).
    touch = NumericProperty(dp(MIN_TOUCH_DP))
    touch_main = NumericProperty(dp(140))
    gap = NumericProperty(dp(20))
    pad = NumericProperty(dp(24))
    radius = NumericProperty(dp(18))
    ring = NumericProperty(dp(6))  # focus ring width
    icon = NumericProperty(dp(48))

    def apply(self, palette: Palette | str = CALM, text_scale: float = 1.0) -> None:
        """Switch palette and text scale; bound ``.kv`` properties update themselves."""
        if isinstance(palette, str):
            palette = PALETTES.get(palette, CALM)
        self.palette_name = palette.name
        self.icon_disc = palette.dark
        for name, value in palette.colors().items():
            alpha = 0.6 if name == "scrim" else 1.0
            setattr(self, name, hex_to_rgba(value, alpha))
        scale = max(1.0, min(float(text_scale), 2.0))  # never below the 28 sp floor
        self.text_scale = scale
        for name, base in BASE_SP.items():
            setattr(self, name, sp(base * scale))

    def color(self, name: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
        """A palette colour with another alpha, for tints and overlays."""
        r, g, b, _ = getattr(self, name)
        return (r, g, b, alpha)
