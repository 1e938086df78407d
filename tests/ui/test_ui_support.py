"""Support that fades, in the real app: a worker who did a pack alone three times sees less on
the fourth run, learned steps are grouped later, one Help brings full support back at once, and a
locked worker never fades."""

from __future__ import annotations

import pytest
from kivy.metrics import dp

from kiosk.support import set_locked
from ui_helpers import answer_help, events_of, make_pack

STEPS = [
    {"text": {"en": f"Step {n}: do part {n}.", "de": f"Schritt {n}: Teil {n} machen.", "zh": f"第{n}步：做第{n}部分。"}}
    for n in range(1, 7)
]


@pytest.fixture
def library(tmp_path_factory):
    folder = tmp_path_factory.mktemp("packs")
    make_pack(folder, "fold-boxes", {"en": "Fold the boxes", "de": "Kartons falten", "zh": "折纸盒"}, STEPS)
    return folder


def _history(app, runs: int, *, help_at: int | None = None, level: int | None = None) -> None:
    """Runs done alone (each step shown and done in 4 s), as the journal keeps them."""
    pack = app.shelf.find("fold-boxes")
    assert pack is not None, "the pack library was not loaded yet"
    journal = app.journal
    for run in range(runs):
        run_id = journal.start_run(app.worker.id, pack.id, pack.version, pack.content_hash, step_count=len(pack.steps))
        for number in range(1, len(pack.steps) + 1):
            journal.record_step(run_id, number, "shown", level=level)
            if help_at == number and run == runs - 1:
                journal.record_step(run_id, number, "help")
            journal.record_step(run_id, number, "done", 4000, level=level)
        journal.finish_run(run_id, "finished")


def _open_task(app, ui):
    tile = next(t for t in ui.screen.tiles() if t.item.id == "fold-boxes")
    ui.tap(tile)
    assert app.sm.current == "step"
    return ui.screen


def test_three_runs_alone_give_reduced_support_and_help_brings_it_back(kiosk, ui):
    app = kiosk(people=[("Anna", "en")])
    _history(app, 3)
    step = _open_task(app, ui)
    assert step.level == "reduced"
    ui.advance(1)
    assert app.audio.played == [] or all("01" not in str(p) for p in app.audio.played)  # no voice on arrival
    spoken_before = len(app.fake_speech.rendered)
    ui.shot("reduced")
    app.open_help()
    app.close_overlay()
    ui.settle()
    assert step.level == "full"  # at once, on the same step
    assert step.ids.position.text == "1 of 6"
    ui.advance(1)
    assert len(app.fake_speech.rendered) > spoken_before  # the step's voice plays again
    run, events = events_of(app)
    assert (1, "help") in events


def test_learned_steps_share_a_screen_with_one_next(kiosk, ui):
    app = kiosk(people=[("Anna", "en")])
    _history(app, 6)
    step = _open_task(app, ui)
    assert step.level == "grouped"
    assert step.position_text == "1 to 2 of 6"
    assert "Step 1" in step.step_text and "Step 2" in step.step_text
    ui.shot("grouped-en")
    ui.tap(step.ids.next)
    assert step.position_text == "3 to 4 of 6"
    ui.tap(step.ids.next)
    ui.tap(step.ids.next)
    assert app.sm.current == "finish"
    run, events = events_of(app)
    assert [e for e in events if e[1] == "done"] == [(n, "done") for n in range(1, 7)]


@pytest.mark.parametrize("language", ["de", "zh"])
def test_grouped_screen_in_other_languages(kiosk, ui, language):
    app = kiosk(people=[("Li", language)], size=(800, 1280))
    _history(app, 6)
    step = _open_task(app, ui)
    assert step.level == "grouped"
    assert STEPS[0]["text"][language] in step.step_text
    ui.shot(f"grouped-{language}-portrait")


def test_help_on_the_last_run_keeps_that_step_full(kiosk, ui):
    app = kiosk(people=[("Anna", "en")])
    _history(app, 6, help_at=3)
    step = _open_task(app, ui)
    levels = [screen.level.word for screen in app.session.screens]
    steps = [screen.steps for screen in app.session.screens]
    assert (2,) in steps and levels[steps.index((2,))] == "full"


def test_a_locked_worker_never_fades(kiosk, ui):
    app = kiosk(people=[("Anna", "en")])
    _history(app, 9)
    set_locked(app.journal, app.worker.id, True, at_ms=0)
    step = _open_task(app, ui)
    assert step.level == "full" and len(app.session.screens) == 6


def _open_support_screen(app, ui):
    from test_trainer_screens import open_trainer, set_pin

    set_pin(app.journal)
    ui.tap(ui.screen.ids.home, wait=False) if app.sm.current == "step" else None
    home = open_trainer(app, ui)
    button = next(b for b in home.ids.actions.children if b.text == app.tr("Support", app.kiosk_lang))
    ui.tap(button, wait=False)
    assert app.sm.current == "trainer_support"
    return ui.screen


@pytest.mark.parametrize("size", [(1280, 800), (800, 1280)], ids=["landscape", "portrait"])
def test_the_coach_sees_every_level_and_can_lock_reset_and_switch_fading_off(kiosk, ui, size):
    app = kiosk(people=[("Anna", "en")], size=size)
    _history(app, 6)
    screen = _open_support_screen(app, ui)
    if screen.pack_title != "Fold the boxes":
        ui.tap(screen.ids.pack, wait=False)
    assert screen.pack_title == "Fold the boxes" and screen.person_name == "Anna"
    assert [row["level"] for row in screen.rows] == ["grouped"] * 6
    assert "3 runs alone in a row" in screen.rows[0]["reason"]
    ui.shot("support-grouped")
    ui.tap(screen.ids.lock, wait=False)
    assert screen.locked and [row["level"] for row in screen.rows] == ["full"] * 6
    assert "locked by the coach" in screen.changes_text
    ui.tap(screen.ids.lock, wait=False)
    ui.tap(screen.ids.reset, wait=False)
    assert [row["level"] for row in screen.rows] == ["full"] * 6 and "reset by the coach" in screen.changes_text
    ui.tap(screen.ids.fading, wait=False)
    assert screen.fading is False and app.journal.get_setting("support.fading") is False
    ui.shot("support-after")
    for button in (screen.ids.lock, screen.ids.reset, screen.ids.fading, screen.ids.back):
        x, y = button.to_window(button.x, button.y)
        assert 0 <= x and x + button.width <= app.root.width + 1 and 0 <= y and y + button.height <= app.root.height + 1


def test_a_shared_kiosk_returns_to_who_are_you_after_well_done_and_when_idle(kiosk, ui):
    """The next person must never work, and be recorded, under the previous worker's name."""
    app = kiosk(people=[("Anna", "en"), ("Ben", "en")])
    ui.tap(next(t for t in ui.screen.tiles() if t.title == "Anna"))
    assert app.sm.current == "tasks" and ui.screen.ids.worker_name.text == "Anna"
    ui.shot("tasks-with-worker")
    _open_task(app, ui)
    for _ in range(6):
        if app.sm.current == "step":
            ui.tap(ui.screen.ids.next)
    assert app.sm.current == "finish"
    ui.tap(ui.screen.ids.again)
    assert app.sm.current == "people" and app.worker is None
    ui.tap(next(t for t in ui.screen.tiles() if t.title == "Ben"))
    assert app.sm.current == "tasks"
    ui.advance(60)
    assert app.sm.current == "tasks"  # not yet
    ui.advance(65)
    assert app.sm.current == "people" and app.worker is None


def test_a_worker_alone_on_a_kiosk_stays_and_nothing_times_out_inside_a_task(kiosk, ui):
    app = kiosk(people=[("Anna", "en")])
    ui.advance(300)
    assert app.sm.current == "tasks"
    _open_task(app, ui)
    ui.advance(600)
    assert app.sm.current == "step"


@pytest.mark.parametrize("language", ["en", "de", "zh"])
def test_the_tasks_screen_shows_question_and_worker_in_portrait(kiosk, ui, language):
    app = kiosk(people=[("Magdalena Hoffmann", language), ("Ben", "en")], size=(800, 1280))
    ui.tap(next(t for t in ui.screen.tiles() if t.title == "Magdalena Hoffmann"))
    tasks = ui.screen
    assert tasks.ids.heading_row.text and tasks.ids.heading_row.texture_size[0] <= tasks.ids.heading_row.width + 1
    name = tasks.ids.worker_name_row
    assert name.text == "Magdalena Hoffmann" and name.texture_size[0] <= name.width + 1
    assert name.texture_size[1] <= name.height + 1  # one line, not one letter per line
    assert "progress" not in tasks.ids  # the worker's own screen has no Progress button
    for widget in (tasks.ids.back, tasks.ids.worker_row):
        x, _ = widget.to_window(widget.x, widget.y)
        assert x >= 0 and x + widget.width <= app.root.width + 1
    ui.shot(f"tasks-portrait-{language}")


def test_a_help_call_stays_until_a_coach_answers_it(kiosk, ui):
    """The call shows the step's picture in a calm frame, keeps ringing softly, ignores the
    worker's taps and keys, and ends only when a coach holds the coach area for 3 seconds."""
    app = kiosk(people=[("Anna", "en")])
    step = _open_task(app, ui)
    ui.tap(step.ids.help)
    call = app.overlay
    assert call is not None and call.message == "Wave to your coach."
    assert call.picture.texture is step.ids.picture.texture  # where the worker is stuck
    ui.shot("help-call")
    rings = sum(1 for played in app.audio.played if played == ("ui", "help"))
    ui.advance(31)
    assert sum(1 for played in app.audio.played if played == ("ui", "help")) > rings  # a soft signal again
    ui.press(13)
    ui.press(32)
    ui.tap(call.coach_box, wait=True)  # a short tap (the worker's) does not end it
    assert app.overlay is call
    answer_help(ui, app)
    assert app.overlay is None and app.sm.current == "step"
    _, events = events_of(app)
    assert (1, "help") in events


def test_the_family_view_says_the_help_on_screen_went_down(kiosk, ui):
    app = kiosk(people=[("Anna", "en")])
    _history(app, 3, level=2)
    _history(app, 2, level=0)
    app.go("progress_people")
    app.go("progress_person", person=app.worker, replace=True)
    ui.settle()
    texts = [w.text for w in ui.screen.walk() if isinstance(getattr(w, "text", None), str)]
    assert any(t.startswith("Help on the screen: full help") and "little help" in t for t in texts), texts
    ui.shot("progress-support")


def test_tally_dots_are_big_can_be_undone_and_say_when_full(kiosk, ui, tmp_path):
    from kivy.metrics import dp

    from ui_helpers import standard_library

    app = kiosk(packs=[standard_library(tmp_path / "standard")])
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "sort-screws"))
    step = ui.screen
    ui.tap(step.ids.next)  # step 2: "Put 5 long screws in the tray." with 5 dots
    tally = step.ids.tally
    dots = list(reversed(tally.children))
    assert len(dots) == 5 and all(dot.width >= dp(96) - 1 and dot.height >= dp(96) - 1 for dot in dots)
    for dot in dots[:3]:
        ui.tap(dot)
    assert tally.filled == 3
    ui.tap(dots[2])  # the last filled dot again: undo
    assert tally.filled == 2 and not dots[2].filled
    for dot in dots[2:]:
        ui.tap(dot)
    assert tally.filled == 5
    bells = sum(1 for played in app.audio.played if played == ("ui", "timer"))
    assert bells >= 1  # full: a soft bell
    ui.tap(dots[0])  # a tap too many: the bell again, nothing emptied
    assert tally.filled == 5 and sum(1 for p in app.audio.played if p == ("ui", "timer")) == bells + 1
    ui.shot("tally-full")


FOUR = [("Anna Schmidt", "de"), ("王芳", "zh"), ("Magdalena Hoffmann", "de"), ("Özgür Yılmaz", "de")]


@pytest.mark.parametrize("size", [(1280, 800), (800, 1280)], ids=["landscape", "portrait"])
def test_workers_can_hear_their_names_and_the_hear_button_is_beside_the_photo(kiosk, ui, size):
    app = kiosk(people=FOUR, size=size)
    assert app.sm.current == "people"
    tiles = ui.screen.tiles()
    for tile in tiles:
        label, button, photo = tile.ids.title_row, tile.ids.speaker_button, tile.ids.picture_box
        assert label.texture_size[0] <= label.width + 1 and label.texture_size[1] <= label.height + 1, tile.title
        bx, _ = button.to_window(button.x, button.y)
        px, _ = photo.to_window(photo.x, photo.y)
        assert bx >= px + photo.width - 1  # beside the photo, never on it
        assert label.width >= tile.width - dp(40)  # and the name keeps the tile's whole width
    magdalena = next(t for t in tiles if t.title == "Magdalena Hoffmann")
    ui.tap(magdalena.ids.speaker_button)
    assert app.sm.current == "people"  # hearing the name chooses nobody
    ui.advance(1)
    assert ("Magdalena Hoffmann", "de") in app.fake_speech.rendered
    ui.shot("people-hear")
