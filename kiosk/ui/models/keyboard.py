"""On-screen keyboard layouts for typing a name without a hardware keyboard (en, de, zh).

Kivy's ``VKeyboard`` reads a layout as a dict (its JSON format: ``cols``, ``rows`` and rows
``normal_N`` / ``shift_N`` of ``[shown, text, special, width]`` keys). Kivy's bundled layouts have
15 narrow keys in a row with symbols a name never needs; these have only letters, a hyphen, an
apostrophe and a space, so each key can be a real touch target:
- wide screens get a QWERTY (QWERTZ for German) with 12 keys in a row;
- narrow (portrait) screens get the letters in alphabetical order, 8 in a row.
German has ä ö ü ß (and Ä Ö Ü with Shift). Chinese names are typed in Latin letters (pinyin, no
Hanzi input method): the kiosk has no IME, and a worker is recognised by their photo anyway.
Shift is a toggle (capital letters until it is tapped again: a touchscreen cannot hold it while
tapping a letter). Special keys carry a symbol and a word (⇧ Shift, ← Delete, ✓ Done: glyphs the CJK font has), in the kiosk language.
"""

from __future__ import annotations

from typing import Any

Key = list[Any]  # [shown, text, special, width]

WIDE_ROWS = {
    "en": ["qwertyuiop-'", "asdfghjkl", "zxcvbnm"],
    "de": ["qwertzuiopü-", "asdfghjklöä'", "yxcvbnmß"],
}
NARROW_ROWS = {
    "en": ["abcdefgh", "ijklmnop", "qrstuvwx", "yz-'"],
    "de": ["abcdefgh", "ijklmnop", "qrstuvwx", "yzäöüß-'"],
}


def _letters(row: str, shift: bool) -> list[Key]:
    keys = []
    for ch in row:
        # "ß".upper() is "SS": keep ß as it is on the Shift layer
        shown = ch.upper() if shift and ch != "ß" else ch
        keys.append([shown, shown, None, 1])
    return keys


def _padded(keys: list[Key], cols: int) -> list[Key]:
    """Centre a short row by widening its outer keys (VKeyboard draws rows from the left)."""
    width = sum(k[3] for k in keys)
    spare = cols - width
    if spare > 0 and keys:
        keys[0] = [*keys[0][:3], keys[0][3] + spare / 2]
        keys[-1] = [*keys[-1][:3], keys[-1][3] + spare / 2]
    return keys


def layout(language: str, wide: bool, words: dict[str, str]) -> dict[str, Any]:
    """A VKeyboard layout for ``language`` ("zh" types Latin letters like "en").

    ``words``: translated "Shift", "Delete", "Done" for the special keys.
    """
    lang = "de" if language == "de" else "en"
    rows = (WIDE_ROWS if wide else NARROW_ROWS)[lang]
    cols = 12 if wide else 8
    shift = [f"⇧ {words.get('Shift', 'Shift')}", None, "capslock", 2]  # a toggle: one tap, not a hold
    delete = [f"← {words.get('Delete', 'Delete')}", None, "backspace", 2]
    done = [f"✓ {words.get('Done', 'Done')}", None, "enter", 2 if wide else 3]
    result: dict[str, Any] = {
        "title": f"kiosk-{lang}-{'wide' if wide else 'narrow'}",
        "description": "Step Kiosk names",
        "cols": cols,
    }
    for mode in ("normal", "shift"):
        up = mode == "shift"
        lines: list[list[Key]] = []
        if wide:
            lines.append(_padded(_letters(rows[0], up), cols))
            lines.append(_padded(_letters(rows[1], up), cols))
            lines.append(_padded([list(shift), *_letters(rows[2], up), list(delete)], cols))
            lines.append([[" ", " ", "spacebar", cols - 2], list(done)])
        else:
            for row in rows[:3]:
                lines.append(_letters(row, up))
            last = _letters(rows[3], up)
            if len(rows[3]) + shift[3] <= cols:  # room for Shift beside the last letters
                lines.append(_padded([list(shift), *last], cols))
                lines.append([[" ", " ", "spacebar", cols - delete[3] - done[3]], list(delete), list(done)])
            else:
                lines.append(last)
                lines.append(
                    [
                        list(shift),
                        [" ", " ", "spacebar", cols - shift[3] - delete[3] - done[3]],
                        list(delete),
                        list(done),
                    ]
                )
        for number, keys in enumerate(lines, start=1):
            result[f"{mode}_{number}"] = keys
        result["rows"] = len(lines)
    return result


def key_texts(keyboard_layout: dict[str, Any], mode: str = "normal") -> list[str]:
    """Every key's shown text of one layer (for tests and checks)."""
    return [key[0] for number in range(1, keyboard_layout["rows"] + 1) for key in keyboard_layout[f"{mode}_{number}"]]
