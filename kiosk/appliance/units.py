"""The files ``kiosk appliance install`` writes: two systemd user units and an autostart entry.

Pure functions of ``Settings`` (no file system, no systemd), so the tests read exactly what is
installed. The numbers, and why:

- ``RestartSec=2``: a killed kiosk is back in about 2 s plus its start-up (about 1.5 s on a
  Raspberry Pi 4), inside the 5 s a worker waits before calling for help.
- ``StartLimitBurst=5`` in ``StartLimitIntervalSec=120``: five starts in two minutes means the
  kiosk dies right after starting (a broken update, a full disk, no screen); restarting it
  further only makes the screen flicker. systemd then gives up, marks the unit failed and starts
  ``OnFailure=`` (the notice). A kiosk that crashes now and then (once an hour) always comes back.
- ``TimeoutStopSec=15``: the kiosk leaves within 5 s of SIGTERM (``kiosk.ui.cli``); systemd's
  SIGKILL after 15 s is only for a kiosk that hangs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

SERVICE_UNIT = "step-kiosk.service"
NOTICE_UNIT = "step-kiosk-stopped.service"
AUTOSTART_NAME = "step-kiosk.desktop"

RESTART_SEC = 2
START_LIMIT_INTERVAL_SEC = 120
START_LIMIT_BURST = 5
TIMEOUT_STOP_SEC = 15

DOCS = "https://github.com/step-kiosk/step-kiosk/blob/main/docs/install.md"


@dataclass(frozen=True)
class Settings:
    """What differs between kiosks: how to start ``kiosk`` and what to pass to ``kiosk run``."""

    command: tuple[str, ...]  # e.g. (sys.executable, "-m", "kiosk")
    data: Path | None = None  # --data; None: the user's data folder
    packs: tuple[Path, ...] = field(default=())  # --packs; empty: drop folder + samples

    def run_command(self) -> list[str]:
        args = [*self.command]
        if self.data is not None:
            args += ["--data", str(self.data)]
        args.append("run")
        for folder in self.packs:
            args += ["--packs", str(folder)]
        return args

    def appliance_command(self, action: str) -> list[str]:
        args = [*self.command]
        if self.data is not None:
            args += ["--data", str(self.data)]
        return [*args, "appliance", action]


def systemd_quote(arg: str) -> str:
    """One argument for ``ExecStart=``: quoted when needed, ``%`` and ``$`` escaped (systemd
    expands specifiers and environment variables in command lines)."""
    text = arg.replace("%", "%%").replace("$", "$$")
    if text and not any(c in text for c in " \t\"'\\;") and text.isprintable():
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def _exec(args: Sequence[str]) -> str:
    return " ".join(systemd_quote(a) for a in args)


def service_unit(settings: Settings) -> str:
    """``step-kiosk.service``: the kiosk, started with the graphical session, always restarted."""
    return f"""\
# Written by `kiosk appliance install`; `kiosk appliance remove` deletes it. See {DOCS}
[Unit]
Description=Step Kiosk (touchscreen step guide)
Documentation={DOCS}
After=graphical-session.target
PartOf=graphical-session.target
# Five starts within two minutes: the kiosk dies right after starting. Stop and tell the trainer.
StartLimitIntervalSec={START_LIMIT_INTERVAL_SEC}
StartLimitBurst={START_LIMIT_BURST}
OnFailure={NOTICE_UNIT}

[Service]
Type=exec
ExecStart={_exec(settings.run_command())}
Restart=always
RestartSec={RESTART_SEC}
TimeoutStopSec={TIMEOUT_STOP_SEC}
Environment=PYTHONUNBUFFERED=1

[Install]
WantedBy=graphical-session.target
"""


def notice_unit(settings: Settings) -> str:
    """``step-kiosk-stopped.service``: the plain message for the trainer after the start limit."""
    return f"""\
# Written by `kiosk appliance install`; started by {SERVICE_UNIT} when it stopped restarting.
[Unit]
Description=Step Kiosk stopped: message for the trainer
Documentation={DOCS}
After=graphical-session.target

[Service]
Type=exec
ExecStart={_exec(settings.appliance_command("notice"))}
"""


def autostart_entry(settings: Settings) -> str:
    """``~/.config/autostart/step-kiosk.desktop`` (XDG autostart): for sessions without
    ``graphical-session.target``, hand the display to systemd and start the service."""
    args = settings.appliance_command("session-start")
    exec_line = " ".join(_desktop_quote(a) for a in args)
    return f"""\
[Desktop Entry]
Type=Application
Name=Step Kiosk
Comment=Starts the Step Kiosk service (written by kiosk appliance install)
Exec={exec_line}
Terminal=false
NoDisplay=true
X-GNOME-Autostart-enabled=true
"""


def _desktop_quote(arg: str) -> str:
    """An argument of a desktop entry's ``Exec=`` (the XDG Desktop Entry quoting rules)."""
    if arg and not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`%"):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$")
    return f'"{escaped.replace("%", "%%")}"'


def parse_unit(text: str) -> dict[str, dict[str, list[str]]]:
    """{section: {key: [values]}} of a unit file (keys may repeat), for checks and tests."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        if current is None or "=" not in line:
            raise ValueError(f"not a unit file line: {raw!r}")
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections
