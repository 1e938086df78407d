"""The bundled sample packs carry recorded speech for every step in every language of its text."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from kiosk.paths import SAMPLE_PACKS_DIR
from kiosk.speech import step_audio

PACK_IDS = ("wash-hands", "kit-5-screws", "arrive-at-work")


@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    packs_module = pytest.importorskip("kiosk.packs")
    cache = tmp_path_factory.mktemp("cache")
    loaded = {}
    for pack_id in PACK_IDS:
        pack, problems = packs_module.load_pack(SAMPLE_PACKS_DIR / pack_id, cache)
        assert pack is not None, problems
        assert not problems, problems
        loaded[pack_id] = pack
    return loaded


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_every_step_has_recorded_speech_in_every_language(packs, pack_id, tmp_path):
    pack = packs[pack_id]
    for step in pack.steps:
        assert set(step.text) == {"en", "de", "zh"}
        assert set(step.audio) == set(step.text)
        for language in step.text:
            audio = step_audio(pack, step, language, tmp_path)
            assert audio == pack.file(step.audio[language])
            with wave.open(str(audio), "rb") as wav:
                seconds = wav.getnframes() / wav.getframerate()
                assert (wav.getnchannels(), wav.getframerate()) == (1, 22050)
            assert 0.5 < seconds < 8, f"{audio}: {seconds:.1f} s"
    # a worker language the pack has no text for hears the pack's own language
    assert step_audio(pack, pack.steps[0], "fr", tmp_path) == pack.file(pack.steps[0].audio["en"])


def test_sample_packs_use_timer_and_count(packs):
    assert any(step.timer == 20 for step in packs["wash-hands"].steps)
    assert any(step.count == 5 for step in packs["kit-5-screws"].steps)


def test_sample_assets_stay_small():
    total = sum(f.stat().st_size for f in Path(SAMPLE_PACKS_DIR).rglob("*") if f.is_file())
    assert total < 15 * 1024 * 1024
