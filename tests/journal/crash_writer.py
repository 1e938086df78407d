"""A kiosk that records as fast as it can until it is killed (used by test_journal_durability).

It prints a line for every record *after* the journal call returned, so every printed id is a
promise: "this is on disk". The test kills this process with SIGKILL at random moments and then
checks that every promise was kept.

    python crash_writer.py JOURNAL_PATH
"""

from __future__ import annotations

import sys

from kiosk.journal import Journal

STEPS = 8


def main(path: str) -> None:
    journal = Journal.open(path)
    for run in journal.recover_interrupted():
        print(f"interrupted {run.id}", flush=True)
    person = next(iter(journal.people()), None) or journal.add_person("Crash test")
    print(f"person {person.id}", flush=True)
    while True:
        run_id = journal.start_run(person.id, "crash", 1, "hash", step_count=STEPS)
        print(f"run {run_id}", flush=True)
        for step in range(1, STEPS + 1):
            print(f"event {journal.record_step(run_id, step, 'shown')}", flush=True)
            if step % 3 == 0:
                print(f"event {journal.record_step(run_id, step, 'help')}", flush=True)
            print(f"event {journal.record_step(run_id, step, 'done', duration_ms=step)}", flush=True)
        journal.finish_run(run_id)
        print(f"finished {run_id}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
