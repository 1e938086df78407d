"""Day plans follow the worker: each worker's plan and what they did of it today, on every kiosk of
the workshop (hub schema 5, journal migration 8; docs/hub.md, "Day plans").

A worker uses whichever tablet is free, so the plan a coach made on kiosk A (trainer screen or
``kiosk plan import``) must be on kiosk B, and B's Now / Next must know that the worker already
did "Wash hands" on A today, and must not remind them of it again. Why each piece is this way:

* **Plans are shared like people** (``kiosk.hub.shared``): only edits are sent (a plan whose stamp
  differs from the one the hub last had, ``SharedState.plans``); each edit carries a hybrid-logical-
  clock stamp made when it was saved (``kiosk.plan.store``), so the later edit wins even between
  tablets whose clocks drift; when two kiosks edited one worker's plan without seeing each other's
  edit, the losing version goes whole into ``hub.changes`` (kind ``plan``: ``kiosk hub changes``),
  whichever reached the hub first. The same workshop-wide advisory lock makes pushes take turns.
* **A plan removed here** leaves no row in the journal, so it is noticed (by the sync's look at the
  journal, every second while the kiosk runs) and stamped then, like a shared setting; on the hub
  it is a plan with no document, which removes it on every kiosk.
* **Plan events are shared like runs** (``kiosk.hub.sync``): they never change once recorded, so
  the push is an idempotent insert on the event's UUID with a local high-water mark that moves
  only after the hub committed; the pull reads the other kiosks' events by a mark on the
  inserting transaction (``pg_snapshot_xmin``), which cannot skip a push that commits late. A
  pulled event is a copy that names its kiosk (``plan_events.device_id``): Now / Next, reminders
  and the report read it; exports and the push do not (``OWN_PLAN_EVENT_SQL``).
* **Deletion and merges** need nothing here: on the hub both tables hang on the person by a
  cascading key, on the kiosk by ``ON DELETE CASCADE``; a merge moves the plan events
  (``hub.merge_people``, ``shared.move_person``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

import psycopg
from psycopg.types.json import Jsonb

from kiosk.hub.paging import pull_in_pages
from kiosk.hub.shared import _LOCK, SharedState, _log
from kiosk.journal import Journal
from kiosk.journal.journal import OWN_PLAN_EVENT_SQL, PulledPlanEvent

#: Every plan event of this kiosk with a local id up to this one is on the hub.
PUSH_MARK_SETTING = "hub.sync.plan_event_mark"
#: The pull's mark: a hub transaction id (xid8, as text), as ``hub.sync.pull_mark`` for runs.
PULL_MARK_SETTING = "hub.sync.plan_pull_mark"
PUSH_PAGE_EVENTS = 2000
PULL_PAGE_EVENTS = 2000
_BEFORE_ANY_EVENT = "00000000-0000-0000-0000-000000000000"

_OWN_EVENTS = (
    "SELECT e.id, e.uuid, p.uuid, e.person_id, e.day, e.item_id, e.event, e.at_ms, e.due_at_ms, r.uuid "
    "FROM plan_events e JOIN people p ON p.id = e.person_id LEFT JOIN runs r ON r.id = e.run_id "
    f"WHERE e.id > ? AND {OWN_PLAN_EVENT_SQL} ORDER BY e.id LIMIT ?"
)
# one JSON text for the page, as the step events go (kiosk.hub.sync)
_PUSH_EVENTS = (
    "INSERT INTO hub.plan_events (workshop, uuid, device_uuid, person_uuid, person_local_id, local_id, day, item_id, "
    "event, at_ms, due_at_ms, run_uuid) "
    "SELECT %s, (e->>1)::uuid, %s::uuid, (e->>2)::uuid, (e->>3)::bigint, (e->>0)::bigint, (e->>4)::date, e->>5, "
    "e->>6, (e->>7)::bigint, (e->>8)::bigint, (e->>9)::uuid FROM json_array_elements(%s::json) AS e "
    "ON CONFLICT DO NOTHING"
)
_PUSH_PLAN = (
    "INSERT INTO hub.plans AS p (workshop, person_uuid, document, changed_stamp, origin) VALUES (%s, %s, %s, %s, %s) "
    "ON CONFLICT (workshop, person_uuid) DO UPDATE SET document = excluded.document, "
    "changed_stamp = excluded.changed_stamp, origin = excluded.origin WHERE p.changed_stamp < excluded.changed_stamp"
)


@dataclass
class PlansPush:
    sent: int = 0
    lost: int = 0  # losing versions put in the change log
    known: dict[str, list[Any]] = field(default_factory=dict)  # to remember once the hub has committed
    removals: list[str] = field(default_factory=list)


def note_plan_removals(journal: Journal, state: SharedState) -> bool:
    """Stamp the plans removed here since the hub last had them (works offline). True: noted."""
    here = {person_uuid for person_uuid, _, _ in journal.plan_stamps()}
    people = {person.uuid for person, _ in journal.person_stamps() if person.uuid}
    changed = False
    for person_uuid, (_, present) in sorted(state.plans.items()):
        if present and person_uuid in people and person_uuid not in here and person_uuid not in state.plan_removals:
            state.plan_removals[person_uuid] = journal.next_plan_stamp()
            changed = True
    for person_uuid in list(state.plan_removals):
        if person_uuid in here or person_uuid not in people:  # made again since, or the person is gone
            del state.plan_removals[person_uuid]
            changed = True
    if changed:
        state.save(journal)
    return changed


def push_plans(journal: Journal, conn: psycopg.Connection, workshop: str, state: SharedState, origin: str) -> PlansPush:
    """Send the plans edited or removed here (inside the caller's hub transaction); the losing side
    of a concurrent edit, either one, goes to ``hub.changes``."""
    result = PlansPush()
    edited: list[tuple[str, int, Any]] = [
        (person_uuid, stamp, _document(text))
        for person_uuid, stamp, text in journal.plan_stamps()
        if (known := state.plans.get(person_uuid)) is None or int(known[0]) != stamp
    ]
    edited += [(person_uuid, stamp, None) for person_uuid, stamp in sorted(state.plan_removals.items())]
    if not edited:
        return result
    conn.execute(_LOCK, (workshop,))
    on_hub = {
        row[0]: row[1:]
        for row in conn.execute(
            "SELECT person_uuid::text, document, changed_stamp, origin FROM hub.plans "
            "WHERE person_uuid = ANY(%s::uuid[]) FOR NO KEY UPDATE",
            ([person_uuid for person_uuid, _, _ in edited],),
        )
    }
    for person_uuid, stamp, mine in edited:
        hub = on_hub.get(person_uuid)
        base = state.plans.get(person_uuid, [None])[0]
        if mine is None:
            result.removals.append(person_uuid)
        if hub is None or stamp > int(hub[1]):
            if hub is None and mine is None:
                continue  # removed here, never on the hub: nothing to say
            conn.execute(_PUSH_PLAN, (workshop, person_uuid, _jsonb(mine), stamp, origin))
            if hub is not None and base != int(hub[1]) and hub[0] is not None and hub[0] != mine:
                version = {"document": hub[0]}
                result.lost += _log(conn, workshop, "plan", person_uuid, int(hub[1]), hub[2], version, stamp, origin)
            result.known[person_uuid] = [stamp, mine is not None]
            result.sent += 1
        elif stamp < int(hub[1]):
            if mine is not None and hub[0] != mine:
                version = {"document": mine, "kiosk": journal.device.name}
                result.lost += _log(conn, workshop, "plan", person_uuid, stamp, origin, version, int(hub[1]), hub[2])
            # the hub's later version is pulled in this round; until then this edit counts as sent
        else:
            result.known[person_uuid] = [stamp, hub[0] is not None]
    return result


def plans_sent(state: SharedState, journal: Journal, push: PlansPush) -> None:
    """After the hub committed the plans."""
    if push.known or push.removals:
        state.plans.update(push.known)
        for person_uuid in push.removals:
            state.plan_removals.pop(person_uuid, None)
        state.save(journal)


def pull_plans(journal: Journal, conn: psycopg.Connection, state: SharedState) -> int:
    """Take in the workshop's plans the hub has newer versions of. Returns how many were applied.
    Only the stamps are read for every plan; documents only for those newer here."""
    local = {person_uuid: stamp for person_uuid, stamp, _ in journal.plan_stamps()}
    people = {person.uuid for person, _ in journal.person_stamps() if person.uuid}
    wanted: list[str] = []
    for person_uuid, stamp in conn.execute("SELECT person_uuid::text, changed_stamp FROM hub.plans"):
        stamp = int(stamp)
        if person_uuid not in people:
            continue  # taken when the person is
        known = state.plans.get(person_uuid)
        if person_uuid in local:
            if local[person_uuid] == stamp:
                state.plans[person_uuid] = [stamp, True]
            if local[person_uuid] >= stamp:
                continue  # an edit made here since the push goes out next round
        elif known is not None and int(known[0]) >= stamp:
            continue  # this kiosk had that version: removed here since, the removal goes out
        if state.plan_removals.get(person_uuid, -1) > stamp:
            continue
        wanted.append(person_uuid)
    applied = 0
    if wanted:
        rows = conn.execute(
            "SELECT person_uuid::text, document, changed_stamp FROM hub.plans WHERE person_uuid = ANY(%s::uuid[])",
            (wanted,),
        ).fetchall()
        for person_uuid, document, stamp in rows:
            text = None if document is None else json.dumps(document, ensure_ascii=False, separators=(",", ":"))
            if journal.merge_plan(person_uuid, text, int(stamp)):
                applied += 1
        # remembered only where this kiosk now has the hub's version: a plan edited here meanwhile
        # (a later stamp) kept its edit, which goes out next round as one made without seeing the
        # hub's, so the hub's is kept in the change log then
        now_here = {person_uuid: stamp for person_uuid, stamp, _ in journal.plan_stamps()}
        for person_uuid, document, stamp in rows:
            here = now_here.get(person_uuid)
            if (here is None) if document is None else (here == int(stamp)):
                state.plans[person_uuid] = [int(stamp), document is not None]
                state.plan_removals.pop(person_uuid, None)
    state.save(journal)
    return applied


def push_plan_events(
    journal: Journal,
    conn: psycopg.Connection,
    workshop: str,
    *,
    page: int = PUSH_PAGE_EVENTS,
    should_stop: Callable[[], bool] = lambda: False,
) -> tuple[int, int]:
    """Send this kiosk's plan events recorded since the mark, a page per hub transaction (the
    people are on the hub already: the caller pushed them first). Returns (sent, new on the hub)."""
    mark = int(journal.get_setting(PUSH_MARK_SETTING, 0) or 0)
    sent = new = 0
    while not should_stop():
        rows = journal.db.read(_OWN_EVENTS, (mark, page))
        if not rows:
            break
        with conn.transaction():
            new += conn.execute(
                _PUSH_EVENTS, (workshop, journal.device.id, json.dumps(rows, separators=(",", ":")))
            ).rowcount
        mark = int(rows[-1][0])
        journal.set_setting(PUSH_MARK_SETTING, mark)  # the hub has committed
        sent += len(rows)
        if len(rows) < page:
            break
    return sent, new


def plan_events_waiting(journal: Journal) -> int:
    """This kiosk's plan events not on the hub yet."""
    mark = int(journal.get_setting(PUSH_MARK_SETTING, 0) or 0)
    row = journal.db.read_one(f"SELECT COUNT(*) FROM plan_events e WHERE e.id > ? AND {OWN_PLAN_EVENT_SQL}", (mark,))
    return int(row[0]) if row else 0


def pull_plan_events(
    journal: Journal,
    conn: psycopg.Connection,
    *,
    page: int = PULL_PAGE_EVENTS,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """Take in the plan events the other kiosks of the workshop sent since the last pull; returns
    how many were new here, read like the runs (``kiosk.hub.paging.pull_in_pages``)."""
    added, _complete = pull_in_pages(
        journal,
        conn,
        mark_setting=PULL_MARK_SETTING,
        page=page,
        start=lambda mark: (mark, _BEFORE_ANY_EVENT),
        fetch=lambda after: conn.execute(
            "SELECT * FROM hub.workshop_plan_events(%s::xid8, %s::uuid, %s::uuid, %s)",
            (str(after[0]), after[1], journal.device.id, page),
        ).fetchall(),
        make=PulledPlanEvent,
        take_in=journal.import_plan_events,
        cursor=lambda last: (int(last[0]), str(last[1])),
        should_stop=should_stop,
    )
    return added


def _document(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text  # sent as stored; the kiosks treat an unreadable plan as none


def _jsonb(value: Any) -> Jsonb | None:
    return None if value is None else Jsonb(value)
