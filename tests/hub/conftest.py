"""Fixtures for the hub tests: one private PostgreSQL server per test session (hub_testing.py),
a fresh hub database per test, and journals with a clock that only moves when told to."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "journal"))  # journal_testing: FakeClock, Player

from hub_testing import PostgresServer, find_postgres_bin  # noqa: E402


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    bindir = find_postgres_bin()
    if bindir is None:
        pytest.skip(
            "the PostgreSQL server programs (initdb, pg_ctl) are not installed; "
            "scripts/setup.sh installs Debian's postgresql package"
        )
    server = PostgresServer.start(bindir)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def hub_url(postgres: PostgresServer) -> str:
    """The administrator's URL of a new, initialised hub."""
    from kiosk.hub import init_hub

    url = postgres.new_database()
    init_hub(url)
    return url


@pytest.fixture
def clock():
    from journal_testing import FakeClock

    return FakeClock()
