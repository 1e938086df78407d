"""Problem words kept as templates (``kiosk.packs.words.Msg``): English as always, any language later."""

from __future__ import annotations

from kiosk.i18n import translator
from kiosk.packs.model import Problem, Severity
from kiosk.packs.words import Msg


def test_a_template_renders_english_and_translates_its_parts():
    missing = Msg("The {noun} {shown} is missing.", noun=Msg("picture"), shown="01.jpg")
    assert str(missing) == "The picture 01.jpg is missing."
    assert missing.render(translator("zh")) == "图片 01.jpg 不见了。"
    assert missing.render(translator("de")) == "Die Datei 01.jpg (Bild) fehlt."


def test_a_broken_or_missing_translation_falls_back_to_english():
    assert Msg("Not in any catalog: {name}.", name="x").render(translator("de")) == "Not in any catalog: x."
    broken = Msg("The pack {name} cannot be found.", name="p")
    assert broken.render(lambda _text: "Das Paket {nom} fehlt.") == "The pack p cannot be found."


def test_a_template_survives_a_file_and_compares_by_its_words():
    message = Msg("Step {step} has no text.", step=3)
    hint = Msg("Add a line 'text: <what the worker does>' to the step.")
    again = Msg.from_json(message.as_json())
    assert again == message and str(again) == "Step 3 has no text."
    assert Msg.from_json({"template": 3}) is None and Msg.from_json("x") is None
    problem = Problem(Severity.ERROR, "p", "pack.yaml", 3, str(message), str(hint), message, hint)
    plain = Problem(Severity.ERROR, "p", "pack.yaml", 3, str(message), str(hint))
    assert problem == plain and hash(problem) == hash(plain)  # English words decide equality
    assert plain.in_words(translator("de"))[1] == problem.in_words(translator("de"))[1]  # a literal is found
    assert problem.in_words(translator("de"))[0] == "Schritt 3 hat keinen Text."


def test_lines_are_put_into_words_one_by_one_and_kept_as_english():
    from kiosk.i18n import translator
    from kiosk.packs.words import MsgLines

    lines = MsgLines([Msg("picture"), Msg("Step {step} has no text.", step=2)])
    assert str(lines) == "picture\nStep 2 has no text."
    german = lines.render(translator("de"))
    assert german.split("\n")[0] == translator("de")("picture") != "picture"
    assert Msg.from_json(lines.as_json()).render() == "picture\nStep 2 has no text."
    assert lines != MsgLines([Msg("picture")]) and lines == MsgLines(
        [Msg("picture"), Msg("Step {step} has no text.", step=2)]
    )
