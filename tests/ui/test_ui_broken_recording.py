"""Hostile and broken media in the running kiosk: a step's recording that does not play is never
silence (the sentence is spoken instead and the trainer is told), and a person photo that is
really PostScript never makes the people screen run Ghostscript.

These run the real app under Xvfb (see conftest.py), with real files and Kivy's real
``SoundLoader``; only the speech engine is the usual stand-in, which records what it rendered.
"""

from __future__ import annotations

import os
import random
import stat
from pathlib import Path

import pytest
from hostile_files import POSTSCRIPT, ghostscript_trap

from ui_helpers import tone


def start_task(ui, pack_id="sort-screws"):
    ui.tap(next(t for t in ui.screen.tiles() if t.item.id == pack_id))
    return ui.screen


def audio_problems(app):
    return [p for p in app.problems.items if p.kind == "audio"]


def test_random_bytes_recording_is_replaced_by_the_spoken_sentence(kiosk, ui, library):
    recording = library / "sort-screws" / "01.wav"
    recording.write_bytes(random.Random(10).randbytes(6000))  # after the library was written, before the scan
    app = kiosk()
    step = start_task(ui)
    ui.advance(0.1)
    ui.settle()
    assert step.number == 1
    assert ("Take the box of screws.", "en") in app.fake_speech.rendered  # the sentence instead
    kind, played = app.audio.played[-1]
    assert kind == "step" and "speech" in played and not played.endswith("01.wav"), app.audio.played
    assert all(not what.endswith("01.wav") for _kind, what in app.audio.played)  # never the broken file
    problems = audio_problems(app)
    assert any("01.wav" in p.detail and "spoken instead" in p.message for p in problems), problems
    assert any("Record it again" in p.message for p in problems)

    ui.tap(step.ids.hear)  # hear again: the spoken sentence again, no second problem
    ui.settle()
    assert app.audio.played[-1] == ("step", played)
    assert len(audio_problems(app)) == len(problems)
    stored = app.journal.get_setting("ui.problems")
    assert any("01.wav" in p["detail"] for p in stored)


def test_recording_broken_after_loading_is_caught_when_the_step_is_reached(kiosk, ui, library):
    app = kiosk()
    recording = library / "sort-screws" / "01.wav"
    data = recording.read_bytes()
    recording.write_bytes(data[:60])  # cut short after the pack was loaded: header, almost no sound
    start_task(ui)
    ui.advance(0.1)
    ui.settle()
    assert ("Take the box of screws.", "en") in app.fake_speech.rendered
    assert app.audio.played[-1][0] == "step" and "speech" in app.audio.played[-1][1]
    assert any("01.wav" in p.detail and "cut short" in p.detail for p in audio_problems(app))


def test_a_good_recording_is_still_played_and_no_problem_is_logged(kiosk, ui, library):
    app = kiosk()
    start_task(ui)
    ui.advance(0.1)
    assert app.audio.played[-1][0] == "step" and app.audio.played[-1][1].endswith("01.wav")
    assert ("Take the box of screws.", "en") not in app.fake_speech.rendered
    assert audio_problems(app) == []


def test_recording_kivy_cannot_load_falls_back_to_speech(kiosk, ui, library):
    """A real AAC recording (.m4a) decodes, but Kivy has no player for it: SoundLoader answers None."""
    av = pytest.importorskip("av")
    pack = library / "sort-screws"
    source = tone(pack / "tone.wav", seconds=0.5)
    with av.open(str(source)) as wav_in, av.open(str(pack / "01.m4a"), "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=22050, layout="mono")
        resampler = av.AudioResampler(
            format=stream.codec_context.format, layout="mono", rate=22050, frame_size=stream.codec_context.frame_size
        )
        for frame in wav_in.decode(audio=0):
            frame.pts = None
            for piece in resampler.resample(frame):
                out.mux(stream.encode(piece))
        for piece in resampler.resample(None):
            out.mux(stream.encode(piece))
        out.mux(stream.encode(None))
    source.unlink()
    (pack / "01.wav").unlink()
    manifest = pack / "pack.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("audio: 01.wav", "audio: 01.m4a"), encoding="utf-8"
    )
    app = kiosk()
    start_task(ui)
    ui.advance(0.1)
    ui.settle()
    assert ("Take the box of screws.", "en") in app.fake_speech.rendered
    assert app.audio.played[-1][0] == "step" and "speech" in app.audio.played[-1][1]
    assert any("01.m4a" in p.detail for p in audio_problems(app)), app.problems.items


@pytest.fixture
def fake_ghostscript(tmp_path, monkeypatch):
    """A ``gs`` first on PATH that only leaves a marker file: if anything runs Ghostscript, we see it."""
    return ghostscript_trap(tmp_path, monkeypatch)


def test_postscript_person_photo_on_the_people_screen_never_runs_ghostscript(kiosk, ui, tmp_path, fake_ghostscript):
    photo = tmp_path / "data" / "photos" / "anna.jpg"

    def add_anna(journal):
        photo.parent.mkdir(parents=True, exist_ok=True)
        photo.write_bytes(POSTSCRIPT)
        journal.add_person("Anna", photo=str(photo), language="en")
        journal.add_person("Ben", language="en")  # with two people the kiosk opens on "Who are you?"

    app = kiosk(prepare=add_anna)
    ui.settle()
    assert app.sm.current == "people"
    assert "Anna" in [t.title for t in ui.screen.tiles()]  # shown, with the neutral placeholder
    assert not fake_ghostscript.exists(), fake_ghostscript.read_text()
    pictures = [p for p in app.problems.items if p.kind == "picture"]
    assert any("anna.jpg" in p.detail and "not a picture the kiosk can show" in p.detail for p in pictures), pictures


def test_kivy_image_widget_with_a_postscript_source_never_runs_ghostscript(kiosk, ui, tmp_path, fake_ghostscript):
    """Kivy's ``Image(source=...)`` (used for a person photo on the progress page) picks its loader
    from the file's content: "ps" goes to Kivy's Pillow loader, which opens with every plug-in."""
    from kivy.uix.image import Image as KivyImage

    kiosk()
    path = tmp_path / "anna.jpg"
    path.write_bytes(POSTSCRIPT)
    picture = KivyImage(source=str(path), nocache=True)
    ui.pump(2)
    assert picture.texture is None
    assert not fake_ghostscript.exists(), fake_ghostscript.read_text()


def test_fake_ghostscript_is_really_found_by_pillow(fake_ghostscript, tmp_path):
    """The check above can fail: Pillow's EPS plug-in, if it decoded the file, runs our fake gs."""
    from PIL import Image

    path = tmp_path / "x.jpg"
    path.write_bytes(POSTSCRIPT)
    from PIL import EpsImagePlugin

    with pytest.raises(Exception):  # noqa: B017 - whatever Pillow makes of gs failing
        EpsImagePlugin.EpsImageFile(str(path)).load()
    assert fake_ghostscript.exists()
