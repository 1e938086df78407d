"""A button's face, its rounded fill and its edge, as one nine-patch texture.

Why: drawn with Kivy's shapes, a button's edge is a ``Line`` of width over 1 px around a rounded
rectangle: hundreds of small triangles (round joints at every point of the corners) that a
software renderer (llvmpipe, on kiosks without a GPU) sets up again in every frame, about 1 ms for
the step screen's five buttons in the frame of each Next (``bench/step_latency.py``), and with a
jagged edge (the kiosk turns multisampling off). One ``BorderImage`` of this texture draws the same
face, antialiased, for the price of the fill alone: its corners are drawn once, here, with Pillow,
and its middle is stretched.

A face with no fill (a secondary button's calm outline, the focus ring) is drawn as the nine-patch's
eight outer cells only (``nine_patch_vertices`` with ``EDGE_INDICES``): its see-through middle
would cost as much to blend as a filled one, every frame, for not one visible pixel. On the step
screen that middle was a third of the buttons' 184,000 pixels (``bench/step_latency.py``).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Sequence

from kivy.graphics.texture import Texture

#: Drawn this many times larger, then reduced: the antialiasing of the corners.
SUPERSAMPLE = 4


def face_border(radius: float) -> tuple[int, int, int, int]:
    """The nine-patch border (bottom, right, top, left, in pixels) for a face of this radius."""
    corner = math.ceil(radius) + 1
    return (corner, corner, corner, corner)


def channel_byte(value: float) -> int:
    """A colour channel 0-1 as a byte 0-255 (Pillow's colours)."""
    return max(0, min(255, round(value * 255)))


def face_pixels(fill: Sequence[float], edge: Sequence[float], edge_width: float, radius: float) -> tuple[int, bytes]:
    """(side, RGBA rows bottom to top) of a square face whose corners are the button's."""
    from PIL import Image, ImageDraw

    corner = face_border(radius)[0]
    side = 2 * corner + 2  # the two middle columns and rows are the ones stretched
    big = side * SUPERSAMPLE
    face = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    outline = tuple(channel_byte(v) for v in edge)
    ImageDraw.Draw(face).rounded_rectangle(
        (0, 0, big - 1, big - 1),
        radius=radius * SUPERSAMPLE,
        fill=tuple(channel_byte(v) for v in fill),
        outline=outline if edge_width > 0 else None,
        width=max(0, round(edge_width * SUPERSAMPLE)),
    )
    small = face.resize((side, side), Image.Resampling.BOX)  # Pillow premultiplies alpha for this
    return side, small.transpose(Image.Transpose.FLIP_TOP_BOTTOM).tobytes()


@lru_cache(maxsize=64)
def _face(fill: tuple[float, ...], edge: tuple[float, ...], edge_width: float, radius: float) -> Any:
    side, pixels = face_pixels(fill, edge, edge_width, radius)
    texture = Texture.create(size=(side, side), colorfmt="rgba", bufferfmt="ubyte")
    texture.blit_buffer(pixels, colorfmt="rgba", bufferfmt="ubyte")
    texture.add_reload_observer(
        lambda again: again.blit_buffer(face_pixels(fill, edge, edge_width, radius)[1], colorfmt="rgba")
    )
    return texture


def button_face(fill: Sequence[float], edge: Sequence[float], edge_width: float, radius: float) -> Any:
    """The face's texture (made once per look: a theme has a handful)."""
    rounded = (tuple(round(v, 4) for v in fill), tuple(round(v, 4) for v in edge))
    return _face(rounded[0], rounded[1], round(edge_width, 2), round(radius, 2))


def _cells(cells: Sequence[tuple[int, int]]) -> tuple[int, ...]:
    """Two triangles per (column, row) cell of a nine-patch's 4x4 grid of corners."""
    indices: list[int] = []
    for col, row in cells:
        a = row * 4 + col
        indices += [a, a + 1, a + 5, a, a + 5, a + 4]
    return tuple(indices)


#: All nine cells of a nine-patch (a filled face).
FACE_INDICES = _cells([(c, r) for r in range(3) for c in range(3)])
#: The eight cells around the middle (an outline: no fill).
EDGE_INDICES = _cells([(c, r) for r in range(3) for c in range(3) if (c, r) != (1, 1)])


def face_indices(fill: Sequence[float]) -> tuple[int, ...]:
    """The cells to draw for a face of this fill: its middle only where the fill shows."""
    see_through = len(fill) > 3 and fill[3] <= 0
    return EDGE_INDICES if see_through else FACE_INDICES


def nine_patch_vertices(
    pos: Sequence[float], size: Sequence[float], border: Sequence[int], texture: Any
) -> list[float]:
    """Kivy ``Mesh`` vertices (x, y, u, v) of a nine-patch over a box, like ``BorderImage``: the
    corners at the texture's own size (smaller, in proportion, in a box too small for them), the
    edges and the middle stretched. ``border`` is (bottom, right, top, left) in texture pixels."""
    x, y = pos
    width, height = size
    bottom, right, top, left = border
    scale_x = min(1.0, width / (left + right)) if left + right else 1.0
    scale_y = min(1.0, height / (bottom + top)) if bottom + top else 1.0
    xs = (x, x + left * scale_x, x + width - right * scale_x, x + width)
    ys = (y, y + bottom * scale_y, y + height - top * scale_y, y + height)
    tex_width, tex_height = texture.size
    u0, v0, u1, _, _, v1, _, _ = texture.tex_coords
    us = (u0, u0 + (u1 - u0) * left / tex_width, u1 - (u1 - u0) * right / tex_width, u1)
    vs = (v0, v0 + (v1 - v0) * bottom / tex_height, v1 - (v1 - v0) * top / tex_height, v1)
    vertices: list[float] = []
    for row in range(4):
        for col in range(4):
            vertices += [xs[col], ys[row], us[col], vs[row]]
    return vertices


def focus_ring(colour: Sequence[float], width: float, radius: float) -> Any:
    """The keyboard focus ring, a face with an edge and no fill: a wide ``Line`` would be drawn
    three times over a stencil buffer in every frame. Its see-through middle keeps the ring's
    colour, so the stretched middle's edge pixels have no dark fringe."""
    return button_face((*colour[:3], 0.0), colour, width, radius)


def ring_box(x: float, y: float, width: float, height: float, gap: float, ring: float) -> tuple:
    """(pos, size) of a focus ring ``ring`` wide, ``gap`` outside a widget's box."""
    out = gap + ring
    return (x - out, y - out), (width + 2 * out, height + 2 * out)
