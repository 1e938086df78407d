"""Push from the hub: one thread per kiosk (or coach's laptop) LISTENs on its workshop's channel.

Why LISTEN/NOTIFY and not a faster poll: a help call must reach every kiosk of the workshop within
two seconds, and twenty kiosks polling every second would keep the hub busy for nothing all day.
PostgreSQL's own triggers (hub schemas 3 and 4) send a notification when a workshop's people,
settings, photos, merges, deletions, help calls or runs change; the payload names only what changed
(``people``, ``help``, ``runs``), never a person, because any member may LISTEN on any channel. The listener then reads
the rows themselves, through row-level security.

The listener keeps one autocommit connection of its own and tells its subscribers:

* ``on_notify(payload)`` for every notification (``people``, ``help``, ``runs``);
* ``on_connect()`` after every (re)connection: notifications sent while it was away are lost, so a
  subscriber reads the current state then (the help calls that are open, a sync round).

When the hub cannot be reached, it tries again after ``min_backoff_s`` doubling up to
``max_backoff_s`` (with jitter); ``stop()`` returns within ``poll_s``. Kivy-free; callbacks run on
the listener's thread and must hand anything for a screen to the UI thread themselves.
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
from typing import Callable

import psycopg
from psycopg import sql

from kiosk.hub.errors import HubError, connect, hub_errors
from kiosk.hub.sync import my_workshop

log = logging.getLogger(__name__)

PEOPLE = "people"
HELP = "help"
RUNS = "runs"  # another kiosk of the workshop sent runs (hub schema 4): pull them


def channel_for(workshop: str) -> str:
    """The workshop's channel: the same text as the hub's ``hub.channel(workshop)``."""
    return "step_kiosk_" + hashlib.md5(workshop.encode("utf-8")).hexdigest()[:16]  # noqa: S324 - a name, not a secret


Notify = Callable[[str], None]
Connected = Callable[[], None]


class HubListener:
    """``subscribe(on_notify, on_connect)``, ``start()``, ``stop()``; ``connected`` says whether it
    is listening right now and ``last_error`` why not (one sentence)."""

    def __init__(
        self,
        hub_url: str,
        *,
        min_backoff_s: float = 1.0,
        max_backoff_s: float = 60.0,
        poll_s: float = 0.5,
    ) -> None:
        self.hub_url = hub_url
        self.min_backoff_s = min_backoff_s
        self.max_backoff_s = max_backoff_s
        self.poll_s = poll_s
        self.connected = False
        self.last_error: str | None = None
        self.workshop: str | None = None
        self._subscribers: list[tuple[Notify | None, Connected | None]] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def subscribe(self, on_notify: Notify | None = None, on_connect: Connected | None = None) -> None:
        with self._lock:
            self._subscribers.append((on_notify, on_connect))
        if on_connect is not None and self.connected:
            self._call(on_connect)

    def start(self) -> None:
        """Listen in the background; returns at once."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name="hub-listen", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop listening; True when the thread has ended within ``timeout``."""
        self._stopping.set()
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    def _loop(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            conn: psycopg.Connection | None = None
            try:
                with hub_errors(self.hub_url):
                    conn = connect(self.hub_url, autocommit=True)
                    self.workshop = my_workshop(conn, self.hub_url)
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel_for(self.workshop))))
                    self.connected, self.last_error, failures = True, None, 0
                    for _, on_connect in self._snapshot():
                        if on_connect is not None:
                            self._call(on_connect)
                    while not self._stopping.is_set():
                        for note in conn.notifies(timeout=self.poll_s):
                            for on_notify, _ in self._snapshot():
                                if on_notify is not None:
                                    self._call(on_notify, note.payload)
                        if conn.closed or conn.broken:
                            raise HubError("The connection to the hub was lost.", reachable=False)
            except Exception as error:  # noqa: BLE001 - the kiosk goes on; retried after a pause
                self.connected = False
                self.last_error = error.message if isinstance(error, HubError) else f"{type(error).__name__}: {error}"
                failures += 1
                log.info("Hub listener: %s", self.last_error)
            finally:
                self.connected = False
                if conn is not None:
                    try:
                        conn.close()
                    except Exception:  # noqa: BLE001 - closing after a failure
                        pass
            if self._stopping.is_set():
                break
            delay = min(self.max_backoff_s, self.min_backoff_s * 2 ** min(max(failures - 1, 0), 20))
            self._stopping.wait(delay * random.uniform(0.75, 1.0))

    def _snapshot(self) -> list[tuple[Notify | None, Connected | None]]:
        with self._lock:
            return list(self._subscribers)

    @staticmethod
    def _call(callback: Callable[..., None], *args: str) -> None:
        try:
            callback(*args)
        except Exception:  # noqa: BLE001 - a subscriber's bug must not stop the listening
            log.exception("A hub listener's subscriber failed")
