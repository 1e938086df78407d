"""A pack from the hub in one plain-words line for the trainer ("Version 3 here, version 4 on the
hub: updating.", "Held back at version 2 by a coach.", what went wrong and what to do).

Kivy-free and given a translate function (``tr(message, **values)``, as the UI's view models get
it), so the same words serve the trainer's packs screen in English, German and Chinese and, in
English, the report a kiosk sends to the hub for ``kiosk hub packs``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from kiosk.fleet.store import FleetState, Problem, Version, state_for_pack_source

Translate = Callable[..., str]

NOTE_CHARACTERS = 120  # a publish note is shown in one line's worth; the hub keeps all of it


def problem_words(problem: Problem, tr: Translate) -> str:
    """What went wrong with a version from the hub, and what happens or what to do."""
    version = problem.version
    if problem.kind == "damaged":
        return tr(
            "Version {version} arrived damaged (its checksum does not match) and was refused; the kiosk tries "
            "again later.",
            version=version,
        )
    if problem.kind == "storage":
        return tr(
            "Version {version} could not be unpacked: the kiosk's storage is full. Free some space; the kiosk "
            "tries again by itself.",
            version=version,
        )
    if problem.kind == "broken":
        return tr(
            "Version {version} does not load on this kiosk and was refused ({detail}). Tell the coach who "
            "published it.",
            version=version,
            detail=problem.detail,
        )
    if problem.kind == "folder_taken":
        return tr(
            "Version {version} cannot be put in place: a pack folder with the same name was copied onto this "
            "kiosk. Remove that folder to get the hub's version.",
            version=version,
        )
    if problem.kind == "rolled_back":
        return tr(
            "Version {version} could not be shown here, so the kiosk went back to the version before ({detail}).",
            version=version,
            detail=problem.detail,
        )
    return tr("Version {version} could not be saved on this kiosk ({detail}).", version=version, detail=problem.detail)


def pack_line(state: FleetState, pack_id: str, tr: Translate) -> str:
    """The line for one pack of the hub (see the module docstring)."""
    installed = state.installed.get(pack_id)
    here = installed.current.version if installed is not None else None
    wanted = state.wanted.get(pack_id)
    staged = state.staged.get(pack_id)
    problem = state.problems.get(pack_id)
    if here is None:
        line = tr("Version {hub} on the hub: downloading.", hub=wanted.version if wanted else "?")
    elif state.hub_reached is False:
        line = tr("Version {here} here; the hub cannot be reached, so it stays.", here=here)
    elif wanted is None:
        line = tr("Version {here} here; the hub no longer offers this pack: it goes after the current task.", here=here)
    elif staged is not None and staged.sha256 == wanted.sha256:
        line = tr(
            "Version {here} here, version {hub} on the hub: updating when no one is using it.",
            here=here,
            hub=wanted.version,
        )
    elif installed is not None and wanted.sha256 != installed.current.sha256:
        if problem is not None and problem.version == wanted.version:
            versions = tr("Version {here} here, version {hub} on the hub.", here=here, hub=wanted.version)
            return f"{versions} {problem_words(problem, tr)}"
        line = tr("Version {here} here, version {hub} on the hub: updating.", here=here, hub=wanted.version)
    elif wanted.reason == "held":
        line = tr("Held back at version {here} by a coach.", here=here)
    elif wanted.reason == "pinned":
        line = tr("Pinned to version {here} by a coach.", here=here)
    elif wanted.reason == "fallback":
        line = tr(
            "Version {here}: version {pinned}, which a coach chose, was withdrawn.",
            here=here,
            pinned=wanted.rule_version,
        )
    else:
        line = tr("Version {here}, the newest on the hub.", here=here)
    if (
        state.hub_reached is not False
        and installed is not None
        and wanted is not None
        and wanted.sha256 == installed.current.sha256
    ):
        line += published_words(installed.current, tr)  # the version here is the one to run: whose is it
    if problem is not None:
        line += " " + problem_words(problem, tr)
    return line


def published_words(version: Version, tr: Translate) -> str:
    """ " Published by Mei: “New washer size.”" for the version here (nothing when the hub did not say)."""
    note = " ".join(version.note.split())
    if len(note) > NOTE_CHARACTERS:
        note = note[: NOTE_CHARACTERS - 1].rstrip() + "…"
    if version.author and note:
        return " " + tr("Published by {author}: “{note}”", author=version.author, note=note)
    if version.author:
        return " " + tr("Published by {author}.", author=version.author)
    if note:
        return " " + tr("Note: “{note}”", note=note)
    return ""


def line_for_pack_source(source: Path, tr: Translate) -> str | None:
    """The line for the pack at ``source`` when it came from the hub; None for any other pack."""
    found = state_for_pack_source(Path(source))
    if found is None:
        return None
    state, pack_id = found
    return pack_line(state, pack_id, tr)
