"""Speech uses the project's one recording check (kiosk.audio_check) for every file it keeps."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest
from speech_helpers import FakeEngine, FakePack, FakeStep, write_wav

from kiosk.audio_check import plays, recording_problem, wav_duration
from kiosk.speech import SpeechError, SpeechWorker, ensure_step_audio, step_audio


def test_a_temporary_name_is_checked_as_the_kind_it_will_become(tmp_path):
    part = tmp_path / ".01-x.wav.part"
    write_wav(part, 0.5)
    assert recording_problem(part) is not None  # by its name: not a kind the kiosk plays
    assert plays(part, suffix=".wav")


def test_wav_duration(tmp_path):
    write_wav(tmp_path / "a.wav", 1.5)
    assert wav_duration(tmp_path / "a.wav") == pytest.approx(1.5)
    (tmp_path / "b.wav").write_bytes(b"RIFF junk")
    with pytest.raises((wave.Error, EOFError, OSError)):
        wav_duration(tmp_path / "b.wav")


def test_cached_speech_cut_short_is_not_played_but_made_again(tmp_path):
    """A cached WAV whose header promises more sound than the file holds (a full disk, a power
    cut) used to count as ready because it was larger than a bare header."""
    pack = FakePack(root=tmp_path, steps=(FakeStep(1, {"en": "Wash your hands."}),))
    step = pack.steps[0]
    with SpeechWorker(engine_factory=FakeEngine) as worker:
        made = ensure_step_audio(pack, step, "en", tmp_path / "cache", worker)
        assert step_audio(pack, step, "en", tmp_path / "cache") == made
        data = made.read_bytes()
        made.write_bytes(data[: len(data) // 2])  # cut short
        assert step_audio(pack, step, "en", tmp_path / "cache") is None
        again = ensure_step_audio(pack, step, "en", tmp_path / "cache", worker)
    assert again == made and plays(made)


def test_engine_output_failing_the_check_is_never_kept(tmp_path):
    class HeaderOnly(FakeEngine):
        def runAndWait(self):  # noqa: N802 - writes a WAV header with no sound after it
            text, filename = self._pending
            write_wav(Path(filename), 0.0)

    with SpeechWorker(engine_factory=HeaderOnly) as w, pytest.raises(SpeechError, match="did not produce"):
        w.render("Hello.", "en", tmp_path / "x.wav")
    assert list(tmp_path.iterdir()) == []
