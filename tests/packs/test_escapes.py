"""A pack may only use its own files: no way out through '..', absolute paths or links."""

from __future__ import annotations

import os

import pytest

from kiosk.packs import Severity

from .builders import image_bytes, the_problem, write_files


def manifest_pack(folder, image_reference: str, files=("01.jpg",)):
    write_files(folder, files)
    (folder / "pack.yaml").write_text(
        f"format: 1\nsteps:\n  - image: '{image_reference}'\n    text: Hi.\n", encoding="utf-8"
    )
    return folder


@pytest.mark.parametrize("reference", ["../secret.jpg", "photos/../../secret.jpg", "..\\secret.jpg"])
def test_dot_dot_leaves_the_pack(tmp_path, load, reference):
    (tmp_path / "secret.jpg").write_bytes(image_bytes())
    pack, problems = load(manifest_pack(tmp_path / "packs" / "p", reference))
    assert pack is None
    the_problem(problems, Severity.ERROR, file=reference, step=1, words=["outside the pack folder"])


@pytest.mark.parametrize("absolute", [True, False])
def test_absolute_paths_leave_the_pack(tmp_path, load, absolute):
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(image_bytes())
    reference = str(secret) if absolute else "C:\\Users\\coach\\secret.jpg"
    pack, problems = load(manifest_pack(tmp_path / "packs" / "p", reference))
    assert pack is None
    the_problem(problems, Severity.ERROR, file=reference, step=1, words=["outside the pack folder"])


def test_symlink_pointing_outside_is_refused_in_a_manifest(tmp_path, load):
    (tmp_path / "secret.jpg").write_bytes(image_bytes())
    folder = manifest_pack(tmp_path / "packs" / "p", "01.jpg", files=())
    os.symlink(tmp_path / "secret.jpg", folder / "01.jpg")
    pack, problems = load(folder)
    assert pack is None
    the_problem(problems, Severity.ERROR, file="01.jpg", step=1, words=["outside the pack folder"])


def test_symlink_pointing_outside_is_refused_in_a_photo_folder(tmp_path, load):
    (tmp_path / "secret.jpg").write_bytes(image_bytes())
    folder = write_files(tmp_path / "packs" / "p", ["01 Wet.jpg"])
    os.symlink(tmp_path / "secret.jpg", folder / "02 Secret.jpg")
    pack, problems = load(folder)
    assert pack is None
    the_problem(problems, Severity.ERROR, file="02 Secret.jpg", step=2, words=["outside the pack folder"])


def test_linked_folder_pointing_outside_is_refused(tmp_path, load):
    write_files(tmp_path / "elsewhere", ["01.jpg"])
    folder = manifest_pack(tmp_path / "packs" / "p", "photos/01.jpg", files=())
    os.symlink(tmp_path / "elsewhere", folder / "photos")
    pack, problems = load(folder)
    assert pack is None
    the_problem(problems, Severity.ERROR, file="photos/01.jpg", step=1, words=["outside the pack folder"])


def test_symlink_inside_the_pack_is_fine(tmp_path, load):
    folder = manifest_pack(tmp_path / "packs" / "p", "step.jpg", files=["real/01.jpg"])
    os.symlink("real/01.jpg", folder / "step.jpg")
    pack, problems = load(folder)
    assert pack is not None, problems
    assert pack.steps[0].image == "step.jpg"


def test_link_pointing_nowhere_is_refused(tmp_path, load):
    folder = manifest_pack(tmp_path / "packs" / "p", "01.jpg", files=())
    os.symlink(tmp_path / "gone.jpg", folder / "01.jpg")
    pack, problems = load(folder)
    assert pack is None
    assert [p.file for p in problems if p.severity is Severity.ERROR] == ["01.jpg"]


def test_cover_outside_the_pack_is_an_error(tmp_path, load):
    folder = write_files(tmp_path / "packs" / "p", ["01.jpg"])
    (folder / "pack.yaml").write_text("format: 1\ncover: ../cover.jpg\nsteps: [{image: 01.jpg, text: Hi.}]\n")
    pack, problems = load(folder)
    assert pack is None
    the_problem(problems, Severity.ERROR, file="../cover.jpg", step=None, words=["outside"])


def test_audio_outside_the_pack_is_an_error(tmp_path, load):
    folder = write_files(tmp_path / "packs" / "p", ["01.jpg"])
    (folder / "pack.yaml").write_text("format: 1\nsteps: [{image: 01.jpg, text: Hi., audio: /etc/passwd}]\n")
    pack, problems = load(folder)
    assert pack is None
    the_problem(problems, Severity.ERROR, file="/etc/passwd", step=1, words=["outside"])
