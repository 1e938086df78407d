"""A rescan reads a pack again after any edit, also a same-size edit whose modification time was
put back (a copy that keeps times, ``touch -r``): the fingerprint has the inode change time and
the inode number, which nobody sets back."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from kiosk.packs import Library
from kiosk.packs.library import fingerprint

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ui"))
from ui_helpers import make_pack  # noqa: E402


def edit_keeping_size_and_mtime(path: Path, old: str, new: str) -> None:
    assert len(old.encode()) == len(new.encode())
    info = path.stat()
    time.sleep(0.01)  # a later change time than the last scan's
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns


def test_a_same_size_edit_with_its_mtime_put_back_is_read_again(tmp_path):
    packs = tmp_path / "packs"
    root = make_pack(packs, "glue", {"en": "Glue the box"}, [{"text": "Put glue on the edge."}])
    library = Library([packs], tmp_path / "cache")
    assert library.scan().packs[0].steps[0].text["en"] == "Put glue on the edge."
    before = fingerprint(root)
    edit_keeping_size_and_mtime(root / "pack.yaml", "Put glue on the edge.", "Put tape on the edge.")
    assert fingerprint(root) != before
    assert library.scan().packs[0].steps[0].text["en"] == "Put tape on the edge."


def test_a_zip_replaced_by_a_same_size_copy_with_the_old_mtime_is_read_again(tmp_path):
    import shutil

    from kiosk.authoring.zipping import zip_pack

    packs = tmp_path / "packs"
    work = tmp_path / "work"
    one = make_pack(work / "a", "glue", {"en": "Glue the box"}, [{"text": "Put glue on the edge."}])
    two = make_pack(work / "b", "glue", {"en": "Glue the box"}, [{"text": "Put tape on the edge."}])
    packs.mkdir()
    first, second = zip_pack(one, work / "one.zip").path, zip_pack(two, work / "two.zip").path
    shutil.copy2(first, packs / "glue.zip")
    library = Library([packs], tmp_path / "cache")
    assert library.scan().packs[0].steps[0].text["en"] == "Put glue on the edge."
    info = (packs / "glue.zip").stat()
    assert second.stat().st_size == info.st_size  # same-length words, the same deterministic zip
    os.replace(second, packs / "glue.zip")
    os.utime(packs / "glue.zip", ns=(info.st_atime_ns, info.st_mtime_ns))
    assert library.scan().packs[0].steps[0].text["en"] == "Put tape on the edge."
