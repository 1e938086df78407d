"""Fixtures for the authoring tests (helpers live in authoring_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from authoring_helpers import CountingWorker


@pytest.fixture(scope="session")
def session_worker():
    worker = CountingWorker()
    yield worker
    worker.close()


@pytest.fixture
def worker(session_worker: CountingWorker) -> CountingWorker:
    session_worker.renders.clear()
    return session_worker


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture(autouse=True)
def private_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Commands run without --data must not touch this computer's real kiosk data folder."""
    folder = tmp_path / "user-data"
    monkeypatch.setenv("STEP_KIOSK_DATA", str(folder))
    return folder
