"""Phone videos into kiosk videos: `kiosk pack new` takes them, `kiosk pack build` converts them.

Why: coaches film steps with their phones. An iPhone films HEVC in a .mov, often 4K, often at
60 frames a second, with the place it was filmed in the file; Android phones film H.264 at 1080p.
The kiosk plays H.264 (or VP9) up to 1920 x 1080 and refuses anything else (``kiosk.packs.video``).
So the build converts every clip, with PyAV's own FFmpeg (no system FFmpeg), to:

- MP4, H.264 (libx264), yuv420p (what every decoder plays), "fast start" (the index first);
- at most 720p (1280 x 720, or 720 x 1280 filmed upright), at most 30 frames a second;
- CRF 23 capped at 2.5 Mbit/s: a 30-second step clip is about 5-9 MB;
- turned upright (the phone's rotation note is applied to the pixels, then dropped);
- no metadata at all: no location, no phone model, no dates (nothing is copied over);
- with its sound (AAC) only when pack.yaml says ``video_sound: true``; else without.

The poster is the converted clip's first frame, saved as ``video/NN.jpg``, and becomes the step's
``image:`` when the step has no photo of its own, so the pack carries its own poster.

Incremental, like speech: ``PACK/.video-build.json`` records for each converted clip the source's
sha256 and the settings it was made with; a build with nothing changed converts nothing. The
source clip is moved into ``PACK/.sources/`` (hidden: the kiosk and ``kiosk pack zip`` leave it
out), so the pack stays small and a change of setting (sound on) can convert it again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable

from kiosk.atomic import write_text
from kiosk.packs.pack_files import reference_key
from kiosk.packs.video import MAX_SECONDS, OPEN_OPTIONS, VIDEO_EXTENSIONS, sniff_demuxer, upright

Report = Callable[[int, int, str], None]

#: Phone videos `kiosk pack new` accepts in a photo folder.
PHONE_VIDEO_EXTENSIONS = frozenset({".mp4", ".mov", ".m4v"}) | VIDEO_EXTENSIONS
VIDEO_FOLDER = "video"
SOURCES_FOLDER = ".sources"
STATE_NAME = ".video-build.json"
#: What the conversion makes; part of each clip's key, so changing it converts clips again.
MAX_LONG, MAX_SHORT = 1280, 720
MAX_FPS = 30
CRF = "23"
MAX_RATE = "2500k"
TRANSCODER_VERSION = 1
#: Codecs a phone or camera may film in that PyAV's FFmpeg decodes (a source, not a pack clip).
SOURCE_CODECS = frozenset({"h264", "hevc", "vp9", "vp8", "av1", "mpeg4", "prores"})
MAX_SOURCE_BYTES = 4 * 1024 * 1024 * 1024  # a minute of 4K60 HEVC is ~400 MB
DECODERS_THREADS = "AUTO"


class VideoError(Exception):
    """A clip cannot be converted; the message says why and what to do."""


@dataclass(frozen=True)
class SourceInfo:
    codec: str
    width: int
    height: int
    seconds: float | None
    has_sound: bool
    taken: datetime | None  # the container's creation time (like a photo's EXIF date)


@dataclass
class Converted:
    seconds: float  # of video
    frames: int
    elapsed: float  # wall-clock seconds the conversion took
    size: tuple[int, int]
    has_sound: bool


@dataclass
class VideoBuild:
    """What the video part of `kiosk pack build` did."""

    converted: list[str] = field(default_factory=list)  # output files made anew
    unchanged: int = 0
    posters: list[str] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)  # (source, where it went)
    failures: list[str] = field(default_factory=list)  # plain-words reasons, per step


def _open(path: Path) -> Any:
    """Open a video with the one demuxer its first bytes name (never FFmpeg's guess)."""
    import av  # noqa: PLC0415

    with open(path, "rb") as stream:
        demuxer = sniff_demuxer(stream.read(16))
    if demuxer is None:
        raise VideoError(f"{path.name} is not an MP4, MOV or WebM video.")
    try:
        return av.open(str(path), mode="r", format=demuxer, options=OPEN_OPTIONS, metadata_errors="ignore")
    except (av.error.FFmpegError, ValueError, OSError) as error:
        raise VideoError(f"{path.name} cannot be opened: the file is damaged ({error}).") from error


def source_info(path: Path) -> SourceInfo:
    """Check a phone video before it goes into a pack; raise VideoError with advice if unusable."""
    if path.stat().st_size > MAX_SOURCE_BYTES:
        raise VideoError(f"{path.name} is too big a file to convert. Film a shorter clip of just the step.")
    container = _open(path)
    with container:
        if not container.streams.video:
            raise VideoError(f"{path.name} has no moving picture in it.")
        stream = container.streams.video[0]
        context = stream.codec_context
        codec = context.codec.canonical_name if context.codec is not None else ""
        if codec not in SOURCE_CODECS:
            raise VideoError(f"{path.name} is filmed in a form Step Kiosk cannot convert ({codec or 'unknown'}).")
        seconds = container.duration / 1_000_000 if container.duration else None
        if seconds is not None and seconds > MAX_SECONDS + 0.5:
            raise VideoError(
                f"{path.name} is {seconds:.0f} seconds long; a step's video may be at most {MAX_SECONDS:.0f} seconds. "
                "Cut it to just this step on the phone (5 to 30 seconds work best), or split it into two steps."
            )
        taken = _creation_time(container.metadata) or _creation_time(stream.metadata)
        return SourceInfo(codec, context.width, context.height, seconds, bool(container.streams.audio), taken)


def _creation_time(metadata: dict[str, str]) -> datetime | None:
    raw = metadata.get("creation_time") or metadata.get("com.apple.quicktime.creationdate")
    if not raw:
        return None
    try:
        taken = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return taken.astimezone().replace(tzinfo=None)  # local time, like EXIF dates of photos


def fitted_size(width: int, height: int) -> tuple[int, int]:
    """Fit within 1280 x 720 (or 720 x 1280 upright), never enlarged, even sides (yuv420p)."""
    long_side, short_side = (MAX_LONG, MAX_SHORT) if width >= height else (MAX_SHORT, MAX_LONG)
    scale = min(1.0, long_side / width, short_side / height)
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def convert(source: Path, target: Path, *, keep_sound: bool) -> Converted:
    """Convert ``source`` to the kiosk's format at ``target`` (written atomically)."""
    import av  # noqa: PLC0415

    started = time.perf_counter()
    source_info(source)
    size = fitted_size(*_upright_size(source))
    partial = target.with_name(f".{target.name}.part")
    target.parent.mkdir(parents=True, exist_ok=True)
    frames = 0
    try:
        with (
            _open(source) as inp,
            av.open(str(partial), mode="w", format="mp4", options={"movflags": "+faststart"}) as out,
        ):
            vin = inp.streams.video[0]
            vin.thread_type = DECODERS_THREADS
            ain = inp.streams.audio[0] if keep_sound and inp.streams.audio else None
            rate = float(vin.average_rate or vin.guessed_rate or MAX_FPS)
            fps = min(MAX_FPS, max(1, round(rate)))
            vout = out.add_stream("libx264", rate=fps)
            vout.pix_fmt = "yuv420p"
            vout.width, vout.height = size  # before any packet: the first mux opens the encoders
            vout.options = {
                "crf": CRF,
                "maxrate": MAX_RATE,
                "bufsize": "5000k",
                "preset": "veryfast",
                "profile": "high",
                "g": str(fps * 2),
            }
            aout = None
            if ain is not None:
                aout = out.add_stream("aac", rate=44100)
                aout.layout = "stereo"
                aout.bit_rate = 96_000
                resampler = av.AudioResampler(format="fltp", layout="stereo", rate=44100)
            last_pts = -1
            audio_pts = 0
            streams = [vin] + ([ain] if ain is not None else [])
            for packet in inp.demux(*streams):
                try:
                    decoded = packet.decode()
                except av.error.InvalidDataError:
                    continue  # a damaged packet: skip it, as players do
                for frame in decoded:
                    if packet.stream is vin:
                        if frame.time is not None and frame.time > MAX_SECONDS + 1:
                            break
                        picture = _kiosk_frame(frame, size)
                        pts = round((frame.time or 0.0) * fps) if frame.time is not None else last_pts + 1
                        if pts <= last_pts:
                            continue  # more than MAX_FPS frames a second: drop this one
                        picture.pts, picture.time_base = pts, Fraction(1, fps)
                        last_pts = pts
                        out.mux(vout.encode(picture))
                        frames += 1
                    elif aout is not None:
                        for sound in resampler.resample(frame):
                            sound.pts, sound.time_base = audio_pts, Fraction(1, 44100)
                            audio_pts += sound.samples
                            out.mux(aout.encode(sound))
            if frames == 0:
                raise VideoError(f"{source.name} has no picture that can be decoded: the file is damaged.")
            out.mux(vout.encode(None))
            if aout is not None:
                out.mux(aout.encode(None))
        os.replace(partial, target)
    except av.error.FFmpegError as error:
        raise VideoError(f"{source.name} cannot be converted: the file is damaged ({error}).") from error
    finally:
        partial.unlink(missing_ok=True)
    return Converted(
        last_pts / fps if fps else 0.0, frames, time.perf_counter() - started, size, aout is not None and audio_pts > 0
    )


def _rotation(frame: Any) -> int:
    return int(round(getattr(frame, "rotation", 0) or 0)) % 360


def _upright_size(source: Path) -> tuple[int, int]:
    """The clip's picture size as shown (after its rotation note), from its first frame."""
    with _open(source) as container:
        for frame in container.decode(container.streams.video[0]):
            sideways = _rotation(frame) in (90, 270)
            return (frame.height, frame.width) if sideways else (frame.width, frame.height)
    raise VideoError(f"{source.name} has no picture that can be decoded: the file is damaged.")


def _kiosk_frame(frame: Any, size: tuple[int, int]) -> Any:
    """One decoded frame upright, fitted to ``size``, as yuv420p."""
    import av  # noqa: PLC0415

    rotation = _rotation(frame)
    width, height = size
    if rotation == 0:
        return frame.reformat(width=width, height=height, format="yuv420p")
    stored = (height, width) if rotation in (90, 270) else (width, height)
    picture = upright(frame.reformat(width=stored[0], height=stored[1], format="rgb24").to_image(), rotation)
    return av.VideoFrame.from_image(picture).reformat(format="yuv420p")


def save_poster(video: Path, target: Path) -> None:
    """The clip's first frame (upright) as a JPEG: the step's picture when it has no photo."""
    from kiosk.packs.video import poster_frame  # noqa: PLC0415

    picture = poster_frame(video)
    partial = target.with_name(f".{target.name}.part")
    picture.save(partial, "JPEG", quality=88)
    os.replace(partial, target)


# --- the build ------------------------------------------------------------------------------


def clip_key(keep_sound: bool) -> str:
    """The settings a clip was converted with: a change converts it again."""
    return f"v{TRANSCODER_VERSION}|{MAX_LONG}x{MAX_SHORT}|{MAX_FPS}|{CRF}|{MAX_RATE}|sound={keep_sound}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _load_state(folder: Path) -> dict[str, dict[str, Any]]:
    try:
        raw = json.loads((folder / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    clips = raw.get("clips") if isinstance(raw, dict) and raw.get("format") == 1 else None
    return {str(k): v for k, v in clips.items() if isinstance(v, dict)} if isinstance(clips, dict) else {}


def build_videos(folder: Path, document: dict, *, report: Report | None = None) -> VideoBuild:
    """Convert the steps' clips in pack.yaml's data ``document`` (changed in place: ``video:`` to
    the converted clip, ``image:`` to its poster when the step has no photo)."""
    result = VideoBuild()
    raw_steps = document.get("steps")
    steps: list[Any] = raw_steps if isinstance(raw_steps, list) else []
    keep_sound = document.get("video_sound") is True
    key = clip_key(keep_sound)
    state = _load_state(folder)
    new_state: dict[str, dict[str, Any]] = {}
    total = len(steps)
    for number, raw in enumerate(steps, start=1):
        if not isinstance(raw, dict) or not isinstance(raw.get("video"), str):
            continue
        reference = reference_key(raw["video"])
        if reference is None or reference.startswith("/") or ".." in reference.split("/"):
            continue  # kiosk.packs reports it
        if raw.get("image") == raw["video"]:
            raw.pop("image")  # a photo folder's clip-only step: its poster is made below
        try:
            entry = _build_step(
                folder, number, total, reference, raw, state.get(reference), key, keep_sound, report, result
            )
        except (VideoError, OSError) as error:
            result.failures.append(f"Step {number}: {error}")
            continue
        new_state[entry["file"]] = entry
    if new_state != state or not (folder / STATE_NAME).is_file() and new_state:
        write_text(
            folder / STATE_NAME, json.dumps({"format": 1, "clips": new_state}, indent=1, ensure_ascii=False) + "\n"
        )
    return result


def _build_step(
    folder: Path,
    number: int,
    total: int,
    reference: str,
    raw: dict,
    known: dict[str, Any] | None,
    key: str,
    keep_sound: bool,
    report: Report | None,
    result: VideoBuild,
) -> dict[str, Any]:
    current = folder / reference
    if known is not None:  # a clip this build made: up to date, or converted again from its source
        entry = dict(known)
        up_to_date = entry.get("key") == key and current.is_file() and _sha256(current) == entry.get("sha")
        if not up_to_date:
            source = folder / str(entry.get("source", ""))
            if not source.is_file() or _sha256(source) != entry.get("source_sha"):
                raise VideoError(
                    f"{reference} was changed by hand or its source in {SOURCES_FOLDER}/ is gone; "
                    "put the phone video in the pack and write its name in 'video:' to convert it again."
                )
            _convert(source, current, keep_sound, number, total, report, result, reference)
            entry.update(key=key, sha=_sha256(current))
        else:
            result.unchanged += 1
    else:  # a new clip from the coach: convert it, keep the original out of the pack
        source = current
        if not source.is_file():
            raise VideoError(f"the video {reference} is missing.")
        target_name = _free_name(folder, number, reference)
        target = folder / target_name
        _convert(source, target, keep_sound, number, total, report, result, target_name)
        kept = _move_source(folder, source)
        result.moved.append((reference, kept))
        entry = {
            "file": target_name,
            "key": key,
            "sha": _sha256(target),
            "source": kept,
            "source_sha": _sha256(folder / kept),
        }
        raw["video"] = target_name
        current = target
    poster = entry.get("poster")
    if raw.get("image") is None or (poster and raw.get("image") == poster):
        poster_name = poster or f"{entry['file'].rsplit('.', 1)[0]}.jpg"
        poster_path = folder / poster_name
        if not poster_path.is_file() or entry.get("poster_of") != entry["sha"]:
            save_poster(current, poster_path)
            result.posters.append(poster_name)
        entry.update(poster=poster_name, poster_of=entry["sha"])
        raw["image"] = poster_name
    return entry


def _convert(
    source: Path,
    target: Path,
    keep_sound: bool,
    number: int,
    total: int,
    report: Report | None,
    result: VideoBuild,
    name: str,
) -> None:
    if report:
        report(number, total, "video")
    convert(source, target, keep_sound=keep_sound)
    result.converted.append(name)


def _free_name(folder: Path, number: int, reference: str) -> str:
    width = 2
    candidate = f"{VIDEO_FOLDER}/{number:0{width}d}.mp4"
    counter = 2
    while (folder / candidate).exists() and candidate != reference:
        candidate = f"{VIDEO_FOLDER}/{number:0{width}d}-{counter}.mp4"
        counter += 1
    return candidate


def _move_source(folder: Path, source: Path) -> str:
    """Move the coach's clip into the hidden sources folder (a copy stays if it is elsewhere)."""
    sources = folder / SOURCES_FOLDER
    sources.mkdir(exist_ok=True)
    target = sources / source.name
    counter = 2
    while target.exists():
        target = sources / f"{source.stem}-{counter}{source.suffix}"
        counter += 1
    shutil.move(str(source), str(target))
    return target.relative_to(folder).as_posix()
