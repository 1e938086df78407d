"""Fixtures for the journal tests: a journal in a temporary data folder with a clock that only
moves when the test says so, and a player that logs runs like the step screen does."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from journal_testing import FakeClock, Player
from kiosk.journal import Journal
from kiosk.paths import DataDir


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def data_dir(tmp_path: Path) -> DataDir:
    return DataDir(tmp_path / "data").ensure()


@pytest.fixture
def journal(data_dir: DataDir, clock: FakeClock) -> Iterator[Journal]:
    with Journal.open(data_dir.journal, clock=clock) as opened:
        yield opened


@pytest.fixture
def player(journal: Journal, clock: FakeClock) -> Player:
    return Player(journal, clock)
