"""Everything the kiosk plays: step voices, spoken UI words and the two calm UI sounds.

Why it looks like this:
- Order for a step's voice: the pack's recorded audio or speech already in the cache
  (``kiosk.speech.step_audio``, a quick file look-up), else a WAV rendered in a background thread
  (``ensure_step_audio``; the next step's is rendered ahead), else live speech. Files are played
  with Kivy's ``SoundLoader`` on the main thread.
- Nothing here may stop a worker: a missing file, no sound card or a failing speech engine is
  logged as a problem for the trainer and the step stays on screen in silence.
- Background results carry a token: if the worker moved on while a WAV was being rendered, the
  late voice is not played over the next step.
- ``kiosk.speech`` is imported lazily (the speech engine is slow to start and may be absent).
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

from kivy.clock import Clock
from kivy.core.audio import Sound, SoundLoader

from kiosk.paths import ASSETS_DIR
from kiosk.ui.problems import ProblemLog

log = logging.getLogger(__name__)

UI_SOUNDS_DIR = ASSETS_DIR / "audio"
UI_SOUNDS = {"celebrate": "celebrate.wav", "help": "help.wav", "timer": "timer.wav"}

SpeechFactory = Callable[[], Any]

#: A worker who needs slower speech hears generated speech at this share of the calm rate.
SLOW_SPEECH = 0.75


class AudioService:
    """Plays sounds and speech; owns one background thread for speech rendering."""

    def __init__(
        self,
        problems: ProblemLog,
        cache_dir: Path,
        *,
        speech_factory: SpeechFactory | None,
    ) -> None:
        self.problems = problems
        self.cache_dir = Path(cache_dir)
        self._speech_factory = speech_factory
        self._speech: Any = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-speech")
        self._voice: Sound | None = None        # the one voice playing (a step, a title)
        self._tone: Sound | None = None         # the one UI sound playing
        self._token = 0
        self.played: list[tuple[str, str]] = []
        self.slow_speech = False                # the worker's preference; recordings stay as recorded
        self.busy = 0  # background jobs not yet delivered (tests wait for 0)  # (kind, what) for the trainer log and tests

    # -- public ---------------------------------------------------------------------------------

    def play_step(self, pack: Any, step: Any, language: str) -> None:
        """Play a step's voice (recorded, else generated, else live speech)."""
        from kiosk.speech import step_audio

        token = self._next_token()
        recorded = step.audio_for(language, pack.language)
        if recorded and not pack.file(recorded).is_file():
            self.problems.add("audio", "A recorded voice file of a pack is missing; speech is used instead.",
                              f"{pack.id} step {step.number}: {recorded}")
        try:
            ready = step_audio(pack, step, language, self.cache_dir, self._rate(language))
        except Exception as exc:  # noqa: BLE001
            ready = None
            self.problems.add("speech", "The voice of a step could not be looked up.", exc)
        if ready is not None and self._play_voice(Path(ready), "step"):
            return
        text = step.text_for(language, pack.language)
        self._submit(lambda: self._render_step(pack, step, language),
                     lambda path: self._after_render(token, text, language, path),
                     lambda exc: self._speech_failed(token, text, language, exc))

    def prefetch_step(self, pack: Any, step: Any, language: str) -> None:
        """Render the next step's voice in the background so it plays at once on arrival."""
        self._submit(lambda: self._render_step(pack, step, language), lambda _path: None, lambda _exc: None)

    def say(self, text: str, language: str, delay: float = 0.0) -> None:
        """Speak a UI sentence or title: a cached rendered WAV if possible, else live speech."""
        token = self._next_token()
        path = self._ui_speech_path(text, language)

        def play(_dt: float = 0.0) -> None:
            if token == self._token and not self._play_voice(path, "say"):
                self._live(text, language)

        if path.is_file():
            Clock.schedule_once(play, delay) if delay else play()
            return
        def render() -> Path:
            path.parent.mkdir(parents=True, exist_ok=True)
            return self._speech_worker().render(text, language, path)

        self._submit(render, lambda _p: Clock.schedule_once(play, delay) if delay else play(),
                     lambda exc: self._speech_failed(token, text, language, exc))

    def play_ui(self, name: str) -> float:
        """Play one of the UI sounds; returns its length in seconds (0 if it could not play)."""
        path = UI_SOUNDS_DIR / UI_SOUNDS[name]
        if self._tone is not None:
            self._tone.stop()
        self._tone = self._load(path, "ui")
        if self._tone is None:
            return 0.0
        self._tone.play()
        self.played.append(("ui", name))
        return float(self._tone.length or 0.0)

    def stop(self) -> None:
        """Silence the current voice (a new step, leaving the step screen), live speech included."""
        self._next_token()
        if self._voice is not None:
            self._voice.stop()
            self._voice.unload()
            self._voice = None
        stop_live = getattr(self._speech, "stop", None)
        if callable(stop_live):
            stop_live()

    def shutdown(self) -> None:
        self.stop()
        self._executor.shutdown(wait=False, cancel_futures=True)
        close = getattr(self._speech, "close", None)
        if callable(close):
            try:
                close(timeout=1.0)
            except Exception as exc:  # noqa: BLE001
                log.info("Speech worker did not close cleanly: %s", exc)

    # -- internals ------------------------------------------------------------------------------

    def _next_token(self) -> int:
        self._token += 1
        return self._token

    def _submit(self, job: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[Exception], None]) -> None:
        def deliver(future: Future) -> None:
            self.busy -= 1
            if future.cancelled():  # the app is stopping: nobody is waiting for this voice any more
                return
            exc = future.exception()
            failed(exc) if exc is not None else done(future.result())

        try:
            future = self._executor.submit(job)
        except RuntimeError as exc:  # executor shut down (app stopping)
            log.info("Speech request after shutdown ignored: %s", exc)
            return
        self.busy += 1
        future.add_done_callback(lambda f: Clock.schedule_once(lambda _dt: deliver(f), 0))

    def _speech_worker(self) -> Any:
        """The one speech worker, created on first use in the speech thread."""
        if self._speech is None:
            if self._speech_factory is None:
                raise RuntimeError("speech is switched off on this kiosk")
            self._speech = self._speech_factory()
        return self._speech

    def _render_step(self, pack: Any, step: Any, language: str) -> Path:
        """Runs in the audio thread: the step's WAV, rendered now if it is not cached yet."""
        from kiosk.speech import ensure_step_audio

        return ensure_step_audio(pack, step, language, self.cache_dir, self._speech_worker(),
                                 self._rate(language))

    def _rate(self, language: str) -> int | None:
        """The speaking rate for generated speech: None (the calm default) unless the worker is slow."""
        if not self.slow_speech:
            return None
        from kiosk.speech.voices import calm_rate

        return round(calm_rate(language) * SLOW_SPEECH)

    def _after_render(self, token: int, text: str, language: str, path: Path | None) -> None:
        if token != self._token:
            return
        if path is not None and self._play_voice(Path(path), "step"):
            return
        self._live(text, language)

    def _speech_failed(self, token: int, text: str, language: str, exc: Exception) -> None:
        self.problems.add("speech", "The voice could not be made for a step; live speech is tried instead.",
                          f"{type(exc).__name__}: {exc}")
        if token == self._token:
            self._live(text, language)

    def _live(self, text: str, language: str) -> None:
        """Last resort: live speech through the speech worker (it never blocks the UI)."""
        if not text:
            return

        def failed(exc: Exception) -> None:
            self.problems.add("speech", "The kiosk cannot speak: the speech engine failed.",
                              f"{type(exc).__name__}: {exc}")

        def on_error(exc: Exception) -> None:  # called on the speech thread
            Clock.schedule_once(lambda _dt: failed(exc), 0)

        self.played.append(("live", text))
        self._submit(lambda: self._speech_worker().speak(text, language, on_error=on_error),
                     lambda _r: None, failed)

    def _play_voice(self, path: Path, kind: str) -> bool:
        if self._voice is not None:
            self._voice.stop()
            self._voice.unload()
        self._voice = self._load(path, kind)
        if self._voice is None:
            return False
        self._voice.play()
        self.played.append((kind, str(path)))
        return True

    def _load(self, path: Path, kind: str) -> Sound | None:
        try:
            sound = SoundLoader.load(str(path)) if path.is_file() else None
        except Exception as exc:  # noqa: BLE001 - a broken file or audio device must not stop the step
            sound = None
            detail = f"{path}: {type(exc).__name__}: {exc}"
        else:
            detail = str(path) if path.is_file() else f"{path} (missing)"
        if sound is None:
            self.problems.add("audio", "A sound could not be played (missing file or no sound device).", detail)
        return sound

    def _ui_speech_path(self, text: str, language: str) -> Path:
        from kiosk.speech import speech_cache_path

        return speech_cache_path(self.cache_dir, text, language)
