"""Fixtures for the trainer tests: a real journal in a temporary data folder, and a fake clock."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kiosk.paths import DataDir

try:
    from kiosk.journal import Journal
except ImportError:  # kiosk.journal not written yet: a JSON-faithful stand-in
    Journal = None


class DictSettings:
    """Settings with the journal's JSON semantics (values are copied through JSON)."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def get_setting(self, key: str, default: Any = None) -> Any:
        return json.loads(self._values[key]) if key in self._values else default

    def set_setting(self, key: str, value: Any) -> None:
        self._values[key] = json.dumps(value)


class FakeClock:
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
    if Journal is None:
        yield DictSettings()
        return
    opened = Journal.open(data_dir.journal)
    yield opened
    close = getattr(opened, "close", None)
    if callable(close):
        close()


@pytest.fixture
def reopen(data_dir: DataDir, journal):
    """Open the same journal again, as the kiosk does after a restart."""
    opened = []

    def _reopen():
        if Journal is None:
            return journal
        again = Journal.open(data_dir.journal)
        opened.append(again)
        return again

    yield _reopen
    for j in opened:
        close = getattr(j, "close", None)
        if callable(close):
            close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
