"""UI translations: gettext catalogs for the kiosk's own words (en, de, zh).

Why it looks like this:
- Workers see the UI in *their* language (``person.language``), so one kiosk switches language
  per worker; ``translator(lang)`` returns a cached ``gettext`` function for each language.
- The ``.po`` files are the source. Python's ``Tools/i18n/msgfmt.py`` is not shipped in virtual
  environments, so ``compile_po`` does the same job (msgid/msgstr, msgctxt, plurals, escapes).
- The wheel carries ``<lang>/LC_MESSAGES/kiosk.mo`` compiled at build time (``setup.py`` calls
  ``compile_catalogs``) and no ``.po``. Nothing is ever written into the package at run time: an
  installed package may be read-only, shared by several users, or checked by the package manager.
  In a source checkout, where the ``.po`` sits next to the ``.mo``, ``catalog`` compiles the
  ``.po`` in memory (a few milliseconds), so an edited translation shows at the next start without
  a build step and a stale committed ``.mo`` is never used.
- Kivy-free: the progress report and command line can use the same words.
"""

from __future__ import annotations

import ast
import gettext
import io
import logging
import struct
from functools import lru_cache
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

DOMAIN = "kiosk"
LOCALE_DIR = Path(__file__).resolve().parent
LANGUAGES: tuple[str, ...] = ("en", "de", "zh")
DEFAULT_LANGUAGE = "en"

#: Each language's own name, for the trainer's language picker.
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "de": "Deutsch", "zh": "中文"}

Translate = Callable[[str], str]


def base_language(tag: str | None) -> str:
    """The catalog language for a BCP 47 tag: ``de-AT`` -> ``de``, ``zh-Hans-CN`` -> ``zh``."""
    if not tag:
        return DEFAULT_LANGUAGE
    primary = tag.replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE


def parse_po(text: str) -> dict[str, str]:
    """Messages of a ``.po`` file as {msgid: msgstr}, following msgfmt's rules.

    Plural entries are keyed ``id\\0id_plural`` with their forms joined by ``\\0``; context entries
    are keyed ``ctxt\\x04id`` (the gettext conventions). Fuzzy and untranslated entries are left
    out, as msgfmt does, so an unchecked translation falls back to English.
    """
    messages: dict[str, str] = {}
    fields: dict[str, str] = {}
    current: str | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal fields, current, fuzzy
        if "msgid" in fields and not fuzzy:
            key = fields["msgid"]
            if "msgctxt" in fields:
                key = f"{fields['msgctxt']}\x04{key}"
            plural = sorted(k for k in fields if k.startswith("msgstr["))
            if "msgid_plural" in fields:
                key = f"{key}\x00{fields['msgid_plural']}"
                value = "\x00".join(fields[k] for k in plural)
            else:
                value = fields.get("msgstr", "")
            if value.strip("\x00") or key == "":
                messages[key] = value
        fields, current, fuzzy = {}, None, False

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#"):
            if current is not None and current.startswith("msgstr"):
                flush()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        if not line:
            continue
        if line.startswith('"'):
            if current is None:
                raise ValueError(f"stray string in .po file: {raw!r}")
            fields[current] += ast.literal_eval(line)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and current is not None and current.startswith("msgstr"):
            flush()
        current = keyword
        fields[keyword] = ast.literal_eval(rest.strip())
    flush()
    return messages


def compile_po(text: str) -> bytes:
    """The GNU ``.mo`` bytes for a ``.po`` text (the layout msgfmt writes: sorted, no hash table)."""
    messages = parse_po(text)
    ids = sorted(messages)
    id_blob = b""
    str_blob = b""
    offsets: list[tuple[int, int, int, int]] = []
    for msgid in ids:
        key = msgid.encode("utf-8")
        value = messages[msgid].encode("utf-8")
        offsets.append((len(id_blob), len(key), len(str_blob), len(value)))
        id_blob += key + b"\0"
        str_blob += value + b"\0"
    count = len(ids)
    key_table_start = 7 * 4
    value_table_start = key_table_start + count * 8
    id_start = value_table_start + count * 8
    str_start = id_start + len(id_blob)
    key_table = b"".join(struct.pack("<2I", length, id_start + off) for off, length, _, _ in offsets)
    value_table = b"".join(struct.pack("<2I", length, str_start + off) for _, _, off, length in offsets)
    header = struct.pack("<7I", 0x950412DE, 0, count, key_table_start, value_table_start, 0, 0)
    return header + key_table + value_table + id_blob + str_blob


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def catalog(language: str) -> gettext.NullTranslations:
    """The translations for one catalog language, read-only: from the ``.po`` when it is there
    (a source checkout), else from the ``.mo`` compiled at build time (an installed wheel)."""
    po, mo = po_path(language), mo_path(language)
    if po.exists():
        return gettext.GNUTranslations(io.BytesIO(compile_po(po.read_text(encoding="utf-8"))))
    if mo.exists():
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    log.warning("No translations for %s in %s; showing English", language, LOCALE_DIR)
    return gettext.NullTranslations()


def compile_catalogs(source: Path, target: Path) -> list[Path]:
    """Compile every ``<lang>/LC_MESSAGES/*.po`` under ``source`` into the same place under
    ``target``; returns the ``.mo`` files written. The build step of the wheel (``setup.py``):
    there ``source`` is the source tree and ``target`` the build folder."""
    written: list[Path] = []
    for po in sorted(source.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        mo.write_bytes(compile_po(po.read_text(encoding="utf-8")))
        written.append(mo)
    return written


@lru_cache(maxsize=None)
def translator(language: str | None) -> Translate:
    """``gettext`` for a worker's language tag (unknown languages get English)."""
    lang = base_language(language)
    if lang == "en":
        return gettext.NullTranslations().gettext  # English msgids are the English words
    return catalog(lang).gettext


def translate(language: str | None, message: str, **values: object) -> str:
    """One translated message with ``{name}`` placeholders filled in."""
    text = translator(language)(message)
    return text.format(**values) if values else text


__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "base_language",
    "catalog",
    "compile_catalogs",
    "compile_po",
    "parse_po",
    "translate",
    "translator",
]
