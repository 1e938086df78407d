"""Fixtures for the report tests: the kiosk with a known history (see history.py), built once per
module through the real journal and pack library, and the report built from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.report import build_person_report, render_html

from .history import NOW, Kiosk, build_kiosk


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory: pytest.TempPathFactory) -> Kiosk:
    built = build_kiosk(tmp_path_factory.mktemp("kiosk"))
    yield built
    built.journal.close()


@pytest.fixture(scope="module")
def anna_report(kiosk: Kiosk):
    return build_person_report(kiosk.journal, kiosk.library, kiosk.anna.id, 8, NOW)


@pytest.fixture(scope="module")
def anna_html(anna_report) -> str:
    return render_html(anna_report)


@pytest.fixture
def fresh(tmp_path: Path):
    """A kiosk of one's own, for tests that add people or runs."""
    opened: list[Kiosk] = []

    def make(**options) -> Kiosk:
        built = build_kiosk(tmp_path / f"kiosk{len(opened)}", **options)
        opened.append(built)
        return built

    yield make
    for built in opened:
        built.journal.close()
