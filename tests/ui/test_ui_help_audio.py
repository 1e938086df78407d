"""Help, voices, timers and tallies, and what happens when sound, speech or the journal fail."""

from __future__ import annotations

from kiosk.journal import JournalError

from ui_helpers import FakeSpeech, answer_help, events_of, make_pack


def start_task(ui, pack_id="sort-screws"):
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == pack_id))
    return ui.screen


def test_help_shows_a_calm_overlay_speaks_and_logs(kiosk, ui):
    app = kiosk()
    step = start_task(ui)
    ui.tap(step.ids.help)
    assert app.overlay is not None and app.overlay.message == "Wave to your coach."
    assert ("ui", "help") in app.audio.played
    ui.advance(2.0)  # the sentence follows the tone
    ui.settle()
    assert ("Wave to your coach.", "en") in app.fake_speech.rendered
    assert any(kind == "say" for kind, _ in app.audio.played)
    ui.shot("help")
    answer_help(ui, app)  # a coach ends the call
    assert app.overlay is None and app.sm.current == "step"
    _, events = events_of(app)
    assert (1, "help") in events


def test_recorded_voice_first_then_generated_speech(kiosk, ui):
    app = kiosk()
    step = start_task(ui)
    ui.advance(0.1)
    assert app.audio.played[-1][0] == "step" and app.audio.played[-1][1].endswith("01.wav")  # the recording
    ui.tap(step.ids.next)
    ui.settle()
    assert ("Put 5 long screws in the tray.", "en") in app.fake_speech.rendered  # no recording: rendered
    assert app.audio.played[-1][0] == "step" and "speech" in app.audio.played[-1][1]
    ui.tap(step.ids.hear)
    assert app.audio.played[-1][0] == "step"
    _, events = events_of(app)
    assert (2, "hear_again") in events


def test_missing_audio_and_failing_speech_still_show_the_step(kiosk, ui, library):
    app = kiosk(speech=FakeSpeech(fail=True))
    recording = library / "sort-screws" / "01.wav"
    recording.unlink()  # gone after the pack was loaded (a trainer's USB stick was pulled)
    step = start_task(ui)
    ui.settle()
    assert app.sm.current == "step" and step.number == 1
    assert step.ids.picture.texture is not None and step.step_text == "Take the box of screws."
    kinds = {p.kind for p in app.problems.items}
    assert {"audio", "speech"} <= kinds
    ui.shot("silent-step")
    ui.tap(step.ids.next)
    assert step.number == 2
    stored = app.journal.get_setting("ui.problems")
    assert any("missing" in p["message"] for p in stored)


def test_journal_errors_never_stop_the_worker(kiosk, ui, monkeypatch):
    app = kiosk()
    step = start_task(ui)

    def broken(*_args, **_kwargs):
        raise JournalError("The kiosk could not save: the storage is full.", "Free some space.")

    monkeypatch.setattr(app.journal, "record_step", broken)
    monkeypatch.setattr(app.journal, "set_setting", broken)
    ui.tap(step.ids.next)
    ui.tap(step.ids.next)
    assert step.number == 3
    assert any(p.kind == "journal" and "storage is full" in p.message for p in app.problems.items)


def test_timer_counts_down_and_never_moves_on(kiosk, ui):
    app = kiosk()
    step = start_task(ui)
    ui.tap(step.ids.next)
    ui.tap(step.ids.next)
    assert step.number == 3 and step.timer_seconds == 20
    ui.advance(5)
    # 5 s of the clock moved on by the test, and whatever real time passed (a busy machine): counting
    assert 0 < step.ids.timer.remaining <= 15.5 and not step.ids.timer.done
    ui.shot("timer-running")
    ui.advance(16)
    assert step.ids.timer.done and step.number == 3  # nothing forced
    assert ("ui", "timer") in app.audio.played
    ui.shot("timer-done")
    _, events = events_of(app)
    assert events.count((3, "timer_finished")) == 1


def test_tally_dots_count_taps(kiosk, ui):
    app = kiosk()
    step = start_task(ui)
    ui.tap(step.ids.next)
    tally = step.ids.tally
    assert step.count == 5 and len(tally.children) == 5
    for dot in list(reversed(tally.children))[:3]:
        ui.tap(dot)
    ui.tap(tally.children[0], wait=False)  # a bounce is not counted
    assert tally.filled == 3
    ui.shot("tally")
    _, events = events_of(app)
    assert events.count((2, "count_tap")) == 3


def test_pack_added_to_the_drop_folder_appears(kiosk, ui, tmp_path):
    app = kiosk()
    drop = app.data.packs
    app.shelf.library.folders += (drop.absolute(),)
    make_pack(drop, "fold-towels", {"en": "Fold the towels"}, [{"text": "Fold once."}])
    ui.tap(ui.screen.tiles()[0])
    ui.tap(ui.screen.ids.home)
    ui.tap(app.overlay.buttons[1])
    ui.settle()
    assert "Fold the towels" in [t.title for t in ui.screen.tiles()]


def test_voices_cancelled_by_shutdown_are_dropped_quietly(kiosk, ui):
    import time

    app = kiosk()
    delivered = []
    for _ in range(2):  # one worker thread: the second job is still queued at shutdown
        app.audio._submit(lambda: time.sleep(0.3), delivered.append, delivered.append)
    app.audio.shutdown()
    time.sleep(0.5)  # the running job finishes in real time
    ui.pump(5)  # delivering the cancelled job must not raise CancelledError on the Clock
    assert len(delivered) <= 1 and app.audio.busy == 0
