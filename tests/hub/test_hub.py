"""The workshop hub against a real PostgreSQL server (started by conftest.py): setting it up, each
kiosk's least-privilege role and row-level security, two kiosks sharing one worker, idempotent and
offline-first sync, deletions reaching every kiosk, and progress over every kiosk's runs."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from hub_testing import PostgresServer, closed_port_url, wait_until
from journal_testing import FakeClock, Player, play_on_both
from kiosk.cli import main
from kiosk.hub import HubError, HubSync, add_member, format_progress, hub_person_progress, init_hub, sync_once
from kiosk.hub.schema import MIGRATIONS
from kiosk.journal import Journal
from kiosk.journal.progress import person_progress


def _journal(tmp_path: Path, name: str, clock: FakeClock) -> Journal:
    return Journal.open(tmp_path / name / "journal.sqlite3", clock=clock)


def _count(url: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT count(*) FROM hub.{table}").fetchone()[0]


def _events_in(journal: Journal) -> int:
    return journal.db.read_one("SELECT count(*) FROM step_events")[0]


def test_init_twice_is_safe_and_says_so(postgres: PostgresServer, capsys):
    url = postgres.new_database()
    assert main(["hub", "init", "--db", url]) == 0
    assert "is ready" in capsys.readouterr().out
    assert main(["hub", "init", "--db", url]) == 0
    assert "already up to date" in capsys.readouterr().out
    assert init_hub(url).applied == ()
    with psycopg.connect(url) as conn:
        versions = [row[0] for row in conn.execute("SELECT version FROM hub.schema_migrations ORDER BY version")]
    assert versions == [step.version for step in MIGRATIONS]


def test_two_inits_at_once_take_turns(postgres: PostgresServer):
    url = postgres.new_database()
    errors: list[BaseException] = []

    def init() -> None:
        try:
            init_hub(url)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=init) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _count(url, "schema_migrations") == len(MIGRATIONS)


def test_a_kiosk_sees_only_its_workshop_and_may_only_insert(hub_url, tmp_path, clock):
    kiosk_a = add_member(hub_url, "RLS A", "North")
    kiosk_c = add_member(hub_url, "RLS C", "South")
    coach = add_member(hub_url, "RLS coach", "North", kind="coach")
    for member, name in ((kiosk_a, "Anna North"), (kiosk_c, "Carl South")):
        with _journal(tmp_path, member.role, clock) as journal:
            person = journal.add_person(name)
            Player(journal, clock).run(person.id, steps=3)
            sync_once(journal, member.url)

    with psycopg.connect(kiosk_a.url, autocommit=True) as conn:
        assert conn.execute("SELECT current_user").fetchone()[0] == kiosk_a.role  # its own password works
        assert [row[0] for row in conn.execute("SELECT name FROM hub.people")] == ["Anna North"]
        assert [row[0] for row in conn.execute("SELECT role FROM hub.members")] == [kiosk_a.role]
        for statement in (
            "SELECT * FROM hub.runs",
            "SELECT * FROM hub.step_events",
            "SELECT * FROM hub.devices",
            "DELETE FROM hub.people",
            "UPDATE hub.people SET workshop = 'North'",
            "CREATE TEMP TABLE t (x int)",
            "CREATE TABLE public.t (x int)",
            "SELECT hub.delete_person(gen_random_uuid(), 'South')",
            "INSERT INTO hub.people (workshop, uuid, name) VALUES ('South', gen_random_uuid(), 'x')",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        # an edit aimed at the other workshop's person touches nothing
        assert conn.execute("UPDATE hub.people SET name = 'taken' WHERE name = 'Carl South'").rowcount == 0

    with psycopg.connect(coach.url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM hub.runs").fetchone()[0] == 1  # North's only
        assert conn.execute("SELECT DISTINCT workshop FROM hub.step_events").fetchall() == [("North",)]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO hub.tombstones (workshop, uuid) VALUES ('North', gen_random_uuid())")
    # the administrator sees both workshops
    assert _count(hub_url, "runs") == 2
    # a wrong password is a sentence
    with pytest.raises(HubError, match="refused the user name or password"):
        sync_once(Journal.open_in_memory(), kiosk_a.url.replace(kiosk_a.url.split(":")[2].split("@")[0], "wrong"))


def test_two_kiosks_one_worker_one_progress(hub_url, tmp_path, clock, capsys):
    a_member, b_member = add_member(hub_url, "Two A", "Ningbo"), add_member(hub_url, "Two B", "Ningbo")
    kiosk_a, kiosk_b = _journal(tmp_path, "a", clock), _journal(tmp_path, "b", clock)
    combined = _journal(tmp_path, "all", clock)
    anna_a = kiosk_a.add_person("Anna", language="de")
    sync_once(kiosk_a, a_member.url)
    result = sync_once(kiosk_b, b_member.url)
    assert result.people_received == 1
    anna_b = kiosk_b.person_by_uuid(anna_a.uuid)
    assert anna_b is not None and anna_b.name == "Anna" and anna_b.language == "de"  # one person, one uuid
    anna_c = combined.add_person("Anna")

    plan = [
        (kiosk_a, anna_a, dict(help_on=[2, 3])),
        (kiosk_b, anna_b, dict(help_on=[2])),
        (kiosk_a, anna_a, dict(outcome="abandoned", stop_after=2)),
        (kiosk_b, anna_b, dict()),
        (kiosk_a, anna_a, dict(pack_id="tea", steps=4, help_on=[1])),
        (kiosk_b, anna_b, dict()),
        (kiosk_a, anna_a, dict()),
    ]
    for _day in range(3):
        for kiosk, person, run in plan:
            play_on_both(kiosk, combined, clock, person.id, anna_c.id, **run, gap_minutes=7)
        clock.advance(days=3)
    for kiosk, member in ((kiosk_a, a_member), (kiosk_b, b_member)):
        sync_once(kiosk, member.url)

    with psycopg.connect(hub_url) as conn:
        on_hub = hub_person_progress(conn, anna_a.uuid)
    local = person_progress(combined, anna_c.id)
    assert format_progress(on_hub) == format_progress(local)
    assert [p.runs for p in on_hub] == [18, 3] and any(p.mastered for p in on_hub)

    def without_ids(packs):
        return [replace(p, person_id=0, runs_detail=tuple(r._replace(run_id=0) for r in p.runs_detail)) for p in packs]

    assert without_ids(on_hub) == without_ids(local)
    assert main(["hub", "progress", anna_a.uuid, "--db", hub_url]) == 0
    printed = capsys.readouterr().out
    assert printed.splitlines()[1:] == format_progress(local).splitlines()
    for journal in (kiosk_a, kiosk_b, combined):
        journal.close()


def test_resync_and_duplicate_delivery_change_nothing(hub_url, tmp_path, clock):
    member = add_member(hub_url, "Twice", "W")
    with _journal(tmp_path, "k", clock) as journal:
        people = [journal.add_person(name) for name in ("Anna", "Ben")]
        player = Player(journal, clock)
        for round_number in range(20):
            player.run(people[round_number % 2].id, help_on=[round_number % 5 + 1])
        open_run = player.run(people[0].id, outcome=None, stop_after=2)  # still going: not sent yet
        first = sync_once(journal, member.url, batch_runs=7)
        assert (first.runs_sent, first.runs_new) == (20, 20)
        assert first.events_new == _events_in(journal) - len(journal.events(open_run))
        again = sync_once(journal, member.url)
        assert (again.runs_sent, again.events_sent) == (0, 0)
        # the kiosk forgot its mark (killed after the hub committed): everything is sent again, nothing doubles
        journal.delete_setting("hub.sync.run_mark")

        def sync_from_another_connection() -> None:
            with Journal.open(journal.path) as own:  # a Journal belongs to the thread that opened it
                sync_once(own, member.url)

        threads = [threading.Thread(target=sync_from_another_connection) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        resent = sync_once(journal, member.url, batch_runs=3)
        assert (resent.runs_new, resent.events_new) == (0, 0)
        journal.finish_run(open_run)
        last = sync_once(journal, member.url)
        assert (last.runs_new, last.runs_waiting) == (1, 0)
        assert _count(hub_url, "runs") == 21 and _count(hub_url, "step_events") == _events_in(journal)
        with psycopg.connect(hub_url) as conn:
            hub_ids = {row[0] for row in conn.execute("SELECT uuid::text FROM hub.step_events")}
        local_ids = {row[0] for row in journal.db.read("SELECT uuid FROM step_events")}
        assert hub_ids == local_ids


def test_the_hub_down_blocks_nothing_and_loses_nothing(hub_url, tmp_path, clock):
    member = add_member(hub_url, "Offline", "W")
    path = tmp_path / "k" / "journal.sqlite3"
    with Journal.open(path, clock=clock) as journal:
        anna = journal.add_person("Anna")
        player = Player(journal, clock)
        sync = HubSync(path, closed_port_url(), interval_s=0.05, min_backoff_s=0.02, max_backoff_s=0.05)
        sync.start()
        slowest = 0.0
        for _ in range(30):
            started = time.perf_counter()
            player.run(anna.id, steps=4)
            slowest = max(slowest, (time.perf_counter() - started) / 9)  # 9 journal calls per run
        assert wait_until(lambda: sync.status().failures_in_a_row >= 3 and sync.status().runs_waiting == 30)
        status = sync.status()
        assert sync.stop(timeout=5)
        assert slowest < 0.25, f"a journal call took {slowest:.3f} s while the hub was down"
        assert "cannot be reached right now" in status.last_error and "\n" not in status.last_error
        assert status.last_sync is None and status.runs_waiting == 30
        assert "30 runs are waiting" in status.describe()

        # the hub comes back: everything arrives, once
        sync = HubSync(path, member.url, interval_s=0.05)
        sync.start()
        assert wait_until(lambda: sync.status().runs_waiting == 0 and sync.status().last_sync is not None)
        assert sync.stop(timeout=5)
        assert sync.status().last_error is None and not sync.status().running
        assert _count(hub_url, "step_events") == _events_in(journal)


def test_the_hub_stopped_mid_sync_loses_and_doubles_nothing(postgres: PostgresServer, hub_url, tmp_path, clock):
    member = add_member(hub_url, "Crash", "W")
    path = tmp_path / "k" / "journal.sqlite3"
    with Journal.open(path, clock=clock) as journal:
        anna = journal.add_person("Anna")
        player = Player(journal, clock)
        for _ in range(60):
            player.run(anna.id, steps=3)
        local_ids = {row[0] for row in journal.db.read("SELECT uuid FROM step_events")}
    sync = HubSync(path, member.url, interval_s=0.05, min_backoff_s=0.1, max_backoff_s=0.2, batch_runs=2)
    sync.start()
    try:
        assert wait_until(lambda: _count(hub_url, "runs") > 0, timeout=10)
        postgres.run_ctl("kill")  # like a power cut at the hub, in the middle of the batches
        assert wait_until(lambda: sync.status().last_error is not None, timeout=10)
        assert "cannot be reached" in sync.status().last_error
        postgres.run_ctl("start")
        assert wait_until(lambda: sync.status().runs_waiting == 0 and sync.status().last_error is None, timeout=20)
    finally:
        sync.stop(timeout=5)
    with psycopg.connect(hub_url) as conn:
        hub_ids = [row[0] for row in conn.execute("SELECT uuid::text FROM hub.step_events")]
    assert len(hub_ids) == len(set(hub_ids)) and set(hub_ids) == local_ids


def test_a_deletion_reaches_every_kiosk_and_the_hub(hub_url, tmp_path, clock, capsys):
    a_member, b_member = add_member(hub_url, "Del A", "W"), add_member(hub_url, "Del B", "W")
    kiosk_a, kiosk_b = _journal(tmp_path, "a", clock), _journal(tmp_path, "b", clock)
    anna = kiosk_a.add_person("Annabelle Secretname")
    ben = kiosk_a.add_person("Benedikt Othername")
    sync_once(kiosk_a, a_member.url)
    sync_once(kiosk_b, b_member.url)
    Player(kiosk_a, clock).run(anna.id)
    Player(kiosk_b, clock).run(kiosk_b.person_by_uuid(anna.uuid).id, help_on=[1])
    Player(kiosk_b, clock).run(kiosk_b.person_by_uuid(ben.uuid).id)
    for kiosk, member in ((kiosk_a, a_member), (kiosk_b, b_member)):
        sync_once(kiosk, member.url)
    assert _count(hub_url, "runs") == 3

    # through the hub
    assert main(["hub", "delete-person", anna.uuid, "--yes", "--db", hub_url]) == 0
    assert "2 runs" in capsys.readouterr().out
    assert sync_once(kiosk_b, b_member.url).deleted_here == 1
    assert kiosk_b.person_by_uuid(anna.uuid) is None and len(kiosk_b.runs()) == 1
    assert sync_once(kiosk_a, a_member.url).deleted_here == 1
    assert [p.name for p in kiosk_a.people()] == ["Benedikt Othername"]
    for kiosk in (kiosk_a, kiosk_b):
        files = [kiosk.path, kiosk.path.with_name(kiosk.path.name + "-wal")]
        assert not any(b"Secretname" in f.read_bytes() for f in files if f.exists())
    with psycopg.connect(hub_url) as conn:
        assert conn.execute("SELECT count(*) FROM hub.people WHERE uuid = %s", (anna.uuid,)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM hub.runs WHERE person_uuid = %s", (anna.uuid,)).fetchone()[0] == 0
        dump = str(conn.execute("SELECT array_agg(p.*)::text FROM hub.people p").fetchone()[0])
        assert "Secretname" not in dump

    # on a kiosk: it reaches the hub and the other kiosk
    kiosk_a.delete_person(ben.id)
    assert sync_once(kiosk_a, a_member.url).deletions_sent == 1
    assert _count(hub_url, "runs") == 0 and _count(hub_url, "people") == 0
    sync_once(kiosk_b, b_member.url)
    assert kiosk_b.people(include_archived=True) == [] and kiosk_b.runs() == []
    # a kiosk that still had them cannot bring them back (the hub's tombstone refuses them)
    with psycopg.connect(a_member.url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO hub.people (workshop, uuid, name) VALUES ('W', %s, 'Benedikt Othername')", (ben.uuid,)
        )
    assert _count(hub_url, "people") == 0
    kiosk_a.close()
    kiosk_b.close()


def test_commands_say_one_sentence_when_the_hub_is_away(tmp_path, capsys):
    data = tmp_path / "data"
    Journal.open(data / "journal.sqlite3").close()
    assert main(["hub", "sync", "--db", closed_port_url(), "--data", str(data)]) == 1
    err = capsys.readouterr().err
    assert "cannot be reached right now" in err and "Traceback" not in err and "x@" not in err
    assert main(["hub", "progress", "not-a-uuid", "--db", closed_port_url()]) == 1
    assert "is not a person's hub id" in capsys.readouterr().err
    assert main(["hub", "init"]) == 1
    assert "No hub was given" in capsys.readouterr().err


def test_add_kiosk_prints_a_working_connection_string(hub_url, tmp_path, capsys):
    assert main(["hub", "add-kiosk", "Station 7", "--workshop", "Ningbo 3", "--db", hub_url]) == 0
    captured = capsys.readouterr()
    url = captured.out.strip()
    assert url.startswith("postgresql://kiosk_station_7:") and "sslmode=disable" in url
    assert "Ningbo 3" in captured.err
    data = tmp_path / "data"
    Journal.open(data / "journal.sqlite3").close()
    assert main(["hub", "sync", "--db", url, "--data", str(data)]) == 0
    assert "Sent 0 runs" in capsys.readouterr().out
    assert main(["hub", "add-kiosk", "Station 7", "--workshop", "Ningbo 3", "--db", hub_url]) == 1
    assert "already a kiosk called" in capsys.readouterr().err
    assert main(["hub", "add-kiosk", "Station 8", "--workshop", "W", "--db", hub_url.split("?")[0]]) == 0
    assert "sslmode=verify-full" in capsys.readouterr().out  # the default for a real network
