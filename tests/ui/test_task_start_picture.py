"""Choosing a task shows its first step's picture without decoding it in that frame: the picture is
decoded, on a background thread, as soon as the task's tile is in reach (a finger on it, or the
keyboard or switch highlight on it). Before, the first picture alone was left out of the pictures
fetched ahead, and starting a task decoded it in the frame that begins the fade (36-53 ms for a
phone photo's display copy in a probe)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.tests.common import UnitTestTouch


def _first_picture(tile: Any) -> Path:
    return Path(tile.item.display_image(tile.item.steps[0]))


def _prepared(app: Any, path: Path) -> Any:
    return app.step_pictures._textures.get(path)  # noqa: SLF001 - ready, not merely on its way


def test_a_finger_on_a_task_tile_prepares_its_first_picture_before_it_is_lifted(kiosk: Any, ui: Any) -> None:
    app = kiosk(people=[("Anna", "en")])
    tile = next(t for t in ui.screen.tiles() if t.item.id == "sort-screws")
    path = _first_picture(tile)
    assert _prepared(app, path) is None
    ui.settle()
    ui.advance(1.0)  # past the tap-guard
    x, y = tile.to_window(*tile.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    ui.pump(2)  # the frame with the pressed tile; then the decode starts
    ui.settle()
    prepared = _prepared(app, path)
    assert prepared is not None and app.sm.current == "tasks"  # ready, the finger still down
    touch.touch_up()
    ui.pump(2)
    ui.settle()
    assert app.sm.current == "step"
    assert ui.screen.ids.picture.texture is prepared  # the same texture: nothing decoded again


def test_the_highlight_on_a_task_tile_prepares_its_first_picture(kiosk: Any, ui: Any) -> None:
    app = kiosk(people=[("Anna", "en")])
    ui.press(9)  # Tab: the keyboard's highlight on the first tile
    ui.settle()
    tile = ui.screen.focused_widget()
    assert tile is not None
    assert _prepared(app, _first_picture(tile)) is not None
    ui.press(9)  # the next tile
    ui.settle()
    following = ui.screen.focused_widget()
    assert following is not tile and _prepared(app, _first_picture(following)) is not None
