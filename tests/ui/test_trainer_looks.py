"""Every trainer and family screen, looked at: landscape 1280x800 and portrait 800x1280, text scale
1.0 and 1.5, English, German and Chinese. Screenshots go to $STEP_KIOSK_SCREENSHOTS; each screen is
also measured (``looks.measure``, as the worker screens are: touch targets with icon and word,
28 sp, text inside its box and the window, no word split inside)."""

from __future__ import annotations

import pytest
from kivy.core.window import Window

from looks import measure
from test_progress_screens import ANNA_PIN, TRAINER_PIN, history
from test_trainer_screens import broken_library, open_from_home, wait_for_photos


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
