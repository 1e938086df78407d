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
from urllib.parse import quote

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
