"""The REAL app under Xvfb with the real hub: a pack a coach publishes appears on the running kiosk
without a restart; a new version published while a worker is on step 3 waits until the task ends,
then replaces the old one; the journal keeps which version the worker saw; trainer mode's packs
screen starts the pack's lines with its fleet line."""

from __future__ import annotations

import time
from typing import Any, Callable

from fleet_testing import WORKSHOP, make_pack, new_coach
from kiosk.fleet.publish import publish_pack
from kiosk.hub import add_member


def _until(ui: Any, condition: Callable[[], bool], timeout: float) -> float:
    """Pump frames in real time until ``condition``; the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        ui.pump(1)
        if condition():
            return time.monotonic() - started
        time.sleep(0.05)
    assert condition(), "not within the time allowed"
    return time.monotonic() - started


def _version(app: Any, pack_id: str) -> int | None:
    pack = app.shelf.find(pack_id)
    return pack.version if pack is not None else None


def test_a_published_pack_reaches_the_running_kiosk_and_updates_between_runs(hub_url, kiosk, ui, library, tmp_path):
    coach = new_coach(hub_url)
    station = add_member(hub_url, f"Station UI {time.monotonic_ns() % 100000}", WORKSHOP)
    source = tmp_path / "src" / "fix-lamp"
    make_pack(source, "fix-lamp", version=1, steps=4, seed=1)
    first = publish_pack(source, coach, author="Li", note="", build=False)

    data = tmp_path / "data"
    app = kiosk(packs=[library, data / "packs"], people=[("Anna", "en")], data=data)
    app.connect_hub(station.url)
    waited = _until(ui, lambda: _version(app, "fix-lamp") == 1, timeout=30)
    assert waited < 60  # "within a minute of being online"

    assert app.sm.current == "tasks"
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "fix-lamp"))
    step = ui.screen
    v1 = app.session.pack
    ui.tap(step.ids.next)
    ui.tap(step.ids.next)
    assert step.ids.position.text == "3 of 4"

    make_pack(source, "fix-lamp", version=2, steps=4, seed=2)
    publish_pack(source, coach, author="Li", note="Bigger photos of the lamp.", build=False)
    _until(ui, lambda: "fix-lamp" in app.fleet.snapshot().staged, timeout=30)  # NOTIFY, then the pull
    ui.pump(5)
    assert _version(app, "fix-lamp") == 1 and app.session.pack is v1  # she goes on with version 1

    ui.tap(step.ids.next)
    ui.tap(step.ids.next)
    assert app.sm.current == "finish"
    _until(ui, lambda: _version(app, "fix-lamp") == 2, timeout=30)
    run = app.journal.runs()[0]
    assert (run.pack_id, run.pack_version, run.content_hash, run.outcome) == (
        "fix-lamp",
        1,
        v1.content_hash,
        "finished",
    )
    assert app.shelf.find("fix-lamp").content_hash != v1.content_hash
    # shown once without problems: version 1's files go
    _until(ui, lambda: not (data / "fleet" / "versions" / first.sha256).exists(), timeout=10)

    from kiosk.ui.models.packs import packs_view

    view = packs_view(app.shelf.result, app.shelf.packs, app.shelf.find, "en", app.tr)
    row = next(row for row in view.rows if row.pack is not None and row.pack.id == "fix-lamp")
    assert row.lines[0] == "Version 2, the newest on the hub. Published by Li: “Bigger photos of the lamp.”"
