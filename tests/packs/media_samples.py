"""Real sound files for the recording checks, made here rather than shipped: a WAV tone with the
standard library, and OGG/MP3/M4A encoded from it with PyAV (the same library the check decodes
with, but a different path through it: encoders and muxers)."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

import av

#: (container format, codec, sample rate) per extension: what phones and recorders write.
ENCODINGS = {
    ".mp3": ("mp3", "libmp3lame", 22050),
    ".ogg": ("ogg", "libopus", 48000),
    ".m4a": ("mp4", "aac", 22050),
}


def wav_tone(path: Path, seconds: float = 0.5, rate: int = 22050, *, width: int = 2) -> Path:
    """A 440 Hz tone as a plain PCM WAV."""
    scale = {1: 100, 2: 6000, 4: 400_000_000}[width]
    fmt = {1: "<B", 2: "<h", 4: "<i"}[width]
    offset = 128 if width == 1 else 0
    one_second = b"".join(
        struct.pack(fmt, offset + int(scale * math.sin(2 * math.pi * 440 * i / rate))) for i in range(rate)
    )
    whole, part = divmod(int(rate * seconds), rate)
    frames = one_second * whole + one_second[: part * width]
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(frames)
    return path


def encoded(path: Path, seconds: float = 0.5, *, container: str | None = None, codec: str | None = None) -> Path:
    """The tone encoded as ``path``'s extension says (or as ``container``/``codec`` say)."""
    default_container, default_codec, rate = ENCODINGS.get(path.suffix.lower(), ("wav", "pcm_f32le", 22050))
    source = wav_tone(path.with_name(path.name + ".source.wav"), seconds)
    try:
        with av.open(str(source)) as wav_in, av.open(str(path), "w", format=container or default_container) as out:
            stream = out.add_stream(codec or default_codec, rate=rate, layout="mono")
            resampler = av.AudioResampler(
                format=stream.codec_context.format,
                layout="mono",
                rate=rate,
                frame_size=stream.codec_context.frame_size or None,
            )
            for frame in wav_in.decode(audio=0):
                frame.pts = None
                for piece in resampler.resample(frame):
                    out.mux(stream.encode(piece))
            for piece in resampler.resample(None):
                out.mux(stream.encode(piece))
            out.mux(stream.encode(None))
    finally:
        source.unlink()
    return path


def install_fake_ghostscript(folder: Path, monkeypatch) -> Path:  # noqa: ANN001 - pytest's MonkeyPatch
    """Put a ``gs`` first on PATH that only leaves a marker file, and make Pillow look for gs again.
    Returns the marker: if it exists, something ran Ghostscript."""
    import os
    import stat

    from PIL import EpsImagePlugin

    bin_folder = folder / "fake-bin"
    bin_folder.mkdir(parents=True, exist_ok=True)
    marker = folder / "ghostscript-ran"
    script = bin_folder / "gs"
    script.write_text(f"#!/bin/sh\necho \"$@\" >> '{marker}'\nexit 1\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    monkeypatch.setenv("PATH", f"{bin_folder}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setattr(EpsImagePlugin, "gs_binary", None)  # Pillow caches where gs is
    monkeypatch.setattr(EpsImagePlugin, "gs_windows_binary", None)
    return marker
