"""Collecting a pack's problems while it is read.

The loader learns a pack's id only part-way through (from pack.yaml, or from the folder name), so
problems are collected first and labelled with the pack's final name at the end.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from kiosk.packs.model import Problem, Severity


class ProblemList:
    """Problems found so far in one pack, in the order they were found."""

    def __init__(self, pack_label: str) -> None:
        self.pack_label = pack_label
        self._problems: list[Problem] = []

    def error(self, message: str, hint: str, *, file: str | None = None, step: int | None = None) -> None:
        self._add(Severity.ERROR, message, hint, file, step)

    def warning(self, message: str, hint: str, *, file: str | None = None, step: int | None = None) -> None:
        self._add(Severity.WARNING, message, hint, file, step)

    def extend(self, problems: Iterable[Problem]) -> None:
        self._problems.extend(problems)

    def _add(self, severity: Severity, message: str, hint: str, file: str | None, step: int | None) -> None:
        self._problems.append(Problem(severity, self.pack_label, file, step, message, hint))

    @property
    def has_errors(self) -> bool:
        return any(problem.severity is Severity.ERROR for problem in self._problems)

    def error_count(self) -> int:
        return sum(problem.severity is Severity.ERROR for problem in self._problems)

    def labelled(self, pack_label: str) -> list[Problem]:
        """All problems, each naming the pack as ``pack_label``."""
        return [replace(problem, pack=pack_label) for problem in self._problems]
