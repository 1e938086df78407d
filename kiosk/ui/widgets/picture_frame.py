"""The step picture's frame: a rounded panel drawn only where the picture does not cover it.

Why: the frame is a calm panel behind the picture; the photo is fitted into it (``contain``), so
bands of the panel show beside or above and below it. Kivy would fill the whole panel and then draw
the photo over most of it, and a software renderer (llvmpipe, on kiosks without a GPU) pays for
every pixel twice, in every frame, the one after Next included: about 2 ms on a 1280x800 step
screen (``bench/step_latency.py``). So the panel is drawn as a ring around the picture's opaque
rectangle. A picture that may be see-through (a PNG with transparency, uploaded as RGBA by
``kiosk.ui.pictures``), a faded one, or none at all gets the whole panel as before.
"""

from __future__ import annotations

import math
from typing import Any

from kivy.clock import Clock
from kivy.graphics import Color, InstructionGroup, Mesh, RoundedRectangle
from kivy.properties import ColorProperty, NumericProperty, ObjectProperty
from kivy.uix.relativelayout import RelativeLayout

Rect = tuple[float, float, float, float]  # x, y, width, height

#: Points per rounded corner of the panel's outline.
CORNER_SEGMENTS = 10


def rounded_outline(rect: Rect, radius: float, segments: int = CORNER_SEGMENTS) -> list[tuple[float, float]]:
    """The outline of a rounded rectangle, counter-clockwise (convex)."""
    x, y, w, h = rect
    r = max(0.0, min(radius, w / 2, h / 2))
    corners = ((x + w - r, y + r, -90), (x + w - r, y + h - r, 0), (x + r, y + h - r, 90), (x + r, y + r, 180))
    points = []
    for cx, cy, start in corners:
        for step in range(segments + 1):
            angle = math.radians(start + 90 * step / segments)
            points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return points


def ring_mesh(outline: list[tuple[float, float]], hole: Rect) -> tuple[list[float], list[int]]:
    """Triangles covering a convex outline minus a rectangle inside it (Kivy ``Mesh`` vertices
    ``x, y, u, v`` and indices). The two outlines are walked together by angle around the hole's
    centre: for two convex polygons, one inside the other around that point, each step's triangle
    lies between them, so the triangles cover the ring exactly once."""
    hx, hy, hw, hh = hole
    cx, cy = hx + hw / 2, hy + hh / 2
    inner = [(hx + hw, hy), (hx + hw, hy + hh), (hx, hy + hh), (hx, hy)]  # counter-clockwise

    def turned(points: list[tuple[float, float]]) -> list[tuple[float, tuple[float, float]]]:
        return sorted((math.atan2(py - cy, px - cx), (px, py)) for px, py in points)

    outer_angled, inner_angled = turned(outline), turned(inner)
    vertices: list[float] = []
    for _angle, (px, py) in outer_angled + inner_angled:
        vertices += [px, py, 0.0, 0.0]
    n_out, n_in = len(outer_angled), len(inner_angled)

    def angle(angled: list[tuple[float, Any]], index: int) -> float:
        return angled[index % len(angled)][0] + 2 * math.pi * (index // len(angled))

    indices: list[int] = []
    i = j = 0
    while i < n_out or j < n_in:
        advance_outer = j >= n_in or (i < n_out and angle(outer_angled, i + 1) <= angle(inner_angled, j + 1))
        o, p = i % n_out, n_out + j % n_in
        if advance_outer:
            indices += [o, (i + 1) % n_out, p]
            i += 1
        else:
            indices += [o, n_out + (j + 1) % n_in, p]
            j += 1
    return vertices, indices


def inside(outline: list[tuple[float, float]], rect: Rect) -> bool:
    """Whether a rectangle's corners all lie inside a convex counter-clockwise outline (a picture
    reaching into the panel's rounded corner leaves no ring to draw)."""
    x, y, w, h = rect
    for px, py in ((x, y), (x + w, y), (x + w, y + h), (x, y + h)):
        for (ax, ay), (bx, by) in zip(outline, outline[1:] + outline[:1]):
            if (bx - ax) * (py - ay) - (by - ay) * (px - ax) < 0:
                return False
    return True


class PictureFrame(RelativeLayout):
    """A ``RelativeLayout`` whose panel (``fill``, ``radius``) leaves out the rectangle its
    ``picture`` covers with opaque pixels."""

    fill = ColorProperty((0, 0, 0, 0))
    radius = NumericProperty(0)
    picture = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Its own group, added at the first drawing: it must come after RelativeLayout's Translate,
        # which Kivy's rule puts into canvas.before after __init__ when the frame comes from kv.
        self._panel = InstructionGroup()
        self._panel_placed = False
        self._drawn: Any = None  # what the panel shows now: (frame, hole, fill, radius)
        self._bound: Any = None
        # once per frame, after the layout: the picture's size and place change one by one
        self._redraw = Clock.create_trigger(self.redraw, -1)
        self.bind(size=self._redraw, fill=self._redraw, radius=self._redraw, picture=self._follow)

    def _follow(self, *_args: Any) -> None:
        names = ("texture", "norm_image_size", "pos", "size", "opacity", "color")
        if self._bound is not None:
            self._bound.unbind(**{name: self._redraw for name in names})
        self._bound = self.picture
        if self.picture is not None:
            self.picture.bind(**{name: self._redraw for name in names})
        self._redraw()

    def opaque_rect(self) -> Rect | None:
        """Where the picture covers the panel with opaque pixels (in the frame's coordinates), or
        None. Only an RGB texture is known to be opaque (``kiosk.ui.pictures.upload``)."""
        picture = self.picture
        if picture is None or picture.parent is not self or picture.texture is None:
            return None
        if picture.texture.colorfmt != "rgb" or picture.opacity < 1 or tuple(picture.color) != (1, 1, 1, 1):
            return None
        w, h = picture.norm_image_size
        # the same arithmetic as Picture's rule, so the two edges meet without a seam
        x, y = picture.center_x - w / 2.0, picture.center_y - h / 2.0
        if w < 1 or h < 1 or x < 0 or y < 0 or x + w > self.width or y + h > self.height:
            return None
        return (x, y, w, h)

    def redraw(self, *_args: Any) -> None:
        if not self._panel_placed:
            self.canvas.before.add(self._panel)
            self._panel_placed = True
        rect = (0.0, 0.0, float(self.width), float(self.height))
        hole = self.opaque_rect()
        drawn = (rect, hole, tuple(self.fill), self.radius)
        if drawn == self._drawn:
            return  # Next to a photo of the same shape: the same ring (and no work before its frame)
        self._drawn = drawn
        self._panel.clear()
        outline = rounded_outline(rect, self.radius)
        self._panel.add(Color(*self.fill))
        if hole is None or not inside(outline, hole):
            self._panel.add(RoundedRectangle(pos=rect[:2], size=rect[2:], radius=[self.radius]))
        else:
            vertices, indices = ring_mesh(outline, hole)
            self._panel.add(Mesh(vertices=vertices, indices=indices, mode="triangles"))
