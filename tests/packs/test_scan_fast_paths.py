"""The first scan's fast paths give exactly what the slower code they replaced gave.

Each shortcut taken to make a first scan of a big library cheap (bench/scan.py) is checked here
against a plain reference: the node count of a pack.yaml without aliases, the word count of a step
text (and the check that skips counting a surely short one), the index of a pack folder, the
search for a picture's prepared copy, the collector paused during a scan (and the scan's objects
moved to its oldest generation), the pruning that no longer touches fresh entries and runs after
the scan when asked, and the copies the scan found, which ``pending_copies`` no longer looks for."""

# The shortcuts are private helpers; comparing them with their references is the point here.
# ruff: noqa: SLF001

from __future__ import annotations

import gc
import os
import shutil
import stat
import time
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.packs import Library, easy_read, images, library as library_module, manifest
from kiosk.packs.cache import CachePolicy, prune_cache
from kiosk.packs.pack_files import PackFile, PackFiles, is_ignored_name

from .builders import image_bytes, write_files

HOUR = 3600.0


# --- pack.yaml: the node count -----------------------------------------------------------------


def test_a_document_without_aliases_is_refused_past_the_limit_and_read_at_it():
    text = "steps:\n" + "".join(f"  - image: {n}.jpg\n    text: Step {n}.\n" for n in range(10))
    nodes = 1 + 2 + 10 * 5  # the root map, "steps" and its list, 10 maps of two pairs each
    assert manifest._load_bounded(text, max_nodes=nodes)["steps"][9]["text"] == "Step 9."
    with pytest.raises(manifest._TooManyValues) as refused:
        manifest._load_bounded(text, max_nodes=nodes - 1)
    assert not refused.value.recursive


def test_a_star_in_a_text_is_not_an_alias_and_aliases_are_still_counted_expanded():
    plain = "title: '2 * 3 screws'\nsteps: []\n"
    assert manifest._load_bounded(plain, max_nodes=5) == {"title": "2 * 3 screws", "steps": []}
    aliased = "a: &x [1, 2, 3, 4]\nb: [*x, *x, *x]\n"  # 5 nodes written once, 15 when expanded
    with pytest.raises(manifest._TooManyValues):
        manifest._load_bounded(aliased, max_nodes=20)
    assert manifest._load_bounded(aliased, max_nodes=25)["b"][2] == [1, 2, 3, 4]
    with pytest.raises(manifest._TooManyValues) as refused:
        manifest._load_bounded("a: &x [1, *x]\n")
    assert refused.value.recursive


YAML_PIECES = st.sampled_from(["a: ", "b:\n", "- ", "  ", "[", "]", "{", "}", ", ", "x", "1", "\n", "? ", "'s'"])


@settings(max_examples=300, deadline=None)
@given(st.lists(YAML_PIECES, max_size=40).map("".join), st.integers(min_value=1, max_value=30))
def test_the_tree_count_agrees_with_the_full_expansion_check(text, limit):
    loader = manifest.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()
    if node is None:
        return
    outcomes = []
    for check in (manifest._check_tree_size, manifest._check_expanded_size):
        try:
            check(node, limit)
            outcomes.append(True)
        except manifest._TooManyValues:
            outcomes.append(False)
    assert outcomes[0] == outcomes[1]


# --- easy-read: the word count -----------------------------------------------------------------


def _words_as_before(text: str) -> int:
    cjk = len(easy_read._CJK.findall(text))
    other = sum(1 for token in easy_read._CJK.sub(" ", text).split() if any(c.isalnum() for c in token))
    return other + (cjk + 1) // 2


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab1 _-.!\t\n中文把ÄöÜ½²٣〇ⅷ㊀—…'\"")), max_size=60) | st.text(max_size=40)
)
def test_the_word_count_is_the_same_as_counting_letters_one_by_one(text):
    assert easy_read.count_words(text) == _words_as_before(text)


def _too_long_as_before(text: str) -> str | None:
    words, sentences = easy_read.count_words(text), easy_read.count_sentences(text)
    reasons = [f"{words} words"] if words > easy_read.MAX_WORDS else []
    if sentences > easy_read.MAX_SENTENCES:
        reasons.append(f"{sentences} sentences")
    return " and ".join(reasons) or None


@settings(max_examples=800, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab1 .!?'\"\n中。")), max_size=80)
    | st.lists(
        st.sampled_from(["Wet", "your", "hands", ".", "!", "?", " ", "2.5", "cm", "...", "\n"]), max_size=40
    ).map(" ".join)
)
def test_a_text_skipped_as_surely_short_is_one_the_full_count_finds_short(text):
    assert easy_read.too_long(text) == _too_long_as_before(text)
    if easy_read._surely_short(text):
        assert _too_long_as_before(text) is None


def test_the_short_cut_is_taken_for_a_usual_step_text_and_not_for_a_long_one():
    assert easy_read._surely_short("Put the screw in the hole.")
    assert not easy_read._surely_short("One. Two. Three.")  # three sentences: counted
    assert not easy_read._surely_short("Drück die Schraube.")  # not ASCII: counted
    assert easy_read.too_long(" ".join(["word"] * 21) + ".") == "21 words"


# --- the index of a pack folder ----------------------------------------------------------------


def _index_as_before(root: Path) -> list[PackFile]:
    """The index as ``os.walk`` + ``lstat`` by name built it."""
    found: dict[str, PackFile] = {}
    real_root = os.path.realpath(root)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(name for name in dirnames if not is_ignored_name(name))
        relative_dir = os.path.relpath(dirpath, root)
        for name in sorted(filenames):
            if is_ignored_name(name):
                continue
            relative = name if relative_dir == "." else f"{relative_dir}/{name}"
            path = os.path.join(root, relative)
            info = os.lstat(path)
            key = unicodedata.normalize("NFC", relative)
            if stat.S_ISLNK(info.st_mode):
                real = os.path.realpath(path)
                if not (real == real_root or real.startswith(real_root + os.sep)):
                    found.setdefault(key, PackFile(relative, key, 0, outside=True))
                    continue
                try:
                    info = os.stat(path)
                except OSError:
                    found.setdefault(key, PackFile(relative, key, 0, outside=True))
                    continue
            if stat.S_ISREG(info.st_mode):
                found.setdefault(key, PackFile(relative, key, info.st_size))
    return list(found.values())


def test_the_pack_index_lists_the_same_files_in_the_same_order(tmp_path):
    root = write_files(
        tmp_path / "pack",
        {
            "b.jpg": b"12",
            "a.jpg": b"1",
            "sub/z.png": b"123",
            "sub/deeper/y.wav": b"1234",
            "A.JPG": b"12345",
            ".DS_Store": b"x",
            "__MACOSX/._a.jpg": b"x",
            "Thumbs.db": b"x",
            "Hände.jpg": b"x",
            unicodedata.normalize("NFD", "Müde.jpg"): b"xy",
        },
    )
    outside = write_files(tmp_path / "elsewhere", {"secret.jpg": b"s", "inner/p.jpg": b"p"})
    (root / "inside-link.jpg").symlink_to(root / "a.jpg")
    (root / "outside-link.jpg").symlink_to(outside / "secret.jpg")
    (root / "dangling.jpg").symlink_to(root / "nothing.jpg")
    (root / "linked-folder").symlink_to(outside / "inner")
    os.mkfifo(root / "pipe.jpg")
    index = PackFiles(root)
    assert list(index.files.values()) == _index_as_before(root)
    assert "linked-folder/p.jpg" not in index.files and "pipe.jpg" not in index.files
    assert index.files["outside-link.jpg"].outside and not index.files["inside-link.jpg"].outside


# --- the search for a prepared copy ------------------------------------------------------------


@pytest.mark.parametrize("png_first", [False, True])
def test_a_prepared_copy_is_found_whichever_format_is_looked_for_first(tmp_path, png_first):
    for digest, display, thumb in (("p", "display.png", "thumb.png"), ("j", "display.jpg", "thumb.jpg")):
        folder = images.prepared_folder(tmp_path, digest)
        folder.mkdir(parents=True)
        (folder / display).write_bytes(b"d")
        found = images.find_prepared(tmp_path, digest, with_thumbnail=False, png_first=png_first)
        assert found == images.PreparedImage(folder / display, None)
        assert images.find_prepared(tmp_path, digest, with_thumbnail=True, png_first=png_first) is None
        (folder / thumb).write_bytes(b"t")
        found = images.find_prepared(tmp_path, digest, with_thumbnail=True, png_first=png_first)
        assert found == images.PreparedImage(folder / display, folder / thumb)
    assert images.find_prepared(tmp_path, "absent", with_thumbnail=False, png_first=png_first) is None


# --- the collector during a scan ---------------------------------------------------------------


def test_a_scan_pauses_the_collector_and_always_turns_it_back_on(tmp_path, monkeypatch):
    packs = tmp_path / "packs"
    write_files(packs / "wash", {"01 Wet your hands.png": image_bytes(fmt="PNG")})
    seen = []
    real_load = library_module.load_pack

    def load(*args, **kwargs):
        seen.append(gc.isenabled())
        return real_load(*args, **kwargs)

    monkeypatch.setattr(library_module, "load_pack", load)
    assert gc.isenabled()
    assert len(Library([packs], tmp_path / "cache").scan().packs) == 1
    assert seen == [False] and gc.isenabled()

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the loader")

    monkeypatch.setattr(library_module, "load_pack", broken)
    with pytest.raises(RuntimeError):
        Library([packs], tmp_path / "cache").scan()
    assert gc.isenabled()

    monkeypatch.setattr(library_module, "load_pack", load)
    gc.disable()
    try:  # turned off by someone else: left off
        Library([packs], tmp_path / "cache2").scan()
        assert not gc.isenabled()
    finally:
        gc.enable()


class Held:
    """A young object the collector tracks."""


def test_after_a_scan_its_objects_are_in_the_oldest_generation_and_the_collector_runs(tmp_path, monkeypatch):
    packs = tmp_path / "packs"
    for name in ("wash", "dry"):
        write_files(packs / name, {f"0{n} Step {n}.png": image_bytes(fmt="PNG", color=(n, 9, 9)) for n in (1, 2)})
    library = Library([packs], tmp_path / "cache")
    gc.collect()
    monkeypatch.setattr(library_module, "PROMOTE_AFTER_LOADS", 2)
    before = Held()
    library.scan()  # loads two packs: everything goes to the oldest generation
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert any(o is before for o in gc.get_objects(generation=2))

    young = Held()  # a rescan loads nothing: the young objects stay young
    library.scan()
    assert gc.is_tracked(young) and not any(o is young for o in gc.get_objects(generation=2))

    gc.freeze()  # someone keeps objects frozen on purpose: left frozen
    try:
        Library([packs], tmp_path / "cache2").scan()
        assert gc.get_freeze_count() > 0  # not unfrozen (frozen objects that die still go)
    finally:
        gc.unfreeze()


# --- copies the scan found are not looked for again ----------------------------------------------


def test_pending_copies_lists_only_what_the_scan_left_for_later(tmp_path):
    packs, cache = tmp_path / "packs", tmp_path / "cache"
    write_files(packs / "small", {"01 Wet.png": image_bytes(fmt="PNG")})
    write_files(packs / "big", {"01 Big.jpg": image_bytes(size=(1600, 1200)), "02 Small.png": image_bytes(fmt="PNG")})
    library = Library([packs], cache, copies=images.Copies.LATER)
    library.scan()
    jobs = library.pending_copies()
    assert [job.picture.name for job in jobs] == ["01 Big.jpg"]  # the small ones were made at once
    for job in jobs:
        assert library.make_copy(job)
    assert library.pending_copies() == []
    fresh = Library([packs], cache, copies=images.Copies.LATER)  # a restart: every copy found
    fresh.scan()
    assert fresh.pending_copies() == [] and fresh._complete == {packs / "big", packs / "small"}


def test_a_pack_whose_copies_could_not_be_saved_is_looked_at_again(tmp_path, monkeypatch):
    packs, cache = tmp_path / "packs", tmp_path / "cache"
    write_files(packs / "small", {"01 Wet.png": image_bytes(fmt="PNG")})

    def no_room(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(images, "make_copies", no_room)
    library = Library([packs], cache, copies=images.Copies.LATER)
    assert len(library.scan().packs) == 1
    assert library._complete == set()
    monkeypatch.undo()  # room again: the next scan reads the pack again and makes its copy
    pack = library.scan().packs[0]
    assert library._complete == {packs / "small"} and pack.display_image(pack.steps[0]).is_relative_to(cache)


# --- pruning -----------------------------------------------------------------------------------


def _entry(cache: Path, kind: str, name: str, files: dict[str, int], age_s: float, now: float) -> Path:
    folder = cache / kind / name
    for relative, size in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(b"x" * size)
    os.utime(folder, (now - age_s, now - age_s))
    return folder


def test_a_scan_asked_not_to_prune_leaves_the_cache_to_prune_after_it(tmp_path):
    packs, cache = tmp_path / "packs", tmp_path / "cache"
    write_files(packs / "stays", {"01 Wet.png": image_bytes(fmt="PNG")})
    write_files(packs / "goes", {"01 Dry.png": image_bytes(fmt="PNG", color=(200, 1, 1))})
    library = Library([packs], cache, cache_policy=CachePolicy(keep_unused_s=0, protect_recent_s=0))
    first = library.scan(prune=False)
    goes = next(pack for pack in first.packs if pack.id == "goes")
    gone_entries = library_module.pack_cache_entries(goes, cache)
    shutil.rmtree(packs / "goes")
    library.scan(prune=False)
    library.scan(prune=False)
    assert all(path.exists() for path in gone_entries)  # nothing pruned during the scans
    library.prune()  # pins what the last scan's packs use, and the packs of the scan before
    time.sleep(0.02)
    library.scan(prune=False)
    library.prune()
    assert not any(path.exists() for path in gone_entries)
    stays = next(pack for pack in library.scan(prune=False).packs if pack.id == "stays")
    assert all(path.is_dir() for path in library_module.pack_cache_entries(stays, cache))


def test_a_fresh_pinned_entry_is_not_written_and_a_stale_one_is_marked_used_now(tmp_path):
    now = time.time()
    cache = tmp_path / "cache"
    fresh = _entry(cache, "images", "fresh", {"display.jpg": 10}, 60, now)
    stale = _entry(cache, "images", "stale", {"display.jpg": 10}, 0.5 * HOUR, now)
    not_made = cache / "images" / "planned"
    prune_cache(cache, [fresh, stale, not_made], CachePolicy(protect_recent_s=HOUR), clock=lambda: now)
    assert os.stat(fresh).st_mtime == pytest.approx(now - 60)
    assert os.stat(stale).st_mtime == now
    assert not not_made.exists()


def test_the_cache_size_counts_every_file_in_nested_folders_but_not_what_links_point_to(tmp_path):
    now = time.time()
    cache = tmp_path / "cache"
    zipped = _entry(cache, "zips", "z", {"files/a.jpg": 100, "files/sub/b.jpg": 200}, HOUR, now)
    big = tmp_path / "big"
    big.write_bytes(b"x" * 10_000)
    (zipped / "files" / "link").symlink_to(big)
    link_size = os.lstat(zipped / "files" / "link").st_size
    report = prune_cache(cache, [zipped], CachePolicy(), clock=lambda: now)
    assert report.kept_bytes == 300 + link_size and report.removed == ()
