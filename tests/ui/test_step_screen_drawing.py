"""The step screen draws what shows and nothing more: no stencils, no triangle-fan discs, button
faces as nine-patch textures, and the picture's frame only where the picture leaves it bare
(``kiosk.ui.widgets.picture_frame``).

Why: a kiosk without a GPU draws with llvmpipe, whose frame costs about what it fills; these are
the savings that brought the frame after Next closer to its bound (``bench/step_latency.py``). The
rendering tests read the real window's pixels: the ring must leave no gap around the picture and
a see-through picture must still have the whole panel behind it.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from kivy.core.window import Window
from kivy.metrics import dp
from kivy.tests.common import UnitTestTouch
from kivy.graphics import BorderImage, Ellipse, InstructionGroup, Mesh, Rectangle, RoundedRectangle
from kivy.graphics.stencil_instructions import StencilPush
from PIL import Image

from kiosk.ui.pictures import decode
from kiosk.ui.widgets.button_face import (
    EDGE_INDICES,
    FACE_INDICES,
    face_border,
    face_indices,
    face_pixels,
    nine_patch_vertices,
)
from kiosk.ui.widgets.picture import Picture
from kiosk.ui.widgets.picture_frame import inside, ring_mesh, rounded_outline
from ui_helpers import make_pack


# -- the ring's geometry ---------------------------------------------------------------------------
def _triangles(vertices: list[float], indices: list[int]) -> list[tuple[tuple[float, float], ...]]:
    points = [(vertices[k], vertices[k + 1]) for k in range(0, len(vertices), 4)]
    return [tuple(points[i] for i in indices[t : t + 3]) for t in range(0, len(indices), 3)]


def _signed_area(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> float:
    return ((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])) / 2


def _covers(triangle: tuple[tuple[float, float], ...], x: float, y: float) -> bool:
    a, b, c = triangle
    return all(_signed_area(p, q, (x, y)) > 0 for p, q in ((a, b), (b, c), (c, a)))


@pytest.mark.parametrize(
    "frame, hole",
    [
        ((0, 0, 872, 512), (102.0, 5.1, 668.0, 501.0)),  # a 4:3 photo in a wide frame: bands left and right
        ((0, 0, 740, 760), (7.4, 92.5, 725.2, 575.0)),  # the same photo in portrait: bands above and below
        ((0, 0, 400, 300), (60.0, 40.0, 120.0, 90.0)),  # a small picture off the centre
    ],
)
def test_the_ring_covers_the_frame_around_the_picture_exactly_once(frame: Any, hole: Any) -> None:
    outline = rounded_outline(frame, 18)
    assert inside(outline, hole)
    triangles = _triangles(*ring_mesh(outline, hole))
    assert all(_signed_area(*t) >= 0 for t in triangles)  # none folded over
    x, y, w, h = frame
    hx, hy, hw, hh = hole
    for gx in range(1, 60):
        for gy in range(1, 60):
            px, py = x + w * (gx + 0.37) / 60, y + h * (gy + 0.61) / 60
            in_outline = all(_signed_area(p, q, (px, py)) > 0 for p, q in zip(outline, outline[1:] + outline[:1]))
            in_hole = hx < px < hx + hw and hy < py < hy + hh
            covered = sum(_covers(t, px, py) for t in triangles)
            assert covered == (1 if in_outline and not in_hole else 0), (px, py, covered)
    ring_area = sum(_signed_area(*t) for t in triangles)
    outline_area = sum(_signed_area((0, 0), p, q) for p, q in zip(outline, outline[1:] + outline[:1]))
    assert math.isclose(ring_area, outline_area - hw * hh, rel_tol=1e-9)


def test_a_picture_reaching_into_a_rounded_corner_leaves_no_ring() -> None:
    outline = rounded_outline((0, 0, 400, 300), 40)
    assert not inside(outline, (1, 1, 398, 298))
    assert inside(outline, (20, 20, 360, 260))


def test_a_picture_refuses_the_one_fit_it_cannot_clip() -> None:
    with pytest.raises(ValueError, match="cover"):
        Picture(fit_mode="cover")
    assert Picture(fit_mode="contain").fit_mode == "contain"


def test_a_button_face_has_its_fill_inside_its_edge_and_round_corners() -> None:
    fill, edge = (0.1, 0.5, 0.2, 1.0), (0.9, 0.8, 0.1, 1.0)
    side, pixels = face_pixels(fill, edge, 3, 18)
    face = Image.frombytes("RGBA", (side, side), pixels)
    assert side == 2 * face_border(18)[0] + 2
    middle = side // 2
    assert face.getpixel((middle, middle)) == (26, 128, 51, 255)  # the fill, stretched
    assert face.getpixel((middle, 1)) == (230, 204, 26, 255)  # the edge along each side
    assert face.getpixel((0, 0))[3] == 0 and face.getpixel((side - 1, side - 1))[3] == 0  # round corners
    assert 0 < face.getpixel((5, 5))[3] < 255 or face.getpixel((4, 4))[3] < 255  # smoothed, not jagged
    _, no_edge = face_pixels(fill, edge, 0, 18)
    assert Image.frombytes("RGBA", (side, side), no_edge).getpixel((middle, 1)) == (26, 128, 51, 255)


class _Texture:
    """A nine-patch texture's size and Kivy texture coordinates (a power-of-two copy uses part)."""

    size = (40, 40)
    tex_coords = (0.0, 0.0, 0.625, 0.0, 0.625, 0.625, 0.0, 0.625)


@pytest.mark.parametrize("box", [(10, 20, 300, 120), (5, 5, 30, 24)])  # the second smaller than its corners
def test_an_outline_face_covers_its_edge_cells_once_and_not_its_middle(box: Any) -> None:
    x, y, w, h = box
    border = face_border(18)
    vertices = nine_patch_vertices((x, y), (w, h), border, _Texture())
    us, vs = vertices[2::4], vertices[3::4]
    assert (min(us), max(us), min(vs), max(vs)) == (0.0, 0.625, 0.0, 0.625)
    filled, outline = _triangles(vertices, list(FACE_INDICES)), _triangles(vertices, list(EDGE_INDICES))
    assert all(_signed_area(*t) >= 0 for t in filled)
    corner_x, corner_y = min(border[3], w / 2), min(border[0], h / 2)
    for gx in range(1, 40):
        for gy in range(1, 40):
            px, py = x + w * (gx + 0.37) / 40, y + h * (gy + 0.61) / 40
            middle = x + corner_x < px < x + w - corner_x and y + corner_y < py < y + h - corner_y
            assert sum(_covers(t, px, py) for t in filled) == 1
            assert sum(_covers(t, px, py) for t in outline) == (0 if middle else 1), (px, py)
    assert face_indices((1, 1, 1, 0)) == EDGE_INDICES and face_indices((1, 1, 1, 1)) == FACE_INDICES


def test_a_secondary_button_is_an_outline_that_fills_while_pressed(kiosk: Any, ui: Any) -> None:
    """The screen shows through a secondary button's middle (not drawn at all), the main button
    is filled, and a finger on a secondary button fills it with the surface colour."""
    app = kiosk(people=[("Anna", "en")])
    step = _start(ui)
    again, nxt = step.ids.hear, step.ids.next
    assert again.role == "secondary" and nxt.role == "primary"
    shot = _window_shot(ui, "outline")

    def middle(button: Any) -> tuple[int, int, int]:
        x, y = button.to_window(*button.pos)
        return _pixel(shot, x + dp(12), y + button.height / 2)  # inside the edge, beside the words

    assert _close(middle(again), app.theme.background) and not _close(middle(again), app.theme.surface, tolerance=2)
    assert _close(middle(nxt), app.theme.primary)
    assert tuple(again.canvas.before.children[-1].indices) == EDGE_INDICES  # the middle is not drawn
    touch = UnitTestTouch(*again.to_window(*again.center))
    touch.touch_down()
    ui.pump(2)
    shot = _window_shot(ui, "outline-pressed")
    assert _close(middle(again), app.theme.surface)
    touch.touch_up()
    ui.settle()


# -- opaque pictures are known to be opaque ----------------------------------------------------------
def test_only_pictures_with_see_through_pixels_are_decoded_with_alpha(tmp_path: Path) -> None:
    Image.new("RGB", (40, 30), (200, 100, 50)).save(tmp_path / "photo.jpg")
    opaque_rgba = Image.new("RGBA", (40, 30), (200, 100, 50, 255))
    opaque_rgba.save(tmp_path / "opaque.png")
    see_through = opaque_rgba.copy()
    see_through.putpixel((3, 3), (0, 0, 0, 0))
    see_through.save(tmp_path / "see-through.png")
    palette = Image.new("P", (40, 30), 1)
    palette.putpalette([0, 0, 0, 200, 100, 50])
    palette.save(tmp_path / "palette-unused.png", transparency=0)  # a transparent colour no pixel uses
    palette.putpixel((5, 5), 0)
    palette.save(tmp_path / "palette-used.png", transparency=0)
    assert decode(tmp_path / "photo.jpg").colorfmt == "rgb"
    assert decode(tmp_path / "opaque.png").colorfmt == "rgb"
    assert decode(tmp_path / "palette-unused.png").colorfmt == "rgb"
    assert decode(tmp_path / "see-through.png").colorfmt == "rgba"
    decoded = decode(tmp_path / "palette-used.png")
    assert decoded.colorfmt == "rgba"
    assert len(decoded.pixels) == 40 * 30 * 4
    assert len(decode(tmp_path / "photo.jpg").pixels) == 40 * 30 * 3


# -- the real step screen --------------------------------------------------------------------------
def _instructions(group: Any) -> list[Any]:
    found = []
    for instruction in group.children:
        found += _instructions(instruction) if isinstance(instruction, InstructionGroup) else [instruction]
    return found


def _pixel(shot: Image.Image, x: float, y: float) -> tuple[int, int, int]:
    """The window pixel at Kivy's (x, y) (origin bottom left)."""
    return shot.getpixel((int(x), shot.height - 1 - int(y)))[:3]


def _close(colour: tuple[int, int, int], rgba: Any, tolerance: int = 3) -> bool:
    return all(abs(c - round(v * 255)) <= tolerance for c, v in zip(colour, rgba))


def _window_shot(ui: Any, name: str) -> Image.Image:
    """The window as it was drawn last (``Window.screenshot`` reads the frame back)."""
    return Image.open(ui.shot(name)).convert("RGB")


def _panel_shapes(frame: Any) -> list[type]:
    """What the frame's panel draws (its colour and texture binding left out)."""
    return [type(i) for i in frame._panel.children if type(i).__name__ not in ("Color", "BindTexture")]  # noqa: SLF001


def _start(ui: Any) -> Any:
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "sort-screws"))
    ui.settle()
    return ui.screen


def test_the_step_screen_draws_no_stencil_and_no_fan_of_triangles(kiosk: Any, ui: Any) -> None:
    app = kiosk(people=[("Anna", "en")])
    step = _start(ui)
    ui.tap(step.ids.next)  # Back shows too
    ui.settle()
    drawn = _instructions(Window.children[0].canvas)
    assert drawn, "nothing drawn?"
    assert not [i for i in drawn if isinstance(i, StencilPush)]
    assert not [i for i in drawn if isinstance(i, Ellipse)]
    assert app.sm.current == "step"


def test_the_frame_is_a_ring_around_a_photo_with_no_gap(kiosk: Any, ui: Any) -> None:
    app = kiosk(people=[("Anna", "en")])
    step = _start(ui)
    frame, picture = step.ids.frame, step.ids.picture
    assert picture.texture.colorfmt == "rgb"
    assert _panel_shapes(frame) == [Mesh]
    x, y, w, h = frame.opaque_rect()
    ox, oy = picture.to_window(0, 0)  # the frame's own origin in the window (the picture's parent)
    shot = _window_shot(ui, "ring")
    colour = app.theme.picture_frame
    # one pixel outside the picture, all round: the frame's colour, never the window behind it
    for fraction in (0.1, 0.5, 0.9):
        assert _close(_pixel(shot, ox + x - 1.5, oy + y + h * fraction), colour)
        assert _close(_pixel(shot, ox + x + w + 1, oy + y + h * fraction), colour)
        assert _close(_pixel(shot, ox + x + w * fraction, oy + y - 1.5), colour)
        assert _close(_pixel(shot, ox + x + w * fraction, oy + y + h + 1), colour)
    # and the picture inside, not the frame
    assert not _close(_pixel(shot, ox + x + w * 0.5, oy + y + h * 0.9), colour, tolerance=20)


def test_a_see_through_picture_has_the_whole_frame_behind_it(kiosk: Any, ui: Any, tmp_path: Path) -> None:
    packs = tmp_path / "packs"
    pack = make_pack(packs, "clear-sign", {"en": "Read the sign"}, [{"text": "Look at the sign."}, {"text": "Done."}])
    sign = Image.new("RGBA", (900, 600), (0, 0, 0, 0))  # a sign on a see-through ground
    sign.paste((30, 60, 160, 255), (300, 200, 600, 400))
    sign.save(pack / "01.png")
    (pack / "01.jpg").unlink()
    (pack / "pack.yaml").write_text((pack / "pack.yaml").read_text().replace("01.jpg", "01.png"))
    app = kiosk(packs=[packs], people=[("Anna", "en")])
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "clear-sign"))
    ui.settle()
    step = ui.screen
    frame, picture = step.ids.frame, step.ids.picture
    assert picture.texture.colorfmt == "rgba" and frame.opaque_rect() is None
    assert _panel_shapes(frame) == [RoundedRectangle]
    ox, oy = picture.to_window(*picture.center)
    shot = _window_shot(ui, "see-through")
    iw, ih = picture.norm_image_size
    # a see-through corner of the picture shows the frame
    assert _close(_pixel(shot, ox - iw * 0.45, oy + ih * 0.45), app.theme.picture_frame)


def test_the_focus_ring_is_drawn_around_the_focused_button_only(kiosk: Any, ui: Any) -> None:
    """The ring is a nine-patch like the faces; a hidden one is an empty box with no border (a
    ``BorderImage`` draws its corners at full size in any box: once, hidden rings left orange
    corners beside every button)."""
    app = kiosk(people=[("Anna", "en")])
    step = _start(ui)
    ui.press(9)  # Tab: the keyboard's focus, with its ring
    focused = step.focused_widget()
    assert app.keyboard_mode and focused is not None
    shot = _window_shot(ui, "focus-ring")
    ring = app.theme.focus
    for button in step.focusables():
        if button.opacity < 1:
            continue
        x, y = button.to_window(*button.pos)
        middle = y + button.height / 2
        outside = [(x - 6, middle), (x + button.width + 6, middle), (x + button.width / 2, y - 6)]
        corner = (x - 4, y - 4)  # where a hidden ring's corner would show
        if button is focused:
            assert all(_close(_pixel(shot, *p), ring, tolerance=8) for p in outside), button.text
        else:
            assert not any(_close(_pixel(shot, *p), ring, tolerance=40) for p in [*outside, corner]), button.text
    assert not [i for i in _instructions(Window.children[0].canvas) if isinstance(i, StencilPush)]


def _empty_boxes(canvas: Any) -> list[Any]:
    """Instructions that would draw a box with no area: each still costs llvmpipe a draw call."""
    return [i for i in _instructions(canvas) if isinstance(i, (Rectangle, BorderImage)) and 0 in tuple(i.size)]


def test_hidden_rings_and_missing_discs_are_not_in_the_canvas(kiosk: Any, ui: Any) -> None:
    """A hidden focus ring and the icon disc of a button without one are taken out of the canvas
    (``drawn_when.py``), and put back, up to date, when they show."""
    app = kiosk(people=[("Anna", "en")])
    step = _start(ui)
    ui.tap(step.ids.next)  # Back shows too
    ui.settle()
    screen_canvas = Window.children[0].canvas
    assert not _empty_boxes(screen_canvas)
    rings = [b for b in step.focusables() if b.canvas.after.get_group("focus_ring")]
    assert rings == []
    discs = [b for b in step.focusables() if b.ids.icon_image.canvas.before.get_group("icon_disc")]
    assert discs and all(b.icon_disc for b in discs)  # the coloured ones (Next, Help) keep theirs
    assert all(not b.icon_disc for b in step.focusables() if b not in discs)
    ui.press(9)  # Tab: the ring shows around one button, at that button's box
    focused = step.focused_widget()
    rings = [b for b in step.focusables() if b.canvas.after.get_group("focus_ring")]
    assert rings == [focused]
    ring = next(i for i in focused.canvas.after.get_group("focus_ring") if isinstance(i, Mesh))
    xs = ring.vertices[0::4]
    assert min(xs) < focused.x and max(xs) - min(xs) > focused.width
    ui.tap(step.ids.next)  # a touch: the keyboard's ring goes again
    ui.settle()
    assert not app.keyboard_mode
    assert not [b for b in step.focusables() if b.canvas.after.get_group("focus_ring")]
    assert not _empty_boxes(screen_canvas)
    app.theme.apply("high_contrast")  # a dark palette: every icon on a white disc
    ui.settle()
    assert all(b.ids.icon_image.canvas.before.get_group("icon_disc") for b in step.focusables())
    app.theme.apply("calm")
    ui.settle()
    assert [b for b in step.focusables() if b.ids.icon_image.canvas.before.get_group("icon_disc")] == discs


def _dot_colours(ui: Any, dots: Any, name: str) -> list[tuple[str, tuple[int, int, int], tuple[int, int, int]]]:
    """(kind, window pixel at the dot's centre, window pixel just outside its edge) of each dot."""
    shot = _window_shot(ui, name)
    found = []
    for kind, cx, cy, diameter in dots.dot_boxes():
        x, y = dots.to_window(cx, cy)
        found.append((kind, _pixel(shot, x, y), _pixel(shot, x + diameter / 2 + 2, y)))
    return found


def test_progress_dots_show_done_current_and_to_do_and_change_in_place(kiosk: Any, ui: Any) -> None:
    """The dots are one mesh over one texture of coloured discs; what the window shows at each
    dot is its colour, and the background just beside it."""
    app = kiosk(people=[("Anna", "en")])
    step = _start(ui)
    dots = step.ids.dots
    theme = app.theme
    first = _dot_colours(ui, dots, "dots-first")
    assert len(first) == step.total and step.number == 1
    assert [kind for kind, _, _ in first] == ["current"] + ["todo"] * (step.total - 1)
    assert _close(first[0][1], theme.text, tolerance=6)
    assert all(_close(centre, theme.dot_todo, tolerance=6) for _, centre, _ in first[1:])
    assert all(_close(beside, theme.background, tolerance=6) for _, _, beside in first[1:])
    boxes = dots.dot_boxes()
    assert boxes[0][3] > boxes[1][3]  # the current one, larger
    meshes = [i for i in _instructions(dots.canvas) if isinstance(i, Mesh)]
    assert len(meshes) == 1 and [type(i).__name__ for i in _instructions(dots.canvas)].count("Color") == 1
    ui.tap(step.ids.next)
    ui.settle()
    now = _dot_colours(ui, dots, "dots-second")
    current = step.number - 1
    assert current == 1 and [kind for kind, _, _ in now[:3]] == ["done", "current", "todo"]
    assert _close(now[0][1], theme.dot_done, tolerance=6) and _close(now[1][1], theme.text, tolerance=6)
    assert all(_close(centre, theme.dot_todo, tolerance=6) for _, centre, _ in now[2:])
    assert [i for i in _instructions(dots.canvas) if isinstance(i, Mesh)] == meshes  # changed in place
    dots.total = 200  # too many for dots in this width: a bar, done part and the rest
    dots.redraw()
    assert dots.dot_boxes() == []
    assert [type(i).__name__ for i in _instructions(dots.canvas)].count("RoundedRectangle") == 2
    dots.total = step.total
    dots.redraw()
    assert len(dots.dot_boxes()) == step.total
    assert len([i for i in _instructions(dots.canvas) if isinstance(i, Mesh)]) == 1


def test_icons_are_kept_but_other_pictures_on_buttons_are_read_each_time(kiosk: Any, tmp_path: Path) -> None:
    """A kept icon costs no read from disk when Next becomes Done; a pack's thumbnail on "Keep
    going" is not kept (packs come and go, their pictures change under the same name: a cache of
    them would grow with every pack and show stale pictures); an unreadable one gives no icon."""
    from kiosk.ui.widgets.icon import icon_path, icon_texture

    kiosk()
    done = icon_path("done")
    assert done and icon_texture(done) is icon_texture(done)
    thumbnail = tmp_path / "thumb.png"
    Image.new("RGB", (40, 30), (200, 10, 10)).save(thumbnail)
    first = icon_texture(str(thumbnail))
    assert first is not None and tuple(first.size) == (40, 30)
    Image.new("RGB", (64, 48), (10, 200, 10)).save(thumbnail)  # the pack's picture changed
    assert tuple(icon_texture(str(thumbnail)).size) == (64, 48)
    thumbnail.write_bytes(b"not a picture")
    assert icon_texture(str(thumbnail)) is None
    assert icon_texture("") is None
