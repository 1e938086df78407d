"""Trainer screens driven in the real app: packs (+ reload, preview), people, person, settings."""

from __future__ import annotations

import shutil
import time

import pytest
from kivy.core.window import Window

from kiosk.trainer import PinGuard
from kiosk.ui.screens import TRAINER_ACTIONS
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
    button = next(
        b
        for b in home.ids.actions.children
        if b.text
        == app.tr(
            {
                "trainer_packs": "Packs",
                "trainer_people": "People",
                "trainer_settings": "Settings",
                "trainer_problems": "Problems",
            }[name],
            app.kiosk_lang,
        )
    )
    ui.tap(button, wait=False)
    assert app.sm.current == name
    return ui.screen


def pack_row(ui, screen, found):
    """The packs screen's row for the first entry ``found(entry)`` accepts, scrolled into view:
    the screen is a recycling list, only the rows on screen exist (``screen.entries()`` has all)."""
    index = next(i for i, entry in enumerate(screen.entries()) if found(entry))
    screen.row_at(index)
    ui.pump(6)  # a row seen for the first time is measured, and kept in view, in the next frames
    return screen.row_at(index)


def broken_library(folder):
    from ui_helpers import standard_library

    standard_library(folder)
    root = make_pack(
        folder, "fold-towels", {"en": "Fold the towels"}, [{"text": "Take a towel."}, {"text": "Fold it."}]
    )
    (root / "02.jpg").unlink()
    return folder


def test_packs_show_broken_reason_reload_and_preview_without_a_run(kiosk, ui, tmp_path):
    library = broken_library(tmp_path / "packs")
    app = kiosk(packs=[library], people=[("Anna", "en")], prepare=set_pin)
    open_trainer(app, ui)
    screen = open_from_home(app, ui, "trainer_packs")
    rows = {entry["report"].pack: entry for entry in screen.entries()}
    assert set(rows) == {"sort-screws", "wash-hands", "fold-towels"}
    broken = rows["fold-towels"]
    assert broken["state_word"] == "Broken" and not broken["usable"]
    assert "02.jpg" in broken["details"] and "step 2" in broken["details"]
    assert rows["sort-screws"]["state_word"] == "Ready"
    ui.shot("packs")

    # A pack copied in while the kiosk runs appears after Reload; a fixed pack becomes Ready.
    make_pack(library, "water-plants", {"en": "Water the plants"}, [{"text": "Fill the can."}])
    shutil.rmtree(library / "fold-towels")
    ui.tap(screen.ids.reload, wait=False)
    ui.settle()
    ui.pump(4)
    rows = {entry["report"].pack: entry for entry in screen.entries()}
    assert set(rows) == {"sort-screws", "wash-hands", "water-plants"}
    assert rows["water-plants"]["state_word"] == "Ready"

    runs_before = len(app.journal.runs())
    ui.tap(pack_row(ui, screen, lambda entry: entry["report"].pack == "sort-screws"), wait=False)
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
    assert preview.position == "4 of 4"
    ui.tap(preview.ids.next, wait=False)  # the last step: Next stays there (dimmed)
    assert preview.position == "4 of 4"
    ui.tap(preview.ids.previous, wait=False)
    assert preview.position == "3 of 4"
    ui.tap(preview.ids.next, wait=False)
    ui.shot("preview-de")
    ui.tap(preview.ids.back, wait=False)
    assert app.sm.current == "trainer_packs"
    assert len(app.journal.runs()) == runs_before == 0
    assert app.session is None


def choice(box, value):
    return next(b for b in box.children if b.value == value)


def wait_for_photos(ui, screen):
    """Photo listing and copying run on the photo shelf's thread; their results arrive by the clock."""
    deadline = time.monotonic() + 10
    while (screen.photos_busy or screen.shelf.busy) and time.monotonic() < deadline:
        time.sleep(0.005)
        ui.pump(1)
    ui.pump(2)


def tap_in(ui, widget):
    """Scroll the screen's form so ``widget`` is visible, then tap it (and let photo work finish)."""
    ui.screen.ids.scroller.scroll_to(widget, padding=40, animate=False)
    ui.pump(3)
    ui.tap(widget, wait=False)
    if hasattr(ui.screen, "photos_busy"):
        wait_for_photos(ui, ui.screen)


def test_add_edit_and_archive_a_worker(kiosk, ui):
    app = kiosk(people=[("Anna", "en"), ("Ben", "de")], prepare=set_pin)
    assert app.sm.current == "people"
    open_trainer(app, ui)
    people = open_from_home(app, ui, "trainer_people")
    assert [t.title for t in people.tiles()] == ["Anna", "Ben"]
    ui.shot("people")
    ui.tap(people.ids.add, wait=False)
    person = ui.screen
    wait_for_photos(ui, person)
    assert app.sm.current == "trainer_person" and person.person is None
    ui.tap(person.ids.save, wait=False)
    assert person.message == "Please type a name." and app.sm.current == "trainer_person"
    person.ids.name.text = "Chen"
    assert person.message == ""  # the request goes once a name is there
    tap_in(ui, choice(person.ids.languages, "zh"))
    tap_in(ui, choice(person.ids.text_sizes, 1.25))
    tap_in(ui, choice(person.ids.rates, "slow"))
    photo = next(p for p in person.ids.photos.children if p.path.name == "worker-2.png")
    tap_in(ui, photo)
    assert person.photo == "people/worker-2.png"
    assert (app.data.people_photos / "worker-2.png").is_file()
    tap_in(ui, person.ids.camera)
    assert "camera" in person.camera_text.lower()  # no camera under Xvfb: said calmly
    ui.shot("person-new")
    ui.tap(person.ids.save, wait=False)
    assert app.sm.current == "trainer_people"
    chen = next(p for p in app.journal.people() if p.name == "Chen")
    assert chen.language == "zh" and chen.photo == "people/worker-2.png"
    assert chen.preferences["text_scale"] == 1.25 and chen.preferences["speech_rate"] == "slow"
    assert app.settings.for_person(chen).text_scale == 1.25  # the worker UI reads the same key
    assert "Chen" in [t.title for t in people.tiles()]

    # Edit Ben's language and give his family a PIN.
    ui.tap(next(t for t in people.tiles() if t.title == "Ben"), wait=False)
    assert person.person.name == "Ben" and person.language == "de"
    tap_in(ui, choice(person.ids.languages, "en"))
    for digit in "135":
        tap_in(ui, digit_key(person.ids.pin, digit))
    tap_in(ui, person.ids.pin.ids.ok)
    assert person.message == "A PIN has 4 to 8 digits."
    assert not app.pin_guard.family_pin_is_set(person.person.id)
    for digit in "1357":
        tap_in(ui, digit_key(person.ids.pin, digit))
    tap_in(ui, person.ids.pin.ids.ok)
    assert person.message == "Type the same PIN again."  # once is not enough: a slip would lock the family out
    assert not app.pin_guard.family_pin_is_set(person.person.id)
    for digit in "1357":
        tap_in(ui, digit_key(person.ids.pin, digit))
    tap_in(ui, person.ids.pin.ids.ok)
    assert app.pin_guard.family_pin_is_set(person.person.id)
    assert app.pin_guard.check_family_pin(person.person.id, "1357").ok
    assert app.overlay is not None and "1357" in app.overlay.message  # the slip to copy for the family
    ui.shot("family-pin-slip")
    ui.tap(app.overlay.buttons[0], wait=False)
    assert app.overlay is None
    ui.shot("person-edit")
    ui.tap(person.ids.save, wait=False)
    assert next(p for p in app.journal.people() if p.name == "Ben").language == "en"
    assert people.saved_text == "Ben is saved."  # said where the trainer lands, until it is left

    # Archive Anna (after the question); the worker screen no longer shows her.
    ui.tap(next(t for t in people.tiles() if t.title == "Anna"), wait=False)
    wait_for_photos(ui, person)
    assert person.ids.name.text == "Anna"
    assert [p.path.name for p in person.ids.photos.children].count("worker-2.png") == 1  # copied once, shown once
    ui.shot("person-anna")
    ui.tap(person.ids.archive, wait=False)
    assert app.overlay is not None
    ui.shot("person-archive")
    ui.tap(app.overlay.buttons[1], wait=False)  # Yes
    assert app.sm.current == "trainer_people"
    assert "Anna" not in [t.title for t in people.tiles()]
    assert [p.name for p in app.journal.people(include_archived=True) if p.archived] == ["Anna"]
    ui.tap(people.ids.back, wait=False)
    ui.tap(ui.screen.ids.worker_mode, wait=False)
    assert app.sm.current == "people"
    assert sorted(t.title for t in ui.screen.tiles()) == ["Ben", "Chen"]
    ui.shot("worker-people")


def digit_key(pad, digit):
    return next(b for b in pad.ids.digits.children if b.text == digit)


def type_digits(ui, screen, digits):
    """Tap the digits and OK on the screen's PinPad, as a trainer does."""
    for digit in digits:
        tap_in(ui, digit_key(screen.ids.pin, digit))
    tap_in(ui, screen.ids.pin.ids.ok)


def test_settings_change_tap_guard_celebration_and_the_pin(kiosk, ui):
    app = kiosk(people=[("Anna", "en")], prepare=set_pin)
    open_trainer(app, ui)
    screen = open_from_home(app, ui, "trainer_settings")
    ui.shot("settings")
    tap_in(ui, choice(screen.ids.tap_guard, 0.8))
    assert app.settings.tap_guard_s == 0.8 and app.guard.seconds == 0.8
    assert app.journal.get_setting("ui.tap_guard_s") == 0.8
    assert choice(screen.ids.tap_guard, 0.8).chosen
    tap_in(ui, choice(screen.ids.celebrate, False))
    assert app.settings.celebrate is False
    tap_in(ui, choice(screen.ids.language, "de"))
    assert app.settings.language == "de" and app.kiosk_lang == "de"
    assert screen.ids.pin_stage.text == "Alte PIN eingeben"
    tap_in(ui, choice(screen.ids.language, "en"))
    tap_in(ui, choice(screen.ids.look, True))
    assert app.theme.palette_name == "high_contrast"
    ui.shot("settings-high-contrast")
    tap_in(ui, choice(screen.ids.look, False))

    # Quiet hours for the day plan's reminders: big choices, saved at once, read by the reminders.
    from datetime import time as clock_time

    from kiosk.plan.store import PlanStore

    assert choice(screen.ids.quiet_hours, None).chosen and app.plans.quiet_hours() is None
    lunch = (clock_time(12, 0), clock_time(13, 0))
    tap_in(ui, choice(screen.ids.quiet_hours, lunch))
    assert PlanStore(app.journal).quiet_hours() == lunch and choice(screen.ids.quiet_hours, lunch).chosen
    assert choice(screen.ids.quiet_hours, lunch).text == "12:00 to 13:00"
    PlanStore(app.journal).set_quiet_hours((clock_time(11, 15), clock_time(11, 45)))  # set on a laptop
    screen.update()
    ui.pump(3)  # the new buttons laid out
    laptop = choice(screen.ids.quiet_hours, (clock_time(11, 15), clock_time(11, 45)))
    assert laptop.chosen and laptop.text == "11:15 to 11:45"  # shown as chosen, never hidden
    tap_in(ui, choice(screen.ids.quiet_hours, None))
    assert PlanStore(app.journal).quiet_hours() is None

    # Changing the PIN needs the old one.
    type_digits(ui, screen, "1111")
    assert screen.pin_message == "Wrong PIN." and screen.pin_stage == "old"
    app.pin_guard._trainer.clear_lockout()  # noqa: SLF001 - no need to wait out the lockout here
    type_digits(ui, screen, PIN)
    assert screen.pin_stage == "new"
    type_digits(ui, screen, "975310")
    assert screen.pin_stage == "again"
    type_digits(ui, screen, "975311")
    assert screen.pin_stage == "new" and "different" in screen.pin_message
    type_digits(ui, screen, "975310")
    type_digits(ui, screen, "975310")
    assert screen.pin_message == "The trainer PIN is changed."
    ui.shot("settings-pin")
    assert app.pin_guard.check("975310").ok and not app.pin_guard.check(PIN).ok


def test_celebration_off_shows_no_star(kiosk, ui):
    app = kiosk(people=[("Anna", "en")], settings={"celebrate": False})
    ui.tap(next(t for t in ui.screen.tiles() if t.title == "Wash your hands"))
    ui.tap(ui.screen.ids.next)
    ui.tap(ui.screen.ids.next)
    assert app.sm.current == "finish"
    ui.advance(1.0)
    assert ui.screen.star_opacity == 0 and ("ui", "celebrate") not in app.audio.played


@pytest.mark.parametrize("size", [(1280, 800), (800, 1280)], ids=["landscape", "portrait"])
def test_trainer_home_is_navigation_with_a_problem_count(kiosk, ui, tmp_path, size):
    """The trainer home holds navigation only (settings live on the Settings screen), fits 1280 x
    800 and a portrait tablet in German, and its Problems button counts the problems (here a
    broken pack's): nothing is cut off, every button has an icon and a word."""
    library = broken_library(tmp_path / "packs")
    app = kiosk(packs=[library], people=[("Anna", "en")], prepare=set_pin, settings={"language": "de"}, size=size)
    home = open_trainer(app, ui)
    assert len(home.ids.actions.children) == len(TRAINER_ACTIONS)
    assert not [w for w in home.walk() if hasattr(w, "label") and hasattr(w, "action")]  # no setting toggles
    problems = home.problems_button()
    assert problems.text == "Probleme" and problems.icon == "warning"
    pack_problems = sum(len(r.problems) for r in app.shelf.result.reports)
    assert pack_problems and problems.badge == str(pack_problems + len(app.problems.stored()))
    for widget in [home.ids.exit, home.ids.worker_mode, *home.ids.actions.children]:
        x, y = widget.to_window(widget.x, widget.y)
        assert 0 <= x and x + widget.width <= Window.width + 0.5, widget
        assert 0 <= y and y + widget.height <= Window.height + 0.5, widget
        assert widget.height >= app.theme.touch - 0.5
        assert widget.text and widget.icon
        assert widget.ids.word.natural_width <= widget.width, widget.text  # each word whole
    ui.shot("home-de")


def test_exit_kiosk_asks_first(kiosk, ui):
    app = kiosk(people=[("Anna", "en")], prepare=set_pin)
    home = open_trainer(app, ui)
    exits = []
    app.exit_kiosk = lambda: exits.append(True)
    ui.tap(home.ids.exit, wait=False)
    assert app.overlay is not None and "black" in app.overlay.message and exits == []
    assert [b.text for b in app.overlay.buttons] == ["Stay", "Exit kiosk"] and app.overlay.buttons[0].focused
    ui.shot("exit-question")
    ui.tap(app.overlay.buttons[0])  # Stay (the answers are guarded: after the tap-guard time)
    assert app.overlay is None and exits == [] and app.sm.current == "trainer_home"
    ui.tap(home.ids.exit, wait=False)
    ui.tap(app.overlay.buttons[1])  # Exit kiosk (after the tap-guard's time: the answers are guarded)
    assert exits == [True] and app.overlay is None
