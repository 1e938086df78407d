"""One speech queue and one player, in the running kiosk with the real engine (pyttsx3 + espeak-ng).

- "Hear again" while the next steps' prefetches are queued is heard next, not after them; the
  delay from the tap to the start of playback is printed (run with ``-s`` to read it).
- A prefetch the worker has moved past is dropped unrun.
- Live speech (the last resort) is a WAV in the speech cache played with Kivy, not through aplay.
- ``AudioService.played`` stays bounded on a kiosk that runs for months.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from kivy.base import EventLoop

from ui_helpers import FakeSpeech, make_pack

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")

SENTENCE = "Take the next part from the box, turn it so the hole faces you, and put it on the tray."
STEPS = 10


def _long_task(folder: Path) -> Path:
    make_pack(
        folder,
        "long-task",
        {"en": "Long task"},
        [{"text": f"{SENTENCE} This is step {n}."} for n in range(1, STEPS + 1)],
    )
    return folder


def _cached(app, step) -> Path:
    from kiosk.speech import speech_cache_path

    return speech_cache_path(app.data.cache, step.text_for("en", "en"), "en")


def _open_long_task(kiosk, ui, tmp_path, worker):
    app = kiosk(packs=[_long_task(tmp_path / "more")], speech=worker, settings={"autoplay": False})
    worker.render("Warm up.", "en", tmp_path / "warm.wav")  # a running kiosk's engine is started
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "long-task"))
    assert app.sm.current == "step" and not app.audio.played  # autoplay off: nothing said yet
    return app, ui.screen, app.session.pack


@needs_espeak
def test_hear_again_is_heard_before_queued_prefetches(kiosk, ui, tmp_path):
    from kiosk.speech import SpeechWorker

    worker = SpeechWorker()
    try:
        app, screen, pack = _open_long_task(kiosk, ui, tmp_path, worker)
        for later in pack.steps[1:]:  # a backlog of speech for later steps
            app.audio.prefetch_step(pack, later, "en")
        wanted = ("step", str(_cached(app, pack.steps[0])))
        started = time.perf_counter()
        screen.hear_again()
        while wanted not in app.audio.played and time.perf_counter() - started < 120:
            EventLoop.idle()
        delay = time.perf_counter() - started
        made_first = [n for n, s in enumerate(pack.steps[1:], start=2) if _cached(app, s).is_file()]
        print(
            f"\n'Hear again' to playback with {STEPS - 1} prefetches queued: {delay:.2f} s "
            f"(later steps made before it: {made_first})"
        )
        assert wanted in app.audio.played, app.audio.played
        assert len(made_first) <= 1, made_first  # at most the prefetch already being synthesised
        ui.settle()
    finally:
        worker.close()


@needs_espeak
def test_a_prefetch_the_worker_moved_past_is_dropped(kiosk, ui, tmp_path):
    from kiosk.speech import SpeechWorker

    worker = SpeechWorker()
    try:
        app, _screen, pack = _open_long_task(kiosk, ui, tmp_path, worker)
        for later in pack.steps[1:6]:  # steps 2..6 asked for in a row: only the newest is wanted
            app.audio.prefetch_step(pack, later, "en")
        for _ in range(40):
            ui.settle()
            if not app.audio.busy:
                break
        made = [n for n, s in enumerate(pack.steps[1:6], start=2) if _cached(app, s).is_file()]
        assert 6 in made and len(made) <= 2, made  # the newest, and at most the one already running
    finally:
        worker.close()


class FailsOnce(FakeSpeech):
    """The step's rendering fails once, then works: the only way to reach the last resort
    (live speech) on demand, which the real engine cannot be made to do."""

    def __init__(self) -> None:
        super().__init__()
        self.failures = 1

    def render(self, text, language, out_wav, rate=None):  # noqa: ANN001 - FakeSpeech's signature
        if self.failures:
            self.failures -= 1
            raise RuntimeError("espeak hiccup (test)")
        return super().render(text, language, out_wav, rate)


def test_live_speech_is_a_cached_wav_played_with_kivy(kiosk, ui):
    speech = FailsOnce()
    app = kiosk(speech=speech)
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "wash-hands"))
    ui.settle()
    kind, what = app.audio.played[-1]
    assert kind == "live" and Path(what).parent == app.data.cache / "speech", app.audio.played
    assert ("Wet your hands.", "en") in speech.rendered and speech.spoken == []  # never speak()
    assert any(p.kind == "speech" and "live speech" in p.message for p in app.problems.items)


def test_played_remembers_only_the_latest_sounds(kiosk, ui):
    from kiosk.ui.audio import PLAYED_KEPT

    app = kiosk()
    for _ in range(PLAYED_KEPT + 50):
        app.audio.play_ui("timer")
    app.audio.play_ui("help")
    assert len(app.audio.played) == PLAYED_KEPT
    assert app.audio.played[-1] == ("ui", "help")
