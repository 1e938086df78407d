"""Video steps in the running kiosk (real app under Xvfb, real PyAV decoding, real clips encoded
here): the clip plays in the picture area (its texture changes over time), a step filmed without
a photo shows its first frame as the picture, reduced support shows only the poster, and a clip
broken after the pack was loaded falls back to the poster with a problem for the trainer."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "packs"))
from video_clips import make_clip  # noqa: E402

from ui_helpers import photo  # noqa: E402


def video_pack(folder: Path) -> Path:
    root = folder / "film-steps"
    root.mkdir(parents=True)
    photo(root / "01.jpg", 1)
    make_clip(root / "01.mp4", kind="h264", size=(320, 240), seconds=2.0, fps=12)
    make_clip(root / "02.webm", kind="vp9", size=(320, 240), seconds=1.5, fps=12)
    photo(root / "03.jpg", 3)
    (root / "pack.yaml").write_text(
        "format: 1\nid: film-steps\ntitle: Film steps\nlanguage: en\nkind: assembly\nsteps:\n"
        "  - {image: 01.jpg, video: 01.mp4, text: Take the box.}\n"
        "  - {video: 02.webm, text: Put in the screw.}\n"
        "  - {image: 03.jpg, text: Close the box.}\n",
        encoding="utf-8",
    )
    return root


def run_for(ui, seconds: float) -> None:
    """Let real time pass while the app keeps drawing (the decoder runs on real time)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        ui.pump(1)
        time.sleep(0.01)


def wait_for(ui, condition, seconds: float = 8.0) -> bool:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        if condition():
            return True
        ui.pump(1)
        time.sleep(0.01)
    return condition()


def start(ui, kiosk, tmp_path, size=(1280, 800)):
    packs = tmp_path / "video-packs"
    video_pack(packs)
    app = kiosk(packs=[packs], size=size)
    wait_for_pack(ui, app)
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "film-steps"))
    return app, ui.screen


def wait_for_pack(ui, app, seconds: float = 60.0):
    """Probing clips and making posters takes real time on a busy machine: wait for the scan."""
    assert wait_for(ui, lambda: app.shelf.find("film-steps") is not None and not app.shelf.scanning, seconds)
    ui.settle()
    if app.sm.current == "tasks":
        ui.screen.refresh()
    return app.shelf.find("film-steps")


def test_the_clip_plays_in_the_picture_area_and_changes_over_time(kiosk, ui, tmp_path):
    app, step = start(ui, kiosk, tmp_path)
    video = step.ids.video
    assert step.picture_path.endswith(".jpg") and step.ids.picture.texture is not None  # the poster, at once
    assert video.source_path.endswith("01.mp4")
    assert wait_for(ui, lambda: video.showing), "no video frame appeared"
    first = bytes(video.texture.pixels)
    run_for(ui, 0.6)
    later = bytes(video.texture.pixels)
    assert first != later, "the video's picture did not change"
    assert video.opacity == 1 and video.frames_shown >= 3
    ui.shot("video-landscape")

    played = list(app.audio.played)
    ui.tap(step.ids.hear)  # Hear again: the voice again, the video keeps going
    assert len(app.audio.played) == len(played) + 1 and app.audio.played[-1][0] == "step"
    assert video.source_path.endswith("01.mp4")

    ui.tap(step.ids.next)  # a step filmed without a photo: its first frame is the picture
    assert step.picture_path.endswith("display.jpg") and step.ids.picture.texture is not None
    assert video.source_path.endswith("02.webm")
    assert wait_for(ui, lambda: video.showing)
    ui.tap(step.ids.next)
    assert video.source_path == "" and video.opacity == 0  # no clip: only the picture
    assert [p for p in app.problems.items if p.kind == "video"] == []


def test_portrait_screenshot(kiosk, ui, tmp_path):
    _app, step = start(ui, kiosk, tmp_path, size=(800, 1280))
    assert wait_for(ui, lambda: step.ids.video.showing)
    run_for(ui, 0.3)
    ui.shot("video-portrait")


def test_a_clip_broken_after_loading_falls_back_to_the_poster(kiosk, ui, tmp_path):
    packs = tmp_path / "video-packs"
    root = video_pack(packs)
    app = kiosk(packs=[packs])
    wait_for_pack(ui, app)
    clip = root / "01.mp4"
    clip.write_bytes(b"\0\0\0\x18ftypisom" + bytes(4000))  # damaged after the pack was checked
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "film-steps"))
    step = ui.screen
    assert wait_for(ui, lambda: any(p.kind == "video" for p in app.problems.items))
    problem = next(p for p in app.problems.items if p.kind == "video")
    assert "01.mp4" in problem.detail and "picture was shown instead" in problem.message
    video = step.ids.video
    assert video.opacity == 0 and not video.showing and video.source_path == ""
    assert step.ids.picture.texture is not None and step.picture_path.endswith(".jpg")  # the poster stays
    assert step.number == 1  # the worker is not stopped
    ui.shot("video-broken-poster")


def test_reduced_support_shows_the_poster_only(kiosk, ui, tmp_path):
    """Video is the fullest support: after three runs alone (reduced support) only the poster shows."""
    packs = tmp_path / "video-packs"
    video_pack(packs)
    app = kiosk(packs=[packs], people=[("Anna", "en")])
    pack = wait_for_pack(ui, app)
    for _run in range(3):
        run_id = app.journal.start_run(
            app.worker.id, pack.id, pack.version, pack.content_hash, step_count=len(pack.steps)
        )
        for number in range(1, len(pack.steps) + 1):
            app.journal.record_step(run_id, number, "shown")
            app.journal.record_step(run_id, number, "done", 4000)
        app.journal.finish_run(run_id, "finished")
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "film-steps"))
    step = ui.screen
    assert step.level == "reduced"
    run_for(ui, 0.5)
    assert step.ids.video.source_path == "" and not step.ids.video.showing
    assert step.ids.picture.texture is not None
