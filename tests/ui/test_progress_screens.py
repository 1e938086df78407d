"""The family's progress view in the real app: only the chosen worker, only with the right PIN.

Two workers with distinct names and tasks (Anna: "Sort the screws", Zebulon: "Wash your hands"),
real runs in the real journal, family PINs set with ``PinGuard``. Screenshots of every screen.
"""

from __future__ import annotations

from kivy.core.window import Window
from kivy.metrics import sp

from kiosk.report.builder import build_person_report
from kiosk.trainer import PinGuard

TRAINER_PIN, ANNA_PIN, ZEB_PIN = "9999", "1111", "2222"
FIGURES = ("fig_done", "fig_alone", "fig_learned")


def run(journal, person_id, pack, helped_steps, steps=4, seconds=2000):
    run_id = journal.start_run(person_id, pack, 1, pack[0] * 64, step_count=steps)
    for step in range(1, steps + 1):
        journal.record_step(run_id, step, "shown")
        if step in helped_steps:
            journal.record_step(run_id, step, "help")
        journal.record_step(run_id, step, "done", duration_ms=seconds)
    journal.finish_run(run_id, "finished")


def history(journal):
    """Anna: 4 runs of sort-screws (help on step 2 in the first; learned); Zebulon: 2 of wash-hands."""
    guard = PinGuard(journal)
    guard.set_pin(TRAINER_PIN)
    people = {p.name: p for p in journal.people()}
    anna, zeb = people["Anna"], people["Zebulon"]
    guard.set_family_pin(anna.id, ANNA_PIN)
    guard.set_family_pin(zeb.id, ZEB_PIN)
    for helped in ({2}, set(), set(), set()):
        run(journal, anna.id, "sort-screws", helped)
    for _ in range(2):
        run(journal, zeb.id, "wash-hands", {1, 2}, steps=2, seconds=7000)


def widgets(widget):
    yield widget
    for child in widget.children:
        yield from widgets(child)


def all_texts(widget):
    return "\n".join(str(getattr(w, "text", "")) for w in widgets(widget))


def type_pin(ui, pin):
    for digit in pin:
        ui.press(digit, wait=False)
    ui.press(13, wait=False)
    ui.settle()


def choose(ui, name):
    ui.tap(next(t for t in ui.screen.tiles() if t.item.name == name))


def person_id(app, name):
    return next(p.id for p in app.journal.people() if p.name == name)


def test_family_sees_only_their_own_worker(kiosk, ui):
    app = kiosk(people=[("Anna", "en"), ("Zebulon", "en")], prepare=history)
    choose(ui, "Anna")  # the worker's own screen has no Progress button ...
    assert app.sm.current == "tasks" and "progress" not in ui.screen.ids
    ui.tap(ui.screen.ids.back)
    ui.tap(ui.screen.ids.progress)  # ... "Who are you?" has
    assert app.sm.current == "progress_people"
    ui.shot("progress-people")
    choose(ui, "Anna")
    assert app.sm.current == "progress_pin"
    assert ui.screen.heading == "Enter the family PIN for Anna"
    ui.shot("progress-pin")

    type_pin(ui, ZEB_PIN)  # another family's PIN does not open Anna
    assert app.sm.current == "progress_pin" and ui.screen.message == "Wrong PIN."
    ui.shot("progress-pin-wrong")
    type_pin(ui, ANNA_PIN)
    assert app.sm.current == "progress_person"
    screen = ui.screen
    ui.advance(0.5)
    ui.settle()
    ui.shot("progress-person")
    screen.ids.scroller.scroll_y = 0.45
    ui.pump(3)
    ui.shot("progress-charts")
    screen.ids.scroller.scroll_y = 0
    ui.pump(3)
    ui.shot("progress-help-steps")

    # only Anna: nothing of Zebulon anywhere in the window (or on the PIN pad behind it)
    texts = all_texts(Window) + "\n" + all_texts(screen) + "\n" + all_texts(app.screen("progress_pin"))
    assert "Anna" in texts and "Sort the screws" in texts
    assert "Zebulon" not in texts and "Wash your hands" not in texts
    assert "Wet your hands." not in texts and "Dry your hands." not in texts

    # the numbers on screen are the report view model's (built here independently)
    expected = build_person_report(app.journal, app.shelf.packs, person_id(app, "Anna"), 8)
    assert screen.report.person_id == expected.person_id
    assert expected.summary.tasks_done == 4 and expected.summary.independence_label == "94%"  # 15 of 16
    assert expected.summary.learned == 1
    shown = [(screen.ids[f].number, screen.ids[f].label) for f in FIGURES]
    assert shown == [("4", "Tasks done"), ("94%", "Done alone"), ("1", "Tasks learned")]
    task = expected.tasks[0]
    assert task.mastered and [p.independence for p in task.points] == [0.75, 1.0, 1.0, 1.0]
    card = screen.ids.tasks.children[0]
    assert card.learned and card.learned_text == "Learned"
    assert (card.times_done, card.alone) == ("4", task.independence_label)
    assert card.counts == [w.runs for w in task.weeks] and sum(card.counts) == 4
    assert [round(share, 2) for _, share, _ in card.points] == [0.75, 1.0, 1.0, 1.0]
    assert [s.number for s in task.help_steps] == [2]
    assert "Needed help 1 of 4 times" in texts and "Put 5 long screws in the tray." in texts
    for line in expected.summary.sentences:
        assert line in texts
    # every word on the screen (charts included) is at least 28 sp
    sizes = [w.font_size for w in widgets(screen) if getattr(w, "text", "") and hasattr(w, "font_size")]
    assert sizes and min(sizes) >= sp(28) - 0.5

    ui.tap(screen.ids.back)  # Back forgets the report and returns to "Who are you?"
    assert app.sm.current == "people"
    assert screen.report is None and not screen.ids.tasks.children
    assert "Anna" not in all_texts(screen)
    assert "Anna" not in all_texts(app.screen("progress_pin"))

    ui.tap(ui.screen.ids.progress)  # next time the PIN is asked again
    choose(ui, "Anna")
    assert app.sm.current == "progress_pin" and ui.screen.entered == ""
    ui.press(27)
    assert app.sm.current == "people"


def test_zebulon_opens_with_his_own_pin_only(kiosk, ui):
    app = kiosk(people=[("Anna", "en"), ("Zebulon", "zh")], prepare=history)
    app.go("progress_people")
    ui.settle()
    choose(ui, "Zebulon")
    type_pin(ui, ANNA_PIN)
    assert app.sm.current == "progress_pin"
    type_pin(ui, ZEB_PIN)
    assert app.sm.current == "progress_person"
    screen = ui.screen
    ui.settle()
    ui.shot("progress-person-zh")
    texts = all_texts(screen)
    assert "Zebulon" in texts and "洗手" in texts  # his language: zh
    assert "Anna" not in texts and "螺丝" not in texts and "Sort the screws" not in texts
    expected = build_person_report(app.journal, app.shelf.packs, person_id(app, "Zebulon"), 8)
    shown = [screen.ids[f].number for f in FIGURES]
    assert (
        shown
        == [str(expected.summary.tasks_done), expected.summary.independence_label, str(expected.summary.learned)]
        == ["2", "0%", "0"]
    )
    assert screen.ids.back.text == "返回" or screen.ids.back.text == app.tr("Back", "zh")
    screen.ids.scroller.scroll_y = 0.3
    ui.pump(3)
    ui.shot("progress-charts-zh")
    ui.advance(60)  # still reading (a touch restarts the wait) ...
    ui.tap(screen.ids.scroller, wait=False)
    ui.advance(60)
    assert app.sm.current == "progress_person"
    ui.advance(35)  # ... then walked away: the kiosk forgets by itself
    ui.settle()
    assert app.sm.current not in ("progress_person", "progress_pin", "progress_people")
    assert screen.report is None and "Zebulon" not in all_texts(screen)


def test_wrong_pins_lock_out_calmly(kiosk, ui):
    app = kiosk(people=[("Anna", "en"), ("Zebulon", "en")], prepare=history)
    app.go("progress_people")
    ui.settle()
    choose(ui, "Anna")
    for _ in range(3):
        type_pin(ui, "0000")
    screen = ui.screen
    assert app.sm.current == "progress_pin" and screen.wait_left > 0
    assert "30 seconds" in screen.ids.pin.ids.message.text and screen.ids.pin.ids.ok.disabled
    ui.shot("progress-pin-lockout")
    type_pin(ui, ANNA_PIN)  # even the right PIN waits during the lockout
    assert app.sm.current == "progress_pin"


def test_trainer_pin_opens_and_an_empty_history_is_friendly(kiosk, ui):
    def prepare(journal):
        PinGuard(journal).set_pin(TRAINER_PIN)

    app = kiosk(people=[("Cleo", "de"), ("Dana", "en")], prepare=prepare)
    app.go("progress_people")
    ui.settle()
    choose(ui, "Cleo")
    assert ui.screen.message == "No family PIN yet. Ask the trainer."
    ui.shot("progress-pin-no-family-pin")
    type_pin(ui, "1234")
    assert app.sm.current == "progress_pin"
    type_pin(ui, TRAINER_PIN)
    assert app.sm.current == "progress_person"
    screen = ui.screen
    assert screen.empty and screen.empty_title == "Noch keine Aufgaben gemacht"  # Cleo's language
    assert screen.figures == [] and screen.ids.back.text == app.tr("Back", "de")
    ui.shot("progress-empty")
    ui.press(27)  # Escape backs out and forgets, the name included
    assert app.sm.current == "people" and screen.report is None
    assert not screen.empty and "Cleo" not in all_texts(screen)


def test_high_contrast_and_large_text_still_fit(kiosk, ui):
    app = kiosk(
        people=[("Anna", "de"), ("Zebulon", "en")], prepare=history, settings={"high_contrast": True, "text_scale": 1.5}
    )
    app.go("progress_people")
    ui.settle()
    assert app.theme.palette_name == "high_contrast" and app.theme.text_scale == 1.5
    ui.shot("progress-people-large")
    choose(ui, "Anna")
    type_pin(ui, ANNA_PIN)
    screen = ui.screen
    ui.settle()
    ui.shot("progress-person-large")
    screen.ids.scroller.scroll_y = 0.4
    ui.pump(3)
    ui.shot("progress-charts-large")
    cards = [screen.ids[f] for f in FIGURES] + [
        screen.ids.tasks.children[0].ids[f] for f in ("task_times", "task_alone")
    ]
    for figure in cards:  # the words of the big figures fit their frames
        word = figure.ids.word_label
        assert word.texture_size[0] <= figure.width and figure.needed <= figure.height + 1


def test_progress_from_who_are_you_chooses_no_worker(kiosk, ui):
    """With several workers the start screen is "Who are you?": Progress is there too, and going
    through it neither picks a worker nor starts (or resumes) a task."""
    app = kiosk(people=[("Anna", "en"), ("Zebulon", "en")], prepare=history)
    assert app.sm.current == "people"
    ui.shot("people-with-progress")
    ui.tap(ui.screen.ids.progress)
    assert app.sm.current == "progress_people" and app.worker is None
    choose(ui, "Zebulon")
    type_pin(ui, ZEB_PIN)
    assert app.sm.current == "progress_person" and app.worker is None
    assert "Wash your hands" in all_texts(ui.screen) and "Sort the screws" not in all_texts(ui.screen)
    runs = len(app.journal.runs())
    ui.tap(ui.screen.ids.back)
    assert app.sm.current == "people" and app.worker is None and app.session is None
    assert len(app.journal.runs()) == runs
