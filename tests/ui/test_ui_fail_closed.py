"""The trainer door never opens for a stranger, and storage faults never crash the kiosk.

Each case runs the real app on a real journal that is empty, damaged, newer, full or read-only
(issue: "Fail closed, never crash").
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from kivy.base import EventLoop, ExceptionManager
from kivy.clock import Clock
from kivy.core.window import Window

from kiosk.journal import Journal
from kiosk.paths import DataDir
from kiosk.trainer import PinGuard
from storage_faults import remount_read_only, tiny_filesystem

PIN = "2468"


def hold_corner(ui) -> None:
    ui.hold(12, Window.height - 12, seconds=3.1)


def type_pin(ui, pin: str) -> None:
    for digit in pin:
        ui.press(digit, wait=False)
    ui.press(13, wait=False)


def texts(widget) -> str:
    found = []
    for child in widget.walk():
        text = getattr(child, "text", None)
        if isinstance(text, str) and text.strip():
            found.append(text)
    return "\n".join(found)


def assert_closed_and_stays_closed(app, ui, *words: str) -> None:
    hold_corner(ui)
    assert app.sm.current == "trainer_closed"
    shown = texts(ui.screen)
    assert "Trainer mode is closed right now." in shown
    assert "Choose a new trainer PIN" not in shown
    for word in words:
        assert word in shown, (word, shown)
    for digit in "12341234":  # typing goes nowhere
        ui.press(digit, wait=False)
    assert app.sm.current == "trainer_closed"
    ui.shot("door-closed")
    ui.tap(ui.screen.ids.back, wait=False)
    assert app.sm.current in ("people", "tasks")


def test_an_empty_journal_is_kept_aside_and_the_door_stays_closed(kiosk, ui, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "journal.sqlite3").write_bytes(b"")
    app = kiosk(data=data)
    kept = [p for p in data.iterdir() if p.name.startswith("journal.sqlite3.damaged-")]
    assert len(kept) == 1 and kept[0].stat().st_size == 0
    assert app.storage.mode == "ok" and app.storage.kept_as == kept[0]
    ui.shot("started")
    assert_closed_and_stays_closed(app, ui, kept[0].name, "kiosk trainer set-pin")
    ui.shot("closed")
    assert any("damaged" in p["message"] for p in app.problems.stored())
    # only the command on the device opens it again
    with Journal.open(data / "journal.sqlite3") as journal:
        PinGuard(journal).set_pin(PIN)
    app = kiosk(data=data)
    hold_corner(ui)
    assert app.sm.current == "trainer_pin"
    type_pin(ui, PIN)
    assert app.sm.current == "trainer_home"


def test_a_journal_from_a_newer_kiosk_runs_in_memory_with_the_door_closed(kiosk, ui, tmp_path):
    data = tmp_path / "data"
    with Journal.open(data / "journal.sqlite3") as journal:
        journal.add_person("Anna")
        PinGuard(journal).set_pin(PIN)
        journal.db.connection.execute("PRAGMA user_version = 999")
    before = (data / "journal.sqlite3").read_bytes()
    app = kiosk(data=data)
    assert app.storage.mode == "memory"
    ui.advance(1)
    assert app.overlay is not None  # one calm sentence for the worker
    assert "not saved" in texts(app.overlay)
    ui.shot("worker-told")
    app.close_overlay()
    assert_closed_and_stays_closed(app, ui, "newer")
    ui.shot("closed")
    assert (data / "journal.sqlite3").read_bytes() == before


def test_a_damaged_pin_setting_closes_the_door(kiosk, ui, tmp_path):
    data = tmp_path / "data"
    with Journal.open(data / "journal.sqlite3") as journal:
        journal.add_person("Anna")
        journal.db.write("INSERT INTO settings (key, value) VALUES ('trainer.pin', '{damaged')")
    app = kiosk(data=data)
    assert_closed_and_stays_closed(app, ui)


def _fill_journal(app) -> None:
    """SQLite's page limit: exactly the error of a full disk, on any machine."""
    pages = app.journal.db.read_one("PRAGMA page_count")[0]
    app.journal.db.connection.execute(f"PRAGMA max_page_count = {pages}")


def test_wrong_pins_on_a_full_disk_are_still_counted(kiosk, ui, tmp_path):
    data = tmp_path / "data"
    with Journal.open(data / "journal.sqlite3") as journal:
        journal.add_person("Anna")
        journal.add_person("Ben")
        PinGuard(journal).set_pin(PIN)
    app = kiosk(data=data)
    _fill_journal(app)
    hold_corner(ui)
    type_pin(ui, PIN)  # the right PIN opens, although its upgrade/lockout reset cannot be saved
    assert app.sm.current == "trainer_home"
    ui.tap(ui.screen.ids.worker_mode, wait=False)
    for _ in range(3):
        hold_corner(ui) if app.sm.current != "trainer_pin" else None
        assert app.sm.current == "trainer_pin"
        type_pin(ui, "1111")
    assert app.sm.current == "trainer_pin"
    assert ui.screen.wait_left > 0  # the lockout holds although nothing could be saved
    type_pin(ui, PIN)
    assert app.sm.current == "trainer_pin"  # not during the wait, not even the right PIN
    assert app.door.wait_seconds() >= 29


def test_a_read_only_card_keeps_people_and_the_stored_pin(kiosk, ui, tmp_path):
    with tiny_filesystem(tmp_path / "card", size="16m") as card:
        data = card / "data"
        with Journal.open(data / "journal.sqlite3") as journal:
            journal.add_person("Anna")
            journal.add_person("Ben")
            PinGuard(journal).set_pin(PIN)
        DataDir(data).ensure()
        remount_read_only(card)
        app = kiosk(data=data)
        assert app.storage.mode == "read_only"
        assert [p.name for p in app.people()] == ["Anna", "Ben"]
        ui.advance(1)
        assert "not saved" in texts(app.overlay)
        app.close_overlay()
        hold_corner(ui)
        assert app.sm.current == "trainer_pin"
        type_pin(ui, "0000")
        assert app.sm.current == "trainer_pin"
        type_pin(ui, PIN)
        assert app.sm.current == "trainer_home"
        app.dispatch("on_stop")


def _pump_like_the_main_loop(frames: int = 3) -> None:
    """What Kivy's main loop does with an error: hand it to the ExceptionManager."""
    for _ in range(frames):
        try:
            EventLoop.idle()
        except BaseException as error:  # noqa: BLE001
            if ExceptionManager.handle_exception(error) == ExceptionManager.RAISE:
                raise


def test_an_unexpected_error_returns_to_a_safe_screen(kiosk, ui):
    app = kiosk(people=[("Anna", "en"), ("Ben", "en")])
    ui.tap(ui.screen.tiles()[0])
    assert app.sm.current == "tasks"
    ui.tap(ui.screen.tiles()[0])
    assert app.sm.current == "step"

    def broken(_dt):
        raise RuntimeError("a bug nobody caught")

    Clock.schedule_once(broken, 0)
    _pump_like_the_main_loop()
    ui.settle()
    assert app.sm.current == "tasks" and app.session is None
    assert any("unexpected problem" in p["message"] for p in app.problems.stored())
    assert app.exit_code == 0
    resumable = app.journal.resumable_run(app.worker.id)
    assert resumable is None or resumable.pack_id  # the run is kept for a resume, not lost


def test_errors_that_keep_coming_stop_the_kiosk_for_its_supervisor(kiosk, ui):
    app = kiosk(people=[("Anna", "en"), ("Ben", "en")])
    stopped = []
    app.stop = lambda *a: stopped.append(True)  # the real stop ends the test's event loop

    def broken(_dt):
        raise RuntimeError("again")

    for _ in range(5):
        Clock.schedule_once(broken, 0)
        _pump_like_the_main_loop(1)
    assert app.exit_code == 70 and stopped


def test_a_worker_deleted_from_the_command_line_leaves_the_screens(kiosk, ui, tmp_path):
    app = kiosk(people=[("Anna", "en"), ("Ben", "en")])
    ui.tap(ui.screen.tiles()[0])
    ui.tap(ui.screen.tiles()[0])
    assert app.sm.current == "step" and app.worker.name == "Anna"
    with Journal.open(app.data.journal) as other:  # kiosk person delete, in another process's place
        other.delete_person(app.worker.id)
    ui.advance(6)
    ui.settle()
    assert app.sm.current == "people" and app.worker is None and app.session is None
    assert "Anna" not in texts(app.root)


def test_trainer_home_says_when_the_hub_cannot_be_reached_and_the_kiosk_works_on(kiosk, ui):
    """With a hub that is down, nothing waits for it: the worker works on, and trainer home says
    in plain words that the records have not reached the hub."""
    import time

    app = kiosk(people=[("Anna", "en")], prepare=lambda journal: PinGuard(journal).set_pin(PIN))
    app.connect_hub("postgresql://kiosk:secret@127.0.0.1:9/hub?connect_timeout=1")
    hold_corner(ui)
    type_pin(ui, PIN)
    assert app.sm.current == "trainer_home"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and "Last problem" not in ui.screen.problems_text:
        ui.advance(2.1)
        time.sleep(0.2)
    assert ui.screen.problems_text.startswith("Hub: ") and "Last problem" in ui.screen.problems_text
    ui.shot("hub-down")
    ui.tap(ui.screen.ids.worker_mode, wait=False)
    assert app.sm.current == "tasks"
