"""Problems the worker must never see, kept for the trainer.

A missing sound, a speech engine that fails or a journal that cannot be written must not stop a
worker: the step is shown anyway. Each problem goes to Python logging, to an in-memory list, and
(when the journal can be written) to the journal setting ``ui.problems``, which the trainer screen
lists. Repeats of the same problem are kept once per session so a broken speaker does not fill
the journal with one line per step.

The message is kept in English and, when it was given as a ``Msg`` (a template with values), as
that template too, so the trainer's Problems screen shows it in the kiosk language
(``problem_words``); a plain literal message is found in the catalogs by its English words.
Clearing the list can be undone (``clear`` returns what ``restore`` puts back): a trainer who
tapped Clear by mistake has not lost the only record of what went wrong.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from kiosk.journal.settings import SettingsStore
from kiosk.packs.words import Msg

log = logging.getLogger("kiosk.ui.problems")

SETTING_KEY = "ui.problems"
MAX_KEPT = 50


@dataclass(frozen=True)
class UiProblem:
    kind: str  # "audio", "speech", "journal", "picture", "packs"
    message: str  # plain words for the trainer (English)
    detail: str  # technical detail (exception text, file)
    at: str  # UTC ISO time
    words: dict[str, Any] | None = field(default=None)  # ``Msg.as_json`` of the message, when it has values
    detail_words: dict[str, Any] | None = field(default=None)  # the same for a detail in the kiosk's words


class ProblemLog:
    def __init__(self, store: SettingsStore | None = None) -> None:
        self.store = store
        self.items: list[UiProblem] = []
        self._seen: set[tuple[str, str, str]] = set()

    def add(self, kind: str, message: str | Msg, detail: object = "") -> UiProblem | None:
        """Record one problem; returns it, or None when it was already recorded this session.
        ``message`` (and ``detail``) may be a ``Msg``, so they can be shown in the kiosk language."""
        text, detail_text = str(message), str(detail)
        key = (kind, text, detail_text)
        if key in self._seen:
            return None
        self._seen.add(key)
        problem = UiProblem(
            kind,
            text,
            detail_text,
            datetime.now(timezone.utc).isoformat(timespec="seconds"),
            message.as_json() if isinstance(message, Msg) else None,
            detail.as_json() if isinstance(detail, Msg) else None,
        )
        self.items.append(problem)
        log.warning("%s: %s (%s)", kind, message, detail_text)
        self._persist(problem)
        return problem

    def stored(self) -> list[dict[str, str]]:
        """Problems kept in the journal (from this and earlier sessions), newest last."""
        if self.store is None:
            return [asdict(p) for p in self.items]
        try:
            value = self.store.get_setting(SETTING_KEY, [])
        except Exception:  # noqa: BLE001 - a broken journal must not hide the in-memory list
            return [asdict(p) for p in self.items]
        return list(value) if isinstance(value, list) else []

    def clear(self) -> list[dict[str, Any]]:
        """Empty the list; returns what was in it, for ``restore`` (Undo)."""
        removed = self.stored()
        self.items.clear()
        self._seen.clear()
        if self.store is not None:
            try:
                self.store.set_setting(SETTING_KEY, [])
            except Exception as exc:  # noqa: BLE001
                log.warning("Cannot clear stored problems: %s", exc)
        return removed

    def restore(self, removed: list[dict[str, Any]]) -> None:
        """Undo ``clear``: the problems it removed come back before any recorded since."""
        since = self.stored()
        kept = (list(removed) + since)[-MAX_KEPT:]
        self.items = [p for p in map(_from_dict, kept) if p is not None]
        self._seen = {(p.kind, p.message, p.detail) for p in self.items}
        if self.store is not None:
            try:
                self.store.set_setting(SETTING_KEY, kept)
            except Exception as exc:  # noqa: BLE001
                log.warning("Cannot restore stored problems: %s", exc)

    def _persist(self, problem: UiProblem) -> None:
        if self.store is None:
            return
        try:
            kept = self.store.get_setting(SETTING_KEY, [])
            kept = list(kept) if isinstance(kept, list) else []
            kept.append(asdict(problem))
            self.store.set_setting(SETTING_KEY, kept[-MAX_KEPT:])
        except Exception as exc:  # noqa: BLE001 - JournalError or a closed journal: keep in memory
            log.warning("Cannot store the problem in the journal: %s", exc)


def _from_dict(value: Any) -> UiProblem | None:
    if not isinstance(value, Mapping):
        return None
    return UiProblem(
        str(value.get("kind", "")),
        str(value.get("message", "")),
        str(value.get("detail", "")),
        str(value.get("at", "")),
        value.get("words") if isinstance(value.get("words"), dict) else None,
        value.get("detail_words") if isinstance(value.get("detail_words"), dict) else None,
    )


def problem_words(stored: Mapping[str, Any], gettext: Callable[[str], str] | None) -> tuple[str, str]:
    """(message, detail) of a stored problem in the language of ``gettext`` (English without one):
    from its template when it has one, else its English words looked up as they are."""
    message = str(stored.get("message", ""))
    detail = str(stored.get("detail", ""))
    if gettext is None:
        return message, detail
    words = Msg.from_json(stored.get("words")) or Msg(message)
    detail_words = Msg.from_json(stored.get("detail_words"))
    return words.render(gettext), detail_words.render(gettext) if detail_words is not None else detail
