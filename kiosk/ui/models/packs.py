"""The packs screen as data: one row per pack source, its state in a word and an icon, its problems.

Broken packs come first, then packs with warnings, then ready ones (by name), so what needs the
trainer is on top. A pack that came from the workshop hub starts with its fleet line ("Version 3
here, version 4 on the hub: updating.", kiosk/fleet/status.py), found from the pack's own folder, so
this needs no word from the app. Problem lines read "file, step N: message — hint"; the last line
says where the pack is. Kivy-free: the rows are built from the shelf's ``ScanResult`` and tested
without a window.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from kiosk.fleet.status import line_for_pack_source
from kiosk.i18n import base_language, translator

Translate = Callable[..., str]


@dataclass(frozen=True)
class PackRowView:
    title: str
    state_word: str  # translated: Ready / Warnings / Broken
    state_icon: str  # icon name: ready / warning / broken
    lines: tuple[str, ...]
    usable: bool
    report: Any
    pack: Any | None
    thumbnail: Path | None  # the pack's prepared tile picture (None for a broken pack)


@dataclass(frozen=True)
class PacksView:
    rows: tuple[PackRowView, ...]
    status: str


def report_state(report: Any) -> tuple[str, str]:
    """(English word, icon) for a report: Broken when unusable, Warnings when usable with problems."""
    if not report.ok:
        return "Broken", "broken"
    if report.problems:
        return "Warnings", "warning"
    return "Ready", "ready"


def problem_lines(report: Any, tr: Translate, gettext: Callable[[str], str] | None = None) -> tuple[str, ...]:
    """One line per problem (in the language of ``gettext``; English without), then where the
    pack is."""
    lines = []
    for problem in report.problems:
        step = tr("step {number}", number=problem.step) if problem.step is not None else None
        where = ", ".join(part for part in (problem.file, step) if part)
        message, hint = problem.in_words(gettext)
        lines.append(f"• {where + ': ' if where else ''}{message} — {hint}")
    lines.append(str(report.path))
    return tuple(lines)


def packs_view(
    result: Any | None, packs: Sequence[Any], find: Callable[[str], Any], language: str, tr: Translate
) -> PacksView:
    """Rows for the shelf's last scan (``result`` None: the first scan is still running)."""
    if result is None:
        return PacksView((), tr("Looking for packs…"))
    rows = []
    for report in sorted(result.reports, key=lambda r: (r.ok, not r.problems, str(r.pack).lower())):
        pack = None
        if report.ok:
            pack = next((p for p in packs if p.source == report.path), None) or find(report.pack)
        word, icon = report_state(report)
        lines = problem_lines(report, tr, None if base_language(language) == "en" else translator(language))
        fleet = line_for_pack_source(report.path, tr)
        rows.append(
            PackRowView(
                title=pack.title_for(language) if pack is not None else str(report.pack),
                state_word=tr(word),
                state_icon=icon,
                lines=(fleet, *lines) if fleet else lines,
                usable=pack is not None,
                report=report,
                pack=pack,
                thumbnail=pack.thumbnail() if pack is not None else None,
            )
        )
    from kiosk.authoring.photo_task import offers_photo_task

    usable = sum(1 for r in result.reports if r.ok)
    photos = sum(1 for r in result.reports if offers_photo_task(r))  # not broken: a task to make
    broken = len(result.reports) - usable - photos
    if not result.reports:
        status = tr("No packs found. Copy pack folders into the packs folder, then tap Reload packs.")
    elif photos:
        status = tr(
            "{usable} ready to use, {broken} broken. Photo folders to make into tasks: {photos}.",
            usable=usable,
            broken=broken,
            photos=photos,
        )
    else:
        status = tr("{usable} ready to use, {broken} broken.", usable=usable, broken=broken)
    return PacksView(tuple(rows), status)
