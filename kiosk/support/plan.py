"""Support levels for one worker and one pack, from the journal (Kivy-free).

Reads the worker's ended runs of this pack *with the same content* (a run of another version says
nothing about a changed step: it starts at full support again), turns their step events into
``StepOutcome`` histories and asks ``rules.decide_step``. The coach's choices live in the
journal's settings, per person, so they are exported and deleted with the person:

- ``support.<person id>``: ``{"locked": bool, "reset": {pack id: epoch ms}}`` (lock = always full
  support; reset = forget the history before that moment);
- ``support.fading`` (kiosk-wide, default on);
- ``support.<person id>.changes``: the last level changes with their reasons (by the rules or by
  the coach), for the trainer screen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Sequence

from kiosk.support.rules import (
    DEFAULT_RULES,
    Level,
    Rules,
    StepDecision,
    StepOutcome,
    StepScreen,
    decide_step,
    plan_screens,
)

FADING_KEY = "support.fading"
PERSON_KEY = "support.{person_id}"
CHANGES_KEY = "support.{person_id}.changes"
LEVELS_KEY = "support.{person_id}.levels"
HISTORY_RUNS = 60  # the rules look at streaks of a few runs and a median time: the last 60 runs are plenty
CHANGES_KEPT = 200


@dataclass(frozen=True)
class PackSupport:
    decisions: tuple[StepDecision, ...]  # one per step of the pack
    screens: tuple[StepScreen, ...]

    def level_of(self, index: int) -> Level:
        return self.decisions[index].level


def full_support(pack: Any) -> PackSupport:
    """Every step on its own screen with full support (no journal, a preview, fading off)."""
    decisions = tuple(StepDecision(Level.FULL, "full support") for _ in pack.steps)
    return PackSupport(decisions, tuple(plan_screens(decisions)))


def step_histories(journal: Any, person_id: int, pack: Any, since_ms: int = 0) -> list[list[StepOutcome]]:
    """Per step (index), its outcomes in the worker's last ended runs of this pack content.

    Runs of this kiosk give every outcome (from their step events). Runs on other kiosks of the
    workshop (copies from the hub, summaries without events) give only the help asked there: help
    at a step on any kiosk brings full support back here, but a step is faded only on what this
    kiosk saw step by step, since a summary has no Back, Hear again or step times (docs/support.md).
    """
    window = journal.db.read(
        "SELECT r.id, r.started_at_ms, r.help_by_step, "
        "(r.device_id IS NULL OR r.device_id = (SELECT id FROM devices WHERE this_device = 1)) FROM runs r "
        "WHERE r.person_id = ? AND r.pack_id = ? AND r.content_hash = ? AND r.outcome IS NOT NULL "
        "AND r.started_at_ms >= ? ORDER BY r.started_at_ms DESC LIMIT ?",
        (person_id, pack.id, pack.content_hash, since_ms, HISTORY_RUNS),
    )
    own = [run_id for run_id, _, _, here in window if here]
    rows: list[tuple[Any, ...]] = []
    if own:
        rows = journal.db.read(
            "SELECT r.id, r.started_at_ms, e.step_number, e.event, e.duration_ms FROM runs r "
            "JOIN step_events e ON e.run_id = r.id "
            f"WHERE r.id IN ({','.join('?' * len(own))}) "
            "AND e.event IN ('done', 'help', 'hear_again', 'back') "  # 'shown' (half the rows) tells nothing here
            "ORDER BY r.started_at_ms, r.id, e.id",
            own,
        )
    for run_id, started_ms, help_json, here in window:
        if not here:  # another kiosk's run: its help per step as 'help' events
            for number, _count in _help_steps(help_json):
                rows.append((run_id, started_ms, number, "help", None))
    rows.sort(key=lambda row: (row[1], row[0]))  # stable: a run's events keep their order
    count = len(pack.steps)
    histories: list[list[StepOutcome]] = [[] for _ in range(count)]
    run_id = None
    started = 0
    facts: list[list[Any]] = []  # per step of the current run: [done, help, back_to, hear_again, duration]

    def close_run() -> None:
        for index, (done, helped, back_to, hear, duration) in enumerate(facts):
            if done or helped:
                histories[index].append(StepOutcome(started, done, helped, back_to, hear, duration))

    for row_run, row_started, number, event, duration in rows:
        if row_run != run_id:
            if run_id is not None:
                close_run()
            run_id, started = row_run, row_started
            facts = [[False, False, False, False, None] for _ in range(count)]
        if not 1 <= number <= count:
            continue
        step = facts[number - 1]
        if event == "done":
            step[0], step[4] = True, duration
        elif event == "help":
            step[1] = True
        elif event == "hear_again":
            step[3] = True
        elif event == "back" and number >= 2:
            facts[number - 2][2] = True
    if run_id is not None:
        close_run()
    return histories


def _help_steps(help_json: str | None) -> list[tuple[int, int]]:
    """A run summary's help per step (``[[step, help events], ...]``); nothing when unreadable."""
    try:
        pairs = json.loads(help_json) if help_json else []
    except ValueError:
        return []
    return [(int(pair[0]), int(pair[1])) for pair in pairs if isinstance(pair, list) and len(pair) == 2]


def coach_choices(journal: Any, person_id: int) -> dict[str, Any]:
    value = journal.get_setting(PERSON_KEY.format(person_id=person_id), {})
    return value if isinstance(value, dict) else {}


def fading_on(journal: Any) -> bool:
    value = journal.get_setting(FADING_KEY, True)
    return value is not False


def standalone_steps(pack: Any) -> list[bool]:
    """Steps that always keep their own screen: a timer or a count asks for the worker's attention."""
    return [
        bool(getattr(step, "timer", None) or getattr(step, "count", None) or getattr(step, "video", None))
        for step in pack.steps
    ]


def decide_pack(journal: Any, person_id: int, pack: Any, *, now_ms: int, rules: Rules = DEFAULT_RULES) -> PackSupport:
    """The levels and screens for this worker's next run of ``pack`` (at pack open)."""
    choices = coach_choices(journal, person_id)
    resets = choices.get("reset") if isinstance(choices.get("reset"), dict) else {}
    since = int(resets.get(pack.id, 0) or 0)
    histories = step_histories(journal, person_id, pack, since)
    locked = bool(choices.get("locked"))
    fading = fading_on(journal)
    decisions = tuple(
        decide_step(history, now_ms=now_ms, rules=rules, locked=locked, fading=fading) for history in histories
    )
    return PackSupport(decisions, tuple(plan_screens(decisions, standalone=standalone_steps(pack))))


def record_changes(
    journal: Any, person_id: int, pack: Any, support: PackSupport, *, at_ms: int
) -> list[dict[str, Any]]:
    """Compare with the levels last used for this pack content and keep every change with its
    reason (newest last, bounded). Returns the new change entries."""
    levels_key = LEVELS_KEY.format(person_id=person_id)
    stored = journal.get_setting(levels_key, {})
    stored = stored if isinstance(stored, dict) else {}
    before = stored.get(pack.id) if isinstance(stored.get(pack.id), dict) else {}
    old = before.get("levels") if before.get("content_hash") == pack.content_hash else None
    now = [decision.level.word for decision in support.decisions]
    changes = []
    for index, decision in enumerate(support.decisions):
        previous = old[index] if isinstance(old, list) and index < len(old) else None
        if previous is not None and previous != now[index]:
            changes.append(
                {
                    "pack": pack.id,
                    "step": index + 1,
                    "from": previous,
                    "to": now[index],
                    "reason": decision.reason,
                    "by": "rules",
                    "at_ms": at_ms,
                }
            )
    if old != now:
        stored[pack.id] = {"content_hash": pack.content_hash, "levels": now}
        journal.set_setting(levels_key, stored)
    if changes:
        add_changes(journal, person_id, changes)
    return changes


def add_changes(journal: Any, person_id: int, changes: Sequence[dict[str, Any]]) -> None:
    key = CHANGES_KEY.format(person_id=person_id)
    kept = journal.get_setting(key, [])
    kept = list(kept) if isinstance(kept, list) else []
    kept.extend(changes)
    journal.set_setting(key, kept[-CHANGES_KEPT:])


def set_locked(journal: Any, person_id: int, locked: bool, *, at_ms: int) -> None:
    """The coach: always full support for this worker (or fading again)."""
    choices = coach_choices(journal, person_id)
    choices["locked"] = bool(locked)
    journal.set_setting(PERSON_KEY.format(person_id=person_id), choices)
    add_changes(
        journal,
        person_id,
        [
            {
                "pack": None,
                "step": None,
                "to": "full" if locked else "fading",
                "reason": "locked by the coach" if locked else "unlocked by the coach",
                "by": "coach",
                "at_ms": at_ms,
            }
        ],
    )


def reset_pack(journal: Any, person_id: int, pack_id: str, *, at_ms: int) -> None:
    """The coach: this worker starts this pack at full support again (earlier runs are not used)."""
    choices = coach_choices(journal, person_id)
    resets = choices.get("reset") if isinstance(choices.get("reset"), dict) else {}
    resets[pack_id] = at_ms
    choices["reset"] = resets
    journal.set_setting(PERSON_KEY.format(person_id=person_id), choices)
    add_changes(
        journal,
        person_id,
        [{"pack": pack_id, "step": None, "to": "full", "reason": "reset by the coach", "by": "coach", "at_ms": at_ms}],
    )
