"""Offline-first sync between a kiosk's journal and the hub. Kivy-free; the kiosk never waits on it.

The journal stays the kiosk's own record: every step is durable in it before anything is sent, so
the hub being away (for minutes or for a week) loses nothing and blocks nothing. A round:

1. **Deletions from the hub**: every person the hub has a tombstone for is deleted here, like
   ``kiosk person delete`` (rows overwritten, log emptied, file vacuumed).
2. **Deletions from here**: people deleted on this kiosk are deleted on the hub
   (``hub.forget_person``), which keeps a tombstone for the other kiosks.
3. **Push**: this kiosk's device and people (an edit wins when its hybrid-logical-clock stamp is
   later: docs/hub.md), then ended runs with their step events, in batches, each batch one hub
   transaction. Every insert is ``ON CONFLICT DO NOTHING`` on the global id, so a batch sent twice
   (the kiosk killed after the hub committed, two rounds at once) changes nothing. Only after the
   hub committed a batch does the high-water mark (the setting ``hub.sync.run_mark``, a local run
   id) move; it never moves past a run that is still open, so a run is sent once it has ended,
   whole, and never changes on the hub afterwards.
4. **Pull**: the workshop's people with their photos, family PINs and settings, so a worker added
   on one kiosk (or on the hub) can work on every kiosk as the same person (the same UUID); then
   the summaries of the runs the other kiosks of the workshop sent since the last round
   (``hub.workshop_runs``, by a high-water mark on the inserting transaction; docs/hub.md), into the
   journal as those kiosks' runs (``Journal.import_runs``), so progress, mastery, the family view
   and the report count every kiosk's runs, offline too. A pulled run is never pushed back, exported
   or resumed here: only this kiosk's own runs are (the journal's ``OWN_RUN_SQL``).

Day plans and plan events follow the worker (``kiosk.hub.plans``): plans edited here go out after
the runs and the hub's newer ones come in after the settings, last writer wins like people; plan
events are pushed and pulled like runs, by their UUID and a transaction mark.

People, photos, family PINs and settings are sent only when edited here; a concurrent edit resolves
last-writer-wins and the losing version is kept in the hub's change log; people merged by a coach
are merged here before anything is sent (``kiosk.hub.shared``). Between rounds, a ``HubListener``
(LISTEN/NOTIFY) starts a round as soon as another kiosk changed something, and a look at the
journal every second starts one when something was edited here.

``HubSync`` runs rounds in a background thread with its own journal connection (WAL lets it read
while the kiosk writes) and backs off when the hub cannot be reached.
"""

from __future__ import annotations

import json
import random
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

import psycopg

from kiosk.hub import plans, shared
from kiosk.hub.errors import HubError, connect, hub_errors, where
from kiosk.hub.paging import pull_in_pages
from kiosk.journal import Journal, JournalError
from kiosk.journal.journal import OWN_RUN_SQL, PULLED_AT_SETTING, PulledRun
from kiosk.journal.schema import furthest_step_sql, help_by_step_sql

if TYPE_CHECKING:
    from kiosk.hub.listen import HubListener

MARK_SETTING = "hub.sync.run_mark"
STATUS_SETTING = "hub.sync.status"
#: The pull's high-water mark: a hub transaction id (xid8, as text); every run the hub inserted in
#: an older transaction is in this journal already (or its person is deleted here).
PULL_MARK_SETTING = "hub.sync.pull_mark"
DEFAULT_BATCH_RUNS = 500  # about 16,000 step events: large batches are cheaper per row
PULL_PAGE_RUNS = 2000  # run summaries only (about 200 bytes each): a page is one journal transaction
_BEFORE_ANY_RUN = (-(2**63), "00000000-0000-0000-0000-000000000000")  # (started_at_ms, uuid) below any run

_LOCAL_RUNS = (
    "SELECT r.id, r.uuid, p.uuid, r.device_id, r.pack_id, r.pack_version, r.content_hash, r.started_at_ms, "
    "r.ended_at_ms, r.outcome, prev.uuid, r.step_count, "
    f"COALESCE(r.furthest_step, {furthest_step_sql('r.id')}), COALESCE(r.help_by_step, {help_by_step_sql('r.id')}), "
    "r.person_id, r.support_level "
    "FROM runs r JOIN people p ON p.id = r.person_id LEFT JOIN runs prev ON prev.id = r.resumed_from "
    f"WHERE r.id >= ? AND {OWN_RUN_SQL} ORDER BY r.id LIMIT ?"  # never another kiosk's run as ours
)
_LOCAL_EVENTS = (
    "SELECT e.uuid, r.uuid, e.id, e.step_number, e.event, e.at_ms, e.duration_ms, e.level "
    "FROM step_events e JOIN runs r ON r.id = e.run_id WHERE e.run_id IN ({ids}) ORDER BY e.id"
)
_PUSH_RUNS = (
    "INSERT INTO hub.runs (workshop, uuid, person_uuid, device_uuid, local_id, pack_id, pack_version, content_hash, "
    "started_at_ms, ended_at_ms, outcome, resumed_from, step_count, furthest_step, help_by_step, person_local_id, "
    "support_level) "
    "SELECT %s, * FROM unnest(%s::uuid[], %s::uuid[], %s::uuid[], %s::bigint[], %s::text[], %s::integer[], "
    "%s::text[], %s::bigint[], %s::bigint[], %s::text[], %s::uuid[], %s::integer[], %s::integer[], %s::jsonb[], "
    "%s::bigint[], %s::integer[]) "
    "ON CONFLICT DO NOTHING"
)
# Events go as one JSON text: json.dumps is C, where adapting 16,000 x 7 Python values one by one
# cost more than the hub's own work (measured: 3.9 of 11 s for a week of 47 workers).
_PUSH_EVENTS = (
    "INSERT INTO hub.step_events (workshop, uuid, run_uuid, local_id, step_number, event, at_ms, duration_ms, level) "
    "SELECT %s, (e->>0)::uuid, (e->>1)::uuid, (e->>2)::bigint, (e->>3)::integer, e->>4, (e->>5)::bigint, "
    "(e->>6)::integer, (e->>7)::integer FROM json_array_elements(%s::json) AS e ON CONFLICT DO NOTHING"
)


@dataclass
class RoundResult:
    """What one sync round did (counts of rows the hub did not have before are ``*_new``)."""

    runs_sent: int = 0
    runs_new: int = 0
    events_sent: int = 0
    events_new: int = 0
    people_sent: int = 0
    people_received: int = 0
    deleted_here: int = 0  # people deleted on this kiosk because the hub said so
    deletions_sent: int = 0  # deletions made here, passed on to the hub
    settings_sent: int = 0  # shared settings and family PINs edited here
    settings_received: int = 0
    conflicts_kept: int = 0  # losing versions of concurrent edits put in the hub's change log
    merged_here: int = 0  # people merged on the hub whose records were moved here
    runs_waiting: int = 0  # ended runs not yet on the hub after the round (0 when it finished)
    runs_pulled: int = 0  # other kiosks' runs new to this journal
    plans_sent: int = 0  # day plans edited or removed here, sent
    plans_received: int = 0  # day plans the hub had newer, applied here
    plan_events_sent: int = 0
    plan_events_new: int = 0  # of those, new to the hub
    plan_events_pulled: int = 0  # other kiosks' plan events new to this journal
    plan_events_waiting: int = 0  # this kiosk's plan events not yet on the hub after the round
    seconds: float = 0.0

    @property
    def events_per_second(self) -> float:
        return self.events_sent / self.seconds if self.seconds > 0 else 0.0


def _columns(rows: Sequence[Sequence[Any]], count: int) -> list[list[Any]]:
    """Rows as one list per column: unnest() on the hub turns them back into rows, so a whole batch
    is one statement with a fixed number of parameters, whatever its size."""
    return [list(column) for column in zip(*rows)] if rows else [[] for _ in range(count)]


def my_workshop(conn: psycopg.Connection, url: str) -> str:
    row = conn.execute("SELECT hub.my_workshop()").fetchone()
    if not row or row[0] is None:
        raise HubError(
            f"The user of this connection to {where(url)} is not a kiosk of the hub.",
            "Use the connection string that `kiosk hub add-kiosk` printed for this kiosk.",
        )
    return str(row[0])


def runs_waiting(journal: Journal) -> int:
    """Ended runs this kiosk has not sent to the hub yet (copies of other kiosks' runs are not
    this kiosk's to send)."""
    mark = int(journal.get_setting(MARK_SETTING, 0) or 0)
    row = journal.db.read_one(
        f"SELECT COUNT(*) FROM runs r WHERE r.id >= ? AND r.outcome IS NOT NULL AND {OWN_RUN_SQL}", (mark,)
    )
    return int(row[0]) if row else 0


def sync_round(
    journal: Journal,
    conn: psycopg.Connection,
    url: str = "",
    *,
    batch_runs: int = DEFAULT_BATCH_RUNS,
    should_stop: Callable[[], bool] = lambda: False,
) -> RoundResult:
    """One whole round (see the module's doc) on an autocommit connection as a kiosk's role.

    Raises ``HubError`` for the hub and ``JournalError`` for the journal; either way nothing is lost:
    what the hub committed stays, what it did not is sent again next time.
    """
    started = time.perf_counter()
    result = RoundResult()
    with hub_errors(url):
        workshop = my_workshop(conn, url)
        state = shared.note_local_changes(journal)
        plans.note_plan_removals(journal, state)
        _pull_deletions(journal, conn, result)
        result.merged_here = shared.pull_merges(journal, conn, state)
        _push_deletions(journal, conn, result)
        _push_runs(journal, conn, workshop, result, batch_runs, should_stop, state)
        if not should_stop():  # the plans need their people on the hub, which _push_runs sent unless stopped
            _push_plans(journal, conn, workshop, result, should_stop, state)
        result.people_received = shared.pull_people(journal, conn, state)
        result.settings_received = shared.pull_settings(journal, conn, state)
        result.plans_received = plans.pull_plans(journal, conn, state)
        if not should_stop():
            result.runs_pulled = pull_runs(journal, conn, should_stop=should_stop)
        if not should_stop():  # after the runs: a pulled event then points at this journal's copy of its run
            result.plan_events_pulled = plans.pull_plan_events(journal, conn, should_stop=should_stop)
    result.runs_waiting = runs_waiting(journal)
    result.plan_events_waiting = plans.plan_events_waiting(journal)
    result.seconds = time.perf_counter() - started
    return result


def pull_runs(
    journal: Journal,
    conn: psycopg.Connection,
    *,
    page_runs: int = PULL_PAGE_RUNS,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """Take in the run summaries the other kiosks of the workshop sent since the last pull; returns
    how many were new here (read as ``kiosk.hub.paging.pull_in_pages`` says: no late commit missed,
    nothing twice, runs of a person not here yet held back until ``pull_people`` brings them).

    On success the time is kept (``PULLED_AT_SETTING``): the progress views' "updated 10:42"."""
    added, complete = pull_in_pages(
        journal,
        conn,
        mark_setting=PULL_MARK_SETTING,
        page=page_runs,
        start=lambda mark: (mark, *_BEFORE_ANY_RUN),
        fetch=lambda after: conn.execute(
            "SELECT * FROM hub.workshop_runs(%s::xid8, %s, %s::uuid, %s::uuid, %s)",
            (str(after[0]), after[1], after[2], journal.device.id, page_runs),
        ).fetchall(),
        make=PulledRun,
        take_in=journal.import_runs,
        cursor=lambda last: (int(last[0]), int(last[8]), str(last[1])),
        should_stop=should_stop,
    )
    if complete:
        journal.set_setting(PULLED_AT_SETTING, int(journal.now().timestamp() * 1000))
    return added


def _pull_deletions(journal: Journal, conn: psycopg.Connection, result: RoundResult) -> None:
    gone = {row[0] for row in conn.execute("SELECT uuid::text FROM hub.tombstones")}
    if not gone:
        return
    for person, _ in journal.person_stamps():
        if person.uuid in gone:
            journal.delete_person(person.id, hub_has_it=True)
            result.deleted_here += 1
    confirmed = [uuid for uuid in journal.tombstones(waiting_only=True) if uuid in gone]
    if confirmed:
        journal.tombstones_on_hub(confirmed)


def _push_deletions(journal: Journal, conn: psycopg.Connection, result: RoundResult) -> None:
    waiting = journal.tombstones(waiting_only=True)
    for person_uuid in waiting:
        conn.execute("SELECT hub.forget_person(%s::uuid)", (person_uuid,))
        journal.tombstones_on_hub([person_uuid])  # after the hub committed (autocommit)
        result.deletions_sent += 1


def _push_people(
    journal: Journal, conn: psycopg.Connection, workshop: str, result: RoundResult, state: shared.SharedState
) -> shared.PeoplePush:
    """This device, the people and shared settings edited here (inside the caller's transaction);
    what the hub has is remembered by the caller once the transaction committed."""
    device = journal.device
    conn.execute(
        "INSERT INTO hub.devices (workshop, uuid, name, member) VALUES (%s, %s, %s, current_user) "
        "ON CONFLICT DO NOTHING",
        (workshop, device.id, device.name),
    )
    pushed = shared.push_people(journal, conn, workshop, state, device.id)
    settings, lost = shared.push_settings(conn, workshop, state, device.id)
    result.people_sent, result.settings_sent = pushed.sent, settings
    result.conflicts_kept += pushed.lost + lost
    return pushed


def _push_runs(
    journal: Journal,
    conn: psycopg.Connection,
    workshop: str,
    result: RoundResult,
    batch_runs: int,
    should_stop: Callable[[], bool],
    state: shared.SharedState,
) -> None:
    mark = int(journal.get_setting(MARK_SETTING, 0) or 0)
    cursor = mark
    first_open: int | None = None
    people_pushed = False
    while not should_stop():
        rows = journal.db.read(_LOCAL_RUNS, (cursor, batch_runs))
        ended = [row for row in rows if row[9] is not None]
        if first_open is None:
            first_open = next((row[0] for row in rows if row[9] is None), None)
        events = journal.db.read(_LOCAL_EVENTS.format(ids=",".join(str(int(r[0])) for r in ended))) if ended else []
        pushed: shared.PeoplePush | None = None
        with conn.transaction():
            if not people_pushed:
                pushed = _push_people(journal, conn, workshop, result, state)  # runs need their people
                people_pushed = True
            if ended:
                # uuid, person, device, local id, then the run's own columns
                run_rows = [(*row[1:4], row[0], *row[4:]) for row in ended]
                result.runs_new += conn.execute(_PUSH_RUNS, (workshop, *_columns(run_rows, 16))).rowcount
                result.events_new += conn.execute(
                    _PUSH_EVENTS, (workshop, json.dumps(events, separators=(",", ":")))
                ).rowcount
        # the hub has committed: now, and only now, the mark may move
        if pushed is not None:
            shared.people_sent(state, journal, pushed)
            shared.settings_sent(state, journal)
        result.runs_sent += len(ended)
        result.events_sent += len(events)
        if not rows:
            break
        cursor = rows[-1][0] + 1
        new_mark = first_open if first_open is not None else cursor
        if new_mark != mark:
            journal.set_setting(MARK_SETTING, new_mark)
            mark = new_mark
        if len(rows) < batch_runs:
            break


def _push_plans(
    journal: Journal,
    conn: psycopg.Connection,
    workshop: str,
    result: RoundResult,
    should_stop: Callable[[], bool],
    state: shared.SharedState,
) -> None:
    """The day plans edited or removed here (one hub transaction), then this kiosk's plan events;
    after the people, which they need on the hub (``_push_runs`` sent them)."""
    with conn.transaction():
        pushed = plans.push_plans(journal, conn, workshop, state, journal.device.id)
    plans.plans_sent(state, journal, pushed)  # the hub has committed
    result.plans_sent = pushed.sent
    result.conflicts_kept += pushed.lost
    result.plan_events_sent, result.plan_events_new = plans.push_plan_events(
        journal, conn, workshop, should_stop=should_stop
    )


def sync_once(journal: Journal, url: str, *, batch_runs: int = DEFAULT_BATCH_RUNS) -> RoundResult:
    """Connect, run one round, disconnect (``kiosk hub sync``)."""
    with hub_errors(url), connect(url, autocommit=True) as conn:
        return sync_round(journal, conn, url, batch_runs=batch_runs)


# -- the background service ----------------------------------------------------------------------


@dataclass(frozen=True)
class SyncStatus:
    """The hub's state in plain words for trainer mode."""

    running: bool = False
    last_sync: datetime | None = None  # the end of the last round that finished
    runs_waiting: int | None = None  # ended runs not on the hub yet (None: not known yet)
    plan_events_waiting: int | None = None  # day-plan records (started, done, reminded) not on the hub yet
    last_error: str | None = None  # one sentence; None after a round that went well
    failures_in_a_row: int = 0
    next_try_in_s: float | None = None
    last_round: RoundResult | None = field(default=None, compare=False)

    def describe(self) -> str:
        """One or two sentences for trainer mode."""
        if self.last_sync is None and self.last_error is None:
            return "Not synced with the hub yet."
        parts = []
        if self.last_sync is not None:
            parts.append(f"Last sync with the hub: {self.last_sync.astimezone().strftime('%Y-%m-%d %H:%M')}.")
        if self.runs_waiting:
            parts.append(f"{self.runs_waiting} runs are waiting to be sent.")
        if self.plan_events_waiting:
            parts.append(f"{self.plan_events_waiting} day-plan records are waiting to be sent.")
        if self.last_error:
            parts.append(f"Last problem: {self.last_error}")
        return " ".join(parts)


class HubSync:
    """Sync rounds in a background thread: ``start()``, ``stop()``, ``sync_soon()``, ``status()``.

    Why a thread of its own with its own journal connection: the worker's screens call the journal
    on the UI thread and must never wait for the network. The thread's writes to the journal (the
    mark, people pulled, deletions) are short transactions, like any other writer's.

    When the hub cannot be reached, the next try waits ``min_backoff_s`` doubling up to
    ``max_backoff_s`` (with jitter, so twenty kiosks coming back do not knock at once).
    """

    def __init__(
        self,
        journal_path: Path | str,
        hub_url: str,
        *,
        interval_s: float = 30.0,
        min_backoff_s: float = 5.0,
        max_backoff_s: float = 600.0,
        batch_runs: int = DEFAULT_BATCH_RUNS,
        on_status: Callable[[SyncStatus], None] | None = None,
        listener: HubListener | None = None,
        watch_s: float = 1.0,
    ) -> None:
        self.journal_path = Path(journal_path)
        self.watch_s = watch_s
        if listener is not None:  # another kiosk changed something: a round now, not at the interval
            # people: a person or setting changed; runs: another kiosk sent runs; plans: a plan or plan event
            listener.subscribe(
                lambda payload: self.sync_soon() if payload in ("people", "runs", "plans") else None, self.sync_soon
            )
        self.hub_url = hub_url
        self.interval_s = interval_s
        self.min_backoff_s = min_backoff_s
        self.max_backoff_s = max_backoff_s
        self.batch_runs = batch_runs
        self.on_status = on_status
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._status = SyncStatus()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start syncing in the background (at once, then every ``interval_s``). Returns at once."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name="hub-sync", daemon=True)
        self._set(running=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> bool:
        """Ask the thread to stop after the current batch and wait up to ``timeout`` seconds.
        True when it has stopped. (A daemon thread: it never keeps the kiosk from exiting.)"""
        self._stopping.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def sync_soon(self) -> None:
        """Start a round now instead of at the next interval (say, after a run ended)."""
        self._wake.set()

    def status(self) -> SyncStatus:
        with self._lock:
            return self._status

    def _set(self, **changes: Any) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)
            status = self._status
        if self.on_status is not None:
            try:
                self.on_status(status)
            except Exception:  # noqa: BLE001 - a listener's bug must not stop the sync
                pass

    def _wait(self, delay: float, journal: Journal | None, *, hub_answered: bool) -> None:
        """Until ``delay`` has passed or ``sync_soon()`` was called, looking at the journal every
        ``watch_s`` seconds (a local query: nothing for the hub). A person or shared setting edited
        here is stamped at once, offline too (last writer wins by when an edit was made, not when
        it reached the hub), and starts a round when the hub answered last time."""
        deadline = time.monotonic() + delay
        before = _fingerprint(journal)
        while not self._stopping.is_set():
            left = deadline - time.monotonic()
            if left <= 0 or self._wake.wait(min(left, self.watch_s)):
                break
            now = _fingerprint(journal)
            if journal is None or now == before:
                continue
            before = now
            try:
                plans.note_plan_removals(journal, shared.note_local_changes(journal))
            except JournalError:
                pass  # stamped at the next round instead
            if hub_answered:
                break
        self._wake.clear()

    def _loop(self) -> None:
        journal: Journal | None = None
        conn: psycopg.Connection | None = None
        failures = 0
        try:
            while not self._stopping.is_set():
                try:
                    if journal is None:
                        journal = Journal.open(self.journal_path, create=False)
                    if conn is None or conn.closed:
                        conn = connect(self.hub_url, autocommit=True)
                    result = sync_round(
                        journal, conn, self.hub_url, batch_runs=self.batch_runs, should_stop=self._stopping.is_set
                    )
                except Exception as error:  # noqa: BLE001 - the kiosk goes on; the error is shown, retried
                    failures += 1
                    _close(conn)
                    conn = None
                    if not isinstance(error, HubError):
                        _close(journal)
                        journal = None
                    delay = min(self.max_backoff_s, self.min_backoff_s * 2 ** min(failures - 1, 20))
                    delay *= random.uniform(0.75, 1.0)
                    waiting, plan_waiting = _waiting_or_none(journal)
                    self._set(
                        last_error=_sentence(error),
                        failures_in_a_row=failures,
                        next_try_in_s=delay,
                        runs_waiting=waiting,
                        plan_events_waiting=plan_waiting,
                    )
                else:
                    failures = 0
                    delay = self.interval_s
                    self._set(
                        last_sync=datetime.now(timezone.utc),
                        last_error=None,
                        failures_in_a_row=0,
                        runs_waiting=result.runs_waiting,
                        plan_events_waiting=result.plan_events_waiting,
                        next_try_in_s=delay,
                        last_round=result,
                    )
                self._wait(delay, journal, hub_answered=failures == 0)
        finally:
            _close(conn)
            _close(journal)
            self._set(running=False, next_try_in_s=None)


_FINGERPRINT = (
    "SELECT (SELECT COALESCE(MAX(changed_stamp), 0) || ':' || COUNT(*) FROM people), "
    "(SELECT group_concat(key || '=' || value, ';') FROM settings "
    "WHERE key GLOB 'ui.*' OR key GLOB 'family_pin.*' OR key = 'support.fading'), "
    "(SELECT COALESCE(MAX(changed_stamp), 0) || ':' || COUNT(*) FROM plans), "
    "(SELECT COALESCE(MAX(id), 0) FROM plan_events)"
)


def _fingerprint(journal: Journal | None) -> Any:
    """What changes when a person or a shared setting is edited here (None: not known)."""
    if journal is None:
        return None
    try:
        return journal.db.read_one(_FINGERPRINT)
    except JournalError:
        return None


def _sentence(error: BaseException) -> str:
    if isinstance(error, HubError | JournalError):
        return error.message
    return f"The sync hit an unexpected problem ({type(error).__name__}: {error})."


def _waiting_or_none(journal: Journal | None) -> tuple[int | None, int | None]:
    """(runs, plan events) of this kiosk not on the hub yet; None where the journal cannot say."""
    if journal is None:
        return None, None
    try:
        return runs_waiting(journal), plans.plan_events_waiting(journal)
    except JournalError:
        return None, None


def _close(thing: Any) -> None:
    if thing is not None:
        try:
            thing.close()
        except Exception:  # noqa: BLE001 - closing after a failure: nothing more to do
            pass
