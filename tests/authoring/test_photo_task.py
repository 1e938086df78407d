"""A folder of phone photos in the packs folder becomes a task: pack new's order, a readable
title, placeholder sentences, the photos kept whole, and nothing half-made after a failure."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml
from authoring_helpers import PhotoSpec, make_photo, set_mtime, snapshot
from PIL import Image

from kiosk.authoring.photo_task import (
    ORIGINALS,
    PLACEHOLDER,
    SOURCES,
    PhotoTaskError,
    finish_interrupted,
    make_task_from_photos,
    offers_photo_task,
    placeholder_texts,
)
from kiosk.i18n import translator
from kiosk.packs import Library, load_pack

# Taken in this order; their names (and file times) say the opposite.
TAKEN = [datetime(2026, 3, 12, 10, 15, second) for second in (5, 20, 41, 58)]


def photo_folder(packs: Path, name: str = "wash-hands_2026") -> Path:
    """Four camera photos whose names sort against the order they were taken; marked by width."""
    folder = packs / name
    folder.mkdir(parents=True)
    for index, taken in enumerate(TAKEN):
        path = make_photo(folder / f"IMG_{9000 - index}.JPG", PhotoSpec(size=(800 + 100 * index, 600), taken=taken))
        set_mtime(path, datetime(2026, 4, 1, 12, 0, 10 - index))
    return folder


def scan(packs: Path, cache: Path):
    return Library([packs], cache).scan()


def test_the_photo_folder_is_offered_and_becomes_a_ready_task(tmp_path):
    packs, cache = tmp_path / "packs", tmp_path / "cache"
    folder = photo_folder(packs)
    before = snapshot(folder)
    [report] = scan(packs, cache).reports
    assert offers_photo_task(report)

    made = make_task_from_photos(folder, language="de")

    assert made.folder == folder and made.steps == 4 and made.title == "Wash hands 2026"
    pack, problems = load_pack(folder, cache, "en")
    assert problems == [] and pack is not None  # Ready: not even a warning
    assert pack.title_for("de") == "Wash hands 2026" and pack.id == "wash-hands-2026"
    assert pack.language == "de"
    # pack new's order: the time each photo was taken (the widths mark them: 800, 900, ...)
    widths = [Image.open(pack.file(step.image)).size[0] for step in pack.steps]
    assert widths == [800, 900, 1000, 1100]
    step = pack.steps[0]
    assert step.text_for("de", "de") == "Mach, was das Bild zeigt."
    assert step.text_for("zh", "de") == "照着图片做。"
    assert step.text_for("en", "de") == PLACEHOLDER
    # the photos themselves: whole and unchanged, inside the pack, hidden from the kiosk
    assert snapshot(folder / SOURCES / ORIGINALS) == before
    assert not [p for p in packs.iterdir() if p.name != folder.name]  # nothing else left behind
    text = (folder / "pack.yaml").read_text(encoding="utf-8")
    assert text.count("TODO") == 4 and "# photo: IMG_9000.JPG" in text
    assert yaml.safe_load(text)["steps"][3]["text"]["de"] == "Mach, was das Bild zeigt."
    [report] = scan(packs, cache).reports
    assert report.ok and not report.problems and not offers_photo_task(report)


def test_placeholders_start_with_the_pack_language():
    assert list(placeholder_texts("zh-Hans")) == ["zh", "en", "de"]
    assert placeholder_texts("en")["en"] == PLACEHOLDER


def test_a_folder_that_is_already_a_task_is_left_alone(tmp_path):
    folder = photo_folder(tmp_path / "packs")
    make_photo(folder / "01 Wet your hands.jpg")
    before = snapshot(folder)
    with pytest.raises(PhotoTaskError) as refused:
        make_task_from_photos(folder)
    assert "already a task" in str(refused.value.message)
    assert snapshot(folder) == before


def test_an_unreadable_photo_stops_it_and_changes_nothing(tmp_path):
    packs = tmp_path / "packs"
    folder = photo_folder(packs)
    (folder / "IMG_0001.JPG").write_bytes(b"not a picture at all")
    before = snapshot(folder)
    with pytest.raises(PhotoTaskError) as refused:
        make_task_from_photos(folder)
    assert "IMG_0001.JPG" in str(refused.value.message)
    assert "photos are unchanged" in str(refused.value.hint)
    german = refused.value.message.render(translator("de"))  # the reason too, not only its frame
    assert "IMG_0001.JPG" in german and "lässt sich nicht öffnen" in german and "cannot be opened" not in german
    assert snapshot(folder) == before
    assert [p.name for p in packs.iterdir()] == [folder.name]  # no hidden half-made pack


def test_a_power_cut_between_the_two_moves_is_finished_later(tmp_path):
    packs = tmp_path / "packs"
    folder = photo_folder(packs)
    before = snapshot(folder)
    make_task_from_photos(folder)
    # The state after the photos moved into the hidden pack, before the pack took their name:
    hidden = packs / f".{folder.name}.task-0123abcd"
    folder.rename(hidden)
    # and a half-made pack of an earlier try whose photos never moved (copies only):
    leftover = packs / ".other.task-89abcdef"
    leftover.mkdir()
    (leftover / "01.jpg").write_bytes(b"copy")
    (packs / "other").mkdir()

    assert finish_interrupted(packs) == [folder]

    assert (folder / "pack.yaml").is_file() and snapshot(folder / SOURCES / ORIGINALS) == before
    assert not hidden.exists() and not leftover.exists()
    pack, problems = load_pack(folder, tmp_path / "cache")
    assert pack is not None and problems == []


def test_an_id_already_on_the_kiosk_is_not_taken_twice(tmp_path):
    packs = tmp_path / "packs"
    folder = photo_folder(packs, name="wash hands 2026")
    made = make_task_from_photos(folder, taken={"wash-hands-2026", "wash-hands-2026-2"})
    assert made.pack_id == "wash-hands-2026-3"
    pack, problems = load_pack(folder, tmp_path / "cache")
    assert pack is not None and pack.id == "wash-hands-2026-3" and problems == []
