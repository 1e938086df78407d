"""The worker's whole path through the real app: who are you -> task -> steps -> well done."""

from __future__ import annotations

from kivy.core.window import Window
from kivy.metrics import dp
from kivy.tests.common import UnitTestTouch

from ui_helpers import answer_help, events_of


def test_pick_worker_and_task_by_tap_and_finish(kiosk, ui):
    app = kiosk(people=[("Anna", "en"), ("Ben", "de")])
    assert app.sm.current == "people"
    ui.shot("people")
    anna = next(t for t in ui.screen.tiles() if t.title == "Anna")
    ui.tap(anna)
    assert app.sm.current == "tasks"
    ui.shot("tasks")
    tile = next(t for t in ui.screen.tiles() if t.item.id == "sort-screws")
    assert tile.title == "Sort the screws"
    ui.tap(tile.ids.speaker_button)  # the speaker reads the title and does not start the task
    assert app.sm.current == "tasks"
    assert ("Sort the screws", "en") in app.fake_speech.rendered
    ui.tap(tile)
    assert app.sm.current == "step"
    step = ui.screen
    pack = tile.item
    for number in range(1, 5):
        assert step.ids.position.text == f"{number} of 4"
        assert step.step_text == pack.steps[number - 1].text_for("en", "en")
        assert step.picture_path == str(pack.display_image(pack.steps[number - 1]))
        assert step.ids.picture.texture is not None
        ui.shot(f"step{number}")
        ui.tap(step.ids.next)
    assert app.sm.current == "finish"
    assert "Well done, Anna!" in ui.screen.ids.message.text
    ui.shot("finish")
    run, events = events_of(app)
    assert run.outcome == "finished"
    assert run.pack_id == "sort-screws" and run.content_hash == pack.content_hash
    assert [e for e in events if e[1] in ("shown", "done")] == [
        (1, "shown"),
        (1, "done"),
        (2, "shown"),
        (2, "done"),
        (3, "shown"),
        (3, "done"),
        (4, "shown"),
        (4, "done"),
    ]
    ui.advance(7)  # the celebration returns by itself: two workers share this kiosk, so to "Who are you?"
    ui.settle()
    assert app.sm.current == "people" and app.worker is None


def test_first_run_creates_one_worker_and_skips_the_people_screen(kiosk, ui):
    app = kiosk()
    assert app.sm.current == "tasks"
    assert [p.name for p in app.journal.people()] == ["Worker"]
    assert app.worker.name == "Worker"
    assert not ui.screen.has_back  # nobody else to choose
    titles = sorted(t.title for t in ui.screen.tiles())
    assert titles == ["Sort the screws", "Wash your hands"]
    ui.shot("tasks-single-worker")


def test_keyboard_only_run(kiosk, ui):
    app = kiosk(people=[("Anna", "en"), ("Ben", "en")])
    ui.press(9)  # Tab: the focus ring appears on the first tile
    assert app.keyboard_mode and ui.screen.focus_index == 0
    ui.press(275)  # Right: Ben
    assert ui.screen.focused_widget().title == "Ben"
    ui.shot("people-focus")
    ui.press(13)  # Enter selects
    assert app.sm.current == "tasks" and app.worker.name == "Ben"
    ui.press(32)  # Space before any Tab: shows the focus on the first tile, selects nothing
    assert app.sm.current == "tasks" and ui.screen.focus_index == 0
    ui.shot("tasks-focus")
    wash = next(i for i, t in enumerate(ui.screen.tiles()) if t.item.id == "wash-hands")
    for _ in range(wash):
        ui.press(9)
    ui.press(32)
    assert app.sm.current == "step"
    step = ui.screen
    ui.press("r")  # hear again
    ui.press(32)  # Next
    assert step.number == 2
    ui.press(8)  # Backspace: back
    assert step.number == 1
    ui.press("h")  # help: a call that stays until a coach answers it
    assert app.overlay is not None
    ui.press(13)  # a key (or a switch) does not end it
    assert app.overlay is not None
    answer_help(ui, app)  # the coach holds "Coach: hold here"
    assert app.overlay is None
    ui.press(13)
    ui.press(13)  # Done on the last step
    assert app.sm.current == "finish"
    ui.press(32)
    assert app.sm.current == "people"  # two workers share the kiosk: the next one chooses themself
    run, events = events_of(app)
    assert run.outcome == "finished"
    assert events == [
        (1, "shown"),
        (1, "hear_again"),
        (1, "done"),
        (2, "shown"),
        (2, "back"),
        (1, "shown"),
        (1, "help"),
        (1, "done"),
        (2, "shown"),
        (2, "done"),
    ]


def quick_tap(ui, widget):
    """A tap with no waiting before or after (``ui.tap`` lets background work finish, and the
    clock moves on meanwhile: not a double tap any more)."""
    touch = UnitTestTouch(*widget.to_window(*widget.center))
    touch.touch_down()
    ui.pump(1)
    touch.touch_up()
    ui.pump(2)


def test_double_tap_within_the_guard_advances_one_step(kiosk, ui):
    # a long guard: the frames between the taps take real time, and a busy test machine is slow
    app = kiosk(settings={"tap_guard_s": 3.0})
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "sort-screws"))
    step = ui.screen
    ui.settle()
    ui.advance(3.1)
    quick_tap(ui, step.ids.next)
    quick_tap(ui, step.ids.next)  # a shaky second tap right after the first
    assert step.number == 2
    Window.dispatch("on_key_down", 32, 0, " ", [])  # a bouncing switch, too
    ui.pump(2)
    assert step.number == 2
    ui.advance(3.1)
    Window.dispatch("on_key_down", 32, 0, " ", [])
    ui.pump(2)
    assert step.number == 3
    ui.settle()
    _, events = events_of(app)
    assert [e for e in events if e[1] == "done"] == [(1, "done"), (2, "done")]


def test_home_asks_before_stopping_the_task(kiosk, ui):
    app = kiosk()
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "sort-screws"))
    step = ui.screen
    ui.tap(step.ids.next)
    ui.tap(step.ids.home)
    assert app.overlay is not None and "Stop this task?" in app.overlay.message
    keep, stop = app.overlay.buttons
    assert (keep.text, stop.text) == ("Keep going", "Stop")
    assert keep.icon_source == str(step.session.pack.thumbnail()) and stop.icon == "home"  # pictures, not a cross
    ui.advance(1)
    assert ("Stop this task?", "en") in app.fake_speech.rendered  # the question is spoken
    ui.shot("stop-question")
    ui.tap(keep)
    assert app.overlay is None and app.sm.current == "step" and step.number == 2
    ui.tap(step.ids.home)
    ui.tap(app.overlay.buttons[1])
    assert app.sm.current == "tasks"
    run, events = events_of(app)
    assert run.outcome == "abandoned"
    assert events[-1] == (2, "shown")


def test_turning_the_tablet_there_and_back_keeps_the_step_buttons(kiosk, ui):
    """Portrait takes the spacers out of the button panel; after the garbage collector has run,
    landscape must still find them (a weak reference to them crashed the turn back)."""
    import gc
    import time

    app = kiosk()
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "sort-screws"))
    step = ui.screen
    for size in ((800, 1280), (1280, 800), (800, 1280), (1280, 800)):
        Window.size = size
        for _ in range(10):
            time.sleep(0.03)
            ui.pump(1)
        gc.collect()
        ui.settle()
        panel = [child.__self__ for child in reversed(step.ids.actions.children)]
        expected = (
            ["hear", "back", "next"] if size[0] < size[1] else ["spacer_top", "hear", "back", "spacer_gap", "next"]
        )
        assert panel == [step.ids[name].__self__ for name in expected], size
        # The panel's own side is its own again after each turn (the layout sized it meanwhile):
        # the button row is as tall as its buttons, and the sentence stands above it, not over it.
        actions, sentence = step.ids.actions, step.ids.step_label.parent
        if size[0] < size[1]:
            assert actions.height == app.theme.touch_main, size
            assert sentence.y >= actions.top, size
        else:
            assert actions.width == dp(340), size
            assert sentence.right <= actions.x, size
    assert app.session is not None and app.sm.current == "step"
    assert app.problems.stored() == []
    ui.tap(step.ids.next)
    assert step.number == 2
