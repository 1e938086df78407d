"""What the kiosks of a workshop share besides runs: people with their photos, family PINs and the
workshop's settings, edits resolved last-writer-wins with nothing silently lost, and merges.

Why each piece is this way (docs/hub.md, "Sharing"):

* **Only edits are sent.** The journal setting ``hub.sync.shared`` remembers, per person and per
  shared setting, the stamp the hub last had (``known``). A person whose stamp differs, or a setting
  whose value differs, was edited here; nothing else goes out. This is also what tells a
  concurrent edit from a sequential one: an edit made after this kiosk pulled the hub's version has
  that version as its base (``known``), so the hub's version still being the base means no one
  else edited in between.
* **Last writer wins by the hybrid logical clock, and the loser is kept.** People carry the
  journal's own stamps (``people.changed_stamp``); a setting gets a stamp when this kiosk notices
  the change (``note_local_changes``, at every round and every second while the kiosk runs, so the
  stamp is the time of the edit, not of the sync). When two kiosks edited the same thing, the later
  stamp wins on the hub and the other version goes to ``hub.changes`` whole (``kiosk hub changes``
  shows it), whichever of the two reached the hub first. A workshop-wide advisory lock makes two
  kiosks' pushes take turns, so a check and its write cannot interleave.
* **Photos** are content-addressed (``hub.photos`` by SHA-256): an edit of the photo is an edit of
  the person, and the picture is uploaded once and fetched by every kiosk that lacks it.
* **Family PINs** travel as their scrypt records (``family_pin/<person uuid>``), never as PINs;
  lockout counters stay per kiosk.
* **Merges** (``hub.merge_people``, ``kiosk hub merge``): a kiosk that still has the merged-away
  person moves its runs, settings and photo to the person kept, in one journal transaction, before
  it sends anything, and keeps a tombstone so the merged-away person never returns.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import psycopg
from psycopg.types.json import Jsonb

from kiosk.atomic import write_bytes
from kiosk.journal import Journal, Person

STATE_SETTING = "hub.sync.shared"
SHARED_PREFIXES = ("ui.",)
SHARED_KEYS = ("support.fading",)
FAMILY_PIN = "family_pin."  # the journal's key is family_pin.<local id> (kiosk.trainer.pin)
HUB_FAMILY_PIN = "family_pin/"  # the hub's is family_pin/<person uuid>
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
MAX_PHOTO_BYTES = 8 * 1024 * 1024  # the hub refuses more (hub.photos' check)
_LOCK = "SELECT pg_advisory_xact_lock(hashtext('step-kiosk shared ' || %s))"


@dataclass
class SharedState:
    """What this kiosk knows the hub has (``people``: uuid -> stamp; ``settings``: key -> [stamp,
    value]) and its own setting edits not on the hub yet (``pending``), with its clock."""

    people: dict[str, int] = field(default_factory=dict)
    settings: dict[str, list[Any]] = field(default_factory=dict)
    pending: dict[str, list[Any]] = field(default_factory=dict)
    clock: int = 0
    #: day plans (``kiosk.hub.plans``): person uuid -> [stamp, the hub has a plan (not a removal)]
    plans: dict[str, list[Any]] = field(default_factory=dict)
    #: plans removed here, not on the hub yet: person uuid -> the stamp of the removal
    plan_removals: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, journal: Journal) -> "SharedState":
        raw = journal.get_setting(STATE_SETTING, {}) or {}
        if not isinstance(raw, dict):
            raw = {}
        return cls(
            people={str(k): int(v) for k, v in dict(raw.get("people") or {}).items()},
            settings={str(k): list(v) for k, v in dict(raw.get("settings") or {}).items()},
            pending={str(k): list(v) for k, v in dict(raw.get("pending") or {}).items()},
            clock=int(raw.get("clock") or 0),
            plans={str(k): list(v) for k, v in dict(raw.get("plans") or {}).items()},
            plan_removals={str(k): int(v) for k, v in dict(raw.get("plan_removals") or {}).items()},
        )

    def save(self, journal: Journal) -> None:
        journal.set_setting(
            STATE_SETTING,
            {
                "people": self.people,
                "settings": self.settings,
                "pending": self.pending,
                "clock": self.clock,
                "plans": self.plans,
                "plan_removals": self.plan_removals,
            },
        )

    def next_stamp(self, journal: Journal) -> int:
        """A hybrid-logical-clock stamp: the wall clock in ms, but past every stamp seen here."""
        row = journal.db.read_one(
            "SELECT MAX((SELECT COALESCE(MAX(changed_stamp), 0) FROM people), "
            "(SELECT COALESCE(MAX(changed_stamp), 0) FROM plans))"
        )
        seen = max(
            [
                self.clock,
                int(row[0]) if row else 0,
                *(int(v[0]) for v in self.settings.values()),
                *(int(v[0]) for v in self.plans.values()),
            ]
        )
        self.clock = max(int(time.time() * 1000), seen + 1)
        return self.clock


# -- settings -------------------------------------------------------------------------------------


def _is_shared(key: str) -> bool:
    return key.startswith(SHARED_PREFIXES) or key in SHARED_KEYS


def local_shared(journal: Journal) -> tuple[dict[str, Any], dict[str, int]]:
    """The shared settings as the hub names them, and each local person's id by uuid."""
    ids = {p.uuid: p.id for p, _ in journal.person_stamps() if p.uuid}
    by_id = {pid: uuid for uuid, pid in ids.items()}
    values: dict[str, Any] = {}
    for key, text in journal.db.read("SELECT key, value FROM settings ORDER BY key"):
        try:
            value = json.loads(text)
        except (TypeError, ValueError):
            continue  # a damaged value is never shared
        if key.startswith(FAMILY_PIN):
            rest = key[len(FAMILY_PIN) :]
            if rest.isdigit() and int(rest) in by_id:  # not family_pin.<id>.lockout
                values[HUB_FAMILY_PIN + by_id[int(rest)]] = value
        elif _is_shared(key):
            values[key] = value
    return values, ids


def note_local_changes(journal: Journal, state: SharedState | None = None) -> SharedState:
    """Stamp every shared setting changed here since the hub last had it (works offline)."""
    state = state or SharedState.load(journal)
    values, ids = local_shared(journal)
    changed = False
    for key in sorted(set(values) | set(state.settings) | set(state.pending)):
        if key.startswith(HUB_FAMILY_PIN) and key[len(HUB_FAMILY_PIN) :] not in ids:
            state.pending.pop(key, None)  # the person is gone here: their deletion says the rest
            continue
        value = values.get(key)
        current = state.pending.get(key) or state.settings.get(key)
        if (current[1] if current else None) == value:
            continue
        state.pending[key] = [state.next_stamp(journal), value]
        changed = True
    if changed:
        state.save(journal)
    return state


def push_settings(conn: psycopg.Connection, workshop: str, state: SharedState, origin: str) -> tuple[int, int]:
    """Send the settings edited here (inside the caller's hub transaction). Returns (sent, lost)."""
    if not state.pending:
        return 0, 0
    conn.execute(_LOCK, (workshop,))
    keys = sorted(state.pending)
    on_hub = {
        key: (value, int(stamp), origin_)
        for key, value, stamp, origin_ in conn.execute(
            "SELECT key, value, changed_stamp, origin FROM hub.settings WHERE key = ANY(%s) FOR NO KEY UPDATE", (keys,)
        )
    }
    lost = 0
    for key in keys:
        stamp, value = int(state.pending[key][0]), state.pending[key][1]
        base = state.settings.get(key, [None])[0]
        hub = on_hub.get(key)
        if hub is None or stamp > hub[1]:
            conn.execute(
                "INSERT INTO hub.settings AS s (workshop, key, value, changed_stamp, origin) VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (workshop, key) DO UPDATE SET value = excluded.value, "
                "changed_stamp = excluded.changed_stamp, origin = excluded.origin",
                (workshop, key, _jsonb(value), stamp, origin),
            )
            if hub is not None and base != hub[1] and hub[0] != value:
                lost += _log(conn, workshop, "setting", key, hub[1], hub[2], {"value": hub[0]}, stamp, origin)
        elif stamp < hub[1] and hub[0] != value:
            lost += _log(conn, workshop, "setting", key, stamp, origin, {"value": value}, hub[1], hub[2])
    return len(keys), lost


def settings_sent(state: SharedState, journal: Journal) -> None:
    """After the hub committed: what was pending is what the hub has (or has a later version of)."""
    for key, entry in state.pending.items():
        state.settings[key] = entry
    state.pending.clear()
    state.save(journal)


def pull_settings(journal: Journal, conn: psycopg.Connection, state: SharedState) -> int:
    """Apply the hub's settings that are newer than what this kiosk has. Returns how many."""
    applied = 0
    _, ids = local_shared(journal)
    for key, value, stamp in conn.execute("SELECT key, value, changed_stamp FROM hub.settings ORDER BY key"):
        stamp = int(stamp)
        known = state.settings.get(key)
        if known is not None and int(known[0]) >= stamp:
            continue
        mine = state.pending.get(key)
        if mine is not None and int(mine[0]) > stamp:
            continue  # an edit made here since the push: it goes out next round
        if key.startswith(HUB_FAMILY_PIN):
            person_id = ids.get(key[len(HUB_FAMILY_PIN) :])
            if person_id is None:
                continue  # not on this kiosk (yet): taken when the person is
            local_key = f"{FAMILY_PIN}{person_id}"
        elif _is_shared(key):
            local_key = key
        else:
            continue
        if value is None:
            journal.delete_setting(local_key)
        else:
            journal.set_setting(local_key, value)
        state.settings[key] = [stamp, value]
        state.pending.pop(key, None)
        applied += 1
    state.save(journal)
    return applied


# -- people and photos ------------------------------------------------------------------------------


def person_version(person: Person, photo_sha256: str | None) -> dict[str, Any]:
    return {
        "name": person.name,
        "language": person.language,
        "preferences": dict(person.preferences),
        "archived": bool(person.archived),
        "photo_sha256": photo_sha256,
    }


def photo_file(journal: Journal, person: Person) -> Path | None:
    """The person's photo when it can be shared (a JPEG or PNG file of at most 8 MB)."""
    path = journal.photo_path(person.photo)
    try:
        if path is None or path.suffix.lower() not in PHOTO_SUFFIXES or not path.is_file():
            return None
        if path.stat().st_size > MAX_PHOTO_BYTES:
            return None
    except OSError:
        return None
    return path


def photo_sha256(journal: Journal, person: Person) -> str | None:
    path = photo_file(journal, person)
    if path is None:
        return None
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


_PUSH_PEOPLE = (
    "INSERT INTO hub.people AS p (workshop, uuid, name, language, preferences, archived, changed_stamp, photo_sha256) "
    "SELECT %s, u, n, l, pr::jsonb, a, c, ph FROM unnest(%s::uuid[], %s::text[], %s::text[], %s::text[], "
    "%s::boolean[], %s::bigint[], %s::text[]) AS t(u, n, l, pr, a, c, ph) "
    "ON CONFLICT (workshop, uuid) DO UPDATE SET name = excluded.name, language = excluded.language, "
    "preferences = excluded.preferences, archived = excluded.archived, changed_stamp = excluded.changed_stamp, "
    "photo_sha256 = COALESCE(excluded.photo_sha256, p.photo_sha256) "
    "WHERE p.changed_stamp < excluded.changed_stamp"
)


@dataclass
class PeoplePush:
    sent: int = 0
    lost: int = 0
    known: dict[str, int] = field(default_factory=dict)  # to remember once the hub has committed


def push_people(
    journal: Journal, conn: psycopg.Connection, workshop: str, state: SharedState, origin: str
) -> PeoplePush:
    """Send the people added or edited here, with their photos (inside the caller's transaction).
    The losing side of a concurrent edit, either one, goes to ``hub.changes``."""
    result = PeoplePush()
    edited = [(p, stamp) for p, stamp in journal.person_stamps() if p.uuid and state.people.get(p.uuid) != stamp]
    if not edited:
        return result
    conn.execute(_LOCK, (workshop,))
    uuids = [p.uuid for p, _ in edited]
    # NO KEY UPDATE, not UPDATE: another kiosk's runs hold KEY SHARE locks on these rows (their
    # foreign key) until they commit, and FOR UPDATE waiting on them deadlocked (bench/hub.py).
    on_hub = {
        row[0]: row[1:]
        for row in conn.execute(
            "SELECT uuid::text, name, language, preferences, archived, photo_sha256, changed_stamp "
            "FROM hub.people WHERE uuid = ANY(%s::uuid[]) FOR NO KEY UPDATE",
            (uuids,),
        )
    }
    rows = []
    for person, stamp in edited:
        assert person.uuid is not None
        sha = _upload_photo(journal, conn, workshop, person)
        mine = person_version(person, sha)
        hub = on_hub.get(person.uuid)
        if hub is not None:
            theirs = {
                "name": hub[0],
                "language": hub[1],
                "preferences": dict(hub[2] or {}),
                "archived": bool(hub[3]),
                "photo_sha256": hub[4],
            }
            hub_stamp = int(hub[5])
            differs = _differs(mine, theirs)
            if stamp > hub_stamp and differs and state.people.get(person.uuid) != hub_stamp:
                theirs["kiosk_edit"] = True
                result.lost += _log(conn, workshop, "person", person.uuid, hub_stamp, "", theirs, stamp, origin)
            elif stamp < hub_stamp and differs:
                mine["kiosk"] = journal.device.name
                result.lost += _log(conn, workshop, "person", person.uuid, stamp, origin, mine, hub_stamp, "")
            result.known[person.uuid] = max(stamp, hub_stamp)
        else:
            result.known[person.uuid] = stamp
        rows.append((person.uuid, person.name, person.language, _text(person.preferences), person.archived, stamp, sha))
    conn.execute(_PUSH_PEOPLE, (workshop, *[list(column) for column in zip(*rows)]))
    result.sent = len(rows)
    return result


def people_sent(state: SharedState, journal: Journal, push: PeoplePush) -> None:
    """After the hub committed the people."""
    if push.known:
        state.people.update(push.known)
        state.save(journal)


def pull_people(journal: Journal, conn: psycopg.Connection, state: SharedState) -> int:
    """Take in the workshop's people the hub has newer versions of, with their photos."""
    local = {person.uuid: (person, stamp) for person, stamp in journal.person_stamps()}
    rows = conn.execute(
        "SELECT uuid::text, name, language, preferences, archived, changed_stamp, photo_sha256 "
        "FROM hub.people ORDER BY changed_stamp"
    ).fetchall()
    received = 0
    for person_uuid, name, language, preferences, archived, stamp, sha in rows:
        here = local.get(person_uuid)
        newer = here is None or here[1] < stamp
        if newer:
            person = journal.merge_person(
                person_uuid,
                name=name,
                language=language,
                preferences=preferences or {},
                archived=archived,
                changed_stamp=stamp,
            )
            if person is None:
                continue  # deleted here: never brought back
            received += 1
        else:
            assert here is not None
            person = here[0]
        if here is None or here[1] <= stamp:
            state.people[person_uuid] = int(stamp)
        if sha and (newer or not person.photo) and photo_sha256(journal, person) != sha:
            _download_photo(journal, conn, person, sha)
    state.save(journal)
    return received


def _upload_photo(journal: Journal, conn: psycopg.Connection, workshop: str, person: Person) -> str | None:
    path = photo_file(journal, person)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    sha = hashlib.sha256(data).hexdigest()
    if conn.execute("SELECT 1 FROM hub.photos WHERE sha256 = %s", (sha,)).fetchone() is None:
        conn.execute(
            "INSERT INTO hub.photos (workshop, sha256, suffix, data) VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (workshop, sha, path.suffix.lower(), data),
        )
    return sha


def _download_photo(journal: Journal, conn: psycopg.Connection, person: Person, sha: str) -> None:
    row = conn.execute("SELECT suffix, data FROM hub.photos WHERE sha256 = %s", (sha,)).fetchone()
    if row is None:
        return
    suffix, data = row
    if hashlib.sha256(bytes(data)).hexdigest() != sha:
        return  # never show a picture that is not the one named
    relative = f"people/hub-{sha[:20]}{suffix}"
    target = journal.path.parent / relative
    if not target.exists():
        write_bytes(target, bytes(data))
    old = journal.photo_path(person.photo)
    # the photo is the hub's version of this person: no new edit, so the stamp stays
    journal.db.write("UPDATE people SET photo = ? WHERE id = ?", (relative, person.id))
    _drop_unused_copy(journal, old)


def _drop_unused_copy(journal: Journal, path: Path | None) -> None:
    """A photo this kiosk fetched from the hub (``people/hub-*``) that nobody uses any more."""
    if path is None or not path.name.startswith("hub-") or path.parent != journal.path.parent / "people":
        return
    users = [p for p, _ in journal.person_stamps() if (q := journal.photo_path(p.photo)) is not None and q == path]
    if not users:
        try:
            path.unlink()
        except OSError:
            pass


# -- merges ---------------------------------------------------------------------------------------


def pull_merges(journal: Journal, conn: psycopg.Connection, state: SharedState) -> int:
    """Apply the hub's merges to the people this kiosk still has twice. Returns how many."""
    merged = 0
    for from_uuid, into_uuid in conn.execute("SELECT from_uuid::text, into_uuid::text FROM hub.merges"):
        gone = journal.person_by_uuid(from_uuid)
        if gone is None:
            continue
        kept = journal.person_by_uuid(into_uuid)
        if kept is None:
            row = conn.execute(
                "SELECT name, language, preferences, archived, changed_stamp FROM hub.people WHERE uuid = %s",
                (into_uuid,),
            ).fetchone()
            if row is None:
                continue  # the person kept was deleted since: the tombstones take both
            kept = journal.merge_person(
                into_uuid, name=row[0], language=row[1], preferences=row[2] or {}, archived=row[3], changed_stamp=0
            )
            if kept is None:
                continue
        move_person(journal, gone, kept, keep_plan=_plan_edited_here(journal, from_uuid, state))
        state.people.pop(from_uuid, None)
        state.plans.pop(from_uuid, None)
        state.plan_removals.pop(from_uuid, None)
        merged += 1
    if merged:
        state.save(journal)
    return merged


def _plan_edited_here(journal: Journal, person_uuid: str, state: SharedState) -> bool:
    """The person's plan here is an edit the hub has not had (so a merge must not drop it)."""
    known = state.plans.get(person_uuid)
    return any(u == person_uuid and (known is None or int(known[0]) != stamp) for u, stamp, _ in journal.plan_stamps())


def move_person(journal: Journal, gone: Person, kept: Person, *, keep_plan: bool = False) -> None:
    """Everything of ``gone`` on this kiosk becomes ``kept``'s, in one transaction: runs (the open
    one too), plan events, per-person settings the kept person has not got, the photo when kept has
    none; then ``gone`` is removed with a tombstone the hub already has (so it is never brought
    back). ``gone``'s day plan goes with them (the hub's merge decided the kept person's plan, and
    the next pull brings it), unless ``keep_plan`` (an edit made here the hub never saw) and kept has
    none here: then it becomes kept's, and is sent as an edit of kept's plan."""
    with journal.db.transaction() as db:
        db.execute("UPDATE runs SET person_id = ? WHERE person_id = ?", (kept.id, gone.id))
        db.execute("UPDATE plan_events SET person_id = ? WHERE person_id = ?", (kept.id, gone.id))
        if keep_plan:
            db.execute(
                "UPDATE plans SET person_id = ? WHERE person_id = ? "
                "AND NOT EXISTS (SELECT 1 FROM plans WHERE person_id = ?)",
                (kept.id, gone.id, kept.id),
            )
        rows = db.execute(
            "SELECT key, value FROM settings WHERE key GLOB ? OR key GLOB ?", (f"*.{gone.id}", f"*.{gone.id}.*")
        ).fetchall()
        for key, value in rows:
            parts = key.split(".")
            if len(parts) < 2 or parts[1] != str(gone.id):
                continue
            parts[1] = str(kept.id)
            db.execute("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", (".".join(parts), value))
            db.execute("DELETE FROM settings WHERE key = ?", (key,))
        if gone.photo and not kept.photo:
            db.execute("UPDATE people SET photo = ? WHERE id = ?", (gone.photo, kept.id))
        db.execute(
            "INSERT INTO tombstones (uuid, deleted_at_ms, on_hub) VALUES (?, ?, 1) ON CONFLICT (uuid) DO NOTHING",
            (gone.uuid, int(time.time() * 1000)),
        )
        db.execute("DELETE FROM people WHERE id = ?", (gone.id,))
    if gone.photo and kept.photo:
        _drop_unused_copy(journal, journal.photo_path(gone.photo))


# -- helpers --------------------------------------------------------------------------------------


def _log(
    conn: psycopg.Connection,
    workshop: str,
    kind: str,
    subject: str,
    stamp: int,
    origin: str,
    version: Mapping[str, Any],
    winner_stamp: int,
    winner_origin: str,
) -> int:
    """Keep a losing version in the change log (once: the key includes its stamp and origin)."""
    cursor = conn.execute(
        "INSERT INTO hub.changes (workshop, kind, subject, stamp, origin, version, winner_stamp, winner_origin) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (workshop, kind, subject, stamp, origin, Jsonb(dict(version)), winner_stamp, winner_origin),
    )
    return cursor.rowcount


def _differs(mine: Mapping[str, Any], theirs: Mapping[str, Any]) -> bool:
    for key in ("name", "language", "preferences", "archived"):
        if mine[key] != theirs[key]:
            return True
    return bool(mine["photo_sha256"] and mine["photo_sha256"] != theirs["photo_sha256"])


def _jsonb(value: Any) -> Jsonb | None:
    return None if value is None else Jsonb(value)


def _text(value: Any) -> str:
    return json.dumps(dict(value), ensure_ascii=False, sort_keys=True)
