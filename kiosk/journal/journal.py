"""``Journal``: the durable record of people, runs and every step event on this kiosk.

Every method that records something returns only after the record is committed to the
write-ahead log and fsync'ed (``synchronous=FULL``): if the power goes a moment later, the record
is still there. Storage trouble (full, read-only, missing or damaged) raises ``JournalError``
with plain words for the trainer; the UI shows the step anyway.

One ``Journal`` belongs to the thread that opened it. A progress view in another thread opens its
own ``Journal`` on the same file and reads while the kiosk writes.
"""

from __future__ import annotations

import json
import re
import uuid as uuidlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from kiosk.journal.db import Database
from kiosk.journal.errors import JournalError, storage_errors
from kiosk.journal.schema import furthest_step_sql, help_by_step_sql
from kiosk.journal.model import (
    EVENTS,
    FINISH_OUTCOMES,
    Clock,
    Device,
    Person,
    Run,
    StepEvent,
    from_ms,
    to_ms,
    utc_now,
)

_PERSON_COLUMNS = "id, name, photo, language, preferences, archived, uuid"
_RUN_COLUMNS = (
    "r.id, r.person_id, r.pack_id, r.pack_version, r.content_hash, r.device_id, r.started_at_ms, "
    "r.ended_at_ms, r.outcome, r.resumed_from, r.step_count, "
    "(SELECT e.step_number FROM step_events e WHERE e.run_id = r.id AND e.event = 'shown' "
    " ORDER BY e.id DESC LIMIT 1), r.uuid"
)
_EVENT_COLUMNS = "id, run_id, step_number, event, at_ms, duration_ms, uuid"
# Written when a run ends (its events are final then): what progress needs, so that progress never
# has to read events (schema migration 4).
_RUN_SUMMARY = (
    f"furthest_step = {furthest_step_sql('runs.id')}, help_by_step = {help_by_step_sql('runs.id')}, "
    "support_level = (SELECT MAX(level) FROM step_events WHERE run_id = runs.id)"
)
#: The trainer's problem list (kept by the UI, ``kiosk.ui.problems``): scrubbed of a deleted person.
PROBLEMS_SETTING = "ui.problems"
#: When this kiosk last had every run the other kiosks of its workshop had sent to the hub (epoch
#: ms; ``import_runs``' caller, the hub sync, sets it): the "updated 10:42" of the progress views.
#: Never set: the journal holds this kiosk's runs only.
PULLED_AT_SETTING = "hub.sync.pulled_at_ms"
#: Runs this kiosk recorded itself (not copies of other kiosks' runs): exports, the sync's push,
#: crash recovery and resuming touch only these. A NULL device is this kiosk's (migration 2 gave
#: every older run this device; only hub-made journals can hold a run without one).
OWN_RUN_SQL = "(r.device_id IS NULL OR r.device_id = (SELECT id FROM devices WHERE this_device = 1))"
#: Plan events this kiosk recorded itself (not copies pulled from the hub, which name their kiosk):
#: exports and the sync's push read only these (journal migration 8). Needs the alias ``e``.
OWN_PLAN_EVENT_SQL = "(e.device_id IS NULL OR e.device_id = (SELECT id FROM devices WHERE this_device = 1))"
#: The latest plan stamp this journal has seen that no plan here carries any more (a removal, from
#: the hub or made here), so that a plan made again after a removal still orders after it.
PLAN_CLOCK_SETTING = "hub.sync.plan_clock"
#: The hybrid logical clock stamp of an edit of a plan (``kiosk.plan.store``): the time in ms (the
#: parameter), but past every plan stamp this journal has seen, pulled ones and removals included.
NEXT_PLAN_STAMP_SQL = (
    "MAX(?, (SELECT COALESCE(MAX(changed_stamp), 0) + 1 FROM plans), "
    f"COALESCE((SELECT CAST(value AS INTEGER) + 1 FROM settings WHERE key = '{PLAN_CLOCK_SETTING}'), 0))"
)
_UPDATABLE_PERSON_FIELDS = frozenset({"name", "photo", "language", "preferences", "archived"})
# The hybrid logical clock stamp of an edit of a person (docs/hub.md): the wall clock in
# milliseconds, but always past every stamp this journal has seen (its own edits and those pulled
# from the hub), so a tablet whose clock runs behind still orders its edit after the one it saw.
_NEXT_STAMP = "MAX(?, (SELECT COALESCE(MAX(changed_stamp), 0) + 1 FROM people))"

# An event is stored only when its run is open and the step number fits the pack: one statement,
# so the check costs no extra round trip and cannot race with finish_run.
_INSERT_EVENT = (
    "INSERT INTO step_events (run_id, step_number, event, at_ms, duration_ms, uuid, level) "
    "SELECT id, ?, ?, ?, ?, ?, ? FROM runs WHERE id = ? AND outcome IS NULL "
    "AND (step_count IS NULL OR step_count >= ?)"
)


@dataclass(frozen=True)
class PulledRun:
    """A run another kiosk of the workshop recorded, as the hub gives it (``hub.workshop_runs``): its
    summary only (what progress reads), never its step events."""

    uuid: str
    person_uuid: str
    device_uuid: str | None
    device_name: str | None
    pack_id: str
    pack_version: int
    content_hash: str
    started_at_ms: int
    ended_at_ms: int
    outcome: str
    resumed_from: str | None  # the UUID of the interrupted run it continues (on the same kiosk)
    step_count: int | None
    furthest_step: int | None
    help_by_step: str | None  # JSON [[step, help events], ...]
    support_level: int | None


@dataclass(frozen=True)
class RunsImported:
    """What ``Journal.import_runs`` did."""

    added: int  # runs new to this journal
    unknown_people: tuple[str, ...]  # person UUIDs not (yet) here and not deleted here: runs left out


@dataclass(frozen=True)
class PulledPlanEvent:
    """A day-plan event another kiosk of the workshop recorded, as the hub gives it."""

    uuid: str
    person_uuid: str
    device_uuid: str
    device_name: str | None
    day: str  # the worker's local day, YYYY-MM-DD
    item_id: str
    event: str
    at_ms: int
    due_at_ms: int | None
    run_uuid: str | None


@dataclass(frozen=True)
class PersonDeleted:
    """What ``Journal.delete_person`` removed."""

    person: Person
    runs: int
    events: int
    photo_deleted: Path | None  # the photo file that was removed
    photo_kept: Path | None  # a photo outside the data folder, left in place
    traces_cleared: bool = True  # False: another program had the journal open; old copies of the
    # deleted pages stay in its log until the journal is next cleared


class Journal:
    """The kiosk's journal file. Open with ``Journal.open(path)``; close when done (or use ``with``)."""

    def __init__(self, database: Database, clock: Clock = utc_now) -> None:
        self.db = database
        self._now = clock
        self._device = self._load_this_device()

    @classmethod
    def open(cls, path: Path | str, *, clock: Clock = utc_now, create: bool = True) -> "Journal":
        """Open the journal at ``path``, migrating it, and creating it when missing and ``create``.
        ``clock`` returns aware UTC datetimes (tests inject a fake one). An existing file that is
        not a whole journal raises ``JournalError(kind="damaged")`` and is left untouched."""
        return cls._wrap(Database.open(path, create=create), clock)

    @classmethod
    def open_read_only(cls, path: Path | str, *, clock: Clock = utc_now) -> "Journal":
        """Open an existing, up-to-date journal only to read it (lists, exports, reports, and the
        kiosk on full or write-protected storage). Never creates, migrates or writes; every write
        raises ``JournalError(kind="read_only")``."""
        return cls._wrap(Database.open_read_only(path), clock)

    @classmethod
    def open_in_memory(cls, *, clock: Clock = utc_now, device: tuple[str, str] | None = None) -> "Journal":
        """A journal kept in memory only (nothing survives the process): see ``Database.open_in_memory``.
        ``device`` (id, name) makes it another kiosk's journal rebuilt (the hub's exports): that
        kiosk is "this device" there, so its runs are the journal's own runs."""
        database = Database.open_in_memory()
        if device is not None:
            try:
                database.write("UPDATE devices SET id = ?, name = ? WHERE this_device = 1", device)
            except BaseException:
                database.close()
                raise
        return cls._wrap(database, clock)

    @classmethod
    def _wrap(cls, database: Database, clock: Clock) -> "Journal":
        try:
            return cls(database, clock)
        except BaseException:
            database.close()
            raise

    @property
    def path(self) -> Path:
        return self.db.path

    @property
    def device(self) -> Device:
        """This kiosk, as recorded on every run it starts."""
        return self._device

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Journal":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def now(self) -> datetime:
        """The journal's clock (the injected one in tests)."""
        return self._now()

    def _now_ms(self) -> int:
        return to_ms(self._now())

    # -- people --------------------------------------------------------------------------------

    def add_person(
        self,
        name: str,
        photo: str | Path | None = None,
        language: str = "en",
        preferences: Mapping[str, Any] | None = None,
    ) -> Person:
        """Add someone to the kiosk. ``name`` is the display name; keep it to what the kiosk shows.
        The person gets a new UUID: the same worker on another kiosk is this person only when that
        kiosk gets them from the hub (``merge_person``), never by having the same name."""
        name = _clean_name(name)
        cursor = self.db.write(
            f"INSERT INTO people (name, photo, language, preferences, uuid, changed_stamp) "
            f"VALUES (?, ?, ?, ?, ?, {_NEXT_STAMP})",
            # A new UUID has no rival edit anywhere, so the clock's part of the stamp is not needed.
            (name, _photo_text(photo), language, _json(dict(preferences or {})), str(uuidlib.uuid4()), 0),
        )
        return self._require_person(int(cursor.lastrowid))

    def person_by_uuid(self, person_uuid: str) -> Person | None:
        """The person with this global id (see docs/hub.md), or None."""
        row = self.db.read_one(f"SELECT {_PERSON_COLUMNS} FROM people WHERE uuid = ?", (str(person_uuid),))
        return _person(row) if row else None

    def merge_person(
        self,
        person_uuid: str,
        *,
        name: str,
        language: str = "en",
        preferences: Mapping[str, Any] | None = None,
        archived: bool = False,
        changed_stamp: int = 0,
    ) -> Person | None:
        """Take in a person from the hub: add them, or apply the hub's version when its
        ``changed_stamp`` is later than this kiosk's last edit (last writer wins, by the hybrid
        logical clock). A person deleted here (a tombstone) is never brought back: returns None.
        The photo stays this kiosk's own."""
        person_uuid = str(uuidlib.UUID(str(person_uuid)))
        name = _clean_name(name)
        with self.db.transaction() as db:
            if db.execute("SELECT 1 FROM tombstones WHERE uuid = ?", (person_uuid,)).fetchone():
                return None
            values = (name, language or "en", _json(dict(preferences or {})), int(bool(archived)), int(changed_stamp))
            db.execute(
                "INSERT INTO people (name, language, preferences, archived, changed_stamp, uuid) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (uuid) DO UPDATE SET name = excluded.name, "
                "language = excluded.language, preferences = excluded.preferences, archived = excluded.archived, "
                "changed_stamp = excluded.changed_stamp WHERE excluded.changed_stamp > people.changed_stamp",
                (*values, person_uuid),
            )
        return self.person_by_uuid(person_uuid)

    def person_stamps(self) -> list[tuple[Person, int]]:
        """Every person (archived too) with the stamp of their last edit, for the hub's sync."""
        rows = self.db.read(f"SELECT {_PERSON_COLUMNS}, changed_stamp FROM people ORDER BY id")
        return [(_person(row[:-1]), int(row[-1])) for row in rows]

    def tombstones(self, *, waiting_only: bool = False) -> list[str]:
        """UUIDs of people deleted on this kiosk or through the hub; ``waiting_only``: those the
        hub has not confirmed yet."""
        where = "WHERE on_hub = 0" if waiting_only else ""
        return [row[0] for row in self.db.read(f"SELECT uuid FROM tombstones {where} ORDER BY deleted_at_ms, uuid")]

    def tombstones_on_hub(self, uuids: Iterable[str]) -> None:
        """The hub has committed these deletions: they need not be sent again."""
        with self.db.transaction() as db:
            db.executemany("UPDATE tombstones SET on_hub = 1 WHERE uuid = ?", [(str(u),) for u in uuids])

    def people(self, include_archived: bool = False) -> list[Person]:
        """People in name order; archived people only when asked."""
        where = "" if include_archived else "WHERE archived = 0"
        rows = self.db.read(f"SELECT {_PERSON_COLUMNS} FROM people {where} ORDER BY name COLLATE NOCASE, id")
        return [_person(row) for row in rows]

    def person(self, person_id: int) -> Person | None:
        """The person with this id, or None when there is none."""
        row = self.db.read_one(f"SELECT {_PERSON_COLUMNS} FROM people WHERE id = ?", (person_id,))
        return _person(row) if row else None

    def update_person(self, person_id: int, **fields: Any) -> Person:
        """Change some of name, photo, language, preferences, archived. Raises KeyError for an
        unknown person and TypeError for an unknown field."""
        unknown = set(fields) - _UPDATABLE_PERSON_FIELDS
        if unknown:
            raise TypeError(f"cannot update {', '.join(sorted(unknown))}; allowed: {sorted(_UPDATABLE_PERSON_FIELDS)}")
        if not fields:
            return self._require_person(person_id)
        values: dict[str, Any] = dict(fields)
        if "name" in values:
            values["name"] = _clean_name(values["name"])
        if "photo" in values:
            values["photo"] = _photo_text(values["photo"])
        if "preferences" in values:
            values["preferences"] = _json(dict(values["preferences"] or {}))
        if "archived" in values:
            values["archived"] = int(bool(values["archived"]))
        assignments = ", ".join(f"{column} = ?" for column in values)
        cursor = self.db.write(
            f"UPDATE people SET {assignments}, changed_stamp = {_NEXT_STAMP} WHERE id = ?",
            (*values.values(), self._now_ms(), person_id),
        )
        if cursor.rowcount == 0:
            raise KeyError(f"no person with id {person_id}")
        return self._require_person(person_id)

    def archive_person(self, person_id: int) -> Person:
        """Hide someone from the people screen while keeping their history."""
        return self.update_person(person_id, archived=True)

    def delete_person(self, person_id: int, *, hub_has_it: bool = False) -> "PersonDeleted":
        """Erase a person and everything recorded about them: runs, step events, and their photo
        file when it lives in the data folder. Deleted rows are overwritten (secure_delete), the
        write-ahead log is emptied and the file is vacuumed, so nothing lingers in free space.

        A tombstone (the person's UUID, nothing else) is kept in the same transaction, so the
        deletion reaches the hub and every other kiosk at their next sync, and the hub cannot bring
        the person back. ``hub_has_it``: the deletion came from the hub, nothing to send."""
        person = self._require_person(person_id)
        with self.db.transaction() as db:
            if person.uuid:
                db.execute(
                    "INSERT INTO tombstones (uuid, deleted_at_ms, on_hub) VALUES (?, ?, ?) "
                    "ON CONFLICT (uuid) DO UPDATE SET on_hub = MAX(on_hub, excluded.on_hub)",
                    (person.uuid, self._now_ms(), int(hub_has_it)),
                )
            runs, events = db.execute(
                "SELECT COUNT(DISTINCT r.id), COUNT(e.id) FROM runs r LEFT JOIN step_events e ON e.run_id = r.id "
                "WHERE r.person_id = ?",
                (person_id,),
            ).fetchone()
            db.execute("DELETE FROM people WHERE id = ?", (person_id,))  # runs and events cascade
            for key in self._person_setting_keys(db, person_id):
                db.execute("DELETE FROM settings WHERE key = ?", (key,))
            self._forget_in_problems(db, person)
            shared = self._photo_users(db, person.photo)
        if shared:  # someone else uses the same file: it is theirs too, so it stays
            photo_deleted, photo_kept = None, self.photo_path(person.photo)
        else:
            photo_deleted, photo_kept = self._delete_photo(person.photo)
        return PersonDeleted(
            person=person,
            runs=runs,
            events=events,
            photo_deleted=photo_deleted,
            photo_kept=photo_kept,
            traces_cleared=self._clear_traces(),
        )

    def _photo_users(self, db: Any, photo: str | None) -> int:
        """How many (other, remaining) people use the same photo file."""
        path = self.photo_path(photo)
        if path is None:
            return 0
        target = path.resolve()
        rows = db.execute("SELECT photo FROM people WHERE photo IS NOT NULL").fetchall()
        return sum(1 for (other,) in rows if (p := self.photo_path(other)) is not None and p.resolve() == target)

    @staticmethod
    def _forget_in_problems(db: Any, person: Person) -> None:
        """Trainer problem records that name the person or their photo go with them."""
        row = db.execute("SELECT value FROM settings WHERE key = ?", (PROBLEMS_SETTING,)).fetchone()
        if not row:
            return
        try:
            problems = json.loads(row[0])
        except (TypeError, ValueError):
            problems = None
        if not isinstance(problems, list):
            return
        marks = [m for m in (person.photo, Path(person.photo).name if person.photo else None) if m]
        name_pattern = re.compile(rf"(?<!\w){re.escape(person.name)}(?!\w)") if person.name else None

        def mentions(entry: Any) -> bool:
            text = json.dumps(entry, ensure_ascii=False)
            return any(mark in text for mark in marks) or bool(name_pattern and name_pattern.search(text))

        kept = [entry for entry in problems if not mentions(entry)]
        if len(kept) != len(problems):
            db.execute("UPDATE settings SET value = ? WHERE key = ?", (_json(kept), PROBLEMS_SETTING))

    def _clear_traces(self) -> bool:
        """Empty the write-ahead log (it holds page images from before the deletion) and vacuum.
        The deletion itself is already committed; if another program is reading the journal right
        now (a running kiosk), this cannot finish, and False says so."""
        try:
            cleared = self.db.checkpoint_and_truncate()
            self.db.vacuum()
            return self.db.checkpoint_and_truncate() and cleared
        except JournalError:
            return False

    def person_settings(self, person_id: int) -> dict[str, Any]:
        """Settings that belong to one person: keys ``<topic>.<person id>`` and
        ``<topic>.<person id>.<detail>`` (for example ``family_pin.7``). They are exported and
        deleted with the person; every other key is device-wide."""
        keys = self._person_setting_keys(self.db.connection, person_id)
        return {key: self.get_setting(key) for key in keys}

    @staticmethod
    def _person_setting_keys(db: Any, person_id: int) -> list[str]:
        with_id = f"*.{int(person_id)}"
        rows = db.execute(
            "SELECT key FROM settings WHERE key GLOB ? OR key GLOB ? ORDER BY key", (with_id, with_id + ".*")
        ).fetchall()
        return [key for (key,) in rows if key.split(".")[1:2] == [str(int(person_id))]]

    def photo_path(self, photo: str | None) -> Path | None:
        """Where a person's photo file is: relative paths are inside the data folder (the
        journal's folder)."""
        if not photo:
            return None
        path = Path(photo)
        return path if path.is_absolute() else self.path.parent / path

    def _delete_photo(self, photo: str | None) -> tuple[Path | None, Path | None]:
        """Delete the photo when it is inside the data folder; a photo elsewhere (a shared picture
        folder, a sample asset) is not ours to delete, so it is reported as kept."""
        path = self.photo_path(photo)
        if path is None or not path.exists():
            return None, None
        data_root = self.path.parent.resolve()
        if not path.resolve().is_relative_to(data_root):
            return None, path
        with storage_errors(path):
            path.unlink()
        return path, None

    def _require_person(self, person_id: int) -> Person:
        person = self.person(person_id)
        if person is None:
            raise KeyError(f"no person with id {person_id}")
        return person

    # -- runs and step events ------------------------------------------------------------------

    def start_run(
        self,
        person_id: int,
        pack_id: str,
        pack_version: int,
        content_hash: str,
        step_count: int | None = None,
    ) -> int:
        """Open a run and return its id. ``step_count`` (the pack's number of steps) makes progress
        exact for runs that end early; without it the furthest step seen is used."""
        if step_count is not None and step_count < 1:
            raise ValueError(f"step_count must be at least 1, not {step_count}")
        if self.person(person_id) is None:
            raise KeyError(f"no person with id {person_id}")
        cursor = self.db.write(
            "INSERT INTO runs (person_id, pack_id, pack_version, content_hash, device_id, started_at_ms, step_count, "
            "uuid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                person_id,
                pack_id,
                pack_version,
                content_hash,
                self._device.id,
                self._now_ms(),
                step_count,
                str(uuidlib.uuid4()),
            ),
        )
        return int(cursor.lastrowid)

    def record_step(
        self, run_id: int, step_number: int, event: str, duration_ms: int | None = None, level: int | None = None
    ) -> int:
        """Record one step event in an open run; returns the event id once it is durable.
        ``level`` is the support level the step was shown at (0 grouped, 1 reduced, 2 full).

        Raises ValueError for an unknown event, a step outside the pack or a run that has ended,
        KeyError for an unknown run, and JournalError when the storage fails.
        """
        if level is not None and level not in (0, 1, 2):
            raise ValueError(f"a support level is 0, 1 or 2, not {level!r}")
        if event not in EVENTS:
            raise ValueError(f"unknown event {event!r}; expected one of {', '.join(EVENTS)}")
        if step_number < 1:
            raise ValueError(f"step numbers start at 1, not {step_number}")
        if duration_ms is not None:
            if duration_ms < 0:
                raise ValueError(f"duration_ms cannot be negative ({duration_ms})")
            duration_ms = round(duration_ms)
        cursor = self.db.write(
            _INSERT_EVENT,
            (step_number, event, self._now_ms(), duration_ms, str(uuidlib.uuid4()), level, run_id, step_number),
        )
        if cursor.rowcount != 1:
            self._explain_rejected_event(run_id, step_number)
        return int(cursor.lastrowid)

    def record_help_answered(self, run_id: int, step_number: int, waited_ms: int) -> int:
        """A coach answered the help call at this step after ``waited_ms``; durable on return."""
        if waited_ms < 0 or step_number < 1:
            raise ValueError("a help call needs a step number from 1 and a wait of 0 or more")
        if self.run(run_id) is None:
            raise KeyError(f"no run with id {run_id}")
        cursor = self.db.write(
            "INSERT INTO help_calls (run_id, step_number, answered_at_ms, waited_ms) VALUES (?, ?, ?, ?)",
            (run_id, step_number, self._now_ms(), int(waited_ms)),
        )
        return int(cursor.lastrowid)

    def help_calls(self, run_id: int) -> list[tuple[int, int]]:
        """(step number, wait in ms) of a run's answered help calls, in order."""
        return [
            (step, waited)
            for step, waited in self.db.read(
                "SELECT step_number, waited_ms FROM help_calls WHERE run_id = ? ORDER BY id", (run_id,)
            )
        ]

    def _explain_rejected_event(self, run_id: int, step_number: int) -> None:
        run = self.run(run_id)
        if run is None:
            raise KeyError(f"no run with id {run_id}")
        if run.outcome is not None:
            raise ValueError(f"run {run_id} has ended ({run.outcome}); start or resume a run to record steps")
        raise ValueError(f"step {step_number} is beyond the {run.step_count} steps of run {run_id}")

    def finish_run(self, run_id: int, outcome: str = "finished") -> None:
        """Close an open run as finished or abandoned."""
        if outcome not in FINISH_OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(FINISH_OUTCOMES)}, not {outcome!r}")
        cursor = self.db.write(
            f"UPDATE runs SET outcome = ?, ended_at_ms = ?, {_RUN_SUMMARY} WHERE id = ? AND outcome IS NULL",
            (outcome, self._now_ms(), run_id),
        )
        if cursor.rowcount != 1:
            run = self.run(run_id)
            if run is None:
                raise KeyError(f"no run with id {run_id}")
            raise ValueError(f"run {run_id} has already ended ({run.outcome})")

    def recover_interrupted(self) -> list[Run]:
        """At start-up: every run of this kiosk still open was cut short (crash, power loss). Mark
        them ``interrupted``, ending when their last event was recorded, and return them. Another
        kiosk's run is never touched: whether it is still going there is that kiosk's to say."""
        with self.db.transaction() as db:
            open_ids = [
                row[0]
                for row in db.execute(
                    f"SELECT r.id FROM runs r WHERE r.outcome IS NULL AND {OWN_RUN_SQL} ORDER BY r.id"
                )
            ]
            for run_id in open_ids:
                _mark_interrupted(db, run_id)
        return [run for run_id in open_ids if (run := self.run(run_id)) is not None]

    def resumable_run(self, person_id: int) -> Run | None:
        """The run to offer to continue: this person's latest run, if it was interrupted.

        Its ``last_shown_step`` is where to pick up (None: nothing was shown yet, start at step 1).
        A later run of any pack, on any kiosk, means the person moved on, so nothing is offered. A
        run of another kiosk (pulled from the hub) is never offered: it is resumed there or not at
        all. Call ``recover_interrupted`` at start-up first; runs still open are not offered.
        """
        row = self.db.read_one(
            f"SELECT {_RUN_COLUMNS} FROM runs r WHERE r.person_id = ? ORDER BY r.started_at_ms DESC, r.id DESC LIMIT 1",
            (person_id,),
        )
        if row is None:
            return None
        run = _run(row)
        own = run.device_id is None or run.device_id == self._device.id
        return run if run.outcome == "interrupted" and own else None

    def resume_run(self, run_id: int) -> int:
        """Start a new run that continues an interrupted one (same person, pack, version and
        content), linked to it by ``resumed_from``; returns the new run's id. A run still open is
        first marked interrupted. Progress counts the two as one attempt. Only runs of this kiosk:
        another kiosk's run (a copy from the hub) raises ValueError and is left as it is."""
        with self.db.transaction() as db:
            row = db.execute(
                "SELECT person_id, pack_id, pack_version, content_hash, step_count, outcome, device_id FROM runs "
                "WHERE id = ?",
                (run_id,),
            ).fetchone()
            if row is None:
                raise KeyError(f"no run with id {run_id}")
            person_id, pack_id, pack_version, content_hash, step_count, outcome, device_id = row
            if device_id is not None and device_id != self._device.id:
                raise ValueError(f"run {run_id} was recorded on another kiosk; it can only be resumed there")
            if outcome is None:
                _mark_interrupted(db, run_id)
            elif outcome != "interrupted":
                raise ValueError(f"run {run_id} ended as {outcome}; only interrupted runs can be resumed")
            successor = db.execute("SELECT id FROM runs WHERE resumed_from = ?", (run_id,)).fetchone()
            if successor is not None:
                raise ValueError(f"run {run_id} was already resumed by run {successor[0]}")
            cursor = db.execute(
                "INSERT INTO runs (person_id, pack_id, pack_version, content_hash, device_id, started_at_ms, "
                "step_count, resumed_from, uuid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    person_id,
                    pack_id,
                    pack_version,
                    content_hash,
                    self._device.id,
                    self._now_ms(),
                    step_count,
                    run_id,
                    str(uuidlib.uuid4()),
                ),
            )
            return int(cursor.lastrowid)

    def run(self, run_id: int) -> Run | None:
        row = self.db.read_one(f"SELECT {_RUN_COLUMNS} FROM runs r WHERE r.id = ?", (run_id,))
        return _run(row) if row else None

    def runs(self, person_id: int | None = None) -> list[Run]:
        """Runs in the order they started, of one person or of everyone."""
        where, params = ("WHERE r.person_id = ?", (person_id,)) if person_id is not None else ("", ())
        rows = self.db.read(f"SELECT {_RUN_COLUMNS} FROM runs r {where} ORDER BY r.started_at_ms, r.id", params)
        return [_run(row) for row in rows]

    def events(self, run_id: int) -> list[StepEvent]:
        """A run's step events in the order they were recorded."""
        rows = self.db.read(f"SELECT {_EVENT_COLUMNS} FROM step_events WHERE run_id = ? ORDER BY id", (run_id,))
        return [_event(row) for row in rows]

    # -- runs of other kiosks ------------------------------------------------------------------

    def import_runs(self, runs: Iterable[PulledRun]) -> RunsImported:
        """Keep copies of runs other kiosks of the workshop recorded (from the hub), so progress,
        mastery, the family view and the report count every kiosk's runs, offline too.

        Idempotent by the run's UUID (a run read twice is added once); in one transaction. A copy
        belongs to its own kiosk (a ``devices`` row with ``this_device = 0``) and has no step
        events: exports, the sync's push, crash recovery and resuming leave it alone, and it goes
        with its person (``delete_person``, a merge). Runs of this kiosk are never taken in; runs
        of a person deleted here are dropped; runs of a person not here yet are left out and named
        in ``unknown_people`` (the caller reads them again once it has the person)."""
        added = 0
        unknown: set[str] = set()
        now_ms = self._now_ms()
        with self.db.transaction() as db:
            people = dict(db.execute("SELECT uuid, id FROM people WHERE uuid IS NOT NULL").fetchall())
            deleted: dict[str, bool] = {}
            devices: set[str] = set()
            links: list[tuple[str, str]] = []  # (the run continued, the piece continuing it)
            for run in runs:
                if run.device_uuid is not None and run.device_uuid == self._device.id:
                    continue
                person_id = people.get(run.person_uuid)
                if person_id is None:
                    if run.person_uuid not in deleted:
                        deleted[run.person_uuid] = bool(
                            db.execute("SELECT 1 FROM tombstones WHERE uuid = ?", (run.person_uuid,)).fetchone()
                        )
                    if not deleted[run.person_uuid]:
                        unknown.add(run.person_uuid)
                    continue
                if run.device_uuid is not None and run.device_uuid not in devices:
                    db.execute(
                        "INSERT INTO devices (id, name, created_at_ms, this_device) VALUES (?, ?, ?, 0) "
                        "ON CONFLICT (id) DO UPDATE SET name = excluded.name WHERE devices.this_device = 0",
                        (run.device_uuid, run.device_name or "kiosk", now_ms),
                    )
                    devices.add(run.device_uuid)
                cursor = db.execute(
                    "INSERT INTO runs (uuid, person_id, device_id, pack_id, pack_version, content_hash, started_at_ms, "
                    "ended_at_ms, outcome, resumed_from, step_count, furthest_step, help_by_step, support_level) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT id FROM runs WHERE uuid = ?), ?, ?, ?, ?) "
                    "ON CONFLICT (uuid) DO NOTHING",
                    (
                        run.uuid,
                        person_id,
                        run.device_uuid,
                        run.pack_id,
                        run.pack_version,
                        run.content_hash,
                        run.started_at_ms,
                        run.ended_at_ms,
                        run.outcome,
                        run.resumed_from,
                        run.step_count,
                        run.furthest_step,
                        _compact_json(run.help_by_step),
                        run.support_level,
                    ),
                )
                added += cursor.rowcount
                if run.resumed_from is not None:
                    links.append((run.resumed_from, run.uuid))
            # a piece that came before the run it continues is linked now that both are here
            db.executemany(
                "UPDATE runs SET resumed_from = (SELECT p.id FROM runs p WHERE p.uuid = ?) "
                "WHERE uuid = ? AND resumed_from IS NULL",
                links,
            )
        return RunsImported(added, tuple(sorted(unknown)))

    # -- day plans shared through the hub --------------------------------------------------------

    def plan_stamps(self) -> list[tuple[str, int, str]]:
        """(person uuid, stamp of the last edit, document) of every plan here, for the hub's sync."""
        rows = self.db.read(
            "SELECT p.uuid, pl.changed_stamp, pl.document FROM plans pl JOIN people p ON p.id = pl.person_id "
            "WHERE p.uuid IS NOT NULL ORDER BY p.id"
        )
        return [(str(u), int(stamp), str(document)) for u, stamp, document in rows]

    def merge_plan(self, person_uuid: str, document: str | None, changed_stamp: int) -> bool:
        """Take in the hub's version of a worker's plan (``None``: the plan was removed) when its
        stamp is later than this kiosk's last edit of it (last writer wins, by the hybrid logical
        clock). True when it was applied; a person not here (or deleted here) is left alone."""
        with self.db.transaction() as db:
            _see_plan_stamp(db, int(changed_stamp))
            row = db.execute("SELECT id FROM people WHERE uuid = ?", (str(person_uuid),)).fetchone()
            if row is None:
                return False
            if document is None:
                cursor = db.execute(
                    "DELETE FROM plans WHERE person_id = ? AND changed_stamp < ?", (row[0], int(changed_stamp))
                )
            else:
                cursor = db.execute(
                    "INSERT INTO plans (person_id, document, changed_at_ms, changed_stamp) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (person_id) DO UPDATE SET document = excluded.document, "
                    "changed_at_ms = excluded.changed_at_ms, changed_stamp = excluded.changed_stamp "
                    "WHERE excluded.changed_stamp > plans.changed_stamp",
                    (row[0], document, self._now_ms(), int(changed_stamp)),
                )
            return cursor.rowcount > 0

    def next_plan_stamp(self) -> int:
        """A stamp for an edit of a plan made now (a removal: ``kiosk.hub.plans``), remembered as seen."""
        with self.db.transaction() as db:
            stamp = int(db.execute(f"SELECT {NEXT_PLAN_STAMP_SQL}", (self._now_ms(),)).fetchone()[0])
            _see_plan_stamp(db, stamp)
        return stamp

    def import_plan_events(self, events: Iterable[PulledPlanEvent]) -> RunsImported:
        """Keep copies of the plan events other kiosks recorded (from the hub), so Now / Next and
        the reminders know what the worker already did elsewhere today. Idempotent by the event's
        UUID, in one transaction; a copy names its kiosk (``device_id``), so exports and the push
        leave it alone; its run is this journal's copy of that run when there is one. Events of a
        person deleted here are dropped; of a person not here yet, left out and named."""
        added = 0
        unknown: set[str] = set()
        now_ms = self._now_ms()
        with self.db.transaction() as db:
            people = dict(db.execute("SELECT uuid, id FROM people WHERE uuid IS NOT NULL").fetchall())
            devices: set[str] = set()
            for event in events:
                if event.device_uuid == self._device.id:
                    continue
                person_id = people.get(event.person_uuid)
                if person_id is None:
                    if not db.execute("SELECT 1 FROM tombstones WHERE uuid = ?", (event.person_uuid,)).fetchone():
                        unknown.add(event.person_uuid)
                    continue
                if event.device_uuid not in devices:
                    db.execute(
                        "INSERT INTO devices (id, name, created_at_ms, this_device) VALUES (?, ?, ?, 0) "
                        "ON CONFLICT (id) DO NOTHING",
                        (event.device_uuid, event.device_name or "kiosk", now_ms),
                    )
                    devices.add(event.device_uuid)
                cursor = db.execute(
                    "INSERT INTO plan_events (person_id, day, item_id, event, at_ms, due_at_ms, run_id, uuid, device_id) "
                    "VALUES (?, ?, ?, ?, ?, ?, (SELECT id FROM runs WHERE uuid = ?), ?, ?) ON CONFLICT (uuid) DO NOTHING",
                    (
                        person_id,
                        event.day,
                        event.item_id,
                        event.event,
                        event.at_ms,
                        event.due_at_ms,
                        event.run_uuid,
                        event.uuid,
                        event.device_uuid,
                    ),
                )
                added += cursor.rowcount
        return RunsImported(added, tuple(sorted(unknown)))

    def pulled_at(self) -> datetime | None:
        """When this kiosk last had every run of the other kiosks of its workshop (None: never;
        its figures are its own runs only)."""
        value = self.get_setting(PULLED_AT_SETTING)
        return from_ms(int(value)) if isinstance(value, int) and not isinstance(value, bool) else None

    # -- settings ------------------------------------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A trainer setting (any JSON value), or ``default`` when it was never set."""
        row = self.db.read_one("SELECT value FROM settings WHERE key = ?", (key,))
        if not row:
            return default
        try:
            return json.loads(row[0])
        except (TypeError, ValueError) as error:
            # A damaged value must never read as "not set": an unset trainer PIN opens the door.
            raise JournalError(
                f"The setting {key!r} in the journal {self.path} is damaged.",
                "Set it again in trainer mode; for the trainer PIN use 'kiosk trainer set-pin' on the device.",
                path=self.path,
                kind="damaged",
            ) from error

    def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable value under ``key`` (replacing any old one); durable on return."""
        self.db.write(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, _json(value)),
        )

    def delete_setting(self, key: str) -> None:
        self.db.write("DELETE FROM settings WHERE key = ?", (key,))

    # -- device --------------------------------------------------------------------------------

    def _load_this_device(self) -> Device:
        row = self.db.read_one("SELECT id, name, created_at_ms FROM devices WHERE this_device = 1")
        if row is None:  # cannot happen after migration 2, which creates it
            raise RuntimeError(f"journal {self.path} has no device record")
        return Device(id=row[0], name=row[1], created_at=from_ms(row[2]))

    def rename_device(self, name: str) -> Device:
        self.db.write("UPDATE devices SET name = ? WHERE this_device = 1", (_clean_name(name),))
        self._device = self._load_this_device()
        return self._device


def set_aside_damaged(path: Path | str, now: datetime | None = None) -> Path:
    """Rename a damaged journal (and its ``-wal``/``-shm`` files) to ``<name>.damaged-<UTC time>``
    so it is kept for a rescue, never overwritten, and a new journal can take its place.
    Returns the new name of the main file."""
    path = Path(path)
    stamp = (now or utc_now()).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{counter}")
    with storage_errors(path):
        for suffix in ("-wal", "-shm"):
            companion = path.with_name(path.name + suffix)
            if companion.exists():
                companion.rename(target.with_name(target.name + suffix))
        path.rename(target)
    return target


def _see_plan_stamp(db: Any, stamp: int) -> None:
    db.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
        "SET value = CAST(MAX(CAST(settings.value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT)",
        (PLAN_CLOCK_SETTING, str(int(stamp))),
    )


def _mark_interrupted(db: Any, run_id: int) -> None:
    """End an open run as interrupted at its last recorded event (the best guess of when the
    kiosk stopped), or at its start when nothing was recorded."""
    db.execute(
        "UPDATE runs SET outcome = 'interrupted', ended_at_ms = COALESCE("
        f"(SELECT MAX(at_ms) FROM step_events WHERE run_id = runs.id), started_at_ms), {_RUN_SUMMARY} "
        "WHERE id = ? AND outcome IS NULL",
        (run_id,),
    )


def _clean_name(name: str) -> str:
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise ValueError("a name cannot be empty")
    return cleaned


def _photo_text(photo: str | Path | None) -> str | None:
    return None if photo is None or photo == "" else str(photo)


def _compact_json(text: str | None) -> str | None:
    """JSON as the journal writes it (SQLite's compact form; the hub's jsonb text has spaces)."""
    if text is None:
        return None
    try:
        return json.dumps(json.loads(text), separators=(",", ":"))
    except ValueError:
        return None  # an unreadable summary: progress works it out as for a run without one


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _person(row: tuple[Any, ...]) -> Person:
    """A person from a row; a damaged row (no name, unreadable preferences) still gives a person
    a trainer can see and fix, instead of an error that would empty the people screen."""
    person_id, name, photo, language, preferences, archived, *rest = row
    try:
        loaded = json.loads(preferences) if preferences else {}
    except (TypeError, ValueError):
        loaded = {}
    return Person(
        id=person_id,
        name=name if isinstance(name, str) and name.strip() else f"? {person_id}",
        photo=photo if isinstance(photo, str) else None,
        language=language if isinstance(language, str) and language else "en",
        preferences=MappingProxyType(loaded if isinstance(loaded, dict) else {}),
        archived=bool(archived),
        uuid=rest[0] if rest and isinstance(rest[0], str) else None,
    )


def _run(row: tuple[Any, ...]) -> Run:
    (
        run_id,
        person_id,
        pack_id,
        pack_version,
        content_hash,
        device_id,
        started,
        ended,
        outcome,
        resumed_from,
        step_count,
        last_shown,
        run_uuid,
    ) = row
    return Run(
        id=run_id,
        person_id=person_id,
        pack_id=pack_id,
        pack_version=pack_version,
        content_hash=content_hash,
        device_id=device_id,
        started_at=from_ms(started),
        ended_at=from_ms(ended) if ended is not None else None,
        outcome=outcome,
        resumed_from=resumed_from,
        step_count=step_count,
        last_shown_step=last_shown,
        uuid=run_uuid,
    )


def _event(row: tuple[Any, ...]) -> StepEvent:
    event_id, run_id, step_number, event, at, duration_ms, event_uuid = row
    return StepEvent(
        id=event_id,
        run_id=run_id,
        step_number=step_number,
        event=event,
        at=from_ms(at),
        duration_ms=duration_ms,
        uuid=event_uuid,
    )
