"""Helpers for the fleet tests: real packs (photos, pack.yaml, recorded voices, so publishing builds
nothing slow) and a kiosk with its own data folder, hub login and puller."""

from __future__ import annotations

import importlib.util
import io
import random
import secrets
import sys
import wave
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Callable

import yaml
from PIL import Image

from kiosk.fleet.pull import FleetPuller
from kiosk.hub import add_member
from kiosk.packs import Library, ScanResult

WORKSHOP = "Ningbo 1"


def conftest_of(folder: Path, name: str) -> ModuleType:
    """Another test area's conftest.py, loaded under ``name``, so its fixtures can be reused here as
    they are (pytest only gives a conftest's fixtures to the tests below it)."""
    sys.path.insert(0, str(folder))  # the helpers that conftest imports
    spec = importlib.util.spec_from_file_location(name, folder / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def photo(seed: int, size: tuple[int, int] = (320, 240), noise: bool = False) -> bytes:
    """A JPEG. ``noise``: random pixels, which hardly compress (a pack of real size in few steps)."""
    rng = random.Random(seed)
    if noise:
        image = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def voice(seed: int) -> bytes:
    """A short real WAV recording (a coach's own voice: publishing renders no speech for it)."""
    rng = random.Random(seed)
    out = io.BytesIO()
    with wave.open(out, "wb") as sink:
        sink.setnchannels(1)
        sink.setsampwidth(2)
        sink.setframerate(8000)
        sink.writeframes(bytes(rng.randrange(256) for _ in range(1600)))
    return out.getvalue()


def make_pack(
    folder: Path,
    pack_id: str = "wash-hands",
    version: int = 1,
    steps: int = 4,
    *,
    seed: int = 0,
    noise: bool = False,
    size: tuple[int, int] = (320, 240),
) -> Path:
    """A pack folder as ``kiosk pack new`` + a coach's recordings leave it; ``seed`` changes its
    content (a new version)."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for number in range(1, steps + 1):
        (folder / f"{number:02d}.jpg").write_bytes(photo(seed * 1000 + number, size, noise))
        (folder / f"{number:02d}.wav").write_bytes(voice(seed * 1000 + number))
        entries.append({"image": f"{number:02d}.jpg", "text": f"Step {number} ({seed}).", "audio": f"{number:02d}.wav"})
    document = {
        "format": 1,
        "id": pack_id,
        "title": pack_id.replace("-", " ").capitalize(),
        "language": "en",
        "version": version,
        "steps": entries,
    }
    (folder / "pack.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return folder


@dataclass
class Kiosk:
    """One kiosk: its hub login, data folder and puller, and its library (what a worker sees)."""

    name: str
    role: str
    url: str
    root: Path
    puller: FleetPuller
    library: Library

    @property
    def packs_dir(self) -> Path:
        return self.root / "packs"

    def scan(self) -> ScanResult:
        """The library's scan, then what the app does with it (confirm or roll back)."""
        result = self.library.scan()
        self.puller.confirm_shown(result)
        return result

    def shown(self) -> dict[str, int]:
        """pack id -> version of the usable packs the kiosk shows."""
        return {pack.id: pack.version for pack in self.scan().packs}


def new_kiosk(
    admin_url: str,
    tmp_path: Path,
    name: str,
    *,
    workshop: str = WORKSHOP,
    in_use: Callable[[str], bool] = lambda _pack_id: False,
    **options: object,
) -> Kiosk:
    member = add_member(admin_url, unique(name), workshop)  # roles are per server, not per database
    root = tmp_path / name.replace(" ", "_")
    (root / "packs").mkdir(parents=True)
    puller = FleetPuller(
        member.url,
        root,
        root / "packs",
        root / "cache",
        in_use=in_use,
        **options,
    )
    library = Library([root / "packs"], root / "cache")
    return Kiosk(member.name, member.role, member.url, root, puller, library)


def unique(name: str) -> str:
    return f"{name} {secrets.token_hex(3)}"


def new_coach(admin_url: str, workshop: str = WORKSHOP) -> str:
    return add_member(admin_url, unique("Li Wei"), workshop, kind="coach").url
