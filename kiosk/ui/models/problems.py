"""The trainer's Problems screen as data (Kivy-free): every problem, grouped, in the kiosk language.

Two sources, one list: the packs' problems from the shelf's last scan (``kiosk.packs`` reports:
pack, file, step, what is wrong, what to do) and the kiosk's own problems (``kiosk.ui.problems``:
sound, speech, journal, pictures). Packs that cannot be used come first, then packs with
warnings, then the kiosk's problems (newest first), so what stops a worker is on top. Each group
starts with a heading row; the screen draws the rows in a RecycleView, so a long list costs only
the rows in view. ``count`` is the number on the trainer home's badge.

Pack problems are put into words when shown (``Problem.in_words``), so a trainer who switches the
kiosk to German sees them in German at once, without a rescan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from kiosk.ui.problems import problem_words

Translate = Callable[..., str]
Gettext = Callable[[str], str]


@dataclass(frozen=True)
class ProblemRow:
    """One row of the list: a group's heading, or one problem."""

    kind: str  # "group" or "problem"
    title: str  # group: the pack (or "This kiosk"); problem: where (file, step) or the time
    what: str = ""  # what is wrong
    todo: str = ""  # what to do ("" for the kiosk's own problems: ``what`` says it)
    icon: str = ""  # broken / warning / ready
    severity: str = ""  # error / warning

    def as_data(self) -> dict[str, Any]:
        """The shape the screen's RecycleView takes."""
        return {
            "kind": self.kind,
            "title": self.title,
            "what": self.what,
            "todo": self.todo,
            "icon": self.icon,
            "severity": self.severity,
        }


@dataclass(frozen=True)
class ProblemsView:
    rows: tuple[ProblemRow, ...]
    count: int  # problems listed (pack problems and the kiosk's own)
    kiosk_count: int  # the kiosk's own problems: what Clear problems removes
    summary: str


def pack_problem_count(result: Any | None) -> int:
    """How many pack problems the last scan found (0 before the first scan ends)."""
    if result is None:
        return 0
    return sum(len(report.problems) for report in result.reports)


def problem_count(result: Any | None, stored: Sequence[Any]) -> int:
    """The number on the trainer home's badge: pack problems and the kiosk's own."""
    return pack_problem_count(result) + len(stored)


def _where(problem: Any, tr: Translate) -> str:
    step = tr("step {number}", number=problem.step) if problem.step is not None else None
    return ", ".join(part for part in (problem.file, step) if part)


def problems_view(
    result: Any | None,
    stored: Sequence[Any],
    packs: Sequence[Any],
    language: str,
    tr: Translate,
    gettext: Gettext | None,
) -> ProblemsView:
    """The rows for the pack scan ``result`` and the kiosk's ``stored`` problems (oldest first,
    as ``ProblemLog.stored`` gives them). ``gettext`` puts problems into the kiosk language
    (None: English)."""
    rows: list[ProblemRow] = []
    reports = [r for r in (result.reports if result is not None else ()) if r.problems]
    for report in sorted(reports, key=lambda r: (r.ok, str(r.pack).lower())):
        pack = next((p for p in packs if p.source == report.path), None) if report.ok else None
        name = pack.title_for(language) if pack is not None else str(report.pack)
        state = tr("Broken") if not report.ok else tr("Warnings")
        rows.append(ProblemRow("group", f"{name} — {state}", icon="broken" if not report.ok else "warning"))
        for problem in report.problems:
            what, todo = problem.in_words(gettext)
            error = problem.severity.value == "error"
            rows.append(
                ProblemRow(
                    "problem",
                    _where(problem, tr),
                    what,
                    todo,
                    icon="broken" if error else "warning",
                    severity="error" if error else "warning",
                )
            )
    if stored:
        rows.append(ProblemRow("group", tr("This kiosk"), icon="settings"))
        for item in reversed(list(stored)):
            what, detail = problem_words(item, gettext)
            at = str(item.get("at", ""))[:16].replace("T", " ")
            rows.append(ProblemRow("problem", at, what, detail, icon="warning", severity="warning"))
    pack_count = sum(len(r.problems) for r in reports)
    count = pack_count + len(stored)
    if count == 0:
        summary = tr("No problems.")
    else:
        summary = tr(
            "{packs} in packs, {kiosk} on this kiosk. Fix a pack and it leaves the list by itself.",
            packs=pack_count,
            kiosk=len(stored),
        )
    return ProblemsView(tuple(rows), count, len(stored), summary)
