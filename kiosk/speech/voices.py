"""Which espeak-ng voice speaks which language, and how fast.

Language tags are BCP 47 ("en", "de-DE", "zh-Hans-CN"); underscores ("zh_CN", as in locale
names) and any upper/lower case are accepted. Voice ids are espeak-ng identifiers in lower case,
as pyttsx3 reports them ("gmw/en-us", "gmw/de", "sit/cmn").
"""

from __future__ import annotations

from typing import Iterable

DEFAULT_VOICE = "gmw/en-us"

# Calm speaking rates in espeak words per minute. Workers hear every step text many times a day:
# slower than espeak's 175, but not so slow that it sounds like talking down to an adult.
DEFAULT_RATE = 150
_CALM_RATES = {"en": 150, "de": 150, "zh": 160}

# espeak-ng accepts 80..450 words per minute (higher needs the sonic library).
MIN_RATE = 80
MAX_RATE = 450

# Full tags first (lower case, "-" separated), then primary language subtags.
_VOICE_BY_TAG = {
    "en-gb": "gmw/en",
    "en-uk": "gmw/en",
    "en-ie": "gmw/en",
    "en-au": "gmw/en",
    "en-nz": "gmw/en",
    "zh-hk": "sit/yue",
    "zh-mo": "sit/yue",
    "zh-yue": "sit/yue",
    "zh-cmn": "sit/cmn",
    "pt-br": "roa/pt-br",
}
_VOICE_BY_LANGUAGE = {
    "en": "gmw/en-us",
    "de": "gmw/de",
    "zh": "sit/cmn",  # Mandarin; written Chinese is read in Mandarin unless a tag says otherwise
    "cmn": "sit/cmn",
    "yue": "sit/yue",
    "ar": "sem/ar",
    "bg": "zls/bg",
    "cs": "zlw/cs",
    "da": "gmq/da",
    "el": "grk/el",
    "es": "roa/es",
    "fa": "ira/fa",
    "fi": "urj/fi",
    "fr": "roa/fr",
    "hr": "zls/hr",
    "hu": "urj/hu",
    "it": "roa/it",
    "ja": "jpx/ja",
    "ku": "ira/ku",
    "nb": "gmq/nb",
    "no": "gmq/nb",
    "nl": "gmw/nl",
    "pl": "zlw/pl",
    "pt": "roa/pt",
    "ro": "roa/ro",
    "ru": "zle/ru",
    "sk": "zlw/sk",
    "sq": "ine/sq",
    "sr": "zls/sr",
    "sv": "gmq/sv",
    "tr": "trk/tr",
    "uk": "zle/uk",
    "vi": "aav/vi",
}


def normalise_language(language: str | None) -> str:
    """'zh_CN ' -> 'zh-cn'; empty or None -> 'en'."""
    tag = (language or "").strip().replace("_", "-").lower()
    return tag or "en"


def primary_language(language: str | None) -> str:
    """The primary subtag: 'de-AT' -> 'de', 'zh-Hans-CN' -> 'zh'."""
    return normalise_language(language).split("-", 1)[0]


def voice_for_language(language: str | None, available: Iterable[str] | None = None) -> str:
    """The espeak-ng voice id for a BCP 47 language tag.

    'en' and 'en-US' -> 'gmw/en-us', 'en-GB' -> 'gmw/en', 'de-DE' -> 'gmw/de', 'zh', 'zh-CN',
    'zh-Hans', 'zh-TW' -> 'sit/cmn' (Mandarin), 'zh-HK' -> 'sit/yue' (Cantonese).

    Without ``available`` the answer comes from a fixed table (so it is the same on every
    machine; the speech cache depends on it); unknown languages get English. With ``available``
    (the voice ids installed, e.g. ``SpeechWorker.voices()``) the table's choice is used only when
    it is installed; otherwise a voice named after the language, then English, then any voice.
    """
    tag = normalise_language(language)
    subtags = tag.split("-")
    primary = subtags[0]
    choice = None
    # Longest matching prefix in the tag table: "zh-hk-x" -> "zh-hk".
    for end in range(len(subtags), 1, -1):
        choice = _VOICE_BY_TAG.get("-".join(subtags[:end]))
        if choice:
            break
    if choice is None and primary == "zh" and any(s in ("hk", "mo") for s in subtags[1:]):
        choice = "sit/yue"
    if choice is None:
        choice = _VOICE_BY_LANGUAGE.get(primary)
    if available is None:
        return choice or DEFAULT_VOICE

    installed = [v.lower() for v in available]
    if not installed:
        return choice or DEFAULT_VOICE
    if choice and choice in installed:
        return choice
    # A voice whose name (the part after the family) is the tag or the primary language.
    by_name = {v.rsplit("/", 1)[-1]: v for v in installed}
    for candidate in ("-".join(subtags[:end]) for end in range(len(subtags), 0, -1)):
        if candidate in by_name:
            return by_name[candidate]
    if DEFAULT_VOICE in installed:
        return DEFAULT_VOICE
    for fallback in ("gmw/en", "en-us", "en"):
        if fallback in installed:
            return fallback
    return installed[0]


def calm_rate(language: str | None) -> int:
    """The default speaking rate (words per minute) for a language: calm, adult."""
    return _CALM_RATES.get(primary_language(language), DEFAULT_RATE)


def clamp_rate(rate: float) -> int:
    return max(MIN_RATE, min(MAX_RATE, int(round(rate))))
