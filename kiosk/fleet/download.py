"""Download one published zip from the hub in chunks, resuming a cut download, and check its hash.

Why resume by chunk: a tablet on a workshop's Wi-Fi loses the connection now and then, and a video
pack is hundreds of MB. The download goes into ``<sha256>.part``; after a cut, the next try keeps
the whole chunks already there (the file is cut back to a chunk boundary) and asks the hub only for
the rest. Nothing in the ``.part`` is trusted: the sha256 of the whole file must equal the name the
hub gave it, or the file is deleted and the download refused (``Damaged``); a kiosk never unpacks
what it did not verify.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import psycopg

READ_BLOCK = 1024 * 1024


@dataclass
class Work:
    """What a poll cost: round trips, bytes from the hub, bytes hashed (the benchmark prints it; an
    unchanged kiosk must show no download and no hashing)."""

    queries: int = 0
    bytes_downloaded: int = 0
    bytes_hashed: int = 0
    chunks: int = 0
    seconds_download: float = 0.0  # fetching and verifying
    seconds_unpack: float = 0.0
    seconds_check: float = 0.0  # loading the new version (pictures prepared for the screen)


class Damaged(Exception):
    """The downloaded file's sha256 is not the one the hub names it by."""

    def __init__(self, expected: str, got: str) -> None:
        super().__init__(f"expected sha256 {expected[:12]}…, got {got[:12]}…")
        self.expected = expected
        self.got = got


@dataclass(frozen=True)
class Blob:
    sha256: str
    size: int
    chunk_size: int
    chunks: int


def download(
    conn: psycopg.Connection,
    blob: Blob,
    part: Path,
    work: Work,
    *,
    on_chunk: Callable[[int], None] | None = None,
) -> Path:
    """Bring ``blob`` into ``part`` (resuming), verify it, and return ``part``. Raises ``Damaged``
    (the part is deleted), ``psycopg.Error`` when the hub goes away (the part stays for the next
    try) and ``OSError`` when the kiosk's storage fails. ``on_chunk(n)`` after each chunk written."""
    part.parent.mkdir(parents=True, exist_ok=True)
    start = _resume_point(part, blob)
    with open(part, "ab") as sink:
        if start < blob.chunks:
            with conn.transaction(), conn.cursor(name=f"chunks_{blob.sha256[:16]}") as cursor:
                cursor.itersize = 8
                cursor.execute(
                    "SELECT n, data FROM hub.pack_chunks WHERE sha256 = %s AND n >= %s ORDER BY n",
                    (blob.sha256, start),
                )
                work.queries += 1
                expected = start
                for number, data in cursor:
                    if number != expected:
                        break  # a chunk is missing on the hub: the hash below refuses the file
                    sink.write(data)
                    work.bytes_downloaded += len(data)
                    work.chunks += 1
                    expected += 1
                    if on_chunk is not None:
                        sink.flush()
                        on_chunk(number)
        sink.flush()
        os.fsync(sink.fileno())
    got = hash_file(part, work)
    if got != blob.sha256:
        part.unlink(missing_ok=True)
        raise Damaged(blob.sha256, got)
    return part


def _resume_point(part: Path, blob: Blob) -> int:
    """The number of whole chunks already in ``part`` (cut back to that boundary)."""
    try:
        have = part.stat().st_size
    except FileNotFoundError:
        return 0
    if have == blob.size:
        return blob.chunks
    whole = min(have // blob.chunk_size, blob.chunks)
    if have != whole * blob.chunk_size:
        with open(part, "r+b") as stream:
            stream.truncate(whole * blob.chunk_size)
    return whole


def hash_file(path: Path, work: Work) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while block := stream.read(READ_BLOCK):
            digest.update(block)
            work.bytes_hashed += len(block)
    return digest.hexdigest()
