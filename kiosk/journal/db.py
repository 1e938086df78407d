"""One SQLite connection set up for durability, and the migrations that bring a file up to date.

Why these settings (docs/journal.md says more):

* ``journal_mode=WAL``: a commit appends to the write-ahead log instead of rewriting pages in place,
  so a crash at any moment leaves either the old or the new state; readers (a progress view on
  another connection) never block the writer and see only committed data.
* ``synchronous=FULL``: the log is fsync'ed at every commit, so a commit that returned survives a
  power cut, not only a program crash. (WAL's default, NORMAL, may lose the last commits.)
* ``fullfsync``: on macOS a plain fsync only reaches the drive's cache; F_FULLFSYNC reaches the medium.
  Elsewhere it is a no-op.
* ``foreign_keys=ON``: events cannot point at missing runs, and deleting a person cascades.
* ``busy_timeout``: a second connection (a reader starting, a checkpoint) waits instead of failing.
* ``secure_delete=ON``: deleted rows are overwritten with zeros, so a person's deleted data does not
  linger in free pages of the file.

The connection runs in autocommit mode: a single statement is its own transaction and is committed
(and fsync'ed) before ``execute`` returns; several statements go in ``transaction()``.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any, Iterator, Sequence

from kiosk.journal.errors import JournalError, describe, storage_errors
from kiosk.journal.schema import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_MS = 5000

_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA synchronous = FULL",
    "PRAGMA fullfsync = ON",
    "PRAGMA checkpoint_fullfsync = ON",
    "PRAGMA secure_delete = ON",
    "PRAGMA trusted_schema = OFF",
    "PRAGMA cache_size = -16000",  # 16 MB: a worker's year of progress stays in memory
)

Params = Sequence[Any]


class Database:
    """An open journal file: durable writes, reads, transactions, and plain-words errors.

    Like ``sqlite3.Connection`` it belongs to the thread that opened it; another thread opens its
    own ``Database`` (WAL lets it read while this one writes).
    """

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True) -> "Database":
        """Open and migrate the journal at ``path``; a missing file is created only when ``create``.

        An existing file that is not a whole SQLite database (empty, truncated, overwritten) raises
        ``JournalError(kind="damaged")`` *before* SQLite touches it: SQLite would take a 0-byte
        file for a new, empty journal and write a fresh one over it, losing the trainer PIN
        and every record without a word.
        """
        path = Path(path)
        with storage_errors(path):
            if path.exists():
                check_file_header(path)
            elif not create:
                raise _missing(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        database = cls(connection, path)
        try:
            with storage_errors(path):
                for pragma in _PRAGMAS:
                    connection.execute(pragma)
                mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise JournalError(
                        f"The journal {path} cannot use safe saving (write-ahead log).",
                        "Put the data folder on a local disk, USB stick or SD card, not a network share.",
                        path=path,
                    )
            database.migrate()
        except BaseException:
            connection.close()
            raise
        return database

    @classmethod
    def open_in_memory(cls) -> "Database":
        """A journal that lives in memory only: the kiosk's last resort when no journal file can be
        read, so a worker can still go through steps (nothing is kept; trainer mode stays closed)."""
        connection = sqlite3.connect(":memory:", isolation_level=None)
        connection.execute("PRAGMA foreign_keys = ON")
        database = cls(connection, Path(":memory:"))
        database.migrate()
        return database

    @classmethod
    def open_read_only(cls, path: Path | str) -> "Database":
        """Open an existing journal for reading only: never created, never migrated, never written.

        For commands that only read (lists, exports, reports) and for a kiosk whose storage has
        become read-only or full. SQLite's ``mode=ro`` still needs to create the ``-shm`` file of
        a WAL journal; on a write-protected medium that fails, and ``immutable=1`` (no locking,
        the file must not change while open: nothing can write it there) is used instead.
        """
        path = Path(path)
        with storage_errors(path):
            if not path.exists():
                raise _missing(path)
            check_file_header(path)
        last_error: BaseException | None = None
        for options in ("mode=ro", "mode=ro&immutable=1"):
            uri = f"{path.absolute().as_uri()}?{options}"
            try:
                connection = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
            except sqlite3.Error as error:
                last_error = error
                continue
            try:
                with storage_errors(path):
                    connection.execute("PRAGMA foreign_keys = ON")
                    connection.execute("PRAGMA trusted_schema = OFF")
                    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                    database = cls(connection, path)
                    version = database.schema_version  # reads the schema: fails here when damaged
            except JournalError as error:
                connection.close()
                if error.kind in ("damaged", "newer"):
                    raise
                last_error = error
                continue
            if version != SCHEMA_VERSION:
                connection.close()
                raise _wrong_version(path, version)
            return database
        assert last_error is not None
        if isinstance(last_error, JournalError):
            raise last_error
        raise describe(last_error, path) from last_error

    @property
    def schema_version(self) -> int:
        return int(self.read_one("PRAGMA user_version")[0])

    def migrate(self) -> None:
        """Run the migrations this file has not had yet, each atomically with its version bump."""
        with storage_errors(self.path):
            while True:
                with self.transaction():
                    version = self.schema_version  # read under the write lock: a second opener waits
                    if version > SCHEMA_VERSION:
                        raise _wrong_version(self.path, version)
                    if version == SCHEMA_VERSION:
                        return
                    MIGRATIONS[version](self.connection)
                    self.connection.execute(f"PRAGMA user_version = {version + 1}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Several statements committed together (BEGIN IMMEDIATE takes the write lock up front,
        so the transaction cannot fail half-way on a lock upgrade)."""
        with storage_errors(self.path):
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                if self.connection.in_transaction:
                    self.connection.execute("ROLLBACK")
                raise
            else:
                try:
                    self.connection.execute("COMMIT")
                except BaseException:
                    if self.connection.in_transaction:
                        self.connection.execute("ROLLBACK")
                    raise

    def write(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        """One statement as its own transaction: durable when this returns."""
        with storage_errors(self.path):
            return self.connection.execute(sql, params)

    def read(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        with storage_errors(self.path):
            return self.connection.execute(sql, params).fetchall()

    def read_one(self, sql: str, params: Params = ()) -> tuple[Any, ...] | None:
        with storage_errors(self.path):
            return self.connection.execute(sql, params).fetchone()

    def iterate(self, sql: str, params: Params = (), batch: int = 2000) -> Iterator[tuple[Any, ...]]:
        """Rows one batch at a time, for exports that must not hold the whole journal in memory."""
        with storage_errors(self.path):
            cursor = self.connection.execute(sql, params)
            while rows := cursor.fetchmany(batch):
                yield from rows

    def checkpoint_and_truncate(self) -> bool:
        """Copy the write-ahead log into the main file and empty it (old page images included).
        False when another connection was reading and the log could not be emptied yet."""
        with storage_errors(self.path):
            busy, _, _ = self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return busy == 0

    def vacuum(self) -> None:
        """Rewrite the file without free pages (nothing deleted survives in them)."""
        with storage_errors(self.path):
            self.connection.execute("VACUUM")

    def close(self) -> None:
        with storage_errors(self.path):
            self.connection.close()


SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100


def check_file_header(path: Path) -> None:
    """Raise ``JournalError(kind="damaged")`` unless ``path`` starts like a whole SQLite file.

    Checks the 100-byte header: the magic string, a power-of-two page size, and (when the header's
    page count is current, as SQLite marks it) a file at least that long. Cheap (one read of 100
    bytes), so it runs at every open; deeper damage shows as "malformed" on first use.
    """
    with open(path, "rb") as handle:
        header = handle.read(HEADER_BYTES)
    size = path.stat().st_size
    problem = None
    if size == 0:
        problem = "it is empty (0 bytes)"
    elif len(header) < HEADER_BYTES or not header.startswith(SQLITE_MAGIC):
        problem = "it is not a journal file"
    else:
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(header[28:32], "big")
        change_counter = int.from_bytes(header[24:28], "big")
        valid_for = int.from_bytes(header[92:96], "big")
        if page_size < 512 or page_size & (page_size - 1):
            problem = "its header is damaged"
        elif pages and valid_for == change_counter and size < pages * page_size:
            problem = f"it is cut short ({size:,} of {pages * page_size:,} bytes)"
    if problem is not None:
        raise JournalError(
            f"The journal file {path} is damaged: {problem}.",
            "Nothing was written to it. The kiosk keeps it aside and starts a new journal; "
            "ask for help restoring it from a backup.",
            path=path,
            kind="damaged",
        )


def _missing(path: Path) -> JournalError:
    return JournalError(
        f"There is no journal at {path} yet.",
        "Start the kiosk once on this data folder (kiosk run), or give the right folder with --data.",
        path=path,
        kind="missing",
    )


def _wrong_version(path: Path, version: int) -> JournalError:
    if version > SCHEMA_VERSION:
        return JournalError(
            f"The journal {path} was written by a newer Step Kiosk "
            f"(journal version {version}, this program knows up to {SCHEMA_VERSION}).",
            "Update Step Kiosk on this device; the journal was not changed.",
            path=path,
            kind="newer",
        )
    return JournalError(
        f"The journal {path} is from an older Step Kiosk (journal version {version}).",
        "Start the kiosk once on this data folder to bring it up to date; it was not changed.",
        path=path,
        kind="other",
    )
