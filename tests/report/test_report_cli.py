"""`kiosk report`: the command as a coach types it, with exit codes and plain messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.cli import build_parser, main

from . import history as h

UNTIL = ["--until", "2026-03-04"]


def _report(kiosk, *extra: str) -> int:
    return main(["--data", str(kiosk.data.root), "report", "--person", str(kiosk.anna.id), *UNTIL, *extra])


def test_report_is_listed_in_the_help():
    assert "report" in build_parser().format_help()


def test_writes_the_html_report(fresh, tmp_path, capsys):
    kiosk = fresh()
    out = tmp_path / "out" / "anna.html"
    assert _report(kiosk, "--out", str(out)) == 0
    page = out.read_text(encoding="utf-8")
    assert "<p>In the last 8 weeks Anna did 8 tasks.</p>" in page
    assert "<h2>Make coffee</h2>" in page  # titles from the data folder's packs
    assert h.ZEB_NAME not in page
    assert str(out) in capsys.readouterr().out
    assert not list(out.parent.glob("*.partial"))


def test_default_file_name_in_the_current_folder(fresh, tmp_path, monkeypatch):
    kiosk = fresh()
    monkeypatch.chdir(tmp_path)
    assert _report(kiosk) == 0
    assert (tmp_path / f"progress-person-{kiosk.anna.id}-2026-03-04.html").is_file()


def test_weeks_language_and_pack_folders(fresh, tmp_path):
    kiosk = fresh()
    out = tmp_path / "r.html"
    empty_packs = tmp_path / "no-packs"
    empty_packs.mkdir()
    assert _report(kiosk, "--out", str(out), "--weeks", "1", "--language", "de", "--packs", str(empty_packs)) == 0
    page = out.read_text(encoding="utf-8")
    assert "<p>Diese Woche hat Anna 1 Aufgabe gemacht.</p>" in page
    assert "<h2>fold-towels</h2>" in page  # the pack is not in the folders given


def test_unknown_person_is_a_clear_error(fresh, capsys):
    kiosk = fresh()
    assert main(["--data", str(kiosk.data.root), "report", "--person", "4711"]) == 1
    err = capsys.readouterr().err
    assert "no person with number 4711" in err and "kiosk person list" in err


def test_no_journal_is_a_clear_error(tmp_path, capsys):
    assert main(["--data", str(tmp_path / "empty"), "report", "--person", "1"]) == 1
    assert "There is no journal" in capsys.readouterr().err
    assert not (tmp_path / "empty" / "journal.sqlite3").exists()


def test_person_without_runs_gets_the_friendly_page(fresh, tmp_path):
    kiosk = fresh(with_history=False)
    out = tmp_path / "new.html"
    assert _report(kiosk, "--out", str(out)) == 0
    assert "No tasks done yet" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("weeks", ["0", "105", "eight"])
def test_bad_weeks_are_a_usage_error(fresh, weeks, capsys):
    kiosk = fresh(with_history=False)
    with pytest.raises(SystemExit) as stop:
        _report(kiosk, "--weeks", weeks)
    assert stop.value.code == 2
    assert "--weeks" in capsys.readouterr().err


def test_pdf_without_chromium_says_what_to_do(fresh, tmp_path, monkeypatch, capsys):
    kiosk = fresh()
    monkeypatch.setenv("STEP_KIOSK_CHROMIUM", str(tmp_path / "no-such-browser"))
    out = tmp_path / "anna.html"
    assert _report(kiosk, "--out", str(out), "--pdf") == 1
    err = capsys.readouterr().err
    assert "No PDF was made" in err and "Chromium" in err and str(out) in err
    assert out.is_file() and not out.with_suffix(".pdf").exists()
