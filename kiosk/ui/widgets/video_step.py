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
- The clip plays once by itself, then stays on its last frame (``loop=True``, the step's
  ``video_loop``: it holds the last frame for ``LOOP_PAUSE`` seconds and starts again, for as long
  as the step is shown).
- A tap on the video plays it again from the start (the tap is the video's: nothing under it
  sees it; the app's tap-guard applies); the step screen's Hear again calls ``replay`` too. The
  last frame stays on screen until the replay's first frame replaces it: no flash of the poster.
- The step screen fetches the next step's clip ahead (``prefetch``): a decoder that opens the clip
  and decodes its first frame, then waits; Next adopts it, so the first frame is shown on the
  next tick instead of after opening the file.
- Muted, unless given a ``sound`` (the pack's ``video_sound``: the clip's own sound as a WAV).
  The sound starts with the first frame of a play from the start (arrival, a tap, Hear again);
  the repeats of a looping clip are silent. ``on_done`` tells the step screen when such a play
  is over, picture and sound, so the step's voice can follow it and never talk over it.
- A clip that fails (damaged, removed, no first frame within ``FIRST_FRAME_TIMEOUT``) hides the
  widget, so the poster shows, the trainer is told (``app.problems.add("video", ...)``), and
  ``on_done`` lets the voice speak. The worker never sees an error.

Memory stays flat however many clips are played (``bench/video.py``: 100 different video steps):
a decoder ends after one pass and holds at most ``QUEUE_FRAMES`` frames (one while it waits),
never more than 1280 pixels on a side, handed to the one texture without a copy; FFmpeg decodes
on the decoder thread alone (``DECODER_THREADS``); and what a finished clip freed is given back
to the system (``release_freed_memory``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any, Callable

from kivy.app import App
from kivy.clock import Clock
from kivy.core.audio import SoundLoader
from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kiosk.ui.widgets.picture import Picture

from kiosk.packs.images import give_back_memory
from kiosk.ui.widgets.buttons import HELD_FLAG

log = logging.getLogger(__name__)

LOOP_PAUSE = 1.5  # seconds on the last frame before a looping clip starts again: calm, not flickering
FIRST_FRAME_TIMEOUT = 5.0
QUEUE_FRAMES = 3  # decoded frames ready while a clip plays (one while it waits to be shown)
MAX_SIDE = 1280
#: FFmpeg's threads for one clip. "AUTO" adds frame threads, each holding frames of its own: about
#: 30 MB more resident memory in ``bench/video.py`` and no faster here, since a clip of the kiosk's
#: format (720p H.264 at 2.5 Mbit/s, ``kiosk pack build``) decodes and turns into RGB in about 5 ms
#: a frame on one thread of the 2-core reference machine, against 33 ms a frame at 30 frames/s.
#: "SLICE" uses several threads only for a clip encoded in slices.
DECODER_THREADS = "SLICE"
TICK = 1 / 30
SOUND_GRACE = 0.5  # seconds after its length that a clip's sound counts as over, whatever the player says

_END = "end"
_ERROR = "error"


class _Decoder(threading.Thread):
    """Decodes one clip once into RGB frames, at most ``limit`` waiting at a time, then ends;
    never touches Kivy.

    A decoder fetched ahead waits with one frame (the first, all Next needs); the one playing
    keeps ``QUEUE_FRAMES`` ready. Each waiting frame is PyAV's own RGB frame, handed to the texture
    without a copy when its rows are not padded. When the pass ends (played through, stopped or
    failed) the decoder and its frame threads are gone, and the memory they freed is given back
    to the system (``release_freed_memory``), so a kiosk playing clips all day stays the same size.
    """

    def __init__(self, path: Path, limit: int = QUEUE_FRAMES) -> None:
        super().__init__(name="kiosk-video", daemon=True)
        self.path = path
        self.limit = limit
        self.stopped = threading.Event()
        self._items: deque[tuple[Any, ...]] = deque()
        self._changed = threading.Condition()

    # -- the main thread's side ------------------------------------------------------------------

    def take(self) -> tuple[Any, ...] | None:
        """The next item (a frame, the end, or an error), or None when none is ready yet."""
        with self._changed:
            if not self._items:
                return None
            item = self._items.popleft()
            self._changed.notify()
            return item

    def next_is_frame(self) -> bool:
        with self._changed:
            return bool(self._items) and self._items[0][0] == "frame"

    @property
    def ready(self) -> bool:
        """Its first frame is decoded and waiting."""
        with self._changed:
            return bool(self._items)

    def play_now(self) -> None:
        """The clip is playing: keep ``QUEUE_FRAMES`` ready (a decoder fetched ahead kept one)."""
        with self._changed:
            self.limit = QUEUE_FRAMES
            self._changed.notify()

    def stop(self) -> None:
        """End the pass soon (within one frame's decoding) and drop the frames waiting."""
        self.stopped.set()
        with self._changed:
            self._items.clear()
            self._changed.notify()

    # -- the decoder thread --------------------------------------------------------------------

    def run(self) -> None:
        try:
            if self._one_pass():
                self._put((_END,))
        except Exception as error:  # noqa: BLE001 - reported to the trainer by the widget
            self._put((_ERROR, f"{type(error).__name__}: {error}"))
        finally:
            release_freed_memory()

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
                video.thread_type = DECODER_THREADS
                shown = 0
                for frame in container.decode(video):
                    if self.stopped.is_set():
                        return False
                    rotation = int(round(frame.rotation or 0)) % 360
                    width, height = frame.width, frame.height
                    scale = min(1.0, MAX_SIDE / max(width, height))
                    width, height = max(2, int(width * scale)), max(2, int(height * scale))
                    at = frame.time or 0.0
                    rgb = frame.reformat(width=width, height=height, format="rgb24")
                    del frame
                    data: Any
                    if rotation:
                        picture = upright(rgb.to_image(), rotation)
                        data, size = picture.tobytes(), picture.size
                    else:
                        data, size = _rows(rgb, width, height), (width, height)
                    del rgb
                    if not self._put(("frame", at, size, data)):
                        return False
                    del data
                    shown += 1
                if shown == 0:
                    raise ValueError("no frame could be decoded")
        return True

    def _put(self, item: tuple[Any, ...]) -> bool:
        """Wait for room (the main thread takes frames as they fall due); False once stopped."""
        with self._changed:
            while not self.stopped.is_set():
                if len(self._items) < self.limit or item[0] != "frame":
                    self._items.append(item)
                    return True
                self._changed.wait(0.1)
        return False


def _rows(frame: Any, width: int, height: int) -> Any:
    """The frame's RGB rows for ``Texture.blit_buffer``: PyAV's own plane when its rows are not
    padded (no copy), else the rows copied without FFmpeg's padding."""
    plane = frame.planes[0]
    row = width * 3
    if plane.line_size == row:
        return plane  # keeps its frame alive until the texture has it
    raw = bytes(plane)
    return b"".join(raw[y * plane.line_size : y * plane.line_size + row] for y in range(height))


def release_freed_memory() -> None:
    """Give memory that is free inside the process back to the system (glibc only; elsewhere
    nothing to do).

    Why: every clip is decoded on its own threads (the decoder thread and FFmpeg's frame
    threads), and glibc gives each thread's allocations an arena of their own; what a finished
    clip freed stays in those arenas as resident memory, fragmented, and the next clip's threads
    seldom reuse it exactly. Measured with ``bench/video.py`` (100 video steps): without it the
    kiosk stayed about 55 MB higher, and the benchmark's first version (ten clips, a new run every
    ten steps) grew by 148 MB after the tenth step, a naive player by 51 MB. ``malloc_trim`` walks
    every arena once and returns the free pages: 1-2 ms, on the decoder thread as it ends, never
    on the main thread."""
    give_back_memory()  # kiosk.packs.images: glibc's malloc_trim, nothing elsewhere


class VideoStep(Picture):
    """Plays one clip over the step's poster; see the module docstring."""

    source_path = StringProperty("")  # the clip of this step (tests and the benchmark read it)
    showing = BooleanProperty(False)  # a frame of the clip is on screen
    playing = BooleanProperty(False)  # the clip is running (False once it holds its last frame)
    sound_plays = NumericProperty(0)  # how many times its own sound was started (tests watch it)

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
        self._sounded = False  # this pass plays the clip's sound
        self._sound_until = 0.0  # when the sound started this pass is over at the latest
        self._on_failed: Callable[[str], None] | None = None
        self._on_done: Callable[[], None] | None = None
        self._awaited = False  # a play from the start has not ended yet (on_done is due)
        self._picture_done = False  # ... and its picture has played through
        self._own_texture = False
        self.frames_shown = 0
        self.plays = 0  # how many times the clip was started (first play, replays, loops)

    @property
    def sound_file(self) -> Path | None:
        """The clip's own sound (None: the clip is always muted)."""
        return self._sound_path

    @property
    def sound_loaded(self) -> bool:
        return self._sound is not None

    @property
    def sound_playing(self) -> bool:
        """The clip's own sound is audible now."""
        return self._sound is not None and self._sound.state == "play"

    @property
    def ahead_ready(self) -> bool:
        """The next step's clip is open and its first frame is decoded."""
        return self._ahead is not None and self._ahead.ready

    def play(
        self,
        path: Path | None,
        *,
        sound: Path | None = None,
        sound_now: bool = True,
        loop: bool = False,
        on_failed: Callable[[str], None] | None = None,
        on_done: Callable[[], None] | None = None,
    ) -> None:
        """Play ``path`` once over the poster (None: stop and show only the poster).

        ``sound``: the clip's own sound (a WAV), started with the first frame of this play when
        ``sound_now``, and with every replay; the repeats of a looping clip are silent.
        ``on_done``: called when this play, or a replay, has ended: the picture played through and
        its sound is over, or the clip failed (the step's voice may speak then)."""
        self._stop(keep_ahead=True)
        if path is None:
            return
        self.source_path = str(path)
        self._on_failed = on_failed
        self._on_done = on_done
        self._sound_path = sound
        self._loop = loop
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead.path == Path(path) and not ahead.stopped.is_set():
            self._start(ahead, sounded=sound_now)
            self._tick(0)  # its first frame is decoded already: on screen with this frame
        else:
            if ahead is not None:
                ahead.stop()
            self._start(None, sounded=sound_now)

    def prefetch(self, path: Path | None) -> None:
        """Open ``path`` and decode its first frame now, so ``play(path)`` shows it at once."""
        ahead = self._ahead
        if ahead is not None and path is not None and ahead.path == Path(path):
            return
        if ahead is not None:
            ahead.stop()
        self._ahead = None
        if path is not None and str(path) != self.source_path:
            self._ahead = _Decoder(Path(path), limit=1)  # the first frame is all Next needs
            self._ahead.start()

    def replay(self) -> bool:
        """Play the clip again from its start, with its sound if it has one (a tap, Hear again);
        its last frame stays until then. False when there is no clip on this step."""
        if not self.source_path:
            return False
        if self._decoder is not None:
            self._decoder.stop()
        self._silence()
        self._start(None, sounded=True)
        return True

    def stop(self) -> None:
        """Stop the clip at once and forget the one fetched ahead (decoder threads end within 0.1 s)."""
        self._stop(keep_ahead=False)

    def _stop(self, *, keep_ahead: bool) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None
        if self._decoder is not None:
            self._decoder.stop()
            self._decoder = None
        if not keep_ahead and self._ahead is not None:
            self._ahead.stop()
            self._ahead = None
        self._silence()
        if self._sound is not None:
            self._sound.unload()  # its samples (up to a minute of sound) are freed now
            self._sound = None
        self._sound_path = None
        self._pending = None
        self._awaited = False
        self._on_done = None
        self.source_path = ""
        self.showing = False
        self.playing = False
        self.opacity = 0
        self.frames_shown = 0
        self.plays = 0
        self.sound_plays = 0

    def _start(self, decoder: _Decoder | None, *, sounded: bool, awaited: bool = True) -> None:
        if decoder is None:
            decoder = _Decoder(Path(self.source_path))
            decoder.start()
        self._decoder = decoder
        self._pending = None
        self._started = time.perf_counter()
        self._loop_start = 0.0
        self._hold_until = 0.0
        self._sounded = sounded and self._sound_path is not None
        if awaited:  # a play from the start: on_done once its picture and sound are over
            self._awaited, self._picture_done = True, False
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
        now = time.perf_counter()
        if self._awaited and self._picture_done:
            self._done_when_quiet(now)  # the picture has ended; its sound may still be playing
        if decoder is None:
            return
        if self._hold_until and now < self._hold_until:
            return
        if self._hold_until:
            self._hold_until = 0.0
            self._loop_start = 0.0
        while True:
            item = self._pending
            if item is None:
                item = decoder.take()
                if item is None:
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
                if self._sounded:
                    self._start_sound(now)
            if self._loop_start + at > now:
                self._pending = item  # not due yet
                return
            self._pending = None
            if self._loop_start + at + TICK < now and decoder.next_is_frame():
                continue  # late: skip to the next frame rather than fall behind (never the last)
            self._show(size, data)
            if self.frames_shown == 2:
                # A clip fetched ahead waits with one frame; from its second frame on, keep more
                # ready (not at Next itself: then the CPU is the new screen's).
                decoder.play_now()
            return

    def _ended(self, now: float) -> None:
        """The clip played through: hold its last frame (and, when looping, start it again, silent)."""
        self._decoder = None
        self._picture_done = True
        if self._loop:
            self._start(None, sounded=False, awaited=False)
            self._hold_until = now + LOOP_PAUSE
        else:
            self.playing = False
        self._done_when_quiet(now)

    def _done_when_quiet(self, now: float) -> None:
        """Once the play's sound is over too: ``on_done``; and no more ticks for a clip at rest."""
        if self._awaited:
            if self.sound_playing and now < self._sound_until:
                return  # the clip's words go on over its last frame; the step's voice waits for them
            self._awaited = False
            if self._on_done is not None:
                self._on_done()
        if self._decoder is None and self._event is not None:
            self._event.cancel()
            self._event = None

    def _show(self, size: tuple[int, int], data: Any) -> None:
        """Upload one frame (bytes, or PyAV's RGB plane) into the widget's one texture."""
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

    def _start_sound(self, now: float) -> None:
        if self._sound_path is None:
            return
        try:
            if self._sound is None:
                self._sound = SoundLoader.load(str(self._sound_path))
            if self._sound is not None:
                self._sound.stop()
                self._sound.play()
                self.sound_plays += 1
                self._sound_until = now + float(self._sound.length or 0.0) + SOUND_GRACE
        except Exception as error:  # noqa: BLE001 - the clip plays on without its sound
            log.warning("video sound %s: %s", self._sound_path, error)

    def _silence(self) -> None:
        if self._sound is not None:
            self._sound.stop()

    def _fail(self, reason: str) -> None:
        path = self.source_path
        on_failed, on_done, awaited = self._on_failed, self._on_done, self._awaited
        self._stop(keep_ahead=True)
        self.texture = None
        self._own_texture = False
        if on_failed is not None:
            on_failed(reason)
        else:
            app = App.get_running_app()
            problems = getattr(app, "problems", None)
            if problems is not None:
                problems.add(
                    "video", "A step's video could not be played; its picture was shown instead.", f"{path}: {reason}"
                )
        if awaited and on_done is not None:
            on_done()  # the step's voice, which waited for the clip, speaks now
