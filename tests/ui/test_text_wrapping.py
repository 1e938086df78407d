"""Chinese sentences wrap between characters, never with closing punctuation at a line start, and
a Latin word inside them stays whole (``kiosk.ui.widgets.text.wrap_cjk``, used for every step
sentence the kiosk draws)."""

from __future__ import annotations

from kivy.core.text import Label as CoreLabel
from kivy.metrics import sp

from kiosk.ui.widgets.text import NO_LINE_START, text_texture, wrap_cjk

SENTENCES = [
    "把五个长螺丝放进盘子里，然后盖上盒子。",
    "用肥皂洗手，至少洗二十秒。再用清水冲干净！",
    "拿起M6螺丝，放进左边的盒子。",
]


def width_of(text: str, size: float) -> float:
    return CoreLabel(font_size=size).get_extents(text)[0]


def test_no_line_starts_with_closing_punctuation_at_any_width(window):
    size = sp(40)
    for sentence in SENTENCES:
        for width in range(int(size * 3), int(width_of(sentence, size)) + 40, 9):
            lines = wrap_cjk(sentence, size, width).split("\n")
            assert "".join(lines) == sentence  # nothing lost, nothing added
            for line in lines:
                assert line and line[0] not in NO_LINE_START, (sentence, width, lines)
                assert width_of(line, size) <= width + size * 1.1  # at most one pulled-down mark over
            assert all("M6" in line for line in lines if "M" in line)  # the Latin word is whole


def test_latin_text_is_left_to_kivy(window):
    assert wrap_cjk("Put 5 long screws in the tray.", sp(40), 200) == "Put 5 long screws in the tray."


def test_the_step_sentence_texture_uses_it(window):
    size = sp(40)
    sentence = SENTENCES[0]
    width = width_of(sentence[:-1], size) + 2  # everything but the full stop fits on the first line
    texture = text_texture(sentence, size, width, "center")
    one_line = CoreLabel(text="螺", font_size=size)
    one_line.refresh()
    assert texture.height >= 2 * one_line.texture.height - 2  # two lines: the "。" took a character down
