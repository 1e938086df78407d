"""Where the task editor finds a coach's photos (kiosk.authoring.photo_places): the Pictures folder
and USB sticks where desktops mount them, folders and photos in the order they were taken."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from authoring_helpers import PhotoSpec, make_photo, set_mtime

from kiosk.authoring import photo_places
from kiosk.authoring.photo_places import list_folder, photo_places as places


def test_pictures_and_sticks_are_the_places(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "Pictures").mkdir(parents=True)
    media = tmp_path / "media"
    (media / "anna" / "KINGSTON").mkdir(parents=True)  # /media/<user>/<stick> (udisks)
    (media / "anna" / ".hidden").mkdir()
    run_media = tmp_path / "run-media"
    (run_media / "ben" / "SD CARD").mkdir(parents=True)
    found = places(home, (media, run_media, tmp_path / "missing"))
    assert [(p.kind, p.name) for p in found] == [("pictures", "Pictures"), ("usb", "KINGSTON"), ("usb", "SD CARD")]
    assert places(tmp_path / "nobody", ()) == []


def test_a_folder_lists_folders_and_photos_in_the_order_taken(tmp_path: Path) -> None:
    folder = tmp_path / "DCIM"
    (folder / "100PHONE").mkdir(parents=True)
    start = datetime(2026, 5, 1, 8, 0)
    make_photo(folder / "IMG_9.JPG", PhotoSpec(size=(64, 48), taken=start + timedelta(minutes=2)))
    make_photo(folder / "IMG_1.JPG", PhotoSpec(size=(64, 48), taken=start + timedelta(minutes=5)))
    make_photo(folder / "IMG_5.jpg", PhotoSpec(size=(64, 48), taken=start))
    (folder / "notes.txt").write_text("not a photo")
    (folder / ".thumbnail.jpg").write_bytes(b"")
    listing = list_folder(folder)
    assert [p.name for p in listing.folders] == ["100PHONE"]
    assert [p.name for p in listing.photos] == ["IMG_5.jpg", "IMG_9.JPG", "IMG_1.JPG"]
    assert listing.more == 0
    assert list_folder(tmp_path / "gone").photos == ()


def test_a_stick_with_very_many_photos_shows_the_newest(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(photo_places, "MOST_PHOTOS", 3)
    for n in range(5):
        photo = make_photo(tmp_path / f"IMG_{n}.JPG", PhotoSpec(size=(32, 24), gps=False, xmp=False))
        set_mtime(photo, datetime(2026, 1, 1) + timedelta(days=n))
    listing = list_folder(tmp_path)
    assert listing.more == 2
    assert [p.name for p in listing.photos] == ["IMG_2.JPG", "IMG_3.JPG", "IMG_4.JPG"]
