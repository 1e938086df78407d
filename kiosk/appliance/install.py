"""Installing and removing the appliance files for the current user, and talking to systemd.

Why: ``kiosk appliance install`` must work the same on a tablet (a user session with systemd),
over ssh (a user manager that may or may not be reachable) and in CI (no systemd at all). So the
files are always written (atomically, through ``kiosk.atomic``), and ``systemctl --user`` is asked
afterwards; when it cannot be reached the command says what the trainer still has to do instead of
failing half-way. ``systemctl`` is a parameter so the tests can see every call.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from kiosk.appliance.units import (
    AUTOSTART_NAME,
    NOTICE_UNIT,
    SERVICE_UNIT,
    Settings,
    autostart_entry,
    notice_unit,
    service_unit,
)
from kiosk.atomic import write_text

#: Runs ``systemctl --user ARGS...``; returns (exit code, what it said).
Systemctl = Callable[[Sequence[str]], "tuple[int, str]"]

#: What the session hands to the kiosk service: where to draw (X11 or Wayland) and its cookie.
SESSION_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", "XDG_SESSION_TYPE")


def config_home() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")


@dataclass(frozen=True)
class Layout:
    """Where the files go (``~/.config/systemd/user``, ``~/.config/autostart``)."""

    config: Path

    @property
    def units(self) -> Path:
        return self.config / "systemd" / "user"

    @property
    def service(self) -> Path:
        return self.units / SERVICE_UNIT

    @property
    def notice(self) -> Path:
        return self.units / NOTICE_UNIT

    @property
    def autostart(self) -> Path:
        return self.config / "autostart" / AUTOSTART_NAME

    def files(self) -> tuple[Path, Path, Path]:
        return self.service, self.notice, self.autostart


def real_systemctl(args: Sequence[str]) -> tuple[int, str]:
    """``systemctl --user ARGS``; (127, reason) when systemctl is not there."""
    program = shutil.which("systemctl")
    if program is None:
        return 127, "systemctl was not found (this system does not use systemd)"
    try:
        done = subprocess.run([program, "--user", *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        return 1, str(error)
    return done.returncode, (done.stdout + done.stderr).strip()


@dataclass(frozen=True)
class Outcome:
    """What happened, in lines for the person at the terminal; ``ok`` False when systemd could
    not be told (the files are written all the same)."""

    ok: bool
    lines: tuple[str, ...]


def install(
    settings: Settings, layout: Layout, systemctl: Systemctl = real_systemctl, *, start: bool = False
) -> Outcome:
    """Write the units and the autostart entry, then enable (and optionally start) the service."""
    write_text(layout.service, service_unit(settings))
    write_text(layout.notice, notice_unit(settings))
    write_text(layout.autostart, autostart_entry(settings))
    lines = [f"Wrote {path}" for path in layout.files()]
    steps: list[list[str]] = [["daemon-reload"], ["reset-failed", SERVICE_UNIT], ["enable", SERVICE_UNIT]]
    if start:
        steps.append(["restart", SERVICE_UNIT])
    for step in steps:
        code, said = systemctl(step)
        if code != 0 and step[0] != "reset-failed":  # reset-failed fails for a unit never loaded
            lines.append(f"systemd could not be told (systemctl --user {' '.join(step)}): {said or code}.")
            lines.append(
                "The kiosk will start at the next login of this user; or log in on the tablet and run "
                "`kiosk appliance session-start`."
            )
            return Outcome(False, tuple(lines))
    lines.append("The kiosk now starts when this user logs in, and comes back by itself if it stops.")
    if start:
        lines.append("Started it now.")
    return Outcome(True, tuple(lines))


def remove(layout: Layout, systemctl: Systemctl = real_systemctl) -> Outcome:
    """Stop and disable the service, delete the files. Works when they are already gone."""
    lines: list[str] = []
    for step in (["disable", "--now", SERVICE_UNIT], ["stop", NOTICE_UNIT]):
        code, said = systemctl(step)
        if code != 0 and code != 127:
            lines.append(f"(systemctl --user {' '.join(step)}: {said or code})")
    for path in layout.files():
        if path.is_file() or path.is_symlink():
            path.unlink()
            lines.append(f"Removed {path}")
    systemctl(["daemon-reload"])
    systemctl(["reset-failed", SERVICE_UNIT])
    lines.append("The kiosk no longer starts at login.")
    return Outcome(True, tuple(lines))


def session_start(systemctl: Systemctl = real_systemctl, environ: dict[str, str] | None = None) -> Outcome:
    """From the desktop session's autostart: hand the display to systemd, start the service
    (after a start-limit stop as well: a new login is a new chance)."""
    environ = dict(os.environ) if environ is None else environ
    present = [name for name in SESSION_VARIABLES if environ.get(name)]
    if not any(name in present for name in ("DISPLAY", "WAYLAND_DISPLAY")):
        return Outcome(
            False,
            (
                "No screen in this session (neither DISPLAY nor WAYLAND_DISPLAY is set); "
                "run this from the tablet's desktop session.",
            ),
        )
    for step in (["import-environment", *present], ["reset-failed", SERVICE_UNIT], ["start", SERVICE_UNIT]):
        code, said = systemctl(step)
        if code != 0 and step[0] != "reset-failed":
            return Outcome(False, (f"systemctl --user {' '.join(step)} failed: {said or code}",))
    return Outcome(True, ("Started the kiosk service.",))
