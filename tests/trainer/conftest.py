"""Fixtures for the trainer tests: a real journal in a temporary data folder, and a fake clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.journal import Journal
from kiosk.paths import DataDir


class FakeClock:
    """Wall-clock seconds that only move when a test says so."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def data_dir(tmp_path: Path) -> DataDir:
    return DataDir(tmp_path / "data").ensure()


@pytest.fixture
def journal(data_dir: DataDir):
    with Journal.open(data_dir.journal) as opened:
        yield opened


@pytest.fixture
def reopen(data_dir: DataDir):
    """Open the same journal again, as the kiosk does after a restart."""
    opened: list[Journal] = []

    def _reopen() -> Journal:
        again = Journal.open(data_dir.journal)
        opened.append(again)
        return again

    yield _reopen
    for journal in opened:
        journal.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
