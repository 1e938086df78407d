"""The trainer's Packs screen on a big library: a recycling view makes only the rows on screen,
and everything a trainer does with a row still works on the rows scrolled out of sight: each
reused row shows its own pack's title, state, problems and picture; Tab reaches every row and
button (scrolled into view); Hide and Move act on the pack of the row they are on; a broken pack
far down still says what is wrong with it."""

from __future__ import annotations

import pytest

from kiosk.trainer.shelf_arrangement import ShelfArrangement
from test_trainer_screens import open_from_home, open_trainer, set_pin
from ui_helpers import make_pack, photo

USABLE = 70
BROKEN = 30  # broken packs come first on this screen: the last of them is far down too
ROWS_AT_MOST = 10  # rows are 170-450 px high in a window of 800 or 1280: a few screens' worth, not 100


def big_library(folder):
    for number in range(USABLE):
        root = make_pack(folder, f"pack-{number:03d}", {"en": f"Pack {number:03d}"}, [{"text": "Do it."}])
        photo(root / "01.jpg", number, size=(320, 240))  # a picture of its own, small: quick to make
    for number in range(BROKEN):
        root = make_pack(folder, f"broken-{number:02d}", {"en": f"Broken {number:02d}"}, [{"text": "Do it."}])
        (root / "01.jpg").unlink()
    return folder


def open_packs(kiosk, ui, tmp_path, size=(1280, 800)):
    app = kiosk(packs=[big_library(tmp_path / "big")], people=[("Anna", "en")], prepare=set_pin, size=size)
    open_trainer(app, ui)
    return app, open_from_home(app, ui, "trainer_packs")


def on_screen(screen, widget) -> bool:
    """The widget lies inside the list's window (the trainer can see and tap it)."""
    view = screen.ids.scroller
    _left, bottom = view.to_window(view.x, view.y)
    _x, y = widget.to_window(widget.x, widget.y)
    return bottom - 1 <= y and y + widget.height <= bottom + view.height + 1


def index_of(screen, pack_id: str) -> int:
    return next(i for i, e in enumerate(screen.entries()) if e["pack"] is not None and e["pack"].id == pack_id)


def settles(ui, screen) -> None:
    """The list comes to rest: the rows keep their entries, heights and places frame after frame
    (rows measuring themselves once made the list hand them other entries, again and again)."""

    def state():
        return [(row.index, round(row.y), round(row.height)) for row in screen.rows()]

    ui.pump(4)
    before = state()
    ui.pump(4)
    assert state() == before


def check_rows_show_their_entries(app, screen) -> None:
    entries = screen.entries()
    for row in screen.rows():
        entry = entries[row.index]
        assert row.title == entry["title"] and row.report is entry["report"] and row.pack is entry["pack"]
        assert row.state_word == entry["state_word"] and row.details == entry["details"]
        assert row.hidden == entry["hidden"] and row.usable == entry["usable"]
        assert [d["text"] for d in row.ids.details.data] == entry["lines"]  # its own problem lines
        if entry["thumbnail"] is None:
            assert row.texture is None
        elif row.texture is not None:  # never another pack's picture
            assert row.texture is app.tile_pictures.get_now(entry["thumbnail"])


def test_only_the_rows_on_screen_exist_and_each_shows_its_own_pack(kiosk, ui, tmp_path):
    app, screen = open_packs(kiosk, ui, tmp_path)
    entries = screen.entries()
    assert len(entries) == USABLE + BROKEN
    assert [e["title"] for e in entries[:BROKEN]] == [f"Broken {n:02d}" for n in range(BROKEN)]
    assert [e["pack"].id for e in entries[BROKEN:]] == [f"pack-{n:03d}" for n in range(USABLE)]
    settles(ui, screen)
    rows = screen.rows()
    assert 0 < len(rows) <= ROWS_AT_MOST
    assert [row.index for row in rows] == list(range(len(rows)))
    check_rows_show_their_entries(app, screen)
    screen.ids.scroller.scroll_y = 0  # the end of the list: the views are given other packs
    for _ in range(4):  # rows are measured as they come into view; the end moves until then
        ui.pump(3)
        screen.ids.scroller.scroll_y = 0
    ui.settle()
    settles(ui, screen)
    rows = screen.rows()
    assert 0 < len(rows) <= ROWS_AT_MOST and rows[-1].index == len(entries) - 1
    last = rows[-1]
    assert last.title == f"Pack {USABLE - 1:03d}" and last.state_word == "Ready" and on_screen(screen, last)
    assert last.last and last.ids.down.disabled and not last.ids.up.disabled
    check_rows_show_their_entries(app, screen)
    assert all(row.texture is not None for row in rows)  # the pictures came for the reused rows
    ui.shot("end-of-list")


def test_a_broken_pack_far_down_still_shows_its_problem(kiosk, ui, tmp_path):
    _app, screen = open_packs(kiosk, ui, tmp_path)
    index = BROKEN - 1
    assert screen.entries()[index]["title"] == f"Broken {BROKEN - 1:02d}"
    assert all(row.index != index for row in screen.rows())  # not made yet
    row = screen.row_at(index)
    ui.pump(6)
    row = screen.row_at(index)
    assert row.title == f"Broken {BROKEN - 1:02d}" and row.state_word == "Broken" and not row.usable
    assert "01.jpg" in row.details and "step 1" in row.details
    drawn = [w.text for w in row.ids.details.walk(restrict=True) if hasattr(w, "texture_size") and w.text]
    assert any("01.jpg" in text for text in drawn)
    assert row.texture is None and row.placeholder.endswith("broken.png") and on_screen(screen, row)
    assert not row.ids.shelf.height and row.ids.hide.disabled  # no shelf buttons on a broken pack
    assert len(screen.rows()) <= ROWS_AT_MOST
    ui.shot("broken-far-down")


def test_tab_reaches_a_row_far_down_and_hide_acts_on_its_pack(kiosk, ui, tmp_path):
    app, screen = open_packs(kiosk, ui, tmp_path)
    # Back, Reload, no stops on the broken packs, then per pack its row, Hide, Move up, Move down
    # (the first pack has no Move up): pack 12's Hide is the 2 + 3 + 4 * 11 + 2 = 51st stop.
    for _ in range(51):
        ui.press(9, wait=False)
    lit = screen.focused_widget()
    row = next(r for r in screen.rows() if r.ids.hide is lit)
    assert row.pack.id == "pack-012" and row.title == "Pack 012" and lit.focused and on_screen(screen, lit)
    assert [r for r in screen.rows() if r.focused or r.ids.hide.focused] == [row]  # one ring only
    assert len(screen.rows()) <= ROWS_AT_MOST
    ui.shot("tab-to-hide")
    ui.press(32)  # Space presses the focused Hide
    assert ShelfArrangement.load(app.journal).hidden == frozenset({"pack-012"})
    index = index_of(screen, "pack-012")
    assert screen.entries()[index]["hidden"]
    row = screen.row_at(index)
    assert row.hidden and row.ids.hide.text == "Show" and row.pack.id == "pack-012"
    assert not [r for r in screen.rows() if r.hidden and r is not row]  # the reused rows: not hidden
    ui.pump(4)
    assert on_screen(screen, row.ids.hide)  # the button the trainer used stays in view


def test_move_up_on_a_row_far_down_moves_its_own_pack(kiosk, ui, tmp_path):
    app, screen = open_packs(kiosk, ui, tmp_path)
    index = index_of(screen, "pack-060")
    screen.reveal(index, "up")  # scrolled there (a row seen first is measured in the next frames)
    ui.pump(6)
    row = screen.row_at(index)
    assert row.title == "Pack 060" and on_screen(screen, row.ids.up)
    ui.tap(row.ids.up, wait=False)
    order = [pack.id for pack in ShelfArrangement.load(app.journal).ordered(app.shelf.packs)]
    assert order.index("pack-060") == 59 and order.index("pack-059") == 60
    assert [e["pack"].id for e in screen.entries()[BROKEN + 58 : BROKEN + 61]] == ["pack-058", "pack-060", "pack-059"]
    ui.pump(4)
    moved = screen.row_at(index - 1)
    assert moved.pack.id == "pack-060" and moved.title == "Pack 060" and on_screen(screen, moved.ids.up)
    check_rows_show_their_entries(app, screen)
    ui.tap(moved.ids.down, wait=False)  # and back down
    order = [pack.id for pack in ShelfArrangement.load(app.journal).ordered(app.shelf.packs)]
    assert order[58:61] == ["pack-058", "pack-059", "pack-060"]
    assert len(screen.rows()) <= ROWS_AT_MOST


@pytest.mark.parametrize("size", [(1280, 800), (800, 1280)], ids=["landscape", "portrait"])
def test_the_big_list_looks_right(kiosk, ui, tmp_path, size):
    from looks import measure

    app, screen = open_packs(kiosk, ui, tmp_path, size=size)
    settles(ui, screen)
    problems = measure(app, screen, "packs (top)")
    ui.shot("top")
    index = index_of(screen, "pack-040")
    screen.row_at(index)
    ui.pump(6)
    ui.settle()
    row = screen.row_at(index)
    assert row.title == "Pack 040" and on_screen(screen, row)
    settles(ui, screen)
    problems += measure(app, screen, "packs (far down)")
    ui.shot("far-down")
    assert len(screen.rows()) <= ROWS_AT_MOST
    assert not problems, "\n".join(problems)
