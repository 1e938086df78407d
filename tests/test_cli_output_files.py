"""``--out`` of every command that writes a file (export, person export, report, pack zip): written
whole or not at all next to the target, a link or special file there refused and left alone, and
missing folders handled alike (made) by all of them."""

from __future__ import annotations

import os
import stat
import subprocess
import zipfile
from pathlib import Path
from typing import Callable

import pytest
from PIL import Image

from storage_faults import tiny_filesystem
from kiosk import atomic
from kiosk.journal import Journal
from kiosk_command import assert_sentence, data_folder_with_one_run, kiosk

Writer = Callable[[Path], subprocess.CompletedProcess[str]]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return data_folder_with_one_run(tmp_path / "data")


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    folder = tmp_path / "wash-hands"
    folder.mkdir()
    for number, colour in ((1, "red"), (2, "blue")):
        Image.new("RGB", (64, 48), colour).save(folder / f"0{number} Step {number}.jpg")
    return folder


WRITERS = ["export-csv", "export-xapi", "person-export", "report", "pack-zip"]


@pytest.fixture(params=WRITERS)
def write(request, data: Path, pack: Path) -> Writer:
    """One of the commands that write an --out file, as a function of the --out path."""
    commands = {
        "export-csv": ["export", "--format", "csv"],
        "export-xapi": ["export", "--format", "xapi"],
        "person-export": ["person", "export", "1"],
        "report": ["report", "--person", "1", "--until", "2026-03-04"],
        "pack-zip": ["pack", "zip", str(pack)],
    }[request.param]
    return lambda out: kiosk(*commands, "--out", out, data=data)


def _no_leftovers(folder: Path) -> None:
    assert [path.name for path in folder.iterdir() if path.name.endswith((".part", ".partial", ".part.pdf"))] == []


def test_writes_a_new_file_whole(write, tmp_path):
    out = tmp_path / "out" / "file.data"
    (tmp_path / "out").mkdir()
    done = write(out)
    assert done.returncode == 0, done.stderr
    assert out.is_file() and out.stat().st_size > 0
    _no_leftovers(out.parent)


def test_missing_folders_are_made_by_every_command(write, tmp_path):
    """One rule for all: ``--out`` into folders that do not exist yet makes them (export refused
    while report and pack zip made them)."""
    out = tmp_path / "new" / "deeper" / "file.data"
    done = write(out)
    assert done.returncode == 0, done.stderr
    assert out.is_file()


def test_a_link_at_out_is_refused_and_left_alone(write, tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    link = tmp_path / "link.out"
    link.symlink_to(precious)
    assert_sentence(write(link), 2, f"{link} is a link", "was not replaced")
    assert link.is_symlink() and os.readlink(link) == str(precious)
    assert precious.read_text() == "keep me"
    _no_leftovers(tmp_path)


def test_a_dangling_link_at_out_is_refused(write, tmp_path):
    link = tmp_path / "dangling.out"
    link.symlink_to(tmp_path / "nowhere")
    assert_sentence(write(link), 2, "is a link")
    assert link.is_symlink() and not (tmp_path / "nowhere").exists()


def test_a_special_file_at_out_is_refused_and_left_alone(write, tmp_path):
    """A named pipe stands for every file that is not a normal one (devices included; a real
    device is not used here, as replacing it would harm the machine running the tests)."""
    pipe = tmp_path / "pipe.out"
    os.mkfifo(pipe)
    assert_sentence(write(pipe), 2, "special file", "was not replaced")
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)


def test_a_folder_at_out_is_refused(write, tmp_path):
    folder = tmp_path / "folder.out"
    folder.mkdir()
    assert_sentence(write(folder), 2, "is a folder")
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_an_existing_file_is_replaced_and_keeps_its_permissions(write, tmp_path):
    out = tmp_path / "old.out"
    out.write_text("old")
    out.chmod(0o640)
    done = write(out)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() != b"old" and stat.S_IMODE(out.stat().st_mode) == 0o640


def test_the_zip_beside_its_pack_leaves_its_temporary_file_out(pack):
    """The pack zip written into the pack folder itself: the half-written zip is never packed."""
    out = pack / "wash-hands.zip"
    done = kiosk("pack", "zip", pack, "--out", out, data=pack.parent / "data")
    assert done.returncode == 0, done.stderr
    names = zipfile.ZipFile(out).namelist()
    assert not any(name.endswith((".zip", ".part")) for name in names), names


# --- the helper itself ------------------------------------------------------------------------------


def test_a_failure_while_writing_keeps_the_old_file_and_leaves_nothing(tmp_path):
    out = tmp_path / "report.html"
    out.write_text("the old report")

    class Interrupted(Exception):
        pass

    with pytest.raises(Interrupted):
        with atomic.atomic_write(out) as stream:
            stream.write("half of the new")
            raise Interrupted
    assert out.read_text() == "the old report"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.html"]


def test_new_files_get_the_usual_permissions(tmp_path):
    previous = os.umask(0o027)
    try:
        atomic.write_text(tmp_path / "a.txt", "a")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o640


def test_a_program_writing_by_name(tmp_path):
    out = tmp_path / "x.pdf"
    with atomic.replacing(out, suffix=".part.pdf") as partial:
        assert partial.parent == tmp_path and partial.name.endswith(".part.pdf") and partial != out
        assert not out.exists()
        partial.write_bytes(b"%PDF")
    assert out.read_bytes() == b"%PDF" and not partial.exists()


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A real 1 MB file system (tmpfs); needs root and permission to mount, else skipped."""
    with tiny_filesystem(tmp_path / "tiny") as disk:
        yield disk


def test_a_full_disk_says_so_and_keeps_the_old_file(data, tiny_disk):
    out = tiny_disk / "events.csv"
    out.write_text("last week's export")
    with open(tiny_disk / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
        except OSError:
            pass
    with Journal.open(data / "journal.sqlite3") as journal:  # enough events not to fit in what is left
        run = journal.start_run(1, "wash-hands", 1, "hash-1")
        for _ in range(2000):
            journal.record_step(run, 1, "help")
    done = kiosk("export", "--format", "csv", "--out", out, data=data)
    assert_sentence(done, 1, f"The storage is full, so {out} could not be written", "Free some space")
    assert out.read_text() == "last week's export"
    _no_leftovers(tiny_disk)
