"""The speech worker: one background thread owns the pyttsx3 engine and does one job at a time.

Why it is built this way (pyttsx3 2.99 with its espeak-ng driver; see docs in KIVY_NOTES):

* ``pyttsx3.init()`` hands out one cached engine per process and espeak-ng itself is global state.
  Two threads running ``runAndWait`` lose files. So all synthesis runs on a worker thread, one job
  at a time, and a process-wide lock covers the engine even if someone creates two workers.
* After one ``save_to_file`` the driver never forgets the file name: a later ``say()`` writes into
  that file instead of speaking. So this module never calls ``say()``. Live speech is rendered to a
  WAV like everything else and then played (by ``aplay``/``afplay``/``winsound``, or by a player the
  caller passes in, e.g. the UI's sound loader).
* espeak-ng runs in its asynchronous mode under pyttsx3: ``setProperty('rate')`` only queues the
  change, and a synthesis started right after it may still use the old rate (measured: about one
  file in three came out at the previous file's speed). Each job therefore waits until the engine
  reports the new rate before it synthesises, and reads the voice back to check it loaded.
* A fresh engine queues property changes until its first ``runAndWait``; the worker starts the
  engine with a throw-away rendering so every real job sees a settled engine.
* The driver prints "Audio saved to <file>" from espeak's callback thread. That exact line is
  filtered out of ``sys.stdout`` while a job runs; other output, from any thread, passes through.
  The filter also swallows a missing or broken stdout, which would otherwise raise inside the
  callback and leave ``runAndWait`` waiting forever.
* Every file is written to a temporary name next to its target, checked (a readable WAV with sound
  in it) and then renamed into place: a reader never sees half a file, and a file the engine failed
  to write cannot be mistaken for a stale one.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import wave
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .voices import calm_rate, clamp_rate, normalize_language, voice_for_language

log = logging.getLogger("kiosk.speech")

# pyttsx3 caches one engine per process, and espeak-ng is process-global: one job at a time,
# whichever worker runs it.
_ENGINE_LOCK = threading.Lock()

_PRIORITY_SPEAK = 0      # a worker is waiting to hear this
_PRIORITY_RENDER = 1     # build time / background rendering


class SpeechError(Exception):
    """Speech could not be made. ``message`` says what went wrong, ``hint`` what to do (plain words)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message if not hint else f"{message} {hint}")
        self.message = message
        self.hint = hint


ErrorCallback = Callable[[SpeechError], None]
Player = Callable[[Path], Any]


@dataclass(order=True)
class _Job:
    priority: int
    seq: int
    run: Callable[[Any], Any] = field(compare=False)
    future: Future = field(compare=False)


_STOP = object()


def _default_engine() -> Any:
    try:
        import pyttsx3  # noqa: PLC0415 - imported on the worker thread, only when speech is needed

        return pyttsx3.init()
    except Exception as exc:  # noqa: BLE001 - any failure here means "no speech on this device"
        raise _no_speech(exc) from exc


def _no_speech(exc: BaseException) -> "SpeechError":
    return SpeechError(
        f"Speech is not available on this device ({exc}).",
        "Install espeak-ng (for example: sudo apt install espeak-ng) and start the kiosk again.",
    )


def wav_duration(path: Path) -> float:
    """Length of a WAV file in seconds (raises on files that are not WAV)."""
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / float(wav.getframerate())


class _QuietStdout:
    """Stands in for sys.stdout while a job runs: drops pyttsx3's "Audio saved to <file>" line."""

    def __init__(self, target: Any, saved_path: str) -> None:
        self._target = target
        self._line = f"Audio saved to {saved_path}"
        self._drop_newline: set[int] = set()

    def write(self, text: str) -> int:
        ident = threading.get_ident()
        if text in (self._line, self._line + "\n"):
            if text == self._line:
                self._drop_newline.add(ident)
            return len(text)
        if text == "\n" and ident in self._drop_newline:
            self._drop_newline.discard(ident)
            return len(text)
        if self._target is None:
            return len(text)
        try:
            return self._target.write(text)
        except Exception:  # noqa: BLE001 - must never raise inside espeak's callback
            return len(text)

    def flush(self) -> None:
        try:
            if self._target is not None:
                self._target.flush()
        except Exception:  # noqa: BLE001
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)


class _QuietStdoutWhile:
    def __init__(self, saved_path: str) -> None:
        self._saved_path = saved_path
        self._filter: _QuietStdout | None = None
        self._previous: Any = None

    def __enter__(self) -> None:
        self._previous = sys.stdout
        self._filter = _QuietStdout(self._previous, self._saved_path)
        sys.stdout = self._filter

    def __exit__(self, *exc: object) -> None:
        # Put the old stdout back only if nobody replaced ours in the meantime.
        if sys.stdout is self._filter:
            sys.stdout = self._previous


class CommandPlayer:
    """Plays a WAV file without blocking: aplay (Linux), afplay (macOS) or winsound (Windows)."""

    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()

    @staticmethod
    def command() -> list[str] | None:
        if sys.platform == "darwin" and shutil.which("afplay"):
            return ["afplay"]
        for name, args in (("aplay", ["-q"]), ("paplay", []), ("pw-play", [])):
            found = shutil.which(name)
            if found:
                return [found, *args]
        return None

    def __call__(self, path: Path) -> None:
        self.stop()
        if sys.platform == "win32":
            import winsound  # noqa: PLC0415

            winsound.PlaySound(str(path), winsound.SND_FILENAME | winsound.SND_ASYNC)
            return
        command = self.command()
        if command is None:
            raise SpeechError(
                "There is no program to play sound on this device.",
                "Install alsa-utils (it has aplay).",
            )
        with self._lock:
            self._process = subprocess.Popen(  # noqa: S603 - fixed program, file path argument
                [*command, str(path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

    def stop(self) -> None:
        if sys.platform == "win32":
            import winsound  # noqa: PLC0415

            winsound.PlaySound(None, 0)
            return
        with self._lock:
            process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                process.kill()


class SpeechWorker:
    """One background thread that owns the pyttsx3 engine; jobs run one at a time.

    ``render`` writes a WAV and waits for it (build time, tests). ``render_async`` does the same
    without waiting. ``speak`` is live speech: it never blocks and never raises; problems go to
    ``on_error`` (or the log). Live speech jumps ahead of queued renderings, and a new ``speak``
    replaces one that has not started yet.

    ``cache_dir``: where live speech keeps its WAVs (``<cache_dir>/speech/<hash>.wav``, the same
    files ``step_audio`` finds), so hearing a step again costs nothing. Without it a private
    temporary folder is used and removed by ``close()``.
    ``player``: called on the worker thread with the WAV to play; if it has a ``stop()`` method,
    ``stop()`` calls it. Default: ``CommandPlayer`` (aplay/afplay/winsound).
    ``on_error``: called on the worker thread with a ``SpeechError`` when live speech fails.
    ``engine_factory``: makes the pyttsx3 engine (tests pass broken ones).
    """

    def __init__(
        self,
        *,
        cache_dir: Path | str | None = None,
        player: Player | None = None,
        on_error: ErrorCallback | None = None,
        engine_factory: Callable[[], Any] | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._player: Player = player if player is not None else CommandPlayer()
        self._on_error = on_error
        self._engine_factory = engine_factory or _default_engine
        self.timeout = timeout
        self._queue: queue.PriorityQueue[_Job] = queue.PriorityQueue()
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None
        self._thread_lock = threading.Lock()
        self._closed = False
        self._engine: Any = None
        self._engine_ready = False
        self._voices: list[str] | None = None
        self._speak_generation = 0
        self._temp_dir: Path | None = None

    # ----------------------------------------------------------------- public API

    def render(self, text: str, language: str, out_wav: Path | str, rate: int | None = None) -> Path:
        """Write ``text`` spoken in ``language`` to ``out_wav`` (a WAV file); wait for it.

        Raises SpeechError (plain words) when there is no engine, no text, or nothing came out.
        """
        if threading.current_thread() is self._thread:
            raise SpeechError("render() was called on the speech thread itself.", "Use render_async().")
        future = self.render_async(text, language, out_wav, rate)
        try:
            return future.result(timeout=self.timeout)
        except TimeoutError as exc:  # concurrent.futures.TimeoutError is TimeoutError on 3.11
            raise SpeechError(
                f"The speech engine did not finish within {self.timeout:.0f} seconds.",
                "Restart the kiosk. If this happens again, check that espeak-ng works.",
            ) from exc

    def render_async(
        self, text: str, language: str, out_wav: Path | str, rate: int | None = None
    ) -> "Future[Path]":
        """Like render(), but returns at once; the Future gives the Path or a SpeechError."""
        out = Path(out_wav)
        text = _clean_text(text)
        return self._submit(_PRIORITY_RENDER, lambda engine: self._render_now(engine, text, language, out, rate))

    def speak(
        self, text: str, language: str, rate: int | None = None, *, on_error: ErrorCallback | None = None
    ) -> None:
        """Say ``text`` now, in the background. Never blocks, never raises."""
        report = on_error or self._on_error
        try:
            text = _clean_text(text)
            if not text:
                return
            self._speak_generation += 1
            generation = self._speak_generation
            future = self._submit(
                _PRIORITY_SPEAK, lambda engine: self._speak_now(engine, text, language, rate, generation)
            )
        except Exception as exc:  # noqa: BLE001 - live speech must never break the screen
            self._report(_as_speech_error(exc), report)
            return

        def done(f: Future) -> None:
            exc = f.exception()
            if exc is not None:
                self._report(_as_speech_error(exc), report)

        future.add_done_callback(done)

    def stop(self) -> None:
        """Stop live speech: drop a speak() that has not started and stop what is playing."""
        self._speak_generation += 1
        stop = getattr(self._player, "stop", None)
        if callable(stop):
            try:
                stop()
            except Exception:  # noqa: BLE001
                log.debug("stopping the player failed", exc_info=True)

    def voices(self) -> list[str]:
        """Ids of the installed voices (lower case), e.g. ['gmw/de', 'gmw/en-us', 'sit/cmn', ...]."""
        future = self._submit(_PRIORITY_RENDER, lambda engine: list(self._voice_ids(engine)))
        return future.result(timeout=self.timeout)

    def voice_for_language(self, language: str) -> str:
        """The voice used for ``language`` on this device (an installed one, if there are any)."""
        try:
            return voice_for_language(language, self.voices())
        except Exception:  # noqa: BLE001 - no engine (or it hangs): the fixed table's choice
            return voice_for_language(language)

    def close(self, timeout: float = 5.0) -> None:
        """Finish queued jobs, stop the thread, remove the private temporary folder."""
        with self._thread_lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            self._queue.put(_Job(99, next(self._seq), _STOP, Future()))  # type: ignore[arg-type]
            thread.join(timeout)
        self.stop()
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)

    def __enter__(self) -> "SpeechWorker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- the thread

    def _submit(self, priority: int, run: Callable[[Any], Any]) -> Future:
        future: Future = Future()
        with self._thread_lock:
            if self._closed:
                raise SpeechError("The speech worker has been closed.")
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="speech-worker", daemon=True)
                self._thread.start()
            self._queue.put(_Job(priority, next(self._seq), run, future))
        return future

    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            if job.run is _STOP:
                return
            if not job.future.set_running_or_notify_cancel():
                continue
            try:
                with _ENGINE_LOCK:
                    result = job.run(self._get_engine())
            except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
                job.future.set_exception(_as_speech_error(exc))
            else:
                job.future.set_result(result)

    def _get_engine(self) -> Any:
        if self._engine is None:
            try:
                self._engine = self._engine_factory()
            except SpeechError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure here means "no speech on this device"
                raise _no_speech(exc) from exc
            self._engine_ready = False
        if not self._engine_ready:
            self._warm_up(self._engine)
            self._engine_ready = True
        return self._engine

    def _warm_up(self, engine: Any) -> None:
        # A fresh pyttsx3 engine holds property changes in its queue until the first runAndWait,
        # where they would race the synthesis. One throw-away rendering settles it.
        if not _engine_is_busy(engine):
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

    # ----------------------------------------------------------------- jobs (worker thread)

    def _voice_ids(self, engine: Any) -> list[str]:
        if self._voices is None:
            try:
                self._voices = [str(v.id).lower() for v in engine.getProperty("voices")]
            except Exception:  # noqa: BLE001
                self._voices = []
        return self._voices

    def _render_now(self, engine: Any, text: str, language: str, out: Path, rate: int | None) -> Path:
        if not text:
            raise SpeechError("There is no text to speak.", "Give the step a text.")
        voice = voice_for_language(language, self._voice_ids(engine) or None)
        effective_rate = clamp_rate(rate if rate is not None else calm_rate(language))
        self._set_voice_and_rate(engine, voice, effective_rate)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SpeechError(f"Cannot make the folder {out.parent} ({exc.strerror}).",
                              "Check that the disk is writable and not full.") from exc
        return self._synthesize(engine, text, out)

    def _speak_now(self, engine: Any, text: str, language: str, rate: int | None, generation: int) -> None:
        if generation != self._speak_generation:
            return  # replaced by a newer speak() or stopped
        path = self._live_path(text, language, rate)
        if not _is_good_wav(path):
            self._render_now(engine, text, language, path, rate)
        if generation != self._speak_generation:
            return
        self._player(path)

    def _live_path(self, text: str, language: str, rate: int | None) -> Path:
        if self.cache_dir is not None:
            from .steps import speech_cache_path  # noqa: PLC0415 - avoids an import cycle

            return speech_cache_path(self.cache_dir, text, language, rate)
        if self._temp_dir is None:
            self._temp_dir = Path(tempfile.mkdtemp(prefix="kiosk-speech-"))
        key = hashlib.sha256(f"{text}|{normalize_language(language)}|{rate}".encode()).hexdigest()
        return self._temp_dir / f"{key}.wav"

    def _set_voice_and_rate(self, engine: Any, voice: str, rate: int) -> None:
        espeak = _is_espeak(engine)
        if espeak or voice in self._voice_ids(engine):
            engine.setProperty("voice", voice)
        if espeak:
            # pyttsx3 swallows a failed voice change (it only "notifies" it): read it back.
            current = str(engine.getProperty("voice") or "").lower()
            if current != voice.lower():
                raise SpeechError(
                    f"The voice {voice} could not be loaded (the engine uses {current or 'none'}).",
                    "Check the espeak-ng installation (espeak-ng --voices lists the voices).",
                )
        engine.setProperty("rate", rate)
        if espeak:
            # espeak applies parameter changes asynchronously: wait until it has taken the rate.
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
            raise SpeechError(f"Cannot write in {out.parent} ({exc.strerror}).",
                              "Check that the disk is writable and not full.") from exc
        os.close(fd)  # an empty file: if the engine writes nothing, it stays empty and is caught below
        tmp = Path(tmp_name)
        errors: list[BaseException] = []

        def on_error(name: Any = None, exception: BaseException | None = None, **_: Any) -> None:
            errors.append(exception or RuntimeError("unknown speech engine error"))

        token = engine.connect("error", on_error)
        try:
            _wait_until_espeak_is_idle(engine)
            with _QuietStdoutWhile(str(tmp)):
                engine.save_to_file(text, str(tmp))
                try:
                    engine.runAndWait()
                except Exception:
                    self._recover(engine)
                    raise
            if errors:
                raise SpeechError(f"The speech engine failed ({errors[0]}).")
            if not _is_good_wav(tmp):
                raise SpeechError("The speech engine did not produce any sound.",
                                  "Check the espeak-ng installation and that the disk is not full.")
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

    def _recover(self, engine: Any) -> None:
        """After runAndWait failed: leave pyttsx3's loop, so the next job is not refused with
        "run loop already started", and settle the engine again before the next job."""
        self._engine_ready = False
        try:
            if getattr(engine, "_inLoop", False):
                engine.endLoop()
        except Exception:  # noqa: BLE001
            log.debug("could not end the pyttsx3 loop", exc_info=True)

    @staticmethod
    def _report(error: SpeechError, callback: ErrorCallback | None) -> None:
        if callback is None:
            log.warning("speech: %s", error)
            return
        try:
            callback(error)
        except Exception:  # noqa: BLE001
            log.exception("the speech error callback failed")


def _clean_text(text: str | None) -> str:
    return " ".join(str(text or "").split())


def _as_speech_error(exc: BaseException) -> SpeechError:
    if isinstance(exc, SpeechError):
        return exc
    return SpeechError(f"Speech failed ({type(exc).__name__}: {exc}).")


def _engine_is_busy(engine: Any) -> bool:
    try:
        return bool(engine.isBusy())
    except Exception:  # noqa: BLE001
        return False


def _is_espeak(engine: Any) -> bool:
    return str(getattr(engine, "driver_name", "")) == "espeak"


def _wait_until_espeak_is_idle(engine: Any, limit: float = 2.0) -> None:
    """Wait until espeak-ng has nothing queued or playing.

    pyttsx3's runAndWait ends its loop through the driver's stop(), which cancels espeak when
    espeak reports it is still busy, and then cancels again once the new synthesis has started:
    the new text is dropped and an empty file is written. espeak stays busy for a moment after
    each file and after each parameter change, so a job that starts straight after another one
    lost its text about once in ten files (measured). Waiting for idle here prevents that.
    """
    if not _is_espeak(engine):
        return
    try:
        from pyttsx3.drivers import _espeak  # noqa: PLC0415 - the driver's own binding, already loaded
    except Exception:  # noqa: BLE001
        return
    deadline = time.monotonic() + limit
    while _espeak.IsPlaying():
        if time.monotonic() > deadline:
            log.warning("espeak stayed busy for %.1f s; starting the next file anyway", limit)
            return
        time.sleep(0.002)


def _is_good_wav(path: Path) -> bool:
    try:
        with wave.open(str(path), "rb") as wav:
            return wav.getnframes() > 0 and wav.getframerate() > 0
    except (OSError, EOFError, wave.Error):
        return False
