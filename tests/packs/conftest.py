"""Fixtures for the pack tests: a fresh cache per test and a loader bound to it."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from kiosk.packs import LoadOptions, Pack, Problem, load_pack

Loader = Callable[..., tuple[Pack | None, list[Problem]]]


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def packs_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "packs"
    folder.mkdir()
    return folder


@pytest.fixture
def load(cache_dir: Path) -> Loader:
    """load(path, language="en", **LoadOptions fields) with the test's cache."""

    def loader(source: Path, language: str = "en", **options) -> tuple[Pack | None, list[Problem]]:
        return load_pack(source, cache_dir, language, options=LoadOptions(**options))

    return loader
