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
