"""The coach's shelf, Kivy-free, on a real journal: hidden packs, the order, a worker's own tasks."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.trainer.shelf_arrangement import (
    HIDDEN_KEY,
    ORDER_KEY,
    ShelfArrangement,
    with_worker_tasks,
    worker_tasks,
)


@dataclass(frozen=True)
class P:
    """A pack as the shelf sees it: only its id matters here."""

    id: str


PACKS = [P("sort-screws"), P("wash-hands"), P("sample-tea"), P("fold-towels")]


def ids(packs) -> list[str]:
    return [pack.id for pack in packs]


def test_nothing_decided_shows_every_pack_in_the_library_order(journal):
    shelf = ShelfArrangement.load(journal)
    assert ids(shelf.for_worker(PACKS, None)) == ids(PACKS)


def test_a_hidden_pack_is_offered_to_nobody_and_comes_back_after_a_restart(journal, reopen):
    ShelfArrangement.load(journal).with_hidden("sample-tea", True).save(journal)
    again = ShelfArrangement.load(reopen())
    assert again.is_hidden("sample-tea")
    assert ids(again.for_worker(PACKS, None)) == ["sort-screws", "wash-hands", "fold-towels"]
    again.with_hidden("sample-tea", False).save(journal)
    assert ids(ShelfArrangement.load(reopen()).for_worker(PACKS, None)) == ids(PACKS)


def test_moving_up_and_down_keeps_the_whole_order_and_new_packs_follow(journal, reopen):
    shelf = ShelfArrangement.load(journal).moved("fold-towels", -1, PACKS).moved("fold-towels", -1, PACKS)
    assert ids(shelf.ordered(PACKS)) == ["sort-screws", "fold-towels", "wash-hands", "sample-tea"]
    shelf = shelf.moved("sort-screws", 1, PACKS).moved("sample-tea", 5, PACKS)  # past the end: the end
    shelf.save(journal)
    shelf = ShelfArrangement.load(reopen())
    assert ids(shelf.ordered(PACKS)) == ["fold-towels", "sort-screws", "wash-hands", "sample-tea"]
    assert ids(shelf.ordered([P("new-one"), *PACKS])) == [*ids(shelf.ordered(PACKS)), "new-one"]
    assert shelf.moved("fold-towels", -1, PACKS) == shelf  # the first stays first
    assert shelf.moved("not-here", 1, PACKS) == shelf


def test_a_pack_that_is_away_keeps_its_place(journal):
    shelf = ShelfArrangement.load(journal).moved("fold-towels", -3, PACKS)
    away = [pack for pack in PACKS if pack.id != "wash-hands"]
    shelf = shelf.moved("sample-tea", -1, away)  # moved while wash-hands was away
    assert "wash-hands" in shelf.order
    assert ids(shelf.ordered(PACKS)) == ["fold-towels", "sample-tea", "sort-screws", "wash-hands"]


def test_a_worker_with_own_tasks_sees_only_those_others_see_all(journal):
    ben = journal.add_person("Ben", preferences=with_worker_tasks({"text_scale": 1.5}, ["wash-hands", "sort-screws"]))
    anna = journal.add_person("Anna")
    assert ben.preferences["text_scale"] == 1.5  # the other preferences stay
    assert worker_tasks(ben) == {"wash-hands", "sort-screws"} and worker_tasks(anna) is None
    shelf = ShelfArrangement.load(journal).moved("wash-hands", -1, PACKS).with_hidden("sort-screws", True)
    assert ids(shelf.for_worker(PACKS, ben)) == ["wash-hands"]  # hidden wins over given
    assert ids(shelf.for_worker(PACKS, anna)) == ["wash-hands", "sample-tea", "fold-towels"]
    all_again = with_worker_tasks(ben.preferences, None)
    assert all_again == {"text_scale": 1.5}
    nothing = journal.update_person(ben.id, preferences=with_worker_tasks(ben.preferences, []))
    assert worker_tasks(nothing) == frozenset() and shelf.for_worker(PACKS, nothing) == []


def test_damaged_values_read_as_nothing_decided(journal):
    journal.set_setting(HIDDEN_KEY, {"not": "a list"})
    journal.set_setting(ORDER_KEY, ["wash-hands", 7, None, "wash-hands", ""])
    shelf = ShelfArrangement.load(journal)
    assert shelf.hidden == frozenset() and shelf.order == ("wash-hands",)
    journal.db.write("UPDATE settings SET value = '{broken' WHERE key = ?", (HIDDEN_KEY,))
    assert ShelfArrangement.load(journal).hidden == frozenset()  # damaged JSON: not a crash
    odd = journal.add_person("Odd", preferences={"tasks": "wash-hands"})
    assert worker_tasks(odd) is None  # not a list: all tasks, rather than none


def test_a_journal_that_cannot_be_read_gives_the_plain_shelf():
    class Broken:
        def get_setting(self, key, default=None):
            raise OSError("disk gone")

    assert ShelfArrangement.load(Broken()) == ShelfArrangement()
