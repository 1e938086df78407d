"""`kiosk report` decodes a person photo only as JPEG, PNG, WebP or HEIC: PostScript named
`anna.jpg` becomes the neutral placeholder, and Ghostscript is never started."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_files import POSTSCRIPT, ghostscript_trap
from PIL import Image

from kiosk.cli import main
from kiosk.report.images import PLACEHOLDER_URI, picture_uri


@pytest.fixture
def ghostscript_ran(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return ghostscript_trap(tmp_path, monkeypatch)


def test_postscript_person_photo_becomes_the_placeholder(fresh, tmp_path, ghostscript_ran):
    kiosk = fresh()
    (kiosk.data.people_photos / "anna.jpg").write_bytes(POSTSCRIPT)
    out = tmp_path / "anna.html"
    assert (
        main(
            [
                "--data",
                str(kiosk.data.root),
                "report",
                "--person",
                str(kiosk.anna.id),
                "--until",
                "2026-03-04",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert out.is_file() and PLACEHOLDER_URI in out.read_text(encoding="utf-8")
    assert not ghostscript_ran.exists(), ghostscript_ran.read_text()


@pytest.mark.parametrize("fmt", ["EPS", "TIFF", "GIF"])
def test_pictures_in_other_formats_are_the_placeholder(tmp_path, fmt, ghostscript_ran):
    path = tmp_path / f"photo-{fmt}.jpg"
    Image.new("RGB", (40, 30), (10, 120, 200)).save(path, fmt) if fmt != "EPS" else path.write_bytes(POSTSCRIPT)
    assert picture_uri(path) == PLACEHOLDER_URI
    assert not ghostscript_ran.exists()


def test_named_formats_are_still_embedded(tmp_path):
    for fmt in ("JPEG", "PNG", "WEBP"):
        path = tmp_path / f"photo.{fmt.lower()}"
        Image.new("RGB", (40, 30), (10, 120, 200)).save(path, fmt)
        assert picture_uri(path).startswith("data:image/jpeg;base64,")
