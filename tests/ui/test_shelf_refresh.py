"""A refresh asked for while a scan runs is not lost: one more scan follows, so a pack removed (or
copied in) during a scan is seen without waiting for the folder watcher."""

from __future__ import annotations

import shutil
import threading
import time

from kivy.base import EventLoop

from kiosk.packs import Library
from kiosk.ui.shelf import PackShelf
from ui_helpers import make_pack


def pump_until(done, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        EventLoop.idle()
        time.sleep(0.005)


def test_a_refresh_during_a_scan_scans_again(window, tmp_path):
    packs = tmp_path / "packs"
    make_pack(packs, "glue", {"en": "Glue"}, [{"text": "Glue it."}])
    make_pack(packs, "tape", {"en": "Tape"}, [{"text": "Tape it."}])
    library = Library([packs], tmp_path / "cache")
    release = threading.Event()
    real_scan = library.scan
    scans = []

    def slow_scan(**options):
        release.wait(10)
        scans.append(1)
        return real_scan(**options)

    library.scan = slow_scan
    shelf = PackShelf([packs], tmp_path / "cache", "en", library=library)
    try:
        shelf.refresh()
        assert shelf.scanning
        shelf.refresh()  # "Reload packs" while the first scan runs ...
        release.set()
        shutil.rmtree(packs / "tape")  # ... which may read the folder before this
        pump_until(lambda: len(scans) == 2 and not shelf.scanning and shelf.loaded)
        pump_until(lambda: [p.id for p in shelf.packs] == ["glue"], 3.0)
        assert len(scans) == 2 and [p.id for p in shelf.packs] == ["glue"]
    finally:
        shelf.shutdown()


def test_the_shelf_prunes_the_cache_after_the_scan_not_during_it(window, tmp_path):
    packs = tmp_path / "packs"
    make_pack(packs, "glue", {"en": "Glue"}, [{"text": "Glue it."}])
    library = Library([packs], tmp_path / "cache")
    calls = []
    real_scan, real_prune = library.scan, library.prune

    def scan(**options):
        calls.append(("scan", options))
        return real_scan(**options)

    def prune():
        calls.append(("prune", {}))
        real_prune()

    library.scan, library.prune = scan, prune
    shelf = PackShelf([packs], tmp_path / "cache", "en", library=library)
    try:
        shelf.refresh()
        pump_until(lambda: shelf.loaded and len(calls) == 2)
        assert calls == [("scan", {"prune": False}), ("prune", {})]
        assert [p.id for p in shelf.packs] == ["glue"]
    finally:
        shelf.shutdown()
