"""Switch scanning in the real app: one switch (Space) is all a worker needs.

With a scanning pace set, the highlight moves by itself through the choices of each worker screen
in reading order, starting at the main action; tiles say their names as they light up; Space
chooses what is lit. Without a pace nothing moves by itself."""

from __future__ import annotations

from ui_helpers import events_of

PACE = 30.0  # long, so the test's own waits for background work never move the highlight


def lit(screen):
    """The text (or title) of the highlighted choice."""
    focused = screen.focused_widget()
    return None if focused is None else getattr(focused, "title", None) or focused.text


def test_one_switch_chooses_a_person_a_task_and_walks_the_steps(kiosk, ui):
    app = kiosk(people=[("Anna", "en"), ("Ben", "en")], settings={"scan_s": PACE})
    assert app.sm.current == "people"
    people = ui.screen
    ui.advance(PACE)
    assert app.keyboard_mode and lit(people) == "Anna"
    ui.advance(PACE)
    assert lit(people) == "Ben"
    ui.settle()
    assert ("Anna", "en") in app.fake_speech.rendered and ("Ben", "en") in app.fake_speech.rendered
    ui.press(32)  # the switch
    assert app.sm.current == "tasks" and app.worker.name == "Ben"

    tasks = ui.screen
    first = tasks.tiles()[0]
    assert lit(tasks) == first.title
    ui.settle()
    assert (first.title, "en") in app.fake_speech.rendered  # the lit task says its title
    ui.press(32)
    assert app.sm.current == "step"

    step = ui.screen
    assert lit(step) == "Next"  # a new screen starts at once, at its main action
    ui.press(32)
    assert step.session.number == 2
    assert lit(step) == "Next"
    ui.advance(PACE)
    assert lit(step) == "Home"  # then on in reading order, round to the start
    ui.advance(PACE - 5)
    ui.press(ord("x"))  # any key gives the highlight a full period where it is
    ui.advance(PACE - 5)
    assert lit(step) == "Home"
    ui.advance(6)
    assert lit(step) == "Help"
    ui.advance(PACE)
    ui.advance(PACE)
    assert lit(step) == "Back"
    ui.press(32)
    assert step.session.number == 1
    ui.shot("scanning-step")

    ui.advance(PACE)  # a dialog scans too: Home asks first, the safe answer lit first
    assert lit(step) == "Home"
    ui.press(32)
    assert app.overlay is not None and app.overlay.focus_index == 0
    ui.advance(PACE)
    assert app.overlay.focus_index == 1
    ui.shot("scanning-stop-question")
    ui.press(32)  # Stop
    assert app.overlay is None and app.sm.current == "tasks"
    _, events = events_of(app)
    assert [kind for _, kind in events].count("done") == 1


def test_without_a_pace_nothing_moves_by_itself(kiosk, ui):
    app = kiosk(people=[("Anna", "en"), ("Ben", "en")])
    ui.advance(20)
    assert not app.keyboard_mode and ui.screen.focused_widget() is None
    ui.tap(ui.screen.tiles()[0])
    ui.tap(ui.screen.tiles()[0])
    assert app.sm.current == "step"
    ui.advance(20)
    assert not app.keyboard_mode
    ui.press(32)
    assert ui.screen.session.number == 2  # Space is Next, as ever
