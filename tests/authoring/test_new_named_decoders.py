"""`kiosk pack new` opens only the picture formats the kiosk names (JPEG, PNG, WebP, HEIC): a
PostScript file called `01 x.jpg` in a coach's photo folder is a plain problem, and Ghostscript
(which Pillow's EPS plugin would run on it) is never started."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_files import POSTSCRIPT, ghostscript_trap
from authoring_helpers import PhotoSpec, make_photo
from PIL import EpsImagePlugin, Image

from kiosk.authoring.normalise import PhotoUnreadable, normalise_photo
from kiosk.authoring.photos import read_taken_time
from kiosk.cli import main


@pytest.fixture
def ghostscript_ran(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return ghostscript_trap(tmp_path, monkeypatch)


def test_postscript_photo_is_a_plain_problem_and_ghostscript_never_runs(tmp_path, capsys, ghostscript_ran):
    photos = tmp_path / "photos"
    photos.mkdir()
    make_photo(photos / "02 Go on.jpg", PhotoSpec(size=(300, 200)))
    (photos / "01 x.jpg").write_bytes(POSTSCRIPT)
    assert main(["pack", "new", str(photos), "--out", str(tmp_path / "pack")]) == 1
    err = capsys.readouterr().err
    assert '"01 x.jpg" cannot be opened: it is not a picture the kiosk can show' in err
    assert "Traceback" not in err
    assert not ghostscript_ran.exists(), ghostscript_ran.read_text()
    assert not (tmp_path / "pack").exists()


def test_photo_checks_skip_postscript_too(tmp_path, ghostscript_ran):
    source = tmp_path / "01 x.jpg"
    source.write_bytes(POSTSCRIPT)
    assert read_taken_time(source) is None
    with pytest.raises(PhotoUnreadable, match="not a picture the kiosk can show"):
        normalise_photo(source, tmp_path / "01.jpg")
    assert not ghostscript_ran.exists()


@pytest.mark.parametrize("fmt", ["TIFF", "GIF", "BMP"])
def test_other_formats_named_jpg_are_refused_as_well(tmp_path, fmt):
    source = tmp_path / "01 x.jpg"
    Image.new("RGB", (40, 30), (10, 120, 200)).save(source, fmt)
    with pytest.raises(PhotoUnreadable, match="not a picture the kiosk can show"):
        normalise_photo(source, tmp_path / "01.jpg")


def test_the_fake_ghostscript_is_what_pillow_would_run(tmp_path, ghostscript_ran):
    """Proof that the tests above can fail: Pillow's EPS plug-in, if it decoded the file, runs our fake gs."""
    source = tmp_path / "01 x.jpg"
    source.write_bytes(POSTSCRIPT)

    with pytest.raises(Exception):  # noqa: B017 - whatever Pillow makes of gs failing
        EpsImagePlugin.EpsImageFile(str(source)).load()
    assert ghostscript_ran.exists()
