"""What the hub's administrator does: set the hub up, add kiosks and coaches, delete a person.

Each kiosk and coach logs in as a PostgreSQL role of its own, with a random password, so a lost
tablet is shut out by dropping one role (``DROP ROLE``) and every record says which kiosk sent it.
The rights come from ``hub.grant_member`` (schema.py); the workshop a role belongs to is a row in
``hub.members``, which row-level security reads on every query.
"""

from __future__ import annotations

import re
import secrets
import uuid as uuidlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

import psycopg

from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from kiosk.hub.errors import HubError, connect, hub_errors
from kiosk.hub.schema import SCHEMA_VERSION, Migration, hub_version, migrate

KINDS = ("kiosk", "coach")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,39}$")


@dataclass(frozen=True)
class InitResult:
    applied: tuple[Migration, ...]
    version: int


@dataclass(frozen=True)
class NewMember:
    role: str
    kind: str
    name: str
    workshop: str
    url: str  # the connection string to give to the kiosk or coach (holds the password)


def init_hub(url: str) -> InitResult:
    """Create the hub schema or bring it up to date; safe to run any number of times."""
    with hub_errors(url), connect(url, autocommit=True) as conn:
        applied = migrate(conn)
        return InitResult(tuple(applied), hub_version(conn))


def _require_hub(conn: object, url: str) -> None:
    version = hub_version(conn)  # type: ignore[arg-type]
    if version == 0:
        raise HubError(f"The database at {url} is not a Step Kiosk hub yet.", "Run `kiosk hub init --db URL` first.")
    if version < SCHEMA_VERSION:
        raise HubError(
            f"The hub is at schema version {version}; this program needs {SCHEMA_VERSION}.",
            "Run `kiosk hub init --db URL` to bring it up to date.",
        )


def role_name(kind: str, name: str) -> str:
    """The PostgreSQL role for a kiosk or coach name: lower case letters, digits and ``_``."""
    cleaned = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return f"{kind}_{cleaned}"[:63]


def add_member(url: str, name: str, workshop: str, *, kind: str = "kiosk", sslmode: str | None = None) -> NewMember:
    """Create a login role for a kiosk (insert its records, read its workshop's people) or a coach
    (read its workshop), with a random password, and return its connection string.

    ``sslmode`` for the printed string: by default the one in ``url``, else ``verify-full`` (a kiosk
    on a real network should check the hub's certificate; docs/hub.md).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    if not _NAME.match(name):
        raise HubError(
            f"{name!r} cannot be a {kind} name.",
            "Use up to 40 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit.",
        )
    workshop = " ".join(workshop.split())
    if not workshop:
        raise HubError("The workshop name cannot be empty.", "Give it with --workshop NAME.")
    role = role_name(kind, name)
    password = secrets.token_urlsafe(24)
    with hub_errors(url), connect(url) as conn:
        _require_hub(conn, url)
        with conn.transaction():
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                raise HubError(
                    f"There is already a {kind} called {name!r} (role {role}).",
                    "Choose another name, or remove the old one with DROP ROLE first.",
                )
            # CREATE ROLE takes no parameters: the password is quoted as a literal by psycopg.
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN NOINHERIT NOCREATEDB NOCREATEROLE PASSWORD {}").format(
                    sql.Identifier(role), sql.Literal(password)
                )
            )
            conn.execute(
                "INSERT INTO hub.members (role, kind, name, workshop) VALUES (%s, %s, %s, %s)",
                (role, kind, name, workshop),
            )
            conn.execute("SELECT hub.grant_member(%s, %s)", (role, kind))
    return NewMember(role, kind, name, workshop, member_url(url, role, password, sslmode))


def member_url(admin_url: str, role: str, password: str, sslmode: str | None = None) -> str:
    """The hub's address with the member's user and password (``postgresql://`` form)."""
    parts = conninfo_to_dict(admin_url)
    host = str(parts.get("host") or "localhost")
    port = str(parts.get("port") or "5432")
    dbname = str(parts.get("dbname") or "postgres")
    mode = sslmode or str(parts.get("sslmode") or "verify-full")
    query = [f"sslmode={quote(mode)}"]
    for key in ("sslrootcert", "sslcert", "sslkey"):
        if parts.get(key):
            query.append(f"{key}={quote(str(parts[key]), safe='/')}")
    if host.startswith("/"):  # a socket folder cannot go into the authority part
        query.append(f"host={quote(host, safe='/')}")
        host = ""
    netloc_host = f"[{host}]" if ":" in host else host
    return (
        f"postgresql://{quote(role, safe='')}:{quote(password, safe='')}@{netloc_host}:{port}/"
        f"{quote(dbname, safe='')}?{'&'.join(query)}"
    )


@dataclass(frozen=True)
class PersonGone:
    uuid: str
    workshop: str | None  # None: no such person on the hub (a tombstone is kept anyway)
    runs: int


def delete_person(url: str, person_uuid: str, workshop: str | None = None) -> PersonGone:
    """Delete a person on the hub (their runs and events go with them) and keep a tombstone, so
    every kiosk of the workshop deletes them at its next sync."""
    target = str(parse_uuid(person_uuid))
    with hub_errors(url), connect(url) as conn:
        _require_hub(conn, url)
        with conn.transaction():
            row = conn.execute("SELECT workshop FROM hub.people WHERE uuid = %s", (target,)).fetchone()
            found = row[0] if row else None
            in_workshop = found or workshop
            if in_workshop is None:
                rows = conn.execute("SELECT DISTINCT workshop FROM hub.members").fetchall()
                # unknown here: remember the deletion in every workshop, so no kiosk brings them in
                workshops = [r[0] for r in rows]
            else:
                workshops = [in_workshop]
            runs = 0
            for each in workshops:
                row = conn.execute("SELECT hub.delete_person(%s, %s)", (target, each)).fetchone()
                runs += int(row[0]) if row else 0
    return PersonGone(target, found, runs)


def parse_uuid(text: str) -> uuidlib.UUID:
    try:
        return uuidlib.UUID(str(text).strip())
    except ValueError:
        raise HubError(
            f"{text!r} is not a person's hub id.", "Hub ids look like 3f2b8c1e-...; see `kiosk hub people --db URL`."
        ) from None


@dataclass(frozen=True)
class HubPerson:
    uuid: str
    workshop: str
    name: str
    language: str
    archived: bool
    runs: int


def hub_people(url: str) -> list[HubPerson]:
    """The people on the hub (all for the administrator; a coach or kiosk sees its workshop's)."""
    with hub_errors(url), connect(url) as conn:
        rows = conn.execute(
            "SELECT p.uuid::text, p.workshop, p.name, p.language, p.archived, "
            "(SELECT count(*) FROM hub.runs r WHERE r.workshop = p.workshop AND r.person_uuid = p.uuid) "
            "FROM hub.people p ORDER BY p.workshop, lower(p.name), p.uuid"
        ).fetchall()
    return [HubPerson(*row) for row in rows]


@dataclass(frozen=True)
class Merged:
    keep_name: str
    other_name: str
    runs_moved: int


def merge_people(url: str, keep: str, other: str) -> Merged:
    """Merge ``other`` (the same worker added again, say on a kiosk that was offline) into ``keep``
    on the hub (``hub.merge_people``); every kiosk moves its own records at its next sync."""
    keep, other = str(parse_uuid(keep)), str(parse_uuid(other))
    if keep == other:
        raise HubError("A person cannot be merged with themselves.", "Give two different hub ids.")
    with hub_errors(url), connect(url) as conn:
        names: dict[str, str] = dict(
            conn.execute("SELECT uuid::text, name FROM hub.people WHERE uuid = ANY(%s::uuid[])", ([keep, other],))
        )
        for wanted in (keep, other):
            if wanted not in names:
                raise HubError(
                    f"There is no person {wanted} on the hub (or not in your workshop).", "See `kiosk hub people`."
                )
        try:
            with conn.transaction():
                row = conn.execute("SELECT hub.merge_people(%s, %s)", (keep, other)).fetchone()
        except psycopg.errors.InvalidParameterValue:
            raise HubError(
                "These two people are in different workshops and cannot be merged.", "See `kiosk hub people`."
            ) from None
    return Merged(names[keep], names[other], int(row[0]) if row else 0)


@dataclass(frozen=True)
class Change:
    """A losing version of a concurrent edit, or a merge, as the hub's change log keeps it."""

    kind: str  # person, setting, merge, plan
    subject: str  # the person's uuid or the setting's key
    stamp: int
    origin: str
    version: dict[str, Any]
    winner_stamp: int | None
    noted_at: datetime
    name: str | None  # the person's name on the hub now (None: gone, or a setting)

    def describe(self) -> str:
        when = _stamp_time(self.stamp)
        if self.kind == "merge":
            return (
                f"{self.noted_at:%Y-%m-%d %H:%M}  merged {self.version.get('name')!r} ({self.subject}) into "
                f"{self.name or self.version.get('merged_into')!r}; {self.version.get('runs_moved', 0)} runs moved; "
                f"was: {_version_text(self.version, skip=('merged_into', 'runs_moved'))}"
            )
        if self.kind == "plan":
            by = f" on {self.version['kiosk']}" if self.version.get("kiosk") else ""
            if self.version.get("merged_from"):
                by = f" of the person merged into them ({self.version['merged_from']})"
            return (
                f"{self.noted_at:%Y-%m-%d %H:%M}  {self.name!r} ({self.subject}): a day plan of {when}{by} lost to a "
                f"later one of {_stamp_time(self.winner_stamp)}; it was: {_plan_text(self.version.get('document'))}"
            )
        what = f"{self.name!r} ({self.subject})" if self.kind == "person" else f"setting {self.subject}"
        by = f" on {self.version['kiosk']}" if self.version.get("kiosk") else ""
        return (
            f"{self.noted_at:%Y-%m-%d %H:%M}  {what}: an edit of {when}{by} lost to a later one of "
            f"{_stamp_time(self.winner_stamp)}; it was: {_version_text(self.version, skip=('kiosk', 'kiosk_edit'))}"
        )


def _stamp_time(stamp: int | None) -> str:
    if not stamp:
        return "an unknown time"
    return datetime.fromtimestamp(stamp / 1000, tz=timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _plan_text(document: Any) -> str:
    """A plan in one line: its items' times and sentences (the whole document is on the hub)."""
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(items, list):
        return repr(document)
    parts = []
    for item in items:
        if not isinstance(item, dict):
            continue
        text = item.get("text")
        if isinstance(text, dict):
            text = text.get("en") or next(iter(text.values()), "")
        when = item.get("at") or ("after the previous one" if item.get("after") else "")
        parts.append(f"{when} {text or item.get('id') or item.get('pack') or ''}".strip())
    return f"{len(parts)} items: " + "; ".join(parts)


def _version_text(version: dict[str, Any], skip: tuple[str, ...] = ()) -> str:
    return ", ".join(f"{key}={value!r}" for key, value in version.items() if key not in skip)


def hub_changes(url: str, person_uuid: str | None = None) -> list[Change]:
    """The change log, oldest first (a coach sees their workshop's)."""
    with hub_errors(url), connect(url) as conn:
        rows = conn.execute(
            "SELECT c.kind, c.subject, c.stamp, c.origin, c.version, c.winner_stamp, c.noted_at, p.name "
            "FROM hub.changes c LEFT JOIN hub.people p ON c.kind <> 'setting' AND p.workshop = c.workshop "
            "AND p.uuid::text = CASE WHEN c.kind = 'merge' THEN c.version->>'merged_into' ELSE c.subject END "
            "WHERE %s::text IS NULL OR c.subject = %s::text OR c.version->>'merged_into' = %s::text "
            "ORDER BY c.noted_at, c.stamp",
            (person_uuid, person_uuid, person_uuid),
        ).fetchall()
    return [
        Change(
            kind=row[0],
            subject=row[1],
            stamp=int(row[2]),
            origin=row[3],
            version=dict(row[4] or {}),
            winner_stamp=row[5],
            noted_at=row[6],
            name=row[7],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class ClearedCall:
    uuid: str
    person_name: str
    kiosk_name: str


def clear_by_prefix(url: str, prefix: str, cleared_by: str | None = None) -> ClearedCall:
    """Clear the open help call whose id starts with ``prefix`` (what ``help-calls`` prints); it is
    recorded as cleared by ``cleared_by``, by default the coach's name."""
    text = prefix.strip().lower()
    if not re.fullmatch(r"[0-9a-f-]{4,36}", text):
        raise HubError(
            f"{prefix!r} is not a help call's id.", "Use the id in brackets that `kiosk hub help-calls` prints."
        )
    with hub_errors(url), connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT uuid::text, person_name, kiosk_name FROM hub.help_calls WHERE cleared_at IS NULL "
            "AND uuid::text LIKE %s",
            (text + "%",),
        ).fetchall()
        if not rows:
            raise HubError(
                f"There is no open help call {prefix}.", "It may have been cleared already; see `kiosk hub help-calls`."
            )
        if len(rows) > 1:
            raise HubError(f"More than one open call starts with {prefix}.", "Give more of its id.")
        from kiosk.hub.help_calls import clear_call

        row = conn.execute("SELECT name FROM hub.members WHERE role = current_user").fetchone()
        clear_call(conn, rows[0][0], cleared_by or (str(row[0]) if row else "administrator"))
    return ClearedCall(*rows[0])
