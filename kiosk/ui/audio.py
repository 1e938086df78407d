"""Everything the kiosk plays: step voices, spoken UI words and the two calm UI sounds.

Why it looks like this:
- Order for a step's voice: the pack's recorded audio or speech already in the cache
  (``kiosk.speech.step_audio``, a quick file look-up), else a WAV rendered in the background
  (``ensure_step_audio``; the next step's is rendered ahead), else live speech.
- One player: every sound, live speech included, is a file played with Kivy's ``SoundLoader`` on
  the main thread. Live speech is rendered to a WAV in the speech cache first (so hearing it again
  costs nothing) and then played like any other voice, so a new voice always stops the old one.
- One queue: the background work (checking a recording, rendering speech) runs on the speech
  worker's own priority queue (``SpeechWorker.submit``), not on a queue of this service's. A worker
  who is waiting (the step just shown, "Hear again", "Help is coming", a tile's title) is served
  before the next steps' prefetches; a prefetch the worker has moved past is dropped unrun, and the
  prefetch of the step the worker reaches is moved up instead of rendered twice. A stand-in speech
  object without ``submit`` (tests) gets one private ``kiosk.speech.JobQueue``.
- Nothing here may stop a worker: a missing file, no sound card or a failing speech engine is
  logged as a problem for the trainer and the step stays on screen in silence.
- A recording is checked before it is played (``kiosk.audio_check``: WAV header and frames, a
  short real decode for OGG/MP3/M4A), because Kivy's ``SoundLoader`` hands back a sound object
  even for random bytes, which then plays silence. A recording that fails the check, does not load
  or has no length is never the step's voice: the step's sentence is spoken instead (generated
  speech, else live speech) and the trainer is told which file to record again.
- Background results carry a token: if the worker moved on while a WAV was being rendered, the
  late voice is not played over the next step (and a job not started yet is not run at all).
- ``kiosk.speech`` is imported lazily (the speech engine is slow to start and may be absent).
"""

from __future__ import annotations

import logging
from collections import deque
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Callable, Hashable

from kivy.clock import Clock
from kivy.core.audio import Sound, SoundLoader

from kiosk.audio_check import RECORD_AGAIN, plays, recording_problem
from kiosk.paths import ASSETS_DIR
from kiosk.speech.jobs import JobQueue, Priority
from kiosk.ui.problems import ProblemLog

log = logging.getLogger(__name__)

UI_SOUNDS_DIR = ASSETS_DIR / "audio"
UI_SOUNDS = {"celebrate": "celebrate.wav", "help": "help.wav", "timer": "timer.wav"}

SpeechFactory = Callable[[], Any]

#: A worker who needs slower speech hears generated speech at this share of the calm rate.
SLOW_SPEECH = 0.75

#: How many sounds ``AudioService.played`` remembers: enough for any test or trainer look, and
#: bounded, because a kiosk runs for months and plays a sound at every step.
PLAYED_KEPT = 200

Submit = Callable[..., Future]


class AudioService:
    """Plays sounds and speech; its background work shares the speech worker's one queue."""

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
        self._submit_to: Submit | None = None  # the speech worker's submit, or _own_queue's
        self._own_queue: JobQueue | None = None  # only for a speech object without a queue
        self._pending: set[Future] = set()
        self._voice: Sound | None = None  # the one voice playing (a step, a title)
        self._tone: Sound | None = None  # the one UI sound playing
        self._token = 0
        self._prefetch_generation = 0
        #: (kind, what) of the last PLAYED_KEPT sounds, newest last: for the trainer log and tests.
        self.played: deque[tuple[str, str]] = deque(maxlen=PLAYED_KEPT)
        self.slow_speech = False  # the worker's preference; recordings stay as recorded
        self.busy = 0  # background jobs not yet delivered (tests wait for 0)

    # -- public ---------------------------------------------------------------------------------

    def play_step(self, pack: Any, step: Any, language: str) -> None:
        """Play a step's voice (recorded, else generated, else live speech)."""
        from kiosk.speech import spoken_text, step_audio

        token = self._next_token()
        recorded = step.audio_for(language, pack.language)
        if recorded and not pack.file(recorded).is_file():
            self.problems.add(
                "audio",
                "A recorded voice file of a pack is missing; speech is used instead.",
                f"{pack.id} step {step.number}: {recorded}",
            )
        speak_instead = broken = self._broken_recording(pack, step, language)
        try:
            if speak_instead:
                ready = self._cached_speech(pack, step, language)
            else:
                ready = step_audio(pack, step, language, self.cache_dir, self._rate(language))
        except Exception as exc:  # noqa: BLE001
            ready = None
            self.problems.add("speech", "The voice of a step could not be looked up.", exc)
        if ready is not None:
            if self._play_voice(Path(ready), "step"):
                return
            if not speak_instead and self._is_recording(pack, step, language, Path(ready)):
                speak_instead = True  # it passed the check but Kivy cannot play it (or it has no length)
                self._recording_failed(pack, step, Path(ready), "cannot be played on this kiosk")
        text, text_language = spoken_text(step, language, pack.language)
        rate = self._rate(language)
        self._submit(
            lambda: self._render_step(pack, step, language, speech_only=speak_instead),
            lambda path: self._after_render(token, text, text_language, rate, path),
            lambda exc: self._speech_failed(token, text, text_language, rate, exc),
            priority=Priority.LIVE,
            key=self._step_key(pack, step, language, "speech" if speak_instead and not broken else "auto"),
            wanted=lambda: token == self._token,
        )

    def prefetch_step(self, pack: Any, step: Any, language: str) -> None:
        """Render the next step's voice in the background so it plays at once on arrival. The
        recording is checked here too (in the background), so a broken one is found before the
        worker reaches the step and its replacement speech is ready."""

        def job() -> Path:
            speech_only = self._broken_recording(pack, step, language, tell=False)
            return self._render_step(pack, step, language, speech_only=speech_only)

        # Only the newest prefetch is wanted: an older one is for a step the worker moved past
        # (unless play_step asked for the same voice meanwhile, which keeps it and moves it up).
        self._prefetch_generation += 1
        generation = self._prefetch_generation
        self._submit(
            job,
            lambda _path: None,
            lambda _exc: None,
            priority=Priority.PREFETCH,
            key=self._step_key(pack, step, language, "auto"),
            wanted=lambda: generation == self._prefetch_generation,
        )

    def say(self, text: str, language: str, delay: float = 0.0) -> None:
        """Speak a UI sentence or title: a cached rendered WAV if possible, else live speech."""
        token = self._next_token()
        path = self._ui_speech_path(text, language)

        def play(_dt: float = 0.0) -> None:
            if token == self._token:
                self._play_voice(path, "say")  # a file that will not play is logged there

        if path.is_file():
            Clock.schedule_once(play, delay) if delay else play()
            return

        def render() -> Path:
            path.parent.mkdir(parents=True, exist_ok=True)
            return self._speech_worker().render(text, language, path)

        self._submit(
            render,
            lambda _p: Clock.schedule_once(play, delay) if delay else play(),
            lambda exc: self._cannot_speak(exc),
            priority=Priority.LIVE,
            key=("say", str(path)),
            wanted=lambda: token == self._token,
        )

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
        """Silence the current voice (a new step, leaving the step screen), live speech included:
        speech still queued for it is not played (and not made, unless another request wants it)."""
        self._next_token()
        if self._voice is not None:
            self._voice.stop()
            self._voice.unload()
            self._voice = None

    def shutdown(self) -> None:
        """Stop playing, drop queued work, close the speech worker (waiting at most a second)."""
        self.stop()
        for future in list(self._pending):
            future.cancel()  # only jobs not started yet; a running rendering finishes
        if self._own_queue is not None:
            self._own_queue.close(timeout=0)
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

    def _submit(
        self,
        job: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[Exception], None],
        *,
        priority: Priority = Priority.LIVE,
        key: Hashable | None = None,
        wanted: Callable[[], bool] | None = None,
    ) -> None:
        """Queue ``job`` on the speech queue; ``done``/``failed`` run on the main thread. A job
        dropped unrun (stale, or cancelled at shutdown) delivers nothing."""

        def deliver(future: Future) -> None:
            self.busy -= 1
            self._pending.discard(future)
            if future.cancelled():  # stale, or the app is stopping: nobody waits for this voice
                return
            exc = future.exception()
            failed(exc) if exc is not None else done(future.result())

        try:
            future = self._queue()(job, priority, key=key, wanted=wanted)
        except Exception as exc:  # noqa: BLE001 - queue closed (app stopping)
            log.info("Speech request after shutdown ignored: %s", exc)
            return
        self.busy += 1
        self._pending.add(future)
        future.add_done_callback(lambda f: Clock.schedule_once(lambda _dt: deliver(f), 0))

    def _queue(self) -> Submit:
        """The one speech queue: the speech worker's (``submit``), or a private one for a speech
        object without a queue. Made on first use (making the worker is cheap; its engine starts
        on its own thread)."""
        if self._submit_to is None:
            try:
                speech = self._speech_worker()
            except Exception:  # noqa: BLE001 - no speech: every job reports it when it runs
                speech = None
            submit = getattr(speech, "submit", None)
            if callable(submit):
                self._submit_to = submit
            else:
                self._own_queue = JobQueue("kiosk-audio")
                self._submit_to = self._own_queue.submit
        return self._submit_to

    def _speech_worker(self) -> Any:
        """The one speech worker, created on first use."""
        if self._speech is None:
            if self._speech_factory is None:
                raise RuntimeError("speech is switched off on this kiosk")
            self._speech = self._speech_factory()
        return self._speech

    def _step_key(self, pack: Any, step: Any, language: str, mode: str) -> Hashable:
        """What a step-voice job makes, so a prefetch and a play of the same voice share one job."""
        return (
            "step",
            getattr(pack, "id", id(pack)),
            getattr(pack, "content_hash", None),
            getattr(step, "number", id(step)),
            language,
            self._rate(language),
            mode,
        )

    def _render_step(self, pack: Any, step: Any, language: str, *, speech_only: bool = False) -> Path:
        """Runs in the audio thread: the step's WAV, rendered now if it is not cached yet.
        ``speech_only``: the step's recording is broken, so its sentence is rendered instead."""
        from kiosk.speech import ensure_step_audio, speech_cache_path, spoken_text

        if not speech_only:
            return ensure_step_audio(pack, step, language, self.cache_dir, self._speech_worker(), self._rate(language))
        cached = self._cached_speech(pack, step, language)
        if cached is not None:
            return cached
        text, text_language = spoken_text(step, language, pack.language)
        if not text.strip():
            raise RuntimeError(f"step {getattr(step, 'number', '?')} has no sentence to speak")
        target = speech_cache_path(self.cache_dir, text, text_language, self._rate(language))
        target.parent.mkdir(parents=True, exist_ok=True)
        return Path(self._speech_worker().render(text, text_language, target, self._rate(language)))

    # -- broken recordings ------------------------------------------------------------------------

    def _broken_recording(self, pack: Any, step: Any, language: str, *, tell: bool = True) -> bool:
        """True when the step has a recording for this language and it fails the check; then a
        trainer problem is logged too, unless ``tell`` is False (the background prefetch: the
        problem is told when the worker reaches the step)."""
        from kiosk.speech import recorded_audio

        try:
            recording = recorded_audio(pack, step, language)
        except Exception:  # noqa: BLE001 - a bad reference: step_audio reports it
            return False
        wrong = recording_problem(recording) if recording is not None else None
        if wrong is None:
            return False
        if tell:
            self._recording_failed(pack, step, recording, wrong)
        return True

    def _recording_failed(self, pack: Any, step: Any, recording: Path, wrong: str) -> None:
        try:
            name = recording.relative_to(Path(pack.root)).as_posix()
        except (ValueError, AttributeError):
            name = recording.name
        self.problems.add(
            "audio",
            f"A recorded voice cannot be played, so the step's sentence is spoken instead. {RECORD_AGAIN}",
            f"{pack.id} step {step.number}: {name} {wrong}",
        )

    def _is_recording(self, pack: Any, step: Any, language: str, path: Path) -> bool:
        from kiosk.speech import recorded_audio

        try:
            return recorded_audio(pack, step, language) == path
        except Exception:  # noqa: BLE001
            return False

    def _cached_speech(self, pack: Any, step: Any, language: str) -> Path | None:
        """Generated speech of the step's sentence, if it is in the cache already."""
        from kiosk.speech import speech_cache_path, spoken_text

        text, text_language = spoken_text(step, language, pack.language)
        if not text.strip():
            return None
        cached = speech_cache_path(self.cache_dir, text, text_language, self._rate(language))
        return cached if cached.is_file() and recording_problem(cached) is None else None

    def _rate(self, language: str) -> int | None:
        """The speaking rate for generated speech: None (the calm default) unless the worker is slow."""
        if not self.slow_speech:
            return None
        from kiosk.speech.voices import calm_rate

        return round(calm_rate(language) * SLOW_SPEECH)

    def _after_render(self, token: int, text: str, language: str, rate: int | None, path: Path | None) -> None:
        if token != self._token:
            return
        if path is not None and self._play_voice(Path(path), "step"):
            return
        self._live(token, text, language, rate, failed=path)

    def _speech_failed(self, token: int, text: str, language: str, rate: int | None, exc: Exception) -> None:
        self.problems.add(
            "speech",
            "The voice could not be made for a step; live speech is tried instead.",
            f"{type(exc).__name__}: {exc}",
        )
        if token == self._token:
            self._live(token, text, language, rate)

    def _cannot_speak(self, exc: Exception) -> None:
        self.problems.add("speech", "The kiosk cannot speak: the speech engine failed.", f"{type(exc).__name__}: {exc}")

    def _live(self, token: int, text: str, language: str, rate: int | None, failed: Path | None = None) -> None:
        """Last resort: render the sentence now, first in the queue, and play it with Kivy."""
        from kiosk.speech import speech_cache_path

        if not text.strip():
            return
        target = speech_cache_path(self.cache_dir, text, language, rate)
        if failed is not None and Path(failed) == target:
            return  # this very file would not play; why is already in the trainer's problems

        def render() -> Path:
            if plays(target):
                return target
            target.parent.mkdir(parents=True, exist_ok=True)
            return Path(self._speech_worker().render(text, language, target, rate))

        def play(path: Path) -> None:
            if token == self._token:
                self._play_voice(path, "live")

        self._submit(
            render,
            play,
            self._cannot_speak,
            priority=Priority.LIVE,
            key=("live", str(target)),
            wanted=lambda: token == self._token,
        )

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
        """The loaded sound, or None (with a trainer problem) when it cannot be played: missing,
        failing the recording check, not loadable, or of no length (how Kivy's loader answers
        for many broken files instead of failing)."""
        wrong = recording_problem(path) if path.is_file() else None
        if wrong is not None:
            self.problems.add("audio", "A sound file is damaged and could not be played.", f"{path} {wrong}")
            return None
        try:
            sound = SoundLoader.load(str(path)) if path.is_file() else None
        except Exception as exc:  # noqa: BLE001 - a broken file or audio device must not stop the step
            sound = None
            detail = f"{path}: {type(exc).__name__}: {exc}"
        else:
            detail = str(path) if path.is_file() else f"{path} (missing)"
        if sound is not None and not _has_length(sound):
            self.problems.add("audio", "A sound could not be played (it has no length).", str(path))
            _unload(sound)
            return None
        if sound is None:
            self.problems.add("audio", "A sound could not be played (missing file or no sound device).", detail)
        return sound

    def _ui_speech_path(self, text: str, language: str) -> Path:
        from kiosk.speech import speech_cache_path

        return speech_cache_path(self.cache_dir, text, language)


def _has_length(sound: Sound) -> bool:
    """False for a sound Kivy loaded but cannot say how long it is (0, None or broken)."""
    try:
        return float(sound.length or 0.0) > 0.0
    except Exception:  # noqa: BLE001
        return False


def _unload(sound: Sound) -> None:
    try:
        sound.unload()
    except Exception as exc:  # noqa: BLE001
        log.info("Unloading a broken sound failed: %s", exc)
