"""The shared values: immutable, hashable, picklable, and the language fallbacks."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from pathlib import Path

import pytest

from kiosk.packs import Pack, Problem, Severity, Step
from kiosk.packs.easy_read import count_sentences, count_words, too_long
from kiosk.packs.languages import normalise_language_tag


def make_step(**changes) -> Step:
    values = dict(number=1, image="01.jpg", text={"en": "Wet.", "de": "Nass."}, audio={"de": "01-de.wav"})
    values.update(changes)
    return Step(**values)


def make_pack(**changes) -> Pack:
    values = dict(
        id="p",
        title={"de": "Hände"},
        language="de",
        kind="other",
        version=1,
        cover=None,
        steps=[make_step()],
        root=Path("/packs/p"),
        source=Path("/packs/p"),
        content_hash="0" * 64,
        problems=[],
    )
    values.update(changes)
    return Pack(**values)


def test_steps_built_from_plain_dicts_are_immutable_and_hashable():
    text = {"en": "Wet."}
    step = make_step(text=text)
    text["en"] = "changed"
    assert step.text == {"en": "Wet."}
    with pytest.raises(TypeError):
        step.text["en"] = "x"  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.number = 2  # type: ignore[misc]
    assert hash(step) == hash(make_step(text={"en": "Wet."}))


def test_packs_pickle_and_copy():
    pack = make_pack()
    assert pickle.loads(pickle.dumps(pack)) == pack
    assert copy.deepcopy(pack) == pack
    assert isinstance(pack.steps, tuple) and hash(pack)


def test_text_and_audio_fallbacks():
    step = make_step()
    assert step.text_for("de", "en") == "Nass."
    assert step.text_for("fr", "en") == "Wet."
    assert step.text_for("fr", "zh") == "Wet."  # any: the first one listed
    assert step.audio_for("en", "en") == "01-de.wav"  # any recording beats none
    assert make_step(audio={}).audio_for("en", "en") is None
    assert make_step(text={}).text_for("en", "en") == ""


def test_pack_accessors_without_prepared_images_fall_back_to_the_files():
    pack = make_pack()
    assert pack.title_for("en") == "Hände"
    assert make_pack(title={}).title_for("en") == "p"
    assert pack.file("photos/01.jpg") == Path("/packs/p/photos/01.jpg")
    assert pack.display_image(pack.steps[0]) == Path("/packs/p/01.jpg")
    assert pack.thumbnail() == Path("/packs/p/01.jpg")
    assert make_pack(cover="cover.png").thumbnail() == Path("/packs/p/cover.png")


def test_problem_reads_as_one_line():
    problem = Problem(Severity.ERROR, "p", "03.jpg", 3, "The picture 03.jpg is missing.", "Copy it in.")
    assert str(problem) == "03.jpg, step 3: The picture 03.jpg is missing. — Copy it in."
    assert Severity.ERROR == "error"


@pytest.mark.parametrize(
    "tag, spelled",
    [
        ("en", "en"),
        ("DE", "de"),
        ("zh_cn", "zh-CN"),
        ("zh-hans", "zh-Hans"),
        ("es-419", "es-419"),
        ("English", None),
        ("", None),
        ("e", None),
    ],
)
def test_language_tags(tag, spelled):
    assert normalise_language_tag(tag) == spelled


@pytest.mark.parametrize(
    "text, words, sentences, verdict",
    [
        ("Wet your hands.", 3, 1, None),
        ("Rub for 2.5 seconds. Then rinse.", 6, 2, None),
        ("One. Two. Three.", 3, 3, "3 sentences"),
        (" ".join(["word"] * 21), 21, 1, "21 words"),
        ("把手弄湿。", 2, 1, None),
        ("把" * 42, 21, 1, "21 words"),
    ],
)
def test_easy_read_thresholds(text, words, sentences, verdict):
    assert (count_words(text), count_sentences(text), too_long(text)) == (words, sentences, verdict)
