"""The kiosk with the real speech engine (pyttsx3 through espeak-ng), not a stand-in.

The other UI tests replace the engine to stay fast; this one proves the whole chain a worker relies
on when a pack has no recording: step shown -> WAV rendered in the background by the real engine ->
played -> "hear again" plays the same file without rendering again.
"""

from __future__ import annotations

import shutil
import wave

import pytest

from ui_helpers import events_of

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


def test_step_without_recording_is_spoken_by_the_real_engine(kiosk, ui):
    from kiosk.speech import SpeechWorker

    worker = SpeechWorker()
    try:
        app = kiosk(speech=worker)
        seconds = _spoken_step_two(app, ui)
        played = app.audio.played[-1][1]
        assert 0.8 < seconds < 10, seconds  # "Put 5 long screws in the tray." spoken, not silence
        assert not [p for p in app.problems.items if p.kind == "speech"]

        ui.tap(ui.screen.ids.hear)
        ui.settle()
        assert app.audio.played[-1] == ("step", played)  # the cached file, not a new rendering
        _, events = events_of(app)
        assert (2, "shown") in events and (2, "hear_again") in events
    finally:
        worker.close()


def _spoken_step_two(app, ui):
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "sort-screws"))
    ui.tap(ui.screen.ids.next)
    for _ in range(60):
        ui.advance(0.1)
        ui.settle()
        if app.audio.played and "speech" in app.audio.played[-1][1]:
            break
    kind, played = app.audio.played[-1]
    assert kind == "step" and "speech" in played, app.audio.played
    with wave.open(played) as wav:
        return wav.getnframes() / wav.getframerate()


def test_a_worker_set_to_slow_speech_hears_slower_generated_speech(kiosk, ui, tmp_path):
    from kiosk.speech import SpeechWorker

    worker = SpeechWorker()
    try:
        normal_wav = worker.render("Put 5 long screws in the tray.", "en", tmp_path / "normal.wav")
        with wave.open(str(normal_wav)) as wav:
            normal = wav.getnframes() / wav.getframerate()
        app = kiosk(
            speech=worker,
            prepare=lambda journal: journal.add_person("Ravi", language="en", preferences={"speech_rate": "slow"}),
        )
        assert app.audio.slow_speech
        slow = _spoken_step_two(app, ui)
        assert slow > normal * 1.15, (slow, normal)
    finally:
        worker.close()
