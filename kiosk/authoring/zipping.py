"""`kiosk pack zip`: one file to copy to the kiosk, made only from a pack that loads.

Why deterministic: the same pack must give the same zip, byte for byte, so a coach (or a script)
can tell whether a kiosk already has this content, and so the kiosk's cache of unpacked zips (keyed
by the zip's hash) is not refilled for nothing. Entries are therefore sorted, carry a fixed date
(1980-01-01, the earliest a zip can hold) and fixed permissions, and everything sits in one top
folder named after the pack id, which kiosk.packs' safe unpacking expects and removes.

Left out: the build's private state (.build.json), hidden files, and operating-system clutter
(.DS_Store, Thumbs.db, __MACOSX ...), decided by kiosk.packs' own ``is_ignored_name``.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.atomic import atomic_write
from kiosk.authoring.buildstate import STATE_NAME
from kiosk.authoring.errors import PackNotReady
from kiosk.packs import Pack, Problem, Severity, load_pack
from kiosk.packs.pack_files import extension, is_ignored_name, nfc

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = 0o644 << 16
_UNIX = 3
# Already compressed: deflating them again only costs time.
_STORED = frozenset({".jpg", ".jpeg", ".png", ".webp", ".m4a", ".mp3", ".ogg", ".zip"})


@dataclass
class ZipResult:
    path: Path
    pack: Pack
    files: list[str] = field(default_factory=list)  # entry names, in the zip's order
    warnings: list[Problem] = field(default_factory=list)


def pack_files(folder: Path, leave_out: set[Path] | None = None) -> list[tuple[str, Path]]:
    """(name inside the pack, file on disk) for every file that belongs in the zip, sorted."""
    leave_out = {path.resolve() for path in (leave_out or set())}
    root = folder.resolve()
    found: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [name for name in dirnames if not is_ignored_name(name)]
        for name in filenames:
            if is_ignored_name(name) or name == STATE_NAME or name.endswith((".part", ".tmp")):
                continue
            path = Path(dirpath) / name
            real = path.resolve()
            # A link's content goes in as a plain file, but only when it stays inside the pack.
            if not path.is_file() or real in leave_out or (path.is_symlink() and root not in real.parents):
                continue
            relative = nfc(path.relative_to(folder).as_posix())
            found.append((relative, path))
    return sorted(found, key=lambda item: item[0])


def default_zip_path(folder: Path, pack_id: str) -> Path:
    """Next to the pack folder, named after the pack id."""
    return folder.resolve().parent / f"{pack_id}.zip"


def zip_pack(
    folder: Path, out: Path | None = None, *, cache_dir: Path | None = None, default_language: str = "en"
) -> ZipResult:
    """Check the pack with kiosk.packs and write its zip; raise PackNotReady when it has errors."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PackNotReady(f'"{folder}" is not a pack folder. Give the folder made by `kiosk pack new`.')
    with tempfile.TemporaryDirectory(prefix="kiosk-zip-check-") as scratch:
        pack, problems = load_pack(folder, Path(cache_dir) if cache_dir else Path(scratch), default_language)
    if pack is None:
        raise PackNotReady("The pack has errors, so no zip was made.", problems)
    target = Path(out) if out is not None else default_zip_path(folder, pack.id)
    entries = pack_files(folder, leave_out={target})
    # Whole or not at all, beside the target; a link or device at the target raises UnsafeTarget
    # (kiosk.atomic). Its temporary name ends in .part, which pack_files leaves out.
    with atomic_write(target, binary=True) as stream, zipfile.ZipFile(stream, "w") as archive:
        for name, path in entries:
            archive.writestr(_entry(f"{pack.id}/{name}"), path.read_bytes())
    warnings = [problem for problem in problems if problem.severity is Severity.WARNING]
    return ZipResult(target, pack, [f"{pack.id}/{name}" for name, _ in entries], warnings)


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.create_system = _UNIX
    info.external_attr = _FILE_MODE
    info.compress_type = zipfile.ZIP_STORED if extension(name) in _STORED else zipfile.ZIP_DEFLATED
    return info
