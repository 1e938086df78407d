"""The report's words: every language complete, numbers and dates written as people write them."""

from __future__ import annotations

import string
from datetime import date

import pytest

from kiosk.report.strings import (
    LANGUAGES,
    STRINGS,
    counted,
    format_day,
    format_day_short,
    format_percent,
    report_language,
    text,
)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_language_has_every_string_with_the_same_placeholders():
    english = STRINGS["en"]
    for language in LANGUAGES:
        assert set(STRINGS[language]) == set(english), language
        for key, template in STRINGS[language].items():
            assert _fields(template) == _fields(english[key]), (language, key)


@pytest.mark.parametrize(
    "tag, expected",
    [("de-AT", "de"), ("zh-Hans-CN", "zh"), ("zh_TW", "zh"), ("EN", "en"), ("fr", "en"), ("", "en"), (None, "en")],
)
def test_report_language_falls_back_to_english(tag, expected):
    assert report_language(tag) == expected


def test_percent_rounds_half_up_and_follows_the_language():
    assert format_percent("en", 27 / 33) == "82%"
    assert format_percent("en", 0.825) == "83%"  # 82.4999... in binary; people write 83
    assert format_percent("en", 0.005) == "1%"
    assert format_percent("de", 0.5) == "50\u00a0%"
    assert format_percent("zh", 1.0) == "100%"
    assert format_percent("en", None) == "–"


def test_plurals_and_the_zero_case():
    assert counted("en", "did_tasks", 1, when="This week", name="Anna") == "This week Anna did 1 task."
    assert counted("en", "did_tasks", 0, when="This week", name="Anna") == "This week Anna did no tasks."
    assert counted("en", "learned", 2, name="Anna") == "Anna has learned 2 tasks."
    assert counted("de", "when", 8) == "In den letzten 8 Wochen"
    assert counted("zh", "when", 1) == "这一周"


def test_dates_in_each_language():
    day = date(2026, 3, 2)
    assert format_day("en", day) == "2 March 2026"
    assert format_day("de", day) == "2. März 2026"
    assert format_day("zh", day) == "2026年3月2日"
    assert [format_day_short(lang, day) for lang in ("en", "de", "zh")] == ["2 Mar", "2.3.", "3月2日"]


def test_names_are_filled_in_not_interpreted():
    assert text("en", "alone", name="{percent}", percent="9%") == "{percent} did 9% of the steps alone."
