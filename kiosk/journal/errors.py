"""``JournalError``: what went wrong with the journal's storage, in words a trainer can act on.

SQLite reports storage trouble as terse messages ("database or disk is full"). The kiosk keeps
showing steps when saving fails, and the trainer sees the message and hint from here, so both are
plain words about the device, not about SQLite.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Iterator


class JournalError(Exception):
    """The journal could not be read or written. ``message`` says what, ``hint`` what to do."""

    def __init__(self, message: str, hint: str, *, path: Path | None = None) -> None:
        super().__init__(f"{message} {hint}")
        self.message = message
        self.hint = hint
        self.path = path


def _folder_is_read_only(folder: Path) -> bool:
    """True when the folder exists but cannot be written (permissions, read-only medium): SQLite
    then only says it is "unable to open" the file."""
    return folder.is_dir() and not os.access(folder, os.W_OK)


def describe(error: BaseException, path: Path) -> JournalError:
    """A ``JournalError`` for an SQLite or file-system error met while using the journal at ``path``."""
    text = str(error).lower()
    folder = path.parent
    if "disk is full" in text or "database or disk is full" in text or getattr(error, "errno", None) == 28:
        return JournalError(
            "The kiosk could not save: the storage is full.",
            f"Free some space on this device (for example old exports or photos in {folder}), then try again.",
            path=path,
        )
    if "readonly" in text or "read-only" in text or isinstance(error, PermissionError) or _folder_is_read_only(folder):
        return JournalError(
            "The kiosk could not save: its journal is read-only.",
            f"Make sure the data folder {folder} can be written to (file permissions, or a write-protected "
            "USB stick or SD card).",
            path=path,
        )
    if "unable to open" in text or isinstance(
        error, (FileNotFoundError, FileExistsError, NotADirectoryError, IsADirectoryError)
    ):
        return JournalError(
            f"The kiosk could not open its journal {path}.",
            "Check that the data folder exists, is a folder, and can be written to.",
            path=path,
        )
    if "locked" in text or "busy" in text:
        return JournalError(
            "The journal is busy: another program is using it.",
            "Close other kiosk windows or programs that use this data folder, then try again.",
            path=path,
        )
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return JournalError(
            f"The journal file {path} is damaged.",
            "Keep a copy of the file and ask for help restoring it from a backup.",
            path=path,
        )
    if "i/o error" in text or isinstance(error, OSError):
        return JournalError(
            "The storage reported an error while the kiosk was saving.",
            "The USB stick or SD card may be failing or was removed; check it, then restart the kiosk.",
            path=path,
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
