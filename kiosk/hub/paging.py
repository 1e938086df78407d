"""Pulling what the other kiosks sent, page by page, without missing a late commit (Kivy-free).

Runs and plan events are pulled the same way, so the reading lives here once: one REPEATABLE READ
snapshot of the hub; pages ordered by (hub transaction, then a key); each page taken into the
journal in one transaction, rows already there ignored by their UUID. The mark (a journal setting)
then moves to the oldest hub transaction still running at that snapshot (``pg_snapshot_xmin``), so
a push that commits after this read, even one that began long before, is read next time. Stopped
half-way, the mark moves only past what was read whole; rows of a person this kiosk does not have
yet hold the mark before them (read again once the person has been pulled).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import psycopg

from kiosk.journal import Journal


def pull_in_pages(
    journal: Journal,
    conn: psycopg.Connection,
    *,
    mark_setting: str,
    page: int,
    start: Callable[[int], tuple[Any, ...]],
    fetch: Callable[[tuple[Any, ...]], Sequence[Sequence[Any]]],
    make: Callable[..., Any],
    take_in: Callable[[list[Any]], Any],
    cursor: Callable[[Sequence[Any]], tuple[Any, ...]],
    should_stop: Callable[[], bool],
) -> tuple[int, bool]:
    """(rows new here, whether everything up to the snapshot was read). ``start(mark)`` is the
    first page's cursor, ``fetch(cursor)`` a page of rows (hub transaction first), ``make`` turns a
    row's other columns into what ``take_in`` (the journal's import, with ``added`` and
    ``unknown_people``) takes, ``cursor(last_row)`` the next page's cursor."""
    mark = int(str(journal.get_setting(mark_setting, "0") or "0"))
    added = 0
    held: int | None = None  # the oldest transaction with rows of a person not here yet
    complete = False
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        row = conn.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text").fetchone()
        horizon = int(row[0]) if row else mark
        after = start(mark)
        done_below = mark  # every row of a transaction below this one is in the journal
        while not should_stop():
            rows = fetch(after)
            pulled = [make(*row[1:]) for row in rows]
            imported = take_in(pulled)
            added += imported.added
            if imported.unknown_people:
                waiting = set(imported.unknown_people)
                oldest = min(int(row[0]) for row, item in zip(rows, pulled) if item.person_uuid in waiting)
                held = oldest if held is None else min(held, oldest)
            if len(rows) < page:
                complete = True
                break
            after = cursor(rows[-1])
            done_below = int(rows[-1][0])  # that transaction may go on into the next page
    new_mark = horizon if complete else min(horizon, done_below)
    if held is not None:
        new_mark = min(new_mark, held)
    if new_mark > mark:
        journal.set_setting(mark_setting, str(new_mark))
    return added, complete
