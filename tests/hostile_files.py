"""Files that only pretend to be what their names say, and a trap that shows whether a decoder we
never named was started (Pillow's EPS plug-in runs Ghostscript on a file that merely claims to be
a photo)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

POSTSCRIPT = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n0 0 moveto 10 10 lineto stroke\nshowpage\n"


def ghostscript_trap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake ``gs`` first on PATH that leaves the returned marker file when anything runs it."""
    from PIL import EpsImagePlugin

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
