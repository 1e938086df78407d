"""Fixtures for the fleet tests: the hub tests' private PostgreSQL server and fresh hub per test
(tests/hub/conftest.py, loaded under another name so the fixtures are the same code), and kiosks
that pull packs from it (fleet_testing.py)."""

from __future__ import annotations

from pathlib import Path

from fleet_testing import conftest_of

_hub = conftest_of(Path(__file__).resolve().parent.parent / "hub", "hub_conftest_for_fleet")

postgres = _hub.postgres
hub_url = _hub.hub_url
