"""The `kiosk` command's own behaviour: groups, usage errors and exit codes."""

import subprocess
import sys

from kiosk.cli import build_parser, main


def test_group_without_command_is_a_usage_error(capsys):
    assert main(["pack"]) == 2
    assert "COMMAND" in capsys.readouterr().err


def test_every_group_is_present():
    help_text = build_parser().format_help()
    for group in ("pack", "person", "trainer"):
        assert group in help_text


def test_console_entry_point_runs():
    done = subprocess.run([sys.executable, "-m", "kiosk", "--help"], capture_output=True, text=True)
    assert done.returncode == 0
    assert "Step Kiosk" in done.stdout


def test_data_folder_may_stand_before_or_after_the_command():
    parser = build_parser()
    assert parser.parse_args(["--data", "/a", "run"]).data == "/a"
    assert parser.parse_args(["run", "--data", "/b"]).data == "/b"
    assert parser.parse_args(["person", "list", "--data", "/c"]).data == "/c"
    assert parser.parse_args(["--data", "/a", "pack", "validate", "x"]).data == "/a"


def test_person_list_reads_the_data_folder_given_after_the_command(tmp_path):
    from kiosk.journal import Journal

    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        journal.add_person("Mei", language="zh")
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "person", "list", "--data", str(tmp_path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Mei" in done.stdout
