"""What a coach decides for the kiosks of a workshop: pin, hold back, unpin, withdraw; and the list
of what each kiosk runs beside what it should run (``kiosk hub packs``).

Every kiosk follows the latest published version unless a rule says otherwise. A pin names a
version for one kiosk, several (a group: name each), or every kiosk of the workshop; a hold is a pin
at the version the kiosk runs now (so it needs the kiosk to have reported one). A withdrawn version
reaches no kiosk any more: those that run it fall back to the highest version below it (or, pinned,
below their pin). The rules live on the hub (``hub.pack_rules``), so they hold for a kiosk that is
offline today the moment it is back. Kivy-free; ``kiosk/hub/cli.py`` is the thin command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg

from kiosk.hub.errors import HubError, connect, hub_errors

ALL_KIOSKS = "*"


@dataclass(frozen=True)
class KioskPack:
    """One row of ``kiosk hub packs``: a kiosk and a pack (``pack_id`` None: no pack on the hub)."""

    workshop: str
    kiosk: str
    role: str
    pack_id: str | None
    runs_version: int | None
    pending_version: int | None
    problem: str | None
    reported_at: datetime | None
    should_version: int | None
    reason: str | None  # latest | pinned | held | fallback
    rule_version: int | None

    def describe(self) -> str:
        """``wash-hands: runs 3, should run 4 (latest) - updating`` in one line."""
        if self.pack_id is None:
            return "no packs from the hub yet"
        runs = f"runs {self.runs_version}" if self.runs_version is not None else "runs nothing yet"
        if self.should_version is None:
            should = "should run none (every version withdrawn)"
        else:
            why = {
                "latest": "latest",
                "pinned": "pinned",
                "held": "held back",
                "fallback": f"pinned to {self.rule_version}, withdrawn",
            }.get(self.reason or "", self.reason or "")
            should = f"should run {self.should_version} ({why})"
        state = ""
        if self.should_version != self.runs_version:
            state = " - waiting for the task in it to end" if self.pending_version is not None else " - not there yet"
        if self.problem:
            state += f" - problem: {self.problem}"
        return f"{self.pack_id}: {runs}, {should}{state}"


@dataclass(frozen=True)
class PublishedVersion:
    pack_id: str
    version: int
    sha256: str
    title: str
    author: str
    note: str
    published_at: datetime
    withdrawn: bool


def fleet_overview(url: str) -> list[KioskPack]:
    """Per kiosk and pack: what it reported it runs and what it should run (a coach sees their
    workshop, the administrator every workshop)."""
    with hub_errors(url), connect(url) as conn:
        rows = conn.execute(
            "SELECT workshop, kiosk, member, pack_id, runs_version, pending_version, problem, reported_at, "
            "should_version, reason, rule_version FROM hub.fleet_packs()"
        ).fetchall()
    return [KioskPack(*row) for row in rows]


def published_versions(url: str, pack_id: str | None = None) -> list[PublishedVersion]:
    with hub_errors(url), connect(url) as conn:
        rows = conn.execute(
            "SELECT pack_id, version, sha256, title, author, note, published_at, withdrawn_at IS NOT NULL "
            "FROM hub.pack_versions WHERE %s::text IS NULL OR pack_id = %s ORDER BY pack_id, version",
            (pack_id, pack_id),
        ).fetchall()
    return [PublishedVersion(*row) for row in rows]


def pin(url: str, pack_id: str, version: int, kiosks: list[str], *, hold: bool = False) -> list[str]:
    """Pin the named kiosks (``["*"]``: every kiosk of the workshop) to ``version``; returns the
    kiosks' names."""
    with hub_errors(url), connect(url) as conn, conn.transaction():
        workshop = _coach_workshop(conn)
        _require_version(conn, workshop, pack_id, version, live=True)
        targets = _kiosks(conn, workshop, kiosks)
        for role, _name in targets:
            _set_rule(conn, workshop, pack_id, role, "hold" if hold else "pin", version)
    return [name for _role, name in targets]


def hold(url: str, pack_id: str, kiosks: list[str]) -> list[tuple[str, int]]:
    """Hold each named kiosk back at the version of ``pack_id`` it reported it runs now."""
    held = []
    with hub_errors(url), connect(url) as conn, conn.transaction():
        workshop = _coach_workshop(conn)
        for role, name in _kiosks(conn, workshop, kiosks):
            row = conn.execute(
                "SELECT version FROM hub.pack_reports WHERE workshop = %s AND member = %s AND pack_id = %s",
                (workshop, role, pack_id),
            ).fetchone()
            if row is None or row[0] is None:
                raise HubError(
                    f"{name} has not said yet which version of {pack_id!r} it runs, so it cannot be held back.",
                    f"Pin it to a version instead: kiosk hub packs pin {pack_id} VERSION --kiosk {name!r}.",
                )
            _set_rule(conn, workshop, pack_id, role, "hold", int(row[0]))
            held.append((name, int(row[0])))
    return held


def unpin(url: str, pack_id: str, kiosks: list[str]) -> int:
    """The named kiosks follow the latest again; returns how many rules were removed."""
    with hub_errors(url), connect(url) as conn, conn.transaction():
        workshop = _coach_workshop(conn)
        roles = [role for role, _name in _kiosks(conn, workshop, kiosks)]
        cursor = conn.execute(
            "DELETE FROM hub.pack_rules WHERE workshop = %s AND pack_id = %s AND member = ANY(%s)",
            (workshop, pack_id, roles),
        )
        return cursor.rowcount


def withdraw(url: str, pack_id: str, version: int) -> int | None:
    """Withdraw a version; returns the version kiosks that followed it fall back to (None: none)."""
    with hub_errors(url), connect(url) as conn, conn.transaction():
        workshop = _coach_workshop(conn)
        _require_version(conn, workshop, pack_id, version, live=True)
        conn.execute(
            "UPDATE hub.pack_versions SET withdrawn_at = now(), withdrawn_by = session_user "
            "WHERE workshop = %s AND pack_id = %s AND version = %s",
            (workshop, pack_id, version),
        )
        row = conn.execute(
            "SELECT max(version) FROM hub.pack_versions WHERE workshop = %s AND pack_id = %s "
            "AND withdrawn_at IS NULL AND version < %s",
            (workshop, pack_id, version),
        ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def _coach_workshop(conn: psycopg.Connection) -> str:
    row = conn.execute("SELECT workshop, kind FROM hub.members WHERE role = current_user").fetchone()
    if row is None:
        raise HubError(
            "Pins, holds and withdrawals are made with a coach's login of the workshop.",
            "Use the connection string from `kiosk hub add-coach NAME --workshop W`.",
        )
    if row[1] != "coach":
        raise HubError("A kiosk's login cannot change what the kiosks run.", "Use a coach's connection string.")
    return str(row[0])


def _require_version(conn: psycopg.Connection, workshop: str, pack_id: str, version: int, *, live: bool) -> None:
    row = conn.execute(
        "SELECT withdrawn_at IS NOT NULL FROM hub.pack_versions WHERE workshop = %s AND pack_id = %s AND version = %s",
        (workshop, pack_id, version),
    ).fetchone()
    if row is None:
        versions = conn.execute(
            "SELECT version, withdrawn_at IS NOT NULL FROM hub.pack_versions WHERE workshop = %s AND pack_id = %s "
            "ORDER BY version",
            (workshop, pack_id),
        ).fetchall()
        if not versions:
            raise HubError(
                f"There is no pack {pack_id!r} on the hub for this workshop.",
                "See `kiosk hub packs --versions`; publish it first with `kiosk pack publish`.",
            )
        listed = ", ".join(f"{number}{' (withdrawn)' if gone else ''}" for number, gone in versions)
        raise HubError(f"There is no version {version} of {pack_id!r} on the hub.", f"Published versions: {listed}.")
    if live and row[0]:
        raise HubError(
            f"Version {version} of {pack_id!r} was withdrawn.",
            "Choose a version that was not withdrawn (`kiosk hub packs --versions`), or publish it again.",
        )


def _kiosks(conn: psycopg.Connection, workshop: str, names: list[str]) -> list[tuple[str, str]]:
    """(role, name) for kiosk names of the workshop; ``*`` stands for every kiosk."""
    if not names:
        raise HubError("No kiosk was named.", "Name one or more with --kiosk NAME, or use --all-kiosks.")
    if ALL_KIOSKS in names:
        return [(ALL_KIOSKS, "every kiosk of the workshop")]
    known = {
        " ".join(str(name).casefold().split()): (str(role), str(name))
        for role, name, _w in conn.execute("SELECT role, name, workshop FROM hub.workshop_kiosks()")
    }
    found = []
    for name in names:
        key = " ".join(name.casefold().split())
        if key not in known:
            listed = ", ".join(name for _role, name in known.values()) or "none yet"
            raise HubError(f"There is no kiosk called {name!r} in {workshop}.", f"The workshop's kiosks: {listed}.")
        found.append(known[key])
    return found


def _set_rule(conn: psycopg.Connection, workshop: str, pack_id: str, member: str, kind: str, version: int) -> None:
    conn.execute(
        "INSERT INTO hub.pack_rules (workshop, pack_id, member, kind, version) VALUES (%s, %s, %s, %s, %s) "
        "ON CONFLICT (workshop, pack_id, member) DO UPDATE SET kind = excluded.kind, version = excluded.version, "
        "set_by = session_user, set_at = now()",
        (workshop, pack_id, member, kind, version),
    )
