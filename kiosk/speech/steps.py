"""The audio for a step: the pack's recording, else generated speech from the cache.

Works on the ``kiosk.packs`` contract (``Step.text_for``, ``Step.audio_for``, ``Step.text``,
``Step.audio``, ``Pack.file``, ``Pack.language``) and does not import kiosk.packs itself.

A recording is used only when it is in the same language as the text shown: a German worker who
reads the German text of a pack that has recordings in English only hears generated German, not
the English recording.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from kiosk.audio_check import plays

from .voices import calm_rate, clamp_rate, normalise_language, primary_language, voice_for_language

if TYPE_CHECKING:  # pragma: no cover
    from .worker import SpeechWorker

SPEECH_CACHE_FOLDER = "speech"


def speech_cache_path(cache_dir: Path | str, text: str, language: str, rate: int | None = None) -> Path:
    """Where generated speech for (text, language, rate) lives: <cache_dir>/speech/<sha256>.wav.

    The hash covers text|language|voice|rate (language as its primary subtag: "de" and "de-DE"
    share files; the voice tells "zh" Mandarin from "zh-HK" Cantonese), so a changed text, voice or
    rate gets a new file.
    """
    text = " ".join(str(text or "").split())
    voice = voice_for_language(language)
    effective_rate = clamp_rate(rate if rate is not None else calm_rate(language))
    key_text = f"{text}|{primary_language(language)}|{voice}|{effective_rate}"
    key = hashlib.sha256(key_text.encode("utf-8")).hexdigest()
    return Path(cache_dir) / SPEECH_CACHE_FOLDER / f"{key}.wav"


def spoken_text(step: Any, language: str, fallback: str) -> tuple[str, str]:
    """(text, language of that text) that the screen shows for ``step`` to a ``language`` reader."""
    text = step.text_for(language, fallback)
    return text, _key_of(getattr(step, "text", None) or {}, text, language, fallback) or language


def recorded_audio(pack: Any, step: Any, language: str) -> Path | None:
    """The pack's own recording for this step, if it exists and matches the shown text's language."""
    fallback = pack.language
    _, text_language = spoken_text(step, language, fallback)
    relative = step.audio_for(language, fallback)
    if not relative:
        return None
    audio_language = _key_of(getattr(step, "audio", None) or {}, relative, language, fallback)
    if audio_language is not None and primary_language(audio_language) != primary_language(text_language):
        return None
    try:
        path = Path(pack.file(relative))
    except Exception:  # noqa: BLE001 - a bad reference is the loader's problem; no recording here
        return None
    return path if path.is_file() else None


def step_audio(pack: Any, step: Any, language: str, cache_dir: Path | str, rate: int | None = None) -> Path | None:
    """The audio to play for ``step``: the recording, else generated speech already in the cache.

    None means: nothing ready yet. Then have ``ensure_step_audio`` (or ``worker.render_async``)
    make the file in the background. Cached speech counts only when it passes the recording check
    (``kiosk.audio_check``), so a file cut short by a full disk is made again, not played.
    """
    recording = recorded_audio(pack, step, language)
    if recording is not None:
        return recording
    text, text_language = spoken_text(step, language, pack.language)
    if not text.strip():
        return None
    cached = speech_cache_path(cache_dir, text, text_language, rate)
    return cached if plays(cached) else None


def ensure_step_audio(
    pack: Any, step: Any, language: str, cache_dir: Path | str, worker: "SpeechWorker", rate: int | None = None
) -> Path:
    """Like step_audio(), but renders the speech (blocking) when it is not there yet.

    Raises SpeechError when the step has no text or speech cannot be made.
    """
    found = step_audio(pack, step, language, cache_dir, rate)
    if found is not None:
        return found
    text, text_language = spoken_text(step, language, pack.language)
    if not text.strip():
        from .errors import SpeechError  # noqa: PLC0415

        raise SpeechError(f"Step {getattr(step, 'number', '?')} has no text to speak.", "Give the step a text.")
    target = speech_cache_path(cache_dir, text, text_language, rate)
    return worker.render(text, text_language, target, rate)


def _key_of(mapping: Mapping[str, str], value: str, language: str, fallback: str) -> str | None:
    """The language key under which ``mapping`` holds ``value``, preferring the asked languages."""
    keys = [k for k, v in mapping.items() if v == value]
    if not keys:
        return None
    for wanted in (language, fallback):
        for key in keys:
            if normalise_language(key) == normalise_language(wanted):
                return key
        for key in keys:
            if primary_language(key) == primary_language(wanted):
                return key
    return keys[0]
