"""Where the kiosk keeps things, so that every module agrees without passing paths around.

The data folder holds everything personal (the journal) and everything derived (caches); it lives
in the standard per-user data location so it survives reinstalling the program, and ``--data``
overrides it (tests, several kiosks on one machine, a USB stick).
"""

from __future__ import annotations

import os
import sys
from importlib.resources import files
from pathlib import Path

APP_NAME = "step-kiosk"


def package_folder(package: str) -> Path:
    """The folder of a package's bundled files, as a real ``Path``.

    Why ``importlib.resources``: the files the kiosk reads (icons, UI sounds, people photos, sample
    packs) ship inside the ``kiosk`` package, so they are found the same way in a source checkout,
    an editable install and an installed wheel, wherever ``site-packages`` is. Kivy, Pillow and
    sqlite need real file names, so a package that is not unpacked on disk (imported from a zip) is
    refused with a clear error instead of failing later on the first picture.
    """
    folder = files(package)
    if not isinstance(folder, Path):
        raise RuntimeError(
            f"Step Kiosk's bundled files ({package}) are not on disk ({folder!r}); "
            "install the wheel with pip, the kiosk cannot run from a zip archive."
        )
    return folder


#: The bundled files (``kiosk/assets``): ``images/icons``, ``images/people``, ``audio``, ``packs``.
ASSETS_DIR = package_folder("kiosk.assets")
#: The bundled sample packs, the default library next to the trainer's drop folder.
SAMPLE_PACKS_DIR = ASSETS_DIR / "packs"
#: The folder above the ``kiosk`` package. Only meaningful in a source checkout (tests, tools); in
#: an installed wheel it is ``site-packages``, so nothing the kiosk needs at run time may use it.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_data_dir() -> Path:
    """The per-user data folder (XDG on Linux, Application Support on macOS, AppData on Windows)."""
    override = os.environ.get("STEP_KIOSK_DATA")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / APP_NAME


class DataDir:
    """The layout inside one data folder."""

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root is not None else default_data_dir()

    @property
    def journal(self) -> Path:
        return self.root / "journal.sqlite3"

    @property
    def packs(self) -> Path:
        """The trainer's drop folder: packs (folders or zips) copied here appear on the kiosk."""
        return self.root / "packs"

    @property
    def cache(self) -> Path:
        """Derived files only (display images, thumbnails, unpacked zips, generated speech)."""
        return self.root / "cache"

    @property
    def people_photos(self) -> Path:
        return self.root / "people"

    def ensure(self) -> "DataDir":
        for folder in (self.root, self.packs, self.cache, self.people_photos):
            folder.mkdir(parents=True, exist_ok=True)
        return self
