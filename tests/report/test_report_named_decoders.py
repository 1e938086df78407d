"""`kiosk report` decodes a person photo only as JPEG, PNG, WebP or HEIC: PostScript named
`anna.jpg` becomes the neutral placeholder, and Ghostscript is never started."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from PIL import EpsImagePlugin, Image

from kiosk.cli import main
from kiosk.report.images import PLACEHOLDER_URI, picture_uri

POSTSCRIPT = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n0 0 moveto 10 10 lineto stroke\nshowpage\n"


@pytest.fixture
def ghostscript_ran(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake ``gs`` first on PATH that leaves this marker file when anything runs it."""
    folder = tmp_path / "fake-bin"
    folder.mkdir()
    marker = tmp_path / "ghostscript-ran"
    script = folder / "gs"
    script.write_text(f"#!/bin/sh\necho \"$@\" >> '{marker}'\nexit 1\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setattr(EpsImagePlugin, "gs_binary", None)  # Pillow caches where gs is: look again
    monkeypatch.setattr(EpsImagePlugin, "gs_windows_binary", None)
    return marker


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
