"""Helpers for the speech tests: a check for espeak-ng, a fake engine, tiny packs."""

from __future__ import annotations

import threading
import time
import wave
from types import SimpleNamespace
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import pytest


def _espeak_problem() -> str | None:
    try:
        from pyttsx3.drivers import _espeak  # noqa: F401, PLC0415 - loads libespeak-ng
    except Exception as exc:  # noqa: BLE001
        return f"espeak-ng is not installed ({exc})"
    return None


ESPEAK_PROBLEM = _espeak_problem()
needs_espeak = pytest.mark.skipif(ESPEAK_PROBLEM is not None, reason=ESPEAK_PROBLEM or "")


def write_wav(path: Path, seconds: float, rate: int = 22050) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"\x00\x01" * int(seconds * rate))


class FakeEngine:
    """Behaves like a pyttsx3 engine as SpeechWorker uses it; writes silence, 0.1 s per character."""

    driver_name = "fake"

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.props: dict[str, object] = {"voice": "gmw/en-us", "rate": 200}
        self.rendered: list[tuple[str, str, object]] = []
        self._pending: tuple[str, str] | None = None
        self._callbacks: dict[str, list] = {}
        self.running = threading.Lock()
        self.overlaps = 0

    def connect(self, topic, cb):
        self._callbacks.setdefault(topic, []).append(cb)
        return {"topic": topic, "cb": cb}

    def disconnect(self, token):
        self._callbacks[token["topic"]].remove(token["cb"])

    def isBusy(self):  # noqa: N802 - pyttsx3's name
        return False

    def getProperty(self, name):  # noqa: N802
        if name == "voices":
            return [SimpleNamespace(id=v) for v in ("gmw/en-us", "gmw/de", "sit/cmn")]
        return self.props[name]

    def setProperty(self, name, value):  # noqa: N802
        self.props[name] = value

    def save_to_file(self, text, filename):
        self._pending = (text, filename)

    def runAndWait(self):  # noqa: N802
        if not self.running.acquire(blocking=False):
            self.overlaps += 1
            self.running.acquire()
        try:
            time.sleep(self.delay)
            text, filename = self._pending
            self.rendered.append((text, self.props["voice"], self.props["rate"]))
            write_wav(Path(filename), 0.1 * len(text))
            print(f"Audio saved to {filename}")
        finally:
            self.running.release()


@dataclass(frozen=True)
class FakeStep:
    number: int
    text: Mapping[str, str]
    audio: Mapping[str, str] = field(default_factory=dict)
    image: str = "01.png"
    timer: int | None = None
    count: int | None = None

    def _pick(self, values, language, fallback):
        for wanted in (language, fallback):
            for key, value in values.items():
                if key.lower() == wanted.lower():
                    return value
            for key, value in values.items():
                if key.lower().split("-")[0] == wanted.lower().split("-")[0]:
                    return value
        return next(iter(values.values()), None)

    def text_for(self, language, fallback):
        return self._pick(self.text, language, fallback) or ""

    def audio_for(self, language, fallback):
        return self._pick(self.audio, language, fallback)


@dataclass(frozen=True)
class FakePack:
    root: Path
    language: str = "en"
    steps: tuple = ()

    def file(self, relative: str) -> Path:
        return self.root.joinpath(*relative.split("/"))
