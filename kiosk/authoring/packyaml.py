"""Writing pack.yaml so a coach can read and edit it, and reading it back for an update.

Why a writer of our own: PyYAML's dump sorts or scatters keys and cannot write comments, but coaches
edit this file by hand. So settings come in the order the format describes them (format, id,
title, ...; steps last, each step image, text, audio, ...), in block style with two-space indents,
and a step without a sentence gets a ``# TODO`` comment right above it. Every single value is
still written by PyYAML (quoting, escapes), so the result always reads back as the same data;
a property test checks that.

Reading back for an update (``pack build``) parses the raw document with kiosk.packs' own safe
loader settings, so unknown settings survive; comments other than the TODO markers do not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

import yaml

from kiosk.atomic import write_text
from kiosk.packs.manifest import MANIFEST_NAME, STEP_KEYS, TOP_LEVEL_KEYS, SafeLoader

TODO_TEXT = "TODO: type the sentence for this step (what the worker does), then run `kiosk pack build`."
_INDENT = "  "


def render_pack_yaml(
    document: Mapping[str, Any],
    *,
    header: Sequence[str] = (),
    step_comments: Mapping[int, Sequence[str]] | None = None,
    language: str | None = None,
) -> str:
    """The text of a pack.yaml for ``document``.

    ``step_comments`` maps a 1-based step number to comment lines written above that step; steps
    without a sentence (in ``language``, or at all) always get the TODO comment.
    """
    step_comments = step_comments or {}
    lines = [f"# {line}" if line else "#" for line in header]
    for key in _ordered_keys(document, TOP_LEVEL_KEYS):
        value = document[key]
        if key == "steps" and isinstance(value, list):
            lines.append("steps:" if value else "steps: []")
            for number, step in enumerate(value, start=1):
                comments = list(step_comments.get(number, ()))
                if isinstance(step, Mapping) and step_needs_text(step, language):
                    comments.append(TODO_TEXT)
                lines.extend(f"{_INDENT}# {comment}" for comment in comments)
                item = _ordered(step, STEP_KEYS) if isinstance(step, Mapping) else step
                lines.extend(_sequence_item(item, 1))
        else:
            lines.extend(_entry(key, value, 0))
    return "\n".join(lines) + "\n"


def step_needs_text(step: Mapping[str, Any], language: str | None) -> bool:
    """True when a step has no sentence the kiosk could show (in ``language`` if given)."""
    text = step.get("text")
    if isinstance(text, str):
        return not text.strip()
    if isinstance(text, Mapping):
        filled = {str(lang): value for lang, value in text.items() if isinstance(value, str) and value.strip()}
        if not filled:
            return True
        return language is not None and language in text and language not in filled
    return True


def write_pack_yaml(folder: Path, text: str) -> None:
    """Replace pack.yaml in one step (a half-written file would break the pack)."""
    write_text(folder / MANIFEST_NAME, text.replace("\r\n", "\n"))


def read_pack_document(folder: Path) -> Any:
    """The raw data of a pack's pack.yaml (None when there is none). Raises yaml.YAMLError."""
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return None
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        text = data.decode("utf-8-sig")
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - kiosk.packs' safe loader


# --- the emitter ------------------------------------------------------------------------------


def _ordered_keys(mapping: Mapping[Any, Any], known: Sequence[str]) -> list[Any]:
    first = [key for key in known if key in mapping and key != "steps"]
    rest = [key for key in mapping if key not in known]
    last = ["steps"] if "steps" in mapping and "steps" in known else []
    return first + rest + last


def _ordered(mapping: Mapping[Any, Any], known: Sequence[str]) -> dict[Any, Any]:
    keys = [key for key in known if key in mapping] + [key for key in mapping if key not in known]
    return {key: mapping[key] for key in keys}


def _entry(key: Any, value: Any, depth: int) -> list[str]:
    pad = _INDENT * depth
    name = _scalar(key)
    if isinstance(value, Mapping) and value:
        lines = [f"{pad}{name}:"]
        for child_key, child in value.items():
            lines.extend(_entry(child_key, child, depth + 1))
        return lines
    if isinstance(value, list) and value:
        lines = [f"{pad}{name}:"]
        for item in value:
            lines.extend(_sequence_item(item, depth + 1))
        return lines
    return [f"{pad}{name}: {_scalar(value)}"]


def _sequence_item(item: Any, depth: int) -> list[str]:
    pad = _INDENT * depth
    if isinstance(item, Mapping) and item:
        lines: list[str] = []
        for key, value in item.items():
            lines.extend(_entry(key, value, depth + 1))
        lines[0] = f"{pad}- {lines[0].lstrip()}"
        return lines
    if isinstance(item, list) and item:
        lines = []
        for child in item:
            lines.extend(_sequence_item(child, depth + 1))
        lines[0] = f"{pad}- {lines[0].lstrip()}"
        return lines
    return [f"{pad}- {_scalar(item)}"]


def _scalar(value: Any) -> str:
    """One value on one line, quoted by PyYAML exactly as much as it needs."""
    if isinstance(value, Mapping):
        return "{}"  # only empty ones get here
    if isinstance(value, list):
        return "[]"
    if value == "" and isinstance(value, str):
        return '""'
    style = '"' if isinstance(value, str) and not value.isprintable() else None
    dumped = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, default_style=style, width=1 << 30)
    return _strip_document_end(dumped)


def _strip_document_end(dumped: str) -> str:
    if dumped.endswith("\n...\n"):
        dumped = dumped[: -len("\n...\n")]
    return dumped.rstrip("\n")
