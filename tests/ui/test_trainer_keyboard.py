"""Typing a worker's name on the touchscreen alone: Kivy's docked on-screen keyboard in the real app.

The kiosk runs with ``keyboard_mode = systemanddock``: tapping the name field docks a VKeyboard with
the kiosk's layout (``kiosk.ui.models.keyboard``); here a name is typed by tapping its keys, in
English and in German (umlauts, ß, Shift), saved, and found in the journal.
"""

from __future__ import annotations

import pytest
from kivy.core.window import Window
from kivy.tests.common import UnitTestTouch

from test_trainer_screens import open_from_home, open_trainer, set_pin, wait_for_photos


def tap_key(ui, vk, shown):
    """Tap the key showing ``shown`` where the keyboard draws it (window coordinates)."""
    layout = vk.available_layouts[vk.layout]
    for line in range(1, layout["rows"] + 1):
        for index, key in enumerate(layout[f"{vk.layout_mode}_{line}"]):
            if key[0] == shown:
                (x, y), (w, h) = vk.layout_geometry[f"LINE_{line}"][index]
                wx, wy = vk.to_window(x + w / 2, y + h / 2)
                touch = UnitTestTouch(wx, wy)
                touch.touch_down()
                ui.pump(1)
                touch.touch_up()
                ui.pump(2)
                return (w * vk.scale, h * vk.scale)
    raise AssertionError(f"no key {shown!r} on the {vk.layout_mode} layer")


def open_new_worker(app, ui):
    open_trainer(app, ui)
    people = open_from_home(app, ui, "trainer_people")
    ui.tap(people.ids.add, wait=False)
    person = ui.screen
    wait_for_photos(ui, person)
    return person


def focus_name(ui, person):
    ui.tap(person.ids.name, wait=False)
    ui.pump(3)
    vk = person.ids.name.keyboard()
    assert vk is not None and person.ids.name.focus, "tapping the name field shows the on-screen keyboard"
    return vk


@pytest.mark.parametrize("size", [(1280, 800), (800, 1280)], ids=["landscape", "portrait"])
def test_a_name_is_typed_by_tapping_the_on_screen_keys(kiosk, ui, size):
    app = kiosk(people=[("Anna", "en")], prepare=set_pin, size=size)
    person = open_new_worker(app, ui)
    vk = focus_name(ui, person)
    assert vk.docked and vk.y == 0 and abs(vk.width * vk.scale - Window.width) < 2
    name = person.ids.name
    assert vk.to_window(0, vk.height)[1] <= name.to_window(name.x, name.y)[1], "the keyboard covers the field"
    sizes = [tap_key(ui, vk, "⇧ Shift")]  # capitals on, one capital, capitals off
    sizes.append(tap_key(ui, vk, "L"))
    sizes.append(tap_key(ui, vk, "⇧ Shift"))
    for letter in "i-mei":
        sizes.append(tap_key(ui, vk, letter))
    sizes.append(tap_key(ui, vk, "← Delete"))
    sizes.append(tap_key(ui, vk, "i"))
    assert name.text == "Li-mei"
    assert all(w >= app.theme.touch - 0.5 and h >= app.theme.touch - 0.5 for w, h in sizes), sizes
    ui.shot("keyboard-en")
    tap_key(ui, vk, "✓ Done")
    assert not name.focus and person.ids.name.keyboard() is None  # Done puts the keyboard away
    ui.tap(person.ids.save, wait=False)
    assert app.sm.current == "trainer_people"
    assert "Li-mei" in [p.name for p in app.journal.people()]


def test_german_names_with_umlauts_and_sharp_s(kiosk, ui):
    app = kiosk(people=[("Anna", "en")], prepare=set_pin, settings={"language": "de"})
    person = open_new_worker(app, ui)
    vk = focus_name(ui, person)
    tap_key(ui, vk, "⇧ Umschalt")
    tap_key(ui, vk, "Ö")
    tap_key(ui, vk, "⇧ Umschalt")
    for letter in "zgür":
        tap_key(ui, vk, letter)
    tap_key(ui, vk, " ")
    tap_key(ui, vk, "⇧ Umschalt")
    tap_key(ui, vk, "S")
    tap_key(ui, vk, "⇧ Umschalt")
    for letter in "traße":
        tap_key(ui, vk, letter)
    assert person.ids.name.text == "Özgür Straße"
    ui.shot("keyboard-de")
    ui.tap(person.ids.save, wait=False)
    assert "Özgür Straße" in [p.name for p in app.journal.people()]


def test_leaving_the_form_puts_the_keyboard_away(kiosk, ui):
    app = kiosk(people=[("Anna", "en")], prepare=set_pin)
    person = open_new_worker(app, ui)
    focus_name(ui, person)
    ui.tap(person.ids.back, wait=False)
    assert app.sm.current == "trainer_people"
    assert person.ids.name.keyboard() is None
