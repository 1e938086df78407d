"""Plain words for everything that can go wrong between a kiosk (or a coach's laptop) and the hub.

The people who see these messages are trainers and coaches: "the hub at hub.example:5432/steps
cannot be reached right now" tells them what to check; a psycopg traceback does not. Passwords in
connection strings never appear in a message.
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

import psycopg
from psycopg.conninfo import conninfo_to_dict

# How long to wait for the hub before giving up: the sync retries later anyway, and a command on a
# coach's laptop should say "cannot be reached" rather than hang.
CONNECT_TIMEOUT_S = 5
# The network died mid-batch: notice within seconds instead of the operating system's 15 minutes.
_NETWORK_OPTIONS: dict[str, Any] = {
    "connect_timeout": CONNECT_TIMEOUT_S,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 20_000,
    "application_name": "step-kiosk",
}


class HubError(Exception):
    """Something about the hub, in plain words: ``message`` (what is wrong) and ``hint`` (what to do)."""

    def __init__(self, message: str, hint: str = "", *, reachable: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.reachable = reachable  # False: the hub could not be reached (retry later)

    def __str__(self) -> str:
        return self.message


def where(url: str) -> str:
    """``host:port/database`` of a connection string, without user or password, for messages."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "(a connection string that cannot be read)"
    host = parts.get("host") or parts.get("hostaddr") or "localhost"
    port = parts.get("port") or "5432"
    return f"{host}:{port}/{parts.get('dbname') or parts.get('user') or 'postgres'}"


def connect(url: str, *, autocommit: bool = False) -> psycopg.Connection:
    """A connection to the hub, or ``HubError`` in plain words (unreachable, refused, bad URL)."""
    try:
        conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        raise HubError(
            "The hub address cannot be read.",
            "Give it as postgresql://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=verify-full.",
        ) from None
    try:
        return psycopg.connect(url, autocommit=autocommit, **_NETWORK_OPTIONS)
    except psycopg.OperationalError as error:
        raise explain(error, url) from None


def explain(error: BaseException, url: str) -> HubError:
    """A psycopg error as a ``HubError`` with one sentence about the hub at ``url``."""
    place = where(url)
    text = " ".join(str(error).split()).lower()
    if isinstance(error, psycopg.errors.InsufficientPrivilege):
        return HubError(
            f"The hub at {place} did not allow this for this user.",
            "Use the hub administrator's connection string, or the kiosk's own for `kiosk hub sync`.",
        )
    if isinstance(error, psycopg.errors.InvalidSchemaName):
        return HubError(
            f"The database at {place} is not a Step Kiosk hub yet.",
            "Run `kiosk hub init --db URL` with the administrator's connection string first.",
        )
    if isinstance(
        error, psycopg.errors.UndefinedTable | psycopg.errors.UndefinedColumn | psycopg.errors.UndefinedFunction
    ):
        # a kiosk updated before its hub: the hub lacks a table, column or function of a later schema
        return HubError(
            f"The database at {place} is not a Step Kiosk hub yet, or its schema is older than this program's "
            f"({_first_line(error)}).",
            "Run `kiosk hub init --db URL` with the administrator's connection string: it brings the hub up to date.",
        )
    if isinstance(error, psycopg.errors.TransactionRollback):
        return HubError(
            f"The hub at {place} was busy with another kiosk's records ({_first_line(error)}).",
            "Nothing is lost: the kiosk sends them again at its next sync.",
            reachable=False,
        )
    if "password authentication failed" in text or "no password supplied" in text:
        return HubError(
            f"The hub at {place} refused the user name or password.",
            "Check the connection string; `kiosk hub add-kiosk` prints a new one.",
        )
    if "invalid response to ssl negotiation" in text:
        return HubError(
            f"What answers at {place} is not a PostgreSQL hub.",
            "Check the host and port in the connection string.",
            reachable=False,
        )
    if "certificate" in text or "ssl" in text:
        return HubError(
            f"A secure connection to the hub at {place} could not be made ({_first_line(error)}).",
            "Check the hub's certificate and the sslrootcert file (docs/hub.md, TLS).",
        )
    if "does not exist" in text and ("database" in text or "role" in text):
        return HubError(
            f"The hub at {place} does not know this database or user ({_first_line(error)}).",
            "Check the connection string.",
        )
    if isinstance(error, psycopg.OperationalError):
        return HubError(
            f"The hub at {place} cannot be reached right now ({_first_line(error)}).",
            "Check the network and that the hub is running; the kiosk keeps its records and sends them later.",
            reachable=False,
        )
    return HubError(f"The hub at {place} reported a problem: {_first_line(error)}.", "")


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    # libpq puts the reason last ("connection to server at ... failed: Connection refused").
    reason = lines[0] if lines else type(error).__name__
    if reason.startswith("connection") and "failed: " in reason:
        reason = reason.split("failed: ")[-1]  # "connection to server at ... failed: <why>"
    return reason.rstrip(".")


@contextlib.contextmanager
def hub_errors(url: str) -> Iterator[None]:
    """Turn any psycopg error raised inside into a ``HubError``."""
    try:
        yield
    except HubError:
        raise
    except psycopg.Error as error:
        raise explain(error, url) from None
