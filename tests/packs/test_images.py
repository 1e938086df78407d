"""Pictures: upright, screen-sized, prepared once into the cache; damaged and absurd ones refused."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image

from kiosk.packs import Severity
from kiosk.packs import images

from .builders import bomb_png, image_bytes, the_problem, write_files

RED = (255, 0, 0)
BLUE = (0, 0, 255)


def near(pixel, color, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], color))


def noisy_jpeg(size=(320, 240)) -> bytes:
    rng = random.Random(7)
    picture = Image.frombytes("RGB", size, bytes(rng.randrange(256) for _ in range(size[0] * size[1] * 3)))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def test_portrait_phone_photo_with_exif_orientation_6_is_shown_upright(packs_dir, load):
    # Stored sideways (landscape, 2000x1500) with a red marker in its top-left corner, as a phone
    # held upright writes it. Orientation 6: turn 90 degrees clockwise to show it.
    stored = image_bytes((2000, 1500), BLUE, exif_orientation=6, marker=((0, 0, 300, 300), RED))
    folder = write_files(packs_dir / "p", {"01 Photo.jpg": stored})
    pack, problems = load(folder)
    assert problems == []
    with Image.open(pack.display_image(pack.steps[0])) as shown:
        assert shown.width < shown.height
        assert shown.size == (960, 1280)  # fitted within 1280x1280
        assert near(shown.getpixel((shown.width - 20, 20)), RED)  # top-left went to top-right
        assert near(shown.getpixel((20, 20)), BLUE)
        assert near(shown.getpixel((20, shown.height - 20)), BLUE)
        assert 0x0112 not in shown.getexif()  # upright pixels, no turning left to the screen
    with Image.open(pack.thumbnail()) as tile:
        assert tile.size == (300, 400)
        assert near(tile.getpixel((tile.width - 8, 8)), RED)


def test_big_photo_is_downscaled_and_a_small_one_copied_as_it_is(packs_dir, load):
    small = image_bytes((64, 48))
    folder = write_files(packs_dir / "p", {"01 Big.jpg": image_bytes((3000, 1000)), "02 Small.jpg": small})
    pack, _ = load(folder)
    big_display, small_display = (pack.display_image(step) for step in pack.steps)
    with Image.open(big_display) as shown:
        assert shown.size == (1280, 427) and shown.format == "JPEG"
    assert small_display.read_bytes() == small
    assert big_display.parent.parent == small_display.parent.parent  # <cache>/images/<hash>/
    assert not big_display.is_relative_to(pack.root)


def test_transparent_png_stays_png(packs_dir, load):
    transparent = image_bytes((1500, 1500), (0, 0, 0, 0), "PNG", mode="RGBA")
    folder = write_files(packs_dir / "p", {"01 Icon.png": transparent})
    pack, _ = load(folder)
    display = pack.display_image(pack.steps[0])
    assert display.suffix == ".png"
    with Image.open(display) as shown:
        assert shown.mode == "RGBA" and shown.size == (1280, 1280)


@pytest.mark.parametrize(
    "mode, fmt, color", [("CMYK", "JPEG", (0, 255, 255, 0)), ("I;16", "PNG", 40000), ("P", "PNG", 3)]
)
def test_unusual_picture_modes_are_prepared_as_plain_rgb(packs_dir, load, mode, fmt, color):
    data = image_bytes((1400, 100), color, fmt, mode=mode)
    folder = write_files(packs_dir / "p", {"01 Odd." + fmt.lower(): data})
    pack, problems = load(folder)
    assert problems == []
    with Image.open(pack.display_image(pack.steps[0])) as shown:
        assert shown.mode == "RGB" and shown.width == 1280


def test_webp_is_accepted(packs_dir, load):
    folder = write_files(packs_dir / "p", {"01 Web.webp": image_bytes((100, 80), fmt="WEBP")})
    pack, problems = load(folder)
    assert problems == [] and pack.display_image(pack.steps[0]).suffix == ".jpg"


def test_pictures_are_prepared_once(packs_dir, load, monkeypatch):
    folder = write_files(packs_dir / "p", {"01 Big.jpg": image_bytes((2000, 1500)), "02.jpg": image_bytes((100, 100))})
    first, _ = load(folder)

    def must_not_decode(*args, **kwargs):
        raise AssertionError("decoded again")

    monkeypatch.setattr(images, "_decode", must_not_decode)
    again, problems = load(folder)
    assert problems == [first.problems[0]] if first.problems else problems == []
    assert [again.display_image(s) for s in again.steps] == [first.display_image(s) for s in first.steps]
    assert again.thumbnail() == first.thumbnail()


def test_truncated_jpeg_is_an_error_with_file_and_step(packs_dir, load):
    whole = noisy_jpeg()
    folder = write_files(packs_dir / "p", {"01 Fine.jpg": None, "02 Cut.jpg": whole[: len(whole) // 2]})
    pack, problems = load(folder)
    assert pack is None
    problem = the_problem(problems, Severity.ERROR, file="02 Cut.jpg", step=2, words=["cannot be opened", "damaged"])
    assert "save or copy it again" in problem.hint


@pytest.mark.parametrize("content", [b"", b"hello, I am text", b"\xff\xd8\xff\xe0garbage"])
def test_file_that_is_not_a_picture_is_an_error(packs_dir, load, content):
    folder = write_files(packs_dir / "p", {"01 Fake.jpg": content})
    pack, problems = load(folder)
    assert pack is None
    the_problem(problems, Severity.ERROR, file="01 Fake.jpg", step=1, words=["cannot be opened"])


def test_decompression_bomb_png_is_refused_without_decoding(packs_dir, load, cache_dir):
    bomb = bomb_png(15_000, 15_000)  # 225 megapixels: past twice Pillow's limit
    assert len(bomb) < 200_000
    folder = write_files(packs_dir / "p", {"01 Fine.jpg": None, "02 Bomb.png": bomb})
    pack, problems = load(folder)
    assert pack is None
    problem = the_problem(problems, Severity.ERROR, file="02 Bomb.png", step=2, words=["far too large"])
    assert "smaller size" in problem.hint
    assert Image.MAX_IMAGE_PIXELS is not None  # Pillow's protection is still on


def test_picture_just_past_pillows_limit_is_refused_too(packs_dir, load):
    # Between MAX_IMAGE_PIXELS and twice that, Pillow only warns; for the kiosk it is an error.
    folder = write_files(packs_dir / "p", {"01 Huge.png": bomb_png(10_000, 10_000)})
    pack, problems = load(folder)
    assert pack is None
    the_problem(problems, Severity.ERROR, file="01 Huge.png", step=1, words=["far too large", "100 million pixels"])


def test_pixel_limit_can_be_lowered(packs_dir, load):
    folder = write_files(packs_dir / "p", {"01 Photo.jpg": image_bytes((300, 200))})
    pack, problems = load(folder, max_image_pixels=50_000)
    assert pack is None
    the_problem(problems, Severity.ERROR, file="01 Photo.jpg", step=1, words=["60,000 pixels"])


def test_too_big_a_file_is_refused_before_reading(packs_dir, load):
    folder = write_files(packs_dir / "p", {"01 Photo.jpg": image_bytes((300, 200))})
    pack, problems = load(folder, max_image_file_bytes=100)
    assert pack is None
    the_problem(problems, Severity.ERROR, file="01 Photo.jpg", step=1, words=["too big a file"])


def test_damaged_cover_is_a_warning_and_step_one_becomes_the_tile(packs_dir, load):
    folder = write_files(packs_dir / "p", {"cover.jpg": b"broken", "01 Wet.jpg": None})
    pack, problems = load(folder)
    assert pack is not None and pack.cover is None
    the_problem(problems, Severity.WARNING, file="cover.jpg", step=None, words=["cannot be opened", "first step"])
    assert pack.thumbnail().is_file()
    assert pack.thumbnail().parent == pack.display_image(pack.steps[0]).parent


def test_same_picture_in_two_packs_is_prepared_once(packs_dir, load):
    data = image_bytes((1500, 1000))
    one, _ = load(write_files(packs_dir / "one", {"01 Photo.jpg": data}))
    two, _ = load(write_files(packs_dir / "two", {"01 Same.jpg": data}))
    assert one.display_image(one.steps[0]) == two.display_image(two.steps[0])


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "EPS", "TIFF"])
def test_only_pack_formats_are_decoded_whatever_the_file_is_called(packs_dir, load, fmt):
    picture = Image.new("RGB", (16, 16), RED)
    buffer = io.BytesIO()
    picture.save(buffer, fmt)
    folder = write_files(packs_dir / "p", {"01 Disguised.jpg": buffer.getvalue()})
    pack, problems = load(folder)
    assert pack is None
    the_problem(problems, Severity.ERROR, file="01 Disguised.jpg", step=1, words=["cannot be opened"])


def test_png_named_jpg_is_fine(packs_dir, load):
    folder = write_files(packs_dir / "p", {"01 Actually png.jpg": image_bytes(fmt="PNG")})
    pack, problems = load(folder)
    assert problems == [] and pack.display_image(pack.steps[0]).suffix == ".png"
