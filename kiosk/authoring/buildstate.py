"""PACK/.build.json: what `kiosk pack build` made last time, so the next build redoes only changes.

Rendering speech takes about a second per step and language; a coach who fixes one typo in a
40-step pack in three languages should not wait two minutes. For every generated sound the file
records the key it was made from (sha256 of text|voice|rate) and the file it went to, so a
rebuild renders only what is new or changed, and reuses a sound whose step merely moved.

It also keeps a fingerprint of the pack's content (pictures, texts, recordings, settings) and the
version it had, so a build can raise the version when the content changed since the last build.

The file is private to the build: hidden (a dot file, which the kiosk ignores), never zipped. If it
is missing or damaged the build just starts afresh, treating every generated sound as stale.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.atomic import write_text

STATE_NAME = ".build.json"
STATE_FORMAT = 1


def speech_key(text: str, voice: str, rate: int) -> str:
    """The identity of one generated sound: what is said, by which voice, how fast."""
    return hashlib.sha256(f"{text}|{voice}|{rate}".encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SpeechEntry:
    key: str  # speech_key(text, voice, rate)
    file: str  # path relative to the pack root, "/" separated
    voice: str
    rate: int


@dataclass
class BuildState:
    speech: dict[str, SpeechEntry] = field(default_factory=dict)  # "<step>/<language>" -> entry
    content: str | None = None  # fingerprint of the pack's content after the last build
    version: int | None = None  # the pack's version after the last build

    @staticmethod
    def slot(step: int, language: str) -> str:
        return f"{step}/{language}"

    def to_json(self) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "content": self.content,
            "version": self.version,
            "speech": {
                slot: {"key": e.key, "file": e.file, "voice": e.voice, "rate": e.rate}
                for slot, e in sorted(self.speech.items(), key=lambda item: _slot_order(item[0]))
            },
        }


def load_state(folder: Path) -> BuildState:
    """The state of the last build, or an empty one when there is none (or it is unreadable)."""
    try:
        raw = json.loads((folder / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return BuildState()
    if not isinstance(raw, dict) or raw.get("format") != STATE_FORMAT:
        return BuildState()
    speech: dict[str, SpeechEntry] = {}
    for slot, entry in (raw.get("speech") or {}).items():
        try:
            speech[str(slot)] = SpeechEntry(
                str(entry["key"]), str(entry["file"]), str(entry["voice"]), int(entry["rate"])
            )
        except (KeyError, TypeError, ValueError):
            continue
    content = raw.get("content") if isinstance(raw.get("content"), str) else None
    version = raw.get("version") if isinstance(raw.get("version"), int) else None
    return BuildState(speech, content, version)


def save_state(folder: Path, state: BuildState) -> None:
    """Write the state atomically (an interrupted write must not look like a valid state)."""
    write_text(folder / STATE_NAME, json.dumps(state.to_json(), indent=1, ensure_ascii=False) + "\n")


def _slot_order(slot: str) -> tuple[int, str]:
    step, _, language = slot.partition("/")
    return (int(step) if step.isdigit() else 0, language)
