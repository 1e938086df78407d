"""Display copies made later (the kiosk's scan) and never (``pack validate``).

A kiosk's scan checks a big picture's header only, so a new pack is usable as soon as its files
are read; its copies are made afterwards, tiles and first steps first. A picture found damaged
then sends its pack back to a full check, which reports it as before. ``validate`` finds damaged
pictures by decoding them at a reduced size and writes no copy."""

from __future__ import annotations

import os
from pathlib import Path

from PIL import Image

from kiosk.packs import Library, LoadOptions, Severity, load_pack
from kiosk.packs import images
from kiosk.packs.images import Copies

from .builders import image_bytes, write_files

BIG = (1600, 1200)  # larger than the display box: its copy is made later


def big(number: int, fmt: str = "JPEG", mode: str = "RGB") -> bytes:
    return image_bytes(
        BIG, (20 * number % 256, 90, 160), fmt, mode=mode, marker=((0, 0, 100 + number, 80), (255, 255, 0))
    )


def truncated(data: bytes) -> bytes:
    return data[: len(data) * 2 // 3]  # the header is intact, the picture cut off (a copy pulled out)


def big_pack(folder: Path, steps: int = 6, damaged: int | None = None) -> Path:
    files = {}
    for number in range(1, steps + 1):
        data = big(number)
        files[f"{number:02d} Step {number}.jpg"] = truncated(data) if number == damaged else data
    return write_files(folder, files)


def copies_in(cache: Path) -> list[Path]:
    return (
        sorted(path for path in (cache / "images").rglob("*") if path.is_file()) if (cache / "images").exists() else []
    )


def test_a_big_pack_is_usable_before_any_copy_and_gets_them_first_steps_first(packs_dir, cache_dir):
    big_pack(packs_dir / "big", steps=6)
    small = write_files(packs_dir / "small", {"01 Small.jpg": image_bytes((640, 480))})
    library = Library([packs_dir], cache_dir, copies=Copies.LATER)
    result = library.scan()
    packs = {pack.id: pack for pack in result.packs}
    assert set(packs) == {"big", "small"}
    pack = packs["big"]
    # nothing of the big pack is decoded yet: every step shows its own photo until its copy exists
    assert all(not os.path.exists(path) for path in pack.display_images.values())
    assert pack.display_image(pack.steps[0]) == pack.file(pack.steps[0].image)
    assert pack.thumbnail() == pack.file(pack.steps[0].image)
    # a small picture costs milliseconds: prepared at once, as before
    assert os.path.isfile(packs["small"].display_image(packs["small"].steps[0]))
    assert small.is_dir()

    jobs = library.pending_copies()
    assert [(job.pack_id, job.rank) for job in jobs] == [
        ("big", (0, 0)),  # the tile's picture (step 1, with its tile copy)
        ("big", (1, 2)),
        ("big", (1, 3)),  # the first steps
        ("big", (2, 4)),
        ("big", (2, 5)),
        ("big", (2, 6)),
    ]
    assert jobs[0].with_thumbnail and not any(job.with_thumbnail for job in jobs[1:])
    for job in jobs:
        assert library.make_copy(job)
    for step in pack.steps:  # the copies are where the scan said they would be
        shown = pack.display_image(step)
        assert shown == pack.display_images[step.image] and shown.is_file()
        with Image.open(shown) as copy:
            assert max(copy.size) == max(images.DISPLAY_BOX)
    assert pack.thumbnail() == pack.thumbnail_image and pack.thumbnail_image.is_file()
    assert library.pending_copies() == []
    again = library.scan()
    assert next(p for p in again.packs if p.id == "big") is pack  # not read again for its copies


def test_a_transparent_picture_gets_its_copy_where_the_scan_said(packs_dir, cache_dir):
    write_files(packs_dir / "glass", {"01 Glass.png": big(1, "PNG", "RGBA")})
    library = Library([packs_dir], cache_dir, copies=Copies.LATER)
    (pack,) = library.scan().packs
    planned = pack.display_images[pack.steps[0].image]
    assert planned.suffix == ".png" and not planned.exists()
    (job,) = library.pending_copies()
    assert library.make_copy(job)
    assert planned.is_file() and pack.thumbnail_image is not None and pack.thumbnail_image.is_file()


def test_a_picture_found_damaged_later_makes_the_pack_broken_at_the_next_scan(packs_dir, cache_dir):
    big_pack(packs_dir / "cut", steps=4, damaged=3)
    library = Library([packs_dir], cache_dir, copies=Copies.LATER)
    first = library.scan()
    assert [pack.id for pack in first.packs] == ["cut"]  # its header looked fine
    results = [library.make_copy(job) for job in library.pending_copies()]
    assert results.count(False) == 1
    second = library.scan()
    assert second.packs == ()
    (report,) = second.reports
    (error,) = [p for p in report.problems if p.severity is Severity.ERROR]
    assert error.file == "03 Step 3.jpg" and "damaged" in error.message


def test_the_scan_still_refuses_an_absurdly_large_picture(packs_dir, cache_dir):
    big_pack(packs_dir / "huge", steps=2)
    library = Library([packs_dir], cache_dir, copies=Copies.LATER, options=LoadOptions(max_image_pixels=1_000_000))
    result = library.scan()
    assert result.packs == ()
    assert any("far too large" in p.message for r in result.reports for p in r.problems)
    assert copies_in(cache_dir) == []


def test_validate_finds_damage_at_reduced_size_and_writes_no_copy(packs_dir, cache_dir):
    good = big_pack(packs_dir / "good", steps=3)
    cut = big_pack(packs_dir / "cut", steps=3, damaged=2)
    with images.copies(Copies.NEVER):
        pack, problems = load_pack(good, cache_dir)
        broken, broken_problems = load_pack(cut, cache_dir)
    assert pack is not None and not [p for p in problems if p.severity is Severity.ERROR]
    assert broken is None
    assert [p.file for p in broken_problems if p.severity is Severity.ERROR] == ["02 Step 2.jpg"]
    assert copies_in(cache_dir) == []  # nothing made, nothing written
    # the same packs loaded the usual way: the same verdicts, and the copies are made
    assert load_pack(good, cache_dir)[0] is not None and load_pack(cut, cache_dir)[0] is None
    assert len(copies_in(cache_dir)) >= 3


def test_a_rescan_that_changes_nothing_does_not_walk_the_cache(packs_dir, cache_dir, monkeypatch):
    from kiosk.packs import library as library_module

    pruned = []
    real = library_module.prune_cache

    def counted(*args, **kwargs):  # the real pruning, counted
        pruned.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(library_module, "prune_cache", counted)
    write_files(packs_dir / "a", {"01 A.jpg": image_bytes(color=(1, 2, 3))})
    write_files(packs_dir / "b", {"01 B.jpg": image_bytes(color=(3, 2, 1))})
    library = Library([packs_dir], cache_dir)
    library.scan()
    library.scan()
    library.scan()
    assert len(pruned) == 1  # unchanged: the 20,000-folder walk of a big library is skipped
    (packs_dir / "b" / "01 B.jpg").unlink()
    (packs_dir / "b").rmdir()
    library.scan()  # a pack gone: its entries are still protected once, their unused time starts
    library.scan()
    assert len(pruned) == 2  # and now pruned, as before
