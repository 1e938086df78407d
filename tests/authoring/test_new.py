"""`kiosk pack new`: phone photos -> upright, metadata-free pictures in the right order, pack.yaml."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml
from authoring_helpers import (
    BACKGROUND,
    GPS_IFD,
    GPS_POSITION,
    MARKER,
    XMP_MARK,
    PhotoSpec,
    make_photo,
    set_mtime,
    snapshot,
)
from PIL import Image

from kiosk.authoring.new import PackNewError, make_pack
from kiosk.authoring.normalise import BOX
from kiosk.authoring.packyaml import TODO_TEXT
from kiosk.authoring.photos import split_number, step_text_from_name
from kiosk.cli import main
from kiosk.packs import load_pack


def is_marker(pixel: tuple[int, ...]) -> bool:
    return abs(pixel[0] - MARKER[0]) < 40 and abs(pixel[1] - MARKER[1]) < 40 and abs(pixel[2] - MARKER[2]) < 40


def is_background(pixel: tuple[int, ...]) -> bool:
    return all(abs(channel - value) < 40 for channel, value in zip(pixel, BACKGROUND))


def assert_no_metadata(path: Path) -> None:
    data = path.read_bytes()
    with Image.open(path) as picture:
        exif = picture.getexif()
        assert len(exif) == 0, dict(exif)
        assert not exif.get_ifd(GPS_IFD)
        assert not picture.info.get("exif")
        assert not picture.info.get("icc_profile")
        assert not picture.info.get("xmp")
    assert b"Exif\x00\x00" not in data
    assert XMP_MARK not in data
    assert b"secret-location" not in data
    assert b"PhoneMaker" not in data


def read_yaml(folder: Path) -> dict:
    return yaml.safe_load((folder / "pack.yaml").read_text(encoding="utf-8"))


def test_phone_photos_become_upright_screen_sized_and_without_metadata(tmp_path):
    photos = tmp_path / "fit-a-washer"
    photos.mkdir()
    make_photo(photos / "01 Hold the bolt.jpg", PhotoSpec(size=(2400, 1800)))  # landscape, upright
    make_photo(photos / "02 Put on the washer.jpg", PhotoSpec(size=(2400, 1800), orientation=6))
    make_photo(photos / "03 Tighten the nut.jpg", PhotoSpec(size=(2400, 1800), orientation=8))
    with Image.open(photos / "02 Put on the washer.jpg") as original:  # the fixture really has GPS
        assert original.getexif().get_ifd(GPS_IFD) == GPS_POSITION
        assert original.getexif()[0x0112] == 6
    before = snapshot(photos)

    result = make_pack(photos, tmp_path / "pack")

    assert snapshot(photos) == before  # the photo folder is never changed
    pack = result.folder
    assert sorted(p.name for p in pack.iterdir()) == ["01.jpg", "02.jpg", "03.jpg", "pack.yaml"]
    for name in ("01.jpg", "02.jpg", "03.jpg"):
        assert_no_metadata(pack / name)

    with Image.open(pack / "01.jpg") as landscape:
        assert landscape.size == (1600, 1200)
        assert is_marker(landscape.getpixel((40, 40)))
    with Image.open(pack / "02.jpg") as turned_right:  # orientation 6: stored top-left -> top-right
        assert turned_right.size == (1200, 1600)
        assert max(turned_right.size) == max(BOX)
        assert is_marker(turned_right.getpixel((1200 - 40, 40)))
        assert is_background(turned_right.getpixel((40, 40)))
        assert is_background(turned_right.getpixel((40, 1600 - 40)))
    with Image.open(pack / "03.jpg") as turned_left:  # orientation 8: stored top-left -> bottom-left
        assert turned_left.size == (1200, 1600)
        assert is_marker(turned_left.getpixel((40, 1600 - 40)))
        assert is_background(turned_left.getpixel((40, 40)))
        assert is_background(turned_left.getpixel((1200 - 40, 40)))


def test_pack_yaml_has_title_language_and_steps_from_names(tmp_path):
    photos = tmp_path / "Fit_a_washer"
    photos.mkdir()
    make_photo(photos / "10 Check it.jpg", PhotoSpec(size=(400, 300)))
    make_photo(photos / "2 put on the washer.jpg", PhotoSpec(size=(400, 300)))
    make_photo(photos / "1-hold-the-bolt.JPG", PhotoSpec(size=(400, 300)))

    result = make_pack(photos, tmp_path / "out", language="de")

    document = read_yaml(result.folder)
    assert document["format"] == 1
    assert document["id"] == "fit-a-washer"
    assert document["title"] == {"de": "Fit a washer"}
    assert document["language"] == "de"
    assert document["kind"] == "other"
    assert document["version"] == 1
    assert [step["image"] for step in document["steps"]] == ["01.jpg", "02.jpg", "03.jpg"]
    # numbers order the steps numerically (1, 2, 10), not as text
    assert [step["text"]["de"] for step in document["steps"]] == ["Hold the bolt.", "Put on the washer.", "Check it."]
    pack, problems = load_pack(result.folder, tmp_path / "cache")
    assert pack is not None, problems
    assert [step.text_for("de", "de") for step in pack.steps] == ["Hold the bolt.", "Put on the washer.", "Check it."]


def test_title_option_wins_over_folder_name(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    make_photo(photos / "01 Go.jpg", PhotoSpec(size=(300, 200)))
    result = make_pack(photos, tmp_path / "out", title="Wash your hands")
    document = read_yaml(result.folder)
    assert document["title"] == {"en": "Wash your hands"}
    assert document["id"] == "wash-your-hands"


def test_order_by_capture_time_when_names_have_no_numbers(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    # The file times say the opposite order: the capture time must win.
    for name, taken, modified in [
        ("IMG_0003.JPG", datetime(2024, 3, 12, 10, 0, 0), datetime(2024, 3, 14)),
        ("IMG_0001.JPG", datetime(2024, 3, 12, 10, 2, 0), datetime(2024, 3, 13)),
        ("IMG_0002.JPG", datetime(2024, 3, 12, 10, 1, 0), datetime(2024, 3, 15)),
    ]:
        make_photo(photos / name, PhotoSpec(size=(300, 200), taken=taken))
        set_mtime(photos / name, modified)

    result = make_pack(photos, tmp_path / "out")

    text = (result.folder / "pack.yaml").read_text(encoding="utf-8")
    order = [line.split("photo: ")[1] for line in text.splitlines() if "# photo:" in line]
    assert order == ["IMG_0003.JPG", "IMG_0002.JPG", "IMG_0001.JPG"]


def test_order_by_file_time_without_capture_time(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    for name, modified in [
        ("b.jpg", datetime(2024, 1, 3)),
        ("a.jpg", datetime(2024, 1, 2)),
        ("c.jpg", datetime(2024, 1, 1)),
    ]:
        make_photo(photos / name, PhotoSpec(size=(300, 200)))
        set_mtime(photos / name, modified)
    result = make_pack(photos, tmp_path / "out")
    text = (result.folder / "pack.yaml").read_text(encoding="utf-8")
    assert [line.split("photo: ")[1] for line in text.splitlines() if "# photo:" in line] == ["c.jpg", "a.jpg", "b.jpg"]
    assert any("last changed" in note for note in result.notes)


def test_camera_names_get_a_todo_and_a_warning(tmp_path, capsys):
    photos = tmp_path / "photos"
    photos.mkdir()
    make_photo(photos / "01 Put on the washer.jpg", PhotoSpec(size=(300, 200)))
    make_photo(photos / "IMG_1234.JPG", PhotoSpec(size=(300, 200)))

    assert main(["pack", "new", str(photos), "--out", str(tmp_path / "pack")]) == 0

    captured = capsys.readouterr()
    assert "step 2 has no sentence yet" in captured.err
    assert "pack.yaml" in captured.err
    text = (tmp_path / "pack" / "pack.yaml").read_text(encoding="utf-8")
    assert TODO_TEXT in text
    document = yaml.safe_load(text)
    assert document["steps"][1]["text"] == {"en": ""}
    assert "kiosk pack build" in captured.out


@pytest.mark.parametrize(
    ("name", "number", "text"),
    [
        ("03 Put on the washer.jpg", 3, "Put on the washer."),
        ("IMG_1234.JPG", None, ""),
        ("20240312_101500.jpg", None, ""),  # a camera date, not step 20,240,312
        ("PXL_20240312_101500123.jpg", None, ""),
        ("05_pick_up_the_screw.heic", 5, "Pick up the screw."),
        ("07 把肥皂抹在手上.jpg", 7, "把肥皂抹在手上。"),
        ("12.jpg", 12, ""),
        ("4 Is it tight?.jpg", 4, "Is it tight?"),
    ],
)
def test_numbers_and_sentences_from_file_names(name, number, text):
    found_number, words = split_number(name)
    assert found_number == number
    assert step_text_from_name(words) == text


def test_iphone_heic_photo(tmp_path):
    pillow_heif = pytest.importorskip("pillow_heif")
    if not pillow_heif.libheif_info().get("encoders", {}).get("x265") and not pillow_heif.libheif_info().get("HEIF"):
        pytest.skip("this pillow-heif build cannot write HEIC files, so no test photo can be made")
    photos = tmp_path / "photos"
    photos.mkdir()
    picture = Image.new("RGB", (2000, 1500), BACKGROUND)
    picture.paste(MARKER, (0, 0, 400, 300))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[GPS_IFD] = GPS_POSITION
    pillow_heif.register_heif_opener()
    picture.save(photos / "01 Wet your hands.HEIC", format="HEIF", exif=exif.tobytes(), quality=90)
    with Image.open(photos / "01 Wet your hands.HEIC") as original:  # the test photo really has GPS
        assert original.getexif().get_ifd(GPS_IFD)

    result = make_pack(photos, tmp_path / "out")

    converted = result.folder / "01.jpg"
    with Image.open(converted) as upright:
        assert upright.format == "JPEG"
        assert upright.size == (1200, 1600)
        assert is_marker(upright.getpixel((1200 - 40, 40)))
    assert_no_metadata(converted)
    assert read_yaml(result.folder)["steps"][0]["text"] == {"en": "Wet your hands."}


def test_unreadable_photo_is_explained_and_nothing_is_left(tmp_path, capsys):
    photos = tmp_path / "photos"
    photos.mkdir()
    make_photo(photos / "01 Go.jpg", PhotoSpec(size=(300, 200)))
    (photos / "02 Broken.jpg").write_bytes(b"not a picture at all")
    (photos / "03 Phone.heic").write_bytes(b"\x00\x00\x00\x18ftypheic-broken")
    assert main(["pack", "new", str(photos), "--out", str(tmp_path / "pack")]) == 1
    err = capsys.readouterr().err
    assert '"02 Broken.jpg" cannot be opened' in err
    assert '"03 Phone.heic" (HEIC) could not be opened' in err
    assert "Most Compatible" in err
    assert not (tmp_path / "pack").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_recordings_with_a_step_number_come_along(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    make_photo(photos / "01 Go.jpg", PhotoSpec(size=(300, 200)))
    make_photo(photos / "02 Stop.jpg", PhotoSpec(size=(300, 200)))
    (photos / "02 Stop.m4a").write_bytes(b"recorded voice")
    result = make_pack(photos, tmp_path / "out")
    document = read_yaml(result.folder)
    assert "audio" not in document["steps"][0]
    assert document["steps"][1]["audio"] == {"en": "02.m4a"}
    assert (result.folder / "02.m4a").read_bytes() == b"recorded voice"


def test_cover_photo_is_used_as_cover(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    make_photo(photos / "01 Go.jpg", PhotoSpec(size=(300, 200)))
    make_photo(photos / "Cover.jpg", PhotoSpec(size=(300, 200)))
    result = make_pack(photos, tmp_path / "out")
    document = read_yaml(result.folder)
    assert document["cover"] == "cover.jpg" and len(document["steps"]) == 1
    assert_no_metadata(result.folder / "cover.jpg")


def test_refuses_to_overwrite_or_write_into_the_photos(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    make_photo(photos / "01 Go.jpg", PhotoSpec(size=(300, 200)))
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "pack.yaml").write_text("format: 1\n")
    with pytest.raises(PackNewError, match="already exists"):
        make_pack(photos, tmp_path / "taken")
    with pytest.raises(PackNewError, match="never changed"):
        make_pack(photos, photos / "pack")
    with pytest.raises(PackNewError, match="never changed"):
        make_pack(photos, photos)


def test_default_output_is_next_to_the_photos(tmp_path):
    photos = tmp_path / "wash-hands"
    photos.mkdir()
    make_photo(photos / "01 Go.jpg", PhotoSpec(size=(300, 200)))
    result = make_pack(photos)
    assert result.folder == tmp_path / "wash-hands-pack"


def test_empty_folder_and_usage_errors(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["pack", "new", str(tmp_path / "empty")]) == 1
    assert "no photos" in capsys.readouterr().err
    assert main(["pack", "new", str(tmp_path / "missing")]) == 2
    with pytest.raises(SystemExit) as usage:
        main(["pack", "new"])
    assert usage.value.code == 2
