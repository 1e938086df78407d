"""Trainer: the Problems screen (grouped, translated, Clear with Undo), settings in one place,
"Same as kiosk" per worker, Undo for a removed family PIN, and archived workers restored."""

from __future__ import annotations

import shutil

from test_trainer_screens import (
    broken_library,
    choice,
    digit_key,
    open_from_home,
    open_trainer,
    set_pin,
    tap_in,
    wait_for_photos,
)


def test_problems_screen_lists_translates_clears_and_undoes(kiosk, ui, tmp_path):
    library = broken_library(tmp_path / "packs")

    def prepare(journal):
        set_pin(journal)
        from kiosk.ui.problems import ProblemLog

        ProblemLog(journal).add("speech", "The kiosk cannot speak: the speech engine failed.", "RuntimeError")

    app = kiosk(packs=[library], people=[("Anna", "de")], prepare=prepare, settings={"language": "de"})
    home = open_trainer(app, ui)
    badge = int(home.problems_button().badge)
    screen = open_from_home(app, ui, "trainer_problems")
    assert screen.count == badge and screen.kiosk_count == 2  # the speech failure and "pack cannot be used"
    ui.pump(3)
    texts = screen.row_texts()
    assert texts[0].startswith("fold-towels — Defekt")
    assert any("02.jpg, Schritt 2" in t and "Die Datei 02.jpg" in t for t in texts)  # the pack's problem, in German
    assert "Der Kiosk kann nicht sprechen: Die Sprachausgabe ist ausgefallen. RuntimeError" in texts[-1]
    assert "Das Paket fold-towels kann nicht benutzt werden." in texts[-2] and "Die Datei 02.jpg" in texts[-2]
    drawn = [w for w in screen.ids.list.children[0].children if w.what]
    assert drawn and all(w.height >= w.texture_size[1] for w in drawn)  # rows as tall as their words
    ui.shot("problems-de")

    ui.tap(screen.ids.clear_button, wait=False)
    assert app.problems.stored() == [] and screen.kiosk_count == 0 and screen.ids.undo.shown
    assert screen.ids.undo.message == "2 Probleme gelöscht."
    assert not any("Der Kiosk kann nicht sprechen" in t for t in screen.row_texts())
    assert any("fold-towels" in t for t in screen.row_texts())  # a pack's problems stay until it is fixed
    ui.shot("problems-cleared")
    ui.tap(screen.ids.undo.ids.undo, wait=False)
    assert len(app.problems.stored()) == 2 and not screen.ids.undo.shown
    assert screen.row_texts() == texts
    ui.tap(screen.ids.clear_button, wait=False)
    ui.advance(10.5)  # the Undo bar goes by itself; the list stays cleared
    assert not screen.ids.undo.shown and app.problems.stored() == []
    ui.tap(screen.ids.back, wait=False)
    assert app.sm.current == "trainer_home"
    assert home.problems_button().badge == str(badge - 2)
    shutil.rmtree(library / "fold-towels")  # the pack is fixed (here: gone) while home is shown
    app.shelf.refresh()
    ui.settle()
    ui.pump(3)
    assert home.problems_button().badge == "", (
        app.problems.stored(),
        [str(r.path) for r in app.shelf.result.reports if not r.ok],
    )  # no problems: no badge


def test_a_worker_follows_the_kiosk_until_the_trainer_chooses(kiosk, ui):
    """Settings in one place: text size is changed on the Settings screen and reaches a worker
    made in the form, who is "Same as kiosk" unless the trainer chose otherwise."""
    app = kiosk(people=[("Anna", "en"), ("Ben", "en")], prepare=set_pin)
    open_trainer(app, ui)
    people = open_from_home(app, ui, "trainer_people")
    ui.tap(people.ids.add, wait=False)
    person = ui.screen
    wait_for_photos(ui, person)
    person.ids.name.text = "Chen"
    same = choice(person.ids.speech, None)
    assert same.chosen and same.text == "Same as kiosk (On)"
    tap_in(ui, choice(person.ids.rates, "slow"))
    ui.shot("person-same-as-kiosk")
    ui.tap(person.ids.save, wait=False)
    chen = next(p for p in app.journal.people() if p.name == "Chen")
    assert dict(chen.preferences) == {"speech_rate": "slow"}  # only what was chosen
    ui.tap(people.ids.back, wait=False)
    settings = open_from_home(app, ui, "trainer_settings")
    tap_in(ui, choice(settings.ids.text_scale, 1.5))
    tap_in(ui, choice(settings.ids.autoplay, False))
    assert app.journal.get_setting("ui.text_scale") == 1.5
    chen = app.journal.person(chen.id)
    assert app.settings.for_person(chen).text_scale == 1.5 and app.settings.for_person(chen).autoplay is False
    assert app.settings.for_person(chen).speech_rate == "slow"
    ui.shot("settings-text-150")


def test_remove_family_pin_has_undo_and_archived_workers_come_back(kiosk, ui):
    def prepare(journal):
        set_pin(journal)
        from kiosk.trainer import PinGuard

        ben = next(p for p in journal.people() if p.name == "Ben")
        PinGuard(journal).set_family_pin(ben.id, "1357")
        journal.archive_person(next(p for p in journal.people() if p.name == "Anna").id)

    app = kiosk(people=[("Anna", "en"), ("Ben", "en"), ("Cleo", "en")], prepare=prepare)
    open_trainer(app, ui)
    people = open_from_home(app, ui, "trainer_people")
    assert [t.title for t in people.tiles()] == ["Ben", "Cleo"]
    assert [r.name for r in people.archived_rows()] == ["Anna"]
    people.ids.scroller.scroll_y = 0
    ui.pump(3)
    ui.shot("people-archived")

    ui.tap(next(t for t in people.tiles() if t.title == "Ben"), wait=False)
    person = ui.screen
    wait_for_photos(ui, person)
    ben = person.person
    tap_in(ui, person.ids.clear_pin)
    assert not app.pin_guard.family_pin_is_set(ben.id) and person.ids.undo.shown
    ui.shot("person-pin-removed")
    ui.tap(person.ids.undo.ids.undo, wait=False)
    assert app.pin_guard.check_family_pin(ben.id, "1357").ok  # the same PIN again
    assert person.message == "The family PIN is back."
    tap_in(ui, person.ids.clear_pin)
    ui.advance(10.5)
    assert not person.ids.undo.shown and not app.pin_guard.family_pin_is_set(ben.id)
    for _ in range(2):  # the new PIN, and the same again
        for digit in "2468":
            tap_in(ui, digit_key(person.ids.pin, digit))
        tap_in(ui, person.ids.pin.ids.ok)
    assert app.pin_guard.family_pin_is_set(ben.id)
    ui.tap(app.overlay.buttons[0], wait=False)  # the slip for the family: copied, Done
    ui.tap(person.ids.back, wait=False)

    assert app.sm.current == "trainer_people"
    ui.settle()  # the faces load first (they may move the rows), then scroll to Anna's row
    people.ids.scroller.scroll_to(people.archived_rows()[0], animate=False)
    ui.pump(3)
    ui.tap(people.archived_rows()[0].ids.restore, wait=False)
    assert [t.title for t in people.tiles()] == ["Anna", "Ben", "Cleo"] and people.archived_rows() == []
    assert not app.journal.person(next(p.id for p in app.journal.people() if p.name == "Anna")).archived
    ui.tap(people.ids.back, wait=False)
    ui.tap(ui.screen.ids.worker_mode, wait=False)
    assert sorted(t.title for t in ui.screen.tiles()) == ["Anna", "Ben", "Cleo"]
