"""Problem words that can be shown in the trainer's language later (Kivy-free).

A pack is read once, but its problems are shown on a kiosk whose language the trainer may change,
and by ``kiosk pack validate`` in English or another language. So a problem does not keep a
finished sentence only: it keeps ``Msg`` — the English template (the gettext msgid in
``kiosk/i18n/<lang>/LC_MESSAGES/kiosk.po``) and the values that fill it — and is put into words
when it is shown. A value may itself be a ``Msg`` (the noun "picture", what the kiosk does instead),
so every part that is the kiosk's own words is translated; names of files and a system's error
text stay as they are.

English is the template itself, so ``str(msg)`` is exactly the sentence the code always wrote, and
a translation that is missing or broken falls back to it.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

Gettext = Callable[[str], str]


def _english(text: str) -> str:
    return text


class Msg:
    """An English message template with its values; ``render(gettext)`` puts it into words.

    Written at the place a problem is found, with a literal template:
    ``Msg("The picture {name} is missing.", name=shown)``; the completeness test reads these
    literals (``tests/ui/test_ui_language.py``), so every template must be a literal string.
    """

    __slots__ = ("template", "values")

    def __init__(self, template: str, **values: Any) -> None:
        self.template = template
        self.values: dict[str, Any] = values

    def render(self, gettext: Gettext | None = None) -> str:
        """The words in the language of ``gettext`` (English without one)."""
        tr = gettext or _english
        values = {
            name: value.render(gettext) if isinstance(value, Msg) else value for name, value in self.values.items()
        }
        translated = tr(self.template)
        try:
            return translated.format(**values) if values else translated
        except (KeyError, IndexError, ValueError):  # a broken translation: the English words
            return self.template.format(**values) if values else self.template

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Msg({self.template!r}, **{self.values!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Msg) and (self.template, self.values) == (other.template, other.values)

    def __hash__(self) -> int:
        return hash(self.template)

    def as_json(self) -> dict[str, Any]:
        """For files the kiosk keeps (a zip's remembered warnings): the template and its values."""
        return {
            "template": self.template,
            "values": {k: v.as_json() if isinstance(v, Msg) else v for k, v in self.values.items()},
        }

    @classmethod
    def from_json(cls, value: Any) -> "Msg | None":
        """The ``Msg`` written by ``as_json``; None for anything else (an old or damaged file)."""
        if not isinstance(value, Mapping) or not isinstance(value.get("template"), str):
            return None
        values = value.get("values") or {}
        if not isinstance(values, Mapping):
            return None
        decoded: dict[str, Any] = {}
        for name, item in values.items():
            decoded[str(name)] = cls.from_json(item) if isinstance(item, Mapping) else item
        return cls(value["template"], **decoded)


class MsgLines(Msg):
    """Several messages, one per line (a photo folder with three photos that cannot be opened):
    each line is put into words on its own."""

    __slots__ = ("lines",)

    def __init__(self, lines: list[Msg]) -> None:
        super().__init__("")
        self.lines = list(lines)

    def render(self, gettext: Gettext | None = None) -> str:
        return "\n".join(line.render(gettext) for line in self.lines)

    def __repr__(self) -> str:
        return f"MsgLines({self.lines!r})"

    def __eq__(self, other: object) -> bool:  # by its lines: Msg's own compares the empty template
        return isinstance(other, MsgLines) and self.lines == other.lines

    def __hash__(self) -> int:
        return hash(tuple(self.lines))

    def as_json(self) -> dict[str, Any]:
        """Kept in a file as the English lines (read back, they stay English)."""
        return {"template": self.render(), "values": {}}


def as_msg(text: "str | Msg") -> Msg:
    """A plain sentence counts as its own template (found in the catalogs when it is a literal);
    without values it is never formatted, so braces in it stay as they are."""
    return text if isinstance(text, Msg) else Msg(text)
