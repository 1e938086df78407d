"""``JournalError``: what went wrong with the journal's storage, in words a trainer can act on.

SQLite reports storage trouble as terse messages ("database or disk is full"). The kiosk keeps
showing steps when saving fails, and the trainer sees the message and hint from here, so both are
plain words about the device, not about SQLite.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Iterator


#: What kind of trouble a ``JournalError`` is, so callers can decide without parsing words:
#: the kiosk sets a damaged file aside, works on with a read-only one, and keeps trainer mode
#: closed while none can be read (docs/journal.md, "When storage fails").
KINDS = ("full", "read_only", "missing", "busy", "damaged", "newer", "io", "other")


class JournalError(Exception):
    """The journal could not be read or written. ``message`` says what, ``hint`` what to do,
    ``kind`` which of ``KINDS`` it is."""

    def __init__(self, message: str, hint: str, *, path: Path | None = None, kind: str = "other") -> None:
        super().__init__(f"{message} {hint}")
        self.message = message
        self.hint = hint
        self.path = path
        self.kind = kind if kind in KINDS else "other"


def _folder_is_read_only(folder: Path) -> bool:
    """True when the folder exists but cannot be written (permissions, read-only medium): SQLite
    then only says it is "unable to open" the file."""
    return folder.is_dir() and not os.access(folder, os.W_OK)


#: Below this much free space an I/O error is taken for a full disk: SQLite reports a failed
#: write to a full card as "disk I/O error" as often as "database or disk is full".
NEARLY_FULL_BYTES = 1 << 20


def _storage_is_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def describe(error: BaseException, path: Path) -> JournalError:
    """A ``JournalError`` for an SQLite or file-system error met while using the journal at ``path``."""
    text = str(error).lower()
    folder = path.parent
    io_error = "i/o error" in text or (isinstance(error, OSError) and not isinstance(error, PermissionError))
    if (
        "disk is full" in text
        or getattr(error, "errno", None) == errno.ENOSPC
        or (io_error and _storage_is_full(folder))
    ):
        return JournalError(
            "The kiosk could not save: the storage is full.",
            f"Free some space on this device (for example old exports or photos in {folder}), then try again.",
            path=path,
            kind="full",
        )
    if "readonly" in text or "read-only" in text or isinstance(error, PermissionError) or _folder_is_read_only(folder):
        return JournalError(
            "The kiosk could not save: its journal is read-only.",
            f"Make sure the data folder {folder} can be written to (file permissions, or a write-protected "
            "USB stick or SD card).",
            path=path,
            kind="read_only",
        )
    if "unable to open" in text or isinstance(
        error, (FileNotFoundError, FileExistsError, NotADirectoryError, IsADirectoryError)
    ):
        return JournalError(
            f"The kiosk could not open its journal {path}.",
            "Check that the data folder exists, is a folder, and can be written to.",
            path=path,
            kind="missing",
        )
    if "locked" in text or "busy" in text:
        return JournalError(
            "The journal is busy: another program is using it.",
            "Close other kiosk windows or programs that use this data folder, then try again.",
            path=path,
            kind="busy",
        )
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return JournalError(
            f"The journal file {path} is damaged.",
            "Keep a copy of the file and ask for help restoring it from a backup.",
            path=path,
            kind="damaged",
        )
    if "i/o error" in text or isinstance(error, OSError):
        return JournalError(
            "The storage reported an error while the kiosk was saving.",
            "The USB stick or SD card may be failing or was removed; check it, then restart the kiosk.",
            path=path,
            kind="io",
        )
    return JournalError(
        f"The journal could not be used ({error}).",
        "Restart the kiosk; if this keeps happening, keep a copy of the data folder and ask for help.",
        path=path,
    )


@contextlib.contextmanager
def storage_errors(path: Path) -> Iterator[None]:
    """Turn SQLite and file-system errors inside the block into ``JournalError``.

    Programming mistakes (``sqlite3.ProgrammingError``, constraint violations) pass through unchanged:
    they are bugs to fix, not storage trouble to report to a trainer.
    """
    try:
        yield
    except JournalError:
        raise
    except (sqlite3.ProgrammingError, sqlite3.IntegrityError, sqlite3.InterfaceError):
        raise
    except (sqlite3.OperationalError, sqlite3.DatabaseError, OSError) as error:
        raise describe(error, path) from error
