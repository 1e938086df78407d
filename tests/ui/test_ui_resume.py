"""A task cut short by a crash or power cut resumes at the same step when the kiosk restarts."""

from __future__ import annotations

from ui_helpers import events_of


def test_crash_mid_task_resumes_at_the_same_step(kiosk, ui, tmp_path):
    data = tmp_path / "kiosk-data"
    app = kiosk(data=data, people=[("Anna", "en")])
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "sort-screws"))
    step = ui.screen
    ui.tap(step.ids.next)
    ui.tap(step.ids.next)
    assert step.number == 3
    ui.pump(2)  # the journal writes run after the frame
    first_run = app.session.run_id
    # The "crash": the process is gone without finishing the run (no finish_run, no clean exit).
    app.session.schedule = lambda: None
    app.session = None

    again = kiosk(data=data)  # a new app on the same data folder
    assert again is not app
    assert again.sm.current == "step"  # one worker: straight back to the task
    resumed = ui.screen
    assert resumed.number == 3 and resumed.step_text == "Wait until the glue is dry."
    ui.shot("resumed")
    old_run = again.journal.run(first_run)
    assert old_run.outcome == "interrupted"
    new_run, events = events_of(again)
    assert new_run.resumed_from == first_run
    assert events == [(3, "shown")]
    ui.tap(resumed.ids.next)
    ui.tap(resumed.ids.next)
    assert again.sm.current == "finish"
    assert again.journal.run(new_run.id).outcome == "finished"


def test_resume_waits_for_the_worker_and_skips_a_changed_pack(kiosk, ui, tmp_path, library):
    data = tmp_path / "kiosk-data"
    app = kiosk(data=data, people=[("Anna", "en"), ("Ben", "en")])
    ui.tap(next(t for t in ui.screen.tiles() if t.title == "Ben"))
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "wash-hands"))
    ui.tap(ui.screen.ids.next)
    app.session.schedule = lambda: None
    app.session = None

    again = kiosk(data=data)
    assert again.sm.current == "people"  # several workers: nobody is guessed
    ui.tap(next(t for t in ui.screen.tiles() if t.title == "Anna"))
    assert again.sm.current == "tasks"  # Anna had nothing open
    ui.tap(ui.screen.ids.back)
    ui.tap(next(t for t in ui.screen.tiles() if t.title == "Ben"))
    assert again.sm.current == "step" and ui.screen.number == 2
    ui.tap(ui.screen.ids.home)
    ui.tap(again.overlay.buttons[1])

    # Same again, but the trainer changed the pack meanwhile: its steps may mean something else.
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "wash-hands"))
    ui.tap(ui.screen.ids.next)
    again.session.schedule = lambda: None
    again.session = None
    (library / "wash-hands" / "pack.yaml").write_text(
        (library / "wash-hands" / "pack.yaml").read_text().replace("version: 1", "version: 2")
    )
    third = kiosk(data=data)
    ui.tap(next(t for t in ui.screen.tiles() if t.title == "Ben"))
    assert third.sm.current == "tasks"
