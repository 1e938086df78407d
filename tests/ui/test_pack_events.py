"""The pack watcher on file-system events (watchdog, inotify here): an idle kiosk takes no
signature of its pack folders (no stat of every file every two seconds); a pack copied in is still
found within a few polls; without events it polls as before."""

from __future__ import annotations

import time

from kiosk.ui import pack_watcher
from kiosk.ui.pack_watcher import FULL_CHECK_SECONDS, POLL_SECONDS
from ui_helpers import make_pack


def polls(ui, app, count):
    for _ in range(count):
        ui.advance(POLL_SECONDS + 0.05)
        deadline = time.monotonic() + 10
        while (app.pack_watcher.busy or app.shelf.scanning) and time.monotonic() < deadline:
            time.sleep(0.005)
            ui.pump(1)
        ui.settle()


def tile_ids(ui):
    return [t.item.id for t in ui.screen.tiles()]


def test_an_idle_kiosk_takes_no_signature_and_a_new_pack_still_appears(kiosk, ui, library):
    app = kiosk(people=[("Anna", "en")])
    watcher = app.pack_watcher
    assert watcher.events is not None  # watching, not polling
    polls(ui, app, 3)  # start-up settles
    taken = watcher.signatures
    polls(ui, app, 5)
    assert watcher.signatures == taken  # ten idle seconds: not one stat of the library
    make_pack(library, "fold-towels", {"en": "Fold the towels"}, [{"text": "Fold once."}])
    time.sleep(0.3)  # inotify's event reaches watchdog's thread in real time
    for _ in range(4):
        polls(ui, app, 1)
        if "fold-towels" in tile_ids(ui):
            break
    assert "fold-towels" in tile_ids(ui)
    assert watcher.signatures > taken
    settled = watcher.signatures
    polls(ui, app, 4)
    assert watcher.signatures == settled  # still again: no more signatures
    ui.advance(FULL_CHECK_SECONDS)  # the periodic full check, for changes no event reports
    polls(ui, app, 1)
    assert watcher.signatures == settled + 1


def test_without_events_the_folders_are_polled(kiosk, ui, library, monkeypatch):
    monkeypatch.setattr(pack_watcher.FolderEvents, "start", lambda self, folders: False)
    app = kiosk(people=[("Anna", "en")])
    watcher = app.pack_watcher
    assert watcher.events is None
    taken = watcher.signatures
    polls(ui, app, 4)
    assert watcher.signatures >= taken + 3  # a signature (nearly) every poll, with nothing changed
    make_pack(library, "fold-towels", {"en": "Fold the towels"}, [{"text": "Fold once."}])
    polls(ui, app, 3)
    assert "fold-towels" in tile_ids(ui)
