"""The real app under Xvfb for the fleet's UI test: the fixtures of tests/ui/conftest.py (loaded
under another name, so they are the same code), beside the hub fixtures of tests/fleet."""

from __future__ import annotations

from pathlib import Path

from fleet_testing import conftest_of

_ui = conftest_of(Path(__file__).resolve().parents[2] / "ui", "ui_conftest_for_fleet")

window = _ui.window
library = _ui.library
ui = _ui.ui
kiosk = _ui.kiosk
