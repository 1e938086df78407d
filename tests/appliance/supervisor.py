"""A small model of how systemd supervises ``step-kiosk.service``, for machines where systemd is
not PID 1 (CI containers). It reads Restart=, RestartSec=, StartLimitIntervalSec=,
StartLimitBurst= and OnFailure= from the rendered unit text and applies systemd's rules to a real
child process: restart after RestartSec; refuse a start when StartLimitBurst starts already
happened within StartLimitIntervalSec, mark the unit failed and run the OnFailure unit's ExecStart.
It checks that our values produce the behaviour we promise; it is not systemd itself.
"""

from __future__ import annotations

import shlex
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

from kiosk.appliance.units import parse_unit

Observer = Callable[[subprocess.Popen, int], None]


def split_exec(line: str) -> list[str]:
    """ExecStart= into arguments (systemd's quoting, then its %% and $$ escapes)."""
    return [arg.replace("%%", "%").replace("$$", "$") for arg in shlex.split(line, posix=True)]


@dataclass
class Result:
    starts: int = 0
    exits: list[float] = field(default_factory=list)  # monotonic times the process ended
    gave_up: bool = False
    on_failure_ran: bool = False


def run_unit(
    service_text: str,
    notice_text: str,
    *,
    max_starts: int | None = None,
    observer: Observer | None = None,
    stop_after_s: float = 60,
) -> Result:
    unit = parse_unit(service_text)
    service, section = unit["Service"], unit["Unit"]
    assert service["Restart"] == ["always"], "this model knows Restart=always only"
    restart_sec = float(service["RestartSec"][0])
    interval = float(section["StartLimitIntervalSec"][0])
    burst = int(section["StartLimitBurst"][0])
    command = split_exec(service["ExecStart"][0])
    result = Result()
    recent: deque[float] = deque()
    deadline = time.monotonic() + stop_after_s
    while time.monotonic() < deadline:
        now = time.monotonic()
        while recent and now - recent[0] > interval:
            recent.popleft()
        if len(recent) >= burst:  # start-limit-hit: the unit fails, OnFailure= starts
            result.gave_up = True
            notice = parse_unit(notice_text)["Service"]["ExecStart"][0]
            subprocess.run(split_exec(notice), timeout=30, check=False)
            result.on_failure_ran = True
            return result
        recent.append(now)
        process = subprocess.Popen(command)
        result.starts += 1
        if observer is not None:
            threading.Thread(target=observer, args=(process, result.starts), daemon=True).start()
        if max_starts is not None and result.starts >= max_starts:
            time.sleep(2.0)  # let it start before it is stopped
            process.terminate()
            process.wait(timeout=10)
            return result
        process.wait(timeout=max(1.0, deadline - time.monotonic()))
        result.exits.append(time.monotonic())
        time.sleep(restart_sec)  # Restart=always: any exit, clean or not, restarts
    raise AssertionError("the model ran out of time")
