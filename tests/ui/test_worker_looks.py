"""Every worker screen, looked at in the 12 looks a kiosk meets: landscape 1280x800 and portrait
800x1280, text at 100 % and 150 %, English, German and Chinese.

Eight workers (the most "Who are you?" must show without scrolling) walk through a task with a
count step and a timer, the stop question, a help call and the finish. Each screen is saved to
$STEP_KIOSK_SCREENSHOTS and measured with what Kivy knows of its own text:
- every visible button is at least the 96 dp touch target, inside the window, with icon and word;
- no text is smaller than 28 sp;
- no text is wider than its box or reaches outside the window;
- no word is split across lines (a word wider than the box it wraps in; Chinese may break between
  characters, so only words with Latin letters count).
"""

from __future__ import annotations

import pytest
from kivy.core.text import Label as CoreLabel
from kivy.core.window import Window
from kivy.metrics import sp
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView

from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.text import PreparedText
from ui_helpers import answer_help

#: Eight adults with long and short names, as a workshop has them.
WORKERS = [
    ("Lena Hoffmann-Schäfer", "de"),
    ("Wang Xiaoming", "zh"),
    ("Maximilian Oberndorfer", "de"),
    ("Ana", "en"),
    ("李静怡", "zh"),
    ("Jonas Weber", "de"),
    ("Chen Hao", "zh"),
    ("Mary-Kate O'Donnell", "en"),
]


def visible(widget) -> bool:
    while widget is not None and not isinstance(widget, type(Window)):
        if widget.opacity == 0 or widget.width <= 1 or widget.height <= 1:
            return False
        widget = widget.parent
    return True


def in_scroller(widget) -> bool:
    while widget is not None and not isinstance(widget, type(Window)):
        if isinstance(widget, ScrollView):
            return True
        widget = widget.parent
    return False


def _latin(word: str) -> bool:
    return any("a" <= ch.lower() <= "z" or ch in "äöüß" for ch in word)


def split_word(text: str, font_size: float, width: float, bold: bool) -> str | None:
    """The first word of ``text`` wider than ``width`` at ``font_size``: Kivy breaks it inside."""
    for word in text.replace("\n", " ").split():
        if not _latin(word):
            continue
        label = CoreLabel(text=word, font_size=font_size, bold=bold)
        label.refresh()
        if label.texture.width > width + 1:
            return word
    return None


def text_problems(widget, where: str) -> list[str]:
    """Overflow and split words of one visible text widget."""
    problems: list[str] = []
    if isinstance(widget, PreparedText):
        texture = widget.texture
        if texture is None:
            return problems
        drawn_width, wrap = texture.width, widget.width
        font_size, bold = widget.font_size, widget.bold
    else:
        drawn_width = widget.texture_size[0]
        wrap = widget.text_size[0] if widget.text_size[0] else widget.width
        font_size, bold = widget.font_size, widget.bold
        if widget.text_size[1] is None and widget.texture_size[1] > widget.height + 2 and widget.valign != "top":
            problems.append(f"{where}: {widget.text[:30]!r} is taller than its box")
    name = widget.text[:30]
    if drawn_width > widget.width + 2:
        problems.append(f"{where}: {name!r} is wider than its box ({drawn_width:.0f} > {widget.width:.0f})")
    word = split_word(widget.text, font_size, wrap, bold)
    if word:
        problems.append(f"{where}: {word!r} is split inside the word (box {wrap:.0f} px)")
    if not in_scroller(widget):
        x, y = widget.to_window(widget.x, widget.y)
        if x < -1 or y < -1 or x + widget.width > Window.width + 1 or y + widget.height > Window.height + 1:
            problems.append(f"{where}: {name!r} reaches outside the window")
    return problems


def measure(app, root, where: str) -> list[str]:
    problems: list[str] = []
    for widget in root.walk():
        if not visible(widget):
            continue
        if isinstance(widget, KioskButton):
            x, _ = widget.to_window(widget.x, widget.y)
            if widget.height < app.theme.touch - 0.5:
                problems.append(f"{where}: {widget.text!r} is {widget.height:.0f} px tall")
            if x < -0.5 or x + widget.width > Window.width + 0.5:
                problems.append(f"{where}: {widget.text!r} leaves the window")
            if not widget.text or not widget.icon_source:
                problems.append(f"{where}: a button without an icon and a word: {widget.text!r}")
        elif isinstance(widget, (Label, PreparedText)) and widget.text.strip():
            if widget.font_size < sp(28) - 0.5:
                problems.append(f"{where}: {widget.text[:30]!r} at {widget.font_size:.0f} px")
            problems += text_problems(widget, where)
    return problems


def look(app, ui, name: str) -> list[str]:
    ui.shot(name)
    root = app.overlay if app.overlay is not None else ui.screen
    return measure(app, root, name)


@pytest.mark.parametrize("language", ["en", "de", "zh"])
@pytest.mark.parametrize("scale", [1.0, 1.5], ids=["text100", "text150"])
@pytest.mark.parametrize("size", [(1280, 800), (800, 1280)], ids=["landscape", "portrait"])
def test_worker_screens_look_right(kiosk, ui, size, scale, language):
    people = [(name, language if index % 2 == 0 else spoken) for index, (name, spoken) in enumerate(WORKERS)]
    app = kiosk(people=people, size=size, settings={"language": language, "text_scale": scale})
    problems: list[str] = []

    assert app.sm.current == "people"
    screen = ui.screen
    ui.pump(5)  # the first frames after a window resize
    problems += look(app, ui, "people")
    tiles = screen.tiles()
    assert len(tiles) == 8
    for tile in tiles:  # all eight on screen at once: nobody has to scroll to find themselves
        _, y = tile.to_window(tile.x, tile.y)
        assert y >= -1 and y + tile.height <= Window.height + 1, f"{tile.title} needs scrolling"

    ui.tap(next(t for t in tiles if t.title == WORKERS[0][0]))  # the one who speaks the kiosk's language
    assert app.sm.current == "tasks"
    problems += look(app, ui, "tasks")
    task = next(t for t in ui.screen.tiles() if t.item.id == "sort-screws")
    ui.tap(task)
    assert app.sm.current == "step"
    problems += look(app, ui, "step")
    ui.press(32)
    problems += look(app, ui, "step-count")
    ui.press(32)
    problems += look(app, ui, "step-timer")
    ui.advance(21)
    problems += look(app, ui, "step-timer-done")
    ui.tap(ui.screen.ids.home)
    problems += look(app, ui, "stop-question")
    ui.tap(app.overlay.buttons[0])  # Keep going
    ui.tap(ui.screen.ids.help)
    problems += look(app, ui, "help-call")
    answer_help(ui, app)
    ui.press(32)
    ui.press(32)
    assert app.sm.current == "finish"
    problems += look(app, ui, "finish")
    assert not problems, "\n".join(problems)
