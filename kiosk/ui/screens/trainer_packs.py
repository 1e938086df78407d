"""Trainer: every pack the kiosk found, usable or not, and why — plus "Reload packs" and a preview.

Each pack source (folder or zip in the drop folder and the sample folders) is one row: its picture
(or the broken icon), its title, its state in an icon AND a word (Ready / Warnings / Broken) and its
problems in plain words ("file, step N: message — hint"), as ``kiosk.packs`` reports them.
A row's problems are a recycling list (``ProblemLines``, a RecycleView of at most a few screens'
height): a hostile pack once had 20,000 problems, and one Label holding them all needed a texture
larger than the graphics memory ("Unable to allocate memory for texture"); the loader now caps the
list, and the screen only ever draws the lines in view.
A folder of phone photos without numbers (``kiosk.authoring.photo_task``) is shown as what it is,
photos that are not a task yet, with one big button "Make a task from these photos": the task is
made on a thread (a dozen 12 MP photos take seconds to turn upright and shrink), the row says
"Making the task …" meanwhile, and the rows are rebuilt from a new scan when it is done.
Each usable pack's row also arranges the workers' shelf (``kiosk.trainer.shelf_arrangement``):
**Hide** / **Show** (a hidden pack stays listed here, marked "Hidden from workers") and **Move up** /
**Move down**. The usable rows are listed in that order, the order of the tasks screen; each change
is saved in the journal at once.
The rows follow the pack folders by themselves (``kiosk.ui.pack_watcher`` polls them every 2 s);
"Reload packs" asks the shelf for a new scan now. Tapping a usable pack opens ``trainer_preview``.
What each row says (order, state word and icon, problem lines, the status line) is decided by
``kiosk.ui.models.packs`` (Kivy-free); this screen only turns the rows into widgets.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.recycleview import RecycleView

from kiosk.authoring.photo_task import PhotoTaskError, make_task_from_photos, offers_photo_task
from kiosk.i18n import translator
from kiosk.packs.photo_folder import title_from_name
from kiosk.packs.words import Msg
from kiosk.trainer.shelf_arrangement import ShelfArrangement
from kiosk.ui.models.packs import packs_view
from kiosk.ui.screens.base import TrainerScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.buttons import Focusable, GuardedButtonBehavior
from kiosk.ui.widgets.icon import icon_path

RELOAD_TIMEOUT_S = 60.0
MAX_PROBLEMS_HEIGHT_DP = 300  # a long list scrolls inside its row, so the other packs stay near


class ProblemLine(Label):
    """One problem (or the pack's path) in a row's recycling list; as tall as its wrapped text."""


class ProblemLines(RecycleView):
    """A pack's problems as a recycling list: only the lines in view are widgets with textures,
    however long the list is; the list is as tall as its lines, up to ``max_height``."""

    max_height = NumericProperty(dp(MAX_PROBLEMS_HEIGHT_DP))


class PackRow(GuardedButtonBehavior, Focusable, BoxLayout):
    """One pack report; the whole row is a button when the pack can be used."""

    title = StringProperty("")
    state_word = StringProperty("")
    state_icon = StringProperty("")
    details = StringProperty("")  # every line, for reading aloud and tests; drawn by ``lines``
    lines = ListProperty([])
    usable = BooleanProperty(False)
    texture = ObjectProperty(None, allownone=True)
    placeholder = StringProperty("")
    report = ObjectProperty(None, allownone=True)
    pack = ObjectProperty(None, allownone=True)
    photo_task = BooleanProperty(False)  # photos without numbers: "Make a task from these photos"
    making = BooleanProperty(False)  # the task is being made from them right now
    note = StringProperty("")  # what became of the last try (a refusal, in the kiosk language)
    hidden = BooleanProperty(False)  # hidden from workers (the trainer still sees it here)
    first = BooleanProperty(False)  # first / last of the usable packs: no Move up / Move down
    last = BooleanProperty(False)


class TrainerPacksScreen(TrainerScreen):
    status = StringProperty("")
    making = BooleanProperty(False)  # a task is being made from photos (tests wait for it)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.arrangement = ShelfArrangement()  # hidden packs and the order, as last read
        self._poll = None
        self._waited = 0.0
        self._before: Any = None
        self._making: set[Path] = set()  # photo folders being made into tasks
        self._notes: dict[Path, str] = {}  # photo folder -> why the last try failed
        self.app.shelf.listeners.append(self._shelf_changed)

    def _shelf_changed(self, _result: Any) -> None:
        """The pack watcher (or a visit to the tasks screen) found new, changed or removed packs."""
        if self._poll is None and self.manager is not None and self.manager.current == self.name:
            self.refresh()

    def on_pre_enter(self, *_args: Any) -> None:
        self.refresh()

    def rows(self) -> list[PackRow]:
        return [w for w in reversed(self.ids.rows.children) if isinstance(w, PackRow)]

    def focusables(self) -> list[Any]:
        items: list[Any] = [self.ids.back, self.ids.reload]
        for row in self.rows():
            if row.usable:
                items.extend(b for b in (row, row.ids.hide, row.ids.up, row.ids.down) if not b.disabled)
            elif row.photo_task:
                items.append(row.ids.make)
        return items

    def scroll_to(self, widget: Any) -> None:
        if isinstance(widget, PackRow):
            self.ids.scroller.scroll_to(widget, animate=False)

    def refresh(self) -> None:
        """Rebuild the rows from the shelf's last scan."""
        shelf = self.app.shelf
        box = self.ids.rows
        box.clear_widgets()
        self.focus_index = -1
        view = packs_view(shelf.result, shelf.packs, shelf.find, self.app.kiosk_lang, self.tr)
        self.status = view.status
        arrangement = self.arrangement = ShelfArrangement.load(self.app.journal)
        # what needs the trainer first (the model's order), then the usable packs in the order
        # the workers see them
        place = {pack.id: index for index, pack in enumerate(arrangement.ordered(shelf.packs))}
        usable = sorted(
            (m for m in view.rows if m.pack is not None),
            key=lambda m: place.get(m.pack.id, len(place)),  # type: ignore[union-attr]
        )
        others = [m for m in view.rows if m.pack is None]
        for model in [*others, *usable]:
            photo_task = offers_photo_task(model.report)
            path = Path(model.report.path)
            row = PackRow(
                # a pack that could not be read is named after its folder, made readable (its id
                # is a slug: "wash-hands-2026")
                title=model.title if model.usable else title_from_name(path.stem if path.suffix else path.name),
                state_word=model.state_word,
                state_icon=icon_path(model.state_icon),
                lines=list(model.lines),
                details="\n".join(model.lines),
                usable=model.usable,
                report=model.report,
                pack=model.pack,
                placeholder=icon_path("ready" if model.usable else "camera" if photo_task else "broken"),
                guarded=False,
                photo_task=photo_task,
                making=path in self._making,
                note=self._notes.get(path, ""),
                hidden=model.pack is not None and arrangement.is_hidden(model.pack.id),
                first=bool(usable) and model is usable[0],
                last=bool(usable) and model is usable[-1],
            )
            if model.usable:
                row.ids.hide.bind(on_activate=lambda _b, r=row: self.set_hidden(r, not r.hidden))
                row.ids.up.bind(on_activate=lambda _b, r=row: self.move(r, -1))
                row.ids.down.bind(on_activate=lambda _b, r=row: self.move(r, 1))
                for arrow in (row.ids.up, row.ids.down):  # dimmed when it cannot move, word kept
                    arrow.ids.word.disabled_color = self.app.theme.text
            if photo_task:
                row.state_word, row.state_icon = self.tr("Photos, not a task yet"), icon_path("camera")
                row.ids.make.bind(on_activate=lambda _button, r=row: self.make_task(r))
            if model.thumbnail is not None:
                texture = self.app.tile_pictures.get(model.thumbnail, lambda t, r=row: setattr(r, "texture", t))
                if texture is not None:
                    row.texture = texture
            row.bind(on_activate=self._open)
            box.add_widget(row)

    def reload(self) -> None:
        """Scan the pack folders now (in the background); the rows follow when it is done."""
        shelf = self.app.shelf
        self._before = shelf.result
        self.status = self.tr("Looking for packs…")
        shelf.refresh()
        self._waited = 0.0
        if self._poll is not None:
            self._poll.cancel()
        self._poll = Clock.schedule_interval(self._check_reload, 0)

    def _check_reload(self, dt: float) -> bool:
        shelf = self.app.shelf
        self._waited += dt
        if shelf.scanning:
            return True
        if shelf.result is self._before and self._waited < 2.0:
            return True  # the result reaches the main thread a frame later (a failed scan never)
        self._poll = None
        self.refresh()
        return False

    def on_leave(self, *_args: Any) -> None:
        if self._poll is not None:
            self._poll.cancel()
            self._poll = None

    # -- the workers' shelf ------------------------------------------------------------------------

    def set_hidden(self, row: PackRow, hidden: bool) -> None:
        """Hide the row's pack from workers, or show it again (saved at once)."""
        self._arrange(row, self.arrangement.with_hidden(row.pack.id, hidden), "hide")

    def move(self, row: PackRow, by: int) -> None:
        """Move the row's pack up (-1) or down (1) on the workers' tasks screen (saved at once)."""
        self._arrange(row, self.arrangement.moved(row.pack.id, by, self.app.shelf.packs), "up" if by < 0 else "down")

    def _arrange(self, row: PackRow, changed: ShelfArrangement, button: str) -> None:
        try:
            changed.save(self.app.journal)
        except Exception as error:  # noqa: BLE001 - JournalError, a read-only journal: said, not raised
            self.app.problems.add("journal", "The order or hiding of packs could not be saved.", error)
            self.status = self.tr("This could not be saved. Please try again.")
            return
        pack_id = row.pack.id
        self.refresh()
        moved = next((r for r in self.rows() if r.pack is not None and r.pack.id == pack_id), None)
        if moved is not None:  # the row and the button the trainer is using stay in view
            Clock.schedule_once(lambda _dt: self.ids.scroller.scroll_to(moved.ids[button], animate=False), 0)

    # -- a folder of photos becomes a task ------------------------------------------------------------

    def make_task(self, row: PackRow) -> None:
        """Make a task from the row's photos on a thread; the rows follow a scan afterwards."""
        path = Path(row.report.path)
        if path in self._making:
            return
        self._making.add(path)
        self._notes.pop(path, None)
        self.making = row.making = True
        row.note = ""
        language, taken = self.app.kiosk_lang, frozenset(pack.id for pack in self.app.shelf.packs)
        threading.Thread(
            target=self._make_in_background, args=(path, language, taken), name="kiosk-photo-task", daemon=True
        ).start()

    def _make_in_background(self, path: Path, language: str, taken: frozenset[str]) -> None:
        try:
            make_task_from_photos(path, language, taken=taken)
            outcome: Any = None
        except PhotoTaskError as refusal:
            outcome = refusal
        except Exception as error:  # noqa: BLE001 - said on the row and logged; the kiosk goes on
            outcome = error
        Clock.schedule_once(lambda _dt: self._made(path, outcome), 0)

    def _made(self, path: Path, outcome: Any) -> None:
        """Back on the main thread: a new scan shows the task (Ready), or the row says why not."""
        self._making.discard(path)
        self.making = bool(self._making)
        if isinstance(outcome, PhotoTaskError):
            words = translator(self.app.kiosk_lang)
            self._notes[path] = f"{outcome.message.render(words)} — {outcome.hint.render(words)}"
        elif outcome is not None:
            self.app.problems.add(
                "pictures", Msg("A task could not be made from the photos in {folder}.", folder=path.name), outcome
            )
            self._notes[path] = self.tr("The task could not be made. The photos are unchanged.")
        if self.manager is not None and self.manager.current == self.name:
            self.reload()

    def _open(self, row: PackRow) -> None:
        if row.pack is None:
            return
        self.app.go("trainer_preview", pack=row.pack)


load_kv(__file__)
