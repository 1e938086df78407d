"""Property tests: whatever bytes a pack.yaml holds — random, or YAML full of anchors and aliases —
``load_pack`` and ``kiosk pack validate`` answer with a bounded list of problems and never crash."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.packs import cli
from kiosk.packs.problems import MAX_KEPT

from .builders import image_bytes
from .test_properties import check_answer

PICTURE = image_bytes((8, 6))
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of YAML that make anchors, aliases, merges and nesting: random sequences of them are
# mostly invalid, sometimes valid, and sometimes expand enormously.
PIECES = st.sampled_from(
    [
        "format: 1\n",
        "steps: ",
        "[",
        "]",
        "{",
        "}",
        ", ",
        ": ",
        "- ",
        "\n",
        "  ",
        "&a ",
        "&b ",
        "*a",
        "*b",
        "<<: ",
        "image: 01.jpg",
        "text: Hi",
        "k: 0",
        "[*a, *a, *a, *a, *a, *a, *a, *a]",
        "!!binary ",
        "? ",
        "'",
        '"',
        "#",
        "---\n",
        "...\n",
        "%YAML 1.1\n",
        "\t",
        "\ufeff",
        "&a [*a]",
    ]
)
YAMLISH = st.lists(PIECES, max_size=60).map("".join)


def validate_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "pack"
        folder.mkdir()
        (folder / "pack.yaml").write_bytes(data)
        (folder / "01.jpg").write_bytes(PICTURE)
        [loaded] = cli.validate([folder], Path(temp) / "cache", "en")
        check_answer(loaded.pack, list(loaded.problems))
        assert len(loaded.problems) <= MAX_KEPT + 20
        out = io.StringIO()
        cli.print_results([loaded], out)
        assert "checked" in out.getvalue()


@FAST
@given(st.binary(max_size=600))
def test_random_bytes_as_pack_yaml_never_crash_validate(data):
    validate_bytes(data)


@FAST
@given(YAMLISH)
def test_yaml_with_random_anchors_and_aliases_never_crashes_validate(text):
    validate_bytes(text.encode("utf-8"))


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 400), st.integers(1, 400))
def test_a_step_repeated_by_aliases_gives_a_bounded_answer(keys, repeats):
    """One step with ``keys`` unknown settings, listed ``repeats`` times by alias: keys * repeats
    warnings once expanded (up to 160,000), or a refusal when the expansion is too big."""
    settings_ = ", ".join(f"k{index}: 0" for index in range(keys))
    text = (
        f"format: 1\nbase: &a {{image: 01.jpg, text: Hi, {settings_}}}\nsteps: [" + ", ".join(["*a"] * repeats) + "]\n"
    )
    validate_bytes(text.encode("utf-8"))
