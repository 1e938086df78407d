"""The family's progress view in the real app: only the chosen worker, only with the right PIN."""

from __future__ import annotations

from kivy.core.window import Window

from kiosk.trainer import PinGuard

TRAINER_PIN, ANNA_PIN, ZEB_PIN = "9999", "1111", "2222"


def history(journal):
    """Anna: 3 finished runs of sort-screws (help on step 2 once); Zebulon: 2 runs of wash-hands."""
    guard = PinGuard(journal)
    guard.set_pin(TRAINER_PIN)
    people = {p.name: p for p in journal.people()}
    anna, zeb = people["Anna"], people["Zebulon"]
    guard.set_family_pin(anna.id, ANNA_PIN)
    guard.set_family_pin(zeb.id, ZEB_PIN)
    for run_number, helped in enumerate((2, None, None)):
        run = journal.start_run(anna.id, "sort-screws", 1, "x" * 64, step_count=4)
        for step in range(1, 5):
            journal.record_step(run, step, "shown")
            if step == helped:
                journal.record_step(run, step, "help")
            journal.record_step(run, step, "done", duration_ms=2000)
        journal.finish_run(run, "finished")
    for _ in range(2):
        run = journal.start_run(zeb.id, "wash-hands", 1, "y" * 64, step_count=4)
        for step in range(1, 5):
            journal.record_step(run, step, "shown")
            journal.record_step(run, step, "help")
            journal.record_step(run, step, "done", duration_ms=7000)
        journal.finish_run(run, "finished")


def all_texts(widget):
    texts = [str(getattr(widget, "text", ""))]
    for child in widget.children:
        texts.extend(all_texts(child))
    return texts


def type_pin(ui, pin):
    for digit in pin:
        ui.press(digit, wait=False)
    ui.press(13, wait=False)
    ui.settle()


def choose(ui, name):
    ui.tap(next(t for t in ui.screen.tiles() if t.item.name == name))


def test_family_sees_only_their_own_worker(kiosk, ui):
    app = kiosk(people=[("Anna", "en"), ("Zebulon", "en")], prepare=history)
    choose(ui, "Anna")                       # the worker's own start screen ...
    assert app.sm.current == "tasks"
    ui.tap(ui.screen.ids.progress)           # ... has a Progress button
    assert app.sm.current == "progress_people"
    ui.shot("progress-people")
    choose(ui, "Anna")
    assert app.sm.current == "progress_pin"
    assert ui.screen.heading == "Family PIN for Anna"
    ui.shot("progress-pin")

    type_pin(ui, ZEB_PIN)                    # another family's PIN does not open Anna
    assert app.sm.current == "progress_pin" and ui.screen.message == "Wrong PIN."
    type_pin(ui, ANNA_PIN)
    assert app.sm.current == "progress_person"
    screen = ui.screen
    ui.advance(0.5)
    ui.settle()
    ui.shot("progress-person")
    screen.ids.scroller.scroll_y = 0.35
    ui.pump(3)
    ui.shot("progress-charts")
    screen.ids.scroller.scroll_y = 0
    ui.pump(3)
    ui.shot("progress-help-steps")

    texts = "\n".join(all_texts(Window))
    assert "Anna" in texts and "Sort the screws" in texts
    assert "Zebulon" not in texts and "Wash your hands" not in texts
    report = screen.report
    assert report.person_id == [p.id for p in app.journal.people() if p.name == "Anna"][0]
    assert [figure[0] for figure in screen.figures] == ["3", report.summary.independence_label, "0"]
    assert report.summary.tasks_done == 3
    assert report.summary.independence_label == "92%"          # 11 of 12 steps done alone
    task = report.tasks[0]
    assert [p.independence for p in task.points] == [0.75, 1.0, 1.0]
    assert [s.number for s in task.help_steps] == [2]
    assert "Needed help 1 of 3 times" in texts

    ui.tap(screen.ids.back)                  # Back forgets the report and returns to the worker
    assert app.sm.current == "tasks"
    assert screen.report is None and not screen.ids.tasks.children
    assert "Anna" not in "\n".join(all_texts(screen))


def test_trainer_pin_opens_and_an_empty_history_is_friendly(kiosk, ui):
    def prepare(journal):
        PinGuard(journal).set_pin(TRAINER_PIN)

    app = kiosk(people=[("Cleo", "de"), ("Dana", "en")], prepare=prepare)
    app.show("progress_people")
    ui.settle()
    choose(ui, "Cleo")
    assert ui.screen.message == "No family PIN yet. Ask the trainer."
    type_pin(ui, "1234")
    assert app.sm.current == "progress_pin"
    type_pin(ui, TRAINER_PIN)
    assert app.sm.current == "progress_person"
    screen = ui.screen
    assert screen.empty and screen.empty_title == "Noch keine Aufgaben gemacht"  # Cleo's language
    assert screen.figures == []
    ui.shot("progress-empty")
    ui.press(27)                              # Escape backs out and forgets
    assert app.sm.current == "people" and screen.report is None
