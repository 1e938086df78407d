"""The worker's whole path through the real app: who are you -> task -> steps -> well done."""

from __future__ import annotations

from kiosk.journal import Journal


def events_of(app, run_id=None):
    with Journal.open(app.data.journal) as journal:
        runs = journal.runs()
        run = runs[-1] if run_id is None else journal.run(run_id)
        return run, [(e.step_number, e.event) for e in journal.events(run.id)]


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
        (1, "shown"), (1, "done"), (2, "shown"), (2, "done"), (3, "shown"), (3, "done"), (4, "shown"), (4, "done")]
    ui.advance(7)  # the celebration returns to the tasks by itself
    ui.settle()
    assert app.sm.current == "tasks"
