"""Trainer person screen: photos from ~/Pictures as thumbnails, stored as a small upright copy."""

from __future__ import annotations

import time

from PIL import Image

from test_trainer_screens import open_from_home, open_trainer, set_pin, tap_in, wait_for_photos
from ui_helpers import photo


def wait_for_thumbnails(ui, screen):
    deadline = time.monotonic() + 10
    while screen.thumbnails.busy and time.monotonic() < deadline:
        time.sleep(0.005)
        ui.pump(1)
    ui.pump(2)


def test_a_photo_from_pictures_is_shown_small_and_copied_small(kiosk, ui, tmp_path, monkeypatch):
    home = tmp_path / "home"
    big = photo(home / "Pictures" / "IMG_2041.jpg", 7, size=(4000, 3000))
    (home / "Pictures" / "notes.txt").write_text("not a picture")
    monkeypatch.setenv("HOME", str(home))
    app = kiosk(people=[("Anna", "en"), ("Ben", "de")], prepare=set_pin)
    open_trainer(app, ui)
    people = open_from_home(app, ui, "trainer_people")
    ui.tap(next(t for t in people.tiles() if t.title == "Ben"), wait=False)
    person = ui.screen
    wait_for_photos(ui, person)
    names = [c.path.name for c in reversed(person.ids.photos.children)]
    assert "IMG_2041.jpg" in names and "notes.txt" not in names
    wait_for_thumbnails(ui, person)
    choice = next(c for c in person.ids.photos.children if c.path == big)
    assert choice.texture is not None and max(choice.texture.size) <= 280  # a thumbnail, not 12 MP
    tap_in(ui, choice)
    copy = app.data.people_photos / f"IMG_2041-{big.stat().st_size}.jpg"
    assert person.photo == f"people/{copy.name}" and copy.is_file()
    with Image.open(copy) as stored:
        assert max(stored.size) == 1024
    # The copy is listed (and chosen) in place of the original: one photo, shown once.
    wait_for_thumbnails(ui, person)
    names = [c.path.name for c in person.ids.photos.children]
    assert copy.name in names and "IMG_2041.jpg" not in names
    assert next(c for c in person.ids.photos.children if c.path.name == copy.name).chosen
    ui.shot("person-photo-from-pictures")
    ui.tap(person.ids.save, wait=False)
    ben = next(p for p in app.journal.people() if p.name == "Ben")
    assert ben.photo == f"people/{copy.name}"
    tile = next(t for t in ui.screen.tiles() if t.title == "Ben")
    ui.shot("people-with-photo")
    assert tile is not None
