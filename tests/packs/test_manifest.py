"""pack.yaml: every setting, every way of writing it wrong, and what trainers' editors produce."""

from __future__ import annotations

import textwrap

import pytest

from kiosk.packs import Severity

from .builders import errors, the_problem, write_files

GOOD = """\
format: 1
id: wash-hands
title: {en: Wash your hands, de: Hände waschen}
language: en
kind: life-skill
version: 3
cover: cover.jpg
steps:
  - image: 01-wet.jpg
    text: Wet your hands.
    audio: 01-wet.wav
    timer: 20
  - image: 02-soap.jpg
    text: {en: Put soap on your hands., de: Seife auf die Hände., zh: 把肥皂抹在手上。}
    audio: {en: 02-en.ogg, de: 02-de.mp3}
    count: 5
"""
GOOD_FILES = ["cover.jpg", "01-wet.jpg", "01-wet.wav", "02-soap.jpg", "02-en.ogg", "02-de.mp3"]


def yaml_pack(folder, manifest: str, files=("01.jpg",)):
    write_files(folder, files)
    (folder / "pack.yaml").write_text(textwrap.dedent(manifest), encoding="utf-8")
    return folder


def test_a_full_manifest_loads_exactly(packs_dir, load):
    pack, problems = load(yaml_pack(packs_dir / "folder-name", GOOD, GOOD_FILES))
    assert problems == []
    assert (pack.id, pack.language, pack.kind, pack.version, pack.cover) == (
        "wash-hands",
        "en",
        "life-skill",
        3,
        "cover.jpg",
    )
    assert pack.title == {"en": "Wash your hands", "de": "Hände waschen"}
    first, second = pack.steps
    assert (first.number, first.image, dict(first.text), dict(first.audio), first.timer, first.count) == (
        1,
        "01-wet.jpg",
        {"en": "Wet your hands."},
        {"en": "01-wet.wav"},
        20,
        None,
    )
    assert (second.timer, second.count) == (None, 5)
    assert dict(second.audio) == {"en": "02-en.ogg", "de": "02-de.mp3"}
    assert pack.source == packs_dir / "folder-name" and pack.root == pack.source
    assert len(pack.content_hash) == 64


def test_text_falls_back_from_worker_language_to_pack_language_to_any(packs_dir, load):
    pack, _ = load(yaml_pack(packs_dir / "p", GOOD, GOOD_FILES))
    first, second = pack.steps
    assert second.text_for("de", "en") == "Seife auf die Hände."  # the worker's language
    assert second.text_for("de-AT", "en") == "Seife auf die Hände."  # by main language
    assert second.text_for("fr", "en") == "Put soap on your hands."  # the pack's language
    assert first.text_for("zh", "de") == "Wet your hands."  # any
    assert second.audio_for("zh", "de") == "02-de.mp3"
    assert pack.title_for("de") == "Hände waschen" and pack.title_for("zh") == "Wash your hands"


def test_manifest_without_steps_adds_to_a_photo_folder(packs_dir, load):
    folder = yaml_pack(
        packs_dir / "p", "format: 1\ntitle: Tea\nlanguage: de\nversion: 2\n", ["01 Wasser.jpg", "02 Tee.jpg"]
    )
    pack, problems = load(folder)
    assert problems == []
    assert pack.title == {"de": "Tea"} and pack.version == 2
    assert [step.text_for("de", "de") for step in pack.steps] == ["Wasser", "Tee"]


def test_bom_and_windows_line_ends_are_read(packs_dir, load):
    folder = packs_dir / "p"
    write_files(folder, ["01.jpg"])
    manifest = "format: 1\r\ntitle: Wäsche\r\nsteps:\r\n  - image: 01.jpg\r\n    text: Hände waschen.\r\n"
    (folder / "pack.yaml").write_bytes(b"\xef\xbb\xbf" + manifest.encode("utf-8"))
    pack, problems = load(folder)
    assert problems == []
    assert pack.title_for("en") == "Wäsche" and pack.steps[0].text_for("en", "en") == "Hände waschen."


def test_utf16_from_notepad_is_read(packs_dir, load):
    folder = packs_dir / "p"
    write_files(folder, ["01.jpg"])
    (folder / "pack.yaml").write_bytes("format: 1\nsteps: [{image: 01.jpg, text: Hi.}]\n".encode("utf-16"))
    pack, problems = load(folder)
    assert pack is not None and problems == []


def test_text_that_is_not_utf8_is_an_error_with_its_line(packs_dir, load):
    folder = packs_dir / "p"
    write_files(folder, ["01.jpg"])
    (folder / "pack.yaml").write_bytes("format: 1\ntitle: Hände\n".encode("latin-1"))
    pack, problems = load(folder)
    assert pack is None
    the_problem(problems, Severity.ERROR, file="pack.yaml", step=None, words=["UTF-8", "line 2"])


def test_yaml_syntax_error_names_line_and_column(packs_dir, load):
    folder = yaml_pack(packs_dir / "p", "format: 1\nsteps:\n  - image: 01.jpg\n    text: Wet: your hands\n")
    pack, problems = load(folder)
    assert pack is None
    problem = the_problem(
        problems, Severity.ERROR, file="pack.yaml", step=None, words=["line 4, column 14", "writing mistake"]
    )
    assert "line 4" in problem.hint
    assert len(problems) == 1


def test_tab_indentation_is_a_syntax_error_with_its_line(packs_dir, load):
    folder = yaml_pack(packs_dir / "p", "format: 1\nsteps:\n\t- image: 01.jpg\n")
    _, problems = load(folder)
    the_problem(problems, Severity.ERROR, file="pack.yaml", step=None, words=["line 3"])


@pytest.mark.parametrize(
    "manifest, step, words",
    [
        ("format: 1\nsteps: abc\n", None, ["steps", "must be a list", "'abc'"]),
        (
            "format: 1\nsteps:\n  - image: 01.jpg\n    text: Hi.\n    timer: ten\n",
            1,
            ["timer", "whole number", "'ten'"],
        ),
        ("format: 1\nsteps:\n  - image: 01.jpg\n    text: 5\n", 1, ["text", "must be", "'5'"]),
        ("format: 1\nsteps:\n  - image: 01.jpg\n    text: Hi.\n    count: 0\n", 1, ["count", "from 1"]),
        ("format: 1\nsteps:\n  - image: 01.jpg\n    text: Hi.\n    timer: yes\n", 1, ["timer", "'yes'"]),
        ("format: 1\nsteps:\n  - image: [01.jpg]\n    text: Hi.\n", 1, ["image", "file name", "a list"]),
        ("format: 1\nsteps:\n  - 01.jpg\n", 1, ["step 1", "'image:'", "'text:'"]),
        (
            "format: 1\nsteps:\n  - image: 01.jpg\n    text: {en: Hi., english: Hello}\n",
            1,
            ["language of the text", "'english'"],
        ),
        ("format: 1\nversion: three\nsteps: [{image: 01.jpg, text: Hi.}]\n", None, ["version", "whole number"]),
        ("format: 1\nlanguage: English\nsteps: [{image: 01.jpg, text: Hi.}]\n", None, ["language", "code"]),
        ("format: 1\nid: a/b\nsteps: [{image: 01.jpg, text: Hi.}]\n", None, ["id", "without slashes"]),
        ("format: 1\ntitle: [a, b]\nsteps: [{image: 01.jpg, text: Hi.}]\n", None, ["title", "a list"]),
        ("format: '1'\nsteps: [{image: 01.jpg, text: Hi.}]\n", None, ["format", "must be 1"]),
        ("steps: [{image: 01.jpg, text: Hi.}]\n", None, ["format"]),
        ("- format: 1\n", None, ["list of settings"]),
        ("format: 1\nsteps:\n  - image: 01.jpg\n", 1, ["no text"]),
        ("format: 1\nsteps:\n  - text: Hi.\n", 1, ["no picture"]),
    ],
)
def test_wrong_values_are_errors_naming_the_setting(packs_dir, load, manifest, step, words):
    pack, problems = load(yaml_pack(packs_dir / "p", manifest))
    assert pack is None
    the_problem(problems, Severity.ERROR, file="pack.yaml", step=step, words=words)
    assert len(errors(problems)) == 1, problems


def test_all_mistakes_are_reported_at_once(packs_dir, load):
    manifest = "format: 1\nversion: x\nsteps:\n  - image: 01.jpg\n    text: 5\n  - image: 01.jpg\n    text: Hi.\n    timer: ten\n"
    _, problems = load(yaml_pack(packs_dir / "p", manifest))
    assert [(p.step, p.message.split(",")[0]) for p in errors(problems)] == [
        (None, "The version must be a whole number"),
        (1, "In step 1"),
        (2, "In step 2"),
    ]


def test_norwegian_no_read_as_false_gets_a_quoting_hint(packs_dir, load):
    _, problems = load(yaml_pack(packs_dir / "p", "format: 1\nlanguage: no\nsteps: [{image: 01.jpg, text: Hei.}]\n"))
    problem = the_problem(problems, Severity.ERROR, file="pack.yaml", step=None, words=["language"])
    assert '"no"' in problem.hint


def test_newer_format_is_one_clear_error(packs_dir, load):
    _, problems = load(yaml_pack(packs_dir / "p", "format: 2\nfancy: yes\nsteps: {}\n"))
    the_problem(problems, Severity.ERROR, file="pack.yaml", step=None, words=["newer version"])
    assert len(problems) == 1


def test_empty_steps_list_is_no_steps(packs_dir, load):
    pack, problems = load(yaml_pack(packs_dir / "p", "format: 1\nsteps: []\n", files=()))
    assert pack is None
    the_problem(problems, Severity.ERROR, file="pack.yaml", step=None, words=["no steps", "empty"])


def test_empty_manifest_is_missing_format(packs_dir, load):
    pack, problems = load(yaml_pack(packs_dir / "p", "", files=["01 Hi.jpg"]))
    assert pack is None
    the_problem(problems, Severity.ERROR, file="pack.yaml", step=None, words=["format"])


def test_unknown_keys_are_warnings_with_a_suggestion(packs_dir, load):
    manifest = "format: 1\ntittle: Tea\nsteps:\n  - image: 01.jpg\n    text: Hi.\n    timmer: 5\n"
    pack, problems = load(yaml_pack(packs_dir / "p", manifest))
    assert pack is not None
    top = the_problem(problems, Severity.WARNING, file="pack.yaml", step=None, words=["does not know", "'tittle'"])
    assert "'title'" in top.hint
    step = the_problem(problems, Severity.WARNING, file="pack.yaml", step=1, words=["'timmer'"])
    assert "'timer'" in step.hint


def test_unknown_kind_is_a_warning_and_becomes_other(packs_dir, load):
    pack, problems = load(yaml_pack(packs_dir / "p", "format: 1\nkind: cooking\nsteps: [{image: 01.jpg, text: Hi.}]\n"))
    assert pack.kind == "other"
    the_problem(problems, Severity.WARNING, file="pack.yaml", step=None, words=["'cooking'"])


def test_missing_image_is_an_error(packs_dir, load):
    manifest = "format: 1\nsteps:\n  - image: 01.jpg\n    text: Hi.\n  - image: 03.jpg\n    text: Bye.\n"
    pack, problems = load(yaml_pack(packs_dir / "p", manifest))
    assert pack is None
    problem = the_problem(problems, Severity.ERROR, file="03.jpg", step=2, words=["picture 03.jpg", "missing"])
    assert problem.hint == "Copy 03.jpg into the pack folder, or fix the name in pack.yaml."


def test_missing_audio_is_a_warning_and_speech_is_generated(packs_dir, load):
    manifest = "format: 1\nsteps:\n  - image: 01.jpg\n    text: Hi.\n    audio: 01.wav\n"
    pack, problems = load(yaml_pack(packs_dir / "p", manifest))
    assert pack is not None and pack.steps[0].audio == {}
    the_problem(problems, Severity.WARNING, file="01.wav", step=1, words=["recording", "missing", "computer voice"])


def test_file_matched_only_ignoring_case_is_a_warning_and_loads(packs_dir, load):
    manifest = "format: 1\nsteps:\n  - image: 01.jpg\n    text: Hi.\n"
    pack, problems = load(yaml_pack(packs_dir / "p", manifest, files=["01.JPG"]))
    assert pack is not None
    assert pack.steps[0].image == "01.JPG" and pack.file("01.JPG").is_file()
    problem = the_problem(
        problems, Severity.WARNING, file="01.JPG", step=1, words=["'01.jpg'", "01.JPG", "upper and lower case"]
    )
    assert len(problems) == 1
    assert "01.JPG" in problem.hint


def test_nfd_name_matches_an_nfc_reference(packs_dir, load):
    import unicodedata

    manifest = "format: 1\nsteps:\n  - image: Hände.jpg\n    text: Hände waschen.\n"
    pack, problems = load(yaml_pack(packs_dir / "p", manifest, files=[unicodedata.normalize("NFD", "Hände.jpg")]))
    assert problems == [] and pack.file(pack.steps[0].image).is_file()


def test_picture_in_a_subfolder_and_windows_separators(packs_dir, load):
    manifest = "format: 1\nsteps:\n  - image: photos\\01.jpg\n    text: Hi.\n"
    pack, problems = load(yaml_pack(packs_dir / "p", manifest, files=["photos/01.jpg"]))
    assert problems == [] and pack.steps[0].image == "photos/01.jpg"


def test_step_text_longer_than_easy_read_guidance_is_a_warning(packs_dir, load):
    manifest = "format: 1\nsteps:\n  - image: 01.jpg\n    text: Take the cup. Fill it. Put it down.\n"
    pack, problems = load(yaml_pack(packs_dir / "p", manifest))
    assert pack is not None
    the_problem(problems, Severity.WARNING, file="pack.yaml", step=1, words=["3 sentences", "easy reading"])


def test_missing_cover_is_a_warning_and_the_first_step_is_the_tile(packs_dir, load):
    pack, problems = load(
        yaml_pack(packs_dir / "p", "format: 1\ncover: cover.jpg\nsteps: [{image: 01.jpg, text: Hi.}]\n")
    )
    assert pack is not None and pack.cover is None
    assert pack.thumbnail().is_file()
    the_problem(problems, Severity.WARNING, file="cover.jpg", step=None, words=["cover", "missing"])


def test_audio_of_a_wrong_kind_is_a_warning(packs_dir, load):
    manifest = "format: 1\nsteps:\n  - image: 01.jpg\n    text: Hi.\n    audio: 01.jpg\n"
    pack, problems = load(yaml_pack(packs_dir / "p", manifest))
    assert pack is not None and pack.steps[0].audio == {}
    the_problem(problems, Severity.WARNING, file="01.jpg", step=1, words=["not a kind of file"])


def test_picture_of_a_wrong_kind_is_an_error(packs_dir, load):
    manifest = "format: 1\nsteps:\n  - image: 01.heic\n    text: Hi.\n"
    pack, problems = load(yaml_pack(packs_dir / "p", manifest, files={"01.heic": b"x"}))
    assert pack is None
    the_problem(problems, Severity.ERROR, file="01.heic", step=1, words=["HEIC"])
