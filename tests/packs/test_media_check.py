"""Only the decoders we name: recordings that really play, pictures only in the named formats.

Real files throughout (WAVs written with the standard library, OGG/MP3/M4A encoded with PyAV,
pictures saved by Pillow), checked by the real checks and the real loader and CLI."""

from __future__ import annotations

import io
import os
import random
import tempfile
import time
from pathlib import Path

import pytest
from hostile_files import POSTSCRIPT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from kiosk.audio_check import RECORD_AGAIN, recording_problem
from kiosk.cli import main
from kiosk.imaging import (
    NOT_A_PICTURE,
    PACK_PICTURE_FORMATS,
    PICTURE_FORMATS,
    NotAPicture,
    open_picture,
    picture_format,
)
from kiosk.packs import Severity, load_pack
from kiosk.packs import images

from .builders import image_bytes, write_files
from .media_samples import encoded, install_fake_ghostscript, wav_tone


@pytest.fixture
def fake_ghostscript(tmp_path, monkeypatch) -> Path:
    return install_fake_ghostscript(tmp_path, monkeypatch)


def noise(size: int, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(size)


def recording_pack(folder: Path, recording: str, content: bytes | None = None) -> Path:
    """A one-step pack whose step 1 names ``recording``; ``content`` None: the file is made elsewhere."""
    files: dict[str, bytes | str] = {
        "01.jpg": image_bytes(),
        "pack.yaml": f"format: 1\nid: voice\nsteps:\n  - image: 01.jpg\n    text: Wash your hands.\n    audio: {recording}\n",
    }
    if content is not None:
        files[recording] = content
    return write_files(folder, files)


# --- recordings: the check itself -------------------------------------------------------------


@pytest.mark.parametrize("name", ["ok.wav", "ok.mp3", "ok.ogg"])
def test_real_recordings_pass(tmp_path, name):
    path = wav_tone(tmp_path / name) if name.endswith(".wav") else encoded(tmp_path / name)
    assert recording_problem(path) is None


def test_a_good_m4a_is_reported_as_not_playable_by_the_kiosk(tmp_path):
    """It decodes, but none of Kivy's players plays M4A: the kiosk would always speak instead."""
    assert "cannot play" in recording_problem(encoded(tmp_path / "ok.m4a"))


def test_8_bit_32_bit_and_float_wavs_pass(tmp_path):
    assert recording_problem(wav_tone(tmp_path / "u8.wav", width=1)) is None
    assert recording_problem(wav_tone(tmp_path / "s32.wav", width=4)) is None
    # float samples: not plain PCM for the wave module, so the decoder checks them
    assert recording_problem(encoded(tmp_path / "float.wav", container="wav", codec="pcm_f32le")) is None


@pytest.mark.parametrize("name", ["01.wav", "01.mp3", "01.ogg", "01.m4a"])
def test_random_bytes_are_not_a_recording(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(noise(6000))
    problem = recording_problem(path)
    assert problem is not None and "recording" in problem


def test_wav_faults_are_named(tmp_path):
    good = wav_tone(tmp_path / "good.wav").read_bytes()
    cases = {
        "empty.wav": (b"", "is empty"),
        "header-only.wav": (good[:44], "cut short"),
        "half.wav": (good[: len(good) // 2], "cut short"),
        "inside-header.wav": (good[:30], "cut short"),
        "riff-junk.wav": (b"RIFF\x24\x00\x00\x00WAVEfmt " + noise(40), "damaged"),
        "mp3-named-wav.wav": (encoded(tmp_path / "x.mp3").read_bytes(), "not a WAV"),
    }
    no_frames = tmp_path / "no-frames.wav"
    wav_tone(no_frames, seconds=0)
    assert "no sound" in recording_problem(no_frames)
    for name, (content, words) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        problem = recording_problem(path)
        assert problem is not None and words in problem, (name, problem)


def test_only_the_named_demuxer_and_codecs_are_used(tmp_path):
    wav_named_mp3 = tmp_path / "wav.mp3"
    wav_named_mp3.write_bytes(wav_tone(tmp_path / "w.wav").read_bytes())
    assert recording_problem(wav_named_mp3) is not None  # FFmpeg is not allowed to guess "wav"
    text = tmp_path / "notes.ogg"
    text.write_text("#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n")  # a playlist, not a sound
    assert recording_problem(text) is not None


def test_a_recording_fixed_later_is_checked_again(tmp_path):
    path = tmp_path / "01.wav"
    path.write_bytes(noise(3000))
    assert recording_problem(path) is not None
    wav_tone(path)
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))  # a new version even on coarse clocks
    assert recording_problem(path) is None


def test_a_long_recording_is_checked_without_decoding_all_of_it(tmp_path):
    """A 3-minute MP3: the check decodes its first seconds only, so it costs far less than a
    full decode (measured here in the same run, so the comparison holds on any machine)."""
    import av

    long_mp3 = encoded(tmp_path / "long.mp3", seconds=180)
    start = time.perf_counter()
    with av.open(str(long_mp3)) as container:
        for _frame in container.decode(audio=0):
            pass
    full = time.perf_counter() - start
    start = time.perf_counter()
    assert recording_problem(long_mp3) is None
    checked = time.perf_counter() - start
    assert checked < full / 5, (checked, full)


# --- recordings: in the loader and `kiosk pack validate` ----------------------------------------


def test_random_bytes_wav_is_a_warning_with_file_step_and_what_to_do(packs_dir, load):
    pack, problems = load(recording_pack(packs_dir / "p", "01.wav", noise(6000)))
    assert pack is not None  # the step still works: the kiosk speaks the sentence
    [problem] = problems
    assert problem.severity is Severity.WARNING and problem.file == "01.wav" and problem.step == 1
    assert "The recording 01.wav for step 1 is not a WAV sound recording" in problem.message
    assert "speak the step's sentence" in problem.message
    assert problem.hint == RECORD_AGAIN == "Record it again, or delete it so the kiosk speaks the sentence."
    assert pack.steps[0].audio == {"en": "01.wav"}  # still named: the kiosk checks it again before playing


@pytest.mark.parametrize("name", ["01.wav", "01.mp3", "01.ogg"])
def test_real_recordings_load_without_problems(packs_dir, load, name):
    folder = recording_pack(packs_dir / "p", name)
    wav_tone(folder / name) if name.endswith(".wav") else encoded(folder / name)
    pack, problems = load(folder)
    assert problems == [] and pack.steps[0].audio == {"en": name}


def test_zero_config_pack_recording_is_checked_too(packs_dir, load):
    folder = write_files(packs_dir / "wash", {"01 Wet your hands.jpg": None, "01 Wet your hands.mp3": noise(4000)})
    pack, problems = load(folder)
    assert pack is not None
    assert [(p.severity, p.file, p.step) for p in problems] == [(Severity.WARNING, "01 Wet your hands.mp3", 1)]


def test_validate_reports_a_broken_recording(packs_dir, capsys):
    folder = recording_pack(packs_dir / "wash-hands", "01.wav", noise(6000))
    assert main(["pack", "validate", str(folder)]) == 0  # a warning: the pack still works
    out = capsys.readouterr().out
    assert "01.wav, step 1: The recording 01.wav for step 1 is not a WAV sound recording" in out
    assert "Record it again, or delete it so the kiosk speaks the sentence." in out


# --- pictures: only the named decoders ----------------------------------------------------------


def picture_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def test_the_list_is_jpeg_png_webp_and_heic():
    assert PICTURE_FORMATS == ("JPEG", "PNG", "WEBP", "HEIF")
    assert PACK_PICTURE_FORMATS == ("JPEG", "PNG", "WEBP") == images.DECODED_FORMATS
    with pytest.raises(ValueError):
        open_picture(io.BytesIO(picture_bytes("PNG")), ("PNG", "EPS"))  # the list is widened in one place only


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_named_formats_open(fmt):
    with open_picture(io.BytesIO(picture_bytes(fmt))) as picture:
        picture.load()
        assert picture.format == fmt and picture.size == (16, 12)


def test_heic_opens_when_pillow_heif_can_write_one(tmp_path):
    pillow_heif = pytest.importorskip("pillow_heif")
    path = tmp_path / "phone.heic"
    try:
        Image.new("RGB", (64, 48), (10, 200, 10)).save(path, "HEIF")
    except Exception as error:  # noqa: BLE001 - a pillow-heif build without an encoder
        pytest.skip(f"this pillow-heif {pillow_heif.__version__} cannot write HEIC: {error}")
    assert picture_format(path) == "HEIF"
    assert picture_format(path, PACK_PICTURE_FORMATS) is None  # not a pack picture


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "EPS", "ICO", "PPM"])
def test_other_formats_are_not_a_picture(fmt):
    with pytest.raises(NotAPicture, match=NOT_A_PICTURE.replace("(", r"\(").replace(")", r"\)")):
        open_picture(io.BytesIO(picture_bytes(fmt)))


def test_postscript_named_jpg_is_refused_without_running_ghostscript(tmp_path, fake_ghostscript):
    path = tmp_path / "01 x.jpg"
    path.write_bytes(POSTSCRIPT)
    assert picture_format(path) is None
    with pytest.raises(NotAPicture):
        open_picture(path)
    folder = write_files(tmp_path / "pack", {"01 x.jpg": POSTSCRIPT})
    pack, problems = load_pack(folder, tmp_path / "cache")
    assert pack is None and problems[0].file == "01 x.jpg"
    assert not fake_ghostscript.exists()


def test_eps_is_switched_off_for_code_that_forgets_formats(tmp_path, fake_ghostscript):
    """Kivy's own image loader calls ``PIL.Image.open(path)`` with every plug-in: once
    kiosk.imaging is imported, EPS is not one of them."""
    path = tmp_path / "photo.jpg"
    path.write_bytes(POSTSCRIPT)
    with pytest.raises(OSError):
        Image.open(path).load()
    assert "EPS" not in Image.OPEN and ".eps" not in Image.registered_extensions()
    assert not fake_ghostscript.exists()


def test_the_fake_ghostscript_would_be_run_by_pillow_unrestricted(tmp_path, fake_ghostscript):
    """Proof that the test above can fail: Pillow's EPS plug-in, if it decoded the file, runs our fake gs."""
    path = tmp_path / "01 x.jpg"
    path.write_bytes(POSTSCRIPT)
    from PIL import EpsImagePlugin

    with pytest.raises(Exception):  # noqa: B017 - whatever Pillow makes of gs failing
        EpsImagePlugin.EpsImageFile(str(path)).load()
    assert fake_ghostscript.exists()


# --- random bytes never crash ---------------------------------------------------------------------

QUICK = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
PREFIXES = st.sampled_from(
    [
        b"",
        b"RIFF\x24\x00\x00\x00WAVEfmt ",
        b"OggS\x00\x02",
        b"ID3\x03\x00",
        b"\xff\xfb\x90",
        b"\x00\x00\x00\x18ftypM4A ",
        b"\x89PNG\r\n\x1a\n",
        b"\xff\xd8\xff\xe0",
        b"RIFF\x00\x00\x00\x00WEBPVP8 ",
        b"%!PS-Adobe-3.0 EPSF-3.0\n",
    ]
)


@QUICK
@given(prefix=PREFIXES, data=st.binary(max_size=600), suffix=st.sampled_from([".wav", ".mp3", ".ogg", ".m4a"]))
def test_random_bytes_as_a_recording_never_crash_the_check_or_the_loader(prefix, data, suffix):
    with tempfile.TemporaryDirectory() as temp:
        folder = recording_pack(Path(temp) / "pack", f"01{suffix}", prefix + data)
        problem = recording_problem(folder / f"01{suffix}")
        assert problem is None or isinstance(problem, str)
        pack, problems = load_pack(folder, Path(temp) / "cache")
        assert pack is not None  # a broken recording never breaks the pack
        assert all(p.severity is Severity.WARNING and p.file == f"01{suffix}" for p in problems), problems
        assert (problem is None) == (problems == [])


@QUICK
@given(prefix=PREFIXES, data=st.binary(max_size=600))
def test_random_bytes_as_a_picture_never_crash_the_picture_checks(prefix, data):
    content = prefix + data
    assert picture_format(io.BytesIO(content)) in (None, *PICTURE_FORMATS)
    try:
        with open_picture(io.BytesIO(content)) as picture:
            picture.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, EOFError):
        pass  # refused in one of Pillow's ways; never anything else, and never Ghostscript
    with tempfile.TemporaryDirectory() as temp:
        try:
            images.prepare_image(content, "x" * 64, Path(temp), with_thumbnail=True)
        except images.ImageRefused:
            pass
        folder = write_files(Path(temp) / "pack", {"01 Step.jpg": content, "02 Step.png": image_bytes(fmt="PNG")})
        pack, problems = load_pack(folder, Path(temp) / "cache")
        assert pack is not None or any(p.severity is Severity.ERROR and p.file == "01 Step.jpg" for p in problems)
