"""Workers without a photo get one of twelve distinct bundled adult faces, by their number; the
trainer is told when two workers show the same picture."""

from __future__ import annotations

from pathlib import Path

from kiosk.journal import Journal
from kiosk.people import bundled_faces, face_for, shared_photos, shown_photo


def test_twelve_workers_without_photos_have_twelve_faces(tmp_path):
    faces = bundled_faces()
    assert len(faces) >= 12 and [f.name for f in faces[:3]] == ["worker-1.png", "worker-2.png", "worker-3.png"]
    assert len({face_for(person_id) for person_id in range(1, 13)}) == 12
    assert face_for(13) == face_for(1)  # the thirteenth starts again; the trainer is warned


def test_a_photo_wins_and_shared_pictures_are_found(tmp_path):
    with Journal.open(tmp_path / "journal.sqlite") as journal:
        anna = journal.add_person("Anna", language="en")
        ben = journal.add_person("Ben", language="en")
        people = [anna, ben]
        assert shown_photo(journal, anna) == face_for(anna.id) != shown_photo(journal, ben)
        assert shared_photos(people, lambda p: shown_photo(journal, p)) == {}
        for person in people:
            journal.update_person(person.id, photo="people/same.jpg")
        people = journal.people()
        assert shown_photo(journal, people[0]) == tmp_path / "people" / "same.jpg"
        shared = shared_photos(people, lambda p: shown_photo(journal, p))
        assert shared == {Path(tmp_path / "people" / "same.jpg"): ["Anna", "Ben"]}
