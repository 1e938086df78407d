"""Support levels benchmark: deciding a worker's levels at pack open, next to their full progress.

    .venv/bin/python bench/support.py [--scale 1.0] [--rebuild]

Uses the workshop-year journal that bench/journal.py builds (and caches in bench/out/): 100
workers, 20 runs a day, 250 days, 15-step packs with help that fades as a pack is learned. For
one worker and the pack they work on at the end of the year, it times ``kiosk.support.decide_pack``
for a 20-step pack (what the kiosk does when the worker taps the task: read the last runs of this
pack content, decide every step, plan the screens) and, in the same run, ``person_progress`` for
the same worker (the full progress computation), and prints both with their ratio.
Goal: deciding under 10 ms.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from journal import PACKS, WORKERS, filled_journal, timed  # noqa: E402

from kiosk.journal import Journal  # noqa: E402
from kiosk.journal.progress import person_progress  # noqa: E402
from kiosk.support import Level, decide_pack  # noqa: E402

PACK_STEPS = 20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the 250 working days (default 1.0)")
    parser.add_argument("--rebuild", action="store_true", help="refill the cached journal")
    args = parser.parse_args()
    path = filled_journal(args.scale, args.rebuild)
    with Journal.open(path) as journal:
        worker = journal.people()[WORKERS // 2]
        pack_id = journal.db.read_one(
            "SELECT pack_id FROM runs WHERE person_id = ? ORDER BY started_at_ms DESC LIMIT 1", (worker.id,)
        )[0]
        pack = SimpleNamespace(
            id=pack_id,
            content_hash=f"hash-{pack_id}",
            steps=[SimpleNamespace(timer=None, count=None, video=None) for _ in range(PACK_STEPS)],
        )
        now_ms = journal.db.read_one("SELECT MAX(started_at_ms) FROM runs")[0] + 3_600_000
        first_d, median_d, support = timed(lambda: decide_pack(journal, worker.id, pack, now_ms=now_ms), 20)
        first_p, median_p, progress = timed(lambda: person_progress(journal, worker.id), 10)
        runs = journal.db.read_one(
            "SELECT COUNT(*) FROM runs WHERE person_id = ? AND pack_id = ?", (worker.id, pack_id)
        )[0]
    levels = [decision.level for decision in support.decisions]
    print(
        f"journal: {path.name}; worker {worker.name}, pack {pack_id} ({runs:,} runs of it; {len(PACKS)} packs in all)"
    )
    print(
        f"levels for a {PACK_STEPS}-step pack: "
        f"{sum(level is Level.FULL for level in levels)} full, {sum(level is Level.REDUCED for level in levels)} reduced, "
        f"{sum(level is Level.GROUPED for level in levels)} grouped -> {len(support.screens)} screens"
    )
    print(
        f"decide_pack (at pack open):  median {median_d:6.2f} ms   first call {first_d:6.2f} ms   (goal < 10 ms)  "
        f"{'ok' if median_d < 10 else 'MISSED'}"
    )
    print(f"person_progress (same worker): median {median_p:6.2f} ms   first call {first_p:6.2f} ms")
    print(f"ratio decide / full progress: {median_d / median_p:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
