"""Helpers for the authoring tests: phone-like photos (EXIF orientation, GPS, XMP, capture time),
folder snapshots, and a speech worker that counts what it renders."""

from __future__ import annotations

import io
import os
import struct
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image

from kiosk.speech import SpeechWorker

ORIENTATION = 0x0112
EXIF_IFD = 0x8769
GPS_IFD = 0x8825
DATETIME_ORIGINAL = 0x9003
BACKGROUND = (128, 128, 128)
MARKER = (230, 20, 20)
GPS_POSITION = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 0.0)}
XMP_MARK = b"http://ns.adobe.com/xap/1.0/\x00"


@dataclass(frozen=True)
class PhotoSpec:
    size: tuple[int, int] = (2400, 1800)  # as stored by the camera
    orientation: int | None = None
    gps: bool = True
    taken: datetime | None = None
    xmp: bool = True


def make_photo(path: Path, spec: PhotoSpec = PhotoSpec()) -> Path:
    """A JPEG as a phone writes it: a red marker in the stored top-left corner, EXIF orientation,
    a GPS position, a capture time and an XMP packet."""
    width, height = spec.size
    picture = Image.new("RGB", spec.size, BACKGROUND)
    picture.paste(MARKER, (0, 0, width // 5, height // 5))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Phone 15"
    if spec.orientation is not None:
        exif[ORIENTATION] = spec.orientation
    # Sub-IFDs are set as dicts: on a fresh Image.Exif, get_ifd() returns a dict it does not keep.
    if spec.gps:
        exif[GPS_IFD] = GPS_POSITION
    if spec.taken is not None:
        exif[EXIF_IFD] = {DATETIME_ORIGINAL: spec.taken.strftime("%Y:%m:%d %H:%M:%S")}
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    data = buffer.getvalue()
    if spec.xmp:
        data = _with_xmp(data)
    path.write_bytes(data)
    return path


def _with_xmp(jpeg: bytes) -> bytes:
    """Insert an XMP APP1 segment after SOI (Pillow 10 cannot write XMP itself)."""
    packet = XMP_MARK + b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/>secret-location</x:xmpmeta>'
    segment = b"\xff\xe1" + struct.pack(">H", len(packet) + 2) + packet
    return jpeg[:2] + segment + jpeg[2:]


def set_mtime(path: Path, when: datetime) -> None:
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file's size, modification time and content: to prove a folder was not touched."""
    return {
        path.relative_to(folder).as_posix(): (path.stat().st_size, path.stat().st_mtime_ns, path.read_bytes())
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


class CountingWorker(SpeechWorker):
    """The real speech worker, counting the renderings it is asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.renders: list[tuple[str, str]] = []

    def render(self, text, language, out_wav, rate=None):  # noqa: ANN001 - same signature as the parent
        self.renders.append((text, language))
        return super().render(text, language, out_wav, rate)
