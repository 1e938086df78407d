"""A step's video in the picture area: decoded with PyAV on a background thread, shown as a texture.

Why PyAV on a thread and not Kivy's ``Video`` widget with the ffpyplayer provider (measured under
Xvfb on a 2-core machine, a 1280x720 H.264 clip, 4 s, main-loop frame gaps while playing):
  ffpyplayer: first frame 477-818 ms, main loop median gap 101-112 ms (about 9 frames/s of UI),
              worst gap 226-449 ms;
  PyAV thread: first frame 476-525 ms, main loop median gap 20-26 ms, worst gap 246-255 ms.
With ffpyplayer the whole screen (buttons, the countdown ring) became sluggish while a clip
played; with PyAV only the colour conversion and one texture upload per shown frame touch the main
thread. PyAV is already the kiosk's decoder (recordings, pack checks), it opens a clip only with
the demuxer its first bytes name (``kiosk.packs.video``), and no second copy of FFmpeg (~80 MB of
ffpyplayer libraries) is needed.

How it plays, for workers who learn best from calm repetition (issue 16, item 3):
- The step's poster is the picture under this widget; the widget stays invisible until its first
  frame is ready, so the poster is on screen at once and the video appears over it.
- The clip plays once by itself, then stays on its last frame (``loop=True``: it holds the last
  frame for ``LOOP_PAUSE`` seconds and starts again).
- A tap on the video plays it again from the start (the tap is the video's: nothing under it
  sees it; the app's tap-guard applies); the step screen's Hear again calls ``replay`` too. The
  last frame stays on screen until the replay's first frame replaces it: no flash of the poster.
- The step screen fetches the next step's clip ahead (``prefetch``): a decoder that opens the clip
  and decodes its first ``QUEUE_FRAMES`` frames, then waits; Next adopts it, so the first frame
  is shown on the next tick instead of after opening the file.
- Muted, unless given a ``sound`` (the step screen passes the pack's ``video_sound`` WAV only for a
  step without a voice, so voice and video never talk over each other); the sound starts with the
  first frame of each play.
- A clip that fails (damaged, removed, no first frame within ``FIRST_FRAME_TIMEOUT``) hides the
  widget, so the poster shows, and the trainer is told (``app.problems.add("video", ...)``). The
  worker never sees an error.
The decoder thread holds at most ``QUEUE_FRAMES`` decoded frames, never more than 1280 pixels on a
side, and ends after one pass, so memory stays flat however many clips are played.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from pathlib import Path
from typing import Any, Callable

from kivy.app import App
from kivy.clock import Clock
from kivy.core.audio import SoundLoader
from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.image import Image

from kiosk.ui.widgets.buttons import HELD_FLAG

log = logging.getLogger(__name__)

LOOP_PAUSE = 1.5  # seconds on the last frame before a looping clip starts again: calm, not flickering
FIRST_FRAME_TIMEOUT = 5.0
QUEUE_FRAMES = 3
MAX_SIDE = 1280
TICK = 1 / 30

_END = "end"
_ERROR = "error"


class _Decoder(threading.Thread):
    """Decodes one clip once into RGB frames (bounded queue), then ends; never touches Kivy."""

    def __init__(self, path: Path) -> None:
        super().__init__(name="kiosk-video", daemon=True)
        self.path = path
        self.frames: queue.Queue[tuple[Any, ...]] = queue.Queue(maxsize=QUEUE_FRAMES)
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            if self._one_pass():
                self._put((_END,))
        except Exception as error:  # noqa: BLE001 - reported to the trainer by the widget
            self._put((_ERROR, f"{type(error).__name__}: {error}"))

    def _one_pass(self) -> bool:
        import av  # noqa: PLC0415

        from kiosk.packs.video import OPEN_OPTIONS, sniff_demuxer, upright  # noqa: PLC0415

        with open(self.path, "rb") as stream:
            demuxer = sniff_demuxer(stream.read(16))
            if demuxer is None:
                raise ValueError("not an MP4 or WebM video")
            stream.seek(0)
            with av.open(stream, mode="r", format=demuxer, options=OPEN_OPTIONS, metadata_errors="ignore") as container:
                video = container.streams.video[0]
                video.thread_type = "AUTO"
                shown = 0
                for frame in container.decode(video):
                    if self.stopped.is_set():
                        return False
                    rotation = int(round(frame.rotation or 0)) % 360
                    width, height = frame.width, frame.height
                    scale = min(1.0, MAX_SIDE / max(width, height))
                    width, height = max(2, int(width * scale)), max(2, int(height * scale))
                    rgb = frame.reformat(width=width, height=height, format="rgb24")
                    if rotation:
                        picture = upright(rgb.to_image(), rotation)
                        data, size = picture.tobytes(), picture.size
                    else:
                        data, size = _packed(rgb, width, height), (width, height)
                    if not self._put(("frame", frame.time or 0.0, size, data)):
                        return False
                    shown += 1
                if shown == 0:
                    raise ValueError("no frame could be decoded")
        return True

    def _put(self, item: tuple[Any, ...]) -> bool:
        while not self.stopped.is_set():
            try:
                self.frames.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False


def _packed(frame: Any, width: int, height: int) -> bytes:
    """The RGB bytes without the row padding FFmpeg may add."""
    plane = frame.planes[0]
    row = width * 3
    if plane.line_size == row:
        return bytes(plane)[: row * height]
    raw = bytes(plane)
    return b"".join(raw[y * plane.line_size : y * plane.line_size + row] for y in range(height))


def _next_is_frame(frames: "queue.Queue[tuple[Any, ...]]") -> bool:
    with frames.mutex:
        return bool(frames.queue) and frames.queue[0][0] == "frame"


class VideoStep(Image):
    """Plays one clip over the step's poster; see the module docstring."""

    source_path = StringProperty("")  # the clip of this step (tests and the benchmark read it)
    showing = BooleanProperty(False)  # a frame of the clip is on screen
    playing = BooleanProperty(False)  # the clip is running (False once it holds its last frame)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("fit_mode", "contain")
        super().__init__(**kwargs)
        self.opacity = 0
        self._decoder: _Decoder | None = None
        self._ahead: _Decoder | None = None  # the next step's clip, opened and waiting
        self._event: Any = None
        self._pending: tuple[Any, ...] | None = None
        self._loop_start = 0.0
        self._hold_until = 0.0
        self._started = 0.0
        self._loop = False
        self._sound: Any = None
        self._sound_path: Path | None = None
        self._on_failed: Callable[[str], None] | None = None
        self._own_texture = False
        self.frames_shown = 0
        self.plays = 0  # how many times the clip was started (first play and replays)

    @property
    def sound_file(self) -> Path | None:
        """The clip's own sound this play (None: muted)."""
        return self._sound_path

    @property
    def sound_loaded(self) -> bool:
        return self._sound is not None

    @property
    def ahead_ready(self) -> bool:
        """The next step's clip is open and its first frames are decoded."""
        return self._ahead is not None and self._ahead.frames.full()

    def play(
        self,
        path: Path | None,
        *,
        sound: Path | None = None,
        on_failed: Callable[[str], None] | None = None,
        loop: bool = False,
    ) -> None:
        """Play ``path`` once over the poster (None: stop and show only the poster)."""
        self._stop(keep_ahead=True)
        if path is None:
            return
        self.source_path = str(path)
        self._on_failed = on_failed
        self._sound_path = sound
        self._loop = loop
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead.path == Path(path) and not ahead.stopped.is_set():
            self._start(ahead)
            self._tick(0)  # its first frame is decoded already: on screen with this frame
        else:
            if ahead is not None:
                ahead.stopped.set()
            self._start(None)

    def prefetch(self, path: Path | None) -> None:
        """Open ``path`` and decode its first frames now, so ``play(path)`` shows one at once."""
        ahead = self._ahead
        if ahead is not None and path is not None and ahead.path == Path(path):
            return
        if ahead is not None:
            ahead.stopped.set()
        self._ahead = None
        if path is not None and str(path) != self.source_path:
            self._ahead = _Decoder(Path(path))
            self._ahead.start()

    def replay(self) -> bool:
        """Play the clip again from its start (a tap, Hear again); its last frame stays until then."""
        if not self.source_path:
            return False
        if self._decoder is not None:
            self._decoder.stopped.set()
        if self._sound is not None:
            self._sound.stop()
        self._start(None)
        return True

    def stop(self) -> None:
        """Stop the clip at once and forget the one fetched ahead (decoder threads end within 0.1 s)."""
        self._stop(keep_ahead=False)

    def _stop(self, *, keep_ahead: bool) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None
        if self._decoder is not None:
            self._decoder.stopped.set()
            self._decoder = None
        if not keep_ahead and self._ahead is not None:
            self._ahead.stopped.set()
            self._ahead = None
        if self._sound is not None:
            self._sound.stop()
            self._sound = None
        self._pending = None
        self.source_path = ""
        self.showing = False
        self.playing = False
        self.opacity = 0
        self.frames_shown = 0
        self.plays = 0

    def _start(self, decoder: _Decoder | None) -> None:
        if decoder is None:
            decoder = _Decoder(Path(self.source_path))
            decoder.start()
        self._decoder = decoder
        self._pending = None
        self._started = time.perf_counter()
        self._loop_start = 0.0
        self._hold_until = 0.0
        self.playing = True
        self.plays += 1
        if self._event is None:
            self._event = Clock.schedule_interval(self._tick, TICK)

    # -- touch: a tap on the video plays it again ------------------------------------------------

    def on_touch_down(self, touch: Any) -> bool:
        if not self._tappable(touch):
            return super().on_touch_down(touch)
        touch.grab(self)
        return True  # the video's tap: nothing under it sees it

    def on_touch_move(self, touch: Any) -> bool:
        if touch.grab_current is self:
            return True
        return super().on_touch_move(touch)

    def on_touch_up(self, touch: Any) -> bool:
        if touch.grab_current is not self:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        if self.collide_point(*touch.pos) and not touch.ud.get(HELD_FLAG) and self.source_path:
            guard = getattr(App.get_running_app(), "guard", None)
            if guard is None or guard.accept():
                self.replay()
        return True

    def _tappable(self, touch: Any) -> bool:
        return bool(self.source_path) and self.showing and not self.disabled and self.collide_point(*touch.pos)

    # -- main thread --------------------------------------------------------------------------

    def _tick(self, _dt: float) -> None:
        decoder = self._decoder
        if decoder is None:
            return
        now = time.perf_counter()
        if self._hold_until and now < self._hold_until:
            return
        if self._hold_until:
            self._hold_until = 0.0
            self._loop_start = 0.0
        while True:
            item = self._pending
            if item is None:
                try:
                    item = decoder.frames.get_nowait()
                except queue.Empty:
                    if not self.showing and now - self._started > FIRST_FRAME_TIMEOUT:
                        self._fail("no picture came out of the clip in time")
                    return
            kind = item[0]
            if kind == _ERROR:
                self._fail(item[1])
                return
            if kind == _END:
                self._pending = None
                self._ended(now)
                return
            _kind, at, size, data = item
            if not self._loop_start:
                self._loop_start = now - at
                self._start_sound()
            if self._loop_start + at > now:
                self._pending = item  # not due yet
                return
            self._pending = None
            if self._loop_start + at + TICK < now and _next_is_frame(decoder.frames):
                continue  # late: skip to the next frame rather than fall behind (never the last)
            self._show(size, data)
            return

    def _ended(self, now: float) -> None:
        """The clip played through: hold its last frame (and, when looping, start it again)."""
        self._decoder = None
        if self._loop:
            self._start(None)
            self._hold_until = now + LOOP_PAUSE
            return
        self.playing = False
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def _show(self, size: tuple[int, int], data: bytes) -> None:
        texture: Any = getattr(self, "texture", None)
        if texture is None or tuple(texture.size) != tuple(size) or not self._own_texture:
            texture = Texture.create(size=size, colorfmt="rgb", bufferfmt="ubyte")
            texture.flip_vertical()
            self._own_texture = True
        texture.blit_buffer(data, colorfmt="rgb", bufferfmt="ubyte")
        self.texture = texture
        self.canvas.ask_update()
        self.frames_shown += 1
        if not self.showing:
            self.showing = True
            self.opacity = 1

    def _start_sound(self) -> None:
        if self._sound_path is None:
            return
        try:
            if self._sound is None:
                self._sound = SoundLoader.load(str(self._sound_path))
            if self._sound is not None:
                self._sound.stop()
                self._sound.play()
        except Exception as error:  # noqa: BLE001 - the clip plays on without its sound
            log.warning("video sound %s: %s", self._sound_path, error)

    def _fail(self, reason: str) -> None:
        path = self.source_path
        on_failed = self._on_failed
        self._stop(keep_ahead=True)
        self.texture = None
        self._own_texture = False
        if on_failed is not None:
            on_failed(reason)
            return
        app = App.get_running_app()
        problems = getattr(app, "problems", None)
        if problems is not None:
            problems.add(
                "video", "A step's video could not be played; its picture was shown instead.", f"{path}: {reason}"
            )
