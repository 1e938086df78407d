"""The speech worker: the one queue (``jobs``) in front of the one engine (``engine``).

Why it is put together this way:
- One thread, one job at a time (espeak-ng is process-global; see ``engine``). The thread is the
  ``JobQueue``'s; its order is the order a worker hears things in, so it is the only speech queue
  in the program: the UI submits its own jobs (look up a step's voice, render it) to this queue
  through ``submit`` instead of keeping a queue of its own, and live speech jumps everything queued.
- ``render`` called from a job on this thread runs at once (it would otherwise wait for itself).
- ``speak`` is live speech for programs without a UI: render to a WAV in the cache, then hand the
  file to ``player`` (default: ``playback.CommandPlayer``). The kiosk UI does not use it; it renders
  live speech with ``render_async(priority=Priority.LIVE)`` and plays the file with Kivy.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Callable, Hashable

from kiosk.audio_check import plays

from .engine import EngineFactory, SpeechEngine
from .errors import SpeechError, as_speech_error
from .jobs import JobQueue, Priority, Wanted
from .playback import CommandPlayer, Player
from .voices import normalise_language, voice_for_language

log = logging.getLogger("kiosk.speech")

ErrorCallback = Callable[[SpeechError], None]


class SpeechWorker:
    """One background thread that owns the speech engine; jobs run one at a time, by priority.

    ``render`` writes a WAV and waits for it (build time, tests); ``render_async`` returns a Future
    and takes a ``priority``. ``speak`` is live speech: it never blocks and never raises; problems go
    to ``on_error`` (or the log); a new ``speak`` replaces one that has not started yet.

    ``cache_dir``: where live speech keeps its WAVs (``<cache_dir>/speech/<hash>.wav``, the same
    files ``step_audio`` finds). Without it a private temporary folder is used, removed by ``close()``.
    ``player``: called on the worker thread with the WAV to play; ``stop()`` calls its ``stop()``.
    ``on_error``: called on the worker thread with a ``SpeechError`` when live speech fails.
    ``engine_factory``: makes the pyttsx3 engine (tests pass broken ones).
    """

    def __init__(
        self,
        *,
        cache_dir: Path | str | None = None,
        player: Player | None = None,
        on_error: ErrorCallback | None = None,
        engine_factory: EngineFactory | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.timeout = timeout
        self._player: Player = player if player is not None else CommandPlayer()
        self._on_error = on_error
        self._engine = SpeechEngine(engine_factory)
        self._jobs = JobQueue("speech-worker")
        self._speak_generation = 0
        self._temp_dir: Path | None = None
        self._temp_lock = threading.Lock()

    # ----------------------------------------------------------------- the queue

    def submit(
        self,
        run: Callable[[], Any],
        priority: Priority = Priority.RENDER,
        *,
        key: Hashable | None = None,
        wanted: Wanted | None = None,
    ) -> Future:
        """Run ``run()`` on the speech thread, in priority order (see ``jobs.JobQueue.submit``).

        For callers (the UI) whose work around a rendering (look-ups, checks) belongs in the same
        queue; ``render`` inside ``run`` runs at once. Raises SpeechError after ``close()``."""
        return self._jobs.submit(run, priority, key=key, wanted=wanted)

    def on_speech_thread(self) -> bool:
        """True on the worker's own thread."""
        return self._jobs.on_thread()

    # ----------------------------------------------------------------- rendering

    def render(self, text: str, language: str, out_wav: Path | str, rate: int | None = None) -> Path:
        """Write ``text`` spoken in ``language`` to ``out_wav`` (a WAV file); wait for it.

        Raises SpeechError (plain words) when there is no engine, no text, or nothing came out.
        """
        if self.on_speech_thread():
            try:
                return self._engine.render(_clean_text(text), language, Path(out_wav), rate)
            except Exception as exc:  # noqa: BLE001 - one kind of error for callers
                raise as_speech_error(exc) from exc
        future = self.render_async(text, language, out_wav, rate)
        try:
            return future.result(timeout=self.timeout)
        except TimeoutError as exc:  # concurrent.futures.TimeoutError is TimeoutError on 3.11
            raise SpeechError(
                f"The speech engine did not finish within {self.timeout:.0f} seconds.",
                "Restart the kiosk. If this happens again, check that espeak-ng works.",
            ) from exc

    def render_async(
        self,
        text: str,
        language: str,
        out_wav: Path | str,
        rate: int | None = None,
        *,
        priority: Priority = Priority.RENDER,
        wanted: Wanted | None = None,
    ) -> "Future[Path]":
        """Like render(), but returns at once; the Future gives the Path or a SpeechError.

        The same file asked for twice (same text, language and rate) is made once."""
        out = Path(out_wav)
        text = _clean_text(text)
        key = ("wav", str(out), text, normalise_language(language), rate)
        return self.submit(
            lambda: self._guarded(lambda: self._engine.render(text, language, out, rate)),
            priority,
            key=key,
            wanted=wanted,
        )

    def voices(self) -> list[str]:
        """Ids of the installed voices (lower case), e.g. ['gmw/de', 'gmw/en-us', 'sit/cmn', ...]."""
        if self.on_speech_thread():
            return self._engine.voices()
        return self.submit(lambda: self._guarded(self._engine.voices)).result(timeout=self.timeout)

    def voice_for_language(self, language: str) -> str:
        """The voice used for ``language`` on this device (an installed one, if there are any)."""
        try:
            return voice_for_language(language, self.voices())
        except Exception:  # noqa: BLE001 - no engine (or it hangs): the fixed table's choice
            return voice_for_language(language)

    # ----------------------------------------------------------------- live speech (no UI)

    def speak(
        self, text: str, language: str, rate: int | None = None, *, on_error: ErrorCallback | None = None
    ) -> None:
        """Say ``text`` now, in the background, through ``player``. Never blocks, never raises."""
        report = on_error or self._on_error
        try:
            text = _clean_text(text)
            if not text:
                return
            self._speak_generation += 1
            generation = self._speak_generation
            future = self.submit(
                lambda: self._guarded(lambda: self._speak_now(text, language, rate, generation)),
                Priority.LIVE,
                wanted=lambda: generation == self._speak_generation,
            )
        except Exception as exc:  # noqa: BLE001 - live speech must never break the screen
            _report(as_speech_error(exc), report)
            return

        def done(f: Future) -> None:
            if not f.cancelled() and f.exception() is not None:
                _report(as_speech_error(f.exception()), report)

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

    def close(self, timeout: float = 5.0) -> None:
        """Finish queued jobs, stop the thread, remove the private temporary folder."""
        self._jobs.close(timeout)
        self.stop()
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)

    def __enter__(self) -> "SpeechWorker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- on the speech thread

    @staticmethod
    def _guarded(work: Callable[[], Any]) -> Any:
        try:
            return work()
        except Exception as exc:  # noqa: BLE001 - one kind of error for callers
            raise as_speech_error(exc) from exc

    def _speak_now(self, text: str, language: str, rate: int | None, generation: int) -> None:
        path = self._live_path(text, language, rate)
        if not plays(path):
            self._engine.render(text, language, path, rate)
        if generation == self._speak_generation:
            self._player(path)

    def _live_path(self, text: str, language: str, rate: int | None) -> Path:
        if self.cache_dir is not None:
            from .steps import speech_cache_path  # noqa: PLC0415 - steps imports this module's types

            return speech_cache_path(self.cache_dir, text, language, rate)
        with self._temp_lock:
            if self._temp_dir is None:
                self._temp_dir = Path(tempfile.mkdtemp(prefix="kiosk-speech-"))
        key = hashlib.sha256(f"{text}|{normalise_language(language)}|{rate}".encode()).hexdigest()
        return self._temp_dir / f"{key}.wav"


def _clean_text(text: str | None) -> str:
    return " ".join(str(text or "").split())


def _report(error: SpeechError, callback: ErrorCallback | None) -> None:
    if callback is None:
        log.warning("speech: %s", error)
        return
    try:
        callback(error)
    except Exception:  # noqa: BLE001
        log.exception("the speech error callback failed")
