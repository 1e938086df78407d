"""Collecting a pack's problems while it is read — a bounded number of them.

The loader learns a pack's id only part-way through (from pack.yaml, or from the folder name), so
problems are collected first and labelled with the pack's final name at the end.

A hostile or careless pack can produce a problem per file or per setting: a folder with 20,000
stray files, or a pack.yaml whose aliases repeat a thousand unknown settings a thousand times.
Listing them all helps nobody, and building, storing and drawing a million problems froze the
kiosk. So only the first few problems of each *kind* are kept (``MAX_PER_KIND``), and at most
``MAX_KEPT`` in all; the rest are only counted and reported as one problem per kind, in plain
words ("… and 19,990 more problems like this one"). Errors are counted even when not kept, so a
pack with a dropped error is still broken.

A problem's kind is the place in the code that reports it (one message template), unless the
caller names a kind: that needs no change to the many places that report problems, and problems
of one template are exactly the ones a trainer would call "the same kind".
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from typing import Hashable, Iterable

from kiosk.packs.model import Problem, Severity
from kiosk.packs.words import Gettext, Msg, as_msg

MAX_PER_KIND = 10  # a handful of examples shows the trainer the pattern
MAX_KEPT = 50  # problems listed one by one per pack (summaries come on top: one per kind)


@dataclass
class _Kind:
    """How many problems of one kind were seen, and the first one (for the summary's words)."""

    severity: Severity
    first: Problem
    seen: int = 0
    kept: int = 0


class ProblemList:
    """Problems found so far in one pack, in the order they were found (bounded; see the module)."""

    def __init__(self, pack_label: str, *, max_per_kind: int = MAX_PER_KIND, max_kept: int = MAX_KEPT) -> None:
        self.pack_label = pack_label
        self.max_per_kind = max_per_kind
        self.max_kept = max_kept
        self._problems: list[Problem] = []
        self._kinds: dict[Hashable, _Kind] = {}
        self._errors = 0

    def error(
        self,
        message: str | Msg,
        hint: str | Msg,
        *,
        file: str | None = None,
        step: int | None = None,
        kind: Hashable | None = None,
    ) -> None:
        """An error; ``message`` and ``hint`` as ``Msg`` templates, so they can be shown in the
        trainer's language (a plain string is looked up as it is)."""
        self._add(Severity.ERROR, message, hint, file, step, kind)

    def warning(
        self,
        message: str | Msg,
        hint: str | Msg,
        *,
        file: str | None = None,
        step: int | None = None,
        kind: Hashable | None = None,
    ) -> None:
        self._add(Severity.WARNING, message, hint, file, step, kind)

    def extend(self, problems: Iterable[Problem]) -> None:
        """Add problems found elsewhere (a zip's unpacking): each counts under its message's kind."""
        for problem in problems:
            self._keep(problem, ("extended", problem.severity, problem.message))

    def _add(
        self,
        severity: Severity,
        message: str | Msg,
        hint: str | Msg,
        file: str | None,
        step: int | None,
        kind: Hashable | None,
    ) -> None:
        if kind is None:
            caller = sys._getframe(2)  # the line that called error() or warning(): one template
            kind = (caller.f_code.co_filename, caller.f_lineno)
        text, advice = as_msg(message), as_msg(hint)
        problem = Problem(severity, self.pack_label, file, step, str(text), str(advice), text, advice)
        self._keep(problem, (severity, kind))

    def _keep(self, problem: Problem, kind: Hashable) -> None:
        if problem.severity is Severity.ERROR:
            self._errors += 1
        counted = self._kinds.get(kind)
        if counted is None:
            counted = self._kinds[kind] = _Kind(problem.severity, problem)
        counted.seen += 1
        if counted.kept < self.max_per_kind and len(self._problems) < self.max_kept:
            counted.kept += 1
            self._problems.append(problem)

    @property
    def has_errors(self) -> bool:
        return self._errors > 0

    def error_count(self) -> int:
        return self._errors

    @property
    def dropped(self) -> int:
        """How many problems were counted but not kept."""
        return sum(counted.seen - counted.kept for counted in self._kinds.values())

    def labelled(self, pack_label: str) -> list[Problem]:
        """The kept problems, then one summary per kind with problems not kept; each problem
        names the pack as ``pack_label``."""
        listed = [replace(problem, pack=pack_label) for problem in self._problems]
        for counted in self._kinds.values():
            more = counted.seen - counted.kept
            if more > 0:
                listed.append(_summary(pack_label, counted, more))
        return listed


def _summary(pack_label: str, counted: _Kind, more: int) -> Problem:
    example = counted.first
    shown = _Shortened(example.message_msg or as_msg(example.message))
    if more == 1:
        listed = Msg("… and 1 more problem of the same kind (listed above), like: {example}", example=shown)
        if not counted.kept:
            listed = Msg("… and 1 more problem of the same kind (not listed), like: {example}", example=shown)
    elif counted.kept:
        listed = Msg(
            "… and {more} more problems of the same kind (listed above), like: {example}",
            more=f"{more:,}",
            example=shown,
        )
    else:
        listed = Msg(
            "… and {more} more problems of the same kind (not listed), like: {example}", more=f"{more:,}", example=shown
        )
    advice = Msg(
        "They are not listed one by one. {hint} The same fix applies to all of them; check the pack again afterwards.",
        hint=example.hint_msg or as_msg(example.hint),
    )
    return Problem(counted.severity, pack_label, None, None, str(listed), str(advice), listed, advice)


class _Shortened(Msg):
    """The example in a summary: at most 160 characters in any language."""

    def __init__(self, inner: Msg) -> None:
        super().__init__("{text}", text=inner)

    def render(self, gettext: Gettext | None = None) -> str:
        text = super().render(gettext)
        return text if len(text) <= 160 else text[:157] + "…"
