"""Pictures as textures, decoded off the main thread and never put in Kivy's image cache.

Why: ``Image(source=...)`` keeps every picture in Kivy's cache for a minute with no size limit
(hundreds of MiB on a kiosk that shows photos all day), and decoding a JPEG on the main thread
makes Next feel slow. Here a worker thread reads and decodes the *prepared* display copy with
Pillow; only the GPU upload (``Texture.blit_buffer``) runs on the main thread, when the texture is
first needed or as soon as the decode is ready. The step screen asks for the next and previous
steps ahead of time, so Next only swaps a texture. A small LRU keeps memory bounded.

If a pack gives an original photo instead of a prepared copy (a new pack whose copies are still
being made, ``kiosk.packs.images.Copies.LATER``), it is reduced while decoding (JPEG ``draft`` +
``thumbnail``) to the display copies' size, so a 12-megapixel photo never becomes a 48 MB texture
and decodes in a fraction of the time. Each decode gives its freed buffers back to the system
(``give_back_memory``: glibc keeps them otherwise, and a kiosk decoding photos all day grows).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kivy.clock import Clock
from kivy.graphics.texture import Texture
from PIL import Image, ImageOps

from kiosk.imaging import open_picture
from kiosk.packs.images import DISPLAY_BOX, give_back_memory, has_alpha
from kiosk.ui.problems import ProblemLog
from kiosk.priority import background_executor

log = logging.getLogger(__name__)

MAX_SIDE = max(DISPLAY_BOX)  # the display copies' size: an original is shown no larger than its copy


@dataclass(frozen=True)
class Decoded:
    size: tuple[int, int]
    pixels: bytes  # rows bottom-up (OpenGL order)
    colorfmt: str = "rgba"  # "rgb" when every pixel is opaque (a photo): the frame need not show through


def decode(path: Path, max_side: int = MAX_SIDE) -> Decoded:
    """Read and decode a picture for upload (thread-safe; Pillow releases the GIL while decoding).
    Only the formats ``kiosk.imaging`` names are decoded: a person photo is anything a trainer
    copied, and Pillow's EPS plugin would run Ghostscript on it."""
    try:
        return _decode(path, max_side)
    finally:
        give_back_memory()  # Pillow's buffers for this picture are garbage now


def _decode(path: Path, max_side: int) -> Decoded:
    with open_picture(path) as image:
        if max(image.size) > max_side:
            image.draft("RGB", (max_side, max_side))  # JPEG: decode at a reduced scale, much faster
        upright = ImageOps.exif_transpose(image)
        assert upright is not None  # None only when turned in place (in_place=True)
        image = upright
        if max(image.size) > max_side:
            image.thumbnail((max_side, max_side), Image.Resampling.BILINEAR)
        # An opaque picture (every photo) as RGB: a quarter less memory, and the step's frame
        # knows it need not show through it (kiosk.ui.widgets.picture_frame).
        if not has_alpha(image):
            rgb = image.convert("RGB").transpose(Image.Transpose.FLIP_TOP_BOTTOM)
            return Decoded(rgb.size, rgb.tobytes(), "rgb")
        rgba = image.convert("RGBA").transpose(Image.Transpose.FLIP_TOP_BOTTOM)
        alpha_low, _high = rgba.getchannel("A").getextrema()
        if alpha_low == 255:
            rgb = rgba.convert("RGB")
            return Decoded(rgb.size, rgb.tobytes(), "rgb")
        return Decoded(rgba.size, rgba.tobytes())


def upload(decoded: Decoded) -> Texture:
    """Create a GPU texture from decoded pixels (main thread only)."""
    texture = Texture.create(size=decoded.size, colorfmt=decoded.colorfmt, bufferfmt="ubyte")
    texture.blit_buffer(decoded.pixels, colorfmt=decoded.colorfmt, bufferfmt="ubyte")
    return texture


class PictureCache:
    """A bounded set of textures for picture files, filled in the background."""

    def __init__(
        self,
        problems: ProblemLog,
        keep: int = 6,
        max_side: int = MAX_SIDE,
        defer: Callable[[Callable[[], None]], None] | None = None,
    ) -> None:
        """``defer(work)``: where a prefetch nobody waits for is uploaded (the app's
        ``after_frame``: a GPU upload takes tens of milliseconds with a software renderer, and a
        decode finishing just after Next must not hold back the frame with the new picture)."""
        self.defer = defer
        self.problems = problems
        self.keep = keep
        self.max_side = max_side
        self._textures: OrderedDict[Path, Texture] = OrderedDict()
        self._pending: dict[Path, Future] = {}
        self._deferred: set[Path] = set()  # prefetches waiting for the next frame (``defer``)
        self._waiting: dict[Path, list[Callable[[Texture | None], None]]] = {}
        self._executor = background_executor("kiosk-pictures")

    @property
    def busy(self) -> bool:
        """Decodes still on their way (tests and the benchmark wait for them)."""
        return bool(self._pending) or bool(self._deferred)

    def prefetch(self, path: Path) -> None:
        """Start decoding ``path`` if it is neither ready nor on its way. With ``defer``, the
        decode starts after the next frame: a decode thread competes with the main thread for
        the interpreter (Pillow's conversions hold it), which held back the frame with the new
        picture when the next step's decode started at Next."""
        path = Path(path)
        if path in self._textures or path in self._pending or path in self._deferred:
            return
        if self.defer is not None:
            self._deferred.add(path)
            self.defer(lambda: self._start(path))
        else:
            self._start(path)

    def _start(self, path: Path) -> None:
        self._deferred.discard(path)
        if path in self._textures or path in self._pending:
            return
        try:
            future = self._executor.submit(decode, path, self.max_side)
        except RuntimeError:  # shut down
            return
        self._pending[path] = future
        future.add_done_callback(lambda _f: Clock.schedule_once(lambda _dt: self._decoded(path), 0))

    def get_now(self, path: Path) -> Texture | None:
        """The texture for ``path`` now: ready, or waiting for its decode, or decoded here."""
        path = Path(path)
        if path in self._textures:
            self._textures.move_to_end(path)
            return self._textures[path]
        future = self._pending.get(path)
        try:
            decoded = future.result() if future is not None else decode(path, self.max_side)
        except Exception as exc:  # noqa: BLE001
            self._failed(path, exc)
            return None
        return self._store(path, decoded)

    def get(self, path: Path, callback: Callable[[Texture | None], None]) -> Texture | None:
        """The texture if ready; else None now and ``callback(texture)`` later on the main thread."""
        path = Path(path)
        if path in self._textures:
            self._textures.move_to_end(path)
            return self._textures[path]
        self._waiting.setdefault(path, []).append(callback)
        self._start(path)  # someone waits: now, not after the next frame
        return None

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._textures.clear()

    def _decoded(self, path: Path) -> None:
        """Main thread: a decode is ready; upload it now if someone waits for it, else after the
        next frame (``defer``)."""
        if self.defer is not None and not self._waiting.get(path):
            self.defer(lambda: self._finish(path))
        else:
            self._finish(path)

    def _finish(self, path: Path) -> None:
        """Main thread: upload a finished decode, then tell whoever waits for it."""
        future = self._pending.get(path)
        texture: Texture | None = self._textures.get(path)
        if texture is None and future is not None:
            try:
                texture = self._store(path, future.result())
            except Exception as exc:  # noqa: BLE001
                self._failed(path, exc)
        self._pending.pop(path, None)
        for callback in self._waiting.pop(path, []):
            callback(texture)

    def _store(self, path: Path, decoded: Decoded) -> Texture:
        self._pending.pop(path, None)
        texture = upload(decoded)
        self._textures[path] = texture
        while len(self._textures) > self.keep:
            self._textures.popitem(last=False)
        return texture

    def _failed(self, path: Path, exc: Exception) -> None:
        self._pending.pop(path, None)
        self.problems.add("picture", "A picture could not be shown.", f"{path}: {type(exc).__name__}: {exc}")
