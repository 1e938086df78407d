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

The rows are a recycling list too (issue 20, "Big libraries"): each pack is a plain entry (a dict)
of a ``RecycleView``, and only the rows on screen exist as ``PackRow`` widgets, each given another
entry (``refresh_view_attrs``) as the trainer scrolls, so a library of 1,000 packs does not make
1,000 rows with their pictures, buttons and problem lists. Rows differ in height (a title on two
lines, a broken pack's problems, a hidden pack's line): each row fits its own height, and the
screen remembers it, so a new scan after Hide or Move lays the list out without jumps. Focus and
keyboard go by an entry's place in the list and the part of its row, as on the tasks screen
(``kiosk.ui.screens.tiles``): Tab reaches every pack, and the focused row is scrolled into view
and made when the focus gets there.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.recycleview import RecycleView
from kivy.uix.recycleview import views as recycle_views
from kivy.uix.recycleview.views import RecycleDataViewBehavior

from kiosk.authoring.photo_task import PhotoTaskError, make_task_from_photos, offers_photo_task
from kiosk.i18n import translator
from kiosk.packs.photo_folder import title_from_name
from kiosk.packs.words import Msg
from kiosk.trainer.shelf_arrangement import ShelfArrangement
from kiosk.ui.models.packs import packs_view
from kiosk.ui.screens.base import TrainerScreen
from kiosk.ui.screens.tiles import bring_into_view
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.buttons import Focusable, GuardedButtonBehavior
from kiosk.ui.widgets.icon import icon_path

RELOAD_TIMEOUT_S = 60.0
MAX_PROBLEMS_HEIGHT_DP = 300  # a long list scrolls inside its row, so the other packs stay near
MAX_REMEMBERED_HEIGHTS = 5000  # rows' measured heights kept (a library of 1,000 packs, a few widths)


class ProblemLine(Label):
    """One problem (or the pack's path) in a row's recycling list; as tall as its wrapped text
    (measured by ``ProblemLines``, given in its entry)."""


_line_heights: dict[tuple[str, float, float], float] = {}  # (text, font size, width) -> height


def line_height(text: str, font_size: float, width: float) -> float:
    """The height of ``text`` wrapped at ``width``, as a ``ProblemLine`` draws it (remembered:
    the same lines are measured again each time their row comes into view)."""
    key = (text, font_size, width)
    known = _line_heights.get(key)
    if known is None:
        if len(_line_heights) > 20_000:
            _line_heights.clear()
        label = CoreLabel(text=text, font_size=font_size, text_size=(width, None), halign="left", valign="top")
        label.refresh()
        known = _line_heights[key] = float(label.texture.height if label.texture is not None else font_size)
    return known


class ProblemLines(RecycleView):
    """A pack's problems as a recycling list: only the lines in view are widgets with textures,
    however long the list is; the list is as tall as its lines, up to ``max_height``.

    Each line's height is measured here and given in its entry, not found by its widget after it
    was drawn: inside the screen's own recycling list, a line measured late changed the row's
    height, the list laid its rows out again, which made the lines be measured again (a loop)."""

    max_height = NumericProperty(dp(MAX_PROBLEMS_HEIGHT_DP))
    lines = ListProperty([])
    muted = BooleanProperty(False)  # a usable pack's lines are detail: the muted text colour

    def on_kv_post(self, *_args: Any) -> None:
        self._measure = Clock.create_trigger(self._fill, -1)
        self.bind(width=self._measure, lines=self._measure, muted=self._measure)
        App.get_running_app().theme.bind(fs_small=self._measure, text=self._measure, text_muted=self._measure)
        self._fill()

    def _fill(self, *_args: Any) -> None:
        theme = App.get_running_app().theme
        font_size = theme.fs_small * 0.82
        width = max(1.0, float(self.width))
        color = theme.text_muted if self.muted else theme.text
        self.data = [
            {
                "text": line,
                "color": color,
                "font_size": font_size,
                "height": line_height(line, font_size, width) + dp(4),
            }
            for line in self.lines
        ]


class PackList(RecycleView):
    """The screen's recycling list of rows."""

    def scroll_to(self, widget: Any, padding: float = 10, animate: Any = False) -> None:
        """``ScrollView.scroll_to`` (``padding`` in dp) for a widget inside a row, at once: Kivy's
        own first asks the layout whether a layout is pending, which a recycling layout cannot
        answer (its trigger is a plain function: AttributeError in Kivy 2.3); its views are laid
        out by the time they exist. The rows scrolled into view are made now."""
        if not self.parent:
            return
        _x, bottom = self.parent.to_widget(*widget.to_window(widget.x, widget.y))
        _x, top = self.parent.to_widget(*widget.to_window(widget.right, widget.top))
        dy = 0.0
        if bottom < self.y:
            dy = self.y - bottom + dp(padding)
        elif top > self.top:
            dy = self.top - top - dp(padding)
        _dsx, dsy = self.convert_distance_to_scroll(0, dy)
        self.scroll_y = min(1.0, max(0.0, self.scroll_y - dsy))  # type: ignore[has-type]
        self.refresh_from_viewport()
        self.refresh_views()


class PackRow(RecycleDataViewBehavior, GuardedButtonBehavior, Focusable, BoxLayout):
    """One pack report, as a view of the screen's recycling list: the list makes only the rows
    on screen and gives each another pack's entry (``refresh_view_attrs``) as the trainer
    scrolls, so a library of 1,000 packs never makes 1,000 rows. The whole row is a button when
    the pack can be used; its buttons act on the entry it shows now, through ``owner``."""

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
    owner = ObjectProperty(None, allownone=True)  # the screen (a view is made by the RecycleView)
    index = NumericProperty(-1)  # the entry shown, in the RecycleView's data
    key = StringProperty("")  # the entry's pack source, to keep its lines' scroll while it stays
    look: Any = None  # what the row's height depends on (``entry_look``), to remember it
    _shown: Any = None  # the entry shown now

    def on_kv_post(self, base_widget: Any) -> None:
        super().on_kv_post(base_widget)  # the focus ring (Focusable)
        # Measured in the frame after a change, when its labels and layouts have settled: a height
        # measured halfway (the words of the entry it showed before) made the list lay out again
        # and hand the rows other entries, which changed their heights again (a loop).
        self._refit = Clock.create_trigger(self._fit_height, 0)
        self.ids.info.bind(minimum_height=self._refit)
        for arrow in (self.ids.up, self.ids.down):  # dimmed when it cannot move, word kept
            arrow.ids.word.disabled_color = App.get_running_app().theme.text

    def refresh_view_attrs(self, rv: Any, index: int, data: dict[str, Any]) -> None:
        """Show entry ``index``: every property from the entry, never anything of the entry this
        view showed before (its picture, its focus ring, its problem list's scroll).

        The list lays itself out again whenever a row's height changes, and then gives every row
        its entry again: a row that already shows that very entry is left as it is (nothing
        changed; its picture is not dropped and asked for again)."""
        if data is self._shown and index == self.index:
            return
        self.show(index, data)

    def show(self, index: int, data: dict[str, Any]) -> None:
        """Show entry ``index`` (also when the entry changed in place: ``_update_entry``)."""
        self._shown = data
        self.index = index
        self.owner = data.get("owner")
        if data["key"] != self.key:
            self.ids.details.scroll_y = 1
        self.key = data["key"]
        self.look = data.get("look")
        for name in ENTRY_PROPERTIES:
            setattr(self, name, data[name])
        self.show_focus(data.get("focus", ""))
        self.texture = None
        thumbnail = self._wanted = data.get("thumbnail")
        if thumbnail is not None:
            texture = App.get_running_app().tile_pictures.get(thumbnail, lambda t: self._picture_ready(thumbnail, t))
            if texture is not None:
                self.texture = texture
        self._refit()

    def refresh_view_layout(self, rv: Any, index: int, layout: Any, viewport: Any) -> None:
        """Place and size the row as the list says (its entry's measured height, or a guess for
        one not measured yet); the row measures itself again in the next frame."""
        super().refresh_view_layout(rv, index, layout, viewport)
        self._refit()

    def _picture_ready(self, path: Path, texture: Any) -> None:
        if texture is not None and path == self._wanted:  # still the pack that asked for it
            self.texture = texture

    def _fit_height(self, *_args: Any) -> None:
        """As tall as its content (at least the picture's frame); the screen remembers it, so a
        new scan (after Hide or Move) lays the list out at once with the rows' real heights."""
        self.height = max(dp(170), self.ids.info.minimum_height + dp(28))
        if self.owner is not None and self.look is not None:
            self.owner.remember_height(self.look, self.width, self.height)

    def show_focus(self, part: str) -> None:
        """The focus ring on the row (``row``), on one of its buttons, or nowhere (``""``)."""
        self.focused = part == "row"
        for name in ("hide", "up", "down", "make"):
            self.ids[name].focused = part == name

    def on_activate(self) -> None:
        if self.owner is not None:
            self.owner.open_row(self)

    def hide_or_show(self) -> None:
        if self.owner is not None:
            self.owner.set_hidden(self, not self.hidden)

    def move(self, by: int) -> None:
        if self.owner is not None:
            self.owner.move(self, by)

    def make_task(self) -> None:
        if self.owner is not None:
            self.owner.make_task(self)


#: The entry keys a ``PackRow`` shows as properties of the same name.
ENTRY_PROPERTIES = (
    "title",
    "state_word",
    "state_icon",
    "details",
    "lines",
    "usable",
    "placeholder",
    "report",
    "pack",
    "photo_task",
    "making",
    "note",
    "hidden",
    "first",
    "last",
)


def entry_look(entry: dict[str, Any]) -> tuple[Any, ...]:
    """What a row's height depends on besides its width: its words and which parts it shows."""
    return (
        entry["key"],
        entry["title"],
        entry["state_word"],
        tuple(entry["lines"]),
        entry["usable"],
        entry["photo_task"],
        entry["making"],
        entry["note"],
        entry["hidden"],
    )


def forget_recycled_views(*classes: type) -> None:
    """Drop Kivy's spare views of ``classes``: its recycling views keep spares in one cache for
    the whole process, and a view made for an earlier app (the UI tests start one app after
    another) is bound to that app's theme and language: a German "Ansehen" on a Chinese screen."""
    for cls in classes:  # Kivy offers no public way to empty that cache
        spare = recycle_views._cached_views.pop(cls, [])  # noqa: SLF001 - see above
        recycle_views._cache_count -= len(spare)  # noqa: SLF001 - its count, kept right


class TrainerPacksScreen(TrainerScreen):
    """The packs as entries (plain dicts) of a recycling list; focus and keyboard go by an
    entry's place in the list and the part of its row (the row, Hide, Move up, Move down, Make
    a task), so Tab reaches every pack and the focused row is made when the focus gets there."""

    status = StringProperty("")
    making = BooleanProperty(False)  # a task is being made from photos (tests wait for it)

    def __init__(self, **kwargs: Any) -> None:
        forget_recycled_views(PackRow, ProblemLine)
        super().__init__(**kwargs)
        self.arrangement = ShelfArrangement()  # hidden packs and the order, as last read
        self._poll = None
        self._waited = 0.0
        self._before: Any = None
        self._making: set[Path] = set()  # photo folders being made into tasks
        self._notes: dict[Path, str] = {}  # photo folder -> why the last try failed
        self._heights: dict[tuple[Any, int], float] = {}  # (look, width) -> the row's measured height
        self._lit = -1  # the entry whose row has the focus ring (-1: none)
        self._reveal_at: tuple[int, str] | None = None  # an entry's part to keep in view a few frames
        self._reveal_frames = 0
        self._reveal_trigger = Clock.create_trigger(self._keep_revealed, 0)
        self.app.shelf.listeners.append(self._shelf_changed)

    def _shelf_changed(self, _result: Any) -> None:
        """The pack watcher (or a visit to the tasks screen) found new, changed or removed packs."""
        if self._poll is None and self.manager is not None and self.manager.current == self.name:
            self.refresh()

    def on_pre_enter(self, *_args: Any) -> None:
        self.refresh()

    # -- entries and the rows that exist ------------------------------------------------------------

    def entries(self) -> list[dict[str, Any]]:
        """Every pack's entry, in the list's order (what the rows show, whether they exist or not)."""
        return list(self.ids.scroller.data)

    def rows(self) -> list[PackRow]:
        """The rows that exist now (the entries on screen, and one partly shown), in list order."""
        indices = self.ids.rows.view_indices
        return sorted((w for w in indices if isinstance(w, PackRow)), key=lambda w: indices[w])

    def row_at(self, index: int) -> PackRow | None:
        """Entry ``index``'s row, scrolled into view and made now if it was not on screen."""
        if not 0 <= index < len(self.ids.scroller.data):
            return None
        row = self._existing_row(index)
        if row is None:
            self.reveal(index, "row")
            row = self._existing_row(index)
        return row

    def _existing_row(self, index: int) -> PackRow | None:
        return next((row for row in self.rows() if row.index == index), None)

    def remember_height(self, look: Any, width: float, height: float) -> None:
        """A row's measured height, for the next scan's layout (forgotten past a few thousand:
        changed packs and other window widths leave old ones behind)."""
        if len(self._heights) > MAX_REMEMBERED_HEIGHTS:
            self._heights.clear()
        self._heights[(look, round(width))] = height

    def _row_width(self) -> float:
        layout = self.ids.rows
        return layout.width - layout.padding[0] - layout.padding[2]

    def refresh(self) -> None:
        """Make the entries from the shelf's last scan (the rows on screen follow)."""
        shelf = self.app.shelf
        self._clear_focus()
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
        width = round(self._row_width())
        entries = []
        for model in [*others, *usable]:
            photo_task = offers_photo_task(model.report)
            path = Path(model.report.path)
            entry: dict[str, Any] = {
                "key": str(path),
                "owner": self,
                # a pack that could not be read is named after its folder, made readable (its id
                # is a slug: "wash-hands-2026")
                "title": model.title if model.usable else title_from_name(path.stem if path.suffix else path.name),
                "state_word": self.tr("Photos, not a task yet") if photo_task else model.state_word,
                "state_icon": icon_path("camera" if photo_task else model.state_icon),
                "lines": list(model.lines),
                "details": "\n".join(model.lines),
                "usable": model.usable,
                "report": model.report,
                "pack": model.pack,
                "placeholder": icon_path("ready" if model.usable else "camera" if photo_task else "broken"),
                "photo_task": photo_task,
                "making": path in self._making,
                "note": self._notes.get(path, ""),
                "hidden": model.pack is not None and arrangement.is_hidden(model.pack.id),
                "first": bool(usable) and model is usable[0],
                "last": bool(usable) and model is usable[-1],
                "thumbnail": model.thumbnail,
                "focus": "",
            }
            entry["look"] = look = entry_look(entry)
            known = self._heights.get((look, width))
            if known is not None:  # laid out at its real height at once: the list does not jump
                entry["height"] = known
            entries.append(entry)
        self.ids.scroller.data = entries

    def _update_entry(self, index: int, **changes: Any) -> None:
        """Change entry ``index`` in place, and its row if it is on screen (a new ``data`` list
        would lay out the whole list again)."""
        entry = self.ids.scroller.data[index]
        entry.update(changes)
        entry["look"] = entry_look(entry)
        row = self._existing_row(index)
        if row is None:
            return
        if set(changes) == {"focus"}:
            row.show_focus(entry["focus"])  # the ring only: the picture and the lines stay as they are
        else:
            row.show(index, entry)

    # -- focus by entry -----------------------------------------------------------------------------

    def _slots(self) -> list[tuple[int, str]]:
        """What Tab goes through, in reading order: Back, Reload packs, then per entry its row
        and its shelf buttons (those that can act), or "Make a task from these photos"."""
        slots = [(-1, "back"), (-1, "reload")]
        for index, entry in enumerate(self.ids.scroller.data):
            if entry["usable"]:
                slots += [(index, "row"), (index, "hide")]
                slots += [(index, part) for part, end in (("up", "first"), ("down", "last")) if not entry[end]]
            elif entry["photo_task"]:
                slots.append((index, "make"))
        return slots

    def focusables(self) -> list[Any]:
        """The focusable widgets that exist now (Back, Reload, the parts of the rows on screen)."""
        items: list[Any] = [self.ids.back, self.ids.reload]
        for row in self.rows():
            if row.usable:
                items.extend(b for b in (row, row.ids.hide, row.ids.up, row.ids.down) if not b.disabled)
            elif row.photo_task:
                items.append(row.ids.make)
        return items

    def move_focus(self, delta: int) -> None:
        count = len(self._slots())
        if not self.app.keyboard_mode:
            self.app.keyboard_mode = True
            index = max(self.focus_index, 0)  # first key press shows the ring where it is
        else:
            index = (self.focus_index + delta) % count
        self.set_focus(index)

    def set_focus(self, index: int) -> None:
        slots = self._slots()
        self.focus_index = index if 0 <= index < len(slots) else -1
        entry, part = slots[self.focus_index] if self.focus_index >= 0 else (-1, "")
        self.ids.back.focused = part == "back"
        self.ids.reload.focused = part == "reload"
        data = self.ids.scroller.data
        if 0 <= self._lit < len(data) and self._lit != entry:
            self._update_entry(self._lit, focus="")
        self._lit = entry
        if entry >= 0:
            self._update_entry(entry, focus=part)
            self.reveal(entry, part)

    def _clear_focus(self) -> None:
        self.focus_index = -1
        self._lit = -1
        self.ids.back.focused = self.ids.reload.focused = False

    def focused_widget(self) -> Any | None:
        """The focused widget; a row far down is scrolled into view and made first."""
        slots = self._slots()
        if not 0 <= self.focus_index < len(slots):
            return None
        entry, part = slots[self.focus_index]
        if entry < 0:
            return self.ids[part]
        row = self.row_at(entry)
        if row is None:
            return None
        return row if part == "row" else row.ids[part]

    def scroll_to(self, widget: Any) -> None:
        if isinstance(widget, PackRow) and widget.index >= 0:
            self.reveal(int(widget.index), "row")

    def scroll_to_index(self, index: int) -> None:
        """Bring entry ``index`` into view and make its row now (see ``tiles.bring_into_view``)."""
        bring_into_view(self.ids.scroller, self.ids.rows, index, self.ids.rows.default_size[1])

    def reveal(self, index: int, part: str) -> None:
        """Scroll entry ``index``'s row (``part`` "row") or one of its buttons into view now, and
        again in the next frames: a row seen for the first time is laid out at a guessed height
        until its words are measured, which moves the rows below it."""
        self._reveal_at = (index, part)
        self._reveal_frames = 4
        self._keep_revealed()

    def _keep_revealed(self, *_args: Any) -> None:
        if self._reveal_at is None:
            return
        index, part = self._reveal_at
        if index >= len(self.ids.scroller.data):
            self._reveal_at = None
            return
        self.scroll_to_index(index)
        row = self._existing_row(index)
        if row is not None and part != "row":  # a button low in a tall row
            view = self.ids.scroller
            button = row.ids[part]
            if view.height < self.ids.rows.height:
                view.scroll_to(button, padding=20)
        self._reveal_frames -= 1
        if self._reveal_frames > 0:
            self._reveal_trigger()
        else:
            self._reveal_at = None

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
        moved = next((i for i, e in enumerate(self.entries()) if e["pack"] is not None and e["pack"].id == pack_id), -1)
        if moved >= 0:  # the row and the button the trainer is using stay in view
            self.reveal(moved, button)

    # -- a folder of photos becomes a task ------------------------------------------------------------

    def make_task(self, row: PackRow) -> None:
        """Make a task from the row's photos on a thread; the rows follow a scan afterwards."""
        path = Path(row.report.path)
        if path in self._making:
            return
        self._making.add(path)
        self._notes.pop(path, None)
        self.making = True
        self._update_entry(int(row.index), making=True, note="")
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

    def open_row(self, row: PackRow) -> None:
        """A tap on a usable pack's row (or its Try it): the preview of that pack."""
        if row.pack is None:
            return
        self.app.go("trainer_preview", pack=row.pack)


load_kv(__file__)
