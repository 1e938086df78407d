"""The kiosk's side of the fleet: get the packs its channel names, verified, and switch between runs.

One poll (``FleetPuller.poll``) asks the hub one question, ``hub.my_packs()``: per pack, the version
and sha256 this kiosk should run (latest published, or what a coach pinned or held it at; a
withdrawn version is never named). It compares each sha256 with the one it runs, and only for a
difference does it download (resuming; kiosk/fleet/download.py), verify the sha256, unpack into a
new folder and load the pack there with the kiosk's own loader. A version that fails any of that is
refused and reported; the old one stays. An unchanged kiosk therefore costs one query per poll: no
download, no hashing, no write (the report to the hub is sent only when it changed).

Switching waits until no worker is in the pack (``in_use(pack_id)``): a worker finishes a task on
the version they started, and the journal records that version and its content hash with the run.
``switch_staged`` does the switches; the app calls it on its UI thread, where runs start, so a run
cannot start between the check and the switch. The previous version stays on disk until the new
one has been shown once without problems (``confirm_shown``, after the library's scan); a version
the kiosk's scan finds broken is rolled back to it.

Offline, a poll changes nothing and the kiosk keeps what it has. Kivy-free: the app runs the
puller's thread (``start``/``stop``/``poll_soon``), tests and the benchmark call ``poll`` directly.
"""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import psycopg

from kiosk.fleet.download import Blob, Damaged, Work, download
from kiosk.fleet.store import FleetState, FleetStore, FolderTaken, Installed, Problem, Version, Wanted
from kiosk.hub.errors import HubError, connect, explain
from kiosk.packs import load_pack
from kiosk.packs.problems import ProblemList
from kiosk.packs.safe_zip import ZipLimits, unpack
from kiosk.packs.storage import is_full, is_storage_problem

log = logging.getLogger(__name__)

POLL_S = 30.0  # the hub NOTIFYs a new version at once; the poll is the safety net
RETRY_REFUSED_S = 600.0  # a damaged or broken version is tried again after this long


@dataclass
class PollResult:
    """What one poll did."""

    reached: bool = False
    switched: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    staged: list[str] = field(default_factory=list)  # ready, waiting until the pack is free
    refused: list[str] = field(default_factory=list)
    leaving: list[str] = field(default_factory=list)  # the hub names them no more: off at the switch
    error: str = ""
    work: Work = field(default_factory=Work)


@dataclass(frozen=True)
class _Row:
    pack_id: str
    version: int
    sha256: str
    size: int
    chunk_size: int
    chunks: int
    title: str
    reason: str
    rule_version: int | None


class FleetPuller:
    """Keeps this kiosk's fleet packs as its channel on the hub says (module docstring)."""

    def __init__(
        self,
        hub_url: str,
        data_root: Path,
        packs_dir: Path,
        cache_dir: Path,
        *,
        in_use: Callable[[str], bool] = lambda _pack_id: False,
        switch_in_poll: bool = True,
        on_change: Callable[[PollResult], None] | None = None,
        default_language: str = "en",
        poll_s: float = POLL_S,
        retry_refused_s: float = RETRY_REFUSED_S,
        on_chunk: Callable[[int], None] | None = None,
    ) -> None:
        """``switch_in_poll=False``: a poll only stages new versions and calls ``on_change``; the
        caller then calls ``switch_staged`` on the thread where runs start (the app's UI thread)."""
        self.hub_url = hub_url
        self.store = FleetStore(data_root, packs_dir)
        self.cache_dir = Path(cache_dir)
        self.in_use = in_use
        self.switch_in_poll = switch_in_poll
        self.on_change = on_change
        self.default_language = default_language
        self.poll_s = poll_s
        self.retry_refused_s = retry_refused_s
        self.on_chunk = on_chunk
        self.state = self.store.load_state()
        self._saved = self.state.to_json()
        self._refused: dict[str, float] = {}  # sha256 -> when it was refused (monotonic)
        self._state_lock = threading.RLock()  # short: state and links (the UI thread takes it)
        self._poll_lock = threading.Lock()  # one poll at a time (long: downloads)
        self._conn: psycopg.Connection | None = None
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # -- one poll ---------------------------------------------------------------------------------

    def poll(self) -> PollResult:
        """Ask the hub, bring in what changed, switch what is free (see the module docstring)."""
        result = PollResult()
        with self._poll_lock:
            try:
                rows = self._channel(result.work)
            except HubError as error:
                self._offline(error, result)
                return self._finish(result)
            result.reached = True
            with self._state_lock:
                self.state.hub_reached, self.state.hub_error = True, ""
                self.state.wanted = {
                    row.pack_id: Wanted(row.version, row.sha256, row.reason, row.rule_version, row.title)
                    for row in rows
                }
            try:
                for row in rows:
                    self._follow(row, result)
            except HubError as error:  # the hub went away mid-download: the .part stays for next time
                self._offline(error, result)
            with self._state_lock:
                wanted = set(self.state.wanted)
                for pack_id in sorted(set(self.state.staged) - wanted):
                    self._drop_staged(pack_id)
                if result.reached:
                    result.leaving = sorted(set(self.state.installed) - wanted)
            if self.switch_in_poll:
                self.switch_staged(result)
            if result.reached:
                self._report(result)
        return self._finish(result)

    def _finish(self, result: PollResult) -> PollResult:
        self._save_if_changed()
        if self.on_change is not None and (
            result.switched or result.removed or result.staged or result.refused or result.leaving
        ):
            self.on_change(result)
        return result

    def _offline(self, error: HubError, result: PollResult) -> None:
        result.reached = False
        result.error = error.message
        self._close()
        with self._state_lock:
            self.state.hub_reached, self.state.hub_error = False, error.message

    def _channel(self, work: Work) -> list[_Row]:
        conn = self._connection()
        try:
            rows = conn.execute(
                "SELECT pack_id, version, sha256, size, chunk_size, chunks, title, reason, rule_version "
                "FROM hub.my_packs()"
            ).fetchall()
        except psycopg.Error as error:
            self._close()
            raise explain(error, self.hub_url) from None
        work.queries += 1
        return [_Row(*row) for row in rows]

    def _connection(self) -> psycopg.Connection:
        if self._conn is None or self._conn.closed:
            self._conn = connect(self.hub_url, autocommit=True)
        return self._conn

    def _close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except psycopg.Error:
                pass
            self._conn = None

    # -- per pack -----------------------------------------------------------------------------------

    def _follow(self, row: _Row, result: PollResult) -> None:
        with self._state_lock:
            installed = self.state.installed.get(row.pack_id)
            staged = self.state.staged.get(row.pack_id)
            if installed is not None and installed.current.sha256 == row.sha256:
                if staged is not None:
                    self._drop_staged(row.pack_id)  # a newer one was withdrawn before it was shown
                problem = self.state.problems.get(row.pack_id)
                if problem is not None and problem.version != row.version:
                    del self.state.problems[row.pack_id]
                if self.store.points_at(row.pack_id) != row.sha256:  # a link removed by hand
                    self.state.staged[row.pack_id] = installed.current
                    result.staged.append(row.pack_id)
                return
            if staged is not None and staged.sha256 == row.sha256:
                result.staged.append(row.pack_id)
                return
            if staged is not None:
                self._drop_staged(row.pack_id)
        refused_at = self._refused.get(row.sha256)
        if refused_at is not None and time.monotonic() - refused_at < self.retry_refused_s:
            return
        version = self._prepare(row, result)
        if version is not None:
            with self._state_lock:
                self.state.staged[row.pack_id] = version
                problem = self.state.problems.get(row.pack_id)
                if problem is not None and problem.kind != "folder_taken":
                    del self.state.problems[row.pack_id]
            result.staged.append(row.pack_id)

    def _prepare(self, row: _Row, result: PollResult) -> Version | None:
        """Download, verify, unpack and load one version; None (and a problem) when it cannot be."""
        folder = self.store.version_folder(row.sha256, row.pack_id)
        work = result.work
        if not folder.is_dir():  # the previous version may still be here (after a withdrawal)
            part = self.store.part_file(row.sha256)
            started = time.perf_counter()
            try:
                download(
                    self._connection(),
                    Blob(row.sha256, row.size, row.chunk_size, row.chunks),
                    part,
                    result.work,
                    on_chunk=self.on_chunk,
                )
            except Damaged as damaged:
                log.warning("Fleet pack %s version %s refused: %s", row.pack_id, row.version, damaged)
                self._refuse(row, "damaged", str(damaged), result)
                return None
            except psycopg.Error as error:
                self._close()
                raise explain(error, self.hub_url) from None
            except OSError as error:
                part.unlink(missing_ok=True)
                self._trouble(row, "storage" if is_full(error) else "io", str(error), result)
                return None
            finally:
                work.seconds_download += time.perf_counter() - started
            started = time.perf_counter()
            problem = self._unpack(part, row, result)
            part.unlink(missing_ok=True)  # verified and unpacked, or given up: space back either way
            work.seconds_unpack += time.perf_counter() - started
            if problem is not None:
                self.store.drop_version(row.sha256)
                self._trouble(row, problem[0], problem[1], result)
                return None
        started = time.perf_counter()
        pack, problems = load_pack(folder, self.cache_dir, self.default_language)
        work.seconds_check += time.perf_counter() - started
        if pack is None or pack.id != row.pack_id:
            errors = [p for p in problems if p.severity.value == "error"]
            if any(is_storage_problem(p) for p in errors):
                self.store.drop_version(row.sha256)
                self._trouble(row, "storage", errors[0].message, result)
                return None
            detail = errors[0].message if errors else f"its id is {pack.id if pack else '?'}, not {row.pack_id}"
            self.store.drop_version(row.sha256)
            self._refuse(row, "broken", detail, result)
            return None
        author, note = self._published_by(row, work)
        return Version(row.sha256, row.version, pack.content_hash, row.title, author, note)

    def _published_by(self, row: _Row, work: Work) -> tuple[str, str]:
        """Who published the version and their note, asked once per new version (an unchanged
        poll stays one query); the trainer sees them beside the version. Nothing when the hub
        cannot say: the version itself is verified and stays."""
        try:
            found = (
                self._connection()
                .execute(
                    "SELECT author, note FROM hub.pack_versions WHERE pack_id = %s AND version = %s AND sha256 = %s",
                    (row.pack_id, row.version, row.sha256),
                )
                .fetchone()
            )
        except psycopg.Error as error:
            log.info(
                "Fleet pack %s version %s: its author and note could not be read: %s", row.pack_id, row.version, error
            )
            self._close()
            return "", ""
        work.queries += 1
        return (str(found[0] or ""), str(found[1] or "")) if found else ("", "")

    def _unpack(self, part: Path, row: _Row, result: PollResult) -> tuple[str, str] | None:
        """Unpack the verified zip into ``versions/<sha256>/<pack id>``; (kind, detail) on failure."""
        scratch = self.store.versions / row.sha256 / ".unpack"
        problems = ProblemList(row.pack_id)
        try:
            shutil.rmtree(scratch, ignore_errors=True)
            files = unpack(part, scratch, ZipLimits(), problems)
            result.work.bytes_hashed += row.size  # kiosk.packs' unpacking names its folder by the hash
            if files is None:
                first = next(iter(problems.labelled(row.pack_id)), None)
                kind = "storage" if first is not None and is_storage_problem(first) else "broken"
                return kind, first.message if first is not None else "the zip could not be unpacked"
            os.rename(files, self.store.version_folder(row.sha256, row.pack_id))
        except OSError as error:
            return ("storage" if is_full(error) else "io"), str(error)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return None

    def _refuse(self, row: _Row, kind: str, detail: str, result: PollResult) -> None:
        """A version that must not reach a worker: not tried again for ``retry_refused_s``."""
        self._refused[row.sha256] = time.monotonic()
        self._trouble(row, kind, detail, result)

    def _trouble(self, row: _Row, kind: str, detail: str, result: PollResult) -> None:
        with self._state_lock:
            self.state.problems[row.pack_id] = Problem(kind, row.version, detail)
        result.refused.append(row.pack_id)

    def _drop_staged(self, pack_id: str) -> None:
        staged = self.state.staged.pop(pack_id)
        installed = self.state.installed.get(pack_id)
        keep = {installed.current.sha256} if installed else set()
        if installed is not None and installed.previous is not None:
            keep.add(installed.previous.sha256)
        if staged.sha256 not in keep:
            self.store.drop_version(staged.sha256)

    # -- switching (the app: on its UI thread) -------------------------------------------------------

    def switch_staged(self, result: PollResult | None = None) -> list[str]:
        """Switch every staged pack no worker is in, and take off the kiosk the packs the hub no
        longer names; returns the packs switched or removed (the shelf should scan again)."""
        result = result if result is not None else PollResult()
        changed: list[str] = []
        with self._state_lock:
            for pack_id in sorted(self.state.staged):
                if self.in_use(pack_id):
                    continue
                if self._switch(pack_id):
                    result.switched.append(pack_id)
                    changed.append(pack_id)
            if self.state.hub_reached:
                for pack_id in sorted(set(self.state.installed) - set(self.state.wanted)):
                    if not self.in_use(pack_id):
                        self._remove(pack_id)
                        result.removed.append(pack_id)
                        changed.append(pack_id)
        self._save_if_changed()
        return changed

    def _switch(self, pack_id: str) -> bool:
        staged = self.state.staged[pack_id]
        installed = self.state.installed.get(pack_id)
        try:
            self.store.switch(pack_id, staged.sha256)
        except FolderTaken:
            self.state.problems[pack_id] = Problem("folder_taken", staged.version)
            return False
        except OSError as error:
            self.state.problems[pack_id] = Problem("storage" if is_full(error) else "io", staged.version, str(error))
            return False
        del self.state.staged[pack_id]
        old = installed.current if installed is not None else None
        if installed is not None and installed.previous is not None and installed.previous.sha256 != staged.sha256:
            self.store.drop_version(installed.previous.sha256)
        if old is not None and old.sha256 == staged.sha256:
            old = None
        self.state.installed[pack_id] = Installed(staged, old, confirmed=False)
        return True

    def _remove(self, pack_id: str) -> None:
        installed = self.state.installed.pop(pack_id)
        self.store.remove(pack_id)
        self.store.drop_version(installed.current.sha256)
        if installed.previous is not None:
            self.store.drop_version(installed.previous.sha256)
        self.state.problems.pop(pack_id, None)

    def confirm_shown(self, scan: Any) -> list[str]:
        """After the library's scan (a ``ScanResult``): a new version shown without errors lets its
        previous one go; one the kiosk cannot use goes back to the previous version (returned, so
        the shelf scans again)."""
        rolled_back: list[str] = []
        with self._state_lock:
            for pack_id, installed in list(self.state.installed.items()):
                if installed.confirmed:
                    continue
                link = os.path.abspath(self.store.link(pack_id))
                report = next((r for r in scan.reports if os.path.abspath(r.path) == link), None)
                if report is None:
                    continue
                pack = next((p for p in scan.packs if os.path.abspath(p.source) == link), None)
                if report.ok and pack is not None and pack.content_hash == installed.current.content_hash:
                    installed.confirmed = True
                    if installed.previous is not None:
                        self.store.drop_version(installed.previous.sha256)
                        installed.previous = None
                elif not report.ok and installed.previous is not None and not self.in_use(pack_id):
                    bad = installed.current
                    first = report.problems[0].message if report.problems else ""
                    self.store.switch(pack_id, installed.previous.sha256)
                    self.store.drop_version(bad.sha256)
                    self._refused[bad.sha256] = time.monotonic()
                    self.state.installed[pack_id] = Installed(installed.previous, None, confirmed=True)
                    self.state.problems[pack_id] = Problem("rolled_back", bad.version, first)
                    rolled_back.append(pack_id)
        self._save_if_changed()
        return rolled_back

    # -- telling the hub ------------------------------------------------------------------------------

    def _report(self, result: PollResult) -> None:
        """What this kiosk runs, sent only when it changed since the hub last took it."""
        with self._state_lock:
            rows = []
            for pack_id in sorted(set(self.state.installed) | set(self.state.staged) | set(self.state.problems)):
                installed = self.state.installed.get(pack_id)
                staged = self.state.staged.get(pack_id)
                problem = self.state.problems.get(pack_id)
                rows.append(
                    {
                        "pack_id": pack_id,
                        "sha256": installed.current.sha256 if installed else None,
                        "version": installed.current.version if installed else None,
                        "pending_sha256": staged.sha256 if staged else None,
                        "pending_version": staged.version if staged else None,
                        "problem": describe_problem(problem) if problem else None,
                    }
                )
            report = json.dumps(rows, sort_keys=True)
            if report == self.state.reported:
                return
        try:
            self._connection().execute("SELECT hub.report_packs(%s::jsonb)", (report,))
        except (psycopg.Error, HubError) as error:
            self._close()
            log.info("The fleet report did not reach the hub: %s", error)
            return
        result.work.queries += 1
        with self._state_lock:
            self.state.reported = report

    def _save_if_changed(self) -> None:
        with self._state_lock:
            text = self.state.to_json()
            if text == self._saved:
                return
            try:
                self.store.save_state(self.state)
                self._saved = text
            except OSError as error:  # full storage: kept in memory, saved at a later poll
                log.warning("The fleet state could not be saved: %s", error)

    # -- the background thread ----------------------------------------------------------------------

    def start(self, listener: Any | None = None) -> None:
        """Poll every ``poll_s`` (with jitter) and at once when the hub says packs changed
        (``listener``: a ``kiosk.hub.listen.HubListener``)."""
        if listener is not None:
            listener.subscribe(lambda payload: self.poll_soon() if payload == "packs" else None)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name="kiosk-fleet", daemon=True)
        self._thread.start()

    def poll_soon(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> bool:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            stopped = not self._thread.is_alive()
            self._thread = None
            if stopped:
                self._close()
            return stopped
        self._close()
        return True

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                self.poll()
            except Exception:  # noqa: BLE001 - a bug here must never stop the kiosk
                log.exception("Fleet poll failed")
            self._wake.wait(self.poll_s * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not secrets
            self._wake.clear()

    def snapshot(self) -> FleetState:
        """A copy of the state for the trainer's screen."""
        with self._state_lock:
            return FleetState.from_json(self.state.to_json())


def describe_problem(problem: Problem) -> str:
    """A problem in English for the hub's coaches (the kiosk's own screen translates; status.py)."""
    from kiosk.fleet.status import problem_words

    return problem_words(problem, lambda message, **values: message.format(**values))
