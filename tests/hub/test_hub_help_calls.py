"""Help calls through the hub (issue 18), against the real PostgreSQL of conftest.py: a call raised
on kiosk A reaches kiosk B and a coach's `kiosk hub help-calls` within 2 s by NOTIFY; clearing it on
B clears it on A; another workshop never sees it; with the hub down, raising returns at once and the
call arrives when the hub is back; the listener reconnects after the hub restarted; the lamp hook
runs on call and clear."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
import socket
from typing import Any

import psycopg

from hub_testing import PostgresServer, wait_until
from kiosk.cli import main
from kiosk.hub import add_member
from kiosk.hub.help_calls import HelpCall, HelpCallHub, clear_call, command_hook, open_calls
from kiosk.hub.listen import HubListener

# Calls travel by push only (NOTIFY; there is no poll to fall back on), so arriving at all is what
# these tests check; the margin is for a loaded CI machine. How fast (issue 18: within 2 s) is
# measured by bench/hub.py: 5 ms median.
WITHIN_S = 10.0


def _kiosk(url: str, name: str, device: str, **kwargs: Any) -> HelpCallHub:
    listener = HubListener(url, min_backoff_s=0.1, max_backoff_s=0.5)
    kiosk = HelpCallHub(url, device_uuid=device, kiosk_name=name, listener=listener, retry_s=0.2, **kwargs)
    kiosk.start()
    listener.start()
    assert wait_until(lambda: listener.connected, timeout=10)
    return kiosk


def _stop(*kiosks: HelpCallHub) -> None:
    for kiosk in kiosks:
        kiosk.stop(timeout=5)
        kiosk.listener.stop(timeout=5)


class Lines:
    """The lines a process prints, with when each arrived."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.queue: queue.Queue[tuple[float, str]] = queue.Queue()
        threading.Thread(target=self._read, args=(process,), daemon=True).start()

    def _read(self, process: subprocess.Popen) -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            self.queue.put((time.monotonic(), line.rstrip("\n")))

    def next_with(self, text: str, timeout: float) -> tuple[float, str]:
        deadline = time.monotonic() + timeout
        while True:
            at, line = self.queue.get(timeout=max(0.01, deadline - time.monotonic()))
            if text in line:
                return at, line


def test_a_call_reaches_the_workshop_and_the_coach_within_2_s_and_clears_everywhere(hub_url, tmp_path):
    a_member, b_member = add_member(hub_url, "Station 1", "Ningbo"), add_member(hub_url, "Station 2", "Ningbo")
    coach = add_member(hub_url, "Li Wei", "Ningbo", kind="coach")
    stranger = add_member(hub_url, "Elsewhere", "Hangzhou")
    changes_b: list[tuple[float, list[HelpCall]]] = []
    hooked: list[tuple[str, str]] = []
    kiosk_a = _kiosk(a_member.url, "Station 1", "00000000-0000-4000-8000-00000000000a")
    kiosk_b = _kiosk(
        b_member.url,
        "Station 2",
        "00000000-0000-4000-8000-00000000000b",
        on_change=lambda calls: changes_b.append((time.monotonic(), calls)),
        hook=lambda event, call: hooked.append((event, call.person_name)),
    )
    kiosk_x = _kiosk(stranger.url, "Elsewhere", "00000000-0000-4000-8000-00000000000c")
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    cli = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "hub", "help-calls", "--db", coach.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        lines = Lines(cli)
        lines.next_with("No open help calls.", timeout=30)
        time.sleep(0.5)  # the CLI's listener is connected just after its first list
        raised = time.monotonic()
        call_id = kiosk_a.raise_call(
            person_uuid=None, person_name="Anna", pack_title="Wash hands", step_number=4, step_count=9
        )
        assert time.monotonic() - raised < 0.5  # handed to the outbox, nothing waited for
        assert wait_until(lambda: kiosk_b.others(), timeout=WITHIN_S)
        (call,) = kiosk_b.others()
        assert (call.uuid, call.person_name, call.kiosk_name, call.where()) == (
            call_id,
            "Anna",
            "Station 1",
            "Wash hands, step 4 of 9",
        )
        at, line = lines.next_with("CALL", timeout=WITHIN_S)
        assert at - raised < WITHIN_S
        assert "Anna at Station 1 - Wash hands, step 4 of 9 - waiting 0 s" in line and call_id[:8] in line
        assert kiosk_a.others() == [] and [c.uuid for c in kiosk_a.calls()] == [call_id]  # its own, not "others"

        # another workshop sees nothing and cannot clear it
        time.sleep(0.3)
        assert kiosk_x.calls() == []
        with psycopg.connect(stranger.url, autocommit=True) as conn:
            assert open_calls(conn) == []
            assert not clear_call(conn, call_id, "Elsewhere")

        # cleared on B (a coach answered it there): gone on A and on the laptop
        cleared = time.monotonic()
        kiosk_b.clear_call(call_id)
        assert kiosk_b.others() == []
        assert wait_until(lambda: kiosk_a.calls() == [], timeout=WITHIN_S)
        at, line = lines.next_with("CLEARED", timeout=WITHIN_S)
        assert at - cleared < WITHIN_S and "Anna at Station 1" in line
        assert hooked == [("call", "Anna"), ("clear", "Anna")]
        with psycopg.connect(hub_url) as conn:
            assert conn.execute("SELECT cleared_by FROM hub.help_calls").fetchall() == [("Station 2",)]
    finally:
        cli.terminate()
        cli.wait(timeout=10)
        _stop(kiosk_a, kiosk_b, kiosk_x)


def test_the_hub_down_blocks_nothing_and_the_call_arrives_when_it_is_back(postgres: PostgresServer, hub_url):
    a_member, b_member = add_member(hub_url, "Down A", "W"), add_member(hub_url, "Down B", "W")
    kiosk_a = _kiosk(a_member.url, "Down A", "00000000-0000-4000-8000-0000000000a1")
    kiosk_b = _kiosk(b_member.url, "Down B", "00000000-0000-4000-8000-0000000000b1")
    try:
        postgres.run_ctl("stop")
        assert wait_until(lambda: not kiosk_b.listener.connected, timeout=10)
        started = time.monotonic()
        waiting = kiosk_a.raise_call(person_uuid=None, person_name="Ben", pack_title="Tea", step_number=2)
        never = kiosk_a.raise_call(person_uuid=None, person_name="Carl")
        kiosk_a.clear_call(never)  # raised and answered while the hub was away: never sent at all
        assert time.monotonic() - started < 0.5
        assert wait_until(lambda: kiosk_a.last_error is not None, timeout=10)
        assert "cannot be reached" in kiosk_a.last_error
        time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))  # the call waits at least 1 s here
        postgres.run_ctl("start")
        # B's listener reconnects by itself and the call, kept in A's outbox, arrives
        assert wait_until(lambda: [c.uuid for c in kiosk_b.others()] == [waiting], timeout=15)
        assert kiosk_b.listener.connected
        # and NOTIFY works again after the restart
        second = kiosk_a.raise_call(person_uuid=None, person_name="Dora")
        assert wait_until(lambda: {c.uuid for c in kiosk_b.others()} == {waiting, second}, timeout=WITHIN_S)
        with psycopg.connect(hub_url) as conn:
            names = {row[0] for row in conn.execute("SELECT person_name FROM hub.help_calls")}
            (waited,) = conn.execute(
                "SELECT extract(epoch FROM now() - raised_at) FROM hub.help_calls WHERE uuid = %s", (waiting,)
            ).fetchone()
        assert names == {"Ben", "Dora"}
        assert float(waited) >= 1.0  # it keeps the time it waited in the outbox
    finally:
        _stop(kiosk_a, kiosk_b)


def test_a_kiosk_restarted_mid_call_clears_its_old_calls(hub_url):
    member = add_member(hub_url, "Restart", "W")
    device = "00000000-0000-4000-8000-0000000000d1"
    first = _kiosk(member.url, "Restart", device)
    old = first.raise_call(person_uuid=None, person_name="Eva")
    assert wait_until(lambda: [c.uuid for c in first.calls()] == [old])
    _stop(first)  # switched off mid-call
    again = _kiosk(member.url, "Restart", device)
    try:
        new = again.raise_call(person_uuid=None, person_name="Eva")
        assert wait_until(lambda: [c.uuid for c in again.calls()] == [new])
        with psycopg.connect(hub_url) as conn:
            assert conn.execute("SELECT cleared_by FROM hub.help_calls WHERE uuid = %s", (old,)).fetchone() == (
                "restart",
            )
    finally:
        _stop(again)


def test_help_calls_command_lists_and_clears_and_the_lamp_hook_runs(hub_url, tmp_path, capsys):
    member = add_member(hub_url, "Lamp", "W")
    coach = add_member(hub_url, "Lamp coach", "W", kind="coach")
    log = tmp_path / "lamp.log"
    hook = command_hook(f"sh -c 'echo \"$KIOSK_HELP_EVENT $KIOSK_HELP_PERSON $KIOSK_HELP_KIOSK\" >> {log}'")
    kiosk = _kiosk(member.url, "Lamp", "00000000-0000-4000-8000-0000000000e1", hook=hook)
    try:
        call_id = kiosk.raise_call(person_uuid=None, person_name="Fay", pack_title="Fold towels", step_number=1)
        assert wait_until(lambda: kiosk.calls() != [])
        assert main(["hub", "help-calls", "--once", "--db", coach.url]) == 0
        out = capsys.readouterr().out
        assert out.startswith("OPEN") and "Fay at Lamp - Fold towels, step 1 - waiting" in out
        assert main(["hub", "help-calls", "--clear", call_id[:8], "--db", coach.url]) == 0
        assert "Cleared the help call of Fay on Lamp" in capsys.readouterr().out
        assert wait_until(lambda: kiosk.calls() == [])
        with psycopg.connect(hub_url) as conn:
            assert conn.execute("SELECT cleared_by FROM hub.help_calls").fetchall() == [("Lamp coach",)]
        assert main(["hub", "help-calls", "--clear", call_id[:8], "--db", coach.url]) == 1
        assert "no open help call" in capsys.readouterr().err
        assert wait_until(lambda: log.exists() and len(log.read_text().splitlines()) == 2)
        assert log.read_text().splitlines() == ["call Fay Lamp", "clear Fay Lamp"]
        # the hub keeps a call (it names a person) 30 days
        with psycopg.connect(hub_url) as conn:
            conn.execute("UPDATE hub.help_calls SET raised_at = now() - interval '31 days'")
        kiosk.raise_call(person_uuid=None, person_name="Gus")
        assert wait_until(lambda: [c.person_name for c in kiosk.calls()] == ["Gus"])
        with psycopg.connect(hub_url) as conn:
            assert conn.execute("SELECT person_name FROM hub.help_calls").fetchall() == [("Gus",)]
    finally:
        _stop(kiosk)


def test_a_hub_that_never_answers_holds_nothing_up():
    """A hub address where the connection opens but nothing answers (a hung server, a dead
    network path): raising and clearing still return at once; the sender is the one who waits."""
    with socket.socket() as hole:
        hole.bind(("127.0.0.1", 0))
        hole.listen(16)  # the handshake completes, then silence
        url = f"postgresql://k:x@127.0.0.1:{hole.getsockname()[1]}/hub?sslmode=disable"
        kiosk = HelpCallHub(url, device_uuid="00000000-0000-4000-8000-0000000000f1", kiosk_name="Hung")
        kiosk.start()
        try:
            time.sleep(0.2)  # the sender and the listener are stuck connecting now
            started = time.monotonic()
            for _ in range(20):
                kiosk.clear_call(kiosk.raise_call(person_uuid=None, person_name="Ida"))
            assert time.monotonic() - started < 1.0  # 40 calls, none of them waited for the hub
            assert kiosk.calls() == [] and not kiosk.listener.connected
        finally:
            kiosk.stop(timeout=10)
