"""Accessibility rules, checked on the real screens: contrast, touch targets, text size, words
with every icon, the high-contrast and larger-text settings, and both screen orientations."""

from __future__ import annotations

import pytest
from kivy.metrics import dp, sp
from kivy.uix.label import Label

from kiosk.ui.palette import PALETTES
from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.counters import TallyDot
from kiosk.ui.widgets.text import PreparedText
from kiosk.ui.widgets.tile import Tile
from ui_helpers import answer_help


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_wcag_formula():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("palette", PALETTES.values(), ids=list(PALETTES))
def test_text_contrast_is_aaa_and_shapes_are_visible(palette):
    for use, text, background in palette.text_pairs():
        assert contrast_ratio(text, background) >= 7.0, f"{palette.name}: {use}"
    for use, shape, background in palette.non_text_pairs():
        assert contrast_ratio(shape, background) >= 3.0, f"{palette.name}: {use}"


def visible(widget) -> bool:
    """Shown to the worker: no hidden (opacity 0) or switched-off ancestor up to the window."""
    while widget is not None and widget.parent is not widget:
        if widget.opacity == 0 or (isinstance(widget, KioskButton) and widget.disabled):
            return False
        widget = widget.parent
    return True


def check_screen(screen, scale: float = 1.0) -> None:
    """Every visible button/tile is a big touch target with a word; every visible text >= 28 sp."""
    for widget in screen.walk(restrict=True):
        if not visible(widget):
            continue
        if isinstance(widget, (KioskButton, Tile, TallyDot)):
            assert widget.height >= dp(96) - 0.5 and widget.width >= dp(96) - 0.5, widget
        if isinstance(widget, KioskButton):
            assert widget.text.strip(), "a button without a word"
            if widget.role == "primary":
                assert widget.height >= dp(140) - 0.5
        if isinstance(widget, (Label, PreparedText)) and widget.text.strip():
            assert widget.font_size >= sp(28 * scale) - 0.5, (widget.text, widget.font_size)


def walk_every_screen(kiosk, ui, size, tag, people=(("Anna", "en"), ("Ben", "en")), check=True, scale=1.0):
    app = kiosk(people=list(people), size=size)
    screens = []
    if app.sm.current == "people":
        screens.append(("people", ui.screen))
        ui.shot(f"{tag}-people")
        ui.tap(ui.screen.tiles()[0])
    screens.append(("tasks", ui.screen))
    ui.shot(f"{tag}-tasks")
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "sort-screws"))
    step = ui.screen
    for number in range(1, 5):
        screens.append((f"step{number}", step))
        if check:
            check_screen(step, scale)
        ui.shot(f"{tag}-step{number}")
        if number == 2:
            ui.tap(step.ids.help)
            ui.shot(f"{tag}-help")
            answer_help(ui, app)
        ui.tap(step.ids.next)
    ui.advance(1.0)
    screens.append(("finish", ui.screen))
    ui.shot(f"{tag}-finish")
    if check:
        for _name, screen in screens:
            if screen.name != "step":
                check_screen(screen, scale)
    return app


def test_landscape_screens_meet_the_rules(kiosk, ui):
    walk_every_screen(kiosk, ui, (1280, 800), "landscape")


def test_portrait_tablet_layout(kiosk, ui):
    app = walk_every_screen(kiosk, ui, (800, 1280), "portrait")
    ui.tap(ui.screen.ids.again)
    if app.sm.current == "people":  # a kiosk several workers share asks "Who are you?" again
        ui.tap(ui.screen.tiles()[0])
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "sort-screws"))
    step = ui.screen
    assert not step.landscape
    # Next is the biggest button and sits bottom-right; the buttons share one row at the bottom.
    nxt, back, hear = step.ids.next, step.ids.back, step.ids.hear
    assert nxt.right >= back.right and nxt.right >= hear.right
    assert nxt.y == pytest.approx(hear.y, abs=1)
    assert nxt.width * nxt.height > max(back.width * back.height, hear.width * hear.height)
    assert app.root_window.size[0] < app.root_window.size[1]


def test_worker_preferences_high_contrast_and_larger_text(kiosk, ui):
    def prefer(journal):
        anna = next(p for p in journal.people() if p.name == "Anna")
        journal.update_person(anna.id, preferences={"high_contrast": True, "text_scale": 1.5})

    app = kiosk(people=[("Anna", "en"), ("Ben", "en")], prepare=prefer)
    assert app.theme.palette_name == "calm"  # the people screen keeps the kiosk's look
    ui.tap(next(t for t in ui.screen.tiles() if t.title == "Anna"))
    assert app.theme.palette_name == "high_contrast" and app.theme.text_scale == 1.5
    ui.shot("anna-tasks")
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "sort-screws"))
    step = ui.screen
    check_screen(step, scale=1.5)
    assert step.ids.step_label.font_size == pytest.approx(sp(60))
    ui.shot("anna-step")
    ui.tap(step.ids.next)
    ui.shot("anna-step2")
    ui.tap(step.ids.home)
    ui.tap(app.overlay.buttons[1])
    ui.tap(ui.screen.ids.back)
    assert app.theme.palette_name == "calm" and app.theme.text_scale == 1.0


def test_focus_ring_is_drawn_only_for_keys(kiosk, ui):
    app = kiosk(people=[("Anna", "en"), ("Ben", "en")])
    tiles = ui.screen.tiles()
    ui.press(9)
    assert app.keyboard_mode and tiles[0].focused
    ui.tap(tiles[1], wait=True)  # a touch hides the ring again and selects directly
    assert not app.keyboard_mode and app.sm.current == "tasks"


def test_a_touch_on_an_icon_presses_its_button_and_one_beside_never_asks_the_icon(kiosk, ui, monkeypatch):
    """A button takes a touch anywhere in its box (on its icon and word too); a touch elsewhere is
    refused by the button itself, without being offered to its icon and word (a quarter of the
    work between a tap on Next and the next step's frame, ``bench/step_latency.py``)."""
    from kivy.tests.common import UnitTestTouch

    from kiosk.ui.widgets.buttons import WordLabel

    kiosk(people=[("Anna", "en")])
    ui.tap(ui.screen.tiles()[0])
    ui.settle()
    step = ui.screen
    asked = []
    real = WordLabel.on_touch_down
    monkeypatch.setattr(WordLabel, "on_touch_down", lambda self, touch: asked.append(self.text) or real(self, touch))
    ui.tap(step.ids.picture)  # beside every button
    assert asked == [] and step.session.number == 1
    icon = step.ids.next.ids.icon_image
    ui.advance(1.0)
    touch = UnitTestTouch(*icon.to_window(*icon.center))
    touch.touch_down()
    ui.pump(1)
    touch.touch_up()
    ui.settle()
    assert step.session.number == 2
    assert asked == [step.ids.next.ids.word.text]  # only the word of the button under the finger
