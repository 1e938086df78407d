"""Make the kiosk's UI sounds (run: python assets/audio/make_sounds.py).

This file is the authoring source; the WAVs it writes are the product and ship inside the
package, in ``kiosk/assets/audio/`` (read at run time through ``kiosk.paths.ASSETS_DIR``).

Synthesised with the standard library only (``wave``), so they are ours to ship and can be remade.
The brief for all three: calm, never startling. Soft bell-like tones (a sine with a quieter octave
and a faint inharmonic partial), a 15 ms fade-in so there is no click, slow exponential decay,
peaks around -16 dBFS, 44.1 kHz mono 16-bit.

- celebrate.wav  a gentle rising chime, C5 E5 G5 (a major triad), ~1.9 s
- help.wav       two soft notes rising a fourth, A4 then D5, ~1.3 s ("someone is coming")
- timer.wav      one soft bell, G5, ~1.2 s (the countdown ran out; nothing else happens)
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 44100
PEAK = 0.16  # about -16 dBFS


def bell(frequency: float, start: float, length: float, decay: float, level: float = 1.0):
    """(start, samples) of one soft bell note."""
    attack = int(0.015 * RATE)
    samples = []
    for i in range(int(length * RATE)):
        t = i / RATE
        envelope = math.exp(-t / decay) * (min(1.0, i / attack) if attack else 1.0)
        value = (
            math.sin(2 * math.pi * frequency * t)
            + 0.25 * math.sin(2 * math.pi * 2 * frequency * t) * math.exp(-t / (decay * 0.5))
            + 0.06 * math.sin(2 * math.pi * 2.76 * frequency * t) * math.exp(-t / (decay * 0.25))
        )
        samples.append(level * envelope * value / 1.31)
    return int(start * RATE), samples


def mix(notes, total: float) -> list[float]:
    out = [0.0] * int(total * RATE)
    for start, samples in notes:
        for i, value in enumerate(samples):
            if start + i < len(out):
                out[start + i] += value
    loudest = max(abs(v) for v in out) or 1.0
    fade = int(0.08 * RATE)  # a last soft fade so the file never ends on a step
    for i in range(fade):
        out[-1 - i] *= i / fade
    return [PEAK * v / loudest for v in out]


def write(path: Path, samples: list[float]) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"".join(struct.pack("<h", int(max(-1.0, min(1.0, v)) * 32767)) for v in samples))


def main() -> None:
    here = Path(__file__).resolve().parents[2] / "kiosk" / "assets" / "audio"
    write(
        here / "celebrate.wav",
        mix(
            [
                bell(523.25, 0.00, 1.6, 0.45, 0.8),
                bell(659.25, 0.16, 1.5, 0.45, 0.75),
                bell(783.99, 0.32, 1.55, 0.55, 0.85),
            ],
            1.9,
        ),
    )
    write(
        here / "help.wav",
        mix(
            [
                bell(440.00, 0.00, 1.0, 0.35, 0.9),
                bell(587.33, 0.28, 1.0, 0.40, 0.9),
            ],
            1.3,
        ),
    )
    write(here / "timer.wav", mix([bell(783.99, 0.0, 1.2, 0.40)], 1.2))


if __name__ == "__main__":
    main()
