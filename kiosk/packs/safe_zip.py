"""Unpacking a pack's .zip safely into the cache.

A zip copied onto a kiosk is untrusted input. It is unpacked only when:
- no entry would land outside the unpack folder ("zip slip": ``../``, absolute paths, drive letters),
- it is not a "zip bomb": the number of entries (read from the zip's last record, before its table
  of contents is loaded), the number of files, their total size, the compression ratio of each
  file and of the whole zip are checked from the table of contents first, and the bytes really
  written are counted again while unpacking (a zip can lie in its table of contents). The total
  budget (``ZipLimits.max_total_bytes``) holds whatever each file's ratio is: a thousand files of
  zeros, each just small enough to escape the per-file check, are still refused,
- it holds no links (they are skipped, never created) and nothing password-protected.

The copy goes to ``<cache>/zips/<sha256 of the zip>/files``: the same zip is unpacked once, however
often it is scanned, and a changed zip gets a fresh folder. Unpacking writes to a temporary folder
first and renames it at the end, so a power cut never leaves a half-unpacked pack that looks whole.

Zips from Windows and Macs are tidied on the way: names without the UTF-8 flag are read as UTF-8
when they are valid UTF-8 (Macs write them so), names are stored in NFC, one top folder holding
everything is removed, and ``__MACOSX/``, ``.DS_Store``, ``Thumbs.db`` are left out.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import struct
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from kiosk.packs import storage
from kiosk.packs.model import Problem, Severity
from kiosk.packs.pack_files import is_ignored_name, nfc
from kiosk.packs.problems import ProblemList
from kiosk.packs.words import Msg

MARKER_NAME = "unpacked.json"
FILES_FOLDER = "files"
_CHUNK = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_UNICODE_PATH_EXTRA = 0x7075  # Info-ZIP: the file name in UTF-8, written by 7-Zip and others


@dataclass(frozen=True)
class ZipLimits:
    """What a sane pack zip stays within. A pack of 50 phone photos with recordings is well under
    these; anything beyond them is a mistake (a whole photo library) or an attack."""

    max_files: int = 2000  # files unpacked
    max_entries: int = 5000  # everything listed: folders, links, __MACOSX clutter included
    max_total_bytes: int = 512 * 1024 * 1024  # 512 MiB unpacked: 50 camera photos of 10 MB fit 5 times
    max_ratio: float = 100.0  # unpacked size / packed size, for one file
    ratio_applies_from_bytes: int = 1024 * 1024  # small files may compress well and do no harm
    max_total_ratio: float = 100.0  # unpacked size of all files / size of the zip
    total_ratio_applies_from_bytes: int = 16 * 1024 * 1024  # small packs of text may compress well
    max_directory_bytes: int = 16 * 1024 * 1024  # the table of contents itself


class _Refused(Exception):
    """The zip is not unpacked; the problem has been recorded."""


@dataclass(frozen=True)
class _Entry:
    info: zipfile.ZipInfo
    raw_name: str  # as written in the zip, for messages
    parts: tuple[str, ...]  # cleaned path parts


def zip_digest(zip_path: Path) -> str:
    digest = hashlib.sha256()
    with open(zip_path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def unpack(zip_path: Path, unpack_root: Path, limits: ZipLimits, problems: ProblemList) -> Path | None:
    """Unpack ``zip_path`` under ``unpack_root`` (once per zip content); the folder that holds the
    pack's files, or None when the zip was refused (the reasons are in ``problems``)."""
    zip_name = zip_path.name
    size = zip_path.stat().st_size
    if size > limits.max_total_bytes:
        problems.error(
            Msg("The zip file {name} is too big for a pack ({size} MB).", name=zip_name, size=size // (1024 * 1024)),
            Msg("Make the pack smaller: use photos from a phone rather than camera originals, and fewer of them."),
        )
        return None
    destination = unpack_root / zip_digest(zip_path)
    remembered = _read_marker(destination, problems.pack_label)
    if remembered is not None:
        problems.extend(remembered)
        return destination / FILES_FOLDER
    warnings = ProblemList(problems.pack_label)
    try:
        _check_entry_count(zip_path, limits, warnings)
        _unpack_fresh(zip_path, destination, limits, warnings)
    except _Refused:
        pass
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, struct.error, ValueError) as error:
        warnings.error(
            Msg("The zip file {name} is damaged or is not a real zip file ({error}).", name=zip_name, error=str(error)),
            Msg("Make the zip again from the pack folder and copy it once more."),
        )
    except OSError as error:
        if _is_reading_error(error, zip_path):
            warnings.error(
                Msg(
                    "The zip file {name} could not be read ({error}).",
                    name=zip_name,
                    error=str(error.strerror or error),
                ),
                Msg("Copy the zip file onto the kiosk again; check that it opens on a computer."),
            )
        else:  # writing into the cache failed: the device's fault, not the zip's
            message, hint = storage.storage_words(
                error, Msg("the zip file {name} could not be unpacked", name=zip_name)
            )
            warnings.error(message, hint)
    problems.extend(warnings.labelled(problems.pack_label))
    return None if warnings.has_errors else destination / FILES_FOLDER


def _is_reading_error(error: OSError, zip_path: Path) -> bool:
    """True when the zip itself could not be read (rather than the cache written)."""
    return error.filename is not None and os.path.abspath(str(error.filename)) == os.path.abspath(zip_path)


def _check_entry_count(zip_path: Path, limits: ZipLimits, problems: ProblemList) -> None:
    """Refuse a zip listing too many entries *before* ``zipfile`` loads its table of contents:
    that table is read into memory whole (one object per entry), so a small zip listing millions
    of empty entries would exhaust the memory before any other check runs. The count is read from
    the zip's last record (``zipfile``'s own reader of it, the one ``ZipFile`` uses)."""
    with open(zip_path, "rb") as stream:
        end = zipfile._EndRecData(stream)  # noqa: SLF001 - stable since Python 2; no public equivalent
    if end is None:
        raise zipfile.BadZipFile("File is not a zip file")
    entries, directory_bytes = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]  # noqa: SLF001
    if entries > limits.max_entries or directory_bytes > limits.max_directory_bytes:
        _refuse_entries(zip_path.name, entries, limits, problems)


def _refuse_entries(zip_name: str, entries: int, limits: ZipLimits, problems: ProblemList) -> None:
    problems.error(
        Msg(
            "The zip file {name} lists {entries} entries; a pack may hold at most {files} "
            "files ({most} entries with folders and the extra files computers add).",
            name=zip_name,
            entries=f"{entries:,}",
            files=f"{limits.max_files:,}",
            most=f"{limits.max_entries:,}",
        ),
        Msg(
            "Check that you zipped the pack folder and not a whole photo library. "
            "Do not use a zip you did not make yourself."
        ),
    )
    raise _Refused


def _unpack_fresh(zip_path: Path, destination: Path, limits: ZipLimits, problems: ProblemList) -> None:
    with zipfile.ZipFile(zip_path) as archive:
        entries = _checked_entries(archive, zip_path.name, limits, problems)
        _check_total_ratio(entries, zip_path, limits, problems)
        entries = _without_top_folder(entries)
        unpack_root = destination.parent
        unpack_root.mkdir(parents=True, exist_ok=True)
        partial = unpack_root / f".partial-{destination.name[:16]}-{uuid.uuid4().hex}"
        try:
            _extract(archive, entries, partial / FILES_FOLDER, limits, problems, zip_path.name)
            _write_marker(partial, problems)
            if destination.exists() and _read_marker(destination, "") is None:
                shutil.rmtree(destination, ignore_errors=True)  # left over from an interrupted clean-up
            try:
                os.rename(partial, destination)
            except OSError:
                if not (destination / MARKER_NAME).exists():  # not a race with another unpacker
                    raise
        finally:
            shutil.rmtree(partial, ignore_errors=True)


def _checked_entries(archive: zipfile.ZipFile, zip_name: str, limits: ZipLimits, problems: ProblemList) -> list[_Entry]:
    """The entries to unpack, after checking the table of contents against the limits."""
    entries: list[_Entry] = []
    total = 0
    seen: dict[str, str] = {}
    listed = archive.infolist()
    if len(listed) > limits.max_entries:  # the last record may under-state it
        _refuse_entries(zip_name, len(listed), limits, problems)
    for info in listed:
        raw_name = _entry_name(info)
        if info.is_dir():
            continue
        parts = _path_parts(raw_name)
        if parts is None:
            problems.error(
                Msg(
                    "The zip file {name} holds a file that would be unpacked outside its folder: {entry}.",
                    name=zip_name,
                    entry=raw_name,
                ),
                Msg(
                    "Do not use this zip: it may have been made to harm the device. "
                    "Make a new zip from the pack folder."
                ),
                file=raw_name,
            )
            raise _Refused
        if any(is_ignored_name(part) for part in parts):
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            problems.warning(
                Msg(
                    "The zip file {name} holds a link ({entry}), which the kiosk does not unpack.",
                    name=zip_name,
                    entry=raw_name,
                ),
                Msg("Put the file itself into the pack instead of a link to it."),
                file=raw_name,
            )
            continue
        if info.flag_bits & 0x1:
            problems.error(
                Msg("The zip file {name} is protected with a password.", name=zip_name),
                Msg("Make the zip again without a password."),
                file=raw_name,
            )
            raise _Refused
        key = "/".join(parts)
        if key in seen:
            problems.error(
                Msg(
                    "The zip file {name} holds two files with the same name: {first} and {second}.",
                    name=zip_name,
                    first=seen[key],
                    second=raw_name,
                ),
                Msg("Make the zip again from the pack folder."),
                file=raw_name,
            )
            raise _Refused
        seen[key] = raw_name
        _check_ratio(info, raw_name, zip_name, limits, problems)
        total += info.file_size
        entries.append(_Entry(info, raw_name, parts))
    if len(entries) > limits.max_files:
        problems.error(
            Msg(
                "The zip file {name} holds {count} files; a pack may hold at most {most}.",
                name=zip_name,
                count=len(entries),
                most=limits.max_files,
            ),
            Msg("Check that you zipped the pack folder and not a whole photo library."),
        )
        raise _Refused
    if total > limits.max_total_bytes:
        _refuse_total(zip_name, total, limits, problems)
    return entries


def _check_ratio(info: zipfile.ZipInfo, raw_name: str, zip_name: str, limits: ZipLimits, problems: ProblemList) -> None:
    if info.file_size < limits.ratio_applies_from_bytes:
        return
    if info.compress_size == 0 or info.file_size / info.compress_size > limits.max_ratio:
        problems.error(
            Msg(
                "The zip file {name} would unpack {entry} to {size} MB from {packed} KB. Real photos and sounds "
                "never shrink that much, so this zip is not unpacked (it could fill the device).",
                name=zip_name,
                entry=raw_name,
                size=info.file_size // (1024 * 1024),
                packed=max(info.compress_size, 0) // 1024,
            ),
            Msg("Do not use this zip. Make a new zip from the pack folder."),
            file=raw_name,
        )
        raise _Refused


def _check_total_ratio(entries: list[_Entry], zip_path: Path, limits: ZipLimits, problems: ProblemList) -> None:
    """The whole zip must not shrink more than real photos and sounds do, whatever each file does:
    many files each just under the per-file check add up."""
    total = sum(entry.info.file_size for entry in entries)
    packed = max(zip_path.stat().st_size, 1)
    if total >= limits.total_ratio_applies_from_bytes and total / packed > limits.max_total_ratio:
        problems.error(
            Msg(
                "The zip file {name} would unpack to {size} MB from {packed} KB. Real photos and sounds never "
                "shrink that much, so this zip is not unpacked (it could fill the device).",
                name=zip_path.name,
                size=total // (1024 * 1024),
                packed=packed // 1024,
            ),
            Msg("Do not use this zip. Make a new zip from the pack folder."),
        )
        raise _Refused


def _refuse_total(zip_name: str, total: int, limits: ZipLimits, problems: ProblemList) -> None:
    problems.error(
        Msg(
            "The zip file {name} would unpack to more than {most} MB ({size} MB or more), too much for a pack.",
            name=zip_name,
            most=limits.max_total_bytes // (1024 * 1024),
            size=total // (1024 * 1024),
        ),
        Msg("Make the pack smaller: use photos from a phone rather than camera originals, and fewer of them."),
    )
    raise _Refused


def _entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its maker meant it (zipfile reads names without the UTF-8 flag as the
    old DOS code page, which garbles the UTF-8 names that Macs and many tools write)."""
    unicode_name = _unicode_path_extra(info.extra)
    if unicode_name is not None:
        return unicode_name
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _unicode_path_extra(extra: bytes) -> str | None:
    offset = 0
    while offset + 4 <= len(extra):
        header_id, length = struct.unpack_from("<HH", extra, offset)
        body = extra[offset + 4 : offset + 4 + length]
        if header_id == _UNICODE_PATH_EXTRA and len(body) > 5 and body[0] == 1:
            try:
                return body[5:].decode("utf-8")
            except UnicodeDecodeError:
                return None
        offset += 4 + length
    return None


def _path_parts(raw_name: str) -> tuple[str, ...] | None:
    """The cleaned parts of an entry's path; None when the entry would land outside the folder."""
    name = nfc(raw_name.replace("\\", "/"))
    if name.startswith("/") or _DRIVE.match(name) or "\x00" in name:
        return None
    parts = tuple(part for part in name.split("/") if part not in ("", "."))
    if not parts or ".." in parts:
        return None
    return parts


def _without_top_folder(entries: list[_Entry]) -> list[_Entry]:
    """Zips made with "Send to > Compressed folder" or "Compress" hold one folder with the pack in
    it; the pack starts inside that folder."""
    if not entries or any(len(entry.parts) < 2 for entry in entries):
        return entries
    tops = {entry.parts[0] for entry in entries}
    if len(tops) != 1:
        return entries
    return [_Entry(entry.info, entry.raw_name, entry.parts[1:]) for entry in entries]


def _extract(
    archive: zipfile.ZipFile,
    entries: list[_Entry],
    target: Path,
    limits: ZipLimits,
    problems: ProblemList,
    zip_name: str,
) -> None:
    target.mkdir(parents=True)
    real_target = os.path.realpath(target)
    total = 0
    for entry in entries:
        path = target.joinpath(*entry.parts)
        if not os.path.realpath(path).startswith(real_target + os.sep):  # belt and braces
            problems.error(
                Msg(
                    "The zip file holds a file that would be unpacked outside its folder: {entry}.",
                    entry=entry.raw_name,
                ),
                Msg("Do not use this zip. Make a new zip from the pack folder."),
                file=entry.raw_name,
            )
            raise _Refused
        path.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        with archive.open(entry.info) as source, open(path, "xb") as sink:
            while chunk := source.read(_CHUNK):
                written += len(chunk)
                total += len(chunk)  # the bytes really written, whatever the table of contents says
                if total > limits.max_total_bytes:
                    _refuse_total(zip_name, total, limits, problems)
                if written > entry.info.file_size:
                    problems.error(
                        Msg(
                            "The zip file unpacks {entry} to more than its table of contents says, "
                            "so it is not unpacked (it could fill the device).",
                            entry=entry.raw_name,
                        ),
                        Msg("Do not use this zip. Make a new zip from the pack folder."),
                        file=entry.raw_name,
                    )
                    raise _Refused
                sink.write(chunk)


def _write_marker(folder: Path, problems: ProblemList) -> None:
    """Remember the unpacking's warnings, so that loading the unpacked copy again reports them too."""
    remembered = [
        {
            "file": problem.file,
            "step": problem.step,
            "message": problem.message,
            "hint": problem.hint,
            "message_msg": problem.message_msg.as_json() if problem.message_msg else None,
            "hint_msg": problem.hint_msg.as_json() if problem.hint_msg else None,
        }
        for problem in problems.labelled("")
    ]
    (folder / MARKER_NAME).write_text(json.dumps({"warnings": remembered}, ensure_ascii=False), encoding="utf-8")


def _read_marker(destination: Path, pack_label: str) -> list[Problem] | None:
    try:
        remembered = json.loads((destination / MARKER_NAME).read_text(encoding="utf-8"))["warnings"]
        if not (destination / FILES_FOLDER).is_dir():
            return None
        return [
            Problem(
                Severity.WARNING,
                pack_label,
                item["file"],
                item["step"],
                item["message"],
                item["hint"],
                Msg.from_json(item.get("message_msg")),
                Msg.from_json(item.get("hint_msg")),
            )
            for item in remembered
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return None
