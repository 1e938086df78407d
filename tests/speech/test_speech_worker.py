"""SpeechWorker: real WAVs from espeak-ng through pyttsx3, one job at a time, live speech that never raises."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import wave
from pathlib import Path

import pytest
from speech_helpers import FakeEngine, needs_espeak

from kiosk.speech import Priority, SpeechError, SpeechWorker, wav_duration

SENTENCES = {
    "en": "Wet your hands.",
    "de": "Nimm Seife.",
    "zh-CN": "把手弄湿。",
}
LONG = {
    "en": "Wet your hands. Take some soap. Rub your hands together. Rinse the soap off. Dry your hands.",
    "de": "Mach die Hände nass. Nimm Seife. Reib die Hände. Spül die Seife ab. Trockne die Hände.",
    "zh-CN": "把手弄湿。拿一点肥皂。搓你的手。把肥皂冲掉。把手擦干。",
}


@pytest.fixture(scope="module")
def worker():
    with SpeechWorker() as w:
        yield w


def _wav_info(path: Path) -> tuple[int, int, int, float]:
    with wave.open(str(path), "rb") as wav:
        return wav.getnchannels(), wav.getsampwidth(), wav.getframerate(), wav.getnframes() / wav.getframerate()


class SpyEngine:
    """Wraps the real pyttsx3 engine and records the properties set on it."""

    def __init__(self, engine):
        self._engine = engine
        self.calls: list[tuple[str, object]] = []

    def setProperty(self, name, value):  # noqa: N802 - pyttsx3's name
        self.calls.append((name, value))
        self._engine.setProperty(name, value)

    def __getattr__(self, name):
        return getattr(self._engine, name)


# ------------------------------------------------------------------ real espeak-ng


@needs_espeak
@pytest.mark.parametrize("language", list(SENTENCES))
def test_render_makes_a_real_wav(worker, tmp_path, language):
    out = worker.render(SENTENCES[language], language, tmp_path / "out.wav")
    assert out == tmp_path / "out.wav"
    channels, width, rate, seconds = _wav_info(out)
    assert (channels, width, rate) == (1, 2, 22050)
    assert 0.5 <= seconds <= 15
    with wave.open(str(out), "rb") as wav:
        frames = wav.readframes(wav.getnframes())
    assert any(frames[i] for i in range(0, len(frames), 97)), "the file is silent"
    assert [p.name for p in tmp_path.iterdir()] == ["out.wav"], "no temporary files left behind"


@needs_espeak
@pytest.mark.parametrize("language", list(SENTENCES))
def test_longer_text_gives_longer_audio(worker, tmp_path, language):
    short = wav_duration(worker.render(SENTENCES[language], language, tmp_path / "short.wav"))
    long = wav_duration(worker.render(LONG[language], language, tmp_path / "long.wav"))
    assert long > 2.5 * short
    assert long <= 30


@needs_espeak
def test_chinese_uses_the_mandarin_voice(tmp_path):
    import pyttsx3

    spy = SpyEngine(pyttsx3.init())
    with SpeechWorker(engine_factory=lambda: spy) as w:
        assert w.voice_for_language("zh-CN") == "sit/cmn"
        w.render("把手弄湿。", "zh-CN", tmp_path / "zh.wav")
        assert ("voice", "sit/cmn") in spy.calls
        assert spy.getProperty("voice") == "sit/cmn"
        w.render("Nimm Seife.", "de-DE", tmp_path / "de.wav")
        assert spy.calls[-2:][0] == ("voice", "gmw/de")
    # Read by the Mandarin voice, five characters take about two seconds; the English voice would
    # spell out "Chinese letter" five times.
    assert wav_duration(tmp_path / "zh.wav") < 3.0


@needs_espeak
def test_rate_changes_duration(worker, tmp_path):
    text = "Put the washer on the bolt."
    slow = wav_duration(worker.render(text, "en", tmp_path / "slow.wav", rate=100))
    fast = wav_duration(worker.render(text, "en", tmp_path / "fast.wav", rate=300))
    default = wav_duration(worker.render(text, "en", tmp_path / "default.wav"))
    assert slow > 1.8 * fast
    assert fast < default < slow


@needs_espeak
def test_rates_and_voices_never_lag_behind(worker, tmp_path):
    """espeak takes a new rate asynchronously: without waiting for it, about one file in three
    came out at the previous file's speed. Alternate languages and rates; every file must match
    a file made with the same settings."""
    jobs = [("en", 100), ("de", 300), ("zh-CN", 150), ("en", 300), ("de", 100), ("zh-CN", 250)]
    reference = {}
    for language, rate in jobs:
        reference[language, rate] = wav_duration(
            worker.render(LONG[language], language, tmp_path / f"ref-{language}-{rate}.wav", rate=rate)
        )
    for i in range(3 * len(jobs)):
        language, rate = jobs[(i * 5) % len(jobs)]
        seconds = wav_duration(worker.render(LONG[language], language, tmp_path / f"{i}.wav", rate=rate))
        assert seconds == pytest.approx(reference[language, rate], rel=0.05), f"file {i}: {language} at {rate}"


@needs_espeak
def test_many_files_from_many_threads_lose_none(worker, tmp_path):
    texts = {n: " ".join(["one", "two", "three", "four", "five", "six", "seven", "eight"][:n]) + "." for n in (1, 4, 8)}
    reference = {n: wav_duration(worker.render(t, "en", tmp_path / f"ref{n}.wav")) for n, t in texts.items()}
    errors: list[BaseException] = []
    made: list[tuple[Path, int]] = []
    lock = threading.Lock()

    def job(thread_no: int) -> None:
        for i in range(10):
            n = (1, 4, 8)[(thread_no + i) % 3]
            out = tmp_path / f"t{thread_no}" / f"{i:02}.wav"
            try:
                worker.render(texts[n], "en", out)
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)
            with lock:
                made.append((out, n))

    threads = [threading.Thread(target=job, args=(k,)) for k in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    assert len(made) == 50
    for out, n in made:
        assert out.is_file(), f"{out} was lost"
        assert wav_duration(out) == pytest.approx(reference[n], rel=0.08), f"{out} has the wrong text"


@needs_espeak
def test_render_async_gives_a_future(worker, tmp_path):
    futures = [worker.render_async(f"Step {i}.", "en", tmp_path / f"{i}.wav") for i in range(5)]
    assert [f.result(30) for f in futures] == [tmp_path / f"{i}.wav" for i in range(5)]


@needs_espeak
def test_render_overwrites_an_old_file_atomically(worker, tmp_path):
    out = tmp_path / "step.wav"
    out.write_bytes(b"old rubbish")
    worker.render("Dry your hands.", "en", out)
    assert wav_duration(out) > 0.5


@needs_espeak
def test_no_audio_saved_line_on_stdout(tmp_path):
    """pyttsx3 prints "Audio saved to ..." for every file; a CLI that renders prints nothing."""
    script = (
        "from kiosk.speech import SpeechWorker\n"
        "import sys\n"
        "w = SpeechWorker()\n"
        f"w.render('Clock in with your card.', 'en', r'{tmp_path / 'a.wav'}')\n"
        f"w.render('Zieh die Schürze an.', 'de', r'{tmp_path / 'b.wav'}')\n"
        "print('done')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "done\n"
    assert (tmp_path / "a.wav").is_file() and (tmp_path / "b.wav").is_file()


@needs_espeak
def test_speak_renders_and_plays_from_the_cache(tmp_path):
    played: list[Path] = []
    got = threading.Event()

    def player(path: Path) -> None:
        played.append(path)
        got.set()

    errors: list[SpeechError] = []
    with SpeechWorker(cache_dir=tmp_path, player=player, on_error=errors.append) as w:
        assert w.speak("Go to your station.", "en") is None
        assert got.wait(30)
        first = played[0]
        assert first.parent == tmp_path / "speech"
        assert wav_duration(first) > 0.5
        mtime = first.stat().st_mtime_ns
        got.clear()
        w.speak("Go to your station.", "en")
        assert got.wait(30)
        assert played[1] == first and first.stat().st_mtime_ns == mtime  # played again, not re-made
    assert not errors


# ------------------------------------------------------------------ failures (no espeak needed)


def _broken_factory():
    raise RuntimeError("This means you probably do not have eSpeak or eSpeak-ng installed!")


def test_speak_with_a_broken_engine_does_not_raise():
    errors: list[SpeechError] = []
    reported = threading.Event()

    def on_error(error: SpeechError) -> None:
        errors.append(error)
        reported.set()

    with SpeechWorker(engine_factory=_broken_factory, on_error=on_error, player=lambda p: None) as w:
        w.speak("Wash your hands.", "en")
        assert reported.wait(10)
    assert isinstance(errors[0], SpeechError)
    assert "not available" in errors[0].message or "failed" in errors[0].message


def test_speak_without_a_callback_logs(caplog):
    with SpeechWorker(engine_factory=_broken_factory, player=lambda p: None) as w:
        w.speak("Wash your hands.", "en")
    assert any("speech" in r.getMessage() for r in caplog.records)


def test_speak_survives_an_engine_that_fails_while_speaking(tmp_path):
    class Exploding(FakeEngine):
        def runAndWait(self):  # noqa: N802
            raise RuntimeError("run loop already started")

    errors: list[SpeechError] = []
    with SpeechWorker(engine_factory=Exploding, on_error=errors.append, player=lambda p: None) as w:
        w.speak("Wash your hands.", "en")
    assert len(errors) == 1 and isinstance(errors[0], SpeechError)


def test_speak_survives_a_failing_player():
    def player(path):
        raise OSError("no sound card")

    errors: list[SpeechError] = []
    with SpeechWorker(engine_factory=FakeEngine, on_error=errors.append, player=player) as w:
        w.speak("Wash your hands.", "en")
    assert len(errors) == 1 and "no sound card" in str(errors[0])


def test_speak_after_close_does_not_raise():
    errors: list[SpeechError] = []
    w = SpeechWorker(engine_factory=FakeEngine, on_error=errors.append, player=lambda p: None)
    w.close()
    w.speak("Hello.", "en")
    assert errors and "closed" in errors[0].message


def test_render_without_engine_raises_plain_words(tmp_path):
    with SpeechWorker(engine_factory=_broken_factory) as w, pytest.raises(SpeechError) as caught:
        w.render("Wash your hands.", "en", tmp_path / "x.wav")
    assert "Speech is not available" in caught.value.message
    assert "espeak-ng" in caught.value.hint
    assert not (tmp_path / "x.wav").exists()


def test_render_empty_text_raises(tmp_path):
    with SpeechWorker(engine_factory=FakeEngine) as w, pytest.raises(SpeechError, match="no text"):
        w.render("   ", "en", tmp_path / "x.wav")


def test_render_into_an_impossible_folder_raises(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with SpeechWorker(engine_factory=FakeEngine) as w, pytest.raises(SpeechError, match="folder"):
        w.render("Hello.", "en", tmp_path / "file" / "x.wav")


def test_engine_that_writes_nothing_is_caught(tmp_path):
    class Silent(FakeEngine):
        def runAndWait(self):  # noqa: N802
            pass  # like pyttsx3 when its callback failed: no file content

    out = tmp_path / "x.wav"
    out.write_bytes(b"stale")
    with SpeechWorker(engine_factory=Silent) as w, pytest.raises(SpeechError, match="did not produce"):
        w.render("Hello.", "en", out)
    assert out.read_bytes() == b"stale"  # the old file is untouched, no half file appears
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.wav"]


def test_jobs_never_overlap_and_speech_jumps_the_queue(tmp_path):
    engine = FakeEngine(delay=0.05)
    played = []
    done = threading.Event()

    def player(path):
        played.append(path)
        done.set()

    with SpeechWorker(engine_factory=lambda: engine, player=player) as w:
        futures = [w.render_async(f"Render {i}.", "en", tmp_path / f"{i}.wav") for i in range(6)]
        w.speak("Hear this first.", "en")
        assert done.wait(10)
        for f in futures:
            f.result(10)
    assert engine.overlaps == 0
    order = [text for text, _, _ in engine.rendered]
    assert order.index("Hear this first.") <= 1  # at most the job already running goes before it


def test_a_newer_speak_replaces_one_not_started(tmp_path):
    engine = FakeEngine(delay=0.1)
    played = []
    with SpeechWorker(engine_factory=lambda: engine, player=played.append) as w:
        blocker = w.render_async("Busy.", "en", tmp_path / "busy.wav")
        time.sleep(0.02)
        w.speak("Old.", "en")
        w.speak("New.", "en")
        blocker.result(10)
    texts = [text for text, _, _ in engine.rendered]
    assert "Old." not in texts
    assert len(played) == 1


def test_stop_cancels_pending_speech(tmp_path):
    engine = FakeEngine(delay=0.1)
    played = []
    with SpeechWorker(engine_factory=lambda: engine, player=played.append) as w:
        blocker = w.render_async("Busy.", "en", tmp_path / "busy.wav")
        time.sleep(0.02)
        w.speak("Never heard.", "en")
        w.stop()
        blocker.result(10)
    assert played == []


def test_fake_engine_rate_and_voice_reach_the_engine(tmp_path):
    engine = FakeEngine()
    with SpeechWorker(engine_factory=lambda: engine) as w:
        w.render("Hallo.", "de-DE", tmp_path / "a.wav")
        w.render("你好。", "zh-CN", tmp_path / "b.wav", rate=120)
    assert engine.rendered == [("Hallo.", "gmw/de", 150), ("你好。", "sit/cmn", 120)]


@needs_espeak
def test_worker_recovers_after_the_engine_failed_once(tmp_path, monkeypatch):
    from pyttsx3.drivers import _espeak

    real_synth = _espeak.Synth
    calls = {"n": 0}

    def flaky_synth(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("espeak hiccup")
        return real_synth(*args, **kwargs)

    with SpeechWorker() as w:
        w.render("Warm up.", "en", tmp_path / "0.wav")
        monkeypatch.setattr(_espeak, "Synth", flaky_synth)
        with pytest.raises(SpeechError):
            w.render("This one fails.", "en", tmp_path / "1.wav")
        assert not (tmp_path / "1.wav").exists()
        out = w.render("This one works.", "en", tmp_path / "2.wav")
        assert wav_duration(out) > 0.5


@needs_espeak
def test_stdout_is_never_swapped_while_rendering(worker, tmp_path):
    """The "Audio saved to" line is silenced inside pyttsx3's driver only: sys.stdout stays the
    same object for every other thread (it used to be replaced process-wide during each job)."""
    original = sys.stdout
    swapped: list[object] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            if sys.stdout is not original:
                swapped.append(sys.stdout)
            time.sleep(0.0005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for i in range(3):
            worker.render(f"Check number {i}.", "en", tmp_path / f"{i}.wav")
    finally:
        stop.set()
        watcher.join()
    assert swapped == []


@needs_espeak
def test_live_speech_jumps_queued_prefetches_with_the_real_engine(tmp_path):
    """Many prefetches queued, then one live request: the live file is made next (after at most
    the one prefetch already being synthesised), long before the queue is through."""
    finished: list[str] = []
    with SpeechWorker() as w:
        w.render("Warm up.", "en", tmp_path / "warm.wav")
        prefetches = [
            w.render_async(LONG["en"] + f" Step {i}.", "en", tmp_path / f"p{i}.wav", priority=Priority.PREFETCH)
            for i in range(8)
        ]
        for i, future in enumerate(prefetches):
            future.add_done_callback(lambda _f, i=i: finished.append(f"p{i}"))
        started = time.perf_counter()
        live = w.render_async("Hear this now.", "en", tmp_path / "live.wav", priority=Priority.LIVE)
        live.add_done_callback(lambda _f: finished.append("live"))
        live.result(30)
        live_seconds = time.perf_counter() - started
        for future in prefetches:
            future.result(60)
        all_seconds = time.perf_counter() - started
    assert finished.index("live") <= 1, finished
    assert live_seconds < all_seconds / 3, (live_seconds, all_seconds)


@needs_espeak
def test_render_inside_a_queued_job_runs_at_once(tmp_path):
    """The UI's jobs call render() on the speech thread: it must run there, not wait for itself."""
    with SpeechWorker(timeout=20) as w:
        future = w.submit(lambda: w.render("Inside the queue.", "en", tmp_path / "in.wav"), Priority.LIVE)
        assert future.result(30) == tmp_path / "in.wav"
    assert wav_duration(tmp_path / "in.wav") > 0.5


def test_the_same_file_asked_twice_is_made_once(tmp_path):
    engine = FakeEngine(delay=0.1)
    with SpeechWorker(engine_factory=lambda: engine) as w:
        blocker = w.render_async("Busy.", "en", tmp_path / "busy.wav")
        first = w.render_async("Step two.", "en", tmp_path / "two.wav", priority=Priority.PREFETCH)
        second = w.render_async("Step two.", "en", tmp_path / "two.wav", priority=Priority.LIVE)
        assert second is first
        blocker.result(10), second.result(10)
    assert sorted(text for text, _, _ in engine.rendered) == ["Busy.", "Step two."]  # not twice
