"""The coach's recorded voice (kiosk.authoring.voice, kiosk.authoring.microphone): real speech from
espeak-ng, recorded softly with silence around it, comes out trimmed and at one loudness; a silent
recording is refused, a clipped one kept with a warning; the microphone boundary hands over exactly
what was fed to it, and says calmly when there is no microphone."""

from __future__ import annotations

import io
import math
import threading
import wave
from array import array
from pathlib import Path

import pytest

from kiosk.audio_check import plays
from kiosk.authoring.microphone import ChunkRecorder, Recording, SoundDeviceRecorder
from kiosk.authoring.voice import CLIPPED, TARGET_DBFS, SilentRecording, prepare_voice, read_wav


def _spoken(worker, tmp_path: Path) -> Recording:  # noqa: ANN001
    path = worker.render("Put the washer on the bolt.", "en", tmp_path / "spoken.wav")
    return read_wav(path.read_bytes())


def _samples(recording: Recording) -> array:
    samples = array("h")
    samples.frombytes(recording.frames)
    return samples


def _recording(samples: array, rate: int) -> Recording:
    return Recording(samples.tobytes(), rate)


def _rms_dbfs(samples: array) -> float:
    loud = [s for s in samples if abs(s) > 300]
    return 20 * math.log10(math.sqrt(sum(s * s for s in loud) / len(loud)) / 32767)


def test_a_soft_recording_with_silence_is_trimmed_and_made_louder(worker, tmp_path: Path) -> None:  # noqa: ANN001
    speech = _recording_with_silence(_spoken(worker, tmp_path), gain=0.08, before=1.5, after=2.0)
    prepared = prepare_voice(speech)
    out = read_wav(prepared.wav)
    assert out.rate == speech.rate
    spoken_seconds = _spoken(worker, tmp_path).seconds
    assert prepared.seconds < speech.seconds - 3.0  # most of the 3.5 s of silence went
    assert prepared.seconds > spoken_seconds - 0.5  # no word was cut
    samples = _samples(out)
    assert max(abs(s) for s in samples) <= 32767 * 10 ** (-1 / 20) + 1  # never above -1 dBFS
    soft = _samples(speech)
    assert max(abs(s) for s in samples) > 4 * max(abs(s) for s in soft)  # louder than recorded
    assert abs(_rms_dbfs(samples) - TARGET_DBFS) < 4, _rms_dbfs(samples)
    assert prepared.warning is None
    path = tmp_path / "voice.wav"
    path.write_bytes(prepared.wav)
    assert plays(path)


def test_silence_is_refused(tmp_path: Path) -> None:
    rate = 22050
    hiss = array("h", (int(40 * math.sin(i * 1.3)) for i in range(rate * 3)))  # a quiet room, nobody speaking
    with pytest.raises(SilentRecording, match="Nothing was heard"):
        prepare_voice(_recording(hiss, rate))
    with pytest.raises(SilentRecording):
        prepare_voice(Recording(b"", rate))


def test_a_clipped_recording_is_kept_with_a_warning(worker, tmp_path: Path) -> None:  # noqa: ANN001
    loud = _recording_with_silence(_spoken(worker, tmp_path), gain=8.0, before=0.2, after=0.2)
    prepared = prepare_voice(loud)
    assert prepared.warning == CLIPPED
    assert prepared.level.clipped_share > 0.002
    assert read_wav(prepared.wav).seconds > 1.0


def test_the_recorder_boundary_hands_over_what_was_fed(worker, tmp_path: Path) -> None:  # noqa: ANN001
    spoken = _spoken(worker, tmp_path)
    recorder = ChunkRecorder(spoken.rate)
    recorder.feed(b"\x01\x00" * 100)  # not recording yet: ignored
    recorder._begin()  # noqa: SLF001 - what start() does before the device delivers

    def device() -> None:  # PortAudio calls back from its own thread, in small chunks
        for i in range(0, len(spoken.frames), 2048):
            recorder.feed(spoken.frames[i : i + 2048])

    thread = threading.Thread(target=device)
    thread.start()
    thread.join()
    heard = recorder._end()  # noqa: SLF001
    assert heard == spoken
    assert not recorder.recording


def test_without_a_microphone_the_recorder_says_so() -> None:
    recorder = SoundDeviceRecorder()
    reason = recorder.unavailable()
    try:
        import sounddevice

        device = sounddevice.query_devices(kind="input")
        has_input = bool(device) and device["max_input_channels"] > 0
    except Exception:  # noqa: BLE001 - no PortAudio, or no input device
        has_input = False
    if has_input:
        assert reason is None
    else:
        assert reason == "There is no microphone on this kiosk."
        with pytest.raises(Exception, match="no microphone"):
            recorder.start()
        assert not recorder.recording


def test_stereo_wavs_are_mixed_down() -> None:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(array("h", [100, 300] * 10).tobytes())
    mono = read_wav(buffer.getvalue())
    assert list(_samples(mono)) == [200] * 10


def _recording_with_silence(speech: Recording, gain: float, before: float, after: float) -> Recording:
    rate = speech.rate
    quiet = [int(30 * math.sin(i * 0.7)) for i in range(int(rate * before))]
    tail = [int(30 * math.sin(i * 0.9)) for i in range(int(rate * after))]
    voiced = [max(-32768, min(32767, int(s * gain))) for s in _samples(speech)]
    return _recording(array("h", quiet + voiced + tail), rate)
