"""Zero-configuration packs: a folder of numbered photos is a whole pack."""

from __future__ import annotations

import unicodedata

from kiosk.packs import Severity

from .builders import errors, the_problem, write_files


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
    assert pack.title_for("de") == "make a cup of tea"
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


def test_folder_without_numbered_pictures_has_no_steps(packs_dir, load):
    folder = write_files(packs_dir / "p", ["IMG_2041.jpg"])
    pack, problems = load(folder)
    assert pack is None
    the_problem(problems, Severity.ERROR, file=None, step=None, words=["no steps"])
    assert len(errors(problems)) == 1


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
