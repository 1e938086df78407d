"""Problems the worker must never see, kept for the trainer.

A missing sound, a speech engine that fails or a journal that cannot be written must not stop a
worker: the step is shown anyway. Each problem goes to Python logging, to an in-memory list, and
(when the journal can be written) to the journal setting ``ui.problems``, which the trainer screen
lists. Repeats of the same problem are kept once per session so a broken speaker does not fill
the journal with one line per step.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from kiosk.journal.settings import SettingsStore

log = logging.getLogger("kiosk.ui.problems")

SETTING_KEY = "ui.problems"
MAX_KEPT = 50


@dataclass(frozen=True)
class UiProblem:
    kind: str  # "audio", "speech", "journal", "picture", "packs"
    message: str  # plain words for the trainer
    detail: str  # technical detail (exception text, file)
    at: str  # UTC ISO time


class ProblemLog:
    def __init__(self, store: SettingsStore | None = None) -> None:
        self.store = store
        self.items: list[UiProblem] = []
        self._seen: set[tuple[str, str, str]] = set()

    def add(self, kind: str, message: str, detail: object = "") -> UiProblem | None:
        """Record one problem; returns it, or None when it was already recorded this session."""
        detail_text = str(detail)
        key = (kind, message, detail_text)
        if key in self._seen:
            return None
        self._seen.add(key)
        problem = UiProblem(kind, message, detail_text, datetime.now(timezone.utc).isoformat(timespec="seconds"))
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

    def clear(self) -> None:
        self.items.clear()
        self._seen.clear()
        if self.store is not None:
            try:
                self.store.set_setting(SETTING_KEY, [])
            except Exception as exc:  # noqa: BLE001
                log.warning("Cannot clear stored problems: %s", exc)

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
