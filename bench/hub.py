"""Hub benchmark: many kiosks syncing at once, against a lower bound measured in the same run.

    .venv/bin/python bench/hub.py [--kiosks 20] [--workers 47] [--days 5] [--db ADMIN_URL]

Without --db it starts a private PostgreSQL like the hub tests (tests/hub/hub_testing.py; as the
``postgres`` user when run as root) and removes it afterwards. Journals are generated once and
cached in bench/out/ (gitignored): each kiosk holds ``--days`` working days of a ``--workers``
workshop (20 runs a day per worker, packs of 15 steps, shown/done per step and now and then help,
hear again or back: about 32 events a run), the same workers on every kiosk (one UUID each).

Printed, each next to what it is compared with:

* **sync throughput**: every kiosk runs `kiosk hub sync`'s round (``sync_once``) at the same
  moment, each in its own process; step events per second over the whole, against one ``COPY``
  of the same runs and events into tables with the same indexes (the fastest way rows get into
  PostgreSQL, no conflict checks): the ratio, goal >= 0.3;
* **catch-up**: one more kiosk back after a week offline syncs alone, with the others' rows there;
* **progress**: one worker's year (20 runs a day, 250 days) on the hub, ``hub_person_progress``;
  goal < 100 ms; against the same figures from a kiosk's own journal;
* **push latency**: a help call raised on one kiosk until it appears on another (NOTIFY, issue
  18's goal: within 2 s), and its clearing; a person edited on one kiosk until the other kiosk's
  journal has it (the 1 s journal watch, two rounds and NOTIFY), against the 30 s poll it replaces.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sqlite3
import statistics
import sys
import threading
import time
import uuid as uuidlib
from contextlib import ExitStack
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "hub"))

import psycopg  # noqa: E402

from kiosk.hub import add_member, hub_person_progress, init_hub, sync_once  # noqa: E402
from kiosk.journal import Journal  # noqa: E402
from kiosk.journal.progress import person_progress  # noqa: E402
from private_postgres import hub_database  # noqa: E402

OUT = Path(__file__).resolve().parent / "out" / "hub"
GENERATOR_VERSION = 1
RUNS_PER_DAY = 20
STEPS = 15
PACKS = [f"pack-{number:02d}" for number in range(12)]
FIRST_DAY = date(2026, 3, 2)  # a Monday


def workdays(count: int) -> list[date]:
    days: list[date] = []
    day = FIRST_DAY
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def people(workers: int) -> list[tuple[str, str]]:
    """The workshop's workers: the same UUIDs on every kiosk (as after a first sync)."""
    chance = random.Random(47)
    return [(str(uuidlib.UUID(int=chance.getrandbits(128), version=4)), f"Worker {n:03d}") for n in range(workers)]


def fill(path: Path, workers: int, days: int, seed: int, only_worker: int | None = None) -> None:
    """A kiosk's journal: the real schema, then bulk inserts (set-up, not what is measured)."""
    partial = path.with_name(path.name + ".filling")
    for suffix in ("", "-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    with Journal.open(partial) as journal:
        device = journal.device.id
        ids = [
            journal.merge_person(person_uuid, name=name, changed_stamp=1).id  # type: ignore[union-attr]
            for person_uuid, name in people(workers)
        ]
    if only_worker is not None:
        ids = [ids[only_worker]]
    chance = random.Random(seed)
    raw = sqlite3.connect(partial, isolation_level=None)
    raw.execute("PRAGMA journal_mode = OFF")
    raw.execute("PRAGMA synchronous = OFF")
    raw.execute("BEGIN")
    run_id = event_id = 0
    for day_index, day in enumerate(workdays(days)):
        runs: list[tuple] = []
        events: list[tuple] = []
        day_start = round(datetime(day.year, day.month, day.day, 8, tzinfo=timezone.utc).timestamp() * 1000)
        for index, person_id in enumerate(ids):
            pack = PACKS[(index + day_index // 60) % len(PACKS)]
            clock = day_start + index * 1000
            for _ in range(RUNS_PER_DAY):
                run_id += 1
                start, helped = clock, dict[int, int]()
                for number in range(1, STEPS + 1):
                    event_id += 1
                    events.append((event_id, run_id, number, "shown", clock, None, str(uuidlib.uuid4())))
                    if chance.random() < 0.06:
                        event_id += 1
                        events.append((event_id, run_id, number, "help", clock + 2000, None, str(uuidlib.uuid4())))
                        helped[number] = helped.get(number, 0) + 1
                    if chance.random() < 0.06:
                        event_id += 1
                        events.append(
                            (event_id, run_id, number, "hear_again", clock + 3000, None, str(uuidlib.uuid4()))
                        )
                    took = chance.randint(6_000, 30_000)
                    clock += took
                    event_id += 1
                    events.append((event_id, run_id, number, "done", clock, took, str(uuidlib.uuid4())))
                runs.append(
                    (
                        run_id,
                        person_id,
                        pack,
                        1,
                        f"hash-{pack}",
                        device,
                        start,
                        clock,
                        "finished",
                        STEPS,
                        STEPS,
                        json.dumps(sorted(helped.items()), separators=(",", ":")),
                        str(uuidlib.uuid4()),
                    )
                )
                clock += 60_000
        raw.executemany(
            "INSERT INTO runs (id, person_id, pack_id, pack_version, content_hash, device_id, started_at_ms, "
            "ended_at_ms, outcome, step_count, furthest_step, help_by_step, uuid) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            runs,
        )
        raw.executemany(
            "INSERT INTO step_events (id, run_id, step_number, event, at_ms, duration_ms, uuid) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            events,
        )
    raw.execute("INSERT INTO settings (key, value) VALUES ('bench.fill', ?)", (json.dumps(GENERATOR_VERSION),))
    raw.execute("COMMIT")
    raw.execute("PRAGMA journal_mode = WAL")
    raw.close()
    partial.replace(path)


def journal_copy(name: str, workers: int, days: int, seed: int, only_worker: int | None = None) -> Path:
    """A fresh copy of the cached journal (a sync writes its mark and state into it)."""
    cached = OUT / f"{name}-w{workers}-d{days}-s{seed}.sqlite3"
    if not cached.exists():
        fill(cached, workers, days, seed, only_worker)
    target = OUT / "run" / f"{name}.sqlite3"
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    source = sqlite3.connect(cached)
    copy = sqlite3.connect(target)
    source.backup(copy)
    source.close()
    copy.close()
    return target


def _sync(path: str, url: str) -> tuple[int, int, float]:
    with Journal.open(path) as journal:
        result = sync_once(journal, url)
    return result.events_sent, result.runs_sent, result.seconds


def copy_lower_bound(admin: str, paths: list[Path]) -> tuple[int, float]:
    """One COPY of every kiosk's runs and events into tables like the hub's (same indexes)."""
    runs_text, events_text = io.StringIO(), io.StringIO()
    count = 0
    for path in paths:
        raw = sqlite3.connect(path)
        for row in raw.execute(
            "SELECT r.uuid, p.uuid, r.device_id, r.id, r.pack_id, r.pack_version, r.content_hash, r.started_at_ms, "
            "r.ended_at_ms, r.outcome, r.step_count, r.furthest_step, r.help_by_step "
            "FROM runs r JOIN people p ON p.id = r.person_id"
        ):
            runs_text.write("W\t" + "\t".join(str(v) for v in row) + "\n")
        for row in raw.execute(
            "SELECT e.uuid, r.uuid, e.id, e.step_number, e.event, e.at_ms, COALESCE(e.duration_ms, '\\N') "
            "FROM step_events e JOIN runs r ON r.id = e.run_id"
        ):
            events_text.write("W\t" + "\t".join(str(v) for v in row) + "\n")
            count += 1
        raw.close()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_runs (LIKE hub.runs INCLUDING ALL)")
        conn.execute("CREATE TABLE bench_events (LIKE hub.step_events INCLUDING ALL)")
        started = time.perf_counter()
        with conn.transaction():
            with conn.cursor().copy(
                "COPY bench_runs (workshop, uuid, person_uuid, device_uuid, local_id, pack_id, pack_version, "
                "content_hash, started_at_ms, ended_at_ms, outcome, step_count, furthest_step, help_by_step) FROM STDIN"
            ) as copy:
                copy.write(runs_text.getvalue())
            with conn.cursor().copy(
                "COPY bench_events (workshop, uuid, run_uuid, local_id, step_number, event, at_ms, duration_ms) "
                "FROM STDIN"
            ) as copy:
                copy.write(events_text.getvalue())
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE bench_runs, bench_events")
    return count, seconds


def help_call_latency(url_a: str, url_b: str, rounds: int) -> tuple[list[float], list[float]]:
    """Raise on A -> seen by B; clear on A -> gone on B (seconds each)."""
    from kiosk.hub.help_calls import HelpCallHub

    seen = threading.Event()
    state: dict[str, set[str]] = {"open": set()}

    def changed(calls: list) -> None:
        state["open"] = {call.uuid for call in calls}
        seen.set()

    a = HelpCallHub(url_a, device_uuid=str(uuidlib.uuid4()), kiosk_name="Bench A")
    b = HelpCallHub(url_b, device_uuid=str(uuidlib.uuid4()), kiosk_name="Bench B", on_change=changed)
    a.start()
    b.start()
    deadline = time.monotonic() + 10
    while not (a.listener.connected and b.listener.connected) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    raised, cleared = [], []
    try:
        for _ in range(rounds):
            seen.clear()
            started = time.perf_counter()
            call = a.raise_call(person_uuid=None, person_name="Bench", pack_title="Tea", step_number=3, step_count=9)
            while call not in state["open"]:
                if not seen.wait(5):
                    raise RuntimeError("a help call did not arrive within 5 s")
                seen.clear()
            raised.append(time.perf_counter() - started)
            started = time.perf_counter()
            a.clear_call(call)
            while call in state["open"]:
                if not seen.wait(5):
                    raise RuntimeError("a cleared help call did not go within 5 s")
                seen.clear()
            cleared.append(time.perf_counter() - started)
            time.sleep(0.05)
    finally:
        a.stop()
        b.stop()
    return raised, cleared


def edit_latency(url_a: str, url_b: str, rounds: int) -> list[float]:
    """A person renamed on kiosk A until kiosk B's journal has the new name (both running HubSync)."""
    from kiosk.hub import HubSync
    from kiosk.hub.listen import HubListener

    folder = OUT / "run" / "edit"
    folder.mkdir(parents=True, exist_ok=True)
    path_a, path_b = folder / "a.sqlite3", folder / "b.sqlite3"
    for path in (path_a, path_b):
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        Journal.open(path).close()
    with Journal.open(path_a) as journal:
        person = journal.add_person("Edit 0")
    listener = HubListener(url_b)
    sync_a = HubSync(path_a, url_a, interval_s=30)
    sync_b = HubSync(path_b, url_b, interval_s=30, listener=listener)
    for service in (listener, sync_a, sync_b):
        service.start()
    times = []
    try:
        with Journal.open(path_b) as journal_b, Journal.open(path_a) as journal_a:
            deadline = time.monotonic() + 30
            while journal_b.person_by_uuid(str(person.uuid)) is None and time.monotonic() < deadline:
                time.sleep(0.02)
            for number in range(1, rounds + 1):
                time.sleep(random.uniform(0.2, 1.2))  # edits come at any moment of the watch's second
                started = time.perf_counter()
                journal_a.update_person(person.id, name=f"Edit {number}")
                while getattr(journal_b.person_by_uuid(str(person.uuid)), "name", "") != f"Edit {number}":
                    if time.perf_counter() - started > 60:
                        raise RuntimeError("an edit did not arrive within 60 s")
                    time.sleep(0.01)
                times.append(time.perf_counter() - started)
    finally:
        for service in (sync_a, sync_b, listener):
            service.stop()
    return times


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered) * 1000:,.0f} ms, p95 {p95 * 1000:,.0f} ms, max {ordered[-1] * 1000:,.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kiosks", type=int, default=20)
    parser.add_argument("--workers", type=int, default=47)
    parser.add_argument("--days", type=int, default=5, help="working days each kiosk holds (5: a week)")
    parser.add_argument("--year-days", type=int, default=250, help="days of the one worker's year")
    parser.add_argument("--calls", type=int, default=30, help="help calls to time")
    parser.add_argument("--edits", type=int, default=8, help="person edits to time")
    parser.add_argument("--db", metavar="ADMIN_URL", help="an empty database to use (default: a private server)")
    args = parser.parse_args()

    database = ExitStack()
    admin = database.enter_context(hub_database(args.db))
    try:
        init_hub(admin)
        members = [add_member(admin, f"Bench {n:02d}", "W", sslmode="disable") for n in range(args.kiosks + 3)]
        coach = add_member(admin, "Bench coach", "W", kind="coach", sslmode="disable")
        print(f"generating {args.kiosks + 1} kiosk journals ({args.workers} workers, {args.days} days each) ...")
        paths = [journal_copy(f"kiosk-{n:02d}", args.workers, args.days, seed=n) for n in range(args.kiosks)]
        late = journal_copy("kiosk-late", args.workers, args.days, seed=999)

        count, copy_s = copy_lower_bound(admin, paths)
        copy_rate = count / copy_s
        print(
            f"\nCOPY of the same rows ({count:,} step events and their runs): {copy_s:.1f} s, {copy_rate:,.0f} events/s"
        )

        started = time.perf_counter()
        with ProcessPoolExecutor(max_workers=args.kiosks) as pool:
            results = list(pool.map(_sync, [str(p) for p in paths], [m.url for m in members[: args.kiosks]]))
        wall = time.perf_counter() - started
        events = sum(r[0] for r in results)
        rate = events / wall
        print(
            f"{args.kiosks} kiosks syncing at once: {events:,} step events in {wall:.1f} s, {rate:,.0f} events/s "
            f"= {rate / copy_rate:.2f}x the COPY lower bound (goal >= 0.30)"
        )
        with psycopg.connect(admin) as conn:
            on_hub = conn.execute("SELECT count(*) FROM hub.step_events").fetchone()[0]  # type: ignore[index]
        print(f"  the hub holds {on_hub:,} step events (each kiosk's, once)")

        events_late, _runs, late_s = _sync(str(late), members[args.kiosks].url)
        print(
            f"catch-up of one kiosk after {args.days} working days offline: {events_late:,} step events in "
            f"{late_s:.1f} s ({events_late / late_s:,.0f} events/s)"
        )
        again = _sync(str(late), members[args.kiosks].url)
        print(f"  and the next round, with nothing new: {again[2] * 1000:.0f} ms")

        year = journal_copy("worker-year", args.workers, args.year_days, seed=4242, only_worker=0)
        _sync(str(year), members[args.kiosks + 1].url)
        worker_uuid: str = people(args.workers)[0][0]
        with psycopg.connect(coach.url) as conn:
            times = []
            for _ in range(5):
                started = time.perf_counter()
                hub_person_progress(conn, worker_uuid)
                times.append(time.perf_counter() - started)
        with Journal.open(year) as journal:
            local = []
            person = journal.person_by_uuid(worker_uuid)
            for _ in range(5):
                started = time.perf_counter()
                person_progress(journal, person.id)  # type: ignore[union-attr]
                local.append(time.perf_counter() - started)
        runs_year = RUNS_PER_DAY * args.year_days
        print(
            f"one worker's progress over a year ({runs_year:,} runs) on the hub: {statistics.median(times) * 1000:.0f} ms "
            f"(goal < 100 ms); from the kiosk's own journal: {statistics.median(local) * 1000:.0f} ms"
        )

        url_a, url_b = members[args.kiosks + 2].url, add_member(admin, "Bench B", "W", sslmode="disable").url
        raised, cleared = help_call_latency(url_a, url_b, args.calls)
        print(
            f"help call raised on one kiosk -> shown on another ({len(raised)} calls): {summary(raised)} (goal: within 2 s)"
        )
        print(f"help call cleared -> gone on the other kiosk: {summary(cleared)}")
        edits = edit_latency(url_a, url_b, args.edits)
        print(
            f"a person edited on one kiosk -> in the other kiosk's journal ({len(edits)} edits): {summary(edits)}, "
            "against up to 30 s (the poll interval) without NOTIFY and the journal watch"
        )
    finally:
        database.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
