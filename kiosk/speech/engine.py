"""The pyttsx3/espeak-ng engine: text in, a checked WAV file out. Used from one thread at a time.

Why it is built this way (pyttsx3 2.99 with its espeak driver; see KIVY_NOTES and
``pyttsx3_quirks`` for the workarounds that touch pyttsx3's private parts):
- ``pyttsx3.init()`` hands out one cached engine per process and espeak-ng itself is global state,
  so a process-wide lock covers every synthesis, even if someone makes two workers.
- After one ``save_to_file`` the driver never forgets the file name: a later ``say()`` writes into
  that file instead of speaking. So this module never calls ``say()``: all speech is a file.
- espeak-ng runs asynchronously under pyttsx3: ``setProperty('rate')`` only queues the change and a
  synthesis started right after it may still use the old rate (about one file in three came out at
  the previous file's speed). Each job waits until the engine reports the new rate, and reads the
  voice back (pyttsx3 only "notifies" a voice that failed to load).
- A fresh engine holds property changes until its first ``runAndWait``; one throw-away rendering
  settles it before the first real job.
- Every file is written to a temporary name next to its target, checked with
  ``kiosk.audio_check`` (the project's one recording check) and then renamed into place: a reader
  never sees half a file, and a file the engine failed to write cannot pass for a stale one.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

from kiosk.audio_check import plays

from . import pyttsx3_quirks as quirks
from .errors import SpeechError, no_speech
from .voices import calm_rate, clamp_rate, voice_for_language

log = logging.getLogger("kiosk.speech")

EngineFactory = Callable[[], Any]

# pyttsx3 caches one engine per process, and espeak-ng is process-global: one synthesis at a time.
_ENGINE_LOCK = threading.Lock()


def default_engine() -> Any:
    """pyttsx3's engine (espeak-ng on Linux), with its stdout notice sent to the log."""
    try:
        import pyttsx3  # noqa: PLC0415 - slow to import; only when speech is needed

        engine = pyttsx3.init()
    except Exception as exc:  # noqa: BLE001 - any failure here means "no speech on this device"
        raise no_speech(exc) from exc
    quirks.silence_saved_notice()
    return engine


class SpeechEngine:
    """Renders text to WAV files with one pyttsx3 engine, made on first use."""

    def __init__(self, factory: EngineFactory | None = None) -> None:
        self._factory = factory or default_engine
        self._engine: Any = None
        self._ready = False
        self._voices: list[str] | None = None

    def voices(self) -> list[str]:
        """Ids of the installed voices, lower case (e.g. 'gmw/de', 'sit/cmn'); [] when unknown."""
        with _ENGINE_LOCK:
            return list(self._voice_ids(self._get()))

    def render(self, text: str, language: str, out: Path, rate: int | None) -> Path:
        """Write ``text`` spoken in ``language`` to ``out`` (atomically); raises SpeechError."""
        if not text:
            raise SpeechError("There is no text to speak.", "Give the step a text.")
        with _ENGINE_LOCK:
            engine = self._get()
            voice = voice_for_language(language, self._voice_ids(engine) or None)
            effective_rate = clamp_rate(rate if rate is not None else calm_rate(language))
            self._set_voice_and_rate(engine, voice, effective_rate)
            try:
                out.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise SpeechError(
                    f"Cannot make the folder {out.parent} ({exc.strerror}).",
                    "Check that the disk is writable and not full.",
                ) from exc
            return self._synthesize(engine, text, out)

    # -- internals (called with the lock held) ------------------------------------------------

    def _get(self) -> Any:
        if self._engine is None:
            try:
                self._engine = self._factory()
            except SpeechError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure here means "no speech on this device"
                raise no_speech(exc) from exc
            self._ready = False
        if not self._ready:
            self._warm_up(self._engine)
            self._ready = True
        return self._engine

    def _warm_up(self, engine: Any) -> None:
        if not _is_busy(engine):
            return
        folder = Path(tempfile.mkdtemp(prefix="kiosk-speech-warmup-"))
        try:
            self._synthesize(engine, "OK.", folder / "warmup.wav")
        except SpeechError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise SpeechError(f"The speech engine does not start ({exc}).") from exc
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _voice_ids(self, engine: Any) -> list[str]:
        if self._voices is None:
            try:
                self._voices = [str(v.id).lower() for v in engine.getProperty("voices")]
            except Exception:  # noqa: BLE001
                self._voices = []
        return self._voices

    def _set_voice_and_rate(self, engine: Any, voice: str, rate: int) -> None:
        espeak = quirks.is_espeak(engine)
        if espeak or voice in self._voice_ids(engine):
            engine.setProperty("voice", voice)
        if espeak:
            current = str(engine.getProperty("voice") or "").lower()
            if current != voice.lower():
                raise SpeechError(
                    f"The voice {voice} could not be loaded (the engine uses {current or 'none'}).",
                    "Check the espeak-ng installation (espeak-ng --voices lists the voices).",
                )
        engine.setProperty("rate", rate)
        if espeak:
            deadline = time.monotonic() + 2.0
            while engine.getProperty("rate") != rate:
                if time.monotonic() > deadline:
                    log.warning("espeak did not take the rate %s in time; speaking anyway", rate)
                    break
                time.sleep(0.002)

    def _synthesize(self, engine: Any, text: str, out: Path) -> Path:
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=f".{out.stem}-", suffix=".wav.part", dir=out.parent)
        except OSError as exc:
            raise SpeechError(
                f"Cannot write in {out.parent} ({exc.strerror}).", "Check that the disk is writable and not full."
            ) from exc
        os.close(fd)  # an empty file: if the engine writes nothing, it stays empty and fails the check
        tmp = Path(tmp_name)
        errors: list[BaseException] = []

        def on_error(name: Any = None, exception: BaseException | None = None, **_: Any) -> None:
            errors.append(exception or RuntimeError("unknown speech engine error"))

        token = engine.connect("error", on_error)
        try:
            quirks.wait_until_idle(engine)
            engine.save_to_file(text, str(tmp))
            try:
                engine.runAndWait()
            except Exception:
                self._ready = False  # settle the engine again before the next job
                quirks.leave_run_loop(engine)
                raise
            if errors:
                raise SpeechError(f"The speech engine failed ({errors[0]}).")
            if not plays(tmp, suffix=".wav"):
                raise SpeechError(
                    "The speech engine did not produce any sound.",
                    "Check the espeak-ng installation and that the disk is not full.",
                )
            os.chmod(tmp, 0o644)  # mkstemp made it private; speech files are not secrets
            os.replace(tmp, out)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        finally:
            try:
                engine.disconnect(token)
            except Exception:  # noqa: BLE001
                pass
        return out


def _is_busy(engine: Any) -> bool:
    try:
        return bool(engine.isBusy())
    except Exception:  # noqa: BLE001
        return False
