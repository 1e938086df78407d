"""The files of one pack, and finding a file a trainer referred to — safely.

Trainers make packs on Windows, Macs and phones, so a reference in pack.yaml may differ from the
name on disk in upper/lower case or in Unicode form (macOS writes "ü" as "u" + a combining mark,
NFD). Both sides are brought to NFC before matching; a match that needs case-folding is still found
but reported, because it breaks on a case-sensitive kiosk the moment the file is copied elsewhere.

Every reference must stay inside the pack: no ``..``, no absolute paths, no links that point out
of the folder. Those are refused before any file is opened.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import NamedTuple

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp"})
AUDIO_EXTENSIONS = frozenset({".wav", ".ogg", ".mp3", ".m4a"})
# Pictures a phone or PC may produce that the kiosk cannot show; named so the trainer learns why.
UNSUPPORTED_IMAGE_EXTENSIONS = frozenset({".heic", ".heif", ".gif", ".bmp", ".tif", ".tiff", ".avif"})

# Clutter that operating systems add to folders and zips; never part of a pack, never reported.
_IGNORED_NAMES = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini", "__macosx", "$recycle.bin"})

_DRIVE = re.compile(r"^[A-Za-z]:")


def is_ignored_name(name: str) -> bool:
    """True for hidden files (``.DS_Store``, ``._photo.jpg``) and Windows/Mac folder clutter."""
    return name.startswith(".") or name.casefold() in _IGNORED_NAMES


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def extension(name: str) -> str:
    """The lower-case extension with its dot (``.jpg``), or "" when there is none."""
    return os.path.splitext(name)[1].lower()


@dataclass(frozen=True)
class PackFile:
    """One file of a pack."""

    relative: str  # as on disk, relative to the pack root, "/" separated
    key: str  # NFC form of ``relative``: used for matching, hashing and messages
    size: int
    outside: bool = False  # a link that points out of the pack (or nowhere)

    @property
    def name(self) -> str:
        return self.key.rsplit("/", 1)[-1]

    @property
    def at_top(self) -> bool:
        return "/" not in self.key


class Found(Enum):
    EXACT = "exact"
    IGNORING_CASE = "ignoring case"
    MISSING = "missing"
    LEAVES_PACK = "leaves pack"
    NOT_A_PATH = "not a path"


@dataclass(frozen=True)
class Lookup:
    found: Found
    file: PackFile | None = None


class ListedFile(NamedTuple):
    """One entry of a pack folder as listed once per scan (``list_files``). A named tuple, not a
    frozen data class: a scan makes one per file of every pack (20,000 on a big library), and a
    tuple is made several times faster."""

    relative: str  # as on disk, "/" separated
    path: str
    link_info: os.stat_result | None  # lstat; None when it could not be read
    info: os.stat_result | None  # stat with links followed; None when that fails (a dangling link)
    folder_link: bool = False  # a link to a folder: not a file of the pack, but still watched


@dataclass(frozen=True)
class FolderListing:
    """What one walk of a pack folder found: the library's fingerprint of the folder and the
    pack's file index are both made from it, so each file is listed and stat'ed once per scan."""

    files: tuple[ListedFile, ...]
    complete: bool  # False when a folder could not be listed (then nothing is assumed unchanged)


def list_files(root: str | os.PathLike[str]) -> FolderListing:
    """Every entry of a pack folder (clutter left out): each folder's files by name, then its
    sub-folders by name, as ``os.walk`` gives them; linked folders are listed but not entered.
    ``scandir`` entries rather than ``os.walk`` plus ``relpath`` and ``lstat`` by name: a first
    scan lists every file of every pack, and the path arithmetic cost more than the calls."""
    found: list[ListedFile] = []
    complete = _list_folder(os.fspath(root), "", found)
    return FolderListing(tuple(found), complete)


def _list_folder(path: str, prefix: str, found: list[ListedFile]) -> bool:
    try:
        with os.scandir(path) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return False  # as os.walk: a folder that cannot be listed holds nothing usable
    complete = True
    folders = []
    for entry in entries:
        if is_ignored_name(entry.name):
            continue
        try:
            is_folder = entry.is_dir()  # a link to a folder is a folder here, as in os.walk
        except OSError:
            is_folder = False
        if is_folder and not entry.is_symlink():
            folders.append(entry)
            continue
        try:
            link_info: os.stat_result | None = entry.stat(follow_symlinks=False)
        except OSError:
            link_info = None
        info = link_info
        if link_info is not None and stat.S_ISLNK(link_info.st_mode):
            try:
                info = os.stat(entry.path)
            except OSError:
                info = None
        found.append(ListedFile(prefix + entry.name, entry.path, link_info, info, folder_link=is_folder))
    for folder in folders:
        complete = _list_folder(folder.path, f"{prefix}{folder.name}/", found) and complete
    return complete


class PackFiles:
    """An index of a pack folder's files (clutter left out), for matching references."""

    def __init__(self, root: Path, listed: FolderListing | None = None) -> None:
        """``listed``: the folder as the caller has just listed it (``list_files``), so that it
        is not listed and stat'ed a second time."""
        self.root = root
        self._real_root = os.path.realpath(root)
        self.files: dict[str, PackFile] = {}
        self._by_folded_key: dict[str, list[PackFile]] = {}
        for listed_file in (listed or list_files(root)).files:
            if not listed_file.folder_link:
                pack_file = self._describe(listed_file)
                if pack_file is not None:
                    self._add(pack_file)

    def _describe(self, listed: ListedFile) -> PackFile | None:
        if listed.link_info is None:
            return None
        relative = listed.relative
        key = nfc(relative)
        info = listed.link_info
        if stat.S_ISLNK(info.st_mode):
            if not self._inside(listed.path) or listed.info is None:
                return PackFile(relative, key, 0, outside=True)
            info = listed.info
        if not stat.S_ISREG(info.st_mode):
            return None  # sockets, pipes, devices: never read
        return PackFile(relative, key, info.st_size)

    def _add(self, pack_file: PackFile) -> None:
        self.files.setdefault(pack_file.key, pack_file)
        self._by_folded_key.setdefault(pack_file.key.casefold(), []).append(pack_file)

    def _inside(self, path: str) -> bool:
        real = os.path.realpath(path)
        return real == self._real_root or real.startswith(self._real_root + os.sep)

    def top_level(self) -> list[PackFile]:
        return [pack_file for pack_file in self.files.values() if pack_file.at_top]

    def path_of(self, pack_file: PackFile) -> Path:
        return self.root.joinpath(*pack_file.relative.split("/"))

    def lookup(self, reference: str) -> Lookup:
        """Find the file a trainer named, refusing anything that would leave the pack."""
        key = reference_key(reference)
        if key is None:
            return Lookup(Found.NOT_A_PATH)
        if key.startswith("/") or _DRIVE.match(key) or ".." in key.split("/"):
            return Lookup(Found.LEAVES_PACK)
        exact = self.files.get(key)
        if exact is not None:
            return Lookup(Found.LEAVES_PACK if exact.outside else Found.EXACT, exact)
        through_link = self._through_linked_folder(key)
        if through_link is not None:
            return through_link
        matches = self._by_folded_key.get(key.casefold(), [])
        if matches:
            match = matches[0]
            return Lookup(Found.LEAVES_PACK if match.outside else Found.IGNORING_CASE, match)
        return Lookup(Found.MISSING)

    def _through_linked_folder(self, key: str) -> Lookup | None:
        """A file reached through a linked folder (not indexed, because links are not followed)."""
        path = os.path.join(self.root, *key.split("/"))
        if not os.path.lexists(path):
            return None
        if not self._inside(path):
            return Lookup(Found.LEAVES_PACK)
        try:
            info = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        pack_file = PackFile(key, key, info.st_size)
        self._add(pack_file)
        return Lookup(Found.EXACT, pack_file)


def reference_key(reference: str) -> str | None:
    """A reference as a matching key: "/" separators, no "./" parts, NFC. None if it names no
    file at all (empty, or with a NUL character no file system allows)."""
    cleaned = nfc(reference.strip().replace("\\", "/"))
    if not cleaned or "\x00" in cleaned:
        return None
    if cleaned.startswith("/"):
        return cleaned
    parts = [part for part in cleaned.split("/") if part not in ("", ".")]
    return "/".join(parts) or None
