"""Video steps in the running kiosk (real app under Xvfb, real PyAV decoding, real clips encoded
here): the clip plays once in the picture area (its texture changes over time) and then holds its
last frame, a tap on it or Hear again plays it again, its sound is muted on a step that speaks, the
next step's clip is fetched ahead, a step filmed without a photo shows its first frame as the
picture, reduced support shows only the poster, and a clip broken after the pack was loaded falls
back to the poster with a problem for the trainer."""

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


def pixels(video) -> bytes:
    return bytes(video.texture.pixels)


def test_the_clip_plays_once_then_holds_its_last_frame(kiosk, ui, tmp_path):
    app, step = start(ui, kiosk, tmp_path)
    video = step.ids.video
    assert step.picture_path.endswith(".jpg") and step.ids.picture.texture is not None  # the poster, at once
    assert video.source_path.endswith("01.mp4")
    assert wait_for(ui, lambda: video.showing), "no video frame appeared"
    first = pixels(video)
    run_for(ui, 0.6)
    assert first != pixels(video), "the video's picture did not change"
    assert video.opacity == 1 and video.frames_shown >= 3 and video.playing
    ui.shot("video-landscape")

    assert wait_for(ui, lambda: not video.playing, 6.0), "the 2 s clip did not end"
    last, shown = pixels(video), video.frames_shown
    run_for(ui, 2.5)  # longer than the clip and the old loop pause: it would have started again
    assert pixels(video) == last and video.frames_shown == shown, "the clip did not stay on its last frame"
    assert video.opacity == 1 and video.showing and video.plays == 1
    assert video.source_path.endswith("01.mp4") and step.number == 1
    ui.shot("video-last-frame")

    ui.tap(step.ids.next)  # a step filmed without a photo: its first frame is the picture
    assert step.picture_path.endswith("display.jpg") and step.ids.picture.texture is not None
    assert video.source_path.endswith("02.webm")
    assert wait_for(ui, lambda: video.showing)
    ui.tap(step.ids.next)
    assert video.source_path == "" and video.opacity == 0  # no clip: only the picture
    assert [p for p in app.problems.items if p.kind == "video"] == []


def test_a_tap_on_the_video_plays_it_again_and_nothing_under_it(kiosk, ui, tmp_path):
    app, step = start(ui, kiosk, tmp_path)
    video = step.ids.video
    assert wait_for(ui, lambda: video.showing) and wait_for(ui, lambda: not video.playing, 6.0)
    last = pixels(video)
    under: list[object] = []
    step.ids.picture.bind(on_touch_down=lambda *_a: under.append("picture"))
    events: list[str] = []
    record = step.session.event
    step.session.event = lambda name: (events.append(name), record(name))[-1]

    ui.tap(video)
    assert under == [], "the tap reached the picture under the video"
    assert video.plays == 2 and video.source_path.endswith("01.mp4")
    assert wait_for(ui, lambda: pixels(video) != last, 3.0), "the tap did not play the clip again"
    run_for(ui, 0.3)
    assert video.opacity == 1  # never back to the poster while it plays again
    assert step.number == 1 and app.sm.current == "step"  # the tap did nothing else
    assert events == []  # no worker action (Hear again, Next, a tally tap) was recorded
    assert wait_for(ui, lambda: not video.playing, 6.0)  # and once more it holds the last frame
    assert pixels(video) == last


def test_hear_again_replays_the_voice_and_the_clip(kiosk, ui, tmp_path):
    app, step = start(ui, kiosk, tmp_path)
    video = step.ids.video
    assert wait_for(ui, lambda: video.showing) and wait_for(ui, lambda: not video.playing, 6.0)
    last = pixels(video)
    played = list(app.audio.played)
    ui.tap(step.ids.hear)
    assert len(app.audio.played) == len(played) + 1 and app.audio.played[-1][0] == "step"
    assert video.plays == 2 and video.playing
    assert wait_for(ui, lambda: pixels(video) != last, 3.0), "Hear again did not replay the clip"
    assert wait_for(ui, lambda: not video.playing, 6.0) and pixels(video) == last


def test_the_clip_is_muted_when_the_step_speaks(kiosk, ui, tmp_path):
    """The pack plays its clips' sound, but a step with a voice keeps its clip muted."""
    packs = tmp_path / "video-packs"
    root = packs / "film-steps"
    root.mkdir(parents=True)
    make_clip(root / "01.mp4", kind="h264", size=(160, 120), seconds=1.0, fps=12, audio=True)
    (root / "pack.yaml").write_text(
        "format: 1\nid: film-steps\ntitle: Film steps\nlanguage: en\nkind: assembly\nvideo_sound: true\n"
        "steps:\n  - {video: 01.mp4, text: Take the box.}\n",
        encoding="utf-8",
    )
    app = kiosk(packs=[packs])
    pack = wait_for_pack(ui, app)
    assert pack is not None and pack.video_sound_file(pack.steps[0]) is not None
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "film-steps"))
    step = ui.screen
    video = step.ids.video
    assert video.source_path.endswith("01.mp4") and video.sound_file is None  # the voice speaks
    assert wait_for(ui, lambda: video.showing) and not video.sound_loaded


def test_next_shows_the_next_clip_fetched_ahead(kiosk, ui, tmp_path):
    _app, step = start(ui, kiosk, tmp_path)
    video = step.ids.video
    assert wait_for(ui, lambda: video.ahead_ready, 10.0)
    ui.tap(step.ids.next)
    assert video.source_path.endswith("02.webm") and video.showing  # its first frame with the poster


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
