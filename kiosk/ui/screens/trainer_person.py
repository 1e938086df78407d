"""Trainer: one worker — name, photo, language, text size, speech, tasks, family PIN; Save / Archive.

The form is ``kiosk.ui.models.people.PersonEditor`` (Kivy-free: reading, choosing, saving and
archiving, storage errors as a plain sentence); this screen only shows it. Photo work — listing the
choices (the data folder's ``people`` folder, the newest photos in ``~/Pictures``, the bundled
pictures) and copying a chosen one into the data folder (a photo from ``~/Pictures`` downscaled) —
runs on ``kiosk.people.PhotoShelf``'s worker thread; the results come back through Kivy's clock.
Thumbnails are decoded in the background too (``PictureCache``), so the screen never waits on a
12-megapixel photo. The name is typed on the docked on-screen keyboard (``KeyboardField``) when there is
no hardware keyboard; the family PIN uses the kiosk's one ``PinPad``.

**Tasks for <name>**: "All tasks" or "Only these", then one big toggle per pack (a check mark and
the filled look when given, a cross when not). The choice is the worker's preference ``tasks``
(``kiosk.trainer.shelf_arrangement``) and is saved with Save, like the other choices; packs given
to the worker that are not on this kiosk now stay given.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from kivy.clock import Clock
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kiosk.ui.widgets.picture import Picture

from kiosk.people import PICTURES_SHOWN, PhotoShelf, camera_photo_name
from kiosk.trainer.shelf_arrangement import ShelfArrangement, with_worker_tasks, worker_tasks
from kiosk.ui.models.people import FamilyPin, PersonEditor
from kiosk.ui.pictures import PictureCache
from kiosk.ui.screens.base import TrainerScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.camera_shot import SHOT_DELAY_S, open_camera, save_shot
from kiosk.ui.widgets.choices import fill_choices
from kiosk.ui.widgets.keyboard_field import KeyboardField  # noqa: F401  (the name field, in the .kv)
from kiosk.ui.widgets.overlay import CalmOverlay

THUMBNAIL_SIDE = 280  # thumbnails are decoded this small (140 dp on screen)


class PhotoChoice(ButtonBehavior, Picture):
    """A photo to tap (a thumbnail texture, never Kivy's image cache); the chosen one has a thick frame."""

    chosen = BooleanProperty(False)
    path = ObjectProperty(None)


class TrainerPersonScreen(TrainerScreen):
    person = ObjectProperty(None, allownone=True)
    language = StringProperty("en")
    photo = StringProperty("")  # as stored in the journal ("people/anna.png"), "" for none
    message = StringProperty("")
    family_text = StringProperty("")
    family_set = BooleanProperty(False)  # Remove family PIN only when there is one
    camera_text = StringProperty("")
    title = StringProperty("")
    photos_busy = BooleanProperty(False)
    tasks_label = StringProperty("")  # "Tasks for Anna"
    tasks_hint = StringProperty("")  # how the pack toggles work, with "Only these"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        app = self.app
        self.editor = PersonEditor(app.journal, app.pin_guard, app.problems, app.settings, self.tr)
        self.shelf = PhotoShelf(app.data.people_photos)
        self._photo_files: list[Path] = []
        self._listing = 0
        app.bind(on_stop=lambda *_: self.shelf.shutdown())

    def on_kv_post(self, base_widget: Any) -> None:
        self.ids.pin.bind(on_ok=lambda _pad, pin: self.set_family_pin(pin))
        self.ids.name.bind(text=self._name_typed)

    def _name_typed(self, _field: Any, text: str) -> None:
        """ "Please type a name." goes as soon as there is one."""
        self.tasks_label = self.tr("Tasks for {name}", name=text.strip()) if text.strip() else self.tr("Tasks")
        if text.strip() and self.message == self.tr("Please type a name."):
            self.editor.say("")
            self.message = ""

    def prepare(self, person: Any | None) -> None:
        """Fill the form for ``person`` (None: a new worker)."""
        self.editor.settings = self.app.settings
        self.editor.open(person)
        self.camera_text = ""
        self.ids.name.focus = False
        self.ids.name.text = self.editor.form.name
        self.ids.pin.clear()
        self.ids.pin.message = ""
        self.update()

    def on_pre_enter(self, *_args: Any) -> None:
        self.update()
        self.ids.scroller.scroll_y = 1

    def on_leave(self, *_args: Any) -> None:
        self.ids.name.focus = False  # the on-screen keyboard goes with the form
        self.ids.undo.hide()  # the removal stays done

    # -- showing the model ----------------------------------------------------------------------

    def update(self, photos: bool = True) -> None:
        editor, form = self.editor, self.editor.form
        self.person, self.language, self.photo, self.message = form.person, form.language, form.photo, form.message
        self.title, self.family_text = editor.title, editor.family_text
        self.family_set = form.family is FamilyPin.SET
        name = self.ids.name
        name.language = self.app.kiosk_lang
        name.words = {w: self.tr(w) for w in ("Shift", "Delete", "Done")}
        rows = {row.key: row for row in editor.choice_rows()}
        for key, box in (
            ("language", "languages"),
            ("text_scale", "text_sizes"),
            ("autoplay", "speech"),
            ("speech_rate", "rates"),
            ("scan_s", "scanning"),
        ):
            row = rows[key]
            fill_choices(self.ids[box], row.as_tuples(), row.current, lambda v, k=key: self.choose(k, v))
        self._show_tasks()
        if photos:
            self.list_photos()
        else:
            self._mark_chosen()

    # -- the worker's tasks ---------------------------------------------------------------------

    def given_tasks(self) -> frozenset[str] | None:
        """The pack ids the form gives the worker ("Only these"), None for all tasks."""
        return worker_tasks(_Preferences(self.editor.form.extra_preferences))

    def _show_tasks(self) -> None:
        form, given = self.editor.form, self.given_tasks()
        name = (self.ids.name.text or form.name).strip()
        self.tasks_label = self.tr("Tasks for {name}", name=name) if name else self.tr("Tasks")
        options = [("all", self.tr("All tasks"), "archive"), ("only", self.tr("Only these"), "person")]
        fill_choices(self.ids.tasks_choice, options, "all" if given is None else "only", self.choose_tasks)
        box = self.ids.task_packs
        box.clear_widgets()
        self.tasks_hint = "" if given is None else self.tr("Tap a task to give it or to take it away.")
        if given is None:
            return
        arrangement = ShelfArrangement.load(self.app.journal)
        language = self.app.kiosk_lang
        for pack in arrangement.ordered(self.app.shelf.packs):
            chosen = pack.id in given
            title = pack.title_for(language)
            if arrangement.is_hidden(pack.id):
                title = self.tr("{title} (hidden)", title=title)
            button = KioskButton(
                text=title, icon="check" if chosen else "close", role="help" if chosen else "secondary", guarded=False
            )
            button.value, button.chosen = pack.id, chosen
            button.bind(on_activate=lambda b: self.toggle_task(b.value))
            box.add_widget(button)

    def choose_tasks(self, value: str) -> None:
        """ "All tasks" or "Only these" (none given yet: the coach ticks them)."""
        given = self.given_tasks()
        if (value == "all") == (given is None):
            return
        self._set_tasks(None if value == "all" else frozenset())

    def toggle_task(self, pack_id: str) -> None:
        given = self.given_tasks() or frozenset()
        self._set_tasks(given - {pack_id} if pack_id in given else given | {pack_id})

    def _set_tasks(self, tasks: frozenset[str] | None) -> None:
        form = self.editor.form
        self.editor.form = replace(form, extra_preferences=with_worker_tasks(form.extra_preferences, tasks))
        self._show_tasks()

    def choose(self, key: str, value: Any) -> None:
        self.editor.choose(key, value)
        self.update(photos=False)

    # backwards-compatible names for the choices (keyboard focus, tests)
    def set_language(self, language: str) -> None:
        self.choose("language", language)

    # -- photos ---------------------------------------------------------------------------------

    def _deliver(self, future: Future, use: Callable[[Any], None], failed: Callable[[BaseException], None]) -> None:
        """Run ``use(result)`` (or ``failed(error)``) on Kivy's main thread once ``future`` is done."""

        def done(f: Future) -> None:
            Clock.schedule_once(lambda _dt: failed(f.exception()) if f.exception() else use(f.result()), 0)

        self.photos_busy = True
        future.add_done_callback(done)

    def list_photos(self) -> None:
        """Ask the photo shelf for the choices; the grid is filled when they arrive."""
        self._listing += 1
        ticket = self._listing
        self._deliver(
            self.shelf.choices(),
            lambda files: self._show_photos(ticket, files),
            lambda error: self._photo_error(error, "The photos could not be listed."),
        )

    def _show_photos(self, ticket: int, files: list[Path]) -> None:
        self.photos_busy = self.shelf.busy
        if ticket != self._listing:
            return  # an older listing: a newer one is on its way
        self._photo_files = files
        box = self.ids.photos
        box.clear_widgets()
        for path in files:
            choice = PhotoChoice(path=path)
            texture = self.thumbnails.get(path, lambda t, c=choice: setattr(c, "texture", t) if t else None)
            if texture is not None:
                choice.texture = texture
            choice.bind(on_release=lambda c: self.choose_photo(c.path))
            box.add_widget(choice)
        self._mark_chosen()

    def _mark_chosen(self) -> None:
        current = self.app.journal.photo_path(self.photo) if self.photo else None
        chosen = Path(current).resolve() if current is not None else None
        for choice in self.ids.photos.children:
            choice.chosen = chosen is not None and choice.path.resolve() == chosen

    def photo_files(self) -> list[Path]:
        """The photos last listed (see ``kiosk.people.photo_choices``)."""
        return list(self._photo_files)

    @property
    def thumbnails(self) -> PictureCache:
        """Small textures for the photo choices, decoded in the background (memory stays small)."""
        cache = getattr(self, "_thumbnails", None)
        if cache is None:
            cache = self._thumbnails = PictureCache(
                self.app.problems, keep=PICTURES_SHOWN + 16, max_side=THUMBNAIL_SIDE
            )
            self.app.bind(on_stop=lambda *_: cache.shutdown())
        return cache

    def choose_photo(self, path: Path) -> None:
        """Use ``path``; a picture from outside the data folder is copied in first (off the main thread)."""
        person = self.editor.form.person
        self._deliver(
            self.shelf.adopt(path),
            lambda own: self._adopted(person, own),
            lambda error: self._photo_error(error, "A photo could not be copied."),
        )

    def _adopted(self, person: Any, own: Path) -> None:
        self.photos_busy = self.shelf.busy
        if person is not self.editor.form.person:
            return  # the trainer has moved on to another worker meanwhile
        self.editor.use_photo(f"{own.parent.name}/{own.name}")
        self.update()

    def _photo_error(self, error: BaseException, what: str) -> None:
        self.photos_busy = self.shelf.busy
        self.app.problems.add("people", what, error)
        self.editor.say(self.tr("The photo could not be copied."))
        self.update(photos=False)

    def take_photo(self) -> None:
        """Use the camera if Kivy finds one; else say so calmly (photos can still be chosen)."""
        camera = open_camera(resolution=(640, 480))
        if camera is None:
            self.camera_text = self.tr("No camera found. Please choose a photo.")
            return
        self.camera_text = self.tr("Smile! The photo is taken in 2 seconds.")
        Clock.schedule_once(lambda _dt: self._save_camera(camera), SHOT_DELAY_S)

    def _save_camera(self, camera: Any) -> None:
        try:
            target = save_shot(camera, camera_photo_name(self.app.data.people_photos))
        except Exception as exc:  # noqa: BLE001
            self.camera_text = self.tr("No camera found. Please choose a photo.")
            self.app.problems.add("people", "The camera did not give a picture.", exc)
            return
        self.camera_text = ""
        self.choose_photo(target)

    # -- save, archive, family PIN --------------------------------------------------------------

    def save(self) -> None:
        self.ids.name.focus = False
        person = self.editor.save(self.ids.name.text)
        if person is None:
            self.update(photos=False)
            return
        self.app.person_saved(person)
        self.app.back()

    def confirm_archive(self) -> None:
        if self.editor.form.person is None:
            self.app.back()
            return
        self.ids.name.focus = False
        overlay = CalmOverlay(self.editor.archive_question(), icon="archive")
        overlay.add_button(self.tr("No"), "close", self.app.close_overlay)
        overlay.add_button(self.tr("Yes"), "check", lambda: (self.app.close_overlay(), self.archive()))
        self.app.open_overlay(overlay, focus=0)

    def archive(self) -> None:
        if not self.editor.archive():
            self.update(photos=False)
            return
        self.app.forget_worker(self.editor.form.person.id)  # the archived worker's tasks are gone
        self.app.back()

    def set_family_pin(self, pin: str) -> None:
        """The family PIN pad's OK: typed twice, then shown once on a slip to copy for the family."""
        outcome = self.editor.enter_family_pin(pin)
        self.ids.pin.clear()
        self.ids.pin.message = self.editor.form.message
        self.update(photos=False)
        if outcome == "saved":
            slip = CalmOverlay(self.editor.family_slip(pin), icon="lock")
            slip.add_button(self.tr("Done"), "check", self.app.close_overlay, role="primary")
            self.app.open_overlay(slip, focus=0)

    def clear_family_pin(self) -> None:
        """Remove the family PIN at once; Undo (10 s) puts the same PIN back."""
        person = self.editor.form.person
        record = self.editor.clear_family_pin()
        self.ids.pin.clear()
        self.ids.pin.message = self.editor.form.message
        self.update(photos=False)
        if record is not None:
            self.ids.undo.show(self.tr("Family PIN removed."), lambda: self.undo_clear_family_pin(person, record))

    def undo_clear_family_pin(self, person: Any, record: Any) -> None:
        self.editor.restore_family_pin(person, record)
        self.ids.pin.message = self.editor.form.message
        self.update(photos=False)

    def scroll_to(self, widget: Any) -> None:
        self.ids.scroller.scroll_to(widget, animate=False)


class _Preferences:
    """A form's preferences where ``worker_tasks`` expects a person."""

    def __init__(self, preferences: Any) -> None:
        self.preferences = preferences


load_kv(__file__)
