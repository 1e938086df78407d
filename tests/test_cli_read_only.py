"""The commands that only read (``person list``, ``person export``, ``export``, ``report``) work on
a read-only journal and never create, recreate or change one: an empty (0-byte) or damaged journal
is reported in words and left byte for byte as it was."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from kiosk.cli import main
from kiosk.journal import Journal
from kiosk_command import as_unprivileged, assert_sentence, kiosk


def _reading_commands(out_folder: Path) -> dict[str, list[str]]:
    return {
        "person list": ["person", "list"],
        "person export": ["person", "export", "1", "--out", str(out_folder / "anna.json")],
        "export csv": ["export", "--format", "csv", "--out", str(out_folder / "events.csv")],
        "export xapi": ["export", "--format", "xapi"],
        "report": [
            "report",
            "--person",
            "1",
            "--until",
            "2026-03-04",
            "--packs",
            str(out_folder),
            "--out",
            str(out_folder / "anna.html"),
        ],
    }


COMMANDS = list(_reading_commands(Path("x")))


def _journal_with_anna(folder: Path) -> Path:
    path = folder / "journal.sqlite3"
    with Journal.open(path) as journal:
        anna = journal.add_person("Anna")
        run = journal.start_run(anna.id, "wash-hands", 1, "hash-1", step_count=1)
        journal.record_step(run, 1, "shown")
        journal.record_step(run, 1, "done")
        journal.finish_run(run)
    return path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def _check_output(name: str, out_folder: Path, stdout: str) -> None:
    if name == "person list":
        assert "Anna" in stdout
    elif name == "person export":
        assert json.loads((out_folder / "anna.json").read_text())["person"]["name"] == "Anna"
    elif name == "export csv":
        assert (out_folder / "events.csv").read_text(encoding="utf-8-sig").count("\n") == 3
    elif name == "export xapi":
        assert len(json.loads(stdout)) == 4  # started, 2 step events, finished
    else:
        assert "Anna" in (out_folder / "anna.html").read_text(encoding="utf-8")


# --- an empty or damaged journal -----------------------------------------------------------------


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize(
    "content",
    [b"", b"SQLite format 3\x00" + b"\x07" * 200, b"my shopping list\n" * 50],
    ids=["empty", "damaged-header", "not-a-journal"],
)
def test_an_empty_or_damaged_journal_is_reported_and_left_as_it_is(tmp_path, name, content):
    data = tmp_path / "data"
    data.mkdir()
    (data / "journal.sqlite3").write_bytes(content)
    out = tmp_path / "out"
    out.mkdir()
    done = kiosk(*_reading_commands(out)[name], data=data)
    assert_sentence(done, 1, "journal", "damaged")
    assert _snapshot(data) == {"journal.sqlite3": content}  # nothing recreated, no -wal or -shm beside it
    assert list(out.iterdir()) == []
    if name == "person list":
        assert "No people yet" not in done.stdout


def test_a_missing_journal_is_not_created(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    for name, command in _reading_commands(out).items():
        done = kiosk(*command, data=data)
        assert_sentence(done, 1, "There is no journal")
        assert list(data.iterdir()) == [], name


def test_reading_leaves_the_journal_unchanged(tmp_path):
    """Not even a migration or a device record: the file's bytes are the same afterwards."""
    data = tmp_path / "data"
    path = _journal_with_anna(data)
    before = _snapshot(data)
    out = tmp_path / "out"
    out.mkdir()
    for name, command in _reading_commands(out).items():
        done = kiosk(*command, data=data)
        assert done.returncode == 0, (name, done.stderr)
        _check_output(name, out, done.stdout)
    after = _snapshot(data)
    assert after["journal.sqlite3"] == before["journal.sqlite3"]
    # SQLite's own companions of a WAL journal may appear (a read-only reader cannot remove them)
    assert set(after) <= {"journal.sqlite3", "journal.sqlite3-wal", "journal.sqlite3-shm"}
    assert path.stat().st_size > 0


# --- a read-only journal ---------------------------------------------------------------------------


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder another user can reach (pytest's own temporary folders are root's only)."""
    with tempfile.TemporaryDirectory(prefix="kiosk-cli-ro-") as name:
        folder = Path(name)
        folder.chmod(0o755)
        yield folder
        for path in folder.rglob("*"):
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.mark.parametrize("name", COMMANDS)
def test_reading_commands_work_on_a_write_protected_data_folder(shared_folder, name):
    """File and folder read-only for the user running the command (when the tests run as root,
    the command runs in a child process that is not root: root would write anyway)."""
    data = shared_folder / "data"
    _journal_with_anna(data)
    for file in data.iterdir():
        file.chmod(0o444)
    data.chmod(0o555)
    out = shared_folder / "out"
    out.mkdir()
    out.chmod(0o777)
    before = _snapshot(data)
    # The same command once as this user first, on a copy: the child cannot import modules that
    # live in root's home (the interpreter's), so everything it needs must be loaded already.
    warm = shared_folder / "warm-up"
    warm.mkdir()
    copy = warm / "data"
    _journal_with_anna(copy)
    assert main(["--data", str(copy), *_reading_commands(warm)[name]]) == 0
    command = _reading_commands(out)[name]
    code, stdout, stderr = as_unprivileged(lambda: main(["--data", str(data), *command]))
    assert "Traceback" not in stderr
    assert code == 0, stderr
    _check_output(name, out, stdout)
    assert _snapshot(data) == before


@pytest.fixture
def read_only_medium(tmp_path: Path) -> Iterator[Path]:
    """A real read-only file system holding a journal (a tmpfs remounted read-only, like a
    write-protected SD card); needs root and permission to mount, else the test is skipped."""
    if os.geteuid() != 0:
        pytest.skip("mounting a file system needs root")
    mount_point = tmp_path / "card"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        _journal_with_anna(mount_point)
        remounted = subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], capture_output=True, text=True)
        if remounted.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remounted.stderr.strip()}")
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def test_reading_commands_work_on_a_read_only_medium(read_only_medium, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    before = _snapshot(read_only_medium)
    for name, command in _reading_commands(out).items():
        done = kiosk(*command, data=read_only_medium)
        assert done.returncode == 0 and "Traceback" not in done.stderr, (name, done.stderr)
        _check_output(name, out, done.stdout)
    assert _snapshot(read_only_medium) == before


def test_deleting_on_a_read_only_medium_says_so(read_only_medium):
    done = kiosk("person", "delete", "1", "--yes", data=read_only_medium)
    assert_sentence(done, 1, "read-only")
