"""Text whose picture can be rendered ahead of time.

Rendering a sentence with a CJK-capable font takes several milliseconds (measured: ~6 ms for a
40 sp line on the kiosk's reference machine), and a Kivy ``Label`` renders when its text changes,
that is, right after Next, while the worker waits. ``PreparedText`` draws the same kind of text
texture, but looks it up in a small cache first; the step screen fills the cache for the next and
previous steps after the current step is on screen, so Next only swaps textures.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Rectangle
from kivy.graphics.texture import Texture
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    NumericProperty,
    ObjectProperty,
    OptionProperty,
    StringProperty,
)
from kivy.uix.widget import Widget

_CACHE: OrderedDict[tuple, Texture] = OrderedDict()
_KEEP = 24


#: Chinese and Japanese punctuation that must not begin a line (a lone "。" at a line start).
NO_LINE_START = frozenset("。，、．！？；：）」』】》〉”’…%·")
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_TOKENS = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+|\\s+")
_HAS_CJK = re.compile(f"[{_CJK}]")


def wrap_cjk(text: str, font_size: float, width: float, bold: bool = False) -> str:
    """``text`` with line breaks where a Chinese reader expects them: between characters (Kivy
    breaks only at spaces, and cuts a long run of Hanzi wherever it overflows), never before
    closing punctuation (the character before it goes down with it), and Latin words whole."""
    if width <= 1 or not _HAS_CJK.search(text):
        return text
    measure = CoreLabel(font_size=font_size, bold=bold)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        for token in _TOKENS.findall(paragraph):
            if not line or measure.get_extents("".join(line) + token)[0] <= width:
                line.append(token)
                continue
            if token.isspace():
                continue  # a break at a space: the space is not carried to the next line
            carried: list[str] = []
            if token[0] in NO_LINE_START and len(line) > 1:
                carried = [line.pop()]
            lines.append("".join(line).rstrip())
            line = carried + [token]
        lines.append("".join(line).rstrip())
    return "\n".join(lines)


def _text_width(label: CoreLabel) -> float | None:
    """The widest rendered line (Kivy's label keeps its laid-out lines), or None if unknown."""
    lines = getattr(label, "_cached_lines", None)
    if not lines:
        return None
    return max(line.w for line in lines)


def _trimmed(texture: Texture | None, used: float | None, halign: str) -> Texture | None:
    """The part of a wrapped text's texture that holds its lines. Kivy renders the whole wrap
    width, and a centred step sentence leaves most of it transparent; a software renderer blends
    every one of those pixels in every frame. A region of the same texture costs nothing to make
    (it is the same GPU texture, other coordinates)."""
    if texture is None or used is None:
        return texture
    width = min(texture.width, int(used) + 4)  # two pixels of room each side: antialiased edges, rounding
    if width >= texture.width - 4:
        return texture
    x = {"left": 0, "right": texture.width - width}.get(halign, (texture.width - width) // 2)
    return texture.get_region(x, 0, width, texture.height)


def text_texture(
    text: str, font_size: float, wrap_width: float, halign: str, bold: bool = False, line_height: float = 1.0
) -> Texture | None:
    """The rendered text (white; tinted when drawn), from the cache or rendered now."""
    if not text:
        return None
    key = (text, round(font_size, 2), round(wrap_width), halign, bold, line_height)
    texture = _CACHE.get(key)
    if texture is not None:
        _CACHE.move_to_end(key)
        return texture
    label = CoreLabel(
        text=wrap_cjk(text, font_size, max(1, wrap_width), bold),
        font_size=font_size,
        text_size=(max(1, wrap_width), None),
        halign=halign,
        bold=bold,
        line_height=line_height,
        color=(1, 1, 1, 1),
    )
    label.refresh()
    texture = _trimmed(label.texture, _text_width(label), halign)
    _CACHE[key] = texture
    while len(_CACHE) > _KEEP:
        _CACHE.popitem(last=False)
    return texture


class PreparedText(Widget):
    """A wrapped text block: ``height`` follows the text; the colour tints a white rendering, so a
    theme change does not need a new rendering."""

    text = StringProperty("")
    font_size = NumericProperty(15)
    color = ColorProperty((0, 0, 0, 1))
    halign = OptionProperty("center", options=("left", "center", "right"))
    bold = BooleanProperty(False)
    line_height = NumericProperty(1.0)
    texture = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.canvas:
            self._tint = Color(*self.color)
            self._rect = Rectangle(size=(0, 0))
        self.bind(
            text=self._update,
            font_size=self._update,
            width=self._update,
            halign=self._update,
            bold=self._update,
            line_height=self._update,
            pos=self._place,
            color=self._recolor,
        )
        self._update()

    def prepare(self, text: str) -> None:
        """Render ``text`` as this widget would show it now, without showing it."""
        text_texture(text, self.font_size, self.width, self.halign, self.bold, self.line_height)

    def _update(self, *_args: Any) -> None:
        self.texture = text_texture(self.text, self.font_size, self.width, self.halign, self.bold, self.line_height)
        self.height = self.texture.height if self.texture is not None else 0
        self._place()

    def _place(self, *_args: Any) -> None:
        texture = self.texture
        if texture is None:
            self._rect.size = (0, 0)
            return
        width, height = texture.size
        # From x and width, not the center_x/right aliases: inside a width callback they may be stale.
        free = self.width - width
        x = self.x + {"left": 0, "right": free}.get(self.halign, free / 2)
        self._rect.texture = texture
        self._rect.pos = (int(x), int(self.y))
        self._rect.size = (width, height)

    def _recolor(self, *_args: Any) -> None:
        self._tint.rgba = self.color
