"""The UI speaks the worker's language: gettext catalogs for en, de and zh, real Chinese glyphs."""

from __future__ import annotations

import gettext
import io
import re
from pathlib import Path

import pytest
from PIL import Image

from kiosk.i18n import LANGUAGES, catalog, compile_po, mo_path, parse_po, po_path, translate

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
    assert {"Next", "Back", "Hear again", "Help", "Well done, {name}!", "Help is coming"} <= messages
    for language in ("de", "zh"):
        table = parse_po(po_path(language).read_text(encoding="utf-8"))
        missing = sorted(m for m in messages if not table.get(m))
        assert not missing, f"{language}: untranslated {missing}"
        for message in messages:  # placeholders survive translation
            assert set(re.findall(r"{\w+}", message)) == set(re.findall(r"{\w+}", table[message]))


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_committed_mo_matches_its_po(language):
    compiled = gettext.GNUTranslations(io.BytesIO(compile_po(po_path(language).read_text(encoding="utf-8"))))
    catalog(language)  # rebuilds the .mo if it is stale
    with mo_path(language).open("rb") as handle:
        committed = gettext.GNUTranslations(handle)
    for message in ui_messages():
        assert committed.gettext(message) == compiled.gettext(message)


def test_po_parser_follows_msgfmt_rules():
    text = '''
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
'''
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


def has_cjk_glyph_pixels(path: Path, box: tuple[int, int, int, int]) -> bool:
    """A rendered Hanzi has many dark strokes; a missing-glyph box is a thin empty rectangle."""
    crop = Image.open(path).convert("L").crop(box)
    dark = sum(1 for value in crop.getdata() if value < 100)
    return dark > 0.04 * crop.width * crop.height


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
    half_w, half_h = label.texture_size[0] / 2, label.texture_size[1] / 2
    height = app.root_window.height
    assert has_cjk_glyph_pixels(shot, (int(x - half_w), int(height - y - half_h), int(x + half_w), int(height - y + half_h)))
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
