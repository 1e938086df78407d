"""The report in a real browser: it renders (not blank, also in grey and in Chinese) and prints
to a PDF with one page per task. Skipped only when Chromium is not installed.

Set REPORT_SCREENSHOTS=DIR to keep the screenshots for a look by eye.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from kiosk.report import build_person_report, render_html
from kiosk.report.chromium import html_to_pdf, screenshot

from . import history as h

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed")


def _keep(path: Path) -> None:
    folder = os.environ.get("REPORT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / path.name)


def _page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def _write(fresh, tmp_path: Path, language: str, name: str, **options) -> tuple[Path, object]:
    kiosk = fresh(anna_name=name, anna_language=language, **options)
    report = build_person_report(kiosk.journal, kiosk.library, kiosk.anna.id, 8, h.NOW)
    page = tmp_path / f"report-{language}.html"
    page.write_text(render_html(report), encoding="utf-8")
    return page, report


def _assert_not_blank(png: Path) -> None:
    with Image.open(png) as shot:
        colour = shot.convert("RGB")
        assert colour.size == (1000, 1400)
        assert len(colour.getcolors(maxcolors=1 << 20) or []) > 200  # pictures, text, charts
        grey = colour.convert("L")
        _keep_grey(png, grey)
        dark = sum(grey.histogram()[:80])  # ink, not just tints
        assert dark > 0.01 * grey.size[0] * grey.size[1]
        assert ImageStat.Stat(grey).stddev[0] > 30


def _keep_grey(png: Path, grey: Image.Image) -> None:
    grey_path = png.with_name(png.stem + "-grey.png")
    grey.save(grey_path)
    _keep(grey_path)


@pytest.mark.parametrize("language, name", [("en", "Anna"), ("zh", "李安娜")])
def test_renders_in_chromium(fresh, tmp_path, language, name):
    page, _ = _write(fresh, tmp_path, language, name)
    png = screenshot(page, tmp_path / f"report-{language}.png", size=(1000, 1400), chromium=CHROMIUM)
    _keep(png)
    _assert_not_blank(png)


def test_prints_one_a4_page_per_task(fresh, tmp_path):
    page, report = _write(fresh, tmp_path, "en", "Anna")
    pdf = html_to_pdf(page, tmp_path / "report.pdf", chromium=CHROMIUM)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert _page_count(data) == 1 + len(report.tasks)
    assert re.search(rb"/MediaBox\s*\[\s*0 0 59[45]", data)  # A4: 595 x 842 points


def test_cli_pdf(fresh, tmp_path, monkeypatch):
    from kiosk.cli import main

    monkeypatch.setenv("STEP_KIOSK_CHROMIUM", CHROMIUM)
    kiosk = fresh(with_history=False)
    out = tmp_path / "empty.pdf"
    code = main(["--data", str(kiosk.data.root), "report", "--person", str(kiosk.anna.id), "--out", str(out)])
    assert code == 0
    assert out.read_bytes().startswith(b"%PDF") and _page_count(out.read_bytes()) == 1
    assert out.with_suffix(".html").is_file()
