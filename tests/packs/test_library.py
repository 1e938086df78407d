"""The library scan: broken packs never stop the others; rescans are cheap and see every change."""

from __future__ import annotations

import os
import shutil

from kiosk.packs import Library, Severity
from kiosk.packs import library as library_module
from kiosk.packs import photo_folder

from .builders import image_bytes, the_problem, write_files, zip_bytes


def make_library(packs_dir, cache_dir, *extra_folders):
    return Library([packs_dir, *extra_folders], cache_dir)


def good_pack(folder, *names):
    return write_files(folder, names or ["01 Wet.jpg", "02 Dry.jpg"])


def reports_by_path(result):
    return {report.path.name: report for report in result.reports}


def test_one_bad_pack_does_not_stop_the_others(packs_dir, cache_dir, monkeypatch):
    good_pack(packs_dir / "a-good")
    write_files(packs_dir / "b-bad-yaml", {"01.jpg": None, "pack.yaml": "format: 1\nsteps: [\n"})
    (packs_dir / "c-bad.zip").write_bytes(b"not a zip")
    good_pack(packs_dir / "d-explodes")
    (packs_dir / "e-good.zip").write_bytes(zip_bytes({"01 Wet.jpg": image_bytes()}))
    (packs_dir / "readme.txt").write_text("not a pack")
    (packs_dir / ".hidden").mkdir()
    real = photo_folder.steps_from_photos

    def explode_for_one(files, language, problems):
        if files.root.name == "d-explodes":
            raise RuntimeError("boom")
        return real(files, language, problems)

    monkeypatch.setattr(photo_folder, "steps_from_photos", explode_for_one)
    result = make_library(packs_dir, cache_dir).scan()
    assert [pack.id for pack in result.packs] == ["a-good", "e-good"]
    reports = reports_by_path(result)
    assert sorted(reports) == ["a-good", "b-bad-yaml", "c-bad.zip", "d-explodes", "e-good.zip"]
    assert [name for name, report in reports.items() if not report.ok] == ["b-bad-yaml", "c-bad.zip", "d-explodes"]
    the_problem(reports["b-bad-yaml"].problems, Severity.ERROR, file="pack.yaml", step=None, words=["line 3"])
    the_problem(reports["d-explodes"].problems, Severity.ERROR, file=None, step=None, words=["unexpected", "boom"])
    assert [report.path.name for report in result.broken] == ["b-bad-yaml", "c-bad.zip", "d-explodes"]


def test_rescan_with_nothing_changed_reads_no_pack(packs_dir, cache_dir, monkeypatch):
    good_pack(packs_dir / "a")
    (packs_dir / "b.zip").write_bytes(zip_bytes({"01 Wet.jpg": image_bytes()}))
    write_files(packs_dir / "broken", ["notes.txt"])
    library = make_library(packs_dir, cache_dir)
    first = library.scan()
    calls = []
    monkeypatch.setattr(library_module, "load_pack", lambda *args, **kwargs: calls.append(args))
    again = library.scan()
    assert calls == []
    assert again == first


def test_rescan_picks_up_added_changed_and_removed_packs(packs_dir, cache_dir):
    good_pack(packs_dir / "keep")
    good_pack(packs_dir / "change")
    good_pack(packs_dir / "remove")
    zipped = packs_dir / "zipped.zip"
    zipped.write_bytes(zip_bytes({"01 Wet.jpg": image_bytes()}))
    library = make_library(packs_dir, cache_dir)
    first = {pack.id: pack for pack in library.scan().packs}
    assert sorted(first) == ["change", "keep", "remove", "zipped"]

    good_pack(packs_dir / "added")
    (packs_dir / "change" / "03 Brush.jpg").write_bytes(image_bytes(color=(1, 2, 3)))
    shutil.rmtree(packs_dir / "remove")
    zipped.write_bytes(zip_bytes({"01 Wet.jpg": image_bytes(), "02 Dry.jpg": image_bytes(color=(9, 9, 9))}))
    second = {pack.id: pack for pack in library.scan().packs}
    assert sorted(second) == ["added", "change", "keep", "zipped"]
    assert second["keep"] is first["keep"]
    assert len(second["change"].steps) == 3 and second["change"].content_hash != first["change"].content_hash
    assert len(second["zipped"].steps) == 2


def test_a_changed_file_of_the_same_size_is_noticed(packs_dir, cache_dir):
    folder = write_files(packs_dir / "p", {"01 Wet.jpg": None, "pack.yaml": "format: 1\nversion: 1\n"})
    library = make_library(packs_dir, cache_dir)
    assert library.scan().packs[0].version == 1
    manifest = folder / "pack.yaml"
    manifest.write_text("format: 1\nversion: 2\n")
    stat = manifest.stat()
    os.utime(manifest, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # coarse clocks
    assert library.scan().packs[0].version == 2


def test_a_broken_pack_that_is_fixed_appears(packs_dir, cache_dir):
    folder = write_files(packs_dir / "p", {"01.jpg": None, "pack.yaml": "format: 1\nsteps: [\n"})
    library = make_library(packs_dir, cache_dir)
    assert library.scan().packs == ()
    (folder / "pack.yaml").write_text("format: 1\nsteps: [{image: 01.jpg, text: Hi.}]\n")
    assert [pack.id for pack in library.scan().packs] == ["p"]


def test_cleared_cache_prepares_the_pack_again(packs_dir, cache_dir):
    good_pack(packs_dir / "p")
    library = make_library(packs_dir, cache_dir)
    pack = library.scan().packs[0]
    shutil.rmtree(cache_dir)
    again = library.scan().packs[0]
    assert again.thumbnail().is_file() and again.thumbnail() == pack.thumbnail()


def test_duplicate_ids_across_folders_keep_the_first_and_name_both(tmp_path, packs_dir, cache_dir):
    second_folder = tmp_path / "usb"
    good_pack(packs_dir / "wash-hands")
    good_pack(second_folder / "Wash_Hands")  # slugifies to the same id
    library = make_library(packs_dir, cache_dir, second_folder)
    result = library.scan()
    assert [pack.source for pack in result.packs] == [packs_dir / "wash-hands"]
    report = result.reports[1]
    assert not report.ok and report.pack == "wash-hands"
    problem = the_problem(report.problems, Severity.ERROR, file=None, step=None, words=["same id", "wash-hands"])
    assert str(packs_dir / "wash-hands") in problem.message and str(second_folder / "Wash_Hands") in problem.message
    shutil.rmtree(packs_dir / "wash-hands")
    assert [pack.source for pack in library.scan().packs] == [second_folder / "Wash_Hands"]


def test_missing_folder_is_an_empty_library(tmp_path, cache_dir):
    result = Library([tmp_path / "not-there"], cache_dir).scan()
    assert result.packs == () and result.reports == ()


def test_packs_keep_their_problems_in_reports(packs_dir, cache_dir):
    write_files(packs_dir / "p", ["01 Wet.jpg", "notes.txt"])
    result = make_library(packs_dir, cache_dir).scan()
    (report,) = result.reports
    assert report.ok and report.pack == "p" and report.problems == result.packs[0].problems
    the_problem(report.problems, Severity.WARNING, file="notes.txt", step=None)
