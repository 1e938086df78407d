"""Speech for Step Kiosk (Kivy-free): one queue, one thread, one pyttsx3/espeak-ng engine.

    from kiosk.speech import SpeechWorker, Priority, voice_for_language, step_audio
    worker = SpeechWorker(cache_dir=data.cache)        # one per process is enough
    worker.render(text, language, out_wav, rate=None) -> Path   # blocking; build time
    worker.render_async(text, language, out_wav, rate=None, priority=Priority.RENDER) -> Future
    worker.submit(job, priority, key=None, wanted=None) -> Future  # the UI's jobs, same queue
    worker.speak(text, language, rate=None)            # live speech without a UI (aplay)
    step_audio(pack, step, language, cache_dir) -> Path | None  # recording, else cached speech
    ensure_step_audio(pack, step, language, cache_dir, worker) -> Path   # renders when missing

Modules, one job each: ``jobs`` (the priority queue), ``engine`` (pyttsx3/espeak-ng, text to a
checked WAV), ``pyttsx3_quirks`` (the workarounds that touch pyttsx3's private parts), ``playback``
(a command-line player for programs without Kivy), ``worker`` (the three put together), ``steps``
(which file a step plays), ``voices`` (voice and rate per language), ``errors``. WAV checks are
``kiosk.audio_check``'s.
"""

from kiosk.audio_check import wav_duration

from .errors import SpeechError
from .jobs import JobQueue, Priority
from .playback import CommandPlayer
from .steps import ensure_step_audio, recorded_audio, speech_cache_path, spoken_text, step_audio
from .voices import DEFAULT_RATE, DEFAULT_VOICE, calm_rate, normalise_language, voice_for_language
from .worker import SpeechWorker

__all__ = [
    "DEFAULT_RATE",
    "DEFAULT_VOICE",
    "CommandPlayer",
    "JobQueue",
    "Priority",
    "SpeechError",
    "SpeechWorker",
    "calm_rate",
    "ensure_step_audio",
    "normalise_language",
    "recorded_audio",
    "speech_cache_path",
    "spoken_text",
    "step_audio",
    "voice_for_language",
    "wav_duration",
]
