"""Builders for packs as trainers really make them — tidy, messy and hostile — and helpers to
assert the exact problem a loader reports."""

from __future__ import annotations

import functools
import io
import struct
import tempfile
import wave
import zipfile
import zlib
from pathlib import Path
from typing import Iterable, Mapping

from PIL import Image

from kiosk.packs import Problem, Severity

from .media_samples import encoded

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


@functools.lru_cache(maxsize=8)
def _encoded(suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as temp:
        return encoded(Path(temp) / f"tone{suffix}", seconds=0.3).read_bytes()


def audio_bytes(label: str = "x.wav") -> bytes:
    """A real, tiny recording of the kind ``label``'s extension names (the loader checks that
    recordings really play). Two labels never give the same file: a WAV's samples follow the
    label; OGG/MP3/M4A carry it after the sound, where a player never reads."""
    suffix = Path(label).suffix.lower()
    if suffix in (".ogg", ".mp3", ".m4a"):
        return _encoded(suffix) + label.encode("utf-8")
    seed = zlib.crc32(label.encode("utf-8"))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(bytes((seed >> (8 * (index % 4))) & 0xFF for index in range(3200)))
    return buffer.getvalue()


def image_bytes(
    size: tuple[int, int] = (64, 48),
    color: tuple[int, ...] = (200, 40, 40),
    fmt: str = "JPEG",
    *,
    mode: str = "RGB",
    exif_orientation: int | None = None,
    marker: tuple[tuple[int, int, int, int], tuple[int, ...]] | None = None,
) -> bytes:
    """A small picture; ``marker`` paints a rectangle (box, colour) to check rotations."""
    picture = Image.new(mode, size, color)
    if marker is not None:
        box, marker_color = marker
        picture.paste(marker_color, box)
    buffer = io.BytesIO()
    options: dict = {}
    if exif_orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        options["exif"] = exif.tobytes()
    if fmt == "JPEG":
        options["quality"] = 95
    picture.save(buffer, fmt, **options)
    return buffer.getvalue()


def format_for(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return {".png": "PNG", ".webp": "WEBP"}.get(suffix, "JPEG")


def write_files(folder: Path, files: Mapping[str, bytes | str | None] | Iterable[str]) -> Path:
    """Write files into ``folder``. A name without content gets a small picture (by its
    extension) or a dummy recording; str content is written as UTF-8."""
    folder.mkdir(parents=True, exist_ok=True)
    items = files.items() if isinstance(files, Mapping) else ((name, None) for name in files)
    for index, (name, content) in enumerate(items):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            if Path(name).suffix.lower() in IMAGE_SUFFIXES:
                content = image_bytes(color=(10 + 20 * index % 240, 100, 150), fmt=format_for(name))
            else:
                content = audio_bytes(name)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return folder


class _UnflaggedUtf8Info(zipfile.ZipInfo):
    """Stores the name as UTF-8 bytes *without* the UTF-8 flag, as macOS's Archive Utility and
    many older tools do."""

    def _encodeFilenameFlags(self):  # noqa: N802 - zipfile's name
        return self.filename.encode("utf-8"), self.flag_bits & ~0x800


class _DosCodePageInfo(zipfile.ZipInfo):
    """Stores the name in the DOS code page without the UTF-8 flag, as older Windows does."""

    def _encodeFilenameFlags(self):  # noqa: N802 - zipfile's name
        return self.filename.encode("cp437"), self.flag_bits & ~0x800


def zip_bytes(
    entries: Mapping[str, bytes],
    *,
    utf8_flag: bool = True,
    dos_names: bool = False,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A zip of ``entries`` (name -> content), in the order given."""
    buffer = io.BytesIO()
    info_class = _DosCodePageInfo if dos_names else zipfile.ZipInfo if utf8_flag else _UnflaggedUtf8Info
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            info = info_class(name, date_time=(2024, 5, 1, 12, 0, 0))
            info.compress_type = compression
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def symlink_zip_entry_bytes(name: str, target: str, others: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for other, data in others.items():
            archive.writestr(other, data)
        info = zipfile.ZipInfo(name)
        info.external_attr = 0o120777 << 16
        archive.writestr(info, target)
    return buffer.getvalue()


def bomb_png(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of the given size, all black: a few KB on disk, ``width*height`` pixels
    when decoded — the classic decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\0" + b"\0" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row * min(height, 1024)) for _ in range(height // 1024)]
    parts.append(compressor.compress(row * (height % 1024)))
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")


def the_problem(
    problems: Iterable[Problem],
    severity: Severity,
    *,
    file: str | None,
    step: int | None,
    words: Iterable[str] = (),
) -> Problem:
    """The one problem with this severity, file and step; its message must contain ``words``
    (case-insensitive). Fails with the full list when there is not exactly one."""
    problems = list(problems)
    matching = [p for p in problems if p.severity is severity and p.file == file and p.step == step]
    assert len(matching) == 1, f"expected one {severity} for {file!r} step {step}, got:\n" + _listing(problems)
    problem = matching[0]
    for word in words:
        assert word.lower() in problem.message.lower(), f"{word!r} not in {problem.message!r}"
    assert problem.hint.strip(), "every problem says what to do"
    return problem


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity is Severity.ERROR]


def warnings_of(problems: Iterable[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity is Severity.WARNING]


def _listing(problems: list[Problem]) -> str:
    return "\n".join(f"  {p.severity} {p.file!r} step {p.step}: {p.message}" for p in problems) or "  (none)"
