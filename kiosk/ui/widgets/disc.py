"""A round disc as a texture, for the icons' white discs, and a sheet of coloured discs for the
progress dots.

Why: Kivy's ``Ellipse`` is a fan of 180 triangles with a jagged edge (the kiosk turns multisampling
off). A software renderer (llvmpipe) sets up every triangle of every ellipse in every frame: the
step screen's fifteen discs cost about 1 ms of each Next (``bench/step_latency.py``). One rectangle
with this texture, tinted by the ``Color`` before it, is a smooth disc for the price of a quad.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from kivy.graphics.texture import Texture

from kiosk.ui.widgets.button_face import channel_byte

#: Pixels across the disc's largest picture; smaller sizes come from its mipmaps.
DISC_PIXELS = 256
#: Drawn this many times larger, then reduced: the edge's antialiasing.
SUPERSAMPLE = 4


def disc_pixels() -> bytes:
    """A white disc on transparent, RGBA, rows bottom to top (as OpenGL reads them)."""
    from PIL import Image, ImageDraw

    big = DISC_PIXELS * SUPERSAMPLE
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, big - 1, big - 1), fill=255)
    alpha = mask.resize((DISC_PIXELS, DISC_PIXELS), Image.Resampling.BOX)
    white = Image.new("L", alpha.size, 255)
    disc = Image.merge("RGBA", (white, white, white, alpha))
    return disc.transpose(Image.Transpose.FLIP_TOP_BOTTOM).tobytes()


def _mipmapped(size: tuple[int, int], pixels: Callable[[], bytes]) -> Any:
    """An RGBA texture with mipmaps (smooth at any smaller size), filled again from ``pixels``
    if the GL context is lost."""

    def fill(texture: Texture) -> None:
        texture.blit_buffer(pixels(), colorfmt="rgba", bufferfmt="ubyte", mipmap_generation=True)

    texture = Texture.create(size=size, colorfmt="rgba", bufferfmt="ubyte", mipmap=True)
    fill(texture)
    texture.min_filter = "linear_mipmap_linear"
    texture.add_reload_observer(fill)
    return texture


@lru_cache(maxsize=1)
def disc_texture() -> Any:
    """The disc, made once per process (and again if the GL context is lost)."""
    return _mipmapped((DISC_PIXELS, DISC_PIXELS), disc_pixels)


#: Pixels of one cell of the dot sheet, and of the disc inside it: the transparent margin keeps a
#: cell's colour from bleeding into its neighbour's dots at the smaller mipmaps.
SHEET_CELL = 64
SHEET_DISC = 56
#: Cells in a row of the sheet: a power of two wide, as mipmaps need on every OpenGL ES 2 device.
SHEET_CELLS = 4


def dot_sheet_pixels(colours: tuple[tuple[float, ...], ...]) -> bytes:
    """Discs of ``colours`` side by side, one per cell (up to ``SHEET_CELLS``, the rest left
    transparent), RGBA rows bottom to top."""
    if len(colours) > SHEET_CELLS:
        raise ValueError(f"a dot sheet has room for {SHEET_CELLS} colours, not {len(colours)}")
    from PIL import Image, ImageDraw

    big_cell, margin = SHEET_CELL * SUPERSAMPLE, (SHEET_CELL - SHEET_DISC) * SUPERSAMPLE // 2
    sheet = Image.new("RGBA", (big_cell * SHEET_CELLS, big_cell), (0, 0, 0, 0))
    draw = ImageDraw.Draw(sheet)
    for index, colour in enumerate(colours):
        left = index * big_cell + margin
        draw.ellipse(
            (left, margin, left + big_cell - 2 * margin - 1, big_cell - margin - 1),
            fill=tuple(channel_byte(v) for v in colour),
        )
    small = sheet.resize((SHEET_CELL * SHEET_CELLS, SHEET_CELL), Image.Resampling.BOX)
    return small.transpose(Image.Transpose.FLIP_TOP_BOTTOM).tobytes()


@lru_cache(maxsize=8)
def dot_sheet(colours: tuple[tuple[float, ...], ...]) -> Any:
    """One texture with a disc of each colour (a theme's progress-dot colours, made once per
    theme): every dot of a row is then a quad of one mesh, drawn at once (``ProgressDots``).
    Ten dots as ten tinted rectangles cost 0.4 ms of each Next's frame on llvmpipe in a probe,
    for the ten colour changes and draws, not for their few pixels."""
    return _mipmapped((SHEET_CELL * SHEET_CELLS, SHEET_CELL), lambda: dot_sheet_pixels(colours))
