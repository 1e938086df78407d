"""The tasks screen on a big library: a recycling view makes only the tiles on screen, and
everything a worker does with tiles still works on the tiles scrolled out of sight: Tab and the
switch's highlight reach every task (scrolled into view, spoken), Space starts the lit one, a tap
starts the tapped one, each tile shows its own pack's picture and title, and a rescan keeps the
highlight on the same task."""

from __future__ import annotations

from ui_helpers import make_pack, photo

PACKS = 45  # 3 columns x 2 rows fit a 1280x800 window: far fewer tiles than packs


def big_library(folder):
    for number in range(PACKS):
        root = make_pack(folder, f"task-{number:02d}", {"en": f"Task {number:02d}"}, [{"text": "Do it."}])
        photo(root / "01.jpg", number, size=(400, 300))  # a picture of its own (the number drawn on it)
    return folder


def on_screen(screen, tile) -> bool:
    """The tile lies inside the scrolling view's window (the worker can see and tap it)."""
    view = screen.ids.scroller
    left, bottom = view.to_window(view.x, view.y)
    x, y = tile.to_window(tile.x, tile.y)
    return bottom - 1 <= y and y + tile.height <= bottom + view.height + 1 and left <= x


def test_only_visible_tiles_exist_and_focus_reaches_every_task(kiosk, ui, tmp_path):
    app = kiosk(packs=[big_library(tmp_path / "big")], people=[("Anna", "en")])
    screen = ui.screen
    assert app.sm.current == "tasks" and len(screen.entries()) == PACKS
    tiles = screen.tiles()
    assert 0 < len(tiles) < 16  # the rows on screen (and one partly shown), not 45 tiles
    assert [t.item.id for t in tiles] == [f"task-{n:02d}" for n in range(len(tiles))]
    assert all(t.title == t.item.title_for("en") for t in tiles)
    ui.press(32)  # Space before any Tab: the ring on the first tile
    assert screen.focus_index == 0 and screen.focused_widget().item.id == "task-00"
    for _ in range(30):
        ui.press(9)  # Tab, thirty times: far below the first screenful
    lit = screen.focused_widget()
    assert screen.focus_index == 30 and lit.item.id == "task-30" and lit.title == "Task 30"
    assert lit.focused and on_screen(screen, lit)  # scrolled into view, with the ring on it
    assert [t for t in screen.tiles() if t.focused] == [lit]  # a recycled tile never keeps a ring
    assert len(screen.tiles()) < 16
    ui.shot("task-30-lit")
    ui.press("r")  # hear the focused title
    assert ("Task 30", "en") in app.fake_speech.rendered
    ui.press(32)
    assert app.sm.current == "step" and app.session.pack.id == "task-30"


def test_a_tap_on_a_scrolled_tile_and_its_own_picture(kiosk, ui, tmp_path):
    app = kiosk(packs=[big_library(tmp_path / "big")], people=[("Anna", "en")])
    screen = ui.screen
    first_texture = {t.item.id: t.texture for t in screen.tiles()}
    assert all(texture is not None for texture in first_texture.values())
    screen.ids.scroller.scroll_y = 0  # the end of the list: the views are given other packs
    ui.pump(3)
    ui.settle()
    tiles = screen.tiles()
    assert tiles[-1].item.id == f"task-{PACKS - 1:02d}"
    for tile in tiles:  # each recycled view shows its new pack's title and picture, not the old one's
        assert tile.title == tile.item.title_for("en")
        assert tile.texture is not None and tile.texture not in first_texture.values()
        assert tile.texture is app.tile_pictures.get_now(tile.item.thumbnail())
    target = next(t for t in tiles if on_screen(screen, t) and t.item.id == f"task-{PACKS - 2:02d}")
    target.ids.speaker_button.activate()  # its Hear button: speaks, chooses nothing
    ui.settle()
    assert (f"Task {PACKS - 2:02d}", "en") in app.fake_speech.rendered and app.sm.current == "tasks"
    ui.tap(target)
    assert app.sm.current == "step" and app.session.pack.id == f"task-{PACKS - 2:02d}"


def test_a_rescan_keeps_the_highlight_on_the_same_task(kiosk, ui, tmp_path):
    folder = big_library(tmp_path / "big")
    app = kiosk(packs=[folder], people=[("Anna", "en")], settings={"scan_s": 30.0})
    screen = ui.screen
    ui.advance(30.0)
    assert screen.focused_widget().item.id == "task-00"
    for _ in range(20):
        ui.press(9)
    assert screen.focused_widget().item.id == "task-20"
    make_pack(folder, "a-first-task", {"en": "A first task"}, [{"text": "Go."}])  # sorts before all
    app.shelf.refresh()
    ui.settle()
    assert len(screen.entries()) == PACKS + 1
    lit = screen.focused_widget()
    assert lit.item.id == "task-20" and screen.focus_index == 21 and on_screen(screen, lit)
    ui.advance(30.0)  # the switch's highlight moves on from there, and says the title
    assert screen.focused_widget().item.id == "task-21"
    ui.settle()
    assert ("Task 21", "en") in app.fake_speech.rendered
