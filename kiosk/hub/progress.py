"""One worker's progress across every kiosk of the workshop, computed from the hub's rows.

The figures are the kiosk's own (``kiosk.journal.progress``): the same attempts, independence,
weekly trend, help per step and mastery, because the hub keeps exactly what that code reads from a
run (its furthest step and its help per step, written when the run ended) and the same code runs
over the hub's rows. Only the ids differ: a hub attempt is named by its first run's UUID and the
person by theirs. One worker's year is one range of the index ``runs_by_person_time``.
"""

from __future__ import annotations

import uuid as uuidlib
from datetime import date, datetime
from typing import Sequence

import psycopg

# The kiosk's own attempt logic, run over the hub's rows (same columns, UUIDs for ids).
from kiosk.journal.model import iso_utc, start_of, to_ms
from kiosk.journal.progress import MasteryRule, PackProgress, progress_from_runs

# The columns of kiosk.journal.progress.PERSON_RUNS_SQL. The support level is not read: the hub's
# person_runs does not give it to a kiosk, and both views must give the same figures.
_COLUMNS = (
    "uuid::text, pack_id, pack_version, started_at_ms, ended_at_ms, outcome, resumed_from::text, step_count, "
    "furthest_step, NULLIF(help_by_step::text, '[]'), NULL::integer"
)
_HUB_RUNS = (
    f"SELECT {_COLUMNS} FROM hub.runs WHERE person_uuid = %s AND started_at_ms >= %s "
    "ORDER BY started_at_ms, device_uuid, local_id"
)


_DEFAULT_RULE = MasteryRule()


def hub_person_progress(
    conn: psycopg.Connection,
    person_uuid: str,
    *,
    rule: MasteryRule = _DEFAULT_RULE,
    since: date | datetime | None = None,
) -> list[PackProgress]:
    """A person's progress on every pack version, from all kiosks' runs on the hub (the
    administrator sees every workshop; a coach only theirs, by row-level security)."""
    since_ms = to_ms(start_of(since)) if since is not None else -(2**62)
    person = _canonical(person_uuid)
    return progress_from_runs(conn.execute(_HUB_RUNS, (person, since_ms)).fetchall(), person, rule)


def workshop_person_progress(url: str, person_uuid: str, *, rule: MasteryRule = _DEFAULT_RULE) -> list[PackProgress]:
    """A person's progress over every kiosk's runs, asked by a kiosk (or a coach) of their
    workshop: for the kiosk's progress and family views, which count only the kiosk's own runs
    without the hub. ``hub.person_runs`` gives a kiosk the run summaries, never the step events.
    Blocking (the network): call it off the UI thread; ``HubError`` when the hub cannot be asked."""
    from kiosk.hub.errors import connect, hub_errors

    person = _canonical(person_uuid)
    with hub_errors(url), connect(url) as conn:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM hub.person_runs(%s)", (person,)).fetchall()
    return progress_from_runs(rows, person, rule)


def _canonical(person_uuid: str) -> str:
    """The UUID as PostgreSQL writes it (``uuid::text``), which names the person in the figures."""
    try:
        return str(uuidlib.UUID(str(person_uuid)))
    except ValueError:
        return str(person_uuid)  # PostgreSQL says what is wrong with it


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}%"


def format_progress(progress: Sequence[PackProgress]) -> str:
    """The figures as plain text (``kiosk hub progress``): the same for a kiosk's journal and for the
    hub when they hold the same runs, which the tests check. No ids, so both read alike."""
    if not progress:
        return "No runs yet.\n"
    lines: list[str] = []
    for pack in progress:
        mastered = f"mastered {iso_utc(pack.mastered_at)}" if pack.mastered_at else "not mastered yet"
        lines.append(
            f"{pack.pack_id} (version {pack.pack_version}): {pack.runs} attempts, {pack.finished} finished "
            f"({_percent(pack.completion_rate)}), median time {_duration(pack.median_duration_s)}, {mastered}"
        )
        for week in pack.weekly:
            lines.append(
                f"  week of {week.week_start.isoformat()}: {week.runs} attempts, {week.finished} finished, "
                f"independence {_percent(week.independence)}"
            )
        for need in pack.steps_needing_help:
            lines.append(
                f"  step {need.step_number}: help {_times(need.help_count)} in {need.runs_with_help} "
                f"of {pack.runs} attempts ({_percent(need.share)})"
            )
        for attempt in pack.runs_detail:
            lines.append(
                f"  {iso_utc(attempt.started_at)}  {attempt.outcome:<11} {_duration(attempt.duration_s):>6}  "
                f"{attempt.steps_independent}/{attempt.steps_total} steps on their own"
            )
    return "\n".join(lines) + "\n"
