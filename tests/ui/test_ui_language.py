"""The UI speaks the worker's language: gettext catalogs for en, de and zh, real Chinese glyphs."""

from __future__ import annotations

import ast
import gettext
import io
import re
from pathlib import Path

from kivy import kivy_data_dir
from PIL import Image

from kiosk.i18n import compile_po, parse_po, po_path, translate

UI = Path(__file__).resolve().parents[2] / "kiosk" / "ui"
TR_CALL = re.compile(r"""\btr\(\s*(['"])(.+?)\1""")


def ui_messages() -> set[str]:
    """Every literal message the UI translates (``tr('...')`` in .py and .kv files)."""
    found = set()
    for path in list(UI.rglob("*.py")) + list(UI.rglob("*.kv")):
        found.update(match.group(2) for match in TR_CALL.finditer(path.read_text(encoding="utf-8")))
    return found


def test_every_ui_word_is_translated():
    messages = ui_messages()
    assert {"Next", "Back", "Hear again", "Help", "Well done, {name}!", "Wave to your coach."} <= messages
    for language in ("de", "zh"):
        table = parse_po(po_path(language).read_text(encoding="utf-8"))
        missing = sorted(m for m in messages if not table.get(m))
        assert not missing, f"{language}: untranslated {missing}"
        for message in messages:  # placeholders survive translation
            assert set(re.findall(r"{\w+}", message)) == set(re.findall(r"{\w+}", table[message]))


def test_po_parser_follows_msgfmt_rules():
    text = """
msgid ""
msgstr "Language: de\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

#, fuzzy
msgid "Unchecked"
msgstr "Ungeprüft"

msgid "Two "
"lines"
msgstr "Zwei "
"Zeilen"

msgctxt "button"
msgid "Open"
msgstr "Öffnen"

msgid "Empty"
msgstr ""
"""
    table = parse_po(text)
    assert table["Two lines"] == "Zwei Zeilen"
    assert table["button\x04Open"] == "Öffnen"
    assert "Unchecked" not in table and "Empty" not in table
    translations = gettext.GNUTranslations(io.BytesIO(compile_po(text)))
    assert translations.gettext("Two lines") == "Zwei Zeilen"
    assert translations.pgettext("button", "Open") == "Öffnen"


def test_unknown_languages_fall_back_to_english():
    assert translate("fr", "Next") == "Next"
    assert translate("de-AT", "Next") == "Weiter"
    assert translate("zh-Hans-CN", "Next") == "下一步"


def ink_mask(image: Image.Image, dark_text: bool = True) -> Image.Image:
    """The text's ink as a black/white mask, cropped to the ink and scaled to a fixed size."""
    grey = image.convert("L")
    ink = grey.point(lambda value: 255 if (value < 110 if dark_text else value > 145) else 0)
    bbox = ink.getbbox()
    assert bbox is not None, "no text drawn at all"
    return ink.crop(bbox).resize((240, 40))


def mismatch(a: Image.Image, b: Image.Image) -> float:
    return sum(1 for x, y in zip(a.getdata(), b.getdata()) if (x > 127) != (y > 127)) / (a.width * a.height)


def rendered_alone(text: str, font_size: float, font_name: str) -> Image.Image:
    from kivy.core.text import Label as CoreLabel

    label = CoreLabel(text=text, font_size=font_size, font_name=font_name, color=(1, 1, 1, 1))
    label.refresh()
    texture = label.texture
    alpha = Image.frombytes("RGBA", texture.size, texture.pixels).getchannel("A")
    return ink_mask(alpha, dark_text=False)


def assert_real_glyphs(shot: Path, box: tuple[int, int, int, int], text: str, font_size: float) -> None:
    """The screenshot's text matches the CJK font's glyphs, not the boxes Roboto draws for Hanzi."""
    from kiosk.ui.fonts import find_cjk_font

    on_screen = ink_mask(Image.open(shot).crop(box))
    with_cjk_font = mismatch(on_screen, rendered_alone(text, font_size, str(find_cjk_font())))
    roboto = Path(kivy_data_dir) / "fonts" / "Roboto-Regular.ttf"  # Kivy's own font: no Hanzi
    with_roboto = mismatch(on_screen, rendered_alone(text, font_size, str(roboto)))
    assert with_cjk_font < 0.1 and with_cjk_font < with_roboto / 2, (with_cjk_font, with_roboto)


def test_chinese_worker_sees_chinese(kiosk, ui):
    app = kiosk(people=[("王芳", "zh"), ("Anna", "en")])
    ui.tap(next(t for t in ui.screen.tiles() if t.title == "王芳"))
    tasks = ui.screen
    assert app.ui_lang == "zh"
    assert tasks.ids.heading.text == "你现在做什么？"
    assert sorted(t.title for t in tasks.tiles()) == ["分类螺丝", "洗手"]
    ui.shot("tasks-zh")
    ui.tap(next(t for t in tasks.tiles() if t.item.id == "sort-screws"))
    step = ui.screen
    assert step.step_text == "拿起螺丝盒。"
    assert step.ids.next.text == "下一步" and step.ids.hear.text == "再听一次" and step.ids.help.text == "帮助"
    assert step.ids.position.text == "第 1 步，共 4 步"
    shot = ui.shot("step-zh")
    label = step.ids.step_label
    x, y = label.to_window(label.center_x, label.center_y)
    half_w, half_h = label.texture.width / 2, label.texture.height / 2
    height = app.root_window.height
    box = (int(x - half_w), int(height - y - half_h), int(x + half_w), int(height - y + half_h))
    assert_real_glyphs(shot, box, step.step_text, label.font_size)
    for _ in range(4):
        ui.tap(step.ids.next)
    assert app.sm.current == "finish"
    assert ui.screen.ids.message.text == "王芳，做得好！"
    ui.advance(1)
    ui.shot("finish-zh")


def test_german_worker_sees_german(kiosk, ui):
    app = kiosk(people=[("Jonas", "de")])
    assert app.sm.current == "tasks"
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "wash-hands"))
    step = ui.screen
    assert step.step_text == "Machen Sie die Hände nass."
    assert step.ids.next.text == "Weiter" and step.ids.hear.text == "Noch mal hören"
    ui.shot("step-de")
    ui.tap(step.ids.next)
    assert step.ids.next.text == "Fertig"


# -- problems: the packs' and the kiosk's own, shown to the trainer in the kiosk language --------

KIOSK = Path(__file__).resolve().parents[2] / "kiosk"


def _literal(node: ast.AST) -> str | None:
    """A string literal (implicitly joined parts included), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def problem_messages() -> set[str]:
    """Every problem template of the code: ``Msg("...")`` anywhere in the kiosk (packs' problems,
    their parts and the kiosk's own), and the literal messages of ``problems.add(kind, "...")``.
    Templates that are only placeholders and punctuation ("{where}{message} — {hint}") have no
    words to translate."""
    found = set()
    for path in KIOSK.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name == "Msg":
                text = _literal(node.args[0])
            elif name == "add" and isinstance(func, ast.Attribute) and "problems" in ast.unparse(func.value):
                text = _literal(node.args[1]) if len(node.args) > 1 else None
            else:
                continue
            if (
                text
                and re.sub(r"{\w*}", "", text).strip(" —:,.()")
                and re.search(r"[A-Za-z]", re.sub(r"{\w*}", "", text))
            ):
                found.add(text)
    return found


def test_every_problem_is_translated():
    messages = problem_messages()
    assert {  # a pack's problem, one of its parts, a kiosk problem
        "The {noun} {shown} for step {step} is missing.",
        "picture",
        "The kiosk cannot speak: the speech engine failed.",
        "The pack {pack} cannot be used.",
    } <= messages
    for language in ("de", "zh"):
        table = parse_po(po_path(language).read_text(encoding="utf-8"))
        missing = sorted(m for m in messages if not table.get(m))
        assert not missing, f"{language}: untranslated problems {missing}"
        for message in messages:  # placeholders survive translation
            assert set(re.findall(r"{\w+}", message)) == set(re.findall(r"{\w+}", table[message])), message


def test_a_pack_problem_reads_in_the_kiosk_language(tmp_path):
    """A broken pack's problems, read once, shown in English, German and Chinese; the English
    words stay as they always were."""
    from kiosk.i18n import translator
    from kiosk.packs import load_pack

    pack = tmp_path / "towels"
    pack.mkdir()
    (pack / "pack.yaml").write_text("format: 1\nsteps:\n  - image: 01.jpg\n    text: Fold it.\n", encoding="utf-8")
    _, problems = load_pack(pack, tmp_path / "cache")
    missing = next(p for p in problems if p.file == "01.jpg")
    assert missing.message == "The picture 01.jpg for step 1 is missing."
    assert missing.in_words(None) == (missing.message, missing.hint)
    de_message, de_hint = missing.in_words(translator("de"))
    zh_message, zh_hint = missing.in_words(translator("zh"))
    assert "01.jpg" in de_message and "Bild" in de_message and "pack.yaml" in de_hint
    assert "01.jpg" in zh_message and "图片" in zh_message and zh_hint != missing.hint
