"""The microphone: a coach records the sentence of a step in their own voice.

Why a boundary of its own: the recording device is the one part of authoring that is not there on
every machine (a kiosk without a microphone, a test machine, a locked-down tablet), so the editor
talks to a small ``Recorder`` protocol and never to the audio library. The kiosk must start and
work without any input device; then ``unavailable()`` gives the reason in plain words and the
record button says it calmly.

``sounddevice`` (the PortAudio binding) is the library: the well-kept standard for recording from
Python, a small pure-Python package over the system's PortAudio (Debian: ``libportaudio2``), on
Linux, Windows and macOS alike. It is imported only when a recording is wanted, so a kiosk without
PortAudio still starts (``unavailable()`` then says so).

Both recorders share ``ChunkRecorder``: whatever delivers the sound (PortAudio's callback thread,
or a test feeding a real WAV's frames) hands 16-bit mono chunks to ``feed`` and ``stop`` returns
them as one ``Recording``. So the code that collects, limits and returns the sound is the same in
the tests as on the tablet.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Protocol

SAMPLE_WIDTH = 2  # 16-bit samples: what WAV players and kiosk.audio_check expect
MAX_SECONDS = 60.0  # a step's sentence is short; a forgotten recording stops itself here


class NoMicrophone(Exception):
    """Recording is not possible here; the message says why in plain words."""


@dataclass(frozen=True)
class Recording:
    """What the microphone heard: 16-bit little-endian mono samples at ``rate``."""

    frames: bytes
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.frames) / (SAMPLE_WIDTH * self.rate) if self.rate else 0.0


class Recorder(Protocol):
    """What the editor needs from a microphone."""

    def unavailable(self) -> str | None:
        """None when recording works, else the reason in plain words (English msgid)."""

    def start(self) -> None:
        """Start listening (raises NoMicrophone when it cannot)."""

    def stop(self) -> Recording:
        """Stop listening and return what was heard."""

    @property
    def recording(self) -> bool:
        """True between start and stop."""


class ChunkRecorder:
    """Collects the chunks a sound source feeds, up to ``MAX_SECONDS``; thread-safe (PortAudio
    calls ``feed`` from its own thread)."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._chunks: list[bytes] = []
        self._size = 0
        self._lock = threading.Lock()
        self._on = False

    @property
    def recording(self) -> bool:
        return self._on

    def _begin(self) -> None:
        with self._lock:
            self._chunks, self._size, self._on = [], 0, True

    def feed(self, chunk: bytes) -> None:
        """Add heard samples (ignored when not recording, or beyond the limit)."""
        limit = int(MAX_SECONDS * self.rate) * SAMPLE_WIDTH
        with self._lock:
            if not self._on or self._size >= limit:
                return
            chunk = bytes(chunk[: limit - self._size])
            self._chunks.append(chunk)
            self._size += len(chunk)

    def _end(self) -> Recording:
        with self._lock:
            self._on = False
            frames = b"".join(self._chunks)
            self._chunks, self._size = [], 0
        return Recording(frames[: len(frames) - len(frames) % SAMPLE_WIDTH], self.rate)


class SoundDeviceRecorder(ChunkRecorder):
    """The device's default microphone through sounddevice (PortAudio)."""

    def __init__(self, rate: int | None = None) -> None:
        super().__init__(rate or 0)
        self._stream: Any = None

    def unavailable(self) -> str | None:
        try:
            device = self._input_device()
        except NoMicrophone as reason:
            return str(reason)
        if not self.rate:
            self.rate = int(device.get("default_samplerate") or 44100)
        return None

    def start(self) -> None:
        reason = self.unavailable()
        if reason is not None:
            raise NoMicrophone(reason)
        sounddevice = self._library()
        self._begin()
        try:
            self._stream = sounddevice.RawInputStream(
                samplerate=self.rate,
                channels=1,
                dtype="int16",
                callback=lambda data, _frames, _time, _status: self.feed(bytes(data)),
            )
            self._stream.start()
        except Exception as error:  # noqa: BLE001 - PortAudio errors are many; all mean "no microphone now"
            self._on = False
            self._stream = None
            raise NoMicrophone("The microphone cannot be used right now. Check that it is plugged in.") from error

    def stop(self) -> Recording:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception:  # noqa: BLE001 - a device pulled out mid-recording: keep what was heard
                pass
        return self._end()

    def _input_device(self) -> dict[str, Any]:
        sounddevice = self._library()
        try:
            device = sounddevice.query_devices(kind="input")
        except Exception as error:  # noqa: BLE001 - PortAudioError or a broken driver
            raise NoMicrophone("There is no microphone on this kiosk.") from error
        if not device or int(device.get("max_input_channels", 0)) < 1:
            raise NoMicrophone("There is no microphone on this kiosk.")
        return dict(device)

    @staticmethod
    def _library() -> Any:
        try:
            import sounddevice  # noqa: PLC0415 - only when a coach wants to record
        except (ImportError, OSError) as error:  # OSError: the PortAudio library is missing
            raise NoMicrophone("There is no microphone on this kiosk.") from error
        return sounddevice


def default_recorder() -> Recorder:
    """The device's microphone (which may turn out to be missing: see ``unavailable``)."""
    return SoundDeviceRecorder()
