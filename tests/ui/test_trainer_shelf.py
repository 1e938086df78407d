"""Managing the shelf in the real app: a folder of phone photos becomes a task in one tap; packs
hidden from workers, tasks given to one worker, and the coach's order of the tasks screen."""

from __future__ import annotations

import re
import time
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from test_trainer_screens import open_from_home, open_trainer, pack_row, set_pin
from ui_helpers import photo


def camera_photos(folder: Path, count: int = 5) -> Path:
    """Photos as a phone names them (IMG_…), taken in the opposite order of their names."""
    folder.mkdir(parents=True)
    for index in range(count):
        path = photo(folder / f"IMG_{5000 - index}.JPG", index + 1, size=(1600, 1200))
        exif = Image.Exif()
        exif[0x8769] = {0x9003: datetime(2026, 3, 12, 9, 0, index).strftime("%Y:%m:%d %H:%M:%S")}
        with Image.open(path) as picture:
            picture.load()
            picture.save(path, "JPEG", quality=85, exif=exif.tobytes())
    return folder


def wait_while_making(ui, screen) -> None:
    deadline = time.monotonic() + 60
    while screen.making and time.monotonic() < deadline:
        time.sleep(0.02)
        ui.pump(1)
    assert not screen.making
    ui.settle()
    ui.pump(4)
    ui.settle()


def row_at(ui, screen, folder_name: str):
    return pack_row(ui, screen, lambda entry: Path(entry["report"].path).name == folder_name)


def row_of(ui, screen, pack_id: str):
    return pack_row(ui, screen, lambda entry: entry["usable"] and entry["pack"].id == pack_id)


def test_a_folder_of_phone_photos_becomes_a_task_in_one_tap(kiosk, ui, library, tmp_path):
    photos = camera_photos(library / "wash-hands_2026")
    app = kiosk(packs=[library], people=[("Anna", "en"), ("Ben", "de")], prepare=set_pin)
    open_trainer(app, ui)
    screen = open_from_home(app, ui, "trainer_packs")
    row = row_at(ui, screen, photos.name)
    assert row.photo_task and not row.usable
    assert row.title == "Wash hands 2026" and row.state_word == "Photos, not a task yet"
    [problem] = [line for line in row.lines if line.startswith("•")]  # one line, no wall of problems
    assert problem.startswith("• These 5 photos have no numbers, so they are not a task yet.")
    assert row.ids.make.height >= 96 and row.ids.make.text == "Make a task from these photos"
    assert screen.status == "2 ready to use, 0 broken. Photo folders to make into tasks: 1."  # not "broken"
    ui.shot("photo-folder")

    ui.tap(row.ids.make, wait=False)
    wait_while_making(ui, screen)

    row = row_at(ui, screen, photos.name)
    assert row.usable and row.state_word == "Ready" and not row.photo_task
    assert screen.status == "3 ready to use, 0 broken."
    assert row.title == "Wash hands 2026"
    assert row.lines[-1] == str(photos) and not [line for line in row.lines if line.startswith("•")]
    ui.shot("made")
    pack = row.pack
    assert len(pack.steps) == 5 and pack.id == "wash-hands-2026"
    text = (photos / "pack.yaml").read_text(encoding="utf-8")  # in the order they were taken
    assert [f"IMG_{5000 - index}.JPG" for index in range(5)] == re.findall(r"# photo: (\S+)", text)
    assert (photos / ".sources" / "photos" / "IMG_5000.JPG").is_file()  # the photos are kept

    # A worker does it at once: pictures in the order they were taken, the placeholder sentence.
    app.leave_trainer()
    ui.settle()
    anna = next(t for t in ui.screen.tiles() if t.title == "Anna")
    ui.tap(anna)
    tile = next(t for t in ui.screen.tiles() if t.item.id == "wash-hands-2026")
    assert tile.title == "Wash hands 2026"
    ui.tap(tile)
    step = ui.screen
    assert app.sm.current == "step" and step.step_text == "Do what the picture shows."
    ui.settle()
    assert ("Do what the picture shows.", "en") in app.fake_speech.rendered  # spoken, as any step
    ui.shot("worker-step")
    for _ in range(5):
        ui.tap(step.ids.next)
    assert app.sm.current == "finish"
    assert app.journal.runs()[-1].outcome == "finished"


def worker_task_ids(app, ui, name: str) -> list[str]:
    """The tasks screen as the worker ``name`` sees it (from "Who are you?")."""
    if app.sm.current != "people":
        app.back_to_people()
        ui.settle()
    ui.tap(next(t for t in ui.screen.tiles() if t.title == name))
    assert app.sm.current == "tasks"
    return [tile.item.id for tile in ui.screen.tiles()]


def packs_screen(app, ui):
    open_trainer(app, ui)
    return open_from_home(app, ui, "trainer_packs")


def worker_form(app, ui, name: str, opened: bool = False):
    """The trainer's form of the worker ``name`` (through the trainer door unless ``opened``)."""
    from test_trainer_screens import wait_for_photos

    if not opened:
        open_trainer(app, ui)
    people = open_from_home(app, ui, "trainer_people")
    ui.tap(next(t for t in people.tiles() if t.title == name), wait=False)
    wait_for_photos(ui, ui.screen)
    return ui.screen


def usable_ids(screen) -> list[str]:
    return [entry["pack"].id for entry in screen.entries() if entry["usable"]]


def test_hide_a_pack_from_workers_and_show_it_again(kiosk, ui, library):
    app = kiosk(packs=[library], people=[("Anna", "en"), ("Ben", "de")], prepare=set_pin)
    assert worker_task_ids(app, ui, "Anna") == ["sort-screws", "wash-hands"]
    screen = packs_screen(app, ui)
    row = row_of(ui, screen, "wash-hands")
    assert not row.hidden and row.ids.hide.text == "Hide"
    ui.tap(row.ids.hide, wait=False)
    row = row_of(ui, screen, "wash-hands")
    assert row.hidden and row.ids.hide.text == "Show"  # still listed for the trainer
    ui.shot("hidden")
    app.leave_trainer()
    ui.settle()
    assert worker_task_ids(app, ui, "Anna") == ["sort-screws"]
    assert worker_task_ids(app, ui, "Ben") == ["sort-screws"]

    screen = packs_screen(app, ui)
    row = row_of(ui, screen, "wash-hands")
    ui.tap(row.ids.hide, wait=False)
    app.leave_trainer()
    ui.settle()
    assert worker_task_ids(app, ui, "Anna") == ["sort-screws", "wash-hands"]


def test_the_coach_orders_the_tasks_screen(kiosk, ui, library):
    app = kiosk(packs=[library], people=[("Anna", "en"), ("Ben", "de")], prepare=set_pin)
    screen = packs_screen(app, ui)
    assert usable_ids(screen) == ["sort-screws", "wash-hands"]
    assert row_of(ui, screen, "sort-screws").ids.up.disabled
    second = row_of(ui, screen, "wash-hands")
    assert second.ids.down.disabled
    ui.tap(second.ids.up, wait=False)
    assert usable_ids(screen) == ["wash-hands", "sort-screws"]
    ui.shot("moved-up")
    app.leave_trainer()
    ui.settle()
    assert worker_task_ids(app, ui, "Anna") == ["wash-hands", "sort-screws"]
    screen = packs_screen(app, ui)
    ui.tap(row_of(ui, screen, "wash-hands").ids.down, wait=False)
    assert usable_ids(screen) == ["sort-screws", "wash-hands"]


def test_two_tasks_for_one_worker_the_others_still_see_all(kiosk, ui, library):
    from test_trainer_screens import tap_in
    from ui_helpers import make_pack

    make_pack(library, "water-plants", {"en": "Water the plants"}, [{"text": "Fill the can."}])
    app = kiosk(packs=[library], people=[("Anna", "en"), ("Ben", "de")], prepare=set_pin)
    assert worker_task_ids(app, ui, "Ben") == ["sort-screws", "wash-hands", "water-plants"]
    person = worker_form(app, ui, "Ben")
    assert person.tasks_label == "Tasks for Ben"
    assert [b.value for b in reversed(person.ids.tasks_choice.children)] == ["all", "only"]
    assert not person.ids.task_packs.children  # all tasks: nothing to tick
    tap_in(ui, next(b for b in person.ids.tasks_choice.children if b.value == "only"))
    toggles = {b.value: b for b in person.ids.task_packs.children}
    assert set(toggles) == {"sort-screws", "wash-hands", "water-plants"}
    assert all(not b.chosen and b.icon == "close" for b in toggles.values())
    tap_in(ui, toggles["water-plants"])
    tap_in(ui, next(b for b in person.ids.task_packs.children if b.value == "sort-screws"))
    chosen = {b.value for b in person.ids.task_packs.children if b.chosen}
    assert chosen == {"water-plants", "sort-screws"}
    assert all(b.height >= 96 and b.text and b.icon for b in person.ids.task_packs.children)
    person.ids.scroller.scroll_to(person.ids.task_packs, animate=False)
    ui.shot("only-these")
    ui.tap(person.ids.save, wait=False)
    ben = next(p for p in app.journal.people() if p.name == "Ben")
    assert ben.preferences["tasks"] == ["sort-screws", "water-plants"]
    app.leave_trainer()
    ui.settle()
    assert worker_task_ids(app, ui, "Ben") == ["sort-screws", "water-plants"]
    assert worker_task_ids(app, ui, "Anna") == ["sort-screws", "wash-hands", "water-plants"]

    # back to all tasks
    person = worker_form(app, ui, "Ben")
    assert {b.value for b in person.ids.task_packs.children if b.chosen} == {"sort-screws", "water-plants"}
    tap_in(ui, next(b for b in person.ids.tasks_choice.children if b.value == "all"))
    ui.tap(person.ids.save, wait=False)
    assert "tasks" not in next(p for p in app.journal.people() if p.name == "Ben").preferences
    app.leave_trainer()
    ui.settle()
    assert worker_task_ids(app, ui, "Ben") == ["sort-screws", "wash-hands", "water-plants"]


@pytest.mark.parametrize("language", ["en", "de", "zh"])
@pytest.mark.parametrize("scale", [1.0, 1.5], ids=["text100", "text150"])
@pytest.mark.parametrize("size", [(1280, 800), (800, 1280)], ids=["landscape", "portrait"])
def test_the_shelf_looks_right(kiosk, ui, library, size, scale, language):
    """The photo-folder row, a hidden pack's row and a worker's own tasks, measured and shot."""
    from kiosk.trainer.shelf_arrangement import ShelfArrangement, with_worker_tasks
    from looks import measure

    camera_photos(library / "wash-hands_2026", count=3)

    def prepare(journal):
        set_pin(journal)
        ShelfArrangement().with_hidden("wash-hands", True).save(journal)
        ben = next(p for p in journal.people() if p.name == "Ben")
        journal.update_person(ben.id, preferences=with_worker_tasks(ben.preferences, ["sort-screws"]))

    app = kiosk(
        packs=[library],
        people=[("Anna", language), ("Ben", language)],
        prepare=prepare,
        size=size,
        settings={"language": language, "text_scale": scale},
    )
    problems: list[str] = []
    screen = packs_screen(app, ui)
    photos = pack_row(ui, screen, lambda entry: entry["photo_task"])
    screen.ids.scroller.scroll_to(photos.ids.make, animate=False)
    ui.pump(3)
    ui.shot("photo-folder")
    problems += measure(app, screen, "packs (photos)")
    hidden = pack_row(ui, screen, lambda entry: entry["hidden"])
    screen.ids.scroller.scroll_to(hidden.ids.down, animate=False)
    ui.pump(3)
    ui.shot("hidden")
    problems += measure(app, screen, "packs (hidden)")
    ui.tap(screen.ids.back, wait=False)
    person = worker_form(app, ui, "Ben", opened=True)
    assert {b.value for b in person.ids.task_packs.children if b.chosen} == {"sort-screws"}
    person.ids.scroller.scroll_to(person.ids.task_packs, animate=False)
    ui.pump(3)
    ui.shot("only-these")
    problems += measure(app, person, "person (tasks)")
    assert not problems, "\n".join(problems)


def test_a_damaged_photo_is_named_on_the_row_and_nothing_changes(kiosk, ui, library):
    photos = camera_photos(library / "fold-towels", count=2)
    (photos / "IMG_0001.JPG").write_bytes(b"this is not a photo")
    before = sorted(path.name for path in photos.iterdir())
    app = kiosk(packs=[library], people=[("Anna", "de")], prepare=set_pin, settings={"language": "de"})
    screen = packs_screen(app, ui)
    ui.tap(row_at(ui, screen, "fold-towels").ids.make, wait=False)
    wait_while_making(ui, screen)
    row = row_at(ui, screen, "fold-towels")
    assert row.photo_task and "IMG_0001.JPG" in row.note
    assert row.note.startswith("Die Aufgabe konnte nicht gemacht werden:") and "Fotos sind unverändert" in row.note
    assert sorted(path.name for path in photos.iterdir()) == before
    assert [p.name for p in library.iterdir() if p.name.startswith(".")] == []
    ui.shot("damaged-photo")
