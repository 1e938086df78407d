"""Making a task on the tablet, in the real app under Xvfb (kiosk/ui/screens/trainer_editor*,
trainer_step): a coach turns four phone photos into a task, with sentences typed on the on-screen
keyboard, a timer, a count and their own recorded voice (a real WAV fed through the microphone
boundary: there is no capture device here), publishes it, and a worker runs it and hears the
coach's voice. Also: Undo of a deleted step, no microphone and no camera said calmly, a change
published while a worker is in the middle of the task, and the screens' looks in en, de, zh.
"""

from __future__ import annotations

import math
import threading
import time
import wave
from array import array
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from kivy.core.window import Window
from PIL import Image

from kiosk.authoring.microphone import ChunkRecorder, Recording, SoundDeviceRecorder
from kiosk.authoring.publish import fleet_publisher
from kiosk.authoring.voice import read_wav
from kiosk.ui.screens import TRAINER_ACTIONS
from looks import measure
from test_trainer_keyboard import tap_key
from test_trainer_screens import open_trainer, set_pin

DATETIME_ORIGINAL = 0x9003
EXIF_IFD = 0x8769


class WavRecorder(ChunkRecorder):
    """The microphone boundary fed from a real WAV: its frames arrive in small chunks on a thread,
    as PortAudio delivers them; everything after the boundary is the kiosk's own code."""

    def __init__(self, wav: Path) -> None:
        self.heard = read_wav(wav.read_bytes())
        super().__init__(self.heard.rate)
        self._thread: threading.Thread | None = None
        self.starts = 0

    def unavailable(self) -> str | None:
        return None

    def start(self) -> None:
        self.starts += 1
        self._begin()
        frames = self.heard.frames

        def device() -> None:
            for i in range(0, len(frames), 4096):
                self.feed(frames[i : i + 4096])

        self._thread = threading.Thread(target=device)
        self._thread.start()

    def stop(self) -> Recording:
        if self._thread is not None:
            self._thread.join()
        return self._end()


class NoMicrophoneHere(ChunkRecorder):
    """What SoundDeviceRecorder answers on a kiosk without an input device, for a machine that has
    one (tests/authoring/test_voice.py checks the real answer)."""

    def unavailable(self) -> str | None:
        return "There is no microphone on this kiosk."


@pytest.fixture(scope="module")
def spoken_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A coach saying a sentence (espeak-ng), softly, with a second of room noise before and after."""
    from kiosk.speech import SpeechWorker

    folder = tmp_path_factory.mktemp("voice")
    worker = SpeechWorker()
    try:
        spoken = worker.render("Put the washer on the bolt.", "en", folder / "spoken.wav")
    finally:
        worker.close()
    voice = read_wav(spoken.read_bytes())
    samples = array("h")
    samples.frombytes(voice.frames)
    room = [int(25 * math.sin(i * 0.9)) for i in range(voice.rate)]
    soft = [int(s * 0.15) for s in samples]
    path = folder / "coach.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(voice.rate)
        out.writeframes(array("h", room + soft + room).tobytes())
    return path


def phone_photos(home: Path) -> Path:
    """Four photos as a phone names them, taken in the order 1..4 (their names say otherwise)."""
    folder = home / "Pictures" / "Washer"
    folder.mkdir(parents=True)
    start = datetime(2026, 3, 4, 9, 0, 0)
    colours = [(200, 80, 80), (80, 160, 90), (70, 110, 200), (210, 180, 60)]
    for number, name in enumerate(["IMG_2040.JPG", "IMG_1001.JPG", "IMG_3555.JPG", "IMG_0007.JPG"]):
        picture = Image.new("RGB", (1600, 1200), colours[number])
        exif = Image.Exif()
        exif[EXIF_IFD] = {DATETIME_ORIGINAL: (start + timedelta(minutes=number)).strftime("%Y:%m:%d %H:%M:%S")}
        picture.save(folder / name, "JPEG", quality=85, exif=exif.tobytes())
    return folder


def wait(ui, screen, seconds: float = 90) -> None:
    """Let a screen's background work (photos, voices, publishing) finish, in real time."""
    deadline = time.monotonic() + seconds
    while screen.busy and time.monotonic() < deadline:
        time.sleep(0.02)
        ui.pump(1)
    assert not screen.busy, "background work did not finish"
    ui.settle()


def open_editor(app, ui):
    open_trainer(app, ui)
    words = app.tr("Make a task", app.kiosk_lang)
    assert any(a.screen == "trainer_editor" for a in TRAINER_ACTIONS)
    button = next(b for b in ui.screen.ids.actions.children if b.text == words)
    ui.tap(button, wait=False)
    assert app.sm.current == "trainer_editor"
    return ui.screen


def make_task(app, ui, name: str):
    editor = open_editor(app, ui)
    editor.ids.name.text = name
    ui.tap(editor.ids.create, wait=False)
    assert editor.draft is not None and editor.title == name
    return editor


def add_photos(app, ui, editor, order=(0, 1, 2, 3)):
    ui.tap(editor.ids.add_photos, wait=False)
    photos = ui.screen
    assert app.sm.current == "trainer_editor_photos"
    pictures = next(b for b in photos.ids.tiles.children if b.text == app.tr("Pictures", app.kiosk_lang))
    ui.tap(pictures, wait=False)
    wait(ui, photos)
    folder = next(b for b in photos.ids.tiles.children if getattr(b, "text", "") == "Washer")
    ui.tap(folder, wait=False)
    wait(ui, photos)
    tiles = [t for t in reversed(photos.ids.tiles.children) if hasattr(t, "order")]
    assert [t.path.name for t in tiles] == ["IMG_2040.JPG", "IMG_1001.JPG", "IMG_3555.JPG", "IMG_0007.JPG"]
    for index in order:
        ui.tap(tiles[index], wait=False)
    assert [t.order for t in tiles] == [order.index(i) + 1 if i in order else 0 for i in range(4)]
    return photos, tiles


def rows(editor):
    return list(reversed(editor.ids.steps.children))


def row_button(ui, editor, index: int, name: str):
    """A step row's button, scrolled into view first (as a coach scrolls the list)."""
    return in_view(ui, editor, rows(editor)[index].ids[name])


def in_view(ui, screen, widget):
    """``widget`` scrolled into view in the screen's scrolling part, as a coach scrolls."""
    screen.ids.scroller.scroll_to(widget, padding=20, animate=False)
    ui.pump(3)
    return widget


def test_a_coach_makes_a_task_with_their_voice_and_a_worker_runs_it(kiosk, ui, tmp_path, monkeypatch, spoken_wav):
    phone_photos(tmp_path / "home")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    app = kiosk(people=[("Anna", "en")], prepare=set_pin)
    app.recorder = WavRecorder(spoken_wav)

    editor = open_editor(app, ui)
    ui.shot("new-task")
    ui.tap(editor.ids.name, wait=False)  # the task's name, typed on the on-screen keys
    ui.pump(3)
    vk = editor.ids.name.keyboard()
    assert vk is not None
    for key in ["⇧ Shift", "W", "⇧ Shift", *"asher"]:
        tap_key(ui, vk, key)
    assert editor.ids.name.text == "Washer"
    ui.shot("name-typed")
    tap_key(ui, vk, "✓ Done")
    ui.tap(editor.ids.create, wait=False)
    assert editor.draft is not None and editor.title == "Washer"

    photos, tiles = add_photos(app, ui, editor)
    ui.shot("photos-chosen")
    ui.tap(photos.ids.add, wait=False)
    wait(ui, photos)
    assert app.sm.current == "trainer_editor"
    assert len(rows(editor)) == 4

    # order by arrows: the first step down one, then up again
    first_picture = editor.draft.picture(0)
    ui.tap(row_button(ui, editor, 0, "down"), wait=False)
    assert editor.draft.picture(1) == first_picture
    ui.tap(row_button(ui, editor, 1, "up"), wait=False)
    assert editor.draft.picture(0) == first_picture
    # delete with undo
    third = editor.draft.picture(2)
    ui.tap(row_button(ui, editor, 2, "delete"), wait=False)
    assert len(rows(editor)) == 3 and editor.ids.undo.shown
    ui.shot("deleted-with-undo")
    ui.tap(editor.ids.undo.ids.undo, wait=False)
    assert len(rows(editor)) == 4 and editor.draft.picture(2) == third

    # step 1: the sentence typed on the on-screen keys, and in German
    ui.tap(row_button(ui, editor, 0, "change"), wait=False)
    step = ui.screen
    assert app.sm.current == "trainer_step"
    ui.tap(step.ids.sentence, wait=False)
    ui.pump(3)
    vk = step.ids.sentence.keyboard()
    assert vk is not None
    for key in ["⇧ Shift", "H", "⇧ Shift", *"old it"]:
        tap_key(ui, vk, key)
    tap_key(ui, vk, "✓ Done")
    ui.advance(1.0)  # typing paused: saved
    assert step.draft.text(0, "en") == "Hold it"
    german = next(b for b in step.ids.languages.children if b.text == "Deutsch")
    ui.tap(german, wait=False)
    step.ids.sentence.text = "Halte es."
    ui.advance(1.0)
    ui.tap(next(b for b in step.ids.languages.children if b.text == "English"), wait=False)
    assert step.ids.sentence.text == "Hold it"
    # step 2: a timer; step 3: a count and the coach's voice; step 4: the task picture
    ui.tap(in_view(ui, step, step.ids.next), wait=False)
    step.ids.sentence.text = "Put on the washer."
    ui.tap(in_view(ui, step, next(b for b in step.ids.timers.children if b.text == "20 s")), wait=False)
    ui.tap(in_view(ui, step, step.ids.next), wait=False)
    step.ids.sentence.text = "Turn the nut."
    ui.tap(in_view(ui, step, next(b for b in step.ids.counts.children if b.text == "4 times")), wait=False)
    ui.tap(in_view(ui, step, step.ids.record), wait=False)
    assert step.listening and step.ids.record.text == "Stop"
    ui.shot("recording")
    ui.tap(in_view(ui, step, step.ids.record), wait=False)
    wait(ui, step)
    assert step.has_voice and step.message == "Your voice is saved. Tap Listen to hear it.", step.message
    recording = step.draft.recording(2, "en")
    assert recording is not None
    kept = read_wav(recording.read_bytes())
    assert kept.seconds < app.recorder.heard.seconds - 1.5  # the room noise before and after is gone
    ui.tap(in_view(ui, step, step.ids.listen), wait=False)
    ui.shot("voice-recorded")
    ui.tap(in_view(ui, step, step.ids.next), wait=False)
    step.ids.sentence.text = "Check it."
    ui.tap(in_view(ui, step, step.ids.cover), wait=False)
    assert step.is_cover
    ui.shot("step-4")
    ui.tap(step.ids.done, wait=False)
    assert app.sm.current == "trainer_editor"
    marks = [row.marks for row in rows(editor)]
    assert "Timer: 20 s" in marks[1] and "Count: 4" in marks[2] and "Own voice" in marks[2]
    assert "Task picture" in marks[3]
    ui.shot("task")

    ui.tap(editor.ids.publish, wait=False)
    wait(ui, editor)
    assert editor.message == "Published. Workers can do the task now.", (editor.message, app.problems.items)
    ui.shot("published")

    # the worker does the task at once
    app.leave_trainer()
    ui.settle()
    if app.sm.current == "people":
        ui.tap(next(t for t in ui.screen.tiles() if t.title == "Anna"))
    assert app.sm.current == "tasks"
    tile = next(t for t in ui.screen.tiles() if t.item.id == "washer")
    ui.tap(tile)
    assert app.sm.current == "step"
    run = ui.screen
    assert run.step_text == "Hold it"
    ui.settle()
    kind, played = app.audio.played[-1]  # no recording: the voice made when publishing
    assert kind == "step" and Path(played).parent.name == "en" and Path(played).parent.parent.name == "audio"
    ui.tap(run.ids.next)
    assert app.session.step.timer == 20
    ui.tap(run.ids.next)
    assert app.session.step.count == 4
    ui.settle()
    kind, played = app.audio.played[-1]
    assert kind == "step"
    assert Path(played).read_bytes() == recording.read_bytes()  # the coach's own voice, as saved
    ui.shot("worker-hears-coach")


def test_a_change_published_mid_run_leaves_the_worker_on_their_version(kiosk, ui, tmp_path, monkeypatch):
    phone_photos(tmp_path / "home")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    app = kiosk(people=[("Anna", "en")], prepare=set_pin)
    editor = make_task(app, ui, "Washer")
    photos, _ = add_photos(app, ui, editor, order=(0, 1))
    ui.tap(photos.ids.add, wait=False)
    wait(ui, photos)
    for index, words in enumerate(["One.", "Two."]):
        editor.draft.set_text(index, "en", words)
    ui.tap(editor.ids.publish, wait=False)
    wait(ui, editor)
    app.leave_trainer()
    ui.settle()
    if app.sm.current == "people":
        ui.tap(next(t for t in ui.screen.tiles() if t.title == "Anna"))
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "washer"))
    assert app.sm.current == "step" and ui.screen.step_text == "One."

    editor = open_editor(app, ui)  # the coach changes it while Anna is on step 1
    ui.tap(next(b for b in editor.ids.drafts.children if b.text == "Washer"), wait=False)
    editor.draft.set_text(1, "en", "Two, new.")
    ui.tap(editor.ids.publish, wait=False)
    wait(ui, editor)
    assert not editor.ids.more.children or editor.ids.restore in editor.ids.more.children
    assert editor.can_restore
    app.leave_trainer()
    ui.settle()
    assert app.sm.current == "step"
    ui.tap(ui.screen.ids.next)
    assert ui.screen.step_text == "Two."  # the version Anna started
    step = app.session.pack.steps[1]
    assert app.session.pack.file(step.audio["en"]).is_file()  # its voice is still there

    editor = open_editor(app, ui)  # and the coach can go back to the version before
    ui.tap(next(b for b in editor.ids.drafts.children if b.text == "Washer"), wait=False)
    ui.tap(in_view(ui, editor, editor.ids.restore), wait=False)
    assert editor.message == "The version before is back on the kiosk."
    assert editor.publisher.current("washer") == 1


def test_change_a_task_of_this_kiosk_opens_a_copy_beside_the_original(kiosk, ui):
    app = kiosk(people=[("Anna", "en")], prepare=set_pin)
    editor = open_editor(app, ui)
    sample = next(b for b in editor.ids.shelf.children if b.text == "Sort the screws")
    ui.tap(sample, wait=False)
    original = app.shelf.find("sort-screws")
    draft = editor.draft
    assert draft is not None and draft.pack_id == "sort-screws-2"  # a new task: the original stays
    assert editor.title == "Sort the screws"
    assert [draft.text(i, "en") for i in range(len(draft.steps))] == [s.text["en"] for s in original.steps]
    assert len(rows(editor)) == len(original.steps)
    ui.shot("changed-sample")
    in_view(ui, editor, rows(editor)[-1])  # the coach scrolled down to the last step ...
    scrolled = editor.ids.scroller.scroll_y
    editor.prepare(draft=draft)  # ... and opens the task again later: it starts at the top
    ui.pump(3)
    assert scrolled < 1 and editor.ids.scroller.scroll_y == 1
    ui.tap(editor.ids.publish, wait=False)
    wait(ui, editor)
    assert editor.message == "Published. Workers can do the task now."
    app.shelf.scan_now()
    assert {"sort-screws", "sort-screws-2"} <= {p.id for p in app.shelf.packs}
    # "Publish to all kiosks" only with a workshop hub, and only where the fleet module is
    assert not editor.fleet and editor.ids.publish_all not in editor.ids.more.children
    app.hub_url = "postgresql://hub.invalid/workshop"
    editor.update()
    assert editor.fleet == (fleet_publisher() is not None)
    assert (editor.ids.publish_all in editor.ids.more.children) == editor.fleet


def test_a_coach_throws_a_draft_away_after_a_question(kiosk, ui):
    """A task never published is gone for good; changes to a published task go, the task stays."""
    app = kiosk(people=[("Anna", "en")], prepare=set_pin)
    editor = make_task(app, ui, "Fold towels")  # no steps yet: the button is in view
    throw_away = editor.ids.throw_away
    assert throw_away in editor.ids.more.children and throw_away.text == "Throw away these changes"
    ui.tap(throw_away, wait=False)
    assert app.overlay is not None and "It was never published" in app.overlay.message
    assert [b.text for b in app.overlay.buttons] == ["No", "Yes"]
    ui.tap(app.overlay.buttons[0])  # No: nothing happens
    assert app.overlay is None and editor.draft is not None and len(editor.store.list()) == 1
    ui.tap(throw_away)
    ui.tap(app.overlay.buttons[1])  # Yes
    assert editor.draft is None and editor.store.list() == []
    assert editor.message == "The changes are thrown away."
    assert "Fold towels" not in [b.text for b in editor.ids.drafts.children]

    published = next(b for b in editor.ids.shelf.children if b.text == "Sort the screws")
    ui.tap(published, wait=False)
    long_words = "Take the small box of screws from the shelf on the left side of the bench and put it down "
    editor.draft.set_text(0, "en", long_words + "in front of you so that you can reach every screw easily.")
    ui.tap(editor.ids.publish, wait=False)  # the copy is published: a task workers can do ...
    wait(ui, editor)
    assert editor.message.startswith("Published. Workers can do the task now.\nWorth a look:\n• ")
    assert "step 1 (en) is long for easy reading" in editor.message  # the warning at once, with its hint
    ui.shot("published-worth-a-look")
    copy_id = editor.draft.pack_id
    app.shelf.scan_now()
    assert app.shelf.find(copy_id) is not None
    in_view(ui, editor, throw_away)
    ui.tap(throw_away, wait=False)  # ... so throwing its draft away keeps the task
    assert "Workers keep the task as it is now" in app.overlay.message
    ui.tap(app.overlay.buttons[1])
    assert editor.store.list() == [] and app.shelf.find(copy_id) is not None


def test_no_microphone_and_no_camera_are_said_calmly(kiosk, ui, tmp_path, monkeypatch):
    phone_photos(tmp_path / "home")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    app = kiosk(people=[("Anna", "en")], prepare=set_pin)
    device = SoundDeviceRecorder()  # the real one: this machine has no capture device (CI neither)
    app.recorder = device if device.unavailable() else NoMicrophoneHere(22050)
    editor = make_task(app, ui, "Washer")
    ui.tap(editor.ids.camera, wait=False)  # no camera on this machine: Kivy's camera provider fails for real
    assert editor.camera_text == "No camera found. Please choose photos."
    ui.shot("no-camera")
    photos, _ = add_photos(app, ui, editor, order=(0,))
    ui.tap(photos.ids.add, wait=False)
    wait(ui, photos)
    ui.tap(row_button(ui, editor, 0, "change"), wait=False)
    step = ui.screen
    ui.tap(in_view(ui, step, step.ids.record), wait=False)
    assert not step.listening and step.message == "There is no microphone on this kiosk."
    assert step.ids.record.text == "Record"
    ui.shot("no-microphone")

    silent = tmp_path / "silent.wav"  # a microphone that hears nothing (muted, covered)
    with wave.open(str(silent), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x00\x00" * 32000)
    app.recorder = WavRecorder(silent)
    ui.tap(in_view(ui, step, step.ids.record), wait=False)
    ui.tap(in_view(ui, step, step.ids.record), wait=False)
    wait(ui, step)
    assert step.message == "Nothing was heard. Speak close to the tablet and record again."
    assert not step.has_voice and step.draft.recording(0, "en") is None
    assert not [p for p in app.problems.items if p.kind == "authoring"]


def test_publishing_an_unfinished_task_says_what_to_do(kiosk, ui, tmp_path, monkeypatch):
    phone_photos(tmp_path / "home")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    app = kiosk(people=[("Anna", "en")], prepare=set_pin, settings={"language": "de"})
    editor = make_task(app, ui, "Scheibe")
    ui.tap(editor.ids.publish, wait=False)
    wait(ui, editor)
    assert (
        editor.message
        == app.tr("The task has no steps yet. Add a photo first.", "de")
        != ("The task has no steps yet. Add a photo first.")
    )
    photos, _ = add_photos(app, ui, editor, order=(0, 1))
    ui.tap(photos.ids.add, wait=False)
    wait(ui, photos)
    editor.draft.set_text(0, "de", "Halte es.")
    ui.tap(editor.ids.publish, wait=False)
    wait(ui, editor)
    assert editor.message == app.tr("Please write the sentence of step {numbers}.", "de", numbers="2")
    assert not (app.packs_folders[0] / editor.draft.pack_id).exists()


@pytest.mark.parametrize("language", ["en", "de", "zh"])
@pytest.mark.parametrize("size", [(1280, 800), (800, 1280)], ids=["landscape", "portrait"])
@pytest.mark.parametrize("scale", [1.0, 1.5], ids=["100", "150"])
def test_the_editor_screens_look_right(kiosk, ui, tmp_path, monkeypatch, language, size, scale):
    phone_photos(tmp_path / "home")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    app = kiosk(
        people=[("Anna", "en")], prepare=set_pin, size=size, settings={"language": language, "text_scale": scale}
    )
    editor = open_editor(app, ui)
    problems = measure(app, editor, "new task")
    ui.shot(f"{language}-new")
    editor.ids.name.text = {"en": "Fit a washer", "de": "Unterlegscheibe aufsetzen", "zh": "装垫圈"}[language]
    ui.tap(editor.ids.create, wait=False)
    photos, _ = add_photos(app, ui, editor, order=(0, 1, 2))
    problems += measure(app, photos, "photos")
    ui.shot(f"{language}-photos")
    ui.tap(photos.ids.add, wait=False)
    wait(ui, photos)
    editor.draft.set_timer(1, 60)
    editor.draft.set_count(2, 5)
    ui.tap(row_button(ui, editor, 0, "change"), wait=False)
    step = ui.screen
    step.ids.sentence.text = {"en": "Hold the bolt.", "de": "Halte die Schraube.", "zh": "拿住螺栓。"}[language]
    ui.advance(1.0)
    problems += measure(app, step, "step")
    ui.shot(f"{language}-step")
    ui.tap(step.ids.done, wait=False)
    problems += measure(app, editor, "task")
    ui.shot(f"{language}-task")
    assert Window.size == size
    assert not problems, "\n".join(problems)
