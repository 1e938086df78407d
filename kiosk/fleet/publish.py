"""Publish a pack to the workshop hub once, for every kiosk of the workshop (``kiosk pack publish``).

Why the steps are in this order: a kiosk must never get a pack nobody checked, so the pack is built
(speech for steps without a recording; incremental, nothing is rendered twice) and checked by the
same ``load_pack`` every kiosk runs, and a pack with errors never reaches the hub. What is stored is
the deterministic zip of ``kiosk pack zip``: the same pack gives the same bytes, so its sha256 names
the content on the hub and on every kiosk, and publishing it again uploads nothing.

The zip goes in 1 MiB bytea chunks, together with its version row, in one transaction: a kiosk
sees a version only once every chunk of it is there (docs/fleet.md says why chunks).

Kivy-free; the CLI and the tablet's "Publish to all kiosks" button both call ``publish_pack``.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import psycopg

from kiosk.authoring.errors import PackNotReady
from kiosk.fleet.download import Work, hash_file
from kiosk.hub.errors import HubError, connect, hub_errors, where
from kiosk.packs import Problem, Severity

CHUNK_SIZE = 1024 * 1024  # 1 MiB: big enough for few round trips, small enough to resume cheaply


@dataclass(frozen=True)
class PublishResult:
    """What a publish did, for a message to the coach."""

    pack_id: str
    version: int
    title: str
    sha256: str
    size: int  # bytes of the zip
    chunks: int
    workshop: str
    author: str
    note: str
    uploaded: bool  # False: the hub already had this exact zip (nothing sent)
    republished: bool  # True: this content had been withdrawn and is published again
    speech_made: int = 0  # step sounds rendered for this publish
    warnings: tuple[Problem, ...] = field(default_factory=tuple)


def publish_pack(
    pack_folder: Path,
    hub_url: str,
    *,
    author: str,
    note: str,
    workshop: str | None = None,
    cache_dir: Path | None = None,
    build: bool = True,
    default_language: str = "en",
    chunk_size: int = CHUNK_SIZE,
) -> PublishResult:
    """Build (speech), check, zip and store the pack on the hub; raise ``PackNotReady`` (with the
    problems) for a pack with errors and ``HubError`` for anything the hub refuses.

    ``hub_url`` is a coach's connection string (their workshop) or the administrator's, who must
    name the ``workshop``. ``author`` "" means the coach's name on the hub. ``chunk_size``: tests
    and the benchmark make small packs of many chunks with it.
    """
    folder = Path(pack_folder)
    if not folder.is_dir():
        raise PackNotReady(f'"{folder}" is not a pack folder. Give the folder made by `kiosk pack new`.')
    with tempfile.TemporaryDirectory(prefix="kiosk-publish-") as scratch_name:
        scratch = Path(scratch_name)
        cache = Path(cache_dir) if cache_dir is not None else scratch / "cache"
        speech_made, problems = _build(folder, cache, default_language) if build else (0, [])
        from kiosk.authoring.zipping import zip_pack

        zipped = zip_pack(folder, scratch / "pack.zip", cache_dir=cache, default_language=default_language)
        warnings = _unique(problems + zipped.warnings)
        pack = zipped.pack
        size = zipped.path.stat().st_size
        sha256 = hash_file(zipped.path, Work())
        with hub_errors(hub_url), connect(hub_url) as conn:
            target = _workshop(conn, hub_url, workshop)
            who = author.strip() or _member_name(conn)
            with conn.transaction():
                about = (pack.title_for(pack.language), len(pack.steps), who, note.strip())
                blob = (sha256, size, chunk_size)
                uploaded, republished = _store(conn, zipped.path, target, pack.id, pack.version, blob, about)
    return PublishResult(
        pack_id=pack.id,
        version=pack.version,
        title=pack.title_for(pack.language),
        sha256=sha256,
        size=size,
        chunks=_chunk_count(size, chunk_size),
        workshop=target,
        author=who,
        note=note.strip(),
        uploaded=uploaded,
        republished=republished,
        speech_made=speech_made,
        warnings=tuple(warnings),
    )


def _build(folder: Path, cache: Path, default_language: str) -> tuple[int, list[Problem]]:
    """Speech for the steps without a recording (``kiosk pack build``); errors refuse the publish."""
    from kiosk.authoring.build import build_pack

    result = build_pack(folder, cache_dir=cache, default_language=default_language)
    if result.pack is None:
        raise PackNotReady("The pack has errors, so it was not published.", result.problems)
    if result.speech_failures:
        raise PackNotReady(
            "Speech could not be made for every step, so the pack was not published: "
            + "; ".join(result.speech_failures)
        )
    warnings = [problem for problem in result.problems if problem.severity is Severity.WARNING]
    return len(result.rendered) + len(result.reused), warnings


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[object, ...]] = set()
    kept = []
    for problem in problems:
        key = (problem.file, problem.step, problem.message)
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept


def _chunk_count(size: int, chunk_size: int) -> int:
    return (size + chunk_size - 1) // chunk_size


def _chunks(path: Path, chunk_size: int) -> Iterator[tuple[int, bytes]]:
    with open(path, "rb") as stream:
        number = 0
        while block := stream.read(chunk_size):
            yield number, block
            number += 1


def _workshop(conn: psycopg.Connection, url: str, asked: str | None) -> str:
    """The coach's own workshop, or the one the administrator named."""
    row = conn.execute("SELECT workshop, kind FROM hub.members WHERE role = current_user").fetchone()
    if row is not None:
        if row[1] != "coach":
            raise HubError(
                f"A kiosk's login cannot publish packs on the hub at {where(url)}.",
                "Publish with a coach's connection string (`kiosk hub add-coach`).",
            )
        if asked and " ".join(asked.split()) != row[0]:
            raise HubError(
                f"This coach belongs to the workshop {row[0]!r}, not {asked!r}.",
                "Leave out --workshop, or use a coach's login of that workshop.",
            )
        return str(row[0])
    if not asked:
        raise HubError(
            "The administrator's login must say which workshop gets the pack.",
            "Add --workshop NAME, or publish with a coach's connection string.",
        )
    workshop = " ".join(asked.split())
    if not conn.execute("SELECT 1 FROM hub.members WHERE workshop = %s", (workshop,)).fetchone():
        raise HubError(
            f"The hub has no kiosk or coach in the workshop {workshop!r}.",
            "Check the name (`kiosk hub packs` lists the workshops), or add a kiosk first.",
        )
    return workshop


def _member_name(conn: psycopg.Connection) -> str:
    row = conn.execute("SELECT name FROM hub.members WHERE role = current_user").fetchone()
    return str(row[0]) if row else "administrator"


def _store(
    conn: psycopg.Connection,
    zip_path: Path,
    workshop: str,
    pack_id: str,
    version: int,
    blob: tuple[str, int, int],
    about: tuple[str, int, str, str],
) -> tuple[bool, bool]:
    """Store the blob (sha256, size, chunk size) unless the hub has it, and the version row;
    (uploaded, republished)."""
    sha256, size, chunk_size = blob
    title, steps, author, note = about
    same_version = conn.execute(
        "SELECT sha256, withdrawn_at IS NOT NULL FROM hub.pack_versions WHERE workshop = %s AND pack_id = %s "
        "AND version = %s",
        (workshop, pack_id, version),
    ).fetchone()
    if same_version is not None and same_version[0] != sha256:
        raise HubError(
            f"Version {version} of {pack_id!r} is already on the hub with other content.",
            "Run `kiosk pack build` (it raises the version when the content changed) or raise `version:` in "
            "pack.yaml, then publish again.",
        )
    other = conn.execute(
        "SELECT version FROM hub.pack_versions WHERE workshop = %s AND pack_id = %s AND sha256 = %s",
        (workshop, pack_id, sha256),
    ).fetchone()
    if other is not None and other[0] != version:
        raise HubError(
            f"This content of {pack_id!r} is already on the hub as version {other[0]}.",
            f"Set `version: {other[0]}` in pack.yaml to publish it again, or change the pack.",
        )
    newest = conn.execute(
        "SELECT max(version) FROM hub.pack_versions WHERE workshop = %s AND pack_id = %s AND withdrawn_at IS NULL",
        (workshop, pack_id),
    ).fetchone()
    if newest is not None and newest[0] is not None and newest[0] > version:
        raise HubError(
            f"Version {newest[0]} of {pack_id!r} is on the hub already; version {version} would never reach a kiosk "
            "that follows the latest.",
            f"Raise `version:` in pack.yaml above {newest[0]}, or withdraw version {newest[0]} first "
            "(`kiosk hub packs withdraw`).",
        )
    uploaded = False
    have = conn.execute(
        "SELECT size FROM hub.pack_blobs WHERE workshop = %s AND sha256 = %s", (workshop, sha256)
    ).fetchone()
    if have is None:
        conn.execute(
            "INSERT INTO hub.pack_blobs (workshop, sha256, size, chunk_size, chunks) VALUES (%s, %s, %s, %s, %s)",
            (workshop, sha256, size, chunk_size, _chunk_count(size, chunk_size)),
        )
        with conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO hub.pack_chunks (workshop, sha256, n, data) VALUES (%s, %s, %s, %s)",
                ((workshop, sha256, number, block) for number, block in _chunks(zip_path, chunk_size)),
            )
        uploaded = True
    if same_version is not None:
        if same_version[1]:
            conn.execute(
                "UPDATE hub.pack_versions SET withdrawn_at = NULL, withdrawn_by = NULL "
                "WHERE workshop = %s AND pack_id = %s AND version = %s",
                (workshop, pack_id, version),
            )
        return uploaded, bool(same_version[1])
    conn.execute(
        "INSERT INTO hub.pack_versions (workshop, pack_id, version, sha256, title, steps, author, note) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        (workshop, pack_id, version, sha256, title, steps, author, note),
    )
    return uploaded, False
