"""`kiosk pack new` and `kiosk pack build` with phone videos: real clips encoded by PyAV here
(HEVC in .mov as an iPhone films, with a rotation note, a location and sound), converted by the
real build, checked by opening the result with PyAV and loading the pack with kiosk.packs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import av
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "packs"))
from authoring_helpers import PhotoSpec, make_photo  # noqa: E402
from video_clips import make_clip  # noqa: E402

from kiosk.authoring.build import build_pack  # noqa: E402
from kiosk.authoring.new import PackNewError, make_pack  # noqa: E402
from kiosk.authoring.packyaml import read_pack_document  # noqa: E402
from kiosk.authoring.video import STATE_NAME, convert, fitted_size  # noqa: E402
from kiosk.authoring.zipping import zip_pack  # noqa: E402

LOCATION = "+52.5200+013.4050/"


def iphone_clip(path: Path, **kwargs) -> Path:
    options = dict(
        kind="hevc-mov",
        size=(96, 64),
        seconds=1.0,
        fps=12,
        audio=True,
        rotation=90,
        metadata={
            "location": LOCATION,
            "com.apple.quicktime.location.ISO6709": LOCATION,
            "creation_time": "2024-03-12T10:15:00Z",
        },
    )
    options.update(kwargs)
    return make_clip(path, **options)


def streams_of(path: Path) -> tuple[dict, list[str], av.VideoFrame, str, str]:
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        frame = next(container.decode(video))
        return (
            dict(container.metadata),
            [s.type for s in container.streams],
            frame,
            video.codec_context.name,
            video.codec_context.pix_fmt,
        )


def test_iphone_hevc_mov_becomes_upright_h264_without_location(tmp_path: Path) -> None:
    source = iphone_clip(tmp_path / "IMG_0001.MOV")
    result = convert(source, tmp_path / "out.mp4", keep_sound=False)
    metadata, kinds, frame, codec, pixels = streams_of(tmp_path / "out.mp4")
    assert (codec, pixels) == ("h264", "yuv420p")
    assert kinds == ["video"]  # sound dropped
    assert (frame.width, frame.height) == (64, 96) == result.size  # the rotation note turned into pixels
    assert not frame.rotation
    assert not any(LOCATION in str(value) for value in metadata.values()), metadata
    assert not any("location" in key.lower() or "creation" in key.lower() for key in metadata)
    assert result.frames == 12


def test_sound_is_kept_when_asked_and_big_clips_become_720p(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "big.mp4", kind="h264", size=(1920, 1080), seconds=0.5, fps=60, audio=True)
    result = convert(source, tmp_path / "out.mp4", keep_sound=True)
    _metadata, kinds, frame, _codec, _pixels = streams_of(tmp_path / "out.mp4")
    assert sorted(kinds) == ["audio", "video"] and result.has_sound
    assert (frame.width, frame.height) == (1280, 720)
    assert result.frames <= 16  # 60 frames a second became at most 30
    assert fitted_size(1080, 1920) == (720, 1280) and fitted_size(320, 240) == (320, 240)


def test_new_and_build_make_a_pack_that_plays_from_phone_videos(tmp_path: Path, worker, cache_dir: Path) -> None:
    photos = tmp_path / "Sort screws"
    photos.mkdir()
    make_photo(photos / "01 Take the box.jpg", PhotoSpec())
    iphone_clip(photos / "01 Take the box.mov")  # the clip of step 1, the photo its poster
    iphone_clip(photos / "02 Put in the screw.MOV", rotation=None)  # a step filmed without a photo
    pack_folder = make_pack(photos, tmp_path / "pack").folder
    document = read_pack_document(pack_folder)
    assert [sorted(step) for step in document["steps"]] == [["image", "text", "video"], ["text", "video"]]

    first = build_pack(pack_folder, cache_dir=cache_dir, worker=worker)
    assert sorted(first.video.converted) == ["video/01.mp4", "video/02.mp4"], first.video
    assert first.video.posters == ["video/02.jpg"] and not first.video.failures
    errors = [p for p in first.problems if p.severity == "error"]
    assert first.pack is not None, errors
    steps = first.pack.steps
    assert steps[0].video == "video/01.mp4" and steps[0].image == "01.jpg"
    assert steps[1].video == "video/02.mp4" and steps[1].image == "video/02.jpg"
    assert not [p for p in first.problems if p.file and "video" in p.file]
    assert (pack_folder / ".sources" / "01.mov").is_file() and not (pack_folder / "01.mov").exists()

    converted = pack_folder / "video" / "01.mp4"
    stamp = converted.stat().st_mtime_ns
    second = build_pack(pack_folder, cache_dir=cache_dir, worker=worker)
    assert second.video.converted == [] and second.video.unchanged == 2  # nothing changed: nothing converted
    assert converted.stat().st_mtime_ns == stamp and not second.wrote_pack_yaml

    document = read_pack_document(pack_folder)
    document["video_sound"] = True  # the coach wants the clips' sound: converted again from the sources
    from kiosk.authoring.packyaml import render_pack_yaml, write_pack_yaml

    write_pack_yaml(pack_folder, render_pack_yaml(document))
    third = build_pack(pack_folder, cache_dir=cache_dir, worker=worker)
    assert sorted(third.video.converted) == ["video/01.mp4", "video/02.mp4"]
    assert "audio" in streams_of(converted)[1]
    assert third.pack is not None and third.pack.video_sound and third.pack.video_sound_file(third.pack.steps[0])

    archive = zip_pack(pack_folder, tmp_path / "out")
    import zipfile

    names = zipfile.ZipFile(archive.path).namelist()
    assert not any(".sources" in name or name.endswith(STATE_NAME) for name in names), names


def test_new_refuses_a_clip_that_is_too_long_or_not_a_video(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    make_photo(photos / "01 Start.jpg", PhotoSpec())
    (photos / "02 Broken.mp4").write_bytes(os.urandom(3000))
    with pytest.raises(PackNewError, match="02 Broken.mp4"):
        make_pack(photos, tmp_path / "pack")
    (photos / "02 Broken.mp4").unlink()
    make_clip(photos / "02 Long.mp4", kind="h264", size=(32, 24), seconds=62, fps=2)
    with pytest.raises(PackNewError, match="62 seconds long"):
        make_pack(photos, tmp_path / "pack")


def test_build_keeps_the_coachs_video_loop_settings(tmp_path: Path, worker, cache_dir: Path) -> None:
    """`kiosk pack build` rewrites pack.yaml (converted clips, posters): the loop settings a coach
    wrote stay, for the pack and for each step, and the built pack loops as written."""
    photos = tmp_path / "Turn screws"
    photos.mkdir()
    iphone_clip(photos / "01 Turn the screw.mov", rotation=None)
    iphone_clip(photos / "02 Put the lid on.mov", rotation=None)
    pack_folder = make_pack(photos, tmp_path / "pack").folder
    document = read_pack_document(pack_folder)
    document["video_loop"] = True
    document["steps"][1]["video_loop"] = False
    from kiosk.authoring.packyaml import render_pack_yaml, write_pack_yaml

    write_pack_yaml(pack_folder, render_pack_yaml(document))
    built = build_pack(pack_folder, cache_dir=cache_dir, worker=worker)
    assert built.pack is not None, built.problems
    assert [step.video_loop for step in built.pack.steps] == [True, False] and built.pack.video_loop
    again = read_pack_document(pack_folder)
    assert again["video_loop"] is True and [s.get("video_loop") for s in again["steps"]] == [None, False]
    assert [s["video"] for s in again["steps"]] == ["video/01.mp4", "video/02.mp4"]
