"""Running the real ``kiosk`` command in a child process, as a trainer would, for the fault tests.

Why a child process: what is tested is what the person at the terminal sees (the exit code and
stderr, never a traceback), including the interpreter's own last words, which an in-process call
of ``main`` would hide.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

NOBODY = 65534


def kiosk(
    *args: str | os.PathLike[str],
    data: Path | str | None = None,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python -m kiosk [--data DATA] ARGS...``; the debug switch is off unless ``env`` sets it."""
    command = [sys.executable, "-m", "kiosk"]
    if data is not None:
        command += ["--data", str(data)]
    environment = {key: value for key, value in os.environ.items() if key != "KIOSK_DEBUG"}
    environment.update(env or {})
    return subprocess.run(
        [*command, *map(str, args)],
        capture_output=True,
        text=True,
        env=environment,
        input=stdin if stdin is not None else "",
        timeout=120,
        cwd=cwd,
    )


def assert_sentence(done: subprocess.CompletedProcess[str], code: int, *words: str) -> str:
    """The command failed with ``code`` and said why in words on stderr, without a traceback."""
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    for word in words:
        assert word in done.stderr, (word, done.stderr)
    return done.stderr


def as_unprivileged(action: Callable[[], int]) -> tuple[int, str, str]:
    """Run ``action`` (a call of ``kiosk.cli.main``) in a forked child that is not root, and return
    (exit code, stdout, stderr). Root reads and writes through file permissions, so a read-only
    folder is only read-only for another user; the interpreter lives in root's home and cannot be
    started again as that user, hence a fork rather than a new process.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = os.fork()
        if child == 0:
            code = 70
            try:
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                # pytest's capture replaced sys.stdout/err; print() must reach the files above
                sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
                sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
                if os.geteuid() == 0:
                    os.setgroups([])
                    os.setgid(NOBODY)
                    os.setuid(NOBODY)
                code = action()
            except BaseException as error:  # noqa: BLE001 - reported to the parent as text
                os.write(2, f"Traceback (in the test's child): {type(error).__name__}: {error}".encode())
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(code)
        _, status = os.waitpid(child, 0)
        out.seek(0)
        err.seek(0)
        return os.waitstatus_to_exitcode(status), out.read().decode(), err.read().decode()


def data_folder_with_one_run(folder: Path) -> Path:
    """A data folder whose journal has one person (id 1) with one finished run."""
    from kiosk.journal import Journal

    with Journal.open(folder / "journal.sqlite3") as journal:
        anna = journal.add_person("Anna")
        run = journal.start_run(anna.id, "wash-hands", 1, "hash-1", step_count=1)
        journal.record_step(run, 1, "shown")
        journal.finish_run(run)
    return folder
