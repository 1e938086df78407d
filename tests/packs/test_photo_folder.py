"""Zero-configuration packs: a folder of numbered photos is a whole pack."""

from __future__ import annotations

import unicodedata

from kiosk.packs import Severity

from kiosk.packs.photo_folder import NOT_A_TASK_YET, title_from_name

from .builders import the_problem, write_files, zip_bytes


def test_numbered_photos_are_steps_in_numeric_order(packs_dir, load):
    folder = write_files(
        packs_dir / "wash-hands", ["10 Dry your hands.jpg", "2 Put soap on.jpg", "1 Wet your hands.jpg"]
    )
    pack, problems = load(folder)
    assert problems == []
    assert [step.image for step in pack.steps] == ["1 Wet your hands.jpg", "2 Put soap on.jpg", "10 Dry your hands.jpg"]
    assert [step.number for step in pack.steps] == [1, 2, 3]
    assert [step.text_for("en", "en") for step in pack.steps] == ["Wet your hands", "Put soap on", "Dry your hands"]


def test_title_id_and_language_come_from_the_folder_and_the_kiosk(packs_dir, load):
    folder = write_files(packs_dir / "make_a-cup_of-tea", ["01 Fill the kettle.png"])
    pack, _ = load(folder, language="de")
    assert pack.title_for("de") == "Make a cup of tea"  # readable: a capital, never a slug
    assert pack.id == "make-a-cup-of-tea"
    assert pack.language == "de"
    assert pack.steps[0].text == {"de": "Fill the kettle"}
    assert pack.kind == "other" and pack.version == 1 and pack.cover is None


def test_audio_belongs_to_the_step_with_the_same_number(packs_dir, load):
    folder = write_files(
        packs_dir / "tea",
        ["01 Fill the kettle.jpg", "02 Switch it on.jpg", "2 switch on.MP3", "10 Pour.jpg", "10.wav"],
    )
    pack, problems = load(folder)
    assert problems == []
    assert [dict(step.audio) for step in pack.steps] == [{}, {"en": "2 switch on.MP3"}, {"en": "10.wav"}]
    assert pack.steps[1].audio_for("de", "en") == "2 switch on.MP3"
    assert pack.steps[0].audio_for("en", "en") is None


def test_cover_picture_is_the_tile_and_not_a_step(packs_dir, load):
    folder = write_files(packs_dir / "tea", ["Cover.PNG", "01 Fill.jpg"])
    pack, problems = load(folder)
    assert problems == []
    assert pack.cover == "Cover.PNG"
    assert len(pack.steps) == 1
    assert pack.thumbnail().name.startswith("thumb")


def test_text_from_names_with_dashes_and_underscores(packs_dir, load):
    folder = write_files(packs_dir / "p", ["01-wet-your-hands.jpg", "02_put_soap_on.jpg", "03 - Rub 20-30 seconds.jpg"])
    pack, _ = load(folder)
    assert [step.text_for("en", "en") for step in pack.steps] == ["wet your hands", "put soap on", "Rub 20-30 seconds"]


def test_chinese_and_german_file_names(packs_dir, load):
    folder = write_files(
        packs_dir / "洗手", ["01 把手弄湿.jpg", "02 Seife auf die Hände.jpg", "02 Seife auf die Hände.mp3"]
    )
    pack, problems = load(folder, language="zh")
    assert problems == []
    assert pack.title_for("zh") == "洗手"
    assert pack.id == "洗手"
    assert pack.steps[0].text_for("zh", "zh") == "把手弄湿"
    assert pack.steps[1].audio_for("zh", "zh") == "02 Seife auf die Hände.mp3"


def test_nfd_file_names_from_a_mac_give_nfc_text(packs_dir, load):
    name = unicodedata.normalize("NFD", "01 Hände waschen.jpg")
    folder = write_files(packs_dir / "p", [name])
    pack, problems = load(folder)
    assert problems == []
    assert pack.steps[0].text_for("de", "en") == "Hände waschen"  # NFC, as the screen needs
    assert pack.file(pack.steps[0].image).is_file()  # the name as stored on disk


def test_clutter_is_ignored_silently(packs_dir, load):
    folder = write_files(
        packs_dir / "p",
        ["01 Wet.jpg", ".DS_Store", "Thumbs.db", "desktop.ini", "._01 Wet.jpg", "__MACOSX/._01 Wet.jpg"],
    )
    pack, problems = load(folder)
    assert pack is not None and problems == []


def test_unused_files_are_warnings(packs_dir, load):
    folder = write_files(packs_dir / "p", {"01 Wet.jpg": None, "notes.txt": "remember the soap", "photo.jpg": None})
    pack, problems = load(folder)
    assert pack is not None
    the_problem(problems, Severity.WARNING, file="notes.txt", step=None, words=["nothing", "uses", "notes.txt"])
    the_problem(problems, Severity.WARNING, file="photo.jpg", step=None, words=["photo.jpg"])
    assert len(problems) == 2


def test_picture_named_only_with_a_number_is_a_step_without_words(packs_dir, load):
    folder = write_files(packs_dir / "p", ["01.jpg", "02 Dry.jpg"])
    pack, problems = load(folder)
    assert pack is not None and pack.steps[0].text_for("en", "en") == ""
    the_problem(problems, Severity.WARNING, file="01.jpg", step=1, words=["no words"])


def test_two_pictures_with_the_same_number_is_an_error(packs_dir, load):
    folder = write_files(packs_dir / "p", ["01 Wet.jpg", "1 Soap.png", "02 Dry.jpg"])
    pack, problems = load(folder)
    assert pack is None
    the_problem(
        problems, Severity.ERROR, file="1 Soap.png", step=None, words=["two pictures", "number 1", "01 Wet.jpg"]
    )


def test_heic_step_photo_is_an_error_not_a_silent_gap(packs_dir, load):
    folder = write_files(packs_dir / "p", {"01 Wet.jpg": None, "02 Soap.HEIC": b"not really heic"})
    pack, problems = load(folder)
    assert pack is None
    the_problem(problems, Severity.ERROR, file="02 Soap.HEIC", step=None, words=["HEIC", "cannot show"])


def test_folder_without_numbered_pictures_is_a_photo_folder_not_yet_a_task(packs_dir, load):
    folder = write_files(packs_dir / "p", ["IMG_2041.jpg"])
    pack, problems = load(folder)
    assert pack is None
    the_problem(problems, Severity.ERROR, file=None, step=None, words=["IMG_2041.jpg", "not a task yet"])
    assert len(problems) == 1


def test_a_folder_without_pictures_at_all_has_no_steps(packs_dir, load):
    folder = write_files(packs_dir / "p", ["notes.txt"])
    pack, problems = load(folder)
    assert pack is None
    the_problem(problems, Severity.ERROR, file=None, step=None, words=["no steps"])


def test_long_text_in_a_file_name_gets_the_easy_read_warning(packs_dir, load):
    long_name = "01 " + " ".join(["word"] * 21) + ".jpg"
    folder = write_files(packs_dir / "p", [long_name])
    pack, problems = load(folder)
    assert pack is not None
    the_problem(problems, Severity.WARNING, file=long_name, step=1, words=["21 words", "easy reading"])


def test_empty_folder_says_so(packs_dir, load):
    (packs_dir / "empty").mkdir()
    pack, problems = load(packs_dir / "empty")
    assert pack is None
    the_problem(problems, Severity.ERROR, file=None, step=None, words=["no steps", "folder is empty"])


# --- photos straight from a phone: summarised, and offered as a task ------------------------


def test_twelve_camera_photos_are_one_problem_not_twelve(packs_dir, load):
    names = [f"IMG_{1000 + index}.JPG" for index in range(12)] + ["IMG_1100.HEIC"]
    folder = write_files(packs_dir / "wash-hands_2026", names)
    pack, problems = load(folder)
    assert pack is None
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.severity is Severity.ERROR
    assert problem.message == "These 13 photos have no numbers, so they are not a task yet."
    assert "Make a task from these photos" in problem.hint
    assert problem.message_msg.template in NOT_A_TASK_YET
    assert not any("Nothing in the pack uses" in p.message for p in problems)


def test_other_stray_files_in_a_photo_folder_are_still_named(packs_dir, load):
    folder = write_files(packs_dir / "p", ["IMG_1.jpg", "IMG_2.jpg", "notes.txt"])
    _pack, problems = load(folder)
    assert [p.file for p in problems if "Nothing in the pack uses" in p.message] == ["notes.txt"]
    assert sum(1 for p in problems if p.message_msg.template in NOT_A_TASK_YET) == 1


def test_a_zip_of_camera_photos_is_told_to_number_them_or_come_as_a_folder(packs_dir, load):
    folder = write_files(packs_dir / "src", ["IMG_1.jpg", "IMG_2.jpg"])
    entries = {path.name: path.read_bytes() for path in folder.iterdir()}
    source = packs_dir / "photos.zip"
    source.write_bytes(zip_bytes(entries))
    _pack, problems = load(source)
    assert len(problems) == 1 and problems[0].message_msg.template in NOT_A_TASK_YET
    assert "as a folder" in problems[0].hint and "Tap" not in problems[0].hint


def test_photos_without_numbers_beside_numbered_ones_are_one_warning(packs_dir, load):
    names = ["01 Wet your hands.jpg", "02 Dry.jpg"] + [f"IMG_{index}.jpg" for index in range(12)]
    folder = write_files(packs_dir / "p", names)
    pack, problems = load(folder)
    assert pack is not None and len(pack.steps) == 2
    assert len(problems) == 1, problems
    assert problems[0].severity is Severity.WARNING
    assert problems[0].message == "12 photos have no number, so no step uses them: IMG_0.jpg, IMG_1.jpg, IMG_10.jpg …"


def test_one_photo_without_a_number_is_named(packs_dir, load):
    folder = write_files(packs_dir / "p", ["01 Wet your hands.jpg", "IMG_7.jpg"])
    _pack, problems = load(folder)
    the_problem(problems, Severity.WARNING, file="IMG_7.jpg", step=None, words=["has no number"])


def test_many_steps_without_words_are_one_warning(packs_dir, load):
    folder = write_files(packs_dir / "p", [f"{index:02d}.jpg" for index in range(1, 9)])
    pack, problems = load(folder)
    assert pack is not None and len(pack.steps) == 8
    assert len(problems) == 1
    assert problems[0].message == (
        "8 steps have no words: the names of their pictures are only numbers (01.jpg, 02.jpg, 03.jpg …)."
    )


def test_title_from_the_folder_name_is_readable_never_a_slug():
    assert title_from_name("wash-hands_2026") == "Wash hands 2026"
    assert title_from_name("iPhone-photos") == "iPhone photos"  # capitals of its own stay
    assert title_from_name("IKEA_shelf") == "IKEA shelf"
    assert title_from_name("洗手") == "洗手"
    assert title_from_name("2026-tea") == "2026 tea"
