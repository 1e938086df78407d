"""A big pack's pictures are read and hashed ahead on several threads (``kiosk.packs.read_ahead``).

The loader must come to exactly what it came to reading them one by one on its own thread: the
same digests, content hash and copies, and the same problems for a file that cannot be read or
is damaged, on the step it belongs to. The small limits below make a few small pictures count as
a big pack, so the threads really run."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from kiosk.packs import Library, load_pack, read_ahead
from kiosk.packs.images import Copies
from kiosk.packs.pack_files import PackFile

from .builders import image_bytes, write_files
from storage_faults import folder_for_an_ordinary_user, in_unprivileged_process


def photo_pack(folder: Path, steps: int = 12) -> Path:
    files = {
        f"{number:02d} Step {number}.jpg": image_bytes(
            (1600, 1200), (20 * number % 256, 90, 160), "JPEG", marker=((0, 0, 100 + number, 80), (255, 255, 0))
        )
        for number in range(1, steps + 1)
    }
    return write_files(folder, files)


def turn_read_ahead_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any pack is read ahead, on two threads, one picture ahead at a time."""
    monkeypatch.setattr(read_ahead, "MIN_BYTES", 1)
    monkeypatch.setattr(read_ahead, "WINDOW_BYTES", 1)
    monkeypatch.setattr(read_ahead, "threads_for", lambda total: 2)


@pytest.fixture
def read_ahead_on(monkeypatch):
    turn_read_ahead_on(monkeypatch)


def test_a_pack_read_ahead_loads_exactly_as_one_read_alone(packs_dir, cache_dir, tmp_path, monkeypatch):
    source = photo_pack(packs_dir / "photos")
    monkeypatch.setattr(read_ahead, "MIN_BYTES", 10**12)  # alone: the loader's thread reads
    alone, alone_problems = load_pack(source, tmp_path / "cache-alone")
    turn_read_ahead_on(monkeypatch)
    readers: set[str] = set()
    real = read_ahead.read_and_hash

    def noting(path: str) -> read_ahead.Read:
        readers.add(threading.current_thread().name)
        return real(path)

    monkeypatch.setattr(read_ahead, "read_and_hash", noting)
    ahead, ahead_problems = load_pack(source, cache_dir)
    assert alone is not None and ahead is not None
    assert readers and all(name.startswith("kiosk-read") for name in readers)  # really on the threads
    assert ahead.content_hash == alone.content_hash
    assert [p.message for p in ahead_problems] == [p.message for p in alone_problems]
    assert {k: v.name for k, v in ahead.display_images.items()} == {k: v.name for k, v in alone.display_images.items()}
    assert sorted(p.relative_to(cache_dir) for p in cache_dir.rglob("*") if p.is_file()) == sorted(
        p.relative_to(tmp_path / "cache-alone") for p in (tmp_path / "cache-alone").rglob("*") if p.is_file()
    )


def test_a_damaged_picture_read_ahead_is_reported_on_its_step(packs_dir, cache_dir, read_ahead_on):
    source = photo_pack(packs_dir / "photos", steps=8)
    damaged = source / "05 Step 5.jpg"
    damaged.write_bytes(b"not a picture at all" * 100)
    pack, problems = load_pack(source, cache_dir)
    assert pack is None
    (problem,) = [p for p in problems if p.severity.name == "ERROR"]
    assert problem.step == 5 and problem.file == "05 Step 5.jpg"
    assert "cannot be opened" in problem.message


@pytest.fixture
def shared_folder():
    with folder_for_an_ordinary_user("read-ahead") as folder:
        yield folder


def test_a_file_that_cannot_be_read_is_reported_on_its_step(shared_folder, read_ahead_on):
    """A real read error: a picture the loading process has no right to read (not root)."""
    source = photo_pack(shared_folder / "photos", steps=8)
    cache_dir = shared_folder / "cache"
    cache_dir.mkdir(mode=0o777)
    cache_dir.chmod(0o777)
    source.chmod(0o755)
    for path in source.iterdir():
        path.chmod(0o644)
    os.chmod(source / "03 Step 3.jpg", 0)

    def load() -> str:
        pack, problems = load_pack(source, cache_dir)
        errors = [f"{p.step}|{p.file}|{p.message}" for p in problems if p.severity.name == "ERROR"]
        return f"{pack is None}\n" + "\n".join(errors)

    loaded, *errors = in_unprivileged_process(load).split("\n")
    assert loaded == "True"
    assert len(errors) == 1, errors
    step, file, message = errors[0].split("|")
    assert (step, file) == ("3", "03 Step 3.jpg")
    assert "cannot be read" in message and "Permission denied" in message


def test_the_kiosk_scan_reads_ahead_and_leaves_the_copies_for_later(packs_dir, cache_dir, read_ahead_on):
    photo_pack(packs_dir / "photos", steps=10)
    library = Library([packs_dir], cache_dir, copies=Copies.LATER)
    (pack,) = library.scan().packs
    assert len(pack.steps) == 10
    jobs = library.pending_copies()
    assert len(jobs) == 10 and jobs[0].rank[0] == 0  # every copy left for later, the tile's first
    assert not (cache_dir / "images").exists() or not any((cache_dir / "images").rglob("display*"))


def test_the_window_holds_few_files_and_takes_them_in_order(tmp_path):
    names = [f"{n}.bin" for n in range(6)]
    for n, name in enumerate(names):
        (tmp_path / name).write_bytes(bytes([n]) * 1000)
    files = [PackFile(name, name, 1000) for name in names]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(read_ahead, "WINDOW_BYTES", 2500)
        with read_ahead.ReadAhead(str(tmp_path), files, threads=2) as ahead:
            assert ahead.in_flight == 2  # 2,000 bytes in flight; a third would pass 2,500
            assert ahead.take(files[1]) is None  # out of order: the caller reads it itself
            for n, pack_file in enumerate(files):
                taken = ahead.take(pack_file)
                assert isinstance(taken, tuple) and taken[0] == bytes([n]) * 1000
                assert ahead.in_flight <= 2


def test_small_packs_and_one_core_are_read_on_the_loaders_thread(monkeypatch):
    assert read_ahead.threads_for(read_ahead.MIN_BYTES - 1) == 0
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    assert read_ahead.threads_for(10**9) == 0
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)))
    assert read_ahead.threads_for(10**9) == read_ahead.MAX_THREADS
