"""`kiosk pack build` and recordings that do not play: a generated sound cut short is made again
(its header still promises sound, so a header-only check kept it), and a coach's recording that
is not really a sound is reported with what to do."""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image

from kiosk.authoring.build import build_pack
from kiosk.authoring.packyaml import render_pack_yaml
from kiosk.packs import Severity


def make_pack_folder(folder: Path, texts: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    steps = []
    for number, text in enumerate(texts, start=1):
        buffer = io.BytesIO()
        Image.new("RGB", (320, 240), (20 * number, 100, 150)).save(buffer, "JPEG")
        (folder / f"{number:02d}.jpg").write_bytes(buffer.getvalue())
        steps.append({"image": f"{number:02d}.jpg", "text": dict(text)})
    document = {
        "format": 1,
        "id": "fit-a-washer",
        "title": {"en": "Fit a washer"},
        "language": "en",
        "kind": "assembly",
        "version": 1,
        "steps": steps,
    }
    (folder / "pack.yaml").write_text(render_pack_yaml(document), encoding="utf-8")
    return folder


def test_generated_sound_cut_short_is_made_again(tmp_path, worker, cache_dir):
    pack = make_pack_folder(tmp_path / "pack", [{"en": "Put on the washer."}, {"en": "Tighten the nut."}])
    build_pack(pack, cache_dir=cache_dir, worker=worker)
    sound = pack / "audio" / "en" / "01.wav"
    sound.write_bytes(sound.read_bytes()[:200])  # a full card or a pulled stick: header, a few samples
    worker.renders.clear()

    result = build_pack(pack, cache_dir=cache_dir, worker=worker)

    assert worker.renders == [("Put on the washer.", "en")]
    assert result.pack is not None and result.problems == []


def test_coach_recording_that_is_not_a_sound_is_reported(tmp_path, worker, cache_dir):
    pack = make_pack_folder(tmp_path / "pack", [{"en": "Go."}])
    (pack / "go.mp3").write_bytes(random.Random(3).randbytes(5000))
    text = (pack / "pack.yaml").read_text(encoding="utf-8")
    (pack / "pack.yaml").write_text(text.replace("image: 01.jpg", "image: 01.jpg\n    audio: go.mp3"), encoding="utf-8")

    result = build_pack(pack, cache_dir=cache_dir, worker=worker)

    assert result.pack is not None
    [problem] = result.problems
    assert problem.severity is Severity.WARNING and problem.file == "go.mp3" and problem.step == 1
    assert problem.hint == "Record it again, or delete it so the kiosk speaks the sentence."
