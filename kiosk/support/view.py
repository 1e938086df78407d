"""What the coach's support screen shows, as plain data (Kivy-free): for one worker and one pack,
every step's level with its reason, the lock, and the kiosk-wide fading switch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from kiosk.support.plan import CHANGES_KEY, coach_choices, decide_pack, fading_on


@dataclass(frozen=True)
class StepLevelRow:
    number: int
    picture: Any  # the prepared display picture (a path)
    level: str  # "full", "reduced", "grouped"
    reason: str


@dataclass(frozen=True)
class SupportView:
    person_name: str
    pack_title: str
    steps: tuple[StepLevelRow, ...]
    locked: bool
    fading: bool
    changes: tuple[str, ...]  # the newest level changes, one plain line each (newest first)


def support_view(
    journal: Any, person: Any, pack: Any, *, language: str, now_ms: int, changes_shown: int = 6
) -> SupportView:
    support = decide_pack(journal, person.id, pack, now_ms=now_ms)
    steps = tuple(
        StepLevelRow(index + 1, pack.display_image(step), decision.level.word, decision.reason)
        for index, (step, decision) in enumerate(zip(pack.steps, support.decisions))
    )
    kept = journal.get_setting(CHANGES_KEY.format(person_id=person.id), [])
    lines = [
        _change_line(change)
        for change in reversed(kept if isinstance(kept, list) else [])
        if isinstance(change, dict) and change.get("pack") in (None, pack.id)
    ]
    return SupportView(
        person.name,
        pack.title_for(language),
        steps,
        bool(coach_choices(journal, person.id).get("locked")),
        fading_on(journal),
        tuple(lines[:changes_shown]),
    )


def _change_line(change: dict[str, Any]) -> str:
    where = f"step {change['step']}: " if change.get("step") else ""
    return f"{where}{change.get('to', '')} ({change.get('reason', '')}, by the {change.get('by', 'rules')})"


def choices(items: Sequence[Any], current: Any) -> Any:
    """The item after ``current`` (cycling): the screen's worker and pack pickers."""
    if not items:
        return None
    if current not in items:
        return items[0]
    return items[(items.index(current) + 1) % len(items)]
