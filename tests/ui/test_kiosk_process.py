"""The real `kiosk run` process: it starts on the sample packs, honours SIGTERM (systemctl stop,
shutdown) with exit status 0, and never falls back to a journal without the stored PIN."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.paths import SAMPLE_PACKS_DIR


def _start(tmp_path: Path, data: Path) -> tuple[subprocess.Popen, Path]:
    shots = tmp_path / "shots"
    env = dict(os.environ, KIVY_NO_CONSOLELOG="1", SDL_AUDIODRIVER="dummy")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "--data",
            str(data),
            "run",
            "--windowed",
            "--size",
            "800x600",
            "--packs",
            str(SAMPLE_PACKS_DIR),
            "--screenshots",
            str(shots),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        if shots.is_dir() and any(shots.glob("*.png")):
            return process, shots
        time.sleep(0.2)
    process.kill()
    out, err = process.communicate()
    pytest.fail(f"the kiosk showed no screen (exit {process.returncode}):\n{err[-3000:]}")


@pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (tests/conftest.py starts Xvfb)")
def test_sigterm_stops_the_kiosk_cleanly(tmp_path):
    process, shots = _start(tmp_path, tmp_path / "data")
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        out, err = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("SIGTERM was ignored")
    assert process.returncode == 0, err[-3000:]
    assert time.monotonic() - started < 10
    assert "Traceback" not in err
    assert (tmp_path / "data" / "journal.sqlite3").stat().st_size > 0


@pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (tests/conftest.py starts Xvfb)")
def test_an_empty_journal_is_kept_and_no_temporary_journal_is_made(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "journal.sqlite3").write_bytes(b"")
    before = set(Path(os.environ.get("TMPDIR", "/tmp")).glob("kiosk-journal-*"))
    process, _ = _start(tmp_path, data)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=15)
    kept = sorted(p.name for p in data.glob("journal.sqlite3.damaged-*"))
    assert len(kept) == 1 and (data / kept[0]).stat().st_size == 0
    assert set(Path(os.environ.get("TMPDIR", "/tmp")).glob("kiosk-journal-*")) == before
