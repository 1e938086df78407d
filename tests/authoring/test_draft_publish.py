"""Publishing a draft to this kiosk (kiosk.authoring.publish): built with real speech, checked by
the real loader, swapped into the packs folder in one rename, the previous version kept and
restorable, and a run that started on the old version keeps reading the old files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from authoring_helpers import PhotoSpec, make_photo

from kiosk.audio_check import plays
from kiosk.authoring.draft import DraftStore
from kiosk.authoring.publish import PublishRefused, Publisher, fleet_publisher, pinned
from kiosk.authoring.voice import prepare_voice, read_wav
from kiosk.packs import Library

PROJECT = Path(__file__).resolve().parents[2]


def _draft(tmp_path: Path, store: DraftStore, words: list[str]):  # noqa: ANN202 - a Draft
    draft = store.create("Fit a washer", "en")
    phone = tmp_path / "phone"
    phone.mkdir(exist_ok=True)
    for n, sentence in enumerate(words):
        draft.add_photo(make_photo(phone / f"IMG_{n}.JPG", PhotoSpec(size=(800, 600))))
        draft.set_text(n, "en", sentence)
    return draft


def test_publish_build_swap_keep_and_restore(tmp_path: Path, worker, cache_dir: Path) -> None:  # noqa: ANN001
    data, library = tmp_path / "data", tmp_path / "packs"
    store = DraftStore(data)
    draft = _draft(tmp_path, store, ["Hold the bolt.", "Put on the washer.", "Tighten the nut."])
    draft.set_text(0, "de", "Halte die Schraube.")
    draft.set_timer(1, 15)
    voice = prepare_voice(read_wav((PROJECT / "kiosk/assets/audio/help.wav").read_bytes()))
    draft.set_recording(2, "en", voice.wav)
    publisher = Publisher(data, library, cache_dir)

    first = publisher.publish(draft, speech=worker)
    assert (library / draft.pack_id).is_symlink()
    assert sorted(worker.renders) == [
        ("Halte die Schraube.", "de"),
        ("Hold the bolt.", "en"),
        ("Put on the washer.", "en"),
    ]
    scanned = Library([library], cache_dir).scan()
    assert [p.id for p in scanned.packs] == ["fit-a-washer"], scanned.reports
    pack = scanned.packs[0]
    assert pack.version == 1 and pack.steps[1].timer == 15
    recorded = pack.file(pack.steps[2].audio["en"])
    assert recorded.read_bytes() == voice.wav  # the coach's voice, not generated speech
    assert plays(pack.file(pack.steps[0].audio["en"]))  # generated speech for the others
    assert not [p for p in pack.problems if "Nothing in the pack uses" in p.message]

    running = pinned(pack)  # a worker starts the task now
    old_sentence = running.file(running.steps[0].audio["en"]).read_bytes()

    draft.set_text(0, "en", "Take the bolt.")  # the coach changes it and publishes again
    draft.remove(1)
    second = publisher.publish(draft, speech=worker, keep=[running.root])
    assert second.version_number == first.version_number + 1
    now = Library([library], cache_dir).scan().packs[0]
    assert now.version == 2 and len(now.steps) == 2
    assert now.content_hash != pack.content_hash
    # the run goes on with the version it started: its files are still there, unchanged
    assert len(running.steps) == 3
    assert running.file(running.steps[0].audio["en"]).read_bytes() == old_sentence
    assert running.file(running.steps[2].audio["en"]).read_bytes() == voice.wav

    assert publisher.previous(draft.pack_id) == first.version_number
    assert publisher.restore_previous(draft.pack_id) == first.version_number
    back = Library([library], cache_dir).scan().packs[0]
    assert back.content_hash == pack.content_hash and len(back.steps) == 3


def test_old_versions_go_but_the_one_a_run_uses_stays(tmp_path: Path, worker, cache_dir: Path) -> None:  # noqa: ANN001
    data, library = tmp_path / "data", tmp_path / "packs"
    store = DraftStore(data)
    draft = _draft(tmp_path, store, ["One."])
    publisher = Publisher(data, library, cache_dir)
    first = publisher.publish(draft, speech=worker)
    in_use = pinned(Library([library], cache_dir).scan().packs[0]).root
    assert in_use == first.folder.resolve()
    for n in range(4):
        draft.set_text(0, "en", f"Version {n + 2}.")
        publisher.publish(draft, speech=worker, keep=[in_use])
    assert publisher.versions(draft.pack_id) == [1, 3, 4, 5]  # 2 went; 1 is still in use
    assert in_use.is_dir()


def test_a_draft_that_is_not_ready_is_refused_and_workers_see_nothing(tmp_path: Path, worker, cache_dir: Path) -> None:  # noqa: ANN001
    data, library = tmp_path / "data", tmp_path / "packs"
    store = DraftStore(data)
    publisher = Publisher(data, library, cache_dir)
    empty = store.create("Empty", "en")
    with pytest.raises(PublishRefused, match="no steps"):
        publisher.publish(empty, speech=worker)
    draft = _draft(tmp_path, store, ["One.", "Two."])
    draft.set_text(1, "en", "")
    with pytest.raises(PublishRefused, match="sentence of step 2"):
        publisher.publish(draft, speech=worker)
    assert not library.exists() or not os.listdir(library)


def test_a_pack_of_the_same_name_that_is_not_ours_is_never_replaced(tmp_path: Path, worker, cache_dir: Path) -> None:  # noqa: ANN001
    data, library = tmp_path / "data", tmp_path / "packs"
    draft = _draft(tmp_path, DraftStore(data), ["One."])
    (library / draft.pack_id).mkdir(parents=True)
    (library / draft.pack_id / "keep.txt").write_text("a trainer's own pack")
    with pytest.raises(PublishRefused, match="already a pack"):
        Publisher(data, library, cache_dir).publish(draft, speech=worker)
    assert (library / draft.pack_id / "keep.txt").read_text() == "a trainer's own pack"


def test_pinned_leaves_other_packs_alone(tmp_path: Path, cache_dir: Path) -> None:
    samples = Library([PROJECT / "kiosk" / "assets" / "packs"], cache_dir).scan().packs
    assert samples and all(pinned(p) is p for p in samples)


def test_without_the_fleet_module_there_is_no_publish_to_all() -> None:
    try:
        import kiosk.fleet.publish  # noqa: F401
    except ImportError:
        assert fleet_publisher() is None
    else:
        assert callable(fleet_publisher())
