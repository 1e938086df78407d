"""Speech for Step Kiosk (Kivy-free): one worker thread owns the pyttsx3/espeak-ng engine.

    from kiosk.speech import SpeechWorker, voice_for_language, step_audio
    worker = SpeechWorker(cache_dir=data.cache)        # one per process is enough
    worker.render(text, language, out_wav, rate=None) -> Path   # blocking; build time
    worker.speak(text, language, rate=None)            # live speech, never blocks or raises
    step_audio(pack, step, language, cache_dir) -> Path | None  # recording, else cached speech
    ensure_step_audio(pack, step, language, cache_dir, worker) -> Path   # renders when missing
"""

from .steps import ensure_step_audio, recorded_audio, speech_cache_path, spoken_text, step_audio
from .voices import DEFAULT_RATE, DEFAULT_VOICE, calm_rate, normalize_language, voice_for_language
from .worker import CommandPlayer, SpeechError, SpeechWorker, wav_duration

__all__ = [
    "DEFAULT_RATE",
    "DEFAULT_VOICE",
    "CommandPlayer",
    "SpeechError",
    "SpeechWorker",
    "calm_rate",
    "ensure_step_audio",
    "normalize_language",
    "recorded_audio",
    "speech_cache_path",
    "spoken_text",
    "step_audio",
    "voice_for_language",
    "wav_duration",
]
