"""Journal benchmark: durable append rate, one worker's progress, the workshop's week.

    .venv/bin/python bench/journal.py [--scale 1.0] [--rebuild]

A year of a workshop is generated once and cached in bench/out/ (gitignored): 100 workers, 20 runs
a day each, 250 working days (x scale), packs of 15 steps. Each step logs what the step screen
logs: shown and done, and now and then help (less as a worker learns a pack), hear again or back;
so a run has about 33 events, and a year about 16 million (the brief's estimate of 7.5 million
counted one event per step). 2% of runs are interrupted by a "crash" and resumed, 5% abandoned.
The fill uses bulk inserts in one transaction with synchronous=OFF: it is set-up, not the thing
measured.

Then, in one run:
* durable appends: Journal.record_step against plain sqlite3 INSERTs with the same durability
  (WAL, synchronous=FULL, one commit per insert) into the same table; goal: ratio >= 0.8;
* one worker's full progress (person_progress over the whole year); goal: < 25 ms (issue 20), with
  the journal in the page cache and out of it. Next to it, a lower bound measured in the same run:
  reading that worker's run rows as progress reads them (person_runs: PERSON_RUNS_SQL, its index
  pages asked for at once first), alternating with the progress calls so that both see the same
  load. Out of the page cache: before each call the log is checkpointed into the file and the
  kernel is asked to drop the file's cached pages (posix_fadvise POSIX_FADV_DONTNEED on the journal
  and its -wal: no root needed, and only this file, not the whole machine's cache), then a fresh
  connection is opened (SQLite's own page cache starts empty); mincore(2) checks how much of the
  file was still resident. Progress makes an attempt's datetimes when they are first read, so the
  time with every started_at/ended_at read afterwards is printed too;
* the workshop's weekly summary (workshop_weekly_summary for one week); goal: < 1 s.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import json
import mmap
import os
import random
import sqlite3
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.journal import Journal  # noqa: E402
from kiosk.journal.progress import PERSON_RUNS_SQL, person_progress, person_runs, workshop_weekly_summary  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
GENERATOR_VERSION = 2
WORKERS = 100
RUNS_PER_DAY = 20
WORKDAYS = 250
STEPS = 15
PACKS = [f"pack-{number:02d}" for number in range(12)]
DAYS_PER_PACK = 60  # a worker moves on to a new pack every 12 weeks
FIRST_DAY = date(2025, 1, 6)  # a Monday
DAY_MS = 86_400_000
PROGRESS_GOAL_MS = 25.0


def workdays(count: int) -> list[date]:
    days, day = [], FIRST_DAY
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def fill(path: Path, scale: float, seed: int = 7) -> None:
    """Write a year (x scale) of the workshop into a fresh journal at ``path``."""
    partial = path.with_name(path.name + ".filling")
    for suffix in ("", "-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    with Journal.open(partial) as journal:  # the real schema, migrations and device
        device_id = journal.device.id
        workers = [journal.add_person(f"Worker {number:03d}").id for number in range(1, WORKERS + 1)]
    chance = random.Random(seed)
    raw = sqlite3.connect(partial, isolation_level=None)
    raw.execute("PRAGMA journal_mode = OFF")
    raw.execute("PRAGMA synchronous = OFF")
    raw.execute("PRAGMA cache_size = -512000")
    raw.execute("BEGIN")
    run_id = event_id = 0
    days = workdays(max(1, round(WORKDAYS * scale)))
    started = time.perf_counter()
    for day_index, day in enumerate(days):
        runs: list[tuple] = []
        events: list[tuple] = []
        day_start = ms(datetime(day.year, day.month, day.day, 8, tzinfo=timezone.utc))
        for worker_index, person_id in enumerate(workers):
            pack = PACKS[(worker_index + day_index // DAYS_PER_PACK) % len(PACKS)]
            learned = (day_index % DAYS_PER_PACK) / DAYS_PER_PACK  # 0 new .. 1 well known
            help_chance = 0.02 + 0.25 * (1 - learned) ** 2
            clock = day_start + worker_index * 1000
            for _ in range(RUNS_PER_DAY):
                fate = chance.random()
                stop_at = chance.randint(1, STEPS - 1) if fate < 0.07 else STEPS
                run_id += 1
                first_run, run_start, step = run_id, clock, 1
                pieces = []
                while True:
                    helped: dict[int, int] = {}
                    for number in range(step, stop_at + 1):
                        event_id += 1
                        events.append((event_id, run_id, number, "shown", clock, None))
                        if chance.random() < help_chance:
                            event_id += 1
                            events.append((event_id, run_id, number, "help", clock + 2000, None))
                            helped[number] = helped.get(number, 0) + 1
                        if chance.random() < 0.08:
                            event_id += 1
                            events.append((event_id, run_id, number, "hear_again", clock + 3000, None))
                        if number > 1 and chance.random() < 0.02:
                            event_id += 1
                            events.append((event_id, run_id, number, "back", clock + 4000, None))
                        took = chance.randint(6_000, 30_000)
                        clock += took
                        event_id += 1
                        events.append((event_id, run_id, number, "done", clock, took))
                    # what finish_run / recovery write on an ended run: furthest step, help per step
                    summary = (stop_at, json.dumps(sorted(helped.items()), separators=(",", ":")))
                    if stop_at == STEPS:
                        pieces.append((run_id, run_start, clock, "finished", *summary))
                        break
                    if fate < 0.02:  # a crash: interrupted here, resumed a few minutes later
                        pieces.append((run_id, run_start, clock, "interrupted", *summary))
                        clock += 300_000
                        run_id += 1
                        run_start, step, stop_at, fate = clock, stop_at, STEPS, 1.0
                        continue
                    pieces.append((run_id, run_start, clock, "abandoned", *summary))
                    break
                for number, (piece_id, piece_start, piece_end, outcome, furthest, help_json) in enumerate(pieces):
                    runs.append(
                        (
                            piece_id,
                            person_id,
                            pack,
                            1,
                            f"hash-{pack}",
                            device_id,
                            piece_start,
                            piece_end,
                            outcome,
                            piece_id - 1 if number else None,
                            STEPS,
                            furthest,
                            help_json,
                        )
                    )
                clock += 60_000
        raw.executemany(
            "INSERT INTO runs (id, person_id, pack_id, pack_version, content_hash, device_id, started_at_ms, "
            "ended_at_ms, outcome, resumed_from, step_count, furthest_step, help_by_step) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            runs,
        )
        raw.executemany(
            "INSERT INTO step_events (id, run_id, step_number, event, at_ms, duration_ms) VALUES (?, ?, ?, ?, ?, ?)",
            events,
        )
        if day_index % 25 == 24:
            rate = event_id / (time.perf_counter() - started)
            print(f"  filled {day_index + 1}/{len(days)} days, {event_id:,} events ({rate:,.0f}/s)", flush=True)
    raw.execute(
        "INSERT INTO settings (key, value) VALUES ('bench.fill', ?)",
        (f'{{"scale": {scale}, "generator": {GENERATOR_VERSION}}}',),
    )
    raw.execute("COMMIT")
    raw.execute("PRAGMA journal_mode = WAL")
    raw.close()
    partial.replace(path)


def filled_journal(scale: float, rebuild: bool) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"journal-scale-{scale:g}.sqlite3"
    if path.exists() and not rebuild:
        with sqlite3.connect(path) as raw:
            row = raw.execute("SELECT value FROM settings WHERE key = 'bench.fill'").fetchone()
        raw.close()
        if row and f'"generator": {GENERATOR_VERSION}' in row[0]:
            return path
    print(f"filling {path} (cached for later runs) ...", flush=True)
    started = time.perf_counter()
    fill(path, scale)
    print(f"  done in {time.perf_counter() - started:.0f} s, {path.stat().st_size / 1e6:,.0f} MB", flush=True)
    return path


def append_rates(rounds: int = 40, per_round: int = 200) -> tuple[float, float, float]:
    """Durable appends per second: Journal.record_step, and plain INSERTs with the same settings into
    the same table. fsync times wander a lot, so the two alternate in short rounds (taking turns at
    going first) and both see the same disk, the same checkpoints and the same cache."""
    path = OUT / "append.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    journal = Journal.open(path)
    person = journal.add_person("Bench")
    journal_run = journal.start_run(person.id, "bench", 1, "hash")
    plain_run = journal.start_run(person.id, "bench", 1, "hash")
    plain = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON", "busy_timeout = 5000"):
        plain.execute(f"PRAGMA {pragma}")
    insert = "INSERT INTO step_events (run_id, step_number, event, at_ms, duration_ms) VALUES (?, ?, ?, ?, ?)"

    def with_journal() -> float:
        started = time.perf_counter()
        for number in range(per_round):
            journal.record_step(journal_run, number % STEPS + 1, "done", 1000)
        return time.perf_counter() - started

    def with_plain_sqlite() -> float:
        started = time.perf_counter()
        for number in range(per_round):
            plain.execute(insert, (plain_run, number % STEPS + 1, "done", int(time.time() * 1000), 1000))
        return time.perf_counter() - started

    journal_times: list[float] = []
    plain_times: list[float] = []
    for round_number in range(rounds):
        if round_number % 2:
            plain_times.append(with_plain_sqlite())
            journal_times.append(with_journal())
        else:
            journal_times.append(with_journal())
            plain_times.append(with_plain_sqlite())
    plain.close()
    journal.close()
    total = rounds * per_round
    # a single slow fsync or checkpoint lands in one round: the median of the rounds' ratios is
    # the steadier comparison, the totals are the plain rates
    ratio = statistics.median(plain / own for own, plain in zip(journal_times, plain_times))
    return total / sum(journal_times), total / sum(plain_times), ratio


def timed(function, repeat: int) -> tuple[float, float, object]:
    """(first call, median of the following calls) in milliseconds, and the last result."""
    started = time.perf_counter()
    result = function()
    first = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return first, statistics.median(times), result


def drop_from_page_cache(journal_path: Path) -> None:
    """Ask the kernel to forget the cached pages of the journal and its log (clean pages only, hence
    the checkpoint before; no root needed, and only this file is affected)."""
    for path in (journal_path, Path(f"{journal_path}-wal")):
        if path.exists():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def resident_share(path: Path) -> float | None:
    """Share of the file's pages in the page cache (mincore(2) on a mapping of it); None where
    that cannot be asked (not Linux, no libc)."""
    size = path.stat().st_size
    name = ctypes.util.find_library("c")
    if not size or not name or not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(name, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p]
    fd = os.open(path, os.O_RDONLY)
    try:
        address = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
        if address in (None, ctypes.c_void_p(-1).value):
            return None
        try:
            pages = (size + mmap.PAGESIZE - 1) // mmap.PAGESIZE
            vector = ctypes.create_string_buffer(pages)
            if libc.mincore(address, size, vector) != 0:
                return None
            return sum(byte & 1 for byte in vector.raw) / pages
        finally:
            libc.munmap(address, size)
    finally:
        os.close(fd)


def progress_figures(path: Path, person_id: int, warm_rounds: int = 21, cold_rounds: int = 15) -> dict[str, object]:
    """Median times (ms) of one worker's full progress and of its lower bound (the same query's rows,
    nothing else), warm and cold, each pair alternating (taking turns at going first)."""

    def progress(journal: Journal) -> object:
        return person_progress(journal, person_id)

    def bound(journal: Journal) -> object:  # the rows, read as progress reads them
        return person_runs(journal, person_id)

    def query(journal: Journal) -> object:  # the same query alone, without asking for the pages first
        return journal.db.read(PERSON_RUNS_SQL, (person_id, -(2**62)))

    def with_times(journal: Journal) -> object:
        result = person_progress(journal, person_id)
        return [(attempt.started_at, attempt.ended_at) for pack in result for attempt in pack.runs_detail]

    figures: dict[str, object] = {}
    with Journal.open(path) as journal:
        started = time.perf_counter()
        result = progress(journal)
        figures["first"] = (time.perf_counter() - started) * 1000
        figures["attempts"] = sum(pack.runs for pack in result)  # type: ignore[attr-defined]
        figures["packs"] = len(result)  # type: ignore[arg-type]
        figures["rows"] = len(bound(journal))  # type: ignore[arg-type]
        warm: dict[str, list[float]] = {"progress": [], "bound": [], "with_times": []}
        for round_number in range(warm_rounds):
            order = ["progress", "bound", "with_times"]
            for name in order[round_number % 3 :] + order[: round_number % 3]:
                function = {"progress": progress, "bound": bound, "with_times": with_times}[name]
                started = time.perf_counter()
                function(journal)
                warm[name].append((time.perf_counter() - started) * 1000)
        journal.db.checkpoint_and_truncate()
    for name, times in warm.items():
        figures[f"warm_{name}"] = statistics.median(times)

    cold: dict[str, list[float]] = {"progress": [], "bound": [], "query": []}
    resident: list[float] = []
    functions = {"progress": progress, "bound": bound, "query": query}
    for round_number in range(cold_rounds):
        order = ["progress", "bound", "query"]
        for name in order[round_number % 3 :] + order[: round_number % 3]:
            drop_from_page_cache(path)
            if (share := resident_share(path)) is not None:
                resident.append(share)
            with Journal.open(path) as journal:  # a new connection: SQLite's page cache is empty too
                started = time.perf_counter()
                functions[name](journal)
                cold[name].append((time.perf_counter() - started) * 1000)
    for name, times in cold.items():
        figures[f"cold_{name}"] = statistics.median(times)
    figures["resident"] = max(resident) if resident else None
    figures["load"] = os.getloadavg()[0]
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the 250 working days (default 1.0)")
    parser.add_argument("--rebuild", action="store_true", help="refill the cached journal")
    args = parser.parse_args()
    path = filled_journal(args.scale, args.rebuild)

    journal_rate, plain_rate, append_ratio = append_rates()
    with Journal.open(path) as journal:
        runs, events = (journal.db.read_one(f"SELECT MAX(id) FROM {table}")[0] for table in ("runs", "step_events"))
        days = len(workdays(max(1, round(WORKDAYS * args.scale))))
        worker = journal.people()[WORKERS // 2]
        middle_week = workdays(days)[days // 2]
        first_w, median_w, rows = timed(lambda: workshop_weekly_summary(journal, middle_week), 5)
    figures = progress_figures(path, worker.id)

    print()
    print(
        f"journal: {path.name}, {path.stat().st_size / 1e6:,.0f} MB: {WORKERS} workers x {RUNS_PER_DAY} runs a day x "
        f"{days} days x {STEPS} steps = {runs:,} runs, {events:,} step events"
    )
    print(f"durable append (WAL, synchronous=FULL, one commit each):")
    print(f"  Journal.record_step   {journal_rate:8,.0f} events/s")
    print(f"  plain sqlite3 INSERT  {plain_rate:8,.0f} events/s")
    print(f"  ratio of the totals   {journal_rate / plain_rate:8.2f}")
    print(f"  ratio, median round   {append_ratio:8.2f}   (goal >= 0.80)  {'ok' if append_ratio >= 0.8 else 'MISSED'}")
    print(
        f"one worker's full progress ({worker.name}: {figures['attempts']:,} attempts from {figures['rows']:,} runs "
        f"on {figures['packs']} packs), goal < {PROGRESS_GOAL_MS:.0f} ms; "
        "lower bound: the worker's rows read as progress reads them, nothing computed:"
    )
    for cache, label in (("warm", "in the page cache"), ("cold", "out of the page cache")):
        median, lower = figures[f"{cache}_progress"], figures[f"{cache}_bound"]
        assert isinstance(median, float) and isinstance(lower, float)
        print(
            f"  {label:22s} median {median:6.1f} ms  {'ok' if median < PROGRESS_GOAL_MS else 'MISSED'}   "
            f"ratio to goal {median / PROGRESS_GOAL_MS:.2f}   lower bound {lower:5.1f} ms, ratio {median / lower:.2f}"
        )
    print(
        f"  out of the page cache, the same query without first asking for the index pages at once: "
        f"{figures['cold_query']:.1f} ms"
    )
    resident = figures["resident"]
    print(
        f"  (first call {figures['first']:.1f} ms; out of the page cache = before each call the log checkpointed, "
        "posix_fadvise(POSIX_FADV_DONTNEED) on the journal and its -wal, a new connection; "
        + (
            f"mincore: at most {resident:.1%} of the file still resident)"
            if isinstance(resident, float)
            else "not checked)"
        )
    )
    print(
        f"  (load average {figures['load']:.1f} on {os.cpu_count()} cores while measuring; the ratios are steadier than the times)"
    )
    print(
        f"  every attempt's started_at and ended_at read afterwards too (datetimes are made on first reading): "
        f"median {figures['warm_with_times']:.1f} ms"
    )
    print(
        f"workshop weekly summary (week of {middle_week - timedelta(days=middle_week.weekday())}: {len(rows)} rows, "
        f"{sum(row.runs for row in rows):,} attempts):"
    )
    print(
        f"  median {median_w:6.1f} ms   first call {first_w:6.1f} ms   (goal < 1000 ms)  "
        f"{'ok' if median_w < 1000 else 'MISSED'}   ratio to goal {median_w / 1000:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
