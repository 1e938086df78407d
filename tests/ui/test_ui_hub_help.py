"""Help calls through the workshop hub in the REAL app under Xvfb, against a real PostgreSQL (the hub
tests' private server, tests/hub/hub_testing.py): a call from another kiosk appears as a strip at
the top that makes room (the worker's step and its buttons stay whole and work), with the person's
photo fetched through the hub; it goes when cleared on the other kiosk; this kiosk's own call
reaches the other kiosk and is cleared there when a coach answers it here. Screenshots in landscape
and portrait; the trainer's corner still opens trainer mode above the strip, which shows there too."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from kivy.core.window import Window

from ui_helpers import answer_help

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "hub"))
from hub_testing import PostgresServer, find_postgres_bin  # noqa: E402


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    bindir = find_postgres_bin()
    if bindir is None:
        pytest.skip("the PostgreSQL server programs are not installed; scripts/setup.sh installs them")
    server = PostgresServer.start(bindir)
    try:
        yield server
    finally:
        server.stop()


PIN = "2468"


def _until(ui: Any, condition: Callable[[], bool], timeout: float = 5.0) -> float:
    """Pump frames (real time passes) until ``condition``; returns the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        ui.pump(1)
        if condition():
            return time.monotonic() - started
        time.sleep(0.02)
    assert condition(), "not within the time allowed"
    return time.monotonic() - started


def _resize(ui: Any, size: tuple[int, int]) -> None:
    """Turn the tablet: the X server needs a moment (real time) for the new window size."""
    Window.size = size
    for _ in range(15):
        time.sleep(0.03)
        ui.pump(1)
    ui.settle()


def _covers(banner: Any, widget: Any) -> bool:
    """Does the strip overlap the widget on screen?"""
    wx, wy = widget.to_window(*widget.pos)
    return banner.y < wy + widget.height and wy < banner.top


def test_a_call_from_another_kiosk_shows_in_a_strip_and_goes_when_cleared(postgres, kiosk, ui, tmp_path):
    from PIL import Image

    from kiosk.hub import add_member, init_hub, sync_once
    from kiosk.hub.help_calls import HelpCallHub
    from kiosk.journal import Journal
    from kiosk.trainer import PinGuard

    hub = postgres.new_database()
    init_hub(hub)
    here, there = add_member(hub, "Station A", "W"), add_member(hub, "Station B", "W")
    # Ben works on the other kiosk, with a photo there; the hub brings it to this one
    with Journal.open(tmp_path / "b" / "journal.sqlite3") as other:
        (other.path.parent / "people").mkdir()
        Image.new("RGB", (96, 96), (60, 140, 200)).save(other.path.parent / "people" / "ben.jpg", "JPEG")
        ben = other.add_person("Ben", photo="people/ben.jpg")
        sync_once(other, there.url)

    app = kiosk(prepare=lambda journal: PinGuard(journal).set_pin(PIN))
    app.connect_hub(here.url)
    _until(ui, lambda: app.hub_listener.connected and app.journal.person_by_uuid(ben.uuid) is not None)
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "sort-screws"))
    step = ui.screen
    assert app.sm.current == "step" and app.remote_help is not None and not app.remote_help.active

    station_b = HelpCallHub(there.url, device_uuid="00000000-0000-4000-8000-0000000000b2", kiosk_name="Station B")
    station_b.start()
    try:
        call = station_b.raise_call(
            person_uuid=ben.uuid, person_name="Ben", pack_title="Wash hands", step_number=4, step_count=9
        )
        banner = app.remote_help
        _until(ui, lambda: banner.active, timeout=2.0)
        ui.pump(3)
        assert banner.headline == "Ben needs help at Station B."
        assert banner.detail.startswith("Wash hands  ·  Step 4 of 9  ·  Waiting 0 min")
        assert Path(banner.picture).name.startswith("hub-")  # Ben's photo, fetched through the hub
        # the strip makes room: nothing of the step is under it, and the worker goes on
        assert banner.height > 0 and app.sm.top <= banner.y + 1
        for widget in (step.ids.help, step.ids.next, step.ids.picture):
            assert not _covers(banner, widget)
        ui.shot("remote-call-landscape")
        _resize(ui, (800, 1280))
        assert app.sm.top <= banner.y + 1 and not _covers(banner, step.ids.next)
        ui.shot("remote-call-portrait")
        _resize(ui, (1280, 800))
        before = app.session.number
        ui.tap(step.ids.next)
        assert app.session.number == before + 1

        # this kiosk's own call reaches Station B, and answering it here clears it there
        ui.tap(step.ids.help)
        assert app.overlay is not None
        _until(ui, lambda: [c.kiosk_name for c in station_b.others()] == [app.journal.device.name], timeout=2.0)
        (mine,) = station_b.others()
        assert mine.step_number == before + 1 and mine.pack_title
        answer_help(ui, app)
        _until(ui, lambda: station_b.others() == [], timeout=2.0)

        # trainer mode: the corner still opens the door above the strip, and trainer screens show it too
        ui.hold(12, Window.height - 12, seconds=3.1)
        for digit in PIN:
            ui.press(digit, wait=False)
        ui.press(13, wait=False)
        _until(ui, lambda: app.sm.current == "trainer_home")
        assert banner.active and app.sm.top <= banner.y + 1
        ui.shot("remote-call-trainer-home")

        # cleared on Station B: the strip goes and the screens have the whole window again
        station_b.clear_call(call)
        _until(ui, lambda: not banner.active, timeout=2.0)
        ui.pump(3)
        assert banner.height == 0 and abs(app.sm.height - Window.height) < 1
        ui.shot("remote-call-cleared")
    finally:
        station_b.stop(timeout=5)
