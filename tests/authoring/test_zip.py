"""`kiosk pack zip` and the whole coach's path: photos -> new -> build -> zip -> the kiosk's library."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from authoring_helpers import PhotoSpec, make_photo

from kiosk.authoring.build import build_pack
from kiosk.authoring.new import make_pack
from kiosk.authoring.zipping import FIXED_TIME, PackNotReady, zip_pack
from kiosk.cli import main
from kiosk.packs import Library, load_pack


@pytest.fixture
def built_pack(tmp_path, worker, cache_dir) -> Path:
    photos = tmp_path / "Fit a washer"
    photos.mkdir()
    make_photo(photos / "01 Hold the bolt.jpg", PhotoSpec(size=(800, 600), orientation=6))
    make_photo(photos / "02 Put on the washer.jpg", PhotoSpec(size=(800, 600)))
    make_photo(photos / "03 Tighten the nut.jpg", PhotoSpec(size=(800, 600)))
    folder = make_pack(photos, tmp_path / "fit-a-washer-pack").folder
    result = build_pack(folder, cache_dir=cache_dir, worker=worker)
    assert result.pack is not None, result.problems
    return folder


def steps_of(pack) -> list[tuple[str, dict, dict]]:
    return [(step.image, dict(step.text), dict(step.audio)) for step in pack.steps]


def test_zip_round_trip_loads_with_the_same_steps(built_pack, tmp_path):
    (built_pack / ".DS_Store").write_bytes(b"mac clutter")
    (built_pack / "Thumbs.db").write_bytes(b"windows clutter")
    (built_pack / "__MACOSX").mkdir()
    (built_pack / "__MACOSX" / "._01.jpg").write_bytes(b"resource fork")

    result = zip_pack(built_pack, tmp_path / "out" / "washer.zip")

    with zipfile.ZipFile(result.path) as archive:
        names = archive.namelist()
        infos = archive.infolist()
    assert names == sorted(names)
    assert all(name.startswith("fit-a-washer/") for name in names)
    assert "fit-a-washer/pack.yaml" in names and "fit-a-washer/audio/en/02.wav" in names
    assert not [n for n in names if ".build.json" in n or "DS_Store" in n or "Thumbs" in n or "MACOSX" in n]
    assert {info.date_time for info in infos} == {FIXED_TIME}

    folder_pack, _ = load_pack(built_pack, tmp_path / "cache-a")
    zipped_pack, problems = load_pack(result.path, tmp_path / "cache-b")
    assert zipped_pack is not None, problems
    assert zipped_pack.id == "fit-a-washer"
    assert steps_of(zipped_pack) == steps_of(folder_pack)
    assert (
        zipped_pack.file(zipped_pack.steps[1].audio["en"]).read_bytes() == (built_pack / "audio/en/02.wav").read_bytes()
    )


def test_zip_is_the_same_byte_for_byte_every_time(built_pack, tmp_path):
    first = zip_pack(built_pack, tmp_path / "a.zip").path.read_bytes()
    for path in built_pack.rglob("*"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    second = zip_pack(built_pack, tmp_path / "b.zip").path.read_bytes()
    assert first == second


def test_default_zip_goes_next_to_the_pack(built_pack):
    result = zip_pack(built_pack)
    assert result.path == built_pack.parent / "fit-a-washer.zip"


def test_a_pack_with_errors_is_not_zipped(built_pack, tmp_path, capsys):
    (built_pack / "02.jpg").unlink()
    with pytest.raises(PackNotReady) as refused:
        zip_pack(built_pack, tmp_path / "x.zip")
    assert any(problem.file == "02.jpg" for problem in refused.value.problems)
    assert not (tmp_path / "x.zip").exists()
    assert main(["pack", "zip", str(built_pack), "--out", str(tmp_path / "x.zip")]) == 1
    err = capsys.readouterr().err
    assert "no zip was made" in err and "02.jpg" in err
    assert main(["pack", "zip", str(tmp_path / "missing")]) == 2


def test_photos_to_kiosk_end_to_end(tmp_path, capsys):
    """What docs/authoring.md tells a coach to do, through the `kiosk` command."""
    photos = tmp_path / "Wash hands"
    photos.mkdir()
    make_photo(photos / "01 Wet your hands.jpg", PhotoSpec(size=(1200, 900), orientation=6))
    make_photo(photos / "02 Put on soap.jpg", PhotoSpec(size=(1200, 900)))
    make_photo(photos / "IMG_0042.JPG", PhotoSpec(size=(1200, 900)))
    pack = tmp_path / "wash-hands-pack"
    data = tmp_path / "data"

    assert main(["pack", "new", str(photos), "--out", str(pack)]) == 0
    # The coach types the missing sentence where pack.yaml says TODO.
    text = (pack / "pack.yaml").read_text(encoding="utf-8")
    (pack / "pack.yaml").write_text(text.replace('en: ""', "en: Rinse your hands."), encoding="utf-8")
    assert main(["--data", str(data), "pack", "build", str(pack)]) == 0
    assert main(["--data", str(data), "pack", "zip", str(pack)]) == 0
    out = capsys.readouterr().out
    assert "wash-hands.zip" in out

    kiosk_packs = tmp_path / "kiosk" / "packs"
    kiosk_packs.mkdir(parents=True)
    (kiosk_packs / "wash-hands.zip").write_bytes((tmp_path / "wash-hands.zip").read_bytes())
    scan = Library([kiosk_packs], tmp_path / "kiosk" / "cache").scan()
    assert [report.ok for report in scan.reports] == [True], scan.reports
    (found,) = scan.packs
    assert found.id == "wash-hands"
    assert [step.text_for("en", "en") for step in found.steps] == [
        "Wet your hands.",
        "Put on soap.",
        "Rinse your hands.",
    ]
    assert all(found.file(step.audio["en"]).is_file() for step in found.steps)
    assert all(found.display_image(step).is_file() for step in found.steps)


def test_links_inside_the_pack_go_in_as_files_and_links_out_are_left_out(built_pack, tmp_path):
    outside = tmp_path / "private.txt"
    outside.write_text("not part of the pack")
    (built_pack / "notes.txt").symlink_to(outside)
    (built_pack / "same-as-01.jpg").symlink_to(built_pack / "01.jpg")
    result = zip_pack(built_pack, built_pack / "inside.zip")  # a zip written into the pack itself
    with zipfile.ZipFile(result.path) as archive:
        names = archive.namelist()
        assert archive.read("fit-a-washer/same-as-01.jpg") == (built_pack / "01.jpg").read_bytes()
    assert "fit-a-washer/notes.txt" not in names
    assert not [name for name in names if name.endswith(".zip")]
