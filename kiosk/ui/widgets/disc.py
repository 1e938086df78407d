"""A round disc as a texture, for the icons' white discs and the progress dots.

Why: Kivy's ``Ellipse`` is a fan of 180 triangles with a jagged edge (the kiosk turns multisampling
off). A software renderer (llvmpipe) sets up every triangle of every ellipse in every frame: the
step screen's fifteen discs cost about 1 ms of each Next (``bench/step_latency.py``). One rectangle
with this texture, tinted by the ``Color`` before it, is a smooth disc for the price of a quad.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from kivy.graphics.texture import Texture

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


def _fill(texture: Texture) -> None:
    texture.blit_buffer(disc_pixels(), colorfmt="rgba", bufferfmt="ubyte", mipmap_generation=True)


@lru_cache(maxsize=1)
def disc_texture() -> Any:
    """The disc, made once per process (and again if the GL context is lost)."""
    texture = Texture.create(size=(DISC_PIXELS, DISC_PIXELS), colorfmt="rgba", bufferfmt="ubyte", mipmap=True)
    _fill(texture)
    texture.min_filter = "linear_mipmap_linear"
    texture.add_reload_observer(_fill)
    return texture
