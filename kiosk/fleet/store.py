"""Where a kiosk keeps the packs it got from the hub, and the one way it switches between them.

Layout inside the kiosk's data folder (``DataDir``)::

    fleet/state.json                      what is installed, staged, refused; what the hub wants
    fleet/downloads/<sha256>.part         a download under way (resumed at its last whole chunk)
    fleet/versions/<sha256>/<pack id>/    one unpacked version, never changed once complete
    packs/<pack id> -> ../fleet/versions/<sha256>/<pack id>     the version the kiosk shows

Why a symbolic link in the packs folder: the library (kiosk/packs/library.py) already scans that
folder, follows a link to a folder, and reads a pack whose files changed again, so a pack from the
hub appears like one a trainer copied in, with no change there. Switching is ``os.replace`` of a new
link over the old one, one atomic rename: a scan sees the old version or the new one, never half of
either. The versions are named by the zip's sha256, so the previous version stays whole beside the
new one until the new one has been shown once without problems (then it is deleted), and going back
is the same rename. The state is written whole or not at all (kiosk.atomic).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kiosk.atomic import write_bytes

STATE_NAME = "state.json"


@dataclass
class Version:
    """One version of a pack on this kiosk."""

    sha256: str
    version: int
    content_hash: str = ""  # kiosk.packs' content hash (what the journal records with each run)
    title: str = ""
    author: str = ""  # who published it, and why: shown to the trainer with the version
    note: str = ""


@dataclass
class Installed:
    """The version a pack's link points at, and the one before it (kept until this one was shown)."""

    current: Version
    previous: Version | None = None
    confirmed: bool = False  # shown once without problems: the previous version is gone


@dataclass
class Problem:
    """The last thing that went wrong with a pack, as a kind the trainer line puts in words."""

    kind: str  # damaged | storage | broken | folder_taken | rolled_back
    version: int
    detail: str = ""


@dataclass
class Wanted:
    """What the hub said this kiosk should run of a pack, at the last poll that reached it."""

    version: int
    sha256: str
    reason: str  # latest | pinned | held | fallback
    rule_version: int | None = None
    title: str = ""


@dataclass
class FleetState:
    installed: dict[str, Installed] = field(default_factory=dict)
    staged: dict[str, Version] = field(default_factory=dict)  # verified, unpacked, waiting to switch
    problems: dict[str, Problem] = field(default_factory=dict)
    wanted: dict[str, Wanted] = field(default_factory=dict)
    hub_reached: bool | None = None  # None: never tried
    hub_error: str = ""
    reported: str = ""  # the last report the hub took (JSON), so an unchanged kiosk sends nothing

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "FleetState":
        raw: dict[str, Any] = json.loads(text)
        return cls(
            installed={
                pack_id: Installed(
                    Version(**item["current"]),
                    Version(**item["previous"]) if item.get("previous") else None,
                    bool(item.get("confirmed")),
                )
                for pack_id, item in raw.get("installed", {}).items()
            },
            staged={pack_id: Version(**item) for pack_id, item in raw.get("staged", {}).items()},
            problems={pack_id: Problem(**item) for pack_id, item in raw.get("problems", {}).items()},
            wanted={pack_id: Wanted(**item) for pack_id, item in raw.get("wanted", {}).items()},
            hub_reached=raw.get("hub_reached"),
            hub_error=str(raw.get("hub_error", "")),
            reported=str(raw.get("reported", "")),
        )


class FolderTaken(Exception):
    """``packs/<pack id>`` is a trainer's own pack (not a link of ours): the hub's is not put there."""


class FleetStore:
    """The files of the fleet packs on one kiosk (see the module docstring). Not thread-safe: the
    puller serialises every change."""

    def __init__(self, data_root: Path, packs_dir: Path) -> None:
        self.root = Path(data_root) / "fleet"
        self.packs_dir = Path(packs_dir)
        self.versions = self.root / "versions"
        self.downloads = self.root / "downloads"

    # -- state ----------------------------------------------------------------------------------

    def load_state(self) -> FleetState:
        """The saved state; a missing or unreadable file is a kiosk with no fleet packs yet (the next
        poll downloads what the hub says again, and replaces the links)."""
        try:
            return FleetState.from_json((self.root / STATE_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            return FleetState()

    def save_state(self, state: FleetState) -> None:
        write_bytes(self.root / STATE_NAME, state.to_json().encode("utf-8"))

    # -- versions -------------------------------------------------------------------------------

    def version_folder(self, sha256: str, pack_id: str) -> Path:
        return self.versions / sha256 / pack_id

    def has_version(self, sha256: str, pack_id: str) -> bool:
        return self.version_folder(sha256, pack_id).is_dir()

    def drop_version(self, sha256: str) -> None:
        shutil.rmtree(self.versions / sha256, ignore_errors=True)

    def part_file(self, sha256: str) -> Path:
        return self.downloads / f"{sha256}.part"

    # -- the link the library sees ----------------------------------------------------------------

    def link(self, pack_id: str) -> Path:
        return self.packs_dir / pack_id

    def points_at(self, pack_id: str) -> str | None:
        """The sha256 of the version ``packs/<pack id>`` points at; None when it is no link of ours."""
        link = self.link(pack_id)
        try:
            target = os.readlink(link)
        except OSError:
            return None
        parts = Path(target).parts
        if len(parts) >= 3 and parts[-1] == pack_id and parts[-3] == "versions":
            return parts[-2]
        return None

    def switch(self, pack_id: str, sha256: str) -> None:
        """Point ``packs/<pack id>`` at this version in one atomic rename. Raises ``FolderTaken``
        when a pack of the trainer's own is there."""
        link = self.link(pack_id)
        if os.path.lexists(link) and not link.is_symlink():
            raise FolderTaken(pack_id)
        self.packs_dir.mkdir(parents=True, exist_ok=True)
        target = os.path.relpath(self.version_folder(sha256, pack_id), self.packs_dir)
        fresh = self.packs_dir / f".{pack_id}.fleet-link"
        if os.path.lexists(fresh):
            os.unlink(fresh)
        os.symlink(target, fresh, target_is_directory=True)
        os.replace(fresh, link)

    def remove(self, pack_id: str) -> None:
        """Take the pack off the kiosk (its link only if it is ours)."""
        if self.points_at(pack_id) is not None:
            os.unlink(self.link(pack_id))


def state_for_pack_source(source: Path) -> tuple[FleetState, str] | None:
    """(the fleet state, the pack id) when ``source`` (a pack in a packs folder) is a link to a
    version from the hub; None for every other pack. Lets the trainer's packs screen show a fleet
    line for exactly the packs that came from the hub."""
    try:
        target = os.readlink(source)
    except OSError:
        return None
    real = Path(os.path.normpath(os.path.join(os.path.dirname(source), target)))
    if len(real.parts) < 4 or real.parent.parent.name != "versions":
        return None
    state_file = real.parent.parent.parent / STATE_NAME
    try:
        return FleetState.from_json(state_file.read_text(encoding="utf-8")), real.name
    except (OSError, ValueError, KeyError, TypeError):
        return None
