"""`kiosk pack validate`: readable output, JSON for scripts, and exit codes 0/1/2."""

from __future__ import annotations

import json
import subprocess
import sys

from kiosk.cli import main

from .builders import write_files, zip_bytes, image_bytes


def good(folder):
    return write_files(folder, ["01 Wet your hands.jpg", "02 Dry.jpg"])


def broken(folder):
    return write_files(folder, {"01.jpg": None, "pack.yaml": "format: 1\nsteps:\n  - image: 03.jpg\n    text: Hi.\n"})


def test_good_pack_exits_0(packs_dir, capsys):
    assert main(["pack", "validate", str(good(packs_dir / "wash-hands"))]) == 0
    out = capsys.readouterr().out
    assert "wash-hands" in out and ": OK\n" in out
    assert "1 pack checked: 1 OK, 0 with warnings, 0 broken." in out


def test_warnings_alone_exit_0_and_are_listed(packs_dir, capsys):
    folder = write_files(packs_dir / "p", ["01 Wet.jpg", "notes.txt"])
    assert main(["pack", "validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "OK with 1 warning" in out
    assert "warning notes.txt: Nothing in the pack uses the file notes.txt. — Delete" in out


def test_broken_pack_exits_1_with_file_step_message_and_hint(packs_dir, capsys):
    assert main(["pack", "validate", str(good(packs_dir / "a")), str(broken(packs_dir / "b"))]) == 1
    out = capsys.readouterr().out
    assert "b (" in out and "BROKEN (1 error, 1 warning)" in out
    assert "ERROR   03.jpg, step 1: The picture 03.jpg for step 1 is missing. — Copy 03.jpg into the pack folder" in out
    assert "2 packs checked: 1 OK, 0 with warnings, 1 broken." in out


def test_missing_path_is_a_usage_error_2(packs_dir, capsys):
    assert main(["pack", "validate", str(good(packs_dir / "a")), str(packs_dir / "nope")]) == 2
    assert "nope: no such file or folder" in capsys.readouterr().err


def test_folder_of_packs_checks_each_pack(packs_dir, capsys):
    good(packs_dir / "a")
    broken(packs_dir / "b")
    (packs_dir / "c.zip").write_bytes(zip_bytes({"01 Wet.jpg": image_bytes()}))
    assert main(["pack", "validate", "--json", str(packs_dir)]) == 1
    results = json.loads(capsys.readouterr().out)
    assert [(r["pack"], r["ok"]) for r in results] == [("a", True), ("b", False), ("c", True)]


def test_json_shape(packs_dir, capsys):
    assert main(["pack", "validate", "--json", str(broken(packs_dir / "b"))]) == 1
    (result,) = json.loads(capsys.readouterr().out)
    assert set(result) == {"pack", "path", "ok", "problems"}
    assert result["pack"] == "b" and result["path"] == str(packs_dir / "b") and result["ok"] is False
    assert result["problems"][0] == {
        "severity": "error",
        "file": "03.jpg",
        "step": 1,
        "message": "The picture 03.jpg for step 1 is missing.",
        "hint": "Copy 03.jpg into the pack folder, or fix the name in pack.yaml.",
    }
    assert {p["severity"] for p in result["problems"]} == {"error", "warning"}


def test_folder_that_is_neither_pack_nor_packs_is_reported_as_a_pack(packs_dir, capsys):
    write_files(packs_dir / "empty", ["notes.txt"])
    assert main(["pack", "validate", str(packs_dir / "empty")]) == 1
    assert "no steps" in capsys.readouterr().out


def test_duplicate_ids_among_validated_packs_are_errors(packs_dir, tmp_path, capsys):
    good(packs_dir / "tea")
    good(tmp_path / "other" / "tea")
    assert main(["pack", "validate", "--json", str(packs_dir / "tea"), str(tmp_path / "other" / "tea")]) == 1
    results = json.loads(capsys.readouterr().out)
    assert [r["ok"] for r in results] == [True, False]
    assert "same id" in results[1]["problems"][-1]["message"]


def test_cache_option_keeps_prepared_pictures(packs_dir, tmp_path, capsys):
    cache = tmp_path / "kept"
    assert main(["pack", "validate", "--cache", str(cache), str(good(packs_dir / "a"))]) == 0
    assert list((cache / "images").glob("*/display.jpg"))


def test_runs_as_a_command(packs_dir):
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "pack", "validate", "--json", str(good(packs_dir / "a"))],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["ok"] is True


def test_words_show_the_problems_in_german_or_chinese_english_by_default(packs_dir, capsys):
    """A trainer of a German or Chinese kiosk reads the same problems in their language
    (``--words``); without it the words stay English, for scripts and bug reports."""
    folder = broken(packs_dir / "b")
    assert main(["pack", "validate", "--words", "de", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "ERROR   03.jpg, Schritt 1: Die Datei 03.jpg (Bild) für Schritt 1 fehlt. — Kopieren Sie 03.jpg" in out
    assert main(["pack", "validate", "--json", "--words", "zh", str(folder)]) == 1
    problem = next(p for p in json.loads(capsys.readouterr().out)[0]["problems"] if p["file"] == "03.jpg")
    assert problem["message"] == "第 1 步的图片 03.jpg 不见了。" and "pack.yaml" in problem["hint"]
    assert main(["pack", "validate", "--json", str(folder)]) == 1
    english = next(p for p in json.loads(capsys.readouterr().out)[0]["problems"] if p["file"] == "03.jpg")
    assert english["message"] == "The picture 03.jpg for step 1 is missing."
