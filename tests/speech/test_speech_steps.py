"""step_audio / ensure_step_audio: recorded audio first, else generated speech in the cache."""

from __future__ import annotations

from pathlib import Path

import pytest
from speech_helpers import FakeEngine, FakePack, FakeStep, needs_espeak, write_wav

from kiosk.speech import (
    SpeechError,
    SpeechWorker,
    ensure_step_audio,
    speech_cache_path,
    step_audio,
    wav_duration,
)


@pytest.fixture
def pack(tmp_path):
    root = tmp_path / "pack"
    (root / "audio" / "en").mkdir(parents=True)
    write_wav(root / "audio" / "en" / "01.wav", 1.0)
    steps = (
        FakeStep(
            1, {"en": "Wet your hands.", "de": "Mach die Hände nass.", "zh": "把手弄湿。"}, {"en": "audio/en/01.wav"}
        ),
        FakeStep(2, {"en": "Take soap.", "de": "Nimm Seife."}, {"en": "audio/en/02.wav"}),  # file missing
        FakeStep(3, {"en": "Rub your hands."}),
    )
    return FakePack(root=root, language="en", steps=steps)


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"


def test_recorded_audio_wins(pack, cache):
    assert step_audio(pack, pack.steps[0], "en", cache) == pack.root / "audio" / "en" / "01.wav"
    assert step_audio(pack, pack.steps[0], "en-GB", cache) == pack.root / "audio" / "en" / "01.wav"


def test_nothing_ready_gives_none(pack, cache):
    assert step_audio(pack, pack.steps[1], "en", cache) is None  # recording listed but missing
    assert step_audio(pack, pack.steps[2], "en", cache) is None  # no recording at all


def test_recording_in_another_language_is_not_used_for_translated_text(pack, cache):
    # A German reader sees the German text: the English recording would not match it.
    assert step_audio(pack, pack.steps[0], "de", cache) is None
    with SpeechWorker(engine_factory=FakeEngine) as worker:
        made = ensure_step_audio(pack, pack.steps[0], "de", cache, worker)
    assert made == speech_cache_path(cache, "Mach die Hände nass.", "de")
    assert step_audio(pack, pack.steps[0], "de-DE", cache) == made


def test_recording_of_the_only_text_is_used_for_any_reader(pack, cache):
    # Step 1 has no Chinese recording, but step 3 has English text only: a Chinese reader sees the
    # English text; generated English speech, since there is no recording.
    with SpeechWorker(engine_factory=FakeEngine) as worker:
        made = ensure_step_audio(pack, pack.steps[2], "zh-CN", cache, worker)
    assert made == speech_cache_path(cache, "Rub your hands.", "en")


def test_ensure_renders_once_then_finds_the_cache(pack, cache):
    engine = FakeEngine()
    with SpeechWorker(engine_factory=lambda: engine) as worker:
        first = ensure_step_audio(pack, pack.steps[1], "en", cache, worker)
        second = ensure_step_audio(pack, pack.steps[1], "en", cache, worker)
    assert first == second
    assert first.parent == cache / "speech" and first.suffix == ".wav"
    assert len(engine.rendered) == 1
    assert step_audio(pack, pack.steps[1], "en", cache) == first


def test_cache_key_depends_on_text_language_voice_and_rate(cache):
    base = speech_cache_path(cache, "Take soap.", "en")
    assert speech_cache_path(cache, "Take soap.", "en-US") == base  # same voice, same language
    assert speech_cache_path(cache, " Take   soap. ", "en") == base  # spacing does not matter
    assert speech_cache_path(cache, "Take soap.", "en", rate=150) == base  # 150 is the calm default
    assert speech_cache_path(cache, "Take soap!", "en") != base
    assert speech_cache_path(cache, "Take soap.", "en-GB") != base  # another voice
    assert speech_cache_path(cache, "Take soap.", "en", rate=120) != base
    assert speech_cache_path(cache, "把手弄湿。", "zh") != speech_cache_path(cache, "把手弄湿。", "zh-HK")
    assert len(base.stem) == 64


def test_ensure_reports_steps_without_text(pack, cache):
    empty = FakeStep(4, {"en": ""})
    with SpeechWorker(engine_factory=FakeEngine) as worker, pytest.raises(SpeechError, match="no text"):
        ensure_step_audio(pack, empty, "en", cache, worker)
    assert step_audio(pack, empty, "en", cache) is None


def test_a_pack_file_that_cannot_be_resolved_is_no_recording(pack, cache):
    class Strict(FakePack):
        def file(self, relative):
            raise ValueError("leaves the pack")

    strict = Strict(root=pack.root, language="en")
    assert step_audio(strict, pack.steps[0], "en", cache) is None


def test_works_with_the_real_pack_model(tmp_path, cache):
    packs = pytest.importorskip("kiosk.packs")
    step = packs.Step(
        number=1, image="01.png", text={"en": "Wet your hands.", "de": "Mach die Hände nass."}, audio={"en": "a.wav"}
    )
    write_wav(tmp_path / "a.wav", 0.5)

    class Pack:  # only the members step_audio uses, as in the contract
        language = "en"

        def file(self, relative):
            return tmp_path / relative

    assert step_audio(Pack(), step, "en", cache) == tmp_path / "a.wav"
    assert step_audio(Pack(), step, "de", cache) is None


@needs_espeak
def test_ensure_step_audio_with_espeak(pack, cache):
    with SpeechWorker() as worker:
        made = ensure_step_audio(pack, pack.steps[0], "zh-CN", cache, worker)
    assert made.is_file() and 0.5 < wav_duration(made) < 15
    assert made == speech_cache_path(cache, "把手弄湿。", "zh")
