"""The plan file a coach writes on a laptop (``plan.yaml``, docs/plan-format.md), both ways.

Reading goes through the pack loader's YAML reading (``kiosk.packs.manifest``): the same safe
loader, size limit, alias budget, text decoding and words for writing mistakes, so a plan file
is exactly as safe to open as a ``pack.yaml``. The values are then checked by ``PlanChecker`` with
the line each value was written on, so every problem says where to look.
"""

from __future__ import annotations

from typing import Any

import yaml

from kiosk.packs.manifest import SafeLoader, _ManifestReader
from kiosk.packs.model import Problem
from kiosk.packs.problems import ProblemList
from kiosk.plan.check import PlanChecker
from kiosk.plan.model import Plan, to_document

_UNREADABLE = object()


class _Lines:
    """Where each value of a YAML document was written: ``line((\"items\", 2, \"at\"))``."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.root = root

    def _find(self, path: tuple[Any, ...]) -> yaml.Node | None:
        node = self.root
        found: yaml.Node | None = node
        for part in path:
            if isinstance(node, yaml.MappingNode):
                match = None
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                        match = (key, value)
                        break
                if match is None:
                    return None
                found, node = match[0], match[1]
                if part == path[-1] and len(path) and isinstance(match[1], yaml.ScalarNode):
                    found = match[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = found = node.value[part]
            else:
                return None
        return found

    def line(self, path: tuple[Any, ...]) -> int | None:
        node = self._find(path)
        return node.start_mark.line + 1 if node is not None else None

    def raw(self, path: tuple[Any, ...]) -> str | None:
        node = self._find(path)
        return node.value if isinstance(node, yaml.ScalarNode) else None


def read_plan(data: bytes, file_name: str = "plan.yaml") -> tuple[Plan | None, list[Problem]]:
    """A checked plan from the bytes of a plan file, and every problem with it (None when it has
    errors). Never raises for what is in the file."""
    problems = ProblemList(file_name)
    reader = _ManifestReader(file_name, problems)
    document = reader.parse(data)
    if problems.has_errors:
        return None, problems.labelled(file_name)
    text = reader._decode(data) or ""  # noqa: SLF001 - the same decoding as the parse above
    loader = SafeLoader(text)
    try:
        lines = _Lines(loader.get_single_node())  # already parsed once within the alias budget
    finally:
        loader.dispose()
    plan = PlanChecker(file_name, problems, lines.line, lines.raw).check(document)
    return plan, problems.labelled(file_name)


def write_plan(plan: Plan, *, person: str | None = None) -> str:
    """The plan as a plan file: what ``read_plan`` reads back to the same plan."""
    document = to_document(plan)
    if person:
        document = {"format": document.pop("format"), "person": person, **document}
    header = "# Step Kiosk day plan (docs/plan-format.md). Times are the kiosk's local time.\n"
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)
    return header + body
