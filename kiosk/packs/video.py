"""Does a step's video really play on the kiosk? Probing a clip with PyAV, bounded and by content.

Why: a coach films a step with a phone and copies the clip into a pack. The kiosk plays MP4 with
H.264 and WebM with VP9 (decoded by PyAV's own FFmpeg on a background thread, see
``kiosk/ui/widgets/video_step.py``); an iPhone's HEVC ``.mov``, a 4K clip, a ten-minute recording
or a copy cut short would freeze, stutter or show nothing while a worker waits. So every clip is
probed when its pack is loaded, and a problem says what is wrong and what to do.

How it stays safe and fast on a hostile file (it runs for every clip of every pack loaded):
- The kind of file is decided by its first bytes (an ISO media "ftyp" box, or the EBML header of
  Matroska/WebM), never by its name, and the container is opened with that one named demuxer, so
  FFmpeg never guesses among its hundreds of formats (playlists, image sequences, network
  protocols) from the content.
- Size, codec, picture size and length are checked from the headers before anything is decoded:
  a header claiming a 100,000 x 100,000 picture is refused without allocating a frame.
- Then only the first ``DECODE_FRAMES`` frames are decoded (at most ``MAX_PACKETS`` packets read),
  proving the clip starts; damage later in a clip is found by the player, which falls back to the
  poster.
- Results are remembered per file version (path, size, modification time, inode), so loading the
  same pack again costs a ``stat`` per clip.

The poster frame (a step's picture when it has only a video) is the first decoded frame, turned
upright by the clip's rotation note (phones film sideways and note it, like EXIF for photos).
Kivy-free, like every package outside ``kiosk/ui``; PyAV is imported only when a clip is probed.
"""

from __future__ import annotations

import io
import os
import wave
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image

from kiosk.packs.words import Msg

#: What a pack may hold; the probe decides whether the content really is one (never the name).
VIDEO_EXTENSIONS = frozenset({".mp4", ".m4v", ".mov", ".webm", ".mkv"})
#: Limits for a clip in a pack (per-step clips in studies last 4-42 s).
MAX_SECONDS = 60.0
MAX_BYTES = 100 * 1024 * 1024
MAX_LONG_SIDE = 1920  # 1920 x 1080, upright or sideways
MAX_SHORT_SIDE = 1080
#: Codecs the kiosk's player decodes (FFmpeg codec names), and the demuxers it opens them with.
PLAYABLE_CODECS = frozenset({"h264", "vp9"})
DEMUXER_MP4 = "mp4"  # FFmpeg's "mov,mp4,m4a,3gp,3g2,mj2" demuxer, by one of its names
DEMUXER_WEBM = "matroska"  # "matroska,webm"
#: Bounded work when probing: frames decoded to prove the clip starts, packets read at most.
DECODE_FRAMES = 3
MAX_PACKETS = 300
#: How much FFmpeg may read to find the streams (its default is 5 MB / 5 s as well; fixed here so a
#: different FFmpeg build cannot read more of a hostile file).
OPEN_OPTIONS = {"probesize": "5000000", "analyzeduration": "5000000"}
#: The hint for a clip that cannot be used as it is.
CONVERT_HINT = Msg(
    "Run `kiosk pack build` on the pack folder: it converts phone videos to the kiosk's format "
    "(MP4, H.264, at most 720p). Or save the clip again as MP4 (H.264)."
)
COPY_AGAIN = Msg("Copy the clip into the pack again.")

_MP4_BOXES = (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip")
_EBML = b"\x1a\x45\xdf\xa3"


@dataclass(frozen=True)
class VideoInfo:
    """What the probe found out about a clip that plays."""

    demuxer: str  # DEMUXER_MP4 or DEMUXER_WEBM
    codec: str  # "h264" or "vp9"
    width: int  # as shown: upright, after the rotation note
    height: int
    seconds: float | None  # None when the container does not say
    fps: float
    rotation: int  # degrees counter-clockwise to turn the decoded picture upright (0, 90, 180, 270)
    has_sound: bool


@dataclass(frozen=True)
class VideoTrouble:
    """Why a clip cannot be used: ``what`` ends a sentence that starts with the file's name."""

    what: Msg  # e.g. "is 95 seconds long; a step's video may be at most 60 seconds"
    hint: Msg  # (kiosk.packs.words: English as written, translated where shown)
    kind: str  # "too long", "too large", "resolution", "codec", "damaged", "not a video"


def sniff_demuxer(head: bytes) -> str | None:
    """The demuxer for a file starting with ``head`` (its first 12 bytes or more); None when it
    is neither an MP4/QuickTime nor a Matroska/WebM file."""
    if len(head) >= 8 and head[4:8] in _MP4_BOXES:
        return DEMUXER_MP4
    if head.startswith(_EBML):
        return DEMUXER_WEBM
    return None


def probe_video(path: str | Path) -> tuple[VideoInfo | None, VideoTrouble | None]:
    """(info, None) when the clip at ``path`` plays on the kiosk; (info or None, trouble) if not.
    Never raises: a file that cannot even be read is trouble like any other."""
    try:
        info = os.stat(path)
    except OSError as error:
        return None, VideoTrouble(Msg("cannot be read ({error})", error=error.strerror or error), COPY_AGAIN, "damaged")
    return _probed(os.fspath(path), info.st_size, info.st_mtime_ns, info.st_ino)


@lru_cache(maxsize=512)
def _probed(path: str, size: int, _mtime_ns: int, _inode: int) -> tuple[VideoInfo | None, VideoTrouble | None]:
    """The probe itself, once per file version (the arguments after ``path`` are the cache key)."""
    if size == 0:
        return None, VideoTrouble(Msg("is empty: there is no video in it"), COPY_AGAIN, "damaged")
    if size > MAX_BYTES:
        return None, VideoTrouble(
            Msg(
                "is too big a file ({size} MB; a step's video may be at most {most} MB)",
                size=-(-size // (1024 * 1024)),
                most=MAX_BYTES // (1024 * 1024),
            ),
            Msg("Film a shorter clip of just this step, or run `kiosk pack build`, which makes phone videos smaller."),
            "too large",
        )
    try:
        with open(path, "rb") as stream:
            demuxer = sniff_demuxer(stream.read(16))
            if demuxer is None:
                return None, VideoTrouble(
                    Msg("is not a video the kiosk can play: it is not an MP4 or WebM video (or it is damaged)"),
                    CONVERT_HINT,
                    "not a video",
                )
            stream.seek(0)
            return _probe_stream(stream, demuxer, poster=False)[:2]
    except OSError as error:
        return None, VideoTrouble(Msg("cannot be read ({error})", error=error.strerror or error), COPY_AGAIN, "damaged")
    except Exception as error:  # noqa: BLE001 - hostile bytes must end as a problem, never a crash
        return None, _damaged(f"{type(error).__name__}")


def _damaged(detail: str | Msg = "") -> VideoTrouble:
    return VideoTrouble(
        Msg("cannot be played: the file is damaged or cut short ({detail})", detail=detail)
        if detail
        else Msg("cannot be played: the file is damaged or cut short"),
        Msg("Play the clip on a computer to check it, then copy it into the pack again (or film the step again)."),
        "damaged",
    )


def _probe_stream(
    stream: Any, demuxer: str, *, poster: bool
) -> tuple[VideoInfo | None, VideoTrouble | None, Image.Image | None]:
    """Open with the named demuxer, check the headers, decode the first frames."""
    import av  # noqa: PLC0415 - slow to import; only packs with videos need it

    try:
        container = av.open(stream, mode="r", format=demuxer, options=OPEN_OPTIONS, metadata_errors="ignore")
    except (av.error.FFmpegError, ValueError, OSError, EOFError):
        return None, _damaged(), None
    with container:
        videos = container.streams.video
        if not videos:
            return (
                None,
                VideoTrouble(
                    Msg("has no moving picture in it (only sound, or nothing)"),
                    Msg("Use a clip filmed with the camera."),
                    "not a video",
                ),
                None,
            )
        video = videos[0]
        context = video.codec_context
        codec = context.codec.canonical_name if context is not None and context.codec is not None else ""
        width, height = (context.width, context.height) if context is not None else (0, 0)
        seconds = _seconds(container, video)
        fps = float(video.average_rate or video.guessed_rate or 25) or 25.0
        base = VideoInfo(demuxer, codec, width, height, seconds, fps, 0, bool(container.streams.audio))
        if codec not in PLAYABLE_CODECS:
            named = {"hevc": Msg("HEVC (H.265, what iPhones film)"), "mpeg4": "MPEG-4 Part 2", "av1": "AV1"}.get(
                codec, codec or Msg("an unknown form")
            )
            return (
                base,
                VideoTrouble(
                    Msg("is stored as {named}, which the kiosk cannot play (it plays H.264 and VP9)", named=named),
                    CONVERT_HINT,
                    "codec",
                ),
                None,
            )
        if width <= 0 or height <= 0:
            return base, _damaged(Msg("no picture size")), None
        if max(width, height) > MAX_LONG_SIDE or min(width, height) > MAX_SHORT_SIDE:
            return (
                base,
                VideoTrouble(
                    Msg(
                        "has too big a picture ({width} x {height}; the kiosk plays at most {long} x {short})",
                        width=width,
                        height=height,
                        long=MAX_LONG_SIDE,
                        short=MAX_SHORT_SIDE,
                    ),
                    Msg("Run `kiosk pack build` (it makes phone videos 720p), or film at 1080p or less."),
                    "resolution",
                ),
                None,
            )
        if seconds is not None and seconds > MAX_SECONDS + 0.5:
            return (
                base,
                VideoTrouble(
                    Msg(
                        "is {seconds} seconds long; a step's video may be at most {most} seconds",
                        seconds=f"{seconds:.0f}",
                        most=f"{MAX_SECONDS:.0f}",
                    ),
                    Msg("Cut the clip to just this step (5 to 30 seconds work best), or split it into two steps."),
                    "too long",
                ),
                None,
            )
        first, rotation = _first_frames(container, video)
        if first is None:
            return base, _damaged(Msg("no frame could be decoded")), None
        if rotation % 180:
            width, height = height, width
        info = VideoInfo(demuxer, codec, width, height, seconds, fps, rotation, base.has_sound)
        return info, None, (upright(first.to_image(), rotation) if poster else None)


def _seconds(container: Any, video: Any) -> float | None:
    if container.duration is not None and container.duration > 0:
        return container.duration / 1_000_000  # AV_TIME_BASE
    if video.duration is not None and video.time_base is not None:
        return float(video.duration * video.time_base)
    return None


def _first_frames(container: Any, video: Any) -> tuple[Any, int]:
    """Decode up to DECODE_FRAMES frames (reading at most MAX_PACKETS packets); the first frame
    and the rotation it carries. A failure after a frame decoded is left to the player."""
    import av  # noqa: PLC0415

    first = None
    decoded = packets = 0
    try:
        for packet in container.demux(video):
            packets += 1
            for frame in packet.decode():
                if first is None:
                    first = frame
                decoded += 1
            if decoded >= DECODE_FRAMES or packets >= MAX_PACKETS:
                break
    except (av.error.FFmpegError, ValueError, EOFError, MemoryError):
        pass
    rotation = 0
    if first is not None:
        try:
            rotation = int(round(first.rotation or 0)) % 360
        except (AttributeError, TypeError, ValueError):
            rotation = 0
    return first, rotation


def upright(picture: Image.Image, rotation: int) -> Image.Image:
    """Turn a decoded frame the way the clip's rotation note says (counter-clockwise degrees)."""
    turns = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_270}
    return picture.transpose(turns[rotation]) if rotation in turns else picture


def poster_frame(path: str | Path) -> Image.Image:
    """The clip's first frame, upright, as an RGB picture. Raises ValueError when the clip is
    not playable (probe it first; this decodes again only when no poster is cached yet)."""
    with open(path, "rb") as stream:
        demuxer = sniff_demuxer(stream.read(16))
        if demuxer is None:
            raise ValueError("not a video")
        stream.seek(0)
        _info, trouble, picture = _probe_stream(stream, demuxer, poster=True)
    if trouble is not None or picture is None:
        raise ValueError(trouble.what if trouble else "no frame")
    return picture.convert("RGB")


def poster_jpeg(path: str | Path, quality: int = 90) -> bytes:
    """The poster frame as JPEG bytes (what ``kiosk.packs.images.prepare_image`` takes)."""
    buffer = io.BytesIO()
    poster_frame(path).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def extract_sound(path: str | Path, out_wav: Path, *, max_seconds: float = MAX_SECONDS) -> bool:
    """Write the clip's sound as a 16-bit WAV (what Kivy's players take); False when it has none.

    Why a WAV: the kiosk decodes the picture itself with PyAV, and plays sound through Kivy like
    every other sound it plays; a WAV of a one-minute clip is a few MB in the cache. Bounded by
    ``max_seconds`` of sound, and written atomically."""
    import av  # noqa: PLC0415

    with open(path, "rb") as stream:
        demuxer = sniff_demuxer(stream.read(16))
        if demuxer is None:
            return False
        stream.seek(0)
        with av.open(stream, mode="r", format=demuxer, options=OPEN_OPTIONS, metadata_errors="ignore") as container:
            if not container.streams.audio:
                return False
            audio = container.streams.audio[0]
            rate = 44100
            resampler = av.AudioResampler(format="s16", layout="stereo", rate=rate)
            chunks: list[bytes] = []
            samples = 0
            limit = int(max_seconds * rate)
            try:
                for frame in container.decode(audio):
                    for converted in resampler.resample(frame):
                        chunks.append(bytes(converted.planes[0])[: converted.samples * 4])
                        samples += converted.samples
                    if samples >= limit:
                        break
            except (av.error.FFmpegError, ValueError, EOFError):
                pass  # the sound up to the damage is played
    if not samples:
        return False
    out_wav.parent.mkdir(parents=True, exist_ok=True)
    partial = out_wav.with_name(f".{out_wav.name}.{os.getpid()}.part")
    with wave.open(str(partial), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(chunks)[: limit * 4])
    os.replace(partial, out_wav)
    return True
