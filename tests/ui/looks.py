"""What every screenshot test measures on a screen, with what Kivy knows of its own text.

- every visible button is at least the 96 dp touch target, inside the window, with a word and an
  icon (digit keys may go without the icon);
- no text is smaller than 28 sp (a pack's problem lines "• …" and folder paths "/…" are trainer
  detail and exempt);
- no text is wider than its box, taller than a box that does not grow with it, or outside the
  window (inside a ScrollView it may be scrolled away, along the directions the view scrolls);
- no text or button is squeezed to no width by its neighbours;
- no word is split across lines: a word wider than the width its label wraps at is cut inside by
  Kivy. Chinese is written without spaces and may wrap between any two characters, so only words
  without Hanzi count; folder paths are exempt.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from kivy.core.text import Label as CoreLabel
from kivy.core.window import Window
from kivy.metrics import sp
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView

from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.text import PreparedText

CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
MARKUP = re.compile(r"\[/?\w+(=[^\]]*)?\]")


def _up_the_tree(widget: Any) -> Iterator[Any]:
    """The widget and every box it stands in, up to the window."""
    while widget is not None and not isinstance(widget, type(Window)):
        yield widget
        widget = widget.parent


def visible(widget: Any) -> bool:
    """Shown: not see-through and not folded to no height anywhere up the tree (a width of
    nothing is not a way to hide: see ``squeezed``)."""
    return not any(w.opacity == 0 or w.height <= 1 for w in _up_the_tree(widget))


def squeezed(widget: Any) -> bool:
    """Shown, yet it or a box it stands in has no width left: a layout gave its room to fixed-width
    neighbours (a title drawn one letter a line beside two big numbers in a narrow card)."""
    return any(w.width <= 1 for w in _up_the_tree(widget))


def scroller(widget: Any) -> Any:
    """The ScrollView ``widget`` stands in, or None."""
    return next((w for w in _up_the_tree(widget) if isinstance(w, ScrollView)), None)


def outside_window(widget: Any) -> bool:
    """Reaching outside the window where no scrolling brings it in: inside a ScrollView only
    along the directions it scrolls (a vertical list's card past the right edge is cut off)."""
    x, y = widget.to_window(widget.x, widget.y)
    view = scroller(widget)
    across = x < -1 or x + widget.width > Window.width + 1
    along = y < -1 or y + widget.height > Window.height + 1
    if view is None:
        return across or along
    return (across and not view.do_scroll_x) or (along and not view.do_scroll_y)


def split_words(text: str, font_size: float, width: float, bold: bool) -> list[str]:
    """The words of ``text`` wider than ``width`` at ``font_size``: Kivy cuts them inside."""
    found = []
    for word in set(text.split()):
        if CJK.search(word):
            continue
        label = CoreLabel(text=word, font_size=font_size, bold=bold)
        label.refresh()
        if label.texture.width > width + 1:
            found.append(word)
    return sorted(found)


def _text_problems(widget: Any, where: str) -> list[str]:
    problems: list[str] = []
    text = MARKUP.sub("", widget.text) if getattr(widget, "markup", False) else widget.text
    name = text[:40]
    if isinstance(widget, PreparedText):
        if widget.texture is None:
            return problems
        drawn, wrap = widget.texture.width, widget.width
    else:
        drawn = widget.texture_size[0]
        wrap = widget.text_size[0] if widget.text_size and widget.text_size[0] else None
        grows = widget.text_size[1] is None if widget.text_size else True
        if grows and widget.texture_size[1] > widget.height + 2 and widget.valign != "top" and not widget.shorten:
            problems.append(f"{where}: {name!r} is taller than its box")
    if drawn > widget.width + 2 and not getattr(widget, "shorten", False):
        problems.append(f"{where}: {name!r} is wider than its box ({drawn:.0f} > {widget.width:.0f})")
    if wrap and not text.startswith("/"):  # a folder path is not words
        problems += [
            f"{where}: {word!r} is split inside ({name!r})"
            for word in split_words(text, widget.font_size, wrap, widget.bold)
        ]
    if outside_window(widget):
        problems.append(f"{where}: {name!r} reaches outside the window")
    return problems


def measure(app: Any, root: Any, where: str) -> list[str]:
    """Everything wrong with the widgets under ``root`` (a screen or an open dialog)."""
    problems: list[str] = []
    for widget in root.walk():
        if not visible(widget):
            continue
        if isinstance(widget, (KioskButton, Label, PreparedText)) and widget.text.strip() and squeezed(widget):
            problems.append(f"{where}: {widget.text[:40]!r} is squeezed to no width")
            continue
        if isinstance(widget, KioskButton):
            if widget.height < app.theme.touch - 0.5:
                problems.append(f"{where}: {widget.text!r} is {widget.height:.0f} px tall")
            if outside_window(widget):
                problems.append(f"{where}: {widget.text!r} leaves the window")
            if not widget.text or not (widget.icon_source or widget.text.isdigit()):
                problems.append(f"{where}: a button without an icon and a word: {widget.text!r}")
        elif isinstance(widget, (Label, PreparedText)) and widget.text.strip():
            if widget.font_size < sp(28) - 0.5 and not widget.text.startswith(("•", "/")):
                problems.append(f"{where}: {widget.text[:30]!r} at {widget.font_size:.0f} px")
            problems += _text_problems(widget, where)
    return problems
