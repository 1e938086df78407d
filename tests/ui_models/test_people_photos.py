"""kiosk.people.photos: which photos a trainer may choose, and the kiosk's own copies (no Kivy)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PIL import Image

from kiosk.people import PhotoShelf, adopt_photo, camera_photo_name, copy_name, photo_choices

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ui"))
from ui_helpers import photo  # noqa: E402


def test_the_core_module_never_imports_kivy():
    import kiosk.people.photos as module

    assert "kivy" not in Path(module.__file__).read_text(encoding="utf-8")


def test_choices_are_own_then_newest_pictures_then_bundled_each_shown_once(tmp_path):
    own, pictures, bundled = tmp_path / "people", tmp_path / "Pictures", tmp_path / "bundled"
    photo(own / "b.png", 1, (60, 40))
    photo(bundled / "b.png", 2, (60, 40))  # already copied: listed once, as own
    photo(bundled / "worker-1.png", 3, (60, 40))
    for number in range(5):
        path = photo(pictures / f"IMG_{number}.jpg", number, (60, 40))
        os.utime(path, (1_000_000 + number, 1_000_000 + number))
    (pictures / "notes.txt").write_text("not a picture")
    (pictures / ".hidden.jpg").write_bytes(b"")
    copied = adopt_photo(pictures / "IMG_3.jpg", own, pictures)
    files = photo_choices(own, pictures, bundled, newest=3)
    names = [p.name for p in files]
    # IMG_4 is newest; IMG_3 was copied (its copy is own); IMG_2 and IMG_1 fill the three newest.
    assert names == sorted([copied.name, "b.png"]) + ["IMG_4.jpg", "IMG_2.jpg", "worker-1.png"]


def test_a_big_photo_from_pictures_is_stored_upright_and_small(tmp_path):
    pictures, own = tmp_path / "Pictures", tmp_path / "people"
    big = photo(pictures / "IMG_2041.jpg", 7, size=(4000, 3000))
    copy = adopt_photo(big, own, pictures)
    assert copy == own / copy_name(big) == own / f"IMG_2041-{big.stat().st_size}.jpg"
    with Image.open(copy) as stored:
        assert stored.size == (1024, 768) and stored.format == "JPEG"
    assert adopt_photo(big, own, pictures) == copy  # a second choice reuses the copy
    assert adopt_photo(copy, own, pictures) == copy  # an own photo stays where it is
    assert not list(own.glob("*.part"))


def test_a_different_photo_with_a_taken_name_gets_its_own_copy(tmp_path):
    own, elsewhere, other = tmp_path / "people", tmp_path / "a", tmp_path / "b"
    first = adopt_photo(photo(elsewhere / "worker.png", 1, (50, 50)), own, tmp_path / "Pictures")
    again = adopt_photo(elsewhere / "worker.png", own, tmp_path / "Pictures")
    second = adopt_photo(photo(other / "worker.png", 2, (50, 50)), own, tmp_path / "Pictures")
    assert first == again == own / "worker.png" and second == own / "worker-2.png"
    assert first.read_bytes() != second.read_bytes()


def test_a_camera_picture_never_takes_an_existing_name(tmp_path):
    (tmp_path / "camera-1.png").write_bytes(b"someone else")
    names = set()
    for _ in range(3):
        target = camera_photo_name(tmp_path)
        assert not target.exists()
        target.write_bytes(b"new")
        names.add(target.name)
    assert len(names) == 3 and (tmp_path / "camera-1.png").read_bytes() == b"someone else"


def test_the_shelf_works_on_its_own_thread_in_order(tmp_path):
    import threading

    pictures, own = tmp_path / "Pictures", tmp_path / "people"
    big = photo(pictures / "IMG_1.jpg", 1, size=(3000, 2000))
    shelf = PhotoShelf(own, pictures, tmp_path / "none")
    try:
        adopted = shelf.adopt(big)
        listed = shelf.choices()  # queued behind the copy: it sees the copy, not the original
        assert [p.name for p in listed.result(timeout=10)] == [adopted.result(timeout=10).name]
        assert not shelf.busy
        assert any(t.name.startswith("kiosk-photos") for t in threading.enumerate())  # not the caller's
        failed = shelf.adopt(tmp_path / "missing.jpg")
        assert isinstance(failed.exception(timeout=10), OSError)
    finally:
        shelf.shutdown()
