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

from kiosk.journal.errors import JournalError, storage_errors
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
    def open(cls, path: Path | str) -> "Database":
        """Open (creating if needed) and migrate the journal at ``path``."""
        path = Path(path)
        with storage_errors(path):
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

    @property
    def schema_version(self) -> int:
        return int(self.read_one("PRAGMA user_version")[0])

    def migrate(self) -> None:
        """Run the migrations this file has not had yet, each atomically with its version bump."""
        with storage_errors(self.path):
            while True:
                with self.transaction():
                    version = self.schema_version   # read under the write lock: a second opener waits
                    if version > SCHEMA_VERSION:
                        raise JournalError(
                            f"The journal {self.path} was written by a newer Step Kiosk "
                            f"(journal version {version}, this program knows up to {SCHEMA_VERSION}).",
                            "Update Step Kiosk on this device; the journal was not changed.",
                            path=self.path,
                        )
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
