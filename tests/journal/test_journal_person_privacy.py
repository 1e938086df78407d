"""A person's data stays that person's: deleting one worker never removes another's photo, and
leaves no trace of them in the trainer's problem list."""

from __future__ import annotations

from kiosk.journal import Journal


def test_a_shared_photo_stays_until_its_last_user_is_deleted(journal: Journal, data_dir):
    photo = data_dir.people_photos / "shared.png"
    photo.write_bytes(b"\x89PNG a face")
    anna = journal.add_person("Anna", photo="people/shared.png")
    ben = journal.add_person("Ben", photo=str(photo))  # the same file, written another way
    first = journal.delete_person(anna.id)
    assert photo.exists() and first.photo_deleted is None and first.photo_kept == photo
    assert journal.person(ben.id).photo == str(photo)
    second = journal.delete_person(ben.id)
    assert second.photo_deleted == photo and not photo.exists()


def test_deletion_scrubs_the_problem_list(journal: Journal, data_dir):
    anna = journal.add_person("Anna", photo="people/anna-1.png")
    journal.add_person("Annabel")
    journal.set_setting(
        "ui.problems",
        [
            {"kind": "picture", "message": "A photo could not be shown.", "detail": "people/anna-1.png", "at": "t"},
            {"kind": "journal", "message": "Steps of Anna could not be saved.", "detail": "", "at": "t"},
            {"kind": "journal", "message": "Steps of Annabel could not be saved.", "detail": "", "at": "t"},
            {"kind": "audio", "message": "A sound is missing.", "detail": "01.wav", "at": "t"},
        ],
    )
    journal.delete_person(anna.id)
    kept = [p["message"] for p in journal.get_setting("ui.problems")]
    assert kept == ["Steps of Annabel could not be saved.", "A sound is missing."]
