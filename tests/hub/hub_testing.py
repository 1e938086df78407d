"""A private PostgreSQL server for the hub tests, and helpers (a module name no other test area
uses, so any hub test can import it).

Why a real server: the hub is PostgreSQL itself (roles, row-level security, ON CONFLICT), and a
fake would prove nothing about any of it. Debian's ``postgresql`` package (scripts/setup.sh)
provides the binaries; the server runs in a temporary folder on a free port of 127.0.0.1 and is
gone after the session. PostgreSQL refuses to run as root, and CI runs as root: then the server
runs as the ``postgres`` system user (``runuser``).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ADMIN = "kiosk"


def find_postgres_bin() -> Path | None:
    """The folder with initdb and pg_ctl: $KIOSK_PG_BIN, pg_config's, or Debian's newest."""
    candidates: list[Path] = []
    if os.environ.get("KIOSK_PG_BIN"):
        candidates.append(Path(os.environ["KIOSK_PG_BIN"]))
    if shutil.which("pg_config"):
        try:
            out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout
            candidates.append(Path(out.strip()))
        except (OSError, subprocess.CalledProcessError):
            pass
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        versions = sorted((p for p in debian.iterdir() if p.name.isdigit()), key=lambda p: int(p.name), reverse=True)
        candidates.extend(version / "bin" for version in versions)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PostgresServer:
    """One throw-away cluster. ``admin_url(db)`` connects as its superuser (with a password)."""

    bindir: Path
    folder: Path
    port: int
    password: str
    as_user: str | None  # "postgres" when the tests run as root

    @classmethod
    def start(cls, bindir: Path) -> "PostgresServer":
        as_user = "postgres" if os.geteuid() == 0 else None
        folder = Path(tempfile.mkdtemp(prefix="kiosk-hub-pg-"))
        password = secrets.token_urlsafe(16)
        (folder / "pw").write_text(password + "\n")
        if as_user:
            shutil.chown(folder, as_user)
            shutil.chown(folder / "pw", as_user)
        server = cls(bindir, folder, free_port(), password, as_user)
        server._run(
            "initdb",
            "-D",
            str(folder / "data"),
            "-U",
            ADMIN,
            "--pwfile",
            str(folder / "pw"),
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        server.run_ctl("start")
        return server

    def _run(self, program: str, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bindir / program), *args]
        if self.as_user:
            command = ["runuser", "-u", self.as_user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)

    def run_ctl(self, action: str) -> None:
        """``start`` or ``stop`` (fast) the server; ``kill`` stops it at once, like a power cut."""
        data = str(self.folder / "data")
        if action == "start":
            # fsync off: a test server's data need not survive an operating-system crash; the
            # server's own crash recovery (kill) works the same without it.
            options = (
                f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c full_page_writes=off -c max_connections=60"
            )
            self._run("pg_ctl", "-D", data, "-l", str(self.folder / "log"), "-w", "-t", "30", "start", "-o", options)
        elif action == "stop":
            self._run("pg_ctl", "-D", data, "-m", "fast", "-w", "stop")
        elif action == "kill":
            self._run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        else:
            raise ValueError(action)

    def admin_url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{ADMIN}:{self.password}@127.0.0.1:{self.port}/{dbname}?sslmode=disable"

    def new_database(self) -> str:
        """A fresh, empty database; returns the administrator's URL to it."""
        import psycopg

        name = f"hub_{secrets.token_hex(4)}"
        with psycopg.connect(self.admin_url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.admin_url(name)

    def stop(self) -> None:
        try:
            self.run_ctl("stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


def closed_port_url() -> str:
    """A hub address where nothing listens (the hub is down)."""
    return f"postgresql://nobody:x@127.0.0.1:{free_port()}/hub?sslmode=disable"


def wait_until(condition, timeout: float = 10.0, step: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()
