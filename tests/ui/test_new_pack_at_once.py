"""A pack of big photos copied in is usable at once: its tile appears after the scan, before any
display copy exists; a worker who opens it sees each step's own photo (decoded at display size,
never a blank screen), and the opened pack's copies are made first, in the background."""

from __future__ import annotations

import threading
import time

from kivy.base import EventLoop

from kiosk.packs.images import DISPLAY_BOX
from ui_helpers import photo


def big_pack(folder, name, steps, first):
    root = folder / name
    for number in range(1, steps + 1):  # photos of their own, bigger than the display box
        photo(root / f"{number:02d} Do step {number}.jpg", first + number, size=(1600, 1200))
    return root


def test_a_new_big_pack_is_usable_before_its_copies_are_made(kiosk, ui, library):
    app = kiosk(people=[("Anna", "en")])
    shelf = app.shelf
    release = threading.Event()
    made = []
    real_make = shelf.library.make_copy

    def held_make(job):  # the real copy, made only once the test lets it
        release.wait(20)
        made.append(job.pack_id)
        return real_make(job)

    shelf.library.make_copy = held_make
    big_pack(library, "boxes", 4, first=10)
    big_pack(library, "crates", 4, first=20)
    shelf.refresh()
    ui.settle()
    screen = ui.screen
    ids = [entry["item"].id for entry in screen.entries()]
    assert "boxes" in ids and "crates" in ids  # the tiles are there ...
    crates = next(entry["item"] for entry in screen.entries() if entry["item"].id == "crates")
    assert shelf.preparing and not any(path.exists() for path in crates.display_images.values())  # ... no copy yet
    tile = next(t for t in screen.tiles() if t.item.id == "crates")
    ui.tap(tile)
    assert app.sm.current == "step"
    step = ui.screen
    for number in (1, 2, 3):
        assert step.session.number == number
        texture = step.ids.picture.texture
        assert texture is not None and max(texture.size) <= max(DISPLAY_BOX)  # the photo itself, at display size
        ui.shot(f"step-{number}-from-the-original")
        ui.tap(step.ids.next)
    release.set()
    deadline = time.monotonic() + 30
    while shelf.preparing and time.monotonic() < deadline:
        EventLoop.idle()
        time.sleep(0.01)
    assert not shelf.preparing
    # the tiles' pictures first (one per pack), then the opened pack's steps before the other's
    assert made[2:5] == ["crates"] * 3 and made.count("crates") == made.count("boxes") == 4
    assert all(path.is_file() for path in crates.display_images.values())
    assert crates.display_image(crates.steps[3]) == crates.display_images[crates.steps[3].image]
