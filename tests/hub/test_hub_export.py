"""`kiosk export --hub` and `kiosk report --hub` from a coach's laptop with only the hub, and a
kiosk killed mid-sync. Against the real PostgreSQL server the session starts (conftest.py)."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import psycopg

from hub_testing import wait_until
from journal_testing import FakeClock, Player, play_on_both
from kiosk.cli import main
from kiosk.hub import add_member, sync_once
from kiosk.hub.cli import hub_report
from kiosk.journal import Journal
from kiosk.journal.schema import UUID4_SQL
from kiosk.report.builder import build_person_report

ROOT = Path(__file__).resolve().parents[2]


def _journal(tmp_path: Path, name: str, clock: FakeClock) -> Journal:
    return Journal.open(tmp_path / name / "journal.sqlite3", clock=clock)


def _export(tmp_path: Path, capsys, *args: str) -> str:
    out = tmp_path / f"export-{len(list(tmp_path.glob('export-*')))}"
    assert main(["export", *args, "--out", str(out)]) == 0, capsys.readouterr().err
    capsys.readouterr()
    return out.read_text(encoding="utf-8-sig")


def _csv_rows(text: str) -> tuple[list[str], set[tuple[str, ...]], int]:
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], {tuple(row) for row in rows[1:]}, len(rows) - 1


def _statements(text: str) -> dict[str, dict]:
    statements = json.loads(text)
    by_id = {statement["id"]: statement for statement in statements}
    assert len(by_id) == len(statements)
    return by_id


def test_the_hub_exports_and_reports_the_union_of_the_kiosks(hub_url, tmp_path, clock, capsys):
    a_member, b_member = add_member(hub_url, "Exp A", "Ningbo"), add_member(hub_url, "Exp B", "Ningbo")
    coach = add_member(hub_url, "Exp coach", "Ningbo", kind="coach")
    other = add_member(hub_url, "Exp other", "Hangzhou")
    kiosk_a, kiosk_b = _journal(tmp_path, "a", clock), _journal(tmp_path, "b", clock)
    combined = _journal(tmp_path, "all", clock)
    kiosk_a.add_person("Carl")  # on kiosk A only: local ids differ between the kiosks
    anna_a = kiosk_a.add_person('Anna, "=1+1"; Zoë', language="de")
    kiosk_b.add_person("Eve")  # on kiosk B first: Anna's id there is another number
    sync_once(kiosk_a, a_member.url)
    sync_once(kiosk_b, b_member.url)
    anna_b = kiosk_b.person_by_uuid(anna_a.uuid)
    assert anna_b is not None and anna_b.id != anna_a.id
    ben_b = kiosk_b.add_person("Ben")
    anna_c = combined.add_person('Anna, "=1+1"; Zoë', language="de")
    with _journal(tmp_path, "elsewhere", clock) as elsewhere:  # another workshop: never in Ningbo's export
        Player(elsewhere, clock).run(elsewhere.add_person("Dora").id)
        sync_once(elsewhere, other.url)

    for _day in range(2):
        play_on_both(kiosk_a, combined, clock, anna_a.id, anna_c.id, help_on=[2, 3], gap_minutes=5)
        play_on_both(kiosk_b, combined, clock, anna_b.id, anna_c.id, help_on=[1], gap_minutes=5)
        play_on_both(kiosk_a, combined, clock, anna_a.id, anna_c.id, outcome="abandoned", stop_after=2, gap_minutes=5)
        play_on_both(kiosk_b, combined, clock, anna_b.id, anna_c.id, pack_id="tea", steps=4, gap_minutes=5)
        Player(kiosk_b, clock).run(ben_b.id, help_on=[4])
        clock.advance(days=1)
    # an interrupted run resumed on the same kiosk: one attempt, linked by resumed_from
    start = clock.now
    for journal, person in ((kiosk_a, anna_a), (combined, anna_c)):
        clock.set(start)
        player = Player(journal, clock)
        stopped = player.run(person.id, outcome=None, stop_after=2)  # resume marks it interrupted
        resumed = journal.resume_run(stopped)
        player.play_steps(resumed, range(3, 6))
        journal.finish_run(resumed)
    for kiosk, member in ((kiosk_a, a_member), (kiosk_b, b_member)):
        sync_once(kiosk, member.url)
    # B synced last: it holds copies of A's runs of Anna (for its progress views), which its exports leave out
    assert any(run.device_id == kiosk_a.device.id for run in kiosk_b.runs(anna_b.id))

    def kiosk_export(name: str, *args: str) -> str:
        return _export(tmp_path, capsys, "--data", str(tmp_path / name), *args)

    def hub_export(*args: str) -> str:
        return _export(tmp_path, capsys, "--hub", coach.url, *args)

    # CSV: the same header, and the hub's rows are exactly the kiosks' rows together
    header_a, rows_a, count_a = _csv_rows(kiosk_export("a", "--format", "csv"))
    header_b, rows_b, count_b = _csv_rows(kiosk_export("b", "--format", "csv"))
    header_h, rows_h, count_h = _csv_rows(hub_export("--format", "csv"))
    assert header_a == header_b == header_h
    assert count_h == count_a + count_b == len(rows_h)
    assert rows_h == rows_a | rows_b
    # xAPI: the same statements, ids and all (an LRS that has a kiosk's takes the hub's as the same)
    for names in ((), ("--names",)):
        from_a = _statements(kiosk_export("a", "--format", "xapi", *names))
        from_b = _statements(kiosk_export("b", "--format", "xapi", *names))
        from_hub = _statements(hub_export("--format", "xapi", *names))
        assert from_hub == {**from_a, **from_b} and len(from_hub) == len(from_a) + len(from_b)
    assert any(s["verb"]["id"].endswith("/resumed") for s in from_hub.values())
    # one person: their hub id on the hub, their kiosk ids on the kiosks
    _, anna_rows_a, _ = _csv_rows(kiosk_export("a", "--format", "csv", "--person", str(anna_a.id)))
    _, anna_rows_b, _ = _csv_rows(kiosk_export("b", "--format", "csv", "--person", str(anna_b.id)))
    _, anna_rows_h, _ = _csv_rows(hub_export("--format", "csv", "--person", anna_a.uuid))
    assert anna_rows_h == anna_rows_a | anna_rows_b and anna_rows_h < rows_h
    since = ("--since", clock.now.date().isoformat())
    since_a = _statements(kiosk_export("a", "--format", "xapi", "--person", str(anna_a.id), *since))
    since_h = _statements(hub_export("--format", "xapi", "--person", anna_a.uuid, *since))
    assert since_h == since_a and since_h  # Anna's last day was on kiosk A only
    # the administrator sees every workshop; a coach only theirs
    assert len(_csv_rows(_export(tmp_path, capsys, "--hub", hub_url, "--format", "csv"))[1]) > count_h

    # the report: every kiosk's runs, the same as one journal that saw them all
    on_hub = hub_report(coach.url, anna_a.uuid, {}, 4, clock.now, None)
    local = build_person_report(combined, {}, anna_c.id, 4, clock.now)
    assert on_hub is not None and on_hub.tasks
    plain = dict(person_id=0, source="", all_kiosks_as_of=None)
    assert replace(on_hub, **plain) == replace(local, **plain)
    # ... and says so: the hub has every kiosk's runs (Anna reads German)
    assert on_hub.source.startswith("Von allen Kiosken der Werkstatt, Stand ") and on_hub.all_kiosks_as_of
    assert local.source == "Nur von diesem Kiosk." and local.all_kiosks_as_of is None
    html = tmp_path / "anna.html"
    command = ["report", "--hub", coach.url, "--person", anna_a.uuid, "--until", clock.now.date().isoformat()]
    assert main([*command, "--out", str(html), "--data", str(tmp_path / "laptop")]) == 0
    assert "Zoë" in html.read_text(encoding="utf-8")
    # plain sentences for what cannot be done
    capsys.readouterr()
    assert main(["export", "--hub", coach.url, "--format", "csv", "--person", "3"]) == 1
    assert "hub id" in capsys.readouterr().err
    assert main(["export", "--data", str(tmp_path / "a"), "--format", "csv", "--person", anna_a.uuid]) == 1
    assert "--hub" in capsys.readouterr().err
    with _journal(tmp_path, "x", clock) as stranger:
        unknown = stranger.add_person("Nobody").uuid
    assert main(["export", "--hub", coach.url, "--format", "csv", "--person", unknown]) == 1
    assert main([*command[:-2], "--person", unknown, "--out", str(tmp_path / "n.html")]) == 1
    assert "no person" in capsys.readouterr().err
    for journal in (kiosk_a, kiosk_b, combined):
        journal.close()


def _hub_counts(url: str) -> tuple[int, int, int, int]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM hub.runs), (SELECT count(DISTINCT uuid) FROM hub.runs), "
            "(SELECT count(*) FROM hub.step_events), (SELECT count(DISTINCT uuid) FROM hub.step_events)"
        ).fetchone()
    return tuple(row)


def test_a_kiosk_killed_mid_sync_then_synced_again_holds_one_copy(hub_url, tmp_path, clock):
    member = add_member(hub_url, "Killed", "W")
    data = tmp_path / "kiosk"
    with Journal.open(data / "journal.sqlite3", clock=clock) as journal:
        people = [journal.add_person(f"Worker {n}") for n in range(10)]
        # a large journal, written quickly: 3,000 runs of 10 steps (about 70,000 step events)
        with journal.db.transaction() as db:
            run_id = event_id = 0
            start = 1_800_000_000_000
            for number in range(3000):
                run_id += 1
                begun = start + number * 60_000
                db.execute(
                    "INSERT INTO runs (id, uuid, person_id, device_id, pack_id, pack_version, content_hash, "
                    f"started_at_ms, ended_at_ms, outcome, step_count) VALUES (?, {UUID4_SQL}, "
                    "?, ?, 'sandwich', 1, 'h', ?, ?, 'finished', 10)",
                    (run_id, people[number % 10].id, journal.device.id, begun, begun + 50_000),
                )
                rows = []
                for step in range(1, 11):
                    for event in ("shown", "done") + (("help",) if step == number % 10 + 1 else ()):
                        event_id += 1
                        rows.append((event_id, run_id, step, event, begun + step * 4000))
                db.executemany(
                    "INSERT INTO step_events (id, uuid, run_id, step_number, event, at_ms) "
                    f"VALUES (?, {UUID4_SQL}, ?, ?, ?, ?)",
                    rows,
                )
        runs_total = journal.db.read_one("SELECT count(*) FROM runs")[0]
        events_total = journal.db.read_one("SELECT count(*) FROM step_events")[0]

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "kiosk", "hub", "sync", "--data", str(data), "--db", member.url, "--batch", "50"]
    killed_mid_way = False
    for _attempt in range(5):
        before = _hub_counts(hub_url)[0]
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # kill it once the hub has some of this attempt's batches, and not all of them
        wait_until(
            lambda before=before, process=process: _hub_counts(hub_url)[0] > before or process.poll() is not None,
            timeout=60,
            step=0.005,
        )
        time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        runs_now = _hub_counts(hub_url)[0]
        if process.returncode == -signal.SIGKILL and 0 < runs_now < runs_total:
            killed_mid_way = True
            break
    assert killed_mid_way, "the sync always finished before it could be killed; make the journal larger"

    with Journal.open(data / "journal.sqlite3", clock=clock) as journal:
        result = sync_once(journal, member.url)
        assert result.runs_waiting == 0
        # a second round after the kill and the catch-up changes nothing
        assert (sync_once(journal, member.url).runs_new, sync_once(journal, member.url).events_new) == (0, 0)
        local_events = {row[0] for row in journal.db.read("SELECT uuid FROM step_events")}
    runs, distinct_runs, events, distinct_events = _hub_counts(hub_url)
    assert runs == distinct_runs == runs_total
    assert events == distinct_events == events_total
    with psycopg.connect(hub_url) as conn:
        assert {row[0] for row in conn.execute("SELECT uuid::text FROM hub.step_events")} == local_events
