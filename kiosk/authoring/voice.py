"""A coach's recorded sentence made ready for the kiosk: silence trimmed, loudness evened out.

Why: a recording made on a tablet in a workshop starts with the tap on Record and the breath
before speaking, and ends with the reach for Stop; one coach speaks softly, the next one close to
the microphone. Workers should hear every step at the same, comfortable loudness and at once. So
at save time the quiet start and end are cut (a short margin stays, so no word is clipped), and
the voice is scaled to one loudness (the voiced parts' RMS at ``TARGET_DBFS``, never above
``PEAK_DBFS`` at the loudest sample).

Two recordings are worth a word to the coach:
- almost silent (nothing above ``SILENT_DBFS``, or less voice than ``MIN_VOICE_S``): the
  microphone was covered or muted; such a recording is refused, so it never replaces a good one;
- clipped (many samples at full scale): it crackles; it is kept (it may still be understood) with
  the advice to record again a little further away.

Plain standard library (``array``) on 16-bit mono samples: no numpy; ``audioop`` is gone from
Python 3.13. A step's sentence is a few seconds, so pure Python is fast enough (well under a
second for a minute of sound).
"""

from __future__ import annotations

import io
import math
import sys
import wave
from array import array
from dataclasses import dataclass

from kiosk.authoring.microphone import SAMPLE_WIDTH, Recording

WINDOW_S = 0.02  # loudness is judged per 20 ms
MARGIN_S = 0.15  # kept before the first and after the last voiced window
FADE_S = 0.01  # a short fade at the cut ends: no click
TARGET_DBFS = -20.0  # the voiced parts' loudness after saving
PEAK_DBFS = -1.0  # never louder than this at the loudest sample
SILENT_DBFS = -40.0  # a recording whose loudest 20 ms stay below this heard nothing
VOICE_BELOW_PEAK_DB = 30.0  # a window counts as voice within this of the loudest one
FLOOR_DBFS = -50.0  # ... and above this
MIN_VOICE_S = 0.25
CLIP_LEVEL = 32_000  # |sample| at or above: at full scale
CLIPPED_SHARE = 0.002  # more than this share of voiced samples at full scale: clipped

SILENT = "silent"
CLIPPED = "clipped"

WORDS = {
    SILENT: "Nothing was heard. Speak close to the tablet and record again.",
    CLIPPED: "The recording is too loud and crackles. Hold the tablet a little further away and record again.",
}


class SilentRecording(Exception):
    """The recording heard (almost) nothing; ``str()`` says what to do."""


@dataclass(frozen=True)
class Level:
    """How loud a recording is, in dB below full scale."""

    peak_dbfs: float
    loudest_window_dbfs: float
    voiced_seconds: float
    clipped_share: float


@dataclass(frozen=True)
class PreparedVoice:
    """A recording ready to save: a WAV file's bytes, and a warning (``CLIPPED``) or None."""

    wav: bytes
    seconds: float
    warning: str | None
    level: Level


def prepare_voice(recording: Recording) -> PreparedVoice:
    """Trim and even out ``recording``; raise SilentRecording when it heard nothing."""
    samples = _samples(recording.frames)
    rate = recording.rate
    window = max(1, int(rate * WINDOW_S))
    levels = [_rms(samples[i : i + window]) for i in range(0, len(samples), window)]
    loudest = max(levels, default=0.0)
    threshold = max(_amplitude(FLOOR_DBFS), loudest * 10 ** (-VOICE_BELOW_PEAK_DB / 20))
    voiced = [i for i, value in enumerate(levels) if value >= threshold]
    voiced_seconds = len(voiced) * window / rate if rate else 0.0
    level = Level(
        _dbfs(max((abs(s) for s in samples), default=0)),
        _dbfs(loudest),
        voiced_seconds,
        _clipped_share(samples, voiced, window),
    )
    if loudest < _amplitude(SILENT_DBFS) or voiced_seconds < MIN_VOICE_S:
        raise SilentRecording(WORDS[SILENT])
    margin = int(rate * MARGIN_S)
    start = max(0, voiced[0] * window - margin)
    end = min(len(samples), (voiced[-1] + 1) * window + margin)
    kept = samples[start:end]
    voice_rms = _rms(array("h", (s for i in voiced for s in samples[i * window : (i + 1) * window])))
    peak = max(abs(s) for s in kept)
    gain = min(_amplitude(TARGET_DBFS) / voice_rms, _amplitude(PEAK_DBFS) / peak)
    out = _scaled(kept, gain, int(rate * FADE_S))
    warning = CLIPPED if level.clipped_share > CLIPPED_SHARE else None
    return PreparedVoice(_wav(out, rate), len(out) / rate, warning, level)


def read_wav(data: bytes) -> Recording:
    """A mono or stereo 16-bit WAV's sound as a Recording (stereo is mixed down)."""
    with wave.open(io.BytesIO(data), "rb") as source:
        if source.getsampwidth() != SAMPLE_WIDTH:
            raise ValueError("only 16-bit WAV recordings can be read")
        channels, rate = source.getnchannels(), source.getframerate()
        frames = source.readframes(source.getnframes())
    samples = _samples(frames)
    if channels > 1:
        samples = array("h", (sum(samples[i : i + channels]) // channels for i in range(0, len(samples), channels)))
    return Recording(_bytes(samples), rate)


# --- samples ----------------------------------------------------------------------------------


def _samples(frames: bytes) -> array[int]:
    samples = array("h")
    samples.frombytes(frames[: len(frames) - len(frames) % SAMPLE_WIDTH])
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def _bytes(samples: array[int]) -> bytes:
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    return samples.tobytes()


def _rms(samples: array[int]) -> float:
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples))


def _amplitude(dbfs: float) -> float:
    return 32767 * 10 ** (dbfs / 20)


def _dbfs(amplitude: float) -> float:
    return 20 * math.log10(amplitude / 32767) if amplitude > 0 else -120.0


def _clipped_share(samples: array[int], voiced: list[int], window: int) -> float:
    total = clipped = 0
    for i in voiced:
        chunk = samples[i * window : (i + 1) * window]
        total += len(chunk)
        clipped += sum(1 for s in chunk if s >= CLIP_LEVEL or s <= -CLIP_LEVEL)
    return clipped / total if total else 0.0


def _scaled(samples: array[int], gain: float, fade: int) -> array[int]:
    length = len(samples)
    fade = min(fade, length // 2)

    def envelope(i: int) -> float:
        if i < fade:
            return i / fade
        if i >= length - fade:
            return (length - 1 - i) / fade
        return 1.0

    return array("h", (max(-32768, min(32767, round(s * gain * envelope(i)))) for i, s in enumerate(samples)))


def _wav(samples: array[int], rate: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(SAMPLE_WIDTH)
        out.setframerate(rate)
        out.writeframes(_bytes(samples))
    return buffer.getvalue()
