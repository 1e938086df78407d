"""Progress asks for a worker's index pages at once (``_prefetch_person_pages``): it must ask for
every leaf page that holds the worker's runs, and hardly any other.

The pages are found by reading SQLite's file format directly, so the test checks them against
SQLite's own list of the index's leaf pages (the ``dbstat`` table) and against what those pages
hold, on a journal whose index is three levels deep, like a worker's year on a kiosk.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict

import pytest

from kiosk.journal import Journal
from kiosk.journal.progress import _prefetch_person_pages, _varint, person_progress

PEOPLE = 6
RUNS_EACH = 2500


def _fill(journal: Journal) -> list[int]:
    """Runs of six workers, a day at a time, as a kiosk writes them (so each worker's index pages
    lie scattered over the file)."""
    people = [journal.add_person(f"Worker {number}").id for number in range(PEOPLE)]
    rows = []
    for day in range(RUNS_EACH // 25):
        for person in people:
            for run in range(25):
                start = 1_770_000_000_000 + day * 86_400_000 + run * 600_000
                rows.append((person, "pack", 1, "hash", start, start + 300_000, "finished", 15, 15, "[[3,1],[9,2]]"))
    connection = journal.db.connection
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO runs (person_id, pack_id, pack_version, content_hash, started_at_ms, ended_at_ms, outcome, "
        "step_count, furthest_step, help_by_step) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    connection.execute("COMMIT")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the pages are read from the file itself
    return people


def _people_on_leaves(path) -> dict[int, set[int]]:
    """Leaf page -> the person ids of its entries, from SQLite's list of the index's pages."""
    raw = sqlite3.connect(path)
    try:
        leaves = [
            page
            for (page,) in raw.execute(
                "SELECT pageno FROM dbstat WHERE name = 'runs_by_person_time' AND pagetype = 'leaf'"
            )
        ]
    except sqlite3.OperationalError as error:  # dbstat is a compile-time option of SQLite
        pytest.skip(f"this SQLite has no dbstat table to check against: {error}")
    size = raw.execute("PRAGMA page_size").fetchone()[0]
    levels = raw.execute(
        "SELECT MAX(LENGTH(path) - LENGTH(REPLACE(path, '/', ''))) FROM dbstat WHERE name = 'runs_by_person_time'"
    ).fetchone()[0]
    raw.close()
    assert levels >= 2, "the index should be three levels deep for the test to mean something"
    held: dict[int, set[int]] = {}
    with open(path, "rb") as file:
        for page in leaves:
            file.seek((page - 1) * size)
            data = file.read(size)
            assert data[0] == 0x0A  # an index leaf
            people = set()
            for number in range(int.from_bytes(data[3:5], "big")):
                at = int.from_bytes(data[8 + 2 * number : 10 + 2 * number], "big")
                _, record = _varint(data, at)
                header_size, types = _varint(data, record)
                kind, _ = _varint(data, types)
                if kind in (8, 9):  # SQLite stores the integers 0 and 1 as a type of their own
                    people.add(kind - 8)
                else:
                    width = {1: 1, 2: 2}[kind]  # small person ids
                    people.add(int.from_bytes(data[record + header_size : record + header_size + width], "big"))
            held[page] = people
    return held


def test_every_leaf_with_the_workers_runs_is_asked_for(tmp_path):
    path = tmp_path / "journal.sqlite3"
    with Journal.open(path) as journal:
        people = _fill(journal)
        asked = {person: _prefetch_person_pages(journal, person) for person in people}
    held = _people_on_leaves(path)
    pages_of: dict[int, set[int]] = defaultdict(set)
    for page, on_it in held.items():
        for person in on_it:
            pages_of[person].add(page)
    for person in people:
        assert pages_of[person] <= set(asked[person]), person  # none missing
        assert len(asked[person]) <= len(pages_of[person]) + 2, person  # at most the neighbours at each end
        assert len(asked[person]) >= 20
    assert set().union(*asked.values()) == set(held)


def test_nothing_is_asked_for_a_journal_in_memory_or_a_small_one(tmp_path):
    with Journal.open_in_memory() as memory:
        anna = memory.add_person("Anna").id
        assert _prefetch_person_pages(memory, anna) == []
        assert person_progress(memory, anna) == []
    with Journal.open(tmp_path / "small.sqlite3") as small:  # the index is one page: nothing to ask for
        anna = small.add_person("Anna").id
        assert _prefetch_person_pages(small, anna) == []
        assert person_progress(small, anna) == []


def test_an_unknown_layout_only_means_no_prefetch(tmp_path):
    path = tmp_path / "journal.sqlite3"
    with Journal.open(path) as journal:
        people = _fill(journal)
        expected = person_progress(journal, people[0])
        root = journal.db.read_one("SELECT rootpage FROM sqlite_master WHERE name = 'runs_by_person_time'")[0]
        size = journal.db.read_one("PRAGMA page_size")[0]
    with open(path, "r+b") as file:  # every cell pointer of the root now points at its last byte
        file.seek((root - 1) * size)
        page = file.read(size)
        cells = int.from_bytes(page[3:5], "big")
        assert page[0] == 0x02 and cells > 1  # an interior page
        file.seek((root - 1) * size + 12)
        file.write((size - 1).to_bytes(2, "big") * cells)
    with Journal.open_read_only(path) as journal:
        assert _prefetch_person_pages(journal, people[0]) == []
    with open(path, "r+b") as file:
        file.seek((root - 1) * size)
        file.write(page)
    with Journal.open_read_only(path) as journal:
        assert person_progress(journal, people[0]) == expected
