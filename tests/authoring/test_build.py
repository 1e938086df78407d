"""`kiosk pack build`: speech per step and language, incrementally; pack.yaml kept; the check."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import pytest
import yaml
from PIL import Image

from kiosk.authoring.build import PackNotReady, build_pack, plausible_seconds
from kiosk.authoring.buildstate import STATE_NAME
from kiosk.authoring.packyaml import render_pack_yaml
from kiosk.authoring.progress import Progress
from kiosk.cli import main
from kiosk.packs import Severity

TEXTS = [
    {"en": "Put on the washer.", "de": "Leg die Unterlegscheibe auf.", "zh": "放上垫圈。"},
    {"en": "Tighten the nut.", "de": "Zieh die Mutter fest.", "zh": "拧紧螺母。"},
    {
        "en": "Check that the bolt does not move.",
        "de": "Prüfe, dass sich die Schraube nicht bewegt.",
        "zh": "检查螺栓不动。",
    },
]


def write_picture(path: Path, colour: tuple[int, int, int] = (90, 120, 150)) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())


def make_pack_folder(folder: Path, texts: list[dict] = TEXTS, **extra) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    steps = []
    for number, text in enumerate(texts, start=1):
        write_picture(folder / f"{number:02d}.jpg", (20 * number, 100, 150))
        steps.append({"image": f"{number:02d}.jpg", "text": dict(text)})
    document = {
        "format": 1,
        "id": "fit-a-washer",
        "title": {"en": "Fit a washer"},
        "language": "en",
        "kind": "assembly",
        "version": 1,
        **extra,
        "steps": steps,
    }
    (folder / "pack.yaml").write_text(render_pack_yaml(document), encoding="utf-8")
    return folder


def load_yaml(folder: Path) -> dict:
    return yaml.safe_load((folder / "pack.yaml").read_text(encoding="utf-8"))


def edit_yaml(folder: Path, change) -> None:
    document = load_yaml(folder)
    change(document)
    (folder / "pack.yaml").write_text(render_pack_yaml(document), encoding="utf-8")


def duration(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        assert wav.getnchannels() >= 1 and wav.getsampwidth() in (1, 2)
        return wav.getnframes() / wav.getframerate()


def test_speech_for_every_step_and_language(tmp_path, worker, cache_dir):
    pack = make_pack_folder(tmp_path / "pack")

    result = build_pack(pack, cache_dir=cache_dir, worker=worker)

    assert result.pack is not None, result.problems
    assert sorted(result.rendered) == sorted((n, lang) for n in (1, 2, 3) for lang in ("en", "de", "zh"))
    document = load_yaml(pack)
    for number, step in enumerate(document["steps"], start=1):
        assert step["audio"] == {lang: f"audio/{lang}/{number:02d}.wav" for lang in ("en", "de", "zh")}
        for lang, text in TEXTS[number - 1].items():
            seconds = duration(pack / step["audio"][lang])
            low, high = plausible_seconds(text)
            assert 0.5 < seconds < 10 and low <= seconds <= high, (lang, text, seconds)
    # Longer text, longer sound (a real voice, not a fixed beep).
    assert duration(pack / "audio/de/03.wav") > duration(pack / "audio/de/02.wav")
    # The kiosk sees these as the steps' audio.
    assert result.pack.steps[0].audio_for("zh", "en") == "audio/zh/01.wav"
    assert document["kind"] == "assembly" and document["title"] == {"en": "Fit a washer"}


def test_second_build_renders_and_writes_nothing(tmp_path, worker, cache_dir):
    pack = make_pack_folder(tmp_path / "pack")
    build_pack(pack, cache_dir=cache_dir, worker=worker)
    before = {p: p.stat().st_mtime_ns for p in pack.rglob("*")}
    worker.renders.clear()

    again = build_pack(pack, cache_dir=cache_dir, worker=worker)

    assert worker.renders == []
    assert again.rendered == [] and again.unchanged == 9
    assert not again.wrote_pack_yaml and not again.version_raised
    assert {p: p.stat().st_mtime_ns for p in pack.rglob("*")} == before


def test_changing_one_text_renders_only_that_one_and_raises_the_version(tmp_path, worker, cache_dir):
    pack = make_pack_folder(tmp_path / "pack")
    build_pack(pack, cache_dir=cache_dir, worker=worker)
    worker.renders.clear()
    edit_yaml(pack, lambda d: d["steps"][1]["text"].update(de="Zieh die Mutter gut fest."))

    result = build_pack(pack, cache_dir=cache_dir, worker=worker)

    assert worker.renders == [("Zieh die Mutter gut fest.", "de")]
    assert result.rendered == [(2, "de")]
    assert result.version_raised and load_yaml(pack)["version"] == 2
    worker.renders.clear()
    assert build_pack(pack, cache_dir=cache_dir, worker=worker).version_raised is False
    assert worker.renders == []


def test_a_version_set_by_hand_is_not_raised_again(tmp_path, worker, cache_dir):
    pack = make_pack_folder(tmp_path / "pack", texts=TEXTS[:1])
    build_pack(pack, cache_dir=cache_dir, worker=worker)

    def change(document):
        document["steps"][0]["text"]["en"] = "Put the washer on."
        document["version"] = 7

    edit_yaml(pack, change)
    result = build_pack(pack, cache_dir=cache_dir, worker=worker)
    assert not result.version_raised and load_yaml(pack)["version"] == 7


def test_rate_is_part_of_what_makes_a_sound(tmp_path, worker, cache_dir):
    pack = make_pack_folder(tmp_path / "pack", texts=[{"en": "Put on the washer and hold it with one hand."}])
    build_pack(pack, cache_dir=cache_dir, worker=worker)
    calm = duration(pack / "audio/en/01.wav")
    worker.renders.clear()
    build_pack(pack, cache_dir=cache_dir, worker=worker, rate=300)
    assert len(worker.renders) == 1
    assert duration(pack / "audio/en/01.wav") < calm * 0.8


def test_inserted_step_reuses_the_sounds_that_only_moved(tmp_path, worker, cache_dir):
    pack = make_pack_folder(tmp_path / "pack", texts=[{"en": t["en"]} for t in TEXTS])
    build_pack(pack, cache_dir=cache_dir, worker=worker)
    old_second = (pack / "audio/en/02.wav").read_bytes()
    worker.renders.clear()
    write_picture(pack / "00.jpg", (250, 250, 0))
    edit_yaml(pack, lambda d: d["steps"].insert(0, {"image": "00.jpg", "text": {"en": "Take a bolt."}}))

    result = build_pack(pack, cache_dir=cache_dir, worker=worker)

    assert worker.renders == [("Take a bolt.", "en")]
    assert sorted(result.reused) == [(2, "en"), (3, "en"), (4, "en")]
    assert (pack / "audio/en/03.wav").read_bytes() == old_second
    assert [s["audio"]["en"] for s in load_yaml(pack)["steps"]] == [f"audio/en/0{n}.wav" for n in range(1, 5)]


def test_recordings_are_kept_and_not_spoken(tmp_path, worker, cache_dir):
    pack = make_pack_folder(tmp_path / "pack", texts=[{"en": "Go.", "de": "Los."}])
    (pack / "go-en.wav").write_bytes(_tiny_wav())
    edit_yaml(pack, lambda d: d["steps"][0].update(audio="go-en.wav"))

    result = build_pack(pack, cache_dir=cache_dir, worker=worker)

    assert worker.renders == [("Los.", "de")]
    assert result.recorded == 1
    assert load_yaml(pack)["steps"][0]["audio"] == {"en": "go-en.wav", "de": "audio/de/01.wav"}


def test_removed_language_and_step_lose_their_sounds(tmp_path, worker, cache_dir):
    pack = make_pack_folder(tmp_path / "pack", texts=TEXTS[:2])
    build_pack(pack, cache_dir=cache_dir, worker=worker)

    def change(document):
        for step in document["steps"]:
            del step["text"]["zh"]
        del document["steps"][1]

    edit_yaml(pack, change)
    result = build_pack(pack, cache_dir=cache_dir, worker=worker)

    assert sorted(result.removed) == ["audio/de/02.wav", "audio/en/02.wav", "audio/zh/01.wav", "audio/zh/02.wav"]
    assert not (pack / "audio/zh").exists()
    assert load_yaml(pack)["steps"][0]["audio"] == {"en": "audio/en/01.wav", "de": "audio/de/01.wav"}
    assert result.pack is not None and not [p for p in result.problems if "not used" in p.message]


def test_unknown_settings_survive_and_steps_without_text_are_reported(tmp_path, worker, cache_dir):
    pack = make_pack_folder(tmp_path / "pack", texts=[{"en": "Go."}, {"en": ""}], workshop_note="bench 3")

    result = build_pack(pack, cache_dir=cache_dir, worker=worker)

    document = load_yaml(pack)
    assert document["workshop_note"] == "bench 3"
    assert result.missing_text == [2]
    assert worker.renders == [("Go.", "en")]
    assert result.pack is None  # a step without text is an error for the kiosk
    assert any(p.severity is Severity.ERROR and p.step == 2 for p in result.problems)
    assert "TODO" in (pack / "pack.yaml").read_text(encoding="utf-8")


def test_folder_of_numbered_photos_gets_a_pack_yaml(tmp_path, worker, cache_dir):
    pack = tmp_path / "wash-hands"
    pack.mkdir()
    write_picture(pack / "01 Wet your hands.jpg")
    write_picture(pack / "02 Put on soap.jpg")

    result = build_pack(pack, cache_dir=cache_dir, worker=worker)

    assert result.pack is not None, result.problems
    document = load_yaml(pack)
    assert document["id"] == "wash-hands"
    assert [s["image"] for s in document["steps"]] == ["01 Wet your hands.jpg", "02 Put on soap.jpg"]
    assert document["steps"][0]["audio"] == {"en": "audio/en/01.wav"}


def test_broken_pack_yaml_is_explained(tmp_path, cache_dir, capsys):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text("format: 1\nsteps:\n  - image: 01.jpg\n   text: oops\n", encoding="utf-8")
    with pytest.raises(PackNotReady) as failure:
        build_pack(pack, cache_dir=cache_dir)
    assert any("line" in problem.message for problem in failure.value.problems)
    assert main(["pack", "build", str(pack), "--data", str(tmp_path / "data")]) == 1
    assert "writing mistake on line" in capsys.readouterr().err
    assert main(["pack", "build", str(tmp_path / "missing")]) == 2


def test_progress_lines_and_cli_summary(tmp_path, capsys):
    pack = make_pack_folder(tmp_path / "pack", texts=[{"en": "Go.", "de": "Los."}, {"en": "Stop."}])
    assert main(["pack", "build", str(pack), "--data", str(tmp_path / "data"), "--voice-check"]) == 0
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert "step 1/2: speech (en)" in lines and "step 1/2: speech (de)" in lines and "step 2/2: speech (en)" in lines
    assert "step 2/2: picture" in lines
    assert "Speech: 3 new sounds." in captured.out
    assert "Voice check: all 3 sounds" in captured.out
    assert "Audio saved" not in captured.out  # pyttsx3's chatter stays out of the results
    assert main(["pack", "build", str(pack), "--data", str(tmp_path / "data")]) == 0
    again = capsys.readouterr()
    assert again.err == "" and "0 new sounds, 3 unchanged" in again.out


def test_rate_outside_espeak_range_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit) as usage:
        main(["pack", "build", str(tmp_path), "--rate", "20"])
    assert usage.value.code == 2


def test_progress_bar_on_a_terminal():
    stream = io.StringIO()
    progress = Progress(stream, bar=True)
    progress.step(3, 4, "speech (de)")
    progress.done()
    assert "\r[" in stream.getvalue() and "3/4 speech (de)" in stream.getvalue()


def test_damaged_state_file_means_a_fresh_build(tmp_path, worker, cache_dir):
    pack = make_pack_folder(tmp_path / "pack", texts=[{"en": "Go."}])
    build_pack(pack, cache_dir=cache_dir, worker=worker)
    (pack / STATE_NAME).write_text("{not json", encoding="utf-8")
    worker.renders.clear()
    result = build_pack(pack, cache_dir=cache_dir, worker=worker)
    assert worker.renders == [("Go.", "en")] and result.pack is not None


def _tiny_wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(22050)
        wav.writeframes(b"\x00\x01" * 2205)
    return buffer.getvalue()
