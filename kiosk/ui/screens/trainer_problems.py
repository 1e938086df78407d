"""Trainer: every problem in one list — the packs' and the kiosk's own — in the kiosk language.

Reached from the trainer home's **Problems** button (its badge counts what is listed). The rows
come from ``kiosk.ui.models.problems`` (Kivy-free): grouped by pack (broken ones first), then the
kiosk's own problems; each says where (file, step), what is wrong and what to do, in the kiosk
language. The list is a RecycleView: a pack with its fifty problems and a long kiosk log cost only
the rows in view. **Clear problems** empties the kiosk's own list at once, with **Undo** for
10 seconds (``UndoBar``); pack problems leave the list when the pack is fixed (the shelf's next
scan), so they are not cleared.
"""

from __future__ import annotations

from typing import Any

from kivy.metrics import dp
from kivy.properties import ListProperty, NumericProperty, StringProperty
from kivy.uix.label import Label
from kivy.uix.recycleview import RecycleView
from kivy.utils import escape_markup

from kiosk.i18n import translator
from kiosk.ui.models.problems import ProblemRow, problems_view
from kiosk.ui.screens.base import TrainerScreen
from kiosk.ui.widgets import load_kv


class ProblemItem(Label):
    """One row: a group's heading (pack name and state) or a problem (where, what, what to do),
    as one wrapped label that is as tall as its words. (A row of several widgets whose height
    follows its labels' widths made the RecycleView lay out for ever.)"""

    kind = StringProperty("problem")
    severity = StringProperty("")
    what = StringProperty("")


class ProblemList(RecycleView):
    """The rows, recycled: only the rows in view are widgets."""

    rows = ListProperty([])
    row_gap = NumericProperty(dp(10))


class TrainerProblemsScreen(TrainerScreen):
    summary = StringProperty("")
    count = NumericProperty(0)
    kiosk_count = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app.shelf.listeners.append(self._shelf_changed)

    def _shelf_changed(self, _result: Any) -> None:
        """A pack was fixed or broke while the trainer looks: the list follows."""
        if self.manager is not None and self.manager.current == self.name:
            self.refresh()

    def on_pre_enter(self, *_args: Any) -> None:
        self.refresh()
        self.ids.list.scroll_y = 1

    def on_leave(self, *_args: Any) -> None:
        self.ids.undo.hide()  # the clearing stays done

    def refresh(self) -> None:
        app = self.app
        language = app.kiosk_lang
        view = problems_view(
            app.shelf.result,
            app.problems.stored(),
            app.shelf.packs,
            language,
            self.tr,
            translator(language) if language != "en" else None,
        )
        self.summary, self.count, self.kiosk_count = view.summary, view.count, view.kiosk_count
        self._words = [" ".join(p for p in (row.title, row.what, row.todo) if p) for row in view.rows]
        self.ids.list.data = [
            {"text": _markup(row), "kind": row.kind, "severity": row.severity, "what": row.what} for row in view.rows
        ]

    def row_texts(self) -> list[str]:
        """Every row's words, for tests and reading aloud."""
        return list(getattr(self, "_words", []))

    def clear_problems(self) -> None:
        """Empty the kiosk's own list at once; Undo brings it back for 10 s."""
        removed = self.app.problems.clear()
        self.refresh()
        if removed:
            self.ids.undo.show(
                self.tr("1 problem cleared.")
                if len(removed) == 1
                else self.tr("{count} problems cleared.", count=len(removed)),
                lambda: self.undo_clear(removed),
            )

    def undo_clear(self, removed: list[Any]) -> None:
        self.app.problems.restore(removed)
        self.refresh()

    def focusables(self) -> list[Any]:
        items = [self.ids.back, self.ids.clear_button]
        if self.ids.undo.shown:
            items.append(self.ids.undo.ids.undo)
        return items


def _markup(row: ProblemRow) -> str:
    """A row as one label: a heading in bold; a problem as where (bold), what, and what to do."""
    if row.kind == "group":
        return f"[b]{escape_markup(row.title)}[/b]"
    lines = [f"[b]{escape_markup(row.title)}[/b]"] if row.title else []
    lines.append(escape_markup(row.what))
    if row.todo:
        lines.append(f"→ {escape_markup(row.todo)}")
    return "\n".join(lines)


load_kv(__file__)
