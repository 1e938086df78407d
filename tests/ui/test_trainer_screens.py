"""Trainer screens driven in the real app: packs (+ reload, preview), people, person, settings."""

from __future__ import annotations

import shutil

from kivy.core.window import Window

from kiosk.trainer import PinGuard
from ui_helpers import make_pack

PIN = "2468"


def set_pin(journal):
    PinGuard(journal).set_pin(PIN)


def open_trainer(app, ui):
    """Corner hold + PIN, as a trainer does it."""
    ui.hold(12, Window.height - 12, seconds=3.1)
    assert app.sm.current == "trainer_pin"
    for digit in PIN:
        ui.press(digit, wait=False)
    ui.press(13, wait=False)
    assert app.sm.current == "trainer_home"
    return ui.screen


def open_from_home(app, ui, name):
    home = ui.screen
    button = next(b for b in home.ids.actions.children if b.text == app.tr(
        {"trainer_packs": "Packs", "trainer_people": "People", "trainer_settings": "Settings"}[name], app.kiosk_lang))
    ui.tap(button, wait=False)
    assert app.sm.current == name
    return ui.screen


def broken_library(folder):
    from ui_helpers import standard_library

    standard_library(folder)
    root = make_pack(folder, "fold-towels", {"en": "Fold the towels"}, [{"text": "Take a towel."},
                                                                       {"text": "Fold it."}])
    (root / "02.jpg").unlink()
    return folder


def test_packs_show_broken_reason_reload_and_preview_without_a_run(kiosk, ui, tmp_path):
    library = broken_library(tmp_path / "packs")
    app = kiosk(packs=[library], people=[("Anna", "en")], prepare=set_pin)
    open_trainer(app, ui)
    screen = open_from_home(app, ui, "trainer_packs")
    rows = {row.report.pack: row for row in screen.rows()}
    assert set(rows) == {"sort-screws", "wash-hands", "fold-towels"}
    broken = rows["fold-towels"]
    assert broken.state_word == "Broken" and not broken.usable
    assert "02.jpg" in broken.details and "step 2" in broken.details
    assert rows["sort-screws"].state_word == "Ready"
    ui.shot("packs")

    # A pack copied in while the kiosk runs appears after Reload; a fixed pack becomes Ready.
    make_pack(library, "water-plants", {"en": "Water the plants"}, [{"text": "Fill the can."}])
    shutil.rmtree(library / "fold-towels")
    ui.tap(screen.ids.reload, wait=False)
    ui.settle()
    ui.pump(4)
    rows = {row.report.pack: row for row in screen.rows()}
    assert set(rows) == {"sort-screws", "wash-hands", "water-plants"}
    assert rows["water-plants"].state_word == "Ready"

    runs_before = len(app.journal.runs())
    ui.tap(rows["sort-screws"], wait=False)
    assert app.sm.current == "trainer_preview"
    preview = ui.screen
    assert preview.position == "1 of 4" and preview.sentence == "Take the box of screws."
    ui.shot("preview")
    ui.tap(preview.ids.next, wait=False)
    ui.tap(preview.ids.next, wait=False)
    assert preview.position == "3 of 4"
    german = next(b for b in preview.ids.languages.children if b.language == "de")
    ui.tap(german, wait=False)
    assert preview.sentence == "Warten Sie, bis der Kleber trocken ist."
    ui.tap(preview.ids.hear, wait=False)
    ui.tap(preview.ids.next, wait=False)
    assert preview.position == "4 of 4" and preview.ids.next.disabled
    ui.shot("preview-de")
    ui.tap(preview.ids.back, wait=False)
    assert app.sm.current == "trainer_packs"
    assert len(app.journal.runs()) == runs_before == 0
    assert app.session is None
