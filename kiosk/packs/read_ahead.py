"""Reading and hashing a new pack's pictures on every core, ahead of the loader.

A first scan must read and sha256 every picture of a pack before the pack can be trusted: the
digests name the display copies and make the pack's content hash. For a pack of 200 phone photos
that is 0.9 GB and 0.8 s on one core, most of the time from the scan's start to the pack's tile
(issue 20: the tile within 1 s of the scan). Both halves release the GIL (a file read, and
``hashlib`` on a buffer above 2 KiB), so on a few threads they run side by side on the cores.

The loader still takes the pictures one by one in step order and reports each problem exactly as
before (``take`` hands back the read's ``OSError`` to report); only the reading runs ahead, and
only a bounded number of files at a time, so memory stays at a few pictures whatever the pack.
The threads are made per pack by the thread that loads it, so they inherit its priority (the
kiosk's scan runs behind the UI: ``kiosk.priority``). A small pack is read on the loader's own
thread, as before: threads would cost more than they save. While a pack is read ahead the
allocator may reuse the big blocks the files are read into (``images.reading_in_bulk``).
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from typing import Sequence

from kiosk.packs import images
from kiosk.packs.pack_files import PackFile

#: Below this many bytes of pictures a pack is read on the loader's thread alone.
MIN_BYTES = 8 * 1024 * 1024
#: Bytes being read ahead at most (at least one file, whatever its size).
WINDOW_BYTES = 96 * 1024 * 1024
#: Threads at most: more gains nothing once the cores or the disk are busy.
MAX_THREADS = 4

Read = tuple[bytes, str]  # a file's bytes and their sha256 (hex)


def threads_for(total_bytes: int) -> int:
    """How many threads to read ``total_bytes`` of pictures with (0: on the loader's thread)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if total_bytes < MIN_BYTES or cores < 2:
        return 0
    return min(MAX_THREADS, cores)


def read_and_hash(path: str) -> Read:
    with open(path, "rb") as stream:
        data = stream.read()
    return data, hashlib.sha256(data).hexdigest()


class ReadAhead:
    """Reads ``files`` (under ``root``) in their order on ``threads`` threads, a bounded window
    ahead of the caller. Use as a context manager; ``take`` each file in the same order."""

    def __init__(self, root: str, files: Sequence[PackFile], threads: int) -> None:
        self._root = root
        self._waiting: deque[PackFile] = deque(files)
        self._reading: deque[tuple[PackFile, Future[Read]]] = deque()
        self._bytes = 0
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="kiosk-read")
        self._held = ExitStack()  # what ``close`` ends (once, however often it is called)
        self._held.enter_context(images.reading_in_bulk())
        self._held.callback(self._pool.shutdown, wait=True)
        self._fill()

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._waiting.clear()
        for _file, future in self._reading:
            future.cancel()
        self._reading.clear()
        self._held.close()  # the threads end, then the allocator is put back

    @property
    def in_flight(self) -> int:
        """Files being read or read and not yet taken."""
        return len(self._reading)

    def take(self, pack_file: PackFile) -> Read | OSError | None:
        """The next file's bytes and digest, or the ``OSError`` its read raised; None when
        ``pack_file`` is not the next one planned (the caller then reads it itself)."""
        if not self._reading or self._reading[0][0] is not pack_file:
            return None
        _file, future = self._reading.popleft()
        self._bytes -= pack_file.size
        try:
            result: Read | OSError = future.result()
        except OSError as error:
            result = error
        self._fill()
        return result

    def _fill(self) -> None:
        while self._waiting and (not self._reading or self._bytes + self._waiting[0].size <= WINDOW_BYTES):
            pack_file = self._waiting.popleft()
            path = os.path.join(self._root, pack_file.relative)
            self._reading.append((pack_file, self._pool.submit(read_and_hash, path)))
            self._bytes += pack_file.size
