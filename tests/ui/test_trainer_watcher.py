"""Hot reload: the pack watcher's Kivy-free core, and packs following the folders in the real app."""

from __future__ import annotations

import shutil
import time

from kiosk.ui.pack_watcher import POLL_SECONDS, ChangeDetector, folders_signature
from ui_helpers import make_pack
from test_trainer_screens import open_from_home, open_trainer, pack_row, set_pin


def test_change_detector_waits_for_still_folders_and_retries_until_scanned():
    detector = ChangeDetector()
    assert not detector.observe("a")  # first look: nothing to compare with yet
    assert detector.observe("a")  # still for one poll: scan
    detector.scanned("a")
    assert not detector.observe("a")  # scanned, unchanged
    assert not detector.observe("b")  # changing (a copy under way)
    assert not detector.observe("c")
    assert detector.observe("c")  # still again: scan
    assert detector.observe("c")  # not marked scanned (shelf was busy): still due
    detector.scanned("c")
    assert not detector.observe("c")


def test_signature_follows_new_changed_and_removed_packs(tmp_path):
    packs = tmp_path / "packs"
    make_pack(packs, "wash-hands", {"en": "Wash your hands"}, [{"text": "Wet your hands."}])
    first = folders_signature([packs])
    assert folders_signature([packs, packs]) == first  # a folder listed twice counts once
    make_pack(packs, "fold-towels", {"en": "Fold the towels"}, [{"text": "Fold once."}])
    added = folders_signature([packs])
    assert added != first
    (packs / "fold-towels" / "pack.yaml").write_text((packs / "fold-towels" / "pack.yaml").read_text() + "\n")
    assert folders_signature([packs]) != added
    shutil.rmtree(packs / "fold-towels")
    assert folders_signature([packs]) == first
    assert folders_signature([tmp_path / "missing"]) == ()


def poll_until(ui, app, condition, polls=5):
    """Let the watcher poll (moving Kivy's clock) until ``condition()``; returns the polls used."""
    for used in range(polls + 1):
        if condition():
            return used
        ui.advance(POLL_SECONDS + 0.05)
        deadline = time.monotonic() + 10
        while (app.pack_watcher.busy or app.shelf.scanning) and time.monotonic() < deadline:
            time.sleep(0.005)
            ui.pump(1)
        ui.settle()
    return None


def heard(app, seconds=10.0):
    """Wait (real time) until the watcher has heard of a change just made to the folders: the
    file-system events reach it on watchdog's own thread a moment later, and the polls in
    ``poll_until`` move Kivy's clock much faster than real time. Polling needs no wait."""
    events = app.pack_watcher.events
    deadline = time.monotonic() + seconds
    while events is not None and not events.pending and time.monotonic() < deadline:
        time.sleep(0.01)
    assert events is None or events.pending, "the watcher heard nothing of the change"


def titles(ui):
    return [t.title for t in ui.screen.tiles()]


def test_packs_follow_the_folder_on_an_open_tasks_screen(kiosk, ui, tmp_path, library):
    app = kiosk(people=[("Anna", "en")])
    assert app.sm.current == "tasks" and app.pack_watcher.running
    assert titles(ui) == ["Sort the screws", "Wash your hands"]
    # An unchanged library is never scanned again by the watcher (its first look counts as scanned).
    poll_until(ui, app, lambda: False, polls=3)
    assert app.pack_watcher.rescans == 0

    # A pack folder copied in while the worker looks at the tasks appears there, no tap needed.
    make_pack(tmp_path / "usb", "water-plants", {"en": "Water the plants"}, [{"text": "Fill the can."}])
    shutil.copytree(tmp_path / "usb" / "water-plants", library / "water-plants")
    heard(app)
    used = poll_until(ui, app, lambda: "Water the plants" in titles(ui))
    assert used is not None and used <= 3, "the new pack did not appear within three polls"
    assert app.sm.current == "tasks"
    ui.shot("tasks-new-pack")

    # Nothing changes: the watcher only takes signatures, no rescan.
    rescans = app.pack_watcher.rescans
    poll_until(ui, app, lambda: False, polls=3)
    assert app.pack_watcher.rescans == rescans

    # A changed title and a removed pack follow too.
    yaml = library / "water-plants" / "pack.yaml"
    yaml.write_text(yaml.read_text().replace("Water the plants", "Water the flowers"))
    shutil.rmtree(library / "wash-hands")
    heard(app)
    assert poll_until(ui, app, lambda: titles(ui) == ["Sort the screws", "Water the flowers"]) is not None
    assert app.pack_watcher.rescans > rescans


def test_trainer_packs_screen_shows_a_broken_pack_as_it_arrives(kiosk, ui, library):
    app = kiosk(people=[("Anna", "en")], prepare=set_pin)
    open_trainer(app, ui)
    screen = open_from_home(app, ui, "trainer_packs")
    assert {entry["report"].pack for entry in screen.entries()} == {"sort-screws", "wash-hands"}
    root = make_pack(library, "fold-towels", {"en": "Fold the towels"}, [{"text": "Take a towel."}])
    (root / "01.jpg").unlink()
    heard(app)

    def arrived() -> bool:
        return "fold-towels" in {entry["report"].pack for entry in screen.entries()}

    assert poll_until(ui, app, arrived) is not None
    row = pack_row(ui, screen, lambda entry: entry["report"].pack == "fold-towels")
    assert row.state_word == "Broken" and "01.jpg" in row.details
    assert screen.status == "2 ready to use, 1 broken."
    ui.shot("packs-arrived-broken")
