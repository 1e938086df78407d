"""An empty hub database for a benchmark: the one given with ``--db``, or a fresh one on a private
PostgreSQL started like the hub tests' (tests/hub/hub_testing.py; it refuses to run as root, so
the tests' helper drops to a throw-away user), stopped again when the benchmark ends."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "hub"))


class NoPostgres(SystemExit):
    """PostgreSQL's server programs are missing: say how to get them rather than fail deep inside."""


@contextmanager
def hub_database(given_url: str | None) -> Iterator[str]:
    if given_url:
        yield given_url
        return
    from hub_testing import PostgresServer, find_postgres_bin  # type: ignore[import-not-found]

    bindir = find_postgres_bin()
    if bindir is None:
        raise NoPostgres("PostgreSQL's server programs are not installed (scripts/setup.sh installs them).")
    server = PostgresServer.start(bindir)
    try:
        yield server.new_database()
    finally:
        server.stop()
