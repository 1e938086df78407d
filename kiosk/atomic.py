"""Writing a file whole or not at all: the one way Step Kiosk writes files a person relies on.

Why: an export, a report or a pack zip that is cut short (full disk, a pulled USB stick, Ctrl+C)
must not look complete, and the file that was there before must survive the failure. So the new
content goes into a temporary file in the *same folder* as the target (``os.replace`` is only
atomic within one file system), is flushed to the storage with ``fsync``, and only then takes the
target's name. The folder is synced afterwards so the new name itself survives a power cut.

What is never replaced: anything at the target that is not a regular file. Replacing a symbolic
link swaps the link for a file (and a trainer who linked ``--out`` somewhere meant that place), and
a device node (``/dev/sda``) or a folder is never something a command was meant to overwrite. Such
a target raises ``UnsafeTarget`` with plain words before anything is written.

Missing folders on the way to the target are created (``make_folders=True``, the default), the
same for every command, so ``--out reports/2026/anna.html`` behaves alike everywhere.

New files get the permissions a plain ``open()`` would give them (0666 minus the umask); a file
that is replaced keeps its own permissions.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import IO, Any, Iterator

PART_SUFFIX = ".part"  # pack zipping leaves files ending in .part out, so a zip beside its pack is safe


class UnsafeTarget(Exception):
    """The target path holds something that must not be replaced (a link, a device, a folder),
    or its folder cannot be one. ``message`` says what, ``hint`` what to do."""

    def __init__(self, message: str, hint: str, *, path: Path) -> None:
        super().__init__(f"{message} {hint}")
        self.message = message
        self.hint = hint
        self.path = path


def check_target(path: Path | str) -> Path:
    """Return ``path`` when a file may be written there: nothing is there yet, or a regular file.

    Checked with ``lstat`` so a symbolic link is seen as the link, not as what it points to.
    Raises ``UnsafeTarget`` otherwise; an ``OSError`` (permissions, I/O) passes through.
    """
    path = Path(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return path
    except NotADirectoryError:
        raise UnsafeTarget(
            f"{path.parent} is a file, not a folder, so {path.name} cannot be written into it.",
            "Choose a file in a folder.",
            path=path,
        ) from None
    if stat.S_ISREG(info.st_mode):
        return path
    if stat.S_ISLNK(info.st_mode):
        what = "a link to another place"
    elif stat.S_ISDIR(info.st_mode):
        what = "a folder"
    elif stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode):
        what = "a device"
    else:
        what = "a special file (not a normal file)"
    raise UnsafeTarget(
        f"{path} is {what}, so it was not replaced.", "Choose the name of a normal file (new or existing).", path=path
    )


@contextlib.contextmanager
def replacing(target: Path | str, *, make_folders: bool = True, suffix: str = PART_SUFFIX) -> Iterator[Path]:
    """A new, empty temporary file beside ``target`` for writing by name (for a program such as
    Chromium that takes an output path); when the block ends without an error the file is synced
    and takes ``target``'s place. On an error it is removed and ``target`` is left as it was.
    """
    target = check_target(target)
    folder = target.parent
    if make_folders:
        _make_folders(folder, target)
    handle, name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=suffix)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        _publish(temporary, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if error.filename is None:  # a full disk on write(): say which file could not be written
            raise OSError(error.errno, error.strerror, str(target)) from error
        raise
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


@contextlib.contextmanager
def atomic_write(
    target: Path | str,
    *,
    binary: bool = False,
    encoding: str = "utf-8",
    newline: str | None = None,
    make_folders: bool = True,
) -> Iterator[IO[Any]]:
    """A stream to write ``target`` through; the file appears whole when the block ends, or not at
    all when it raises. ``binary`` gives a bytes stream; otherwise text in ``encoding`` (use
    ``utf-8-sig`` for a spreadsheet's byte order mark and ``newline=""`` for CSV)."""
    with replacing(target, make_folders=make_folders) as temporary:
        mode = "wb" if binary else "w"
        with open(temporary, mode, **({} if binary else {"encoding": encoding, "newline": newline})) as stream:
            yield stream


def write_bytes(target: Path | str, data: bytes, *, make_folders: bool = True) -> Path:
    """Write ``data`` to ``target`` atomically; returns the target."""
    with atomic_write(target, binary=True, make_folders=make_folders) as stream:
        stream.write(data)
    return Path(target)


def write_text(target: Path | str, text: str, *, encoding: str = "utf-8", make_folders: bool = True) -> Path:
    """Write ``text`` to ``target`` atomically (newlines as given); returns the target."""
    with atomic_write(target, encoding=encoding, newline="", make_folders=make_folders) as stream:
        stream.write(text)
    return Path(target)


def _make_folders(folder: Path, target: Path) -> None:
    """Create the missing folders; a path where no folder can be (a file in the way, a place
    like /proc) is the caller's choice to correct, so it raises ``UnsafeTarget``. Storage trouble
    (full, read-only, no permission) stays an ``OSError``."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):  # a file (or a link to one) stands where a folder is needed
        raise UnsafeTarget(
            f"{folder} is not a folder, so {target.name} cannot be written into it.",
            "Choose a file in a folder.",
            path=target,
        ) from None
    except FileNotFoundError:  # a place where folders cannot be made, such as /proc
        raise UnsafeTarget(
            f"The folder {folder} cannot be made there.",
            "Choose a folder that exists, or one on the kiosk's or a USB stick's storage.",
            path=target,
        ) from None


def _publish(temporary: Path, target: Path) -> None:
    """Sync ``temporary``, give it the right permissions, and move it over ``target``."""
    os.chmod(temporary, _mode_for(target))
    with open(temporary, "rb+") as stream:
        os.fsync(stream.fileno())
    check_target(target)  # again, right before: something may have appeared there meanwhile
    os.replace(temporary, target)
    sync_folder(target.parent)


def _mode_for(target: Path) -> int:
    """The replaced file's own permissions, or what ``open()`` gives a new file."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux /proc):
    ``os.umask`` can only be read by setting it, which races with other threads."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current


def sync_folder(folder: Path) -> None:
    """Make the new name durable (POSIX); a system that cannot open folders skips it."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
