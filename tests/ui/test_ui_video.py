"""Video steps in the running kiosk (real app under Xvfb, real PyAV decoding, real clips encoded
here): the clip plays once in the picture area (its texture changes over time) and then holds its
last frame, a tap on it or Hear again plays it again, its sound is muted on a step that speaks, the
next step's clip is fetched ahead, a step filmed without a photo shows its first frame as the
picture, reduced support shows only the poster, and a clip broken after the pack was loaded falls
back to the poster with a problem for the trainer."""

from __future__ import annotations

import sys
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "packs"))
from video_clips import make_clip  # noqa: E402

from kiosk.ui.widgets.video_step import LOOP_PAUSE  # noqa: E402
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
    # The 2 s clip moves on within a few frames; on a loaded machine (the whole suite in one process)
    # its decoding thread, which runs behind the UI on purpose, may take longer to get going.
    assert wait_for(ui, lambda: first != pixels(video), 1.5), "the video's picture did not change"
    assert wait_for(ui, lambda: video.frames_shown >= 3, 1.0)
    assert video.opacity == 1 and video.playing
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


def sound_pack(folder: Path, extra: str = "", audio: bool = True, seconds: float = 1.0) -> Path:
    """One step filmed with its sound (a tone), and a second step with a photo."""
    root = folder / "film-steps"
    root.mkdir(parents=True)
    make_clip(root / "01.mp4", kind="h264", size=(160, 120), seconds=seconds, fps=12, audio=audio)
    photo(root / "02.jpg", 2)
    (root / "pack.yaml").write_text(
        f"format: 1\nid: film-steps\ntitle: Film steps\nlanguage: en\nkind: assembly\n{extra}"
        "steps:\n  - {video: 01.mp4, text: Take the box.}\n  - {image: 02.jpg, text: Close the box.}\n",
        encoding="utf-8",
    )
    return root


def voices(app) -> int:
    """How many step voices the kiosk has played so far."""
    return sum(1 for kind, _what in app.audio.played if kind == "step")


class Witness(deque):
    """``AudioService.played`` that also notes, for each sound the kiosk plays, whether the clip's
    picture and its own sound were still going at that moment (the real deque's job is unchanged)."""

    def __init__(self, video, seen: list, items=()) -> None:
        super().__init__(items, maxlen=200)
        self.video, self.seen = video, seen

    def append(self, item) -> None:
        if item[0] == "step":
            self.seen.append(("voice", self.video.playing, self.video.sound_playing))
        super().append(item)


def watch(app) -> tuple[object, list]:
    """What starts on the step screen, in order: ("clip sound" | "voice", clip playing, its sound
    playing), from before the worker reaches the step."""
    video = app.screen("step").ids.video
    seen: list[tuple[str, bool, bool]] = []
    app.audio.played = Witness(video, seen, app.audio.played)
    video.bind(
        sound_plays=lambda widget, count: count and seen.append(("clip sound", widget.playing, widget.sound_playing))
    )
    return video, seen


def test_video_sound_plays_the_clip_with_its_sound_then_the_voice(kiosk, ui, tmp_path):
    """pack.yaml video_sound: true: the clip's own sound plays with its first frame, and the
    step's sentence is spoken after the clip (never at the same time); Hear again does the same
    again. A tap on the clip replays it with its sound only."""
    packs = tmp_path / "video-packs"
    sound_pack(packs, extra="video_sound: true\n")
    app = kiosk(packs=[packs])
    pack = wait_for_pack(ui, app)
    assert pack is not None and pack.video_sound_file(pack.steps[0]) is not None
    video, seen = watch(app)
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "film-steps"))
    step = ui.screen
    assert video.source_path.endswith("01.mp4") and video.sound_file is not None
    assert wait_for(ui, lambda: len(seen) == 2, 6.0), seen
    assert seen == [("clip sound", True, True), ("voice", False, False)], "the voice spoke over the clip"
    assert video.showing and not video.playing and video.sound_plays == 1
    ui.shot("video-sound-then-voice")

    seen.clear()
    ui.tap(step.ids.hear)  # Hear again: the clip with its sound, then the voice, again
    assert video.plays == 2
    assert wait_for(ui, lambda: len(seen) == 2, 6.0), seen
    assert seen == [("clip sound", True, True), ("voice", False, False)]

    seen.clear()
    ui.tap(video)  # a tap on the clip: the clip again with its sound, and no voice
    assert video.plays == 3
    assert wait_for(ui, lambda: not video.playing and not video.sound_playing, 6.0)
    run_for(ui, 0.5)
    assert seen == [("clip sound", True, True)]


def test_without_video_sound_the_clip_is_muted_and_the_voice_speaks_at_once(kiosk, ui, tmp_path):
    packs = tmp_path / "video-packs"
    sound_pack(packs)  # the clip has sound, but the pack does not ask for it
    app = kiosk(packs=[packs])
    pack = wait_for_pack(ui, app)
    assert pack is not None and not pack.video_sound and pack.video_sound_file(pack.steps[0]) is None
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "film-steps"))
    video = ui.screen.ids.video
    assert video.sound_file is None
    assert wait_for(ui, lambda: voices(app) == 1, 3.0), "the voice did not speak on arrival"
    assert video.playing, "the voice should speak while the (muted) clip plays"
    assert wait_for(ui, lambda: not video.playing, 6.0)
    assert video.sound_plays == 0 and not video.sound_loaded and voices(app) == 1


def test_a_video_sound_pack_with_a_silent_clip_speaks_at_once(kiosk, ui, tmp_path):
    """video_sound: true, but this clip has no sound track: nothing to wait for."""
    packs = tmp_path / "video-packs"
    sound_pack(packs, extra="video_sound: true\n", audio=False)
    app = kiosk(packs=[packs])
    wait_for_pack(ui, app)
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "film-steps"))
    video = ui.screen.ids.video
    assert video.sound_file is None
    assert wait_for(ui, lambda: voices(app) == 1, 3.0) and video.playing


def test_a_broken_clip_with_sound_falls_back_to_the_poster_and_the_voice(kiosk, ui, tmp_path):
    packs = tmp_path / "video-packs"
    root = sound_pack(packs, extra="video_sound: true\n")
    photo(root / "01.jpg", 1)
    (root / "pack.yaml").write_text(
        (root / "pack.yaml").read_text(encoding="utf-8").replace("{video: 01.mp4,", "{image: 01.jpg, video: 01.mp4,"),
        encoding="utf-8",
    )
    app = kiosk(packs=[packs])
    wait_for_pack(ui, app)
    (root / "01.mp4").write_bytes(b"\0\0\0\x18ftypisom" + bytes(4000))  # damaged after loading
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "film-steps"))
    step = ui.screen
    assert wait_for(ui, lambda: any(p.kind == "video" for p in app.problems.items))
    assert wait_for(ui, lambda: voices(app) == 1, 3.0), "the voice waited for a clip that failed"
    assert not step.ids.video.showing and step.ids.picture.texture is not None and step.number == 1


def test_a_looping_clip_plays_again_after_a_calm_pause_and_only_its_first_play_has_sound(kiosk, ui, tmp_path):
    packs = tmp_path / "video-packs"
    root = sound_pack(packs, extra="video_sound: true\n", seconds=0.8)
    yaml_text = (root / "pack.yaml").read_text(encoding="utf-8")
    (root / "pack.yaml").write_text(
        yaml_text.replace("{video: 01.mp4,", "{video: 01.mp4, video_loop: true,"), encoding="utf-8"
    )
    app = kiosk(packs=[packs])
    pack = wait_for_pack(ui, app)
    assert pack is not None and pack.steps[0].video_loop and not pack.steps[1].video_loop
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "film-steps"))
    step = ui.screen
    video = step.ids.video
    assert wait_for(ui, lambda: video.showing) and video.plays == 1
    assert wait_for(ui, lambda: video.plays == 2, 4.0), "the clip did not start again"
    last = pixels(video)
    run_for(ui, LOOP_PAUSE - 0.5)  # the calm pause: its last frame stays
    assert pixels(video) == last and video.plays == 2
    assert wait_for(ui, lambda: pixels(video) != last, 3.0), "the second play did not move"
    assert wait_for(ui, lambda: video.plays == 3, 5.0)
    assert video.sound_plays == 1, "a repeat of a looping clip should be silent"
    assert voices(app) == 1  # the voice, once, after the first play
    assert step.number == 1 and video.playing  # it goes on for as long as the step is shown
    ui.shot("video-loop")


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


def test_a_clip_filmed_upright_plays_upright(kiosk, ui, tmp_path):
    """A phone clip copied in as it is (not built): its rotation note turns every frame upright."""
    packs = tmp_path / "video-packs"
    root = packs / "film-steps"
    make_clip(root / "01.mp4", kind="h264", size=(160, 96), seconds=1.0, fps=12, rotation=90)
    (root / "pack.yaml").write_text(
        "format: 1\nid: film-steps\ntitle: Film steps\nlanguage: en\nsteps:\n  - {video: 01.mp4, text: Turn it.}\n",
        encoding="utf-8",
    )
    app = kiosk(packs=[packs])
    wait_for_pack(ui, app)
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "film-steps"))
    video = ui.screen.ids.video
    assert wait_for(ui, lambda: video.showing)
    assert tuple(video.texture.size) == (96, 160)  # stood up, like its poster
    assert tuple(ui.screen.ids.picture.texture.size) == (96, 160)


def test_five_phone_clips_through_pack_new_and_build_play_on_the_kiosk(kiosk, ui, tmp_path):
    """The issue's "done when": a coach films five steps with a phone (HEVC .mov, filmed upright
    or not, with location and sound), runs `kiosk pack new` and `kiosk pack build`; the worker
    sees each step's poster at once and its clip play, on the kiosk, with PyAV's own FFmpeg."""
    from kiosk.authoring.build import build_pack
    from kiosk.authoring.new import make_pack
    from ui_helpers import FakeSpeech

    phone = tmp_path / "phone"
    for number, words in enumerate(("Take the box", "Open it", "Take a screw", "Put it in", "Close the box"), 1):
        make_clip(
            phone / f"{number:02d} {words}.MOV",
            kind="hevc-mov",
            size=(96, 64),
            seconds=2.0,  # long enough that a busy machine's skipped late frames still leave three shown
            fps=12,
            audio=True,
            rotation=90 if number % 2 else None,
            metadata={"location": "+52.5200+013.4050/"},
        )
    packs = tmp_path / "packs"
    folder = make_pack(phone, packs / "screw-box", title="Screw box").folder
    built = build_pack(folder, cache_dir=tmp_path / "build-cache", worker=FakeSpeech())
    assert built.pack is not None and len(built.video.converted) == 5, built.problems
    app = kiosk(packs=[packs])
    assert wait_for(ui, lambda: app.shelf.find(built.pack.id) is not None and not app.shelf.scanning, 60.0)
    ui.settle()
    ui.screen.refresh()
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == built.pack.id))
    step = ui.screen
    video = step.ids.video
    for number in range(1, 6):
        assert step.number == number and step.ids.picture.texture is not None  # the poster, at once
        assert video.source_path.endswith(f"video/{number:02d}.mp4")
        # A starved machine skips late frames (the clip keeps time), so it may play through with
        # only its first and last frame shown: either way the picture moved.
        played = wait_for(ui, lambda: video.showing and (video.frames_shown >= 3 or not video.playing))
        assert played and video.frames_shown >= 2, f"step {number}: no clip played"
        upright = (64, 96) if number % 2 else (96, 64)
        assert tuple(video.texture.size) == upright
        if number == 3:
            ui.shot("video-built-from-phone")
        ui.tap(step.ids.next)
    assert app.sm.current != "step" and [p for p in app.problems.items if p.kind == "video"] == []


def test_help_stops_a_clip_and_its_sound(kiosk, ui, tmp_path):
    """The clip's own sound never plays under "Wave to your coach"."""
    packs = tmp_path / "video-packs"
    sound_pack(packs, extra="video_sound: true\n", seconds=3.0)
    app = kiosk(packs=[packs])
    wait_for_pack(ui, app)
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == "film-steps"))
    video = ui.screen.ids.video
    assert wait_for(ui, lambda: video.playing and video.sound_playing, 3.0)
    ui.tap(ui.screen.ids.help)
    assert app.overlay is not None
    assert not video.playing and not video.sound_playing
