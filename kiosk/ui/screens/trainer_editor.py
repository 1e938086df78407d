"""Trainer: make a task on the tablet, or change one: its steps in order, and Publish.

Without a task open, the screen asks for the new task's name (typed on the on-screen keyboard)
and lists the tasks being worked on. With one open (a ``kiosk.authoring.draft.Draft``), it shows
the steps as rows, picture, sentence, timer or count, own voice, with **Up** / **Down** / **Delete**
(Undo for 10 s) / **Change** (``trainer_step``), and **Add photos** (``trainer_editor_photos``)
and **Take photo** (the camera, where Kivy finds one). **Publish** is the one main action
(``kiosk.authoring.publish``): it builds the voices and checks the task in the background, then
the task is on the worker's shelf; **Go back to the version before** puts the previous version
back. **Publish to all kiosks** appears only with a workshop hub and the fleet module.

Every edit is saved in the draft at once, so leaving the screen (or a power cut) loses nothing;
the draft stays after publishing, so the next change starts from it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Callable

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.authoring.draft import Draft, DraftError, DraftStore, RemovedStep
from kiosk.authoring.publish import Published, PublishRefused, Publisher, fleet_publisher
from kiosk.packs.words import Msg
from kiosk.ui.pictures import PictureCache
from kiosk.ui.screens.base import TrainerScreen
from kiosk.ui.widgets import load_kv
from kiosk.ui.widgets.background import BackgroundWork, texture_setter
from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.camera_shot import SHOT_DELAY_S, open_camera, save_shot
from kiosk.ui.widgets.keyboard_field import KeyboardField  # noqa: F401 - used in the .kv
from kiosk.ui.widgets.overlay import CalmOverlay
from kiosk.ui.widgets.undo import UndoBar  # noqa: F401 - used in the .kv

SHOWN_WARNINGS = 3  # after publishing; the Packs screen lists them all

THUMBNAIL_SIDE = 320


class EditorStepRow(BoxLayout):
    """One step of the task: picture, number, sentence and marks; Up, Down, Delete, Change."""

    index = NumericProperty(0)
    number = StringProperty("")
    sentence = StringProperty("")
    marks = StringProperty("")
    missing = BooleanProperty(False)  # no sentence yet: said in words, not only colour
    texture = ObjectProperty(None, allownone=True)
    first = BooleanProperty(False)
    last = BooleanProperty(False)
    screen = ObjectProperty(None)


class TrainerEditorScreen(TrainerScreen):
    draft = ObjectProperty(None, allownone=True)
    title = StringProperty("")
    message = StringProperty("")
    busy = BooleanProperty(False)
    can_restore = BooleanProperty(False)
    fleet = BooleanProperty(False)  # "Publish to all kiosks": a hub and kiosk.fleet are there
    camera_text = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store = DraftStore(self.app.data.root)
        self.work = BackgroundWork("kiosk-editor")
        self.work.bind(pending=lambda _w, pending: setattr(self, "busy", pending > 0))
        self._thumbnails = PictureCache(self.app.problems, keep=48, max_side=THUMBNAIL_SIDE)
        self.app.bind(on_stop=lambda *_: self._shutdown())

    def on_kv_post(self, base_widget: Any) -> None:
        # strong references (``ids`` are weak): these widgets leave the tree and come back
        ids = self.ids
        self._optional = {
            "restore": ids.restore.__self__,
            "publish_all": ids.publish_all.__self__,
            "throw_away": ids.throw_away.__self__,
        }
        self._views = {"start": ids.start_view.__self__, "task": ids.task_view.__self__}
        for view in self._views.values():
            view.parent.remove_widget(view)  # the body holds the one that applies (``_show``)

    def _show(self, view: Any) -> None:
        body = self.ids.body
        if view.parent is not body:
            body.clear_widgets()
            body.add_widget(view)

    # -- entering -------------------------------------------------------------------------------

    def prepare(self, draft: Draft | None = None, pack: Any | None = None) -> None:
        """A new task (neither), a task being worked on (``draft``), or a published one (``pack``):
        "Change this task" opens it as a draft; a pack this kiosk did not publish becomes a new task
        beside it (the original stays as it is)."""
        self.message = ""
        self.ids.undo.hide()
        if pack is not None:
            try:
                draft = self.store.from_pack(pack, self._taken_ids(), keep_id=self.publisher.is_ours(pack.id))
            except (DraftError, OSError) as error:
                self._failed(error, Msg("The task could not be opened."))
                draft = None
        self.draft = draft
        self.ids.name.text = ""
        self.ids.scroller.scroll_y = 1  # a task opens at its first step (the list kept its place)
        self.update()

    def on_pre_enter(self, *_args: Any) -> None:
        if self.draft is not None:  # back from a step or the photos: show what changed there
            try:
                self.draft = Draft.open(self.draft.folder)
            except DraftError as error:
                self._failed(error, Msg("The task could not be opened."))
        self.update()

    def on_leave(self, *_args: Any) -> None:
        self.ids.name.focus = False
        self.ids.undo.hide()  # a deletion stays done

    @property
    def publisher(self) -> Publisher:
        app = self.app
        folders = [Path(folder) for folder in app.packs_folders]
        library = app.data.packs if app.data.packs in folders or not folders else folders[0]
        return Publisher(app.data.root, library, app.data.cache, app.settings.language)

    # -- showing --------------------------------------------------------------------------------

    def update(self) -> None:
        name = self.ids.name
        name.language = self.app.kiosk_lang
        name.words = {w: self.tr(w) for w in ("Shift", "Delete", "Done")}
        draft = self.draft
        self._show(self._views["start" if draft is None else "task"])
        if draft is None:
            self.title = self.tr("New task")
            self._show_drafts()
            self.ids.steps.clear_widgets()
            return
        language = self.app.kiosk_lang
        self.title = draft.title(language)
        publisher = self.publisher
        self.can_restore = publisher.previous(draft.pack_id) is not None
        self.fleet = bool(self.app.hub_url) and fleet_publisher() is not None
        more = self.ids.more
        more.clear_widgets()
        for key, shown in (("restore", self.can_restore), ("publish_all", self.fleet), ("throw_away", True)):
            if shown:
                more.add_widget(self._optional[key])
        self._show_steps()

    def _show_drafts(self) -> None:
        """The tasks being worked on, then the kiosk's other tasks (Change: a draft copy)."""
        language = self.app.kiosk_lang
        box, shelf = self.ids.drafts, self.ids.shelf
        box.clear_widgets()
        shelf.clear_widgets()
        drafts = self.store.list()
        for draft in drafts:
            button = KioskButton(text=draft.title(language), icon="edit", guarded=False)
            button.bind(on_activate=lambda _b, d=draft: self.prepare(draft=d))
            box.add_widget(button)
        being_made = {draft.pack_id for draft in drafts}
        for pack in self.app.shelf.packs:
            if pack.id in being_made:
                continue
            button = KioskButton(text=pack.title_for(language), icon="edit", guarded=False)
            button.bind(on_activate=lambda _b, p=pack: self.prepare(pack=p))
            shelf.add_widget(button)

    def _show_steps(self) -> None:
        draft = self.draft
        box = self.ids.steps
        box.clear_widgets()
        language = self.app.kiosk_lang
        cover = draft.cover()
        for index in range(len(draft.steps)):
            sentence = draft.text(index, language) or draft.text(index, draft.language)
            row = EditorStepRow(
                index=index,
                number=self.tr("Step {number}", number=index + 1),
                sentence=sentence or self.tr("No sentence yet."),
                missing=not sentence,
                marks=self._marks(draft, index, cover),
                first=index == 0,
                last=index == len(draft.steps) - 1,
                screen=self,
            )
            if row.first:  # the first step cannot go up, the last not down: no button that does nothing
                row.ids.choices.remove_widget(row.ids.up)
            if row.last:
                row.ids.choices.remove_widget(row.ids.down)
            picture = draft.picture(index)
            if picture is not None:
                texture = self._thumbnails.get(picture, texture_setter(row))
                if texture is not None:
                    row.texture = texture
            box.add_widget(row)

    def _marks(self, draft: Draft, index: int, cover: Path | None) -> str:
        marks = []
        timer, count = draft.timer(index), draft.count(index)
        if timer:
            marks.append(self.tr("Timer: {time}", time=_duration(timer, self.tr)))
        if count:
            marks.append(self.tr("Count: {count}", count=count))
        if any(draft.recording(index, lang) for lang in ("en", "de", "zh")):
            marks.append(self.tr("Own voice"))
        if cover is not None and cover == draft.picture(index):
            marks.append(self.tr("Task picture"))
        return " · ".join(marks)

    # -- a new task -----------------------------------------------------------------------------

    def create(self) -> None:
        self.ids.name.focus = False
        try:
            draft = self.store.create(self.ids.name.text, self.app.kiosk_lang, self._taken_ids())
        except (DraftError, OSError) as error:
            self._failed(error, Msg("The task could not be made."))
            return
        self.prepare(draft=draft)

    def _taken_ids(self) -> set[str]:
        return {pack.id for pack in self.app.shelf.packs} | set(
            os.listdir(self.publisher.library) if self.publisher.library.is_dir() else ()
        )

    # -- steps ----------------------------------------------------------------------------------

    def move(self, index: int, by: int) -> None:
        if self.draft is None or self.busy:
            return
        self.draft.move(index, by)
        self.update()

    def delete(self, index: int) -> None:
        if self.draft is None or self.busy:
            return
        removed = self.draft.remove(index)
        self.update()
        words = self.tr("Step {number} is deleted.", number=index + 1)
        self.ids.undo.show(words, lambda: self._undo_delete(removed))

    def _undo_delete(self, removed: RemovedStep) -> None:
        if self.draft is not None:
            self.draft.restore(removed)
            self.update()

    def change(self, index: int) -> None:
        if self.draft is not None and not self.busy:
            self.app.go("trainer_step", draft=self.draft, index=index)

    def add_photos(self) -> None:
        if self.draft is not None and not self.busy:
            self.app.go("trainer_editor_photos", draft=self.draft)

    def take_photo(self) -> None:
        """Use the camera if Kivy finds one; else say so calmly (photos can still be chosen)."""
        if self.draft is None or self.busy:
            return
        camera = open_camera()
        if camera is None:
            self.camera_text = self.tr("No camera found. Please choose photos.")
            return
        self.camera_text = self.tr("The photo is taken in 2 seconds.")
        Clock.schedule_once(lambda _dt: self._save_camera(camera), SHOT_DELAY_S)

    def _save_camera(self, camera: Any) -> None:
        try:
            shot = save_shot(camera, Path(tempfile.mkdtemp(prefix="kiosk-camera-")) / "camera.png")
        except Exception as exc:  # noqa: BLE001
            self.camera_text = self.tr("No camera found. Please choose photos.")
            self.app.problems.add("authoring", "The camera did not give a picture.", exc)
            return
        self.camera_text = ""
        self._add_files([shot])

    def _add_files(self, files: list[Path]) -> None:
        """Copy photos into the draft in the background; the steps are added on the main thread."""
        draft = self.draft
        if draft is None:
            return
        self.message = self.tr("The photos are being added …")
        self._background(
            lambda: [draft.import_photo(path) for path in files],
            lambda names: self._photos_added(draft, names),
            Msg("The photo could not be added."),
        )

    def _photos_added(self, draft: Draft, names: list[str]) -> None:
        if draft is not self.draft:
            return
        for name in names:
            draft.add_step(name)
        self.message = ""
        self.update()

    # -- publishing -----------------------------------------------------------------------------

    def publish(self) -> None:
        if self.draft is None or self.busy:
            return
        draft, publisher = self.draft, self.publisher
        session = self.app.session
        keep = [session.pack.root] if session is not None else []
        speech = self.app.audio._speech_worker()  # noqa: SLF001 - the kiosk's one speech engine
        self.message = self.tr("Publishing … the voices are being made.")
        self._background(
            lambda: publisher.publish(draft, speech=speech, keep=keep),
            lambda published: self._published(draft, published),
            Msg("The task could not be published."),
        )

    def _published(self, draft: Draft, published: Published) -> None:
        self.draft = Draft.open(draft.folder)  # the build wrote the voices into pack.yaml
        self.message = "\n".join([self.tr("Published. Workers can do the task now."), *self._worth_a_look(published)])
        self.app.shelf.refresh()
        self.update()

    def _worth_a_look(self, published: Published) -> list[str]:
        """The published task's warnings (a sentence long for easy reading ...): it is usable, but
        the coach should see them now, not only later on the Packs screen."""
        warnings = published.warnings
        if not warnings:
            return []
        lines = []
        for problem in warnings[:SHOWN_WARNINGS]:
            message, hint = problem.in_words(lambda m: self.tr(m))
            lines.append(f"• {message} {hint}")
        if len(warnings) > SHOWN_WARNINGS:
            lines.append(self.tr("… and {count} more on the Packs screen.", count=len(warnings) - SHOWN_WARNINGS))
        return [self.tr("Worth a look:"), *lines]

    def restore_previous(self) -> None:
        if self.draft is None or self.busy:
            return
        try:
            self.publisher.restore_previous(self.draft.pack_id)
        except (PublishRefused, OSError) as error:
            self._failed(error, Msg("The version before could not be put back."))
            return
        self.message = self.tr("The version before is back on the kiosk.")
        self.app.shelf.refresh()
        self.update()

    def confirm_throw_away(self) -> None:
        """Throw the draft away after a question that says what stays: the published task, if any,
        is not touched (workers keep doing it); a task never published is gone."""
        draft = self.draft
        if draft is None or self.busy:
            return
        self.ids.name.focus = False
        title = draft.title(self.app.kiosk_lang)
        if self.app.shelf.find(draft.pack_id) is not None:
            question = self.tr("Throw away your changes to “{title}”? Workers keep the task as it is now.", title=title)
        else:
            question = self.tr("Throw away “{title}”? It was never published, so it is gone for good.", title=title)
        overlay = CalmOverlay(question, icon="delete")
        overlay.add_button(self.tr("No"), "close", self.app.close_overlay)
        overlay.add_button(self.tr("Yes"), "check", lambda: self.throw_away(draft))
        self.app.open_overlay(overlay, focus=0)

    def throw_away(self, draft: Draft) -> None:
        self.app.close_overlay()
        try:
            self.store.discard(draft)
        except OSError as error:
            self._failed(error, Msg("The changes could not be thrown away."))
            return
        self.draft = None
        self.ids.undo.hide()
        self.update()
        self.message = self.tr("The changes are thrown away.")

    def publish_to_all(self) -> None:
        """Through the workshop hub (``kiosk.fleet``): the version published here goes to every kiosk."""
        publish_pack = fleet_publisher()
        if self.draft is None or self.busy or publish_pack is None or not self.app.hub_url:
            return
        pack_id = self.draft.pack_id
        current = self.publisher.current(pack_id)
        if current is None:
            self.message = self.tr("Publish the task to this kiosk first.")
            return
        folder = self.publisher.store / pack_id / str(current)
        hub_url, cache = self.app.hub_url, self.app.data.cache
        self.message = self.tr("Publishing to all kiosks …")
        self._background(
            lambda: publish_pack(folder, hub_url, author="", note="", cache_dir=cache, build=False),
            lambda _result: setattr(self, "message", self.tr("Published to all kiosks of the workshop.")),
            Msg("The task could not be published to all kiosks."),
        )

    # -- helpers --------------------------------------------------------------------------------

    def _background(self, job: Callable[[], Any], done: Callable[[Any], None], failure: Msg) -> None:
        self.work.run(job, done, lambda error: self._failed(error, failure))

    def _failed(self, error: BaseException, fallback: Msg) -> None:
        """Say what to do: the refusal's own words, else the fallback (and a trainer problem)."""
        words = getattr(error, "words", None)
        if isinstance(words, Msg):
            text = words.render(lambda message: self.tr(message))
            problems = getattr(error, "problems", [])
            if problems:
                first = problems[0]
                detail = first.message_msg.render(lambda m: self.tr(m)) if first.message_msg else first.message
                text = f"{text}\n{detail}"
            self.message = text
        else:
            self.message = fallback.render(lambda message: self.tr(message))
            self.app.problems.add("authoring", fallback, error)
        self.update()

    def _shutdown(self) -> None:
        self.work.shutdown()
        self._thumbnails.shutdown()

    def main_action(self) -> None:
        if self.draft is None:
            self.create()
        else:
            self.publish()


def _duration(seconds: int, tr: Callable[..., str]) -> str:
    if seconds % 60 == 0:
        return str(tr("{minutes} min", minutes=seconds // 60))
    return str(tr("{seconds} s", seconds=seconds))


load_kv(__file__)
