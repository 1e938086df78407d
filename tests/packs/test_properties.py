"""Whatever a pack contains, the loader answers: a Pack, or error problems. It never raises, and
its catch-all for unexpected failures is never what answers (that would hide a bug)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.packs import Pack, Severity, load_pack

from .builders import image_bytes

PICTURE = image_bytes((8, 6))
KEYS = st.sampled_from(
    [
        "format",
        "id",
        "title",
        "language",
        "kind",
        "version",
        "cover",
        "steps",
        "image",
        "text",
        "audio",
        "timer",
        "count",
        "en",
        "de",
        "01.jpg",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["01.jpg", "01.JPG", "../x.jpg", "/etc/passwd", "missing.wav", "en", "zh-Hans", "", " ", "1"]),
)
STRUCTURES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(KEYS, st.text(max_size=8)), children, max_size=6),
    ),
    max_leaves=25,
)
LANGUAGES = st.sampled_from(["en", "de", "zh-Hans", "EN", "english", "no"])
NEAR_VALID_STEP = st.fixed_dictionaries(
    {
        "image": st.sampled_from(["01.jpg", "01.JPG", "02 Step.png", "./01.jpg", "missing.png"]),
        "text": st.one_of(st.text(max_size=40), st.dictionaries(LANGUAGES, st.text(max_size=20), max_size=3)),
    },
    optional={
        "audio": st.one_of(
            st.sampled_from(["a.wav", "01.jpg"]), st.dictionaries(LANGUAGES, st.just("a.wav"), max_size=2)
        ),
        "timer": st.one_of(st.integers(-5, 100_000), SCALARS),
        "count": st.integers(-5, 2000),
    },
)
NEAR_VALID = st.fixed_dictionaries(
    {"format": st.just(1)},
    optional={
        "id": st.text(max_size=12),
        "title": st.one_of(st.text(max_size=20), st.dictionaries(LANGUAGES, st.text(max_size=10), max_size=2)),
        "language": LANGUAGES,
        "kind": st.sampled_from(["life-skill", "assembly", "cooking"]),
        "version": st.integers(-2, 10),
        "cover": st.sampled_from(["01.jpg", "cover.png", "02 Step.png"]),
        "steps": st.lists(NEAR_VALID_STEP, max_size=4),
    },
)
MANIFESTS = st.one_of(
    NEAR_VALID,
    STRUCTURES,
    st.fixed_dictionaries(
        {"format": st.sampled_from([1, 1, "1", None, 2])},
        optional={"steps": STRUCTURES, "title": STRUCTURES, "language": STRUCTURES, "cover": STRUCTURES},
    ),
    st.fixed_dictionaries(
        {"format": st.just(1), "steps": st.lists(st.dictionaries(KEYS, STRUCTURES, max_size=5), max_size=3)}
    ),
)


def check_answer(pack: Pack | None, problems) -> None:
    assert all(not problem.message.startswith("Something unexpected") for problem in problems), problems
    if pack is None:
        assert any(problem.severity is Severity.ERROR for problem in problems)
    else:
        assert all(problem.severity is Severity.WARNING for problem in problems)
        assert pack.steps and pack.problems == tuple(problems)
        for step in pack.steps:
            assert pack.display_image(step).is_file()


def load_with_files(files: dict[str, bytes]):
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "pack"
        folder.mkdir()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        pack, problems = load_pack(folder, Path(temp) / "cache")
        check_answer(pack, problems)


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(MANIFESTS)
def test_random_manifests_never_raise(manifest):
    text = yaml.safe_dump(manifest, allow_unicode=True)
    load_with_files({"pack.yaml": text.encode("utf-8"), "01.jpg": PICTURE, "02 Step.png": PICTURE, "a.wav": b"RIFF"})


@FAST
@given(st.binary(max_size=300))
def test_random_bytes_as_manifest_never_raise(data):
    load_with_files({"pack.yaml": data, "01.jpg": PICTURE})


@FAST
@given(st.text(max_size=200))
def test_random_text_as_manifest_never_raises(text):
    load_with_files({"pack.yaml": text.encode("utf-8", "surrogatepass"), "01.jpg": PICTURE})


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["01 Step.jpg", "01 Step.png", "01 Step.webp"]))
def test_random_bytes_as_picture_never_raise(data, name):
    load_with_files({name: data})


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_as_zip_never_raise(data):
    with tempfile.TemporaryDirectory() as temp:
        source = Path(temp) / "pack.zip"
        source.write_bytes(b"PK\x03\x04" + data)
        check_answer(*load_pack(source, Path(temp) / "cache"))
