"""Names from data reach the terminal with their control characters made visible: a file or a
person named with ``ESC [2J`` must not clear the trainer's screen (or rewrite what it shows)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PIL import Image

from kiosk.cli import printable
from kiosk.journal import Journal
from kiosk_command import kiosk

CLEAR_SCREEN = "\x1b[2J"
RAW_CONTROLS = [chr(code) for code in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))]


def _no_raw_controls(text: str) -> None:
    found = sorted({f"U+{ord(char):04X}" for char in text if char in RAW_CONTROLS or char in "\u202e\u2066"})
    assert found == [], found


@pytest.fixture
def hostile_pack(tmp_path: Path) -> Path:
    """A photo folder (its own name hostile too) with a good photo and two broken ones whose names
    carry an escape sequence and bytes that are not UTF-8."""
    folder = tmp_path / f"pack{CLEAR_SCREEN}\x9b31m"
    folder.mkdir()
    Image.new("RGB", (64, 48), "red").save(folder / "01 Start.jpg")
    (folder / f"02 x{CLEAR_SCREEN}\u202eevil.jpg").write_bytes(b"not a picture")
    (folder / os.fsdecode(b"03 \xff\x1b]0;title\x07.jpg")).write_bytes(b"not a picture")  # not UTF-8
    return folder


def test_validate_prints_hostile_names_visibly(hostile_pack):
    done = kiosk("pack", "validate", hostile_pack)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    _no_raw_controls(done.stdout + done.stderr)
    assert "02 x\\x1b[2J\\u202eevil.jpg" in done.stdout
    assert "\\x1b]0;title\\x07" in done.stdout and "\\udcff" in done.stdout
    assert "pack\\x1b[2J\\x9b31m" in done.stdout


def test_validate_json_keeps_the_names_exact(hostile_pack):
    """JSON escapes controls itself, and a script must get the real names back (also a name that
    is not UTF-8: that made the output invalid UTF-8, or crashed in a UTF-8 locale)."""
    done = kiosk("pack", "validate", "--json", hostile_pack)
    assert "\x1b" not in done.stdout
    [result] = json.loads(done.stdout)
    files = {problem["file"] for problem in result["problems"]}
    assert f"02 x{CLEAR_SCREEN}\u202eevil.jpg" in files
    assert os.fsdecode(b"03 \xff\x1b]0;title\x07.jpg") in files  # valid UTF-8 JSON, the same name back


def test_pack_zip_prints_hostile_names_visibly(hostile_pack, tmp_path):
    done = kiosk("pack", "zip", hostile_pack, "--out", tmp_path / "p.zip", data=tmp_path / "data")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    _no_raw_controls(done.stdout + done.stderr)
    assert "02 x\\x1b[2J" in done.stderr


def test_person_list_prints_hostile_names_visibly(tmp_path):
    data = tmp_path / "data"
    with Journal.open(data / "journal.sqlite3") as journal:
        journal.add_person(f"Anna{CLEAR_SCREEN}")
        journal.add_person("Li \u202eevil")
    done = kiosk("person", "list", data=data)
    assert done.returncode == 0, done.stderr
    _no_raw_controls(done.stdout)
    assert "Anna\\x1b[2J" in done.stdout and "Li \\u202eevil" in done.stdout


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain Übung 洗手", "plain Übung 洗手"),
        ("a\x1b[2Jb", "a\\x1b[2Jb"),
        ("bell\x07", "bell\\x07"),
        ("c1\x9b", "c1\\x9b"),
        ("del\x7f", "del\\x7f"),
        ("two\nlines", "two\\x0alines"),
        ("rlo\u202e", "rlo\\u202e"),
        ("bad\udcff", "bad\\udcff"),
    ],
)
def test_printable(text, shown):
    assert printable(text) == shown


def test_printable_keeps_the_line_breaks_of_a_message():
    assert printable("one\ntwo\x1b", keep_newlines=True) == "one\ntwo\\x1b"
