"""Copies of other kiosks' runs in the journal (``Journal.import_runs``; the hub sync pulls them):
idempotent by UUID, under their own kiosk, never this kiosk's, dropped for a person deleted here,
waiting for a person not here yet, resumed pieces linked; counted by progress, left out of exports."""

from __future__ import annotations

import io
import uuid as uuidlib

from journal_testing import FakeClock, Player
from kiosk.journal import Journal
from kiosk.journal.export import write_csv, write_xapi
from kiosk.journal.journal import PulledRun
from kiosk.journal.progress import person_progress

OTHER_KIOSK = str(uuidlib.uuid4())


def _pulled(person_uuid: str, started_ms: int, **changes) -> PulledRun:
    values = dict(
        uuid=str(uuidlib.uuid4()),
        person_uuid=person_uuid,
        device_uuid=OTHER_KIOSK,
        device_name="Station 2",
        pack_id="sandwich",
        pack_version=1,
        content_hash="hash-sandwich-1",
        started_at_ms=started_ms,
        ended_at_ms=started_ms + 60_000,
        outcome="finished",
        resumed_from=None,
        step_count=5,
        furthest_step=5,
        help_by_step="[[2, 1]]",  # as the hub's jsonb text writes it
        support_level=1,
    )
    values.update(changes)
    return PulledRun(**values)


def test_imported_runs_count_once_and_only_as_their_own_kiosks(tmp_path):
    clock = FakeClock()
    with Journal.open(tmp_path / "journal.sqlite3", clock=clock) as journal:
        anna = journal.add_person("Anna")
        gone = journal.add_person("Gone")
        journal.delete_person(gone.id)
        Player(journal, clock).run(anna.id)
        csv_before, xapi_before = io.StringIO(), io.StringIO()
        write_csv(journal, csv_before)
        write_xapi(journal, xapi_before)
        start = 1_800_000_000_000
        interrupted = _pulled(anna.uuid, start, outcome="interrupted", furthest_step=2, help_by_step="[]")
        pieces = [
            _pulled(anna.uuid, start + 120_000, resumed_from=interrupted.uuid),  # sent before its first piece
            interrupted,
            _pulled(anna.uuid, start + 300_000, help_by_step="[]"),
            _pulled(gone.uuid, start),  # deleted here: dropped, not waited for
            _pulled("6f1c2a8e-8a43-4d35-9b52-0b4a3d1e2f11", start),  # not here yet
            _pulled(anna.uuid, start, device_uuid=journal.device.id),  # this kiosk's own: never a copy
        ]
        first = journal.import_runs(pieces)
        assert first.added == 3 and first.unknown_people == ("6f1c2a8e-8a43-4d35-9b52-0b4a3d1e2f11",)
        again = journal.import_runs(pieces)
        assert again.added == 0 and len(journal.runs()) == 1 + 3
        copies = [run for run in journal.runs() if run.device_id == OTHER_KIOSK]
        assert len(copies) == 3 and journal.db.read(
            "SELECT name, this_device FROM devices WHERE id = ?", (OTHER_KIOSK,)
        ) == [("Station 2", 0)]
        assert journal.db.read_one("SELECT help_by_step FROM runs WHERE uuid = ?", (pieces[0].uuid,))[0] == "[[2,1]]"
        # linked although the later piece came first
        by_uuid = {run.uuid: run for run in journal.runs()}
        assert by_uuid[pieces[0].uuid].resumed_from == by_uuid[interrupted.uuid].id
        # progress counts them (the two pieces as one attempt); exports are unchanged
        (sandwich,) = person_progress(journal, anna.id)
        assert sandwich.runs == 3 and sandwich.finished == 3
        csv_after, xapi_after = io.StringIO(), io.StringIO()
        write_csv(journal, csv_after)
        write_xapi(journal, xapi_after)
        assert (csv_after.getvalue(), xapi_after.getvalue()) == (csv_before.getvalue(), xapi_before.getvalue())
        # the copies go with their person
        journal.delete_person(anna.id)
        assert journal.runs() == []


def test_a_rebuilt_journal_of_another_kiosk_has_that_kiosk_as_this_device():
    with Journal.open_in_memory(device=(OTHER_KIOSK, "Station 2")) as journal:
        assert (journal.device.id, journal.device.name) == (OTHER_KIOSK, "Station 2")
        assert journal.db.read_one("SELECT count(*) FROM devices")[0] == 1
