"""Every trainer and family screen, looked at: landscape 1280x800 and portrait 800x1280, text scale
1.0 and 1.5, English, German and Chinese. Screenshots go to $STEP_KIOSK_SCREENSHOTS; each screen is
also measured: every visible button is at least the 96 dp touch target, inside the window's width,
and carries a word (and an icon, except the digit keys); no text is smaller than 28 sp, and no
word is broken inside to fit (a word wider than its label's wrapping width; Chinese, which is
written without spaces, may wrap between any two characters)."""

from __future__ import annotations

import re

import pytest
from kivy.core.text import Label as CoreLabel
from kivy.core.window import Window
from kivy.metrics import sp
from kivy.uix.label import Label

from kiosk.ui.widgets.buttons import KioskButton
from test_progress_screens import ANNA_PIN, TRAINER_PIN, history
from test_trainer_screens import broken_library, open_from_home, wait_for_photos


def visible(widget):
    while widget is not None and not isinstance(widget, type(Window)):
        if widget.opacity == 0 or widget.width <= 1 or widget.height <= 1:
            return False
        widget = widget.parent
    return True


CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def broken_words(label):
    """The words of ``label`` wider than its wrapping width: Kivy would break them inside."""
    width = label.text_size[0] if label.text_size else None
    if not width or not label.text.strip():
        return []
    text = re.sub(r"\[/?\w+(=[^\]]*)?\]", "", label.text) if label.markup else label.text
    broken = []
    for word in set(text.split()):
        if CJK.search(word):
            continue
        core = CoreLabel(text=word, font_size=label.font_size, bold=label.bold)
        core.refresh()
        if core.texture.size[0] > width + 1:
            broken.append(word)
    return broken


def measure(app, screen, where):
    problems = []
    for widget in screen.walk():
        if isinstance(widget, KioskButton) and visible(widget):
            x, _ = widget.to_window(widget.x, widget.y)
            if widget.height < app.theme.touch - 0.5:
                problems.append(f"{where}: {widget.text!r} is {widget.height:.0f} px tall")
            if x < -0.5 or x + widget.width > Window.width + 0.5:
                problems.append(f"{where}: {widget.text!r} leaves the window")
            if not widget.text or not (widget.icon or widget.text.isdigit()):
                problems.append(f"{where}: a button without an icon and a word: {widget.text!r}")
        elif isinstance(widget, Label) and visible(widget) and widget.text.strip() and widget.font_size < sp(28) - 0.5:
            if not widget.text.startswith(("•", "/")):  # a pack's problem lines and its folder: trainer detail
                problems.append(f"{where}: {widget.text[:30]!r} at {widget.font_size:.0f} px")
        if isinstance(widget, Label) and visible(widget) and not widget.text.startswith("/"):  # a folder: a path
            problems += [
                f"{where}: {word!r} is broken inside ({type(widget).__name__} {widget.text[:40]!r})"
                for word in broken_words(widget)
            ]
    return problems


@pytest.mark.parametrize("language", ["en", "de", "zh"])
@pytest.mark.parametrize("scale", [1.0, 1.5], ids=["text100", "text150"])
@pytest.mark.parametrize("size", [(1280, 800), (800, 1280)], ids=["landscape", "portrait"])
def test_trainer_and_family_screens_look_right(kiosk, ui, tmp_path, size, scale, language):
    library = broken_library(tmp_path / "packs")
    app = kiosk(
        packs=[library],
        people=[("Anna", language), ("Zebulon", "en")],
        prepare=history,
        size=size,
        settings={"language": language, "text_scale": scale},
    )
    problems = []
    ui.hold(12, Window.height - 12, seconds=3.1)
    ui.shot("trainer_pin")
    problems += measure(app, ui.screen, "trainer_pin")
    for digit in TRAINER_PIN:
        ui.press(digit, wait=False)
    ui.press(13, wait=False)
    assert app.sm.current == "trainer_home"
    home = ui.screen
    ui.shot("trainer_home")
    problems += measure(app, home, "trainer_home")
    ui.tap(home.ids.exit, wait=False)
    ui.shot("trainer_home-exit")
    problems += measure(app, app.overlay, "exit question")
    ui.tap(app.overlay.buttons[0])  # Stay (after the tap-guard's time: the answers are guarded)
    for name in ("trainer_packs", "trainer_people", "trainer_settings", "trainer_problems"):
        screen = open_from_home(app, ui, name)
        ui.shot(name)
        problems += measure(app, screen, name)
        if name == "trainer_packs":
            row = next(r for r in screen.rows() if r.usable)
            screen.ids.scroller.scroll_to(row.ids.preview, animate=False)  # below the fold at 150 %
            ui.pump(3)
            ui.tap(row.ids.preview, wait=False)
            ui.shot("trainer_preview")
            problems += measure(app, ui.screen, "trainer_preview")
            ui.tap(ui.screen.ids.back, wait=False)
        if name == "trainer_people":
            ui.tap(screen.tiles()[0], wait=False)
            person = ui.screen
            wait_for_photos(ui, person)
            ui.shot("trainer_person")
            problems += measure(app, person, "trainer_person")
            ui.tap(person.ids.name, wait=False)
            ui.pump(3)
            ui.shot("trainer_person-keyboard")
            person.ids.scroller.scroll_y = 0
            ui.pump(3)
            ui.shot("trainer_person-family-pin")
            ui.tap(person.ids.back, wait=False)
        if name == "trainer_settings":
            screen.ids.scroller.scroll_y = 0
            ui.pump(3)
            ui.shot("trainer_settings-pin")
            problems += measure(app, screen, "trainer_settings (end)")
        if name == "trainer_problems":
            ui.tap(screen.ids.clear_button, wait=False)  # the Undo bar, as it shows for 10 s
            ui.shot("trainer_problems-undo")
            problems += measure(app, screen, "trainer_problems (undo)")
            ui.tap(screen.ids.undo.ids.undo, wait=False)
        ui.tap(ui.screen.ids.back, wait=False)
        assert app.sm.current == "trainer_home", name
    ui.tap(next(b for b in home.ids.actions.children if b.text == app.tr("Progress", app.kiosk_lang)), wait=False)
    ui.shot("progress_people")
    problems += measure(app, ui.screen, "progress_people")
    ui.tap(next(t for t in ui.screen.tiles() if t.item.name == "Anna"), wait=False)
    ui.shot("progress_pin")
    problems += measure(app, ui.screen, "progress_pin")
    for digit in ANNA_PIN:
        ui.press(digit, wait=False)
    ui.press(13, wait=False)
    assert app.sm.current == "progress_person"
    ui.shot("progress_person")
    problems += measure(app, ui.screen, "progress_person")
    assert not problems, "\n".join(problems)
