"""`kiosk trainer reset-pin` and `kiosk trainer set-pin` on a local data folder."""

from __future__ import annotations

import pytest

from kiosk.cli import main
from kiosk.journal import Journal
from kiosk.trainer import PinGuard
from kiosk.trainer import cli as trainer_cli


def guard_for(data_dir):
    journal = Journal.open(data_dir.journal)
    return journal, PinGuard(journal)


def close(journal):
    journal.close()


def test_reset_pin_with_yes(data_dir, capsys):
    journal, guard = guard_for(data_dir)
    guard.set_pin("4071")
    close(journal)
    assert main(["trainer", "reset-pin", "--data", str(data_dir.root), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "The kiosk will ask for a new PIN when the trainer opens trainer mode." in out
    journal, guard = guard_for(data_dir)
    assert not guard.is_set()
    close(journal)


def test_top_level_data_option_works_too(data_dir):
    journal, guard = guard_for(data_dir)
    guard.set_pin("4071")
    close(journal)
    assert main(["--data", str(data_dir.root), "trainer", "reset-pin", "--yes"]) == 0
    journal, guard = guard_for(data_dir)
    assert not guard.is_set()
    close(journal)


def test_reset_pin_asks_first(data_dir, monkeypatch, capsys):
    journal, guard = guard_for(data_dir)
    guard.set_pin("4071")
    close(journal)
    monkeypatch.setattr(trainer_cli, "ask", lambda prompt: "no")
    assert main(["trainer", "reset-pin", "--data", str(data_dir.root)]) == 1
    assert "Nothing was changed" in capsys.readouterr().err
    journal, guard = guard_for(data_dir)
    assert guard.check("4071").ok
    close(journal)
    monkeypatch.setattr(trainer_cli, "ask", lambda prompt: "yes")
    assert main(["trainer", "reset-pin", "--data", str(data_dir.root)]) == 0


def test_reset_pin_refuses_an_empty_folder(tmp_path, capsys):
    assert main(["trainer", "reset-pin", "--data", str(tmp_path / "nothing"), "--yes"]) == 1
    assert "No kiosk data was found" in capsys.readouterr().err
    assert not (tmp_path / "nothing").exists()


def test_set_pin_reads_twice(data_dir, monkeypatch, capsys):
    answers = iter(["2468", "2468"])
    monkeypatch.setattr(trainer_cli, "ask_secret", lambda prompt: next(answers))
    assert main(["trainer", "set-pin", "--data", str(data_dir.root)]) == 0
    journal, guard = guard_for(data_dir)
    assert guard.check("2468").ok
    close(journal)


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("2468", "2469", "not the same"),
        ("12", "12", "4 to 8 digits"),
    ],
)
def test_set_pin_refuses_mismatch_and_bad_pins(data_dir, monkeypatch, capsys, first, second, message):
    answers = iter([first, second])
    monkeypatch.setattr(trainer_cli, "ask_secret", lambda prompt: next(answers))
    assert main(["trainer", "set-pin", "--data", str(data_dir.root)]) == 1
    assert message in capsys.readouterr().err
    journal, guard = guard_for(data_dir)
    assert not guard.is_set()
    close(journal)


def test_damaged_journal_is_reported_in_plain_words(data_dir, capsys):
    data_dir.journal.write_bytes(b"this is not a journal" * 100)
    assert main(["trainer", "reset-pin", "--data", str(data_dir.root), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "Nothing was changed" in err
    assert "Traceback" not in err
