"""The pack cache is pruned: entries of packs that are gone go, the least recently used go first
when over budget, and nothing a loaded pack needs is ever removed."""

from __future__ import annotations

import os
import time
from pathlib import Path

from kiosk.packs import Library
from kiosk.packs.cache import CachePolicy, prune_cache
from kiosk.packs.library import pack_cache_entries

from .builders import image_bytes, write_files, zip_bytes

HOUR = 3600.0


def entry(cache_dir: Path, kind: str, name: str, size: int, age_s: float, now: float) -> Path:
    folder = cache_dir / kind / name
    folder.mkdir(parents=True)
    (folder / "display.jpg").write_bytes(b"x" * size)
    os.utime(folder, (now - age_s, now - age_s))
    return folder


def test_least_recently_used_go_first_but_not_recent_ones_nor_pinned(tmp_path):
    now = time.time()
    cache = tmp_path / "cache"
    oldest = entry(cache, "images", "a", 1000, 5 * HOUR, now)
    older = entry(cache, "images", "b", 1000, 3 * HOUR, now)
    recent = entry(cache, "zips", "c", 1000, 0.1 * HOUR, now)
    pinned = entry(cache, "images", "d", 1000, 9 * HOUR, now)
    policy = CachePolicy(budget_bytes=2500, keep_unused_s=100 * HOUR, protect_recent_s=HOUR)
    report = prune_cache(cache, [pinned], policy, clock=lambda: now)
    assert report.removed == (oldest, older)  # least recently used first, until within budget
    assert recent.is_dir() and pinned.is_dir() and not report.over_budget
    assert os.stat(pinned).st_mtime == now  # pinned means used now


def test_pinned_entries_stay_even_over_budget(tmp_path):
    now = time.time()
    cache = tmp_path / "cache"
    needed = [entry(cache, "images", name, 1000, 10 * HOUR, now) for name in "ab"]
    report = prune_cache(cache, needed, CachePolicy(budget_bytes=10), clock=lambda: now)
    assert report.removed == () and report.over_budget and all(path.is_dir() for path in needed)


def test_entries_unused_for_a_day_go_even_under_budget_and_partials_after_an_hour(tmp_path):
    now = time.time()
    cache = tmp_path / "cache"
    gone = entry(cache, "zips", "gone", 10, 25 * HOUR, now)
    kept = entry(cache, "zips", "yesterday-evening", 10, 20 * HOUR, now)
    partial = entry(cache, "zips", ".partial-abc-123", 10, 2 * HOUR, now)
    report = prune_cache(cache, [], CachePolicy(), clock=lambda: now)
    assert set(report.removed) == {gone, partial} and kept.is_dir()


def test_library_removes_the_cache_of_a_removed_pack_and_keeps_what_loaded_packs_need(tmp_path):
    packs, cache = tmp_path / "packs", tmp_path / "cache"
    write_files(packs / "stays", {"01 Wet.jpg": image_bytes(color=(1, 2, 3))})
    (packs / "goes.zip").write_bytes(zip_bytes({"01 Dry.jpg": image_bytes(color=(200, 2, 3))}))
    library = Library([packs], cache, cache_policy=CachePolicy(keep_unused_s=0, protect_recent_s=0))
    first = library.scan()
    stays, goes = sorted(first.packs, key=lambda pack: pack.id != "stays")
    goes_entries = pack_cache_entries(goes, cache)
    assert goes.root.is_relative_to(cache / "zips") and len(goes_entries) == 2
    (packs / "goes.zip").unlink()
    library.scan()  # the pack has just gone: its entries start their time as unused now
    time.sleep(0.02)
    library.scan()
    assert not any(path.exists() for path in goes_entries)
    assert all(path.is_dir() for path in pack_cache_entries(stays, cache))
    assert stays.display_image(stays.steps[0]).is_relative_to(cache)


def test_library_keeps_the_cache_of_a_pack_still_in_use(tmp_path):
    packs, cache = tmp_path / "packs", tmp_path / "cache"
    (packs).mkdir()
    (packs / "in-use.zip").write_bytes(zip_bytes({"01 Dry.jpg": image_bytes()}))
    in_use = []
    library = Library(
        [packs], cache, cache_policy=CachePolicy(keep_unused_s=0, protect_recent_s=0), keep=lambda: in_use
    )
    in_use.extend(library.scan().packs)  # a worker starts the task
    (packs / "in-use.zip").unlink()  # … and the trainer removes the pack meanwhile
    for _ in range(3):
        library.scan()
        time.sleep(0.01)
    pack = in_use[0]
    assert pack.file(pack.steps[0].image).is_file() and pack.display_image(pack.steps[0]).is_relative_to(cache)
    in_use.clear()  # the task is over
    library.scan()
    time.sleep(0.01)
    library.scan()
    assert not pack.root.exists()


def test_a_pack_whose_prepared_picture_was_pruned_elsewhere_shows_its_own_picture(tmp_path):
    packs, cache = tmp_path / "packs", tmp_path / "cache"
    write_files(packs / "p", {"01 Wet.jpg": image_bytes()})
    pack = Library([packs], cache).scan().packs[0]
    prepared = pack.display_image(pack.steps[0])
    prepared.unlink()
    assert pack.display_image(pack.steps[0]) == pack.file("01 Wet.jpg")
    assert pack.thumbnail().is_file()
