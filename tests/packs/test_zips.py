"""Zipped packs: what Windows and Macs produce is accepted; what could harm the device is not."""

from __future__ import annotations

import io
import unicodedata
import zipfile

import pytest

from kiosk.packs import Severity, ZipLimits, load_pack
from kiosk.packs import safe_zip

from .builders import errors, image_bytes, symlink_zip_entry_bytes, the_problem, write_files, zip_bytes

JPG = image_bytes()
PNG = image_bytes(fmt="PNG", color=(0, 200, 0))


def write_zip(path, entries, **options):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(zip_bytes(entries, **options))
    return path


def test_zip_with_files_at_the_root(packs_dir, load, cache_dir):
    source = write_zip(packs_dir / "wash-hands.zip", {"01 Wet.jpg": JPG, "02 Soap.png": PNG})
    pack, problems = load(source)
    assert problems == []
    assert pack.id == "wash-hands" and pack.title_for("en") == "Wash hands"
    assert pack.source == source
    assert pack.root.is_relative_to(cache_dir) and pack.file("01 Wet.jpg").read_bytes() == JPG
    assert [step.text_for("en", "en") for step in pack.steps] == ["Wet", "Soap"]


def test_windows_zip_with_a_top_folder_and_thumbs_db(packs_dir, load):
    source = write_zip(
        packs_dir / "Tea.zip",
        {
            "Make tea/01 Kettle.jpg": JPG,
            "Make tea/Thumbs.db": b"junk",
            "Make tea/desktop.ini": b"[x]",
            "Make tea\\02 Pour.jpg": JPG,
        },
    )
    pack, problems = load(source)
    assert problems == []
    assert [step.image for step in pack.steps] == ["01 Kettle.jpg", "02 Pour.jpg"]


def test_mac_zip_with_macosx_folder_ds_store_and_nfd_names_without_the_utf8_flag(packs_dir, load):
    nfd = unicodedata.normalize("NFD", "Hände/01 Hände nass machen.jpg")
    source = write_zip(
        packs_dir / "haende.zip",
        {
            nfd: JPG,
            "__MACOSX/Hände/._01 Hände nass machen.jpg": b"\0\5\26\7",
            unicodedata.normalize("NFD", "Hände/.DS_Store"): b"junk",
            unicodedata.normalize("NFD", "Hände/02 Abtrocknen.jpg"): JPG,
        },
        utf8_flag=False,
    )
    pack, problems = load(source, language="de")
    assert problems == []
    assert pack.steps[0].text_for("de", "de") == "Hände nass machen"
    assert pack.steps[0].image == "01 Hände nass machen.jpg"  # stored NFC in the cache


def test_older_windows_zip_with_german_names_in_the_dos_code_page(packs_dir, load):
    source = write_zip(
        packs_dir / "Hände.zip", {"Hände/01 Hände waschen.jpg": JPG, "Hände/02 Füße.jpg": JPG}, dos_names=True
    )
    pack, problems = load(source, language="de")
    assert problems == []
    assert [step.text_for("de", "de") for step in pack.steps] == ["Hände waschen", "Füße"]


def test_zip_with_chinese_names_and_a_manifest(packs_dir, load):
    manifest = "format: 1\nid: xishou\ntitle: 洗手\nlanguage: zh\nsteps:\n  - image: 湿手.jpg\n    text: 把手弄湿。\n"
    source = write_zip(packs_dir / "xishou.zip", {"洗手/pack.yaml": manifest.encode(), "洗手/湿手.jpg": JPG})
    pack, problems = load(source)
    assert problems == []
    assert pack.title_for("zh") == "洗手" and pack.steps[0].image == "湿手.jpg"


def test_zipped_pack_has_the_same_content_hash_as_the_folder(packs_dir, load):
    folder = write_files(packs_dir / "p", {"01 Wet.jpg": JPG, "02 Soap.png": PNG})
    source = write_zip(packs_dir / "elsewhere" / "p.zip", {"p/01 Wet.jpg": JPG, "p/02 Soap.png": PNG})
    from_folder, _ = load(folder)
    from_zip, _ = load(source)
    assert from_folder.content_hash == from_zip.content_hash


def test_same_zip_is_unpacked_once_and_a_changed_zip_again(packs_dir, load, monkeypatch):
    source = write_zip(packs_dir / "p.zip", {"01 Wet.jpg": JPG})
    first, _ = load(source)
    calls = []
    real = safe_zip._unpack_fresh
    monkeypatch.setattr(safe_zip, "_unpack_fresh", lambda *args: calls.append(args) or real(*args))
    again, _ = load(source)
    assert calls == [] and again.root == first.root and again.content_hash == first.content_hash
    write_zip(source, {"01 Wet.jpg": PNG})
    changed, _ = load(source)
    assert len(calls) == 1 and changed.root != first.root and changed.content_hash != first.content_hash


@pytest.mark.parametrize(
    "name", ["../evil.jpg", "pack/../../evil.jpg", "/etc/evil.jpg", "C:\\evil.jpg", "..\\evil.jpg"]
)
def test_zip_slip_entry_is_refused_and_nothing_is_written(packs_dir, load, cache_dir, name):
    source = write_zip(packs_dir / "slip.zip", {"01 Wet.jpg": JPG, name: b"#!/bin/sh\n"})
    pack, problems = load(source)
    assert pack is None
    the_problem(problems, Severity.ERROR, file=name, step=None, words=["outside its folder"])
    assert len(problems) == 1
    assert not (cache_dir.parent / "evil.jpg").exists() and not (cache_dir / "evil.jpg").exists()
    assert not any(path.is_file() for path in (cache_dir / "zips").rglob("*"))


def test_zip_expanding_past_the_total_limit_is_refused(packs_dir, load, cache_dir):
    source = write_zip(packs_dir / "big.zip", {"01 Wet.jpg": JPG, "02 Big.wav": bytes(300_000)})
    pack, problems = load(source, zip_limits=ZipLimits(max_total_bytes=200_000))
    assert pack is None
    the_problem(problems, Severity.ERROR, file=None, step=None, words=["more than", "too much for a pack"])
    assert not any(path.is_file() for path in (cache_dir / "zips").rglob("*"))


def test_zip_with_too_many_files_is_refused(packs_dir, load):
    source = write_zip(packs_dir / "many.zip", {f"{n:03d} Step.jpg": JPG for n in range(1, 12)})
    pack, problems = load(source, zip_limits=ZipLimits(max_files=10))
    assert pack is None
    the_problem(problems, Severity.ERROR, file=None, step=None, words=["11 files", "at most 10"])


def test_zip_bomb_ratio_is_refused_with_default_limits(packs_dir, load):
    source = write_zip(packs_dir / "bomb.zip", {"01 Wet.jpg": JPG, "02 Zeros.wav": bytes(20 * 1024 * 1024)})
    assert source.stat().st_size < 100_000
    pack, problems = load(source)
    assert pack is None
    the_problem(problems, Severity.ERROR, file="02 Zeros.wav", step=None, words=["20 MB", "never shrink that much"])


def test_sizes_are_enforced_while_unpacking_even_if_the_table_of_contents_lies(packs_dir, cache_dir, monkeypatch):
    """The table of contents says 10 bytes; the stream delivers far more."""
    source = write_zip(packs_dir / "liar.zip", {"01 Wet.jpg": JPG, "02 Note.wav": b"0123456789"})
    real_open = zipfile.ZipFile.open

    def lying_open(self, member, *args, **kwargs):
        name = member.filename if isinstance(member, zipfile.ZipInfo) else member
        return io.BytesIO(bytes(5_000_000)) if name.endswith(".wav") else real_open(self, member, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", lying_open)
    pack, problems = load_pack(source, cache_dir)
    assert pack is None
    the_problem(problems, Severity.ERROR, file="02 Note.wav", step=None, words=["more than its table of contents says"])
    assert not any(path.is_file() for path in (cache_dir / "zips").rglob("*"))


def test_crc_mismatch_is_a_damaged_zip(packs_dir, load):
    data = bytearray(zip_bytes({"01 Wet.wav": b"A" * 1000, "01 Wet.jpg": JPG}, compression=zipfile.ZIP_STORED))
    data[data.index(b"AAAA") + 10] = ord("B")
    source = packs_dir / "crc.zip"
    source.write_bytes(bytes(data))
    pack, problems = load(source)
    assert pack is None
    the_problem(problems, Severity.ERROR, file=None, step=None, words=["damaged"])


@pytest.mark.parametrize("content", [b"", b"this is not a zip", zip_bytes({"01.jpg": JPG})[:-30]])
def test_damaged_zip_is_an_error(packs_dir, load, content):
    source = packs_dir / "broken.zip"
    source.write_bytes(content)
    pack, problems = load(source)
    assert pack is None
    the_problem(problems, Severity.ERROR, file=None, step=None, words=["damaged or is not a real zip"])


def test_password_protected_zip_is_an_error(packs_dir, load):
    data = bytearray(zip_bytes({"01 Wet.jpg": JPG}))
    # set the "encrypted" flag in the local header and the central directory
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = data.index(signature) + offset
        data[position] |= 0x1
    source = packs_dir / "secret.zip"
    source.write_bytes(bytes(data))
    pack, problems = load(source)
    assert pack is None
    the_problem(problems, Severity.ERROR, file="01 Wet.jpg", step=None, words=["password"])


def test_link_inside_a_zip_is_skipped_with_a_warning(packs_dir, load):
    source = packs_dir / "link.zip"
    source.write_bytes(symlink_zip_entry_bytes("passwd", "/etc/passwd", {"01 Wet.jpg": JPG}))
    pack, problems = load(source)
    assert pack is not None and not pack.file("passwd").exists()
    the_problem(problems, Severity.WARNING, file="passwd", step=None, words=["link"])
    _, again = load(source)  # the warning is remembered with the unpacked copy
    assert again == problems
    from kiosk.i18n import translator

    link = next(p for p in again if p.file == "passwd")  # remembered with its words' template too
    assert link.in_words(translator("de"))[0] == (
        "Die ZIP-Datei link.zip enthält eine Verknüpfung (passwd), die der Kiosk nicht entpackt."
    )


def test_two_entries_with_the_same_name_after_normalising(packs_dir, load):
    source = write_zip(packs_dir / "dup.zip", {"01 Hände.jpg": JPG, unicodedata.normalize("NFD", "01 Hände.jpg"): PNG})
    pack, problems = load(source)
    assert pack is None
    assert len(errors(problems)) == 1 and "same name" in problems[0].message


def test_zip_whose_top_folder_has_no_pack_says_no_steps(packs_dir, load):
    source = write_zip(packs_dir / "empty.zip", {"notes.txt": b"hello"})
    pack, problems = load(source)
    assert pack is None
    the_problem(problems, Severity.ERROR, file=None, step=None, words=["no steps"])
