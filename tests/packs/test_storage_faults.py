"""A full or read-only cache is the device's fault, not the pack's: packs say so in plain words,
folder packs stay usable with their own pictures, and are prepared once there is room again.

These use a real small file system (tmpfs), which needs root to mount."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from kiosk.packs import Library, Severity, load_pack

from .builders import errors, image_bytes, write_files, zip_bytes

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs to fill it needs root")


@pytest.fixture
def small_cache(tmp_path: Path):
    """A 256 KB tmpfs as the cache; unmounted afterwards."""
    cache = tmp_path / "cache"
    cache.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(cache)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    yield cache
    subprocess.run(["umount", "-l", str(cache)], check=False)


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


def remount(cache: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(cache)], check=True)


def photos(folder: Path) -> Path:
    # big enough that the display copies cannot fit in what is left
    return write_files(
        folder, {"01 Wet.jpg": image_bytes((1600, 1200)), "02 Dry.jpg": image_bytes((1600, 1200), (0, 90, 0))}
    )


def test_a_full_cache_leaves_a_folder_pack_usable_and_says_the_storage_is_full(tmp_path, small_cache):
    fill(small_cache)
    pack, problems = load_pack(photos(tmp_path / "packs" / "wash"), small_cache)
    assert pack is not None, problems
    assert len(problems) == 1 and problems[0].severity is Severity.WARNING and problems[0].file is None
    assert "storage is full" in problems[0].message and "not of the pack" in problems[0].hint
    assert "developers" not in problems[0].hint
    assert pack.display_image(pack.steps[0]) == pack.file("01 Wet.jpg")  # its own picture


def test_a_full_cache_refuses_a_zip_in_words_about_the_storage(tmp_path, small_cache):
    zipped = tmp_path / "packs" / "wash.zip"
    zipped.parent.mkdir(parents=True)
    zipped.write_bytes(
        zip_bytes({"01 Wet.jpg": image_bytes((1600, 1200)), "02 Dry.jpg": image_bytes((1600, 1200), (0, 90, 0))})
    )
    fill(small_cache)
    pack, problems = load_pack(zipped, small_cache)
    assert pack is None
    [error] = errors(problems)
    assert "storage is full" in error.message and "wash.zip could not be unpacked" in error.message
    assert "Free some space" in error.hint and "developers" not in error.hint
    assert not list((small_cache / "zips").glob(".partial-*"))


def test_a_read_only_cache_says_it_cannot_be_written(tmp_path, small_cache):
    remount(small_cache, "ro")
    pack, problems = load_pack(photos(tmp_path / "packs" / "wash"), small_cache)
    assert pack is not None
    assert [p.message.split(",")[0] for p in problems] == [
        "The kiosk cannot write to its storage (it is read-only or locked)"
    ]


def test_the_library_prepares_the_pack_once_there_is_room_again(tmp_path, small_cache):
    packs = tmp_path / "packs"
    photos(packs / "wash")
    filler = fill(small_cache)
    library = Library([packs], small_cache)
    first = library.scan()
    assert first.packs and "storage is full" in first.reports[0].problems[0].message
    filler.unlink()
    second = library.scan()  # unchanged pack, but read again: its first reading was spoiled
    pack = second.packs[0]
    assert second.reports[0].problems == ()
    assert pack.display_image(pack.steps[0]).is_relative_to(small_cache)
