"""``kiosk appliance``: the installed unit files, checked three ways.

What is really exercised here (systemd is not PID 1 in CI, so no unit is actually started):
- ``systemd-analyze verify`` parses the rendered units with the real systemd and checks that
  ExecStart's program exists (skipped, with the reason, where systemd-analyze is missing);
- the values that make the promise (Restart=always, RestartSec small enough for "back within
  5 s", a start limit, OnFailure=) are read back from the rendered text;
- ``supervisor.run_unit`` replays those values on a fake crashing command: a killed process is
  back within 5 s, and a command that keeps dying stops after the start limit and runs the
  OnFailure unit's command. It is a model of systemd's rules written for this test, not systemd.
- install/remove/session-start with a recording ``systemctl``: the files land in the user's
  config folder and systemd is asked in the right order.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kiosk.appliance.install import Layout, install, remove, session_start
from kiosk.appliance.notice import message_for
from kiosk.appliance.units import (
    NOTICE_UNIT,
    SERVICE_UNIT,
    Settings,
    autostart_entry,
    notice_unit,
    parse_unit,
    service_unit,
    systemd_quote,
)
from tests.appliance.supervisor import run_unit, split_exec

pytestmark = pytest.mark.appliance

SETTINGS = Settings(command=(sys.executable, "-m", "kiosk"))


class Recorder:
    def __init__(self, fail: frozenset[str] = frozenset()) -> None:
        self.calls: list[list[str]] = []
        self.fail = fail

    def __call__(self, args):  # noqa: ANN001
        self.calls.append(list(args))
        return (1, "Failed to connect to bus") if args[0] in self.fail else (0, "")


def test_the_service_restarts_quickly_and_stops_after_a_burst():
    unit = parse_unit(service_unit(SETTINGS))
    service, section = unit["Service"], unit["Unit"]
    assert service["Restart"] == ["always"]
    assert int(service["RestartSec"][0]) <= 3  # + ~1.5 s start-up: back within 5 s
    assert int(section["StartLimitBurst"][0]) >= 3
    # the start limit must be reachable: burst starts, RestartSec apart, fit into the interval
    assert int(section["StartLimitBurst"][0]) * int(service["RestartSec"][0]) < int(section["StartLimitIntervalSec"][0])
    assert section["OnFailure"] == [NOTICE_UNIT]
    assert unit["Install"]["WantedBy"] == ["graphical-session.target"]
    assert split_exec(service["ExecStart"][0]) == [sys.executable, "-m", "kiosk", "run"]
    notice = parse_unit(notice_unit(SETTINGS))["Service"]
    assert split_exec(notice["ExecStart"][0]) == [sys.executable, "-m", "kiosk", "appliance", "notice"]


def test_data_and_packs_reach_the_kiosk_quoted(tmp_path):
    odd = tmp_path / "data 100% $HOME"
    settings = Settings(command=(sys.executable, "-m", "kiosk"), data=odd, packs=(tmp_path / "p q",))
    start = parse_unit(service_unit(settings))["Service"]["ExecStart"][0]
    assert split_exec(start) == [
        sys.executable,
        "-m",
        "kiosk",
        "--data",
        str(odd),
        "run",
        "--packs",
        str(tmp_path / "p q"),
    ]
    assert systemd_quote("plain") == "plain" and systemd_quote("a b") == '"a b"'
    assert "%%" in systemd_quote("100%") and "$$" in systemd_quote("$HOME")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verify_accepts_the_units(tmp_path):
    for name, text in ((SERVICE_UNIT, service_unit(SETTINGS)), (NOTICE_UNIT, notice_unit(SETTINGS))):
        (tmp_path / name).write_text(text)
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), SYSTEMD_LOG_LEVEL="notice")
    done = subprocess.run(
        ["systemd-analyze", "--user", "verify", str(tmp_path / SERVICE_UNIT), str(tmp_path / NOTICE_UNIT)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    ours = [line for line in (done.stdout + done.stderr).splitlines() if "step-kiosk" in line]
    assert done.returncode == 0 and not ours, done.stdout + done.stderr
    # and the check would see a mistake (verify only warns about a bad value: look at its words)
    (tmp_path / SERVICE_UNIT).write_text(service_unit(SETTINGS).replace("Restart=always", "Restart=sometimes"))
    bad = subprocess.run(
        ["systemd-analyze", "--user", "verify", str(tmp_path / SERVICE_UNIT)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert "sometimes" in bad.stdout + bad.stderr


def _fake(tmp_path: Path, body: str) -> Settings:
    script = tmp_path / "fake_kiosk.py"
    script.write_text(textwrap.dedent(body))
    return Settings(command=(sys.executable, str(script)))


def test_a_killed_kiosk_is_back_within_5_seconds(tmp_path):
    starts = tmp_path / "starts"
    settings = _fake(
        tmp_path,
        f"""
        import os, sys, time
        with open({str(starts)!r}, "a") as f:
            f.write(f"{{time.monotonic()}} {{os.getpid()}}\\n")
        time.sleep(60)
    """,
    )
    unit = service_unit(settings)

    def kill_the_first(process, run):  # noqa: ANN001 - the supervisor's observer
        if run == 1:
            time.sleep(0.5)
            process.kill()

    result = run_unit(unit, notice_unit(settings), max_starts=2, observer=kill_the_first, stop_after_s=20)
    lines = starts.read_text().split()
    assert result.starts == 2 and len(lines) == 4
    killed_at, back_at = result.exits[0], float(lines[2])
    assert back_at - killed_at < 5.0


def test_a_crash_loop_stops_at_the_start_limit_and_tells_the_trainer(tmp_path):
    notice_ran = tmp_path / "notice"
    settings = _fake(
        tmp_path,
        """
        import sys
        if sys.argv[-1] == "notice":
            open(sys.argv[0] + ".notice", "w").write("shown")
        sys.exit(70)
    """,
    )
    result = run_unit(service_unit(settings), notice_unit(settings), stop_after_s=60)
    burst = int(parse_unit(service_unit(settings))["Unit"]["StartLimitBurst"][0])
    assert result.starts == burst
    assert result.gave_up and result.on_failure_ran
    assert (tmp_path / "fake_kiosk.py.notice").read_text() == "shown"
    assert not notice_ran.exists()


def test_install_writes_the_files_and_enables_the_service(tmp_path):
    systemctl = Recorder()
    outcome = install(SETTINGS, Layout(tmp_path), systemctl, start=True)
    assert outcome.ok
    assert (tmp_path / "systemd/user/step-kiosk.service").read_text() == service_unit(SETTINGS)
    assert (tmp_path / "systemd/user/step-kiosk-stopped.service").is_file()
    assert "appliance session-start" in (tmp_path / "autostart/step-kiosk.desktop").read_text()
    assert systemctl.calls == [
        ["daemon-reload"],
        ["reset-failed", SERVICE_UNIT],
        ["enable", SERVICE_UNIT],
        ["restart", SERVICE_UNIT],
    ]
    done = remove(Layout(tmp_path), Recorder())
    assert done.ok and not list(tmp_path.rglob("step-kiosk*"))


def test_install_without_a_user_manager_says_what_to_do(tmp_path):
    outcome = install(SETTINGS, Layout(tmp_path), Recorder(fail=frozenset({"daemon-reload"})))
    assert not outcome.ok
    assert (tmp_path / "systemd/user/step-kiosk.service").is_file()
    assert any("next login" in line for line in outcome.lines)


def test_session_start_hands_the_display_to_systemd():
    systemctl = Recorder()
    assert session_start(systemctl, {"WAYLAND_DISPLAY": "wayland-1", "XDG_SESSION_TYPE": "wayland"}).ok
    assert systemctl.calls[0] == ["import-environment", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE"]
    assert systemctl.calls[-1] == ["start", SERVICE_UNIT]
    assert not session_start(Recorder(), {}).ok


def test_the_autostart_entry_quotes_odd_paths():
    entry = autostart_entry(Settings(command=("/opt/step kiosk/bin/python", "-m", "kiosk")))
    assert 'Exec="/opt/step kiosk/bin/python" -m kiosk appliance session-start' in entry


def test_the_notice_speaks_the_system_language():
    assert message_for({"LANG": "de_DE.UTF-8"})[1] == "Noch einmal versuchen"
    assert "已停止" in message_for({"LANGUAGE": "zh_CN:en"})[0]
    assert message_for({"LANG": "C.UTF-8"})[1] == "Try again"


def test_kiosk_appliance_install_print(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "appliance", "install", "--print"],
        capture_output=True,
        text=True,
        env=dict(os.environ, XDG_CONFIG_HOME=str(tmp_path)),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert f"# {tmp_path}/systemd/user/step-kiosk.service" in done.stdout and "Restart=always" in done.stdout
    assert not list(tmp_path.iterdir())  # --print writes nothing
