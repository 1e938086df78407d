"""Kiosk behaviour: no way out for a worker; the trainer's corner hold + PIN; trainer home."""

from __future__ import annotations

from kivy.base import EventLoop
from kivy.core.window import Window

from kiosk.trainer import PinGuard
from test_trainer_screens import choice, open_from_home, tap_in

PIN = "2468"


def set_pin(journal):
    PinGuard(journal).set_pin(PIN)


def corner():
    return 12, Window.height - 12


def type_pin(ui, digits):
    for digit in digits:
        ui.press(digit, wait=False)
    ui.press(13, wait=False)


def test_escape_android_back_and_close_request_do_not_exit(kiosk, ui):
    app = kiosk()
    ui.tap(ui.screen.tiles()[0])
    assert app.sm.current == "step"
    ui.press(27)  # Escape (also Android's back key/gesture)
    assert Window.dispatch("on_keyboard", 27, 0, None, []) is True  # consumed: no pause, no exit
    assert Window.dispatch("on_request_close") is True  # the close button / Alt-F4
    ui.pump(3)
    assert EventLoop.status == "started"
    assert app.sm.current == "step" and ui.screen.number == 1
    assert app.open_settings() is False  # F1 does not open Kivy's settings panel


def test_corner_hold_opens_pin_pad_and_a_wrong_pin_does_not_let_in(kiosk, ui):
    app = kiosk(prepare=set_pin)
    ui.hold(*corner(), seconds=1.0)  # too short: nothing
    assert app.sm.current == "tasks"
    ui.hold(*corner(), seconds=3.1)
    assert app.sm.current == "trainer_pin"
    pad = ui.screen
    assert pad.mode == "check"
    ui.shot("pin-pad")
    type_pin(ui, "1111")
    assert app.sm.current == "trainer_pin"
    assert pad.message == "Wrong PIN."
    ui.shot("pin-wrong")
    for digit in PIN:  # the pad's own buttons
        key = next(b for b in pad.ids.pin.ids.digits.children if b.text == digit)
        ui.tap(key, wait=False)
    assert pad.entered == PIN
    ui.tap(pad.ids.pin.ids.ok, wait=False)
    assert app.sm.current == "trainer_home"
    ui.shot("trainer-home")
    ui.tap(ui.screen.ids.worker_mode)
    assert app.sm.current == "tasks"


def test_lockout_shows_the_wait(kiosk, ui):
    app = kiosk(prepare=set_pin)
    ui.hold(*corner(), seconds=3.1)
    for _ in range(3):
        type_pin(ui, "0000")
    pad = ui.screen
    assert pad.wait_left > 0 and "wait" in pad.ids.pin.ids.message.text
    type_pin(ui, PIN)  # even the right PIN waits during a lockout
    assert app.sm.current == "trainer_pin"
    ui.shot("pin-lockout")
    ui.press(27)  # Escape on the pad = Cancel: back to the worker's screen
    assert app.sm.current == "tasks"


def test_hold_on_the_home_button_opens_the_pad_but_does_not_press_home(kiosk, ui):
    app = kiosk(prepare=set_pin)
    ui.tap(ui.screen.tiles()[0])
    step = ui.screen
    ui.tap(step.ids.next)
    x, y = step.ids.home.to_window(step.ids.home.x + 20, step.ids.home.top - 20)
    assert app.root.ids.corner.collide_point(x, y)
    ui.hold(x, y, seconds=3.2)
    assert app.sm.current == "trainer_pin"
    assert app.overlay is None  # "Stop this task?" was not asked
    ui.tap(ui.screen.ids.cancel)
    assert app.sm.current == "step" and step.number == 2  # the task goes on where it was
    ui.tap(step.ids.home)  # a short tap on Home still works
    assert app.overlay is not None
    app.close_overlay()


def test_new_kiosk_asks_for_a_pin_twice_then_exit(kiosk, ui, monkeypatch):
    app = kiosk()
    ui.hold(*corner(), seconds=3.1)
    pad = ui.screen
    assert pad.mode == "new"
    ui.shot("pin-new")
    type_pin(ui, "12")
    assert pad.mode == "new" and "4 to 8" in pad.message
    type_pin(ui, "97531")
    assert pad.mode == "confirm"
    type_pin(ui, "97530")
    assert pad.mode == "new" and "different" in pad.message
    type_pin(ui, "97531")
    type_pin(ui, "97531")
    assert app.sm.current == "trainer_home"
    assert PinGuard(app.journal).check("97531").ok
    stopped = []
    monkeypatch.setattr(app, "stop", lambda *a: stopped.append(True))
    ui.tap(ui.screen.ids.exit)
    assert stopped == [] and app.overlay is not None  # Exit kiosk asks first (a black screen follows)
    stay, leave = app.overlay.buttons
    ui.tap(stay)
    assert stopped == [] and app.overlay is None and app.sm.current == "trainer_home"
    ui.tap(ui.screen.ids.exit)
    ui.tap(app.overlay.buttons[1])
    assert stopped == [True]


def test_trainer_settings_change_the_look(kiosk, ui):
    app = kiosk(prepare=set_pin)
    ui.hold(*corner(), seconds=3.1)
    type_pin(ui, PIN)
    settings = open_from_home(app, ui, "trainer_settings")  # every kiosk-wide setting is there
    tap_in(ui, choice(settings.ids.look, True))
    assert app.settings.high_contrast and app.theme.palette_name == "high_contrast"
    tap_in(ui, choice(settings.ids.text_scale, 1.25))
    assert app.settings.text_scale == 1.25
    ui.shot("trainer-settings-high-contrast")
    ui.tap(settings.ids.back, wait=False)
    home = ui.screen
    ui.tap(home.ids.worker_mode)
    ui.shot("tasks-high-contrast")
    assert app.journal.get_setting("ui.high_contrast") is True
