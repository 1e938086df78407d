"""A worker's help call on every kiosk of the workshop and on a coach's laptop (hub schema 3).

The kiosk's own call (the overlay with the step's picture and the soft signal) works without the
hub; this module only tells the workshop. Why it is built this way:

* **The kiosk never waits on the hub.** ``HelpCallHub.raise_call`` and ``clear_call`` put the call
  in an outbox and return; a thread of its own sends it. While the hub cannot be reached the outbox
  keeps it (a call cleared before it was ever sent is never sent), and it goes out when the hub is
  back.
* **Push, not polling.** The hub's trigger NOTIFYs the workshop's channel when a call is raised or
  cleared; each kiosk's ``HubListener`` then reads the open calls (through row-level security, so
  another workshop never sees them) and hands them to ``on_change``. A call thus appears elsewhere
  within a fraction of a second (``bench/hub.py`` measures it).
* **Idempotent.** A call's UUID is made on the kiosk: sending it twice changes nothing, and a
  clearing is an ``UPDATE ... WHERE cleared_at IS NULL``, so the first clearing (on any kiosk or the
  coach's laptop) is the one kept.
* **Calls left behind** by a kiosk that was switched off mid-call are cleared by that kiosk when it
  starts again (``cleared_by`` = ``restart``), and a call older than ``OPEN_FOR`` is not shown.
* **Hooks** (docs/hub.md, "A lamp or buzzer"): ``command_hook`` runs a command of the workshop's
  choice when a call appears or is cleared anywhere, e.g. a Raspberry Pi's GPIO lamp with gpiozero.
"""

from __future__ import annotations

import logging
import os
import queue
import shlex
import subprocess
import threading
import time
import uuid as uuidlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Sequence

import psycopg

from kiosk.hub.errors import HubError, connect, hub_errors
from kiosk.hub.listen import HELP, HubListener
from kiosk.hub.sync import my_workshop

log = logging.getLogger(__name__)

#: A call open longer than this is taken as left behind (a kiosk switched off mid-call) and not shown.
OPEN_FOR = timedelta(hours=8)

_OPEN_CALLS = (
    "SELECT uuid::text, person_uuid::text, person_name, device_uuid::text, kiosk_name, pack_title, step_number, "
    "step_count, raised_at, now() FROM hub.help_calls "
    "WHERE cleared_at IS NULL AND raised_at > now() - %s ORDER BY raised_at, uuid"
)


@dataclass(frozen=True)
class HelpCall:
    """One open call: who, on which kiosk, at which task and step, since when (the hub's clock)."""

    uuid: str
    person_uuid: str | None
    person_name: str
    device_uuid: str
    kiosk_name: str
    pack_title: str | None
    step_number: int | None
    step_count: int | None
    raised_at: datetime
    read_at: datetime  # the hub's clock when the call was read: waiting time = read_at - raised_at

    def waited_s(self, now: datetime | None = None) -> float:
        """Seconds the worker has waited (by the hub's clock when ``now`` is not given)."""
        return max(0.0, ((now or self.read_at) - self.raised_at).total_seconds())

    def where(self) -> str:
        """``Wash hands, step 4 of 9`` (or just the task, or nothing)."""
        if not self.pack_title:
            return ""
        if self.step_number is None:
            return self.pack_title
        of = f" of {self.step_count}" if self.step_count else ""
        return f"{self.pack_title}, step {self.step_number}{of}"


def open_calls(conn: psycopg.Connection) -> list[HelpCall]:
    """The workshop's open calls, oldest first (row-level security keeps them to the workshop)."""
    return [HelpCall(*row) for row in conn.execute(_OPEN_CALLS, (OPEN_FOR,))]


def raise_call(
    conn: psycopg.Connection,
    call_uuid: str,
    *,
    device_uuid: str,
    kiosk_name: str,
    person_uuid: str | None = None,
    person_name: str = "",
    pack_title: str | None = None,
    step_number: int | None = None,
    step_count: int | None = None,
    age_s: float = 0.0,
) -> bool:
    """Put a call on the hub (True: it is new there). ``age_s``: how long ago it was raised on the
    kiosk (a call that waited in the outbox keeps its real waiting time, by the hub's clock)."""
    workshop = my_workshop(conn, "")
    cursor = conn.execute(
        "INSERT INTO hub.help_calls (workshop, uuid, person_uuid, person_name, device_uuid, kiosk_name, pack_title, "
        "step_number, step_count, raised_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, now() - make_interval(secs => %s)) ON CONFLICT DO NOTHING",
        (
            workshop,
            call_uuid,
            person_uuid,
            person_name,
            device_uuid,
            kiosk_name,
            pack_title,
            step_number,
            step_count,
            max(0.0, float(age_s)),
        ),
    )
    return cursor.rowcount == 1


def clear_call(conn: psycopg.Connection, call_uuid: str, cleared_by: str) -> bool:
    """Clear a call (True: it was open). The first clearing anywhere is the one kept."""
    cursor = conn.execute(
        "UPDATE hub.help_calls SET cleared_at = now(), cleared_by = %s WHERE uuid = %s AND cleared_at IS NULL",
        (cleared_by, call_uuid),
    )
    return cursor.rowcount > 0


def clear_left_behind(conn: psycopg.Connection, device_uuid: str, keep: Sequence[str] = ()) -> int:
    """Clear this kiosk's calls from before it (re)started, except ``keep`` (calls it still has)."""
    cursor = conn.execute(
        "UPDATE hub.help_calls SET cleared_at = now(), cleared_by = 'restart' "
        "WHERE device_uuid = %s AND cleared_at IS NULL AND NOT (uuid = ANY(%s::uuid[]))",
        (device_uuid, list(keep)),
    )
    return cursor.rowcount


def command_hook(command: str) -> Callable[[str, HelpCall], None]:
    """A hook that runs ``command`` with ``KIOSK_HELP_EVENT`` (``call`` or ``clear``) and the call in
    ``KIOSK_HELP_*`` variables, in the background (the hook never holds anything up; its output goes
    to the log). For a lamp or buzzer on a Raspberry Pi's GPIO pins: docs/hub.md."""
    words = shlex.split(command)
    if not words:
        raise ValueError("the help-call command is empty")

    def run(event: str, call: HelpCall) -> None:
        env = dict(os.environ)
        env.update(
            KIOSK_HELP_EVENT=event,
            KIOSK_HELP_ID=call.uuid,
            KIOSK_HELP_PERSON=call.person_name,
            KIOSK_HELP_KIOSK=call.kiosk_name,
            KIOSK_HELP_WHERE=call.where(),
        )
        try:
            subprocess.Popen(  # noqa: S603 - the workshop's own command, from its own configuration
                words, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        except OSError as error:
            log.warning("The help-call command %r could not be run: %s", command, error)

    return run


@dataclass
class _Outgoing:
    kind: str  # "raise" or "clear"
    call_uuid: str
    fields: dict[str, Any]
    raised_monotonic: float


class HelpCallHub:
    """A kiosk's help calls on the hub, and the calls of the workshop's other kiosks.

    ``raise_call(...)`` -> the call's UUID at once; ``clear_call(uuid)``; ``calls()`` the open calls
    last read; ``on_change(calls)`` (on a background thread) whenever they change; ``hook(event,
    call)`` for each call that appears (``call``) or goes (``clear``), on this kiosk or elsewhere.
    """

    def __init__(
        self,
        hub_url: str,
        *,
        device_uuid: str,
        kiosk_name: str,
        on_change: Callable[[list[HelpCall]], None] | None = None,
        hook: Callable[[str, HelpCall], None] | None = None,
        listener: HubListener | None = None,
        retry_s: float = 2.0,
    ) -> None:
        self.hub_url = hub_url
        self.device_uuid = device_uuid
        self.kiosk_name = kiosk_name
        self.on_change = on_change
        self.hook = hook
        self.retry_s = retry_s
        self._own_listener = listener is None
        self.listener = listener or HubListener(hub_url)
        self._outbox: queue.Queue[_Outgoing | None] = queue.Queue()
        self._pending: list[_Outgoing] = []
        self._lock = threading.Lock()
        self._calls: list[HelpCall] = []
        self._mine: set[str] = set()  # calls raised here and not cleared
        self._refresh = threading.Event()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self.last_error: str | None = None
        self._conn: psycopg.Connection | None = None
        self._conn_lock = threading.Lock()

    # -- the kiosk's side ---------------------------------------------------------------------

    def start(self) -> None:
        """Start sending this kiosk's calls and reading the workshop's; returns at once."""
        self.start_reading()
        self._start_thread("hub-help-send", self._send_loop)

    def start_reading(self) -> None:
        """Only read the workshop's calls (a coach's laptop: ``kiosk hub help-calls``)."""
        self.listener.subscribe(self._notified, self._refresh.set)
        if self._own_listener:
            self.listener.start()
        self._start_thread("hub-help-read", self._read_loop)

    def _start_thread(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self, timeout: float = 5.0) -> bool:
        self._stopping.set()
        self._outbox.put(None)
        self._refresh.set()
        stopped = not self._own_listener or self.listener.stop(timeout)
        for thread in self._threads:
            thread.join(timeout)
        with self._conn_lock:
            self._drop()
        return stopped and not any(thread.is_alive() for thread in self._threads)

    def raise_call(
        self,
        *,
        person_uuid: str | None,
        person_name: str,
        pack_title: str | None = None,
        step_number: int | None = None,
        step_count: int | None = None,
    ) -> str:
        """Tell the workshop that a worker here needs help; returns the call's id at once."""
        call_uuid = str(uuidlib.uuid4())
        fields = dict(
            person_uuid=person_uuid,
            person_name=person_name,
            pack_title=pack_title,
            step_number=step_number,
            step_count=step_count,
        )
        with self._lock:
            self._mine.add(call_uuid)
        self._outbox.put(_Outgoing("raise", call_uuid, fields, time.monotonic()))
        return call_uuid

    def clear_call(self, call_uuid: str, cleared_by: str | None = None) -> None:
        """A coach answered the call (here or, for another kiosk's call, from this kiosk)."""
        with self._lock:
            self._mine.discard(call_uuid)
            gone = [call for call in self._calls if call.uuid == call_uuid]
            self._calls = [call for call in self._calls if call.uuid != call_uuid]
            calls = list(self._calls)
        self._outbox.put(_Outgoing("clear", call_uuid, {"by": cleared_by or self.kiosk_name}, time.monotonic()))
        for call in gone:  # known here already: the lamp goes off now, not after the hub's echo
            if self.hook is not None:
                self.hook("clear", call)
            if self.on_change is not None:
                self.on_change(calls)

    def already_shown(self, calls: list[HelpCall]) -> None:
        """Calls the caller has shown already: the first read reports only what changed since."""
        with self._lock:
            self._calls = list(calls)

    def calls(self) -> list[HelpCall]:
        """The open calls of the workshop as last read (this kiosk's own included)."""
        with self._lock:
            return list(self._calls)

    def others(self) -> list[HelpCall]:
        """The open calls of the workshop's other kiosks."""
        return [call for call in self.calls() if call.device_uuid != self.device_uuid]

    # -- threads ------------------------------------------------------------------------------

    def _notified(self, payload: str) -> None:
        if payload == HELP:
            self._refresh.set()

    def _connection(self) -> psycopg.Connection:
        """The one connection the sender and the reader share (a kiosk holds three in all: this,
        the listener's and the sync's; psycopg serialises the two threads' statements on it)."""
        with self._conn_lock:
            if self._conn is None or self._conn.closed or self._conn.broken:
                self._drop()
                self._conn = connect(self.hub_url, autocommit=True)
            return self._conn

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - closing after a failure
                pass

    def _send_loop(self) -> None:
        cleaned_up = False
        while not self._stopping.is_set():
            try:
                item = self._outbox.get(timeout=self.retry_s if self._pending or not cleaned_up else None)
            except queue.Empty:
                item = None
            else:
                if item is None and self._stopping.is_set():
                    break
            if item is not None:
                self._pending.append(item)
            self._pending = _without_cancelled(self._pending)
            if not self._pending and cleaned_up:
                continue
            try:
                with hub_errors(self.hub_url):
                    conn = self._connection()
                    if not cleaned_up:
                        with self._lock:
                            mine = list(self._mine)
                        clear_left_behind(conn, self.device_uuid, mine)
                        cleaned_up = True
                    while self._pending:
                        self._send(conn, self._pending[0])
                        self._pending.pop(0)
                self.last_error = None
            except Exception as error:  # noqa: BLE001 - kept in the outbox, sent when the hub is back
                self.last_error = error.message if isinstance(error, HubError) else f"{type(error).__name__}: {error}"
                log.info("Help call not sent yet: %s", self.last_error)
                with self._conn_lock:
                    self._drop()

    def _send(self, conn: psycopg.Connection, item: _Outgoing) -> None:
        if item.kind == "raise":
            raise_call(
                conn,
                item.call_uuid,
                device_uuid=self.device_uuid,
                kiosk_name=self.kiosk_name,
                age_s=time.monotonic() - item.raised_monotonic,
                **item.fields,
            )
        else:
            clear_call(conn, item.call_uuid, str(item.fields["by"]))

    def _read_loop(self) -> None:
        while not self._stopping.is_set():
            self._refresh.wait()
            self._refresh.clear()
            if self._stopping.is_set():
                break
            try:
                with hub_errors(self.hub_url):
                    calls = open_calls(self._connection())
            except Exception as error:  # noqa: BLE001 - the listener reconnects and asks again
                log.info("Open help calls not read: %s", error)
                with self._conn_lock:
                    self._drop()
                self._stopping.wait(1.0)
                if self.listener.connected:
                    self._refresh.set()
                continue
            self._publish(calls)

    def _publish(self, calls: list[HelpCall]) -> None:
        with self._lock:
            # a clearing still in the outbox wins over what the hub said a moment ago
            clearing = {item.call_uuid for item in list(self._pending) if item.kind == "clear"}
            calls = [call for call in calls if call.uuid not in clearing]
            before = {call.uuid: call for call in self._calls}
            self._calls = calls
        after = {call.uuid: call for call in calls}
        if self.hook is not None:
            for call_uuid, call in after.items():
                if call_uuid not in before:
                    self.hook("call", call)
            for call_uuid, call in before.items():
                if call_uuid not in after:
                    self.hook("clear", call)
        if self.on_change is not None and set(before) != set(after):
            try:
                self.on_change(list(calls))
            except Exception:  # noqa: BLE001 - a screen's bug must not stop the calls
                log.exception("The help-call listener's callback failed")


def _without_cancelled(pending: list[_Outgoing]) -> list[_Outgoing]:
    """A call raised and cleared before either was sent need not reach the hub at all."""
    cleared = {item.call_uuid for item in pending if item.kind == "clear"}
    raised = {item.call_uuid for item in pending if item.kind == "raise"}
    both = cleared & raised
    return [item for item in pending if item.call_uuid not in both]
