"""Real storage faults for tests: a tiny file system that fills up, a read-only remount, and a
child process without root (root writes through file permissions, so read-only files only
behave read-only for an ordinary user).

Used by the journal, CLI and UI tests. Mounting needs root (CI runs as root); elsewhere the
tests that need it are skipped with the reason.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Callable, Iterator

import pytest

NOBODY = 65534


@contextlib.contextmanager
def tiny_filesystem(mount_point: Path, size: str = "1m") -> Iterator[Path]:
    """A real tmpfs of ``size`` at ``mount_point`` (skips the test when it cannot be mounted)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny file system needs root")
    mount_point.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def remount_read_only(mount_point: Path) -> None:
    remounted = subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], capture_output=True, text=True)
    if remounted.returncode != 0:
        pytest.skip(f"cannot remount read-only: {remounted.stderr.strip()}")


def fill_disk(folder: Path) -> Path:
    """Write zeros until the file system is full; delete the returned file to free the space."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as stream:
        try:
            while True:
                stream.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


@contextlib.contextmanager
def folder_for_an_ordinary_user(name: str) -> Iterator[Path]:
    """A fresh folder (mode 755) that ``in_unprivileged_process`` can reach: pytest's own
    temporary folders are root's alone. Removed afterwards."""
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"{name}-{os.getpid()}"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)  # whatever the umask
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def in_unprivileged_process(action: Callable[[], str]) -> str:
    """Run ``action`` in a forked child that is not root, and return the text it returned or
    the exception it raised (as "Type: message")."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # the child: drop root, act, report, leave without running pytest's clean-up
        os.close(read_end)
        try:
            if os.geteuid() == 0:
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            result = action()
        except BaseException as error:  # noqa: BLE001 - everything goes back to the parent
            result = f"{type(error).__name__}: {error}"
        os.write(write_end, result.encode("utf-8"))
        os._exit(0)
    os.close(write_end)
    output = b""
    while chunk := os.read(read_end, 65536):
        output += chunk
    os.close(read_end)
    os.waitpid(child, 0)
    return output.decode("utf-8")
