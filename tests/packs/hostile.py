"""A corpus of hostile packs, built at test time.

Each builder writes one pack that a careless or hostile trainer could copy into the packs folder
and that once made the kiosk do unbounded work (issue 10). They are generated rather than committed
because some are large on disk (20,000 files) or tiny on disk but huge when expanded. Every builder
returns the pack's path; ``build_corpus`` writes them all into one packs folder, so a test can run
the real library scan or the trainer screen over the whole corpus.
"""

from __future__ import annotations

import functools
import io
import zipfile
from pathlib import Path
from typing import Callable

from .builders import image_bytes

PICTURE = image_bytes((32, 24), fmt="PNG")
MIB = 1024 * 1024


def many_files_folder(folder: Path, count: int = 20_000) -> Path:
    """``01.png`` and ``count`` other files nothing uses: one warning each, before the cap."""
    root = folder / "many-files"
    root.mkdir(parents=True, exist_ok=True)
    (root / "01.png").write_bytes(PICTURE)
    for index in range(count):
        (root / f"junk-{index:05d}.txt").write_bytes(b"x")
    return root


def many_heic_folder(folder: Path, count: int = 3_000) -> Path:
    """Numbered HEIC photos: an error for each (the kiosk cannot show HEIC), before the cap."""
    root = folder / "many-heic"
    root.mkdir(parents=True, exist_ok=True)
    (root / "01.png").write_bytes(PICTURE)
    for index in range(2, count + 2):
        (root / f"{index:05d} step.heic").write_bytes(b"\0")
    return root


def alias_bomb_yaml(keys: int = 1_000, repeats: int = 1_000) -> bytes:
    """A ~14 KB pack.yaml: one step with ``keys`` unknown settings, listed ``repeats`` times
    through YAML aliases — a "billion laughs". Expanded it is a million settings, each of which
    used to become a warning."""
    mapping = ", ".join(f"k{index}: 0" for index in range(keys))
    lines = [
        "format: 1",
        f"base: &a {{image: 01.png, text: Hi, {mapping}}}",
        "steps: [" + ", ".join(["*a"] * repeats) + "]",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def alias_bomb_folder(folder: Path, keys: int = 1_000, repeats: int = 1_000) -> Path:
    root = folder / "alias-bomb"
    root.mkdir(parents=True, exist_ok=True)
    (root / "01.png").write_bytes(PICTURE)
    (root / "pack.yaml").write_bytes(alias_bomb_yaml(keys, repeats))
    return root


def recursive_alias_folder(folder: Path) -> Path:
    """A pack.yaml whose steps contain themselves (YAML allows a recursive anchor)."""
    root = folder / "recursive-alias"
    root.mkdir(parents=True, exist_ok=True)
    (root / "01.png").write_bytes(PICTURE)
    (root / "pack.yaml").write_text("format: 1\nsteps: &s [{image: 01.png, text: Hi, more: *s}]\n", encoding="utf-8")
    return root


@functools.lru_cache(maxsize=4)  # deflating a gigabyte of zeros takes seconds: once per session
def zeros_zip_bytes(entries: int = 1_020, size: int = MIB - 1) -> bytes:
    """``entries`` files of ``size`` zero bytes, deflated: each shrinks ~1000 times but stays just
    under the size from which the per-file ratio is checked. ~1.1 MB holding ~1 GB."""
    buffer = io.BytesIO()
    zeros = b"\0" * size
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("01.png", PICTURE)
        for index in range(entries):
            archive.writestr(f"zeros-{index:04d}.bin", zeros)
    return buffer.getvalue()


def zeros_zip(folder: Path, entries: int = 1_020, size: int = MIB - 1) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "zeros.zip"
    path.write_bytes(zeros_zip_bytes(entries, size))
    return path


def many_entries_zip(folder: Path, entries: int = 6_000) -> Path:
    """A zip whose table of contents lists thousands of ignored clutter entries (``__MACOSX``)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "many-entries.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("01.png", PICTURE)
        for index in range(entries):
            archive.writestr(f"__MACOSX/._{index}", b"")
    return path


BUILDERS: dict[str, Callable[[Path], Path]] = {
    "many-files": many_files_folder,
    "many-heic": many_heic_folder,
    "alias-bomb": alias_bomb_folder,
    "recursive-alias": recursive_alias_folder,
    "zeros-zip": zeros_zip,
    "many-entries-zip": many_entries_zip,
}


def build_corpus(folder: Path) -> dict[str, Path]:
    """Every hostile pack of the corpus in ``folder`` (a packs folder); name -> path."""
    return {name: build(folder) for name, build in BUILDERS.items()}
