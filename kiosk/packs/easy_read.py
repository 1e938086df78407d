"""Easy-read guidance for step texts: short sentences, few of them.

Easy-read guides (Inclusion Europe's "Information for all", Mencap's "Make it clear") ask for
short sentences with one idea each. The kiosk shows one step at a time, so a step's text should
fit that: the loader warns (never refuses) when a text has more than ``MAX_WORDS`` words or more
than ``MAX_SENTENCES`` sentences.

Chinese and Japanese are written without spaces, so there every two characters count as one word
(a rough but common rule of thumb for Chinese word length).
"""

from __future__ import annotations

import re

from kiosk.packs.words import Msg

MAX_WORDS = 20
MAX_SENTENCES = 2

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A full stop ends a sentence only before a space or the end ("2.5 cm" is one sentence);
# Chinese marks end one wherever they are, because Chinese puts no space after them.
_SENTENCE_END = re.compile(r"[.!?]+(?=[\s\"'”’)）]|$)|[。！？]+")


# A letter or digit of any script: what makes a token a word (``str.isalnum``; ``\w`` without "_").
_ALNUM = re.compile(r"[^\W_]")


def count_words(text: str) -> int:
    """Words separated by spaces that hold a letter or digit, plus one per two CJK characters.
    The loader counts every step text of every pack on a first scan, so the common case (no CJK
    character) takes one regular-expression search per token, not a Python loop per character."""
    cjk_characters = len(_CJK.findall(text))
    if cjk_characters:
        text = _CJK.sub(" ", text)
    search = _ALNUM.search
    other_words = sum(1 for token in text.split() if search(token))
    return other_words + (cjk_characters + 1) // 2


def count_sentences(text: str) -> int:
    """The number of sentences; words after the last full stop count as one more."""
    return sum(1 for part in _SENTENCE_END.split(text) if part.strip(" \t\n\"'”’)）"))


def too_long(text: str) -> str | None:
    """Why the text is longer than easy-read guidance suggests ("34 words"), or None if it is fine."""
    if _surely_short(text):
        return None
    words, sentences = count_words(text), count_sentences(text)
    reasons = []
    if words > MAX_WORDS:
        reasons.append(f"{words} words")
    if sentences > MAX_SENTENCES:
        reasons.append(f"{sentences} sentences")
    return " and ".join(reasons) or None


def _surely_short(text: str) -> bool:
    """True when the text is within both limits for certain, without counting: no more
    space-separated tokens than ``MAX_WORDS`` (a word is a token) and fewer sentence marks than
    ``MAX_SENTENCES`` (every sentence after the first follows one). ASCII only, so no CJK
    character counts as a word of its own. Why: a first scan checks every step text of every pack,
    and most are short (measured: the full count was 5 % of a 1,000-pack scan)."""
    return (
        text.isascii()
        and len(text.split()) <= MAX_WORDS
        and text.count(".") + text.count("!") + text.count("?") < MAX_SENTENCES
    )


def reason_words(reason: str) -> Msg:
    """``too_long``'s reason ("34 words and 3 sentences") as words the trainer's language can show."""

    words = re.search(r"(\d+) words", reason)
    sentences = re.search(r"(\d+) sentences", reason)
    if words and sentences:
        return Msg("{words} words and {sentences} sentences", words=int(words[1]), sentences=int(sentences[1]))
    if words:
        return Msg("{words} words", words=int(words[1]))
    if sentences:
        return Msg("{sentences} sentences", sentences=int(sentences[1]))
    return Msg(reason)
