"""Trainer: how much help each step shows a worker, and the coach's say over it.

For one worker and one pack (tap the names to switch): every step's picture with its level
(full, reduced, grouped) and why; **Always full support** locks the worker; **Start again at full**
forgets this pack's record for the rules; **Fading** turns it off for the whole kiosk. Every change
is kept with its reason (``kiosk.support``); the rules are in docs/support.md.
"""

from __future__ import annotations

import time
from typing import Any

from kivy.properties import BooleanProperty, ListProperty, ObjectProperty, StringProperty

from kiosk.support import reset_pack, set_locked
from kiosk.support.plan import FADING_KEY
from kiosk.support.view import choices, support_view
from kiosk.ui.screens.base import TrainerScreen
from kiosk.ui.widgets import load_kv

LEVEL_ICONS = {"full": "speaker", "reduced": "check", "grouped": "done"}


class TrainerSupportScreen(TrainerScreen):
    person = ObjectProperty(None, allownone=True)
    pack = ObjectProperty(None, allownone=True)
    person_name = StringProperty("")
    pack_title = StringProperty("")
    locked = BooleanProperty(False)
    fading = BooleanProperty(True)
    rows = ListProperty([])
    changes_text = StringProperty("")
    message = StringProperty("")

    def on_pre_enter(self, *_args: Any) -> None:
        self.update()

    def _people(self) -> list[Any]:
        try:
            return list(self.app.journal.people())
        except Exception as exc:  # noqa: BLE001
            self.app.problems.add("journal", "The list of people could not be read.", exc)
            return []

    def next_person(self) -> None:
        people = self._people()
        ids = [p.id for p in people]
        chosen = choices(ids, self.person.id if self.person is not None else None)
        self.person = next((p for p in people if p.id == chosen), None)
        self.update()

    def next_pack(self) -> None:
        packs = list(self.app.shelf.packs)
        self.pack = choices(packs, self.pack)
        self.update()

    def update(self) -> None:
        if self.person is None:
            people = self._people()
            self.person = people[0] if people else None
        if self.pack is None or self.pack not in self.app.shelf.packs:
            self.pack = self.app.shelf.packs[0] if self.app.shelf.packs else None
        if self.person is None or self.pack is None:
            self.rows, self.person_name, self.pack_title = [], "", ""
            return
        try:
            view = support_view(
                self.app.journal, self.person, self.pack, language=self.app.kiosk_lang, now_ms=int(time.time() * 1000)
            )
        except Exception as exc:  # noqa: BLE001
            self.app.problems.add("journal", "Support levels could not be read.", exc)
            self.message = self.tr("Could not read the record. Please try again.")
            return
        self.person_name, self.pack_title = view.person_name, view.pack_title
        self.locked, self.fading = view.locked, view.fading
        self.rows = [
            {
                "number": row.number,
                "picture": str(row.picture),
                "level": row.level,
                "word": self.tr({"full": "Full", "reduced": "Reduced", "grouped": "Grouped"}[row.level]),
                "icon": LEVEL_ICONS[row.level],
                "reason": self.tr(row.reason),
            }
            for row in view.steps
        ]
        self.changes_text = "\n".join(view.changes) or self.tr("No changes yet.")
        self._fill()

    def _fill(self) -> None:
        from kiosk.ui.widgets.levels import StepLevel

        box = self.ids.steps
        box.clear_widgets()
        for row in self.rows:
            box.add_widget(StepLevel(**{key: row[key] for key in ("number", "picture", "word", "icon", "reason")}))

    def toggle_lock(self) -> None:
        self._change(lambda now: set_locked(self.app.journal, self.person.id, not self.locked, at_ms=now))

    def reset(self) -> None:
        self._change(lambda now: reset_pack(self.app.journal, self.person.id, self.pack.id, at_ms=now))

    def toggle_fading(self) -> None:
        self._change(lambda _now: self.app.journal.set_setting(FADING_KEY, not self.fading))

    def _change(self, action: Any) -> None:
        if self.person is None or self.pack is None:
            return
        try:
            action(int(time.time() * 1000))
        except Exception as exc:  # noqa: BLE001 - JournalError: nothing changed
            self.app.problems.add("journal", "A support setting could not be saved.", exc)
            self.message = self.tr("Could not save. Please try again.")
            return
        self.message = ""
        self.update()


load_kv(__file__)
