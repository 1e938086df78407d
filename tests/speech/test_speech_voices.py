"""Voice and rate choice per language (no engine needed)."""

import pytest

from kiosk.speech import calm_rate, voice_for_language
from kiosk.speech.voices import clamp_rate


@pytest.mark.parametrize(
    ("tag", "voice"),
    [
        ("en", "gmw/en-us"),
        ("en-US", "gmw/en-us"),
        ("EN_us", "gmw/en-us"),
        ("en-GB", "gmw/en"),
        ("de", "gmw/de"),
        ("de-DE", "gmw/de"),
        ("de-AT", "gmw/de"),
        ("de_CH", "gmw/de"),
        ("zh", "sit/cmn"),
        ("zh-CN", "sit/cmn"),
        ("zh_CN", "sit/cmn"),
        ("zh-Hans", "sit/cmn"),
        ("zh-Hans-CN", "sit/cmn"),
        ("zh-TW", "sit/cmn"),
        ("cmn", "sit/cmn"),
        ("zh-HK", "sit/yue"),
        ("zh-Hant-HK", "sit/yue"),
        ("fr-FR", "roa/fr"),
        ("xx", "gmw/en-us"),
        ("", "gmw/en-us"),
    ],
)
def test_voice_for_language(tag, voice):
    assert voice_for_language(tag) == voice


def test_installed_voices_decide_when_given():
    installed = ["gmw/en", "gmw/de", "sit/cmn"]
    assert voice_for_language("zh-CN", installed) == "sit/cmn"
    assert voice_for_language("en-US", installed) == "gmw/en"  # no en-us: British English
    assert voice_for_language("xx", ["roa/fr", "gmw/en-us"]) == "gmw/en-us"
    assert voice_for_language("fr", ["roa/fr-be", "gmw/fr"]) == "gmw/fr"  # named after the language
    assert voice_for_language("xx", ["roa/fr"]) == "roa/fr"  # anything rather than nothing


def test_calm_rates():
    assert calm_rate("en") == 150
    assert calm_rate("de-DE") == 150
    assert 120 <= calm_rate("zh-CN") <= 175
    assert calm_rate("xx") == 150
    assert clamp_rate(10) == 80
    assert clamp_rate(1000) == 450
