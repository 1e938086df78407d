"""The draft a coach edits on the kiosk (kiosk.authoring.draft): every edit saved at once, files
written whole, Undo of a deleted step, a copy of an existing pack; and a draft killed with SIGKILL
in the middle of editing is still whole, with every edit it confirmed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from authoring_helpers import PhotoSpec, make_photo
from PIL import Image

from kiosk.audio_check import plays
from kiosk.authoring.draft import Draft, DraftError, DraftStore, unique_id
from kiosk.authoring.packyaml import read_pack_document
from kiosk.imaging import open_picture
from kiosk.packs import load_pack

PROJECT = Path(__file__).resolve().parents[2]


def _photos(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        make_photo(folder / f"IMG_{1000 + n}.JPG", PhotoSpec(size=(1200, 900), orientation=6)) for n in range(count)
    ]


def test_a_new_task_is_edited_and_reads_back_the_same(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "data")
    draft = store.create("Fit a washer", "en", taken={"fit-a-washer"})
    assert draft.pack_id == "fit-a-washer-2"  # a pack with the name is there already
    for photo in _photos(tmp_path / "phone", 3):
        draft.add_photo(photo)
    draft.set_text(0, "en", "  Hold the   bolt. ")
    draft.set_text(0, "de", "Halte die Schraube.")
    draft.set_text(1, "en", "Put on the washer.")
    draft.set_text(2, "en", "Tighten the nut.")
    draft.set_timer(1, 20)
    draft.set_count(2, 4)
    draft.set_cover(2)
    assert draft.move(2, -1) == 1  # "Tighten" up one

    again = store.get("fit-a-washer-2")
    assert again is not None
    assert [again.text(i, "en") for i in range(3)] == ["Hold the bolt.", "Tighten the nut.", "Put on the washer."]
    assert again.text(0, "de") == "Halte die Schraube."
    assert (again.timer(2), again.count(1)) == (20, 4)
    assert again.cover() == again.picture(1)
    with open_picture(again.picture(0)) as picture:  # upright (EXIF 6 turned), no GPS left
        assert picture.size == (900, 1200)
        assert not picture.getexif()
    pack, problems = load_pack(again.folder, tmp_path / "cache")
    assert pack is not None, problems
    assert [s.timer for s in pack.steps] == [None, None, 20]
    assert [s.count for s in pack.steps] == [None, 4, None]


def test_timer_and_count_exclude_each_other(tmp_path: Path) -> None:
    draft = DraftStore(tmp_path).create("Sort", "en")
    draft.add_photo(_photos(tmp_path / "p", 1)[0])
    draft.set_timer(0, 30)
    draft.set_count(0, 5)
    assert (draft.timer(0), draft.count(0)) == (None, 5)
    draft.set_timer(0, 10**9)
    assert (draft.timer(0), draft.count(0)) == (86400, None)
    draft.set_timer(0, None)
    assert "timer" not in draft.steps[0]


def test_delete_and_undo_put_back_the_same_step_with_its_files(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    draft = store.create("Wash hands", "en")
    for photo in _photos(tmp_path / "p", 3):
        draft.add_photo(photo)
    for i, words in enumerate(["Wet.", "Soap.", "Rinse."]):
        draft.set_text(i, "en", words)
    draft.set_recording(1, "en", (PROJECT / "kiosk/assets/audio/help.wav").read_bytes())
    removed = draft.remove(1)
    assert [draft.text(i, "en") for i in range(2)] == ["Wet.", "Rinse."]
    reopened = store.get(draft.pack_id)
    assert reopened is not None and len(reopened.steps) == 2  # the deletion was saved
    reopened.restore(removed)
    final = store.get(draft.pack_id)
    assert final is not None
    assert [final.text(i, "en") for i in range(3)] == ["Wet.", "Soap.", "Rinse."]
    recording = final.recording(1, "en")
    assert recording is not None and recording.read_bytes() == (PROJECT / "kiosk/assets/audio/help.wav").read_bytes()


def test_a_changed_sentence_takes_off_the_recording_of_the_sentence_before(tmp_path: Path) -> None:
    """The worker must not hear the old words under the new ones: the kiosk's voice reads the new
    sentence until the coach records again; the other language's recording stays."""
    store = DraftStore(tmp_path)
    draft = store.create("Wash hands", "en")
    draft.add_photo(_photos(tmp_path / "p", 1)[0])
    wav = (PROJECT / "kiosk/assets/audio/help.wav").read_bytes()
    draft.set_text(0, "en", "Wet your hands.")
    draft.set_text(0, "de", "Mach die Hände nass.")
    draft.set_recording(0, "en", wav)
    draft.set_recording(0, "de", wav)
    assert draft.set_text(0, "en", "  Wet your   hands. ") is False  # the same words: kept
    assert draft.recording(0, "en") is not None
    assert draft.set_text(0, "en", "Wet both hands.") is True
    reopened = store.get(draft.pack_id)
    assert reopened is not None and reopened.text(0, "en") == "Wet both hands."
    assert reopened.recording(0, "en") is None and reopened.recording(0, "de") is not None
    assert draft.set_text(0, "en", "Wet both hands well.") is False  # nothing left to take off


def test_a_photo_that_is_no_picture_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    draft = DraftStore(tmp_path).create("Task", "en")
    bad = tmp_path / "IMG_1.jpg"
    bad.write_bytes(b"not a picture at all")
    before = (draft.folder / "pack.yaml").read_bytes()
    with pytest.raises(DraftError, match="cannot be used"):
        draft.add_photo(bad)
    assert (draft.folder / "pack.yaml").read_bytes() == before
    assert not [p for p in draft.folder.rglob("*") if p.is_file() and p.name != "pack.yaml"]


def test_an_empty_title_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DraftError, match="name"):
        DraftStore(tmp_path).create("   ", "en")


def test_unique_id() -> None:
    assert unique_id("Wash hands", {"wash-hands", "wash-hands-2"}) == "wash-hands-3"
    assert unique_id("洗手", set()) == "洗手"


def test_change_a_pack_opens_a_copy_with_its_files(tmp_path: Path) -> None:
    sample = PROJECT / "kiosk" / "assets" / "packs"
    source = next(p for p in sorted(sample.iterdir()) if p.is_dir())
    pack, problems = load_pack(source, tmp_path / "cache")
    assert pack is not None, problems
    store = DraftStore(tmp_path / "data")
    copy = store.from_pack(pack, taken={pack.id}, keep_id=False)
    assert copy.pack_id != pack.id
    assert len(copy.steps) == len(pack.steps)
    assert copy.text(0, pack.language) == pack.steps[0].text[pack.language]
    copied, problems = load_pack(copy.folder, tmp_path / "cache")
    assert copied is not None, problems
    assert [s.timer for s in copied.steps] == [s.timer for s in pack.steps]
    # keep_id: the same task, and an open draft is returned as it is (no edit lost)
    same = store.from_pack(pack, keep_id=True)
    same.set_text(0, pack.language, "Changed.")
    assert store.from_pack(pack, keep_id=True).text(0, pack.language) == "Changed."


# --- SIGKILL in the middle of editing ----------------------------------------------------------

EDITOR = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from kiosk.authoring.draft import DraftStore

    data, photos, start = Path(sys.argv[1]), sorted(Path(sys.argv[2]).iterdir()), int(sys.argv[3])
    store = DraftStore(data)
    draft = store.get("kill-test") or store.create("Kill test", "en")
    n = start
    while True:
        draft.add_photo(photos[n % len(photos)])
        draft.set_text(len(draft.steps) - 1, "en", f"Step number {n}.")
        draft.set_recording(len(draft.steps) - 1, "en", Path(sys.argv[4]).read_bytes())
        if len(draft.steps) > 3:
            draft.move(len(draft.steps) - 1, -2)
        print(n, flush=True)  # this edit is saved
        n += 1
    """
)


def test_a_draft_killed_mid_edit_is_whole_and_keeps_every_confirmed_edit(tmp_path: Path) -> None:
    photos = tmp_path / "phone"
    for n, photo in enumerate(_photos(photos, 3)):
        with Image.open(photo) as picture:
            assert picture.size == (1200, 900), n
    script = tmp_path / "editor.py"
    script.write_text(EDITOR)
    wav = PROJECT / "kiosk/assets/audio/help.wav"
    confirmed: set[int] = set()
    start = 0
    for round_number in range(6):
        process = subprocess.Popen(
            [sys.executable, str(script), str(tmp_path / "data"), str(photos), str(start), str(wav)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(PROJECT)},
        )
        assert process.stdout is not None
        first = process.stdout.readline()  # at least one edit of this round is saved
        assert first.strip().isdigit(), first
        confirmed.add(int(first))
        time.sleep(0.05 + 0.037 * round_number)  # somewhere in the middle of the next edits
        process.send_signal(signal.SIGKILL)
        rest, _ = process.communicate()
        confirmed.update(int(line) for line in rest.split())
        start = max(confirmed) + 1

        draft = DraftStore(tmp_path / "data").get("kill-test")
        assert draft is not None
        document = read_pack_document(draft.folder)  # parses: never half a file
        assert isinstance(document, dict)
        texts = {draft.text(i, "en") for i in range(len(draft.steps))}
        assert {f"Step number {n}." for n in confirmed} <= texts  # no confirmed edit lost
        for i in range(len(draft.steps)):  # every file the draft names is there, whole
            picture = draft.picture(i)
            assert picture is not None
            with open_picture(picture) as image:
                image.load()
            audio = draft.steps[i].get("audio", {}).get("en")
            if audio:  # every recording it names is there and whole too
                assert plays(draft.folder / audio)
        pack, problems = load_pack(draft.folder, tmp_path / "cache")
        # a kill between adding a photo and typing its sentence leaves a step without one (at most one a round)
        untyped = {i + 1 for i in range(len(draft.steps)) if not draft.text(i, "en")}
        assert len(untyped) <= round_number + 1
        errors = [p for p in problems if p.severity == "error" and p.step not in untyped]
        assert not errors, errors
        assert Draft.open(draft.folder).pack_id == "kill-test"
    assert len(confirmed) >= 6
