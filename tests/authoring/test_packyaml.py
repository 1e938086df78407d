"""pack.yaml as the authoring tools write it: coach-friendly layout that always reads back the same."""

from __future__ import annotations

import datetime as dt

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.authoring.packyaml import TODO_TEXT, render_pack_yaml, step_needs_text

scalars = st.one_of(
    st.text(max_size=30),
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
)
keys = st.one_of(st.text(min_size=1, max_size=12), st.integers(0, 99))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, values, max_size=6), st.lists(st.dictionaries(keys, values, max_size=5), max_size=4))
def test_any_document_reads_back_unchanged(top, steps):
    document = {**top, "steps": steps}
    assert yaml.safe_load(render_pack_yaml(document, language="en")) == document


def test_layout_is_the_documented_order_with_todo_markers():
    document = {
        "steps": [
            {"text": {"en": "Put on the washer."}, "image": "01.jpg"},
            {"image": "02.jpg", "text": {"en": ""}},
        ],
        "version": 1,
        "title": {"en": "Fit a washer"},
        "format": 1,
        "id": "fit-a-washer",
        "language": "en",
        "kind": "other",
    }
    text = render_pack_yaml(document, header=["Made from photos"], step_comments={2: ["photo: IMG_1234.JPG"]})
    assert text.splitlines() == [
        "# Made from photos",
        "format: 1",
        "id: fit-a-washer",
        "title:",
        "  en: Fit a washer",
        "language: en",
        "kind: other",
        "version: 1",
        "steps:",
        "  - image: 01.jpg",
        "    text:",
        "      en: Put on the washer.",
        "  # photo: IMG_1234.JPG",
        f"  # {TODO_TEXT}",
        "  - image: 02.jpg",
        "    text:",
        '      en: ""',
    ]
    assert yaml.safe_load(text) == document


def test_which_steps_need_text():
    assert step_needs_text({"image": "01.jpg"}, "en")
    assert step_needs_text({"text": "  "}, "en")
    assert step_needs_text({"text": {"en": ""}}, "en")
    assert step_needs_text({"text": {"en": "", "de": "Los."}}, "en")
    assert not step_needs_text({"text": {"en": "", "de": "Los."}}, None)
    assert not step_needs_text({"text": "Go."}, "en")
    assert not step_needs_text({"text": {"de": "Los."}}, "en")  # a language not asked for is fine
