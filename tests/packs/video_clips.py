"""Small real video clips for the tests, encoded with PyAV at test time (no files in the repository).

Each frame shows a coloured square that moves and a background that changes shade, so two
moments of a clip always differ and a test can tell a playing video from a still picture.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageDraw

#: container format (FFmpeg muxer name) and video encoder for each kind of clip the tests use
KINDS: dict[str, tuple[str, str, str]] = {
    "h264": ("mp4", "libx264", "yuv420p"),
    "vp9": ("webm", "libvpx-vp9", "yuv420p"),
    "hevc-mov": ("mov", "libx265", "yuv420p"),  # what an iPhone films
    "mpeg4": ("mp4", "mpeg4", "yuv420p"),  # a codec the kiosk does not play
}


def frame_picture(index: int, size: tuple[int, int]) -> Image.Image:
    """Frame ``index`` of a clip: a square crossing the picture on a slowly changing background."""
    width, height = size
    shade = int(90 + 80 * (0.5 + 0.5 * math.sin(index / 4)))
    image = Image.new("RGB", size, (shade, 120, 255 - shade))
    draw = ImageDraw.Draw(image)
    side = max(4, height // 3)
    x = (index * max(1, width // 12)) % max(1, width - side)
    draw.rectangle((x, height // 3, x + side, height // 3 + side), fill=(250, 220, 40))
    return image


def make_clip(
    path: Path,
    *,
    kind: str = "h264",
    size: tuple[int, int] = (64, 48),
    seconds: float = 1.0,
    fps: int = 12,
    audio: bool = False,
    metadata: dict[str, str] | None = None,
    rotation: int | None = None,
) -> Path:
    """Encode a clip. ``metadata`` goes into the container (e.g. a phone's location);
    ``rotation`` is the display-matrix rotation a phone writes when filmed upright."""
    container_format, codec, pixel_format = KINDS[kind]
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), mode="w", format=container_format) as out:
        for key, value in (metadata or {}).items():
            out.metadata[key] = value
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = pixel_format
        if codec == "libx264":
            stream.options = {"preset": "ultrafast"}
        elif codec == "libx265":
            stream.options = {"preset": "ultrafast", "x265-params": "log-level=none"}
        elif codec == "libvpx-vp9":
            stream.options = {"deadline": "realtime", "cpu-used": "8"}
        if rotation is not None:
            stream.set_display_rotation(rotation)
        sound = None
        if audio:
            sound = (
                out.add_stream("aac", rate=22050)
                if container_format != "webm"
                else out.add_stream("libopus", rate=48000)
            )
            sound.layout = "mono"
        frames = max(1, round(seconds * fps))
        for index in range(frames):
            frame = av.VideoFrame.from_image(frame_picture(index, size)).reformat(format=pixel_format)
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
        if sound is not None:
            _add_tone(out, sound, seconds)
    return path


def _add_tone(out: av.container.OutputContainer, stream: av.audio.stream.AudioStream, seconds: float) -> None:
    import struct

    rate = stream.rate
    codec = stream.codec_context
    chunk = codec.frame_size or 1024
    total = int(rate * seconds)
    pts = 0
    while pts < total:
        count = min(chunk, total - pts)
        samples = b"".join(
            struct.pack("<h", int(5000 * math.sin(2 * math.pi * 440 * (pts + i) / rate))) for i in range(count)
        )
        if count < chunk:
            samples += b"\0\0" * (chunk - count)
        frame = av.AudioFrame(format="s16", layout="mono", samples=chunk)
        frame.planes[0].update(samples)
        frame.sample_rate = rate
        frame.pts = pts
        frame.time_base = Fraction(1, rate)
        out.mux(stream.encode(frame))
        pts += chunk
    out.mux(stream.encode(None))
