"""Video steps in packs: real clips (encoded here with PyAV), probed by content with the limits
a trainer is told about in plain words, and the poster of a step filmed without a photo."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from kiosk.packs import Severity, load_pack
from kiosk.packs.video import MAX_BYTES, probe_video
from tests.packs.video_clips import make_clip


def photo(path: Path, colour=(200, 60, 60)) -> Path:
    Image.new("RGB", (120, 90), colour).save(path, "JPEG")
    return path


def write_pack(root: Path, steps: str, extra: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pack.yaml").write_text(f"format: 1\nid: clips\n{extra}steps:\n{steps}", encoding="utf-8")
    return root


def problems_about(problems, name):
    return [p for p in problems if p.file == name]


def test_a_video_beside_a_picture_and_a_video_instead_of_one(tmp_path: Path) -> None:
    root = tmp_path / "clips"
    root.mkdir()
    photo(root / "01.jpg")
    make_clip(root / "01.mp4", kind="h264")
    make_clip(root / "02.webm", kind="vp9")
    write_pack(root, "  - {image: 01.jpg, video: 01.mp4, text: One.}\n  - {video: 02.webm, text: Two.}\n")
    pack, problems = load_pack(root, tmp_path / "cache")
    assert pack is not None, problems
    assert problems == []
    one, two = pack.steps
    assert (one.image, one.video) == ("01.jpg", "01.mp4")
    assert (two.image, two.video) == ("02.webm", "02.webm")
    poster = pack.display_image(two)
    assert poster.parent.parent == tmp_path / "cache" / "images" and poster.suffix == ".jpg"
    with Image.open(poster) as picture:  # the first frame: the yellow square on the left
        assert picture.size == (64, 48)
        assert picture.convert("RGB").getpixel((8, 24))[0] > 200
    assert pack.video_file(one) == root / "01.mp4" and not pack.video_sound
    assert pack.video_sound_file(one) is None


def test_the_first_frame_is_the_tile_and_the_content_hash_counts_the_clip(tmp_path: Path) -> None:
    root = tmp_path / "clips"
    make_clip(root / "01.mp4")
    write_pack(root, "  - {video: 01.mp4, text: One.}\n")
    pack, _ = load_pack(root, tmp_path / "cache")
    assert pack is not None and pack.thumbnail().name == "thumb.jpg"
    make_clip(root / "01.mp4", seconds=0.5)
    changed, _ = load_pack(root, tmp_path / "cache")
    assert changed is not None and changed.content_hash != pack.content_hash


@pytest.mark.parametrize(
    ("make", "words", "kind"),
    [
        (lambda p: make_clip(p, kind="hevc-mov"), "HEVC", "kiosk pack build"),
        (lambda p: make_clip(p, kind="mpeg4"), "cannot play", "H.264"),
        (lambda p: make_clip(p, size=(32, 24), seconds=62, fps=1), "62 seconds long", "Cut the clip"),
        (lambda p: make_clip(p, size=(1936, 1088), seconds=0.2, fps=5), "1936 x 1088", "720p"),
        (lambda p: p.write_bytes(make_clip(p).read_bytes()[:1500]), "damaged", "copy it"),
        (lambda p: p.write_bytes(b"\0\0\0\x18ftypisom" + os.urandom(5000)), "damaged", "copy it"),
        (lambda p: photo(p), "not an MP4 or WebM", "kiosk pack build"),
        (lambda p: p.write_bytes(b""), "empty", "Copy the clip"),
    ],
    ids=["hevc", "mpeg4", "too-long", "too-big-picture", "cut-short", "random", "picture-named-mp4", "empty"],
)
def test_a_clip_the_kiosk_cannot_play_is_a_plain_problem(tmp_path: Path, make, words, kind) -> None:
    root = tmp_path / "clips"
    root.mkdir()
    photo(root / "01.jpg")
    make(root / "01.mp4")
    (root / "02.mp4").write_bytes((root / "01.mp4").read_bytes())
    write_pack(root, "  - {image: 01.jpg, video: 01.mp4, text: One.}\n  - {video: 02.mp4, text: Two.}\n")
    pack, problems = load_pack(root, tmp_path / "cache")
    assert pack is None  # step 2 has only the clip: an error
    beside, alone = problems_about(problems, "01.mp4"), problems_about(problems, "02.mp4")
    assert [p.severity for p in beside] == [Severity.WARNING] and [p.step for p in beside] == [1]
    assert [p.severity for p in alone] == [Severity.ERROR] and [p.step for p in alone] == [2]
    assert words in beside[0].message and "shows its picture instead" in beside[0].message
    assert kind.lower() in beside[0].hint.lower(), beside[0].hint


def test_too_big_a_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    clip = tmp_path / "huge.mp4"
    with open(clip, "wb") as out:  # sparse: the size is real, the disk space is not used
        out.write(b"\0\0\0\x18ftypisom")
        out.truncate(MAX_BYTES + 1)
    started = time.perf_counter()
    info, trouble = probe_video(clip)
    assert info is None and trouble is not None and trouble.kind == "too large"
    assert "101 MB" in str(trouble.what) and time.perf_counter() - started < 0.5


def test_the_kind_of_clip_comes_from_its_content_not_its_name(tmp_path: Path) -> None:
    webm_named_mp4 = make_clip(tmp_path / "clip.mp4.tmp", kind="vp9").rename(tmp_path / "clip.mp4")
    info, trouble = probe_video(webm_named_mp4)
    assert trouble is None and info is not None and (info.demuxer, info.codec) == ("matroska", "vp9")


def test_a_rotated_clip_gives_an_upright_poster(tmp_path: Path) -> None:
    root = tmp_path / "clips"
    make_clip(root / "01.mp4", kind="h264", size=(64, 48), rotation=90)
    write_pack(root, "  - {video: 01.mp4, text: One.}\n")
    pack, problems = load_pack(root, tmp_path / "cache")
    assert pack is not None, problems
    with Image.open(pack.display_image(pack.steps[0])) as poster:
        assert poster.size == (48, 64)


def test_numbered_videos_in_a_photo_folder(tmp_path: Path) -> None:
    root = tmp_path / "wash-hands"
    root.mkdir()
    photo(root / "01 Wet your hands.jpg")
    make_clip(root / "01 Wet your hands.mp4")
    make_clip(root / "02 Soap.webm", kind="vp9")
    photo(root / "03 Dry.jpg")
    pack, problems = load_pack(root, tmp_path / "cache")
    assert pack is not None and problems == [], problems
    assert [(s.image, s.video, s.text["en"]) for s in pack.steps] == [
        ("01 Wet your hands.jpg", "01 Wet your hands.mp4", "Wet your hands"),
        ("02 Soap.webm", "02 Soap.webm", "Soap"),
        ("03 Dry.jpg", None, "Dry"),
    ]


def test_video_sound_setting_prepares_the_sound_and_a_zip_works_too(tmp_path: Path) -> None:
    root = tmp_path / "clips"
    make_clip(root / "01.mp4", audio=True)
    write_pack(root, "  - {video: 01.mp4, text: One.}\n", extra="video_sound: true\n")
    archive = tmp_path / "clips.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for name in ("pack.yaml", "01.mp4"):
            out.write(root / name, f"clips/{name}")
    for source in (root, archive):
        pack, problems = load_pack(source, tmp_path / "cache")
        assert pack is not None, problems
        sound = pack.video_sound_file(pack.steps[0])
        assert pack.video_sound and sound is not None and sound.name == "sound.wav"
        import wave

        with wave.open(str(sound)) as wav:
            assert 0.8 < wav.getnframes() / wav.getframerate() < 1.3


def test_video_sound_must_be_true_or_false(tmp_path: Path) -> None:
    root = tmp_path / "clips"
    make_clip(root / "01.mp4")
    write_pack(root, "  - {video: 01.mp4, text: One.}\n", extra="video_sound: loud\n")
    pack, problems = load_pack(root, tmp_path / "cache")
    assert pack is None and any("video_sound must be true or false" in p.message for p in problems)


def test_video_loop_per_step_with_the_packs_default(tmp_path: Path) -> None:
    root = tmp_path / "clips"
    for name in ("01.mp4", "02.mp4", "03.mp4"):
        make_clip(root / name)
    photo(root / "04.jpg")
    steps = (
        "  - {video: 01.mp4, text: One.}\n"
        "  - {video: 02.mp4, text: Two., video_loop: false}\n"
        "  - {video: 03.mp4, text: Three., video_loop: true}\n"
        "  - {image: 04.jpg, text: Four., video_loop: true}\n"  # no clip: nothing to loop
    )
    write_pack(root, steps)
    pack, problems = load_pack(root, tmp_path / "cache")
    assert pack is not None and problems == [], problems
    assert [s.video_loop for s in pack.steps] == [False, False, True, False] and not pack.video_loop
    write_pack(root, steps, extra="video_loop: true\n")  # the pack's default: loop, unless a step says not
    pack, problems = load_pack(root, tmp_path / "cache")
    assert pack is not None and problems == [], problems
    assert [s.video_loop for s in pack.steps] == [True, False, True, False] and pack.video_loop


def test_the_packs_video_loop_applies_to_a_photo_folder(tmp_path: Path) -> None:
    root = tmp_path / "screws"
    make_clip(root / "01 Turn the screw.mp4")
    photo(root / "02 Done.jpg")
    (root / "pack.yaml").write_text("format: 1\nvideo_loop: true\n", encoding="utf-8")
    pack, problems = load_pack(root, tmp_path / "cache")
    assert pack is not None and problems == [], problems
    assert [(s.video, s.video_loop) for s in pack.steps] == [("01 Turn the screw.mp4", True), (None, False)]


@pytest.mark.parametrize(
    ("extra", "steps", "where"),
    [
        ("video_loop: sometimes\n", "  - {video: 01.mp4, text: One.}\n", None),
        ("", "  - {video: 01.mp4, text: One., video_loop: 3}\n", 1),
        ("", "  - {video: 01.mp4, text: One., video_loop: [yes]}\n", 1),
    ],
    ids=["pack-words", "step-number", "step-list"],
)
def test_video_loop_must_be_true_or_false(tmp_path: Path, extra: str, steps: str, where: int | None) -> None:
    root = tmp_path / "clips"
    make_clip(root / "01.mp4")
    write_pack(root, steps, extra=extra)
    pack, problems = load_pack(root, tmp_path / "cache")
    assert pack is None
    wrong = [p for p in problems if "video_loop must be true or false" in str(p.message)]
    assert len(wrong) == 1 and wrong[0].step == where and wrong[0].file == "pack.yaml", problems
    assert "video_loop: true" in str(wrong[0].hint)
    if where is not None:
        assert str(wrong[0].message).startswith(f"In step {where}, the video_loop")


def test_the_schema_knows_the_video_settings() -> None:
    import json
    from importlib import resources

    import jsonschema
    import yaml

    schema = json.loads(resources.files("kiosk.packs").joinpath("pack.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    good = (
        "format: 1\nvideo_sound: true\nvideo_loop: false\nsteps:\n"
        "  - {image: 01.jpg, video: 01.mp4, video_loop: true, text: One.}\n"
        "  - {video: 02.webm, text: Two.}\n"
    )
    assert [e.message for e in validator.iter_errors(yaml.safe_load(good))] == []
    for wrong in (
        "format: 1\nvideo_loop: sometimes\n",
        "format: 1\nvideo_sound: 1\n",
        "format: 1\nsteps: [{video: 01.mp4, text: One., video_loop: 3}]\n",
        "format: 1\nsteps: [{video: 01.gif, text: One.}]\n",
    ):
        assert list(validator.iter_errors(yaml.safe_load(wrong))), wrong
