"""The JSON Schema for pack.yaml agrees with the loader: good manifests pass, wrong ones fail."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
import yaml

from kiosk.packs.manifest import STEP_KEYS, TOP_LEVEL_KEYS

from .builders import write_files
from .test_manifest import GOOD, GOOD_FILES


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(resources.files("kiosk.packs").joinpath("pack.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


SAMPLES = {
    "full": GOOD,
    "minimal": "format: 1\n",
    "photo folder with a title": "format: 1\ntitle: Make tea\nlanguage: de-CH\nkind: routine\n",
    "chinese": "format: 1\nid: 洗手\ntitle: 洗手\nlanguage: zh-Hans\nsteps:\n  - image: 图片/01.JPG\n    text: 把手弄湿。\n",
    "multilingual audio": "format: 1\nsteps:\n  - image: 01.webp\n    text: {en: Hi., de: Hallo.}\n    audio: {en: a.M4A, de: b.ogg}\n    count: 3\n",
}

WRONG = {
    "steps not a list": "format: 1\nsteps: abc\n",
    "timer in words": "format: 1\nsteps: [{image: 01.jpg, text: Hi., timer: ten}]\n",
    "text a number": "format: 1\nsteps: [{image: 01.jpg, text: 5}]\n",
    "no steps": "format: 1\nsteps: []\n",
    "no format": "title: x\n",
    "escape": "format: 1\nsteps: [{image: ../x.jpg, text: Hi.}]\n",
    "absolute": "format: 1\nsteps: [{image: /etc/x.jpg, text: Hi.}]\n",
    "unknown key": "format: 1\ntittle: Tea\n",
    "bad language": "format: 1\nlanguage: English\n",
    "not a picture": "format: 1\nsteps: [{image: 01.heic, text: Hi.}]\n",
    "no text": "format: 1\nsteps: [{image: 01.jpg}]\n",
}


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_manifests_are_valid(validator, name):
    errors = list(validator.iter_errors(yaml.safe_load(SAMPLES[name])))
    assert errors == [], [error.message for error in errors]


@pytest.mark.parametrize("name", WRONG)
def test_wrong_manifests_are_invalid(validator, name):
    assert list(validator.iter_errors(yaml.safe_load(WRONG[name])))


def test_schema_knows_exactly_the_loaders_settings(validator):
    schema = validator.schema
    assert tuple(schema["properties"]) == TOP_LEVEL_KEYS
    assert tuple(schema["$defs"]["step"]["properties"]) == STEP_KEYS
    assert all(prop.get("description") for prop in schema["properties"].values())
    assert all(prop.get("description") for prop in schema["$defs"]["step"]["properties"].values())


def test_the_full_sample_also_loads(packs_dir, load):
    folder = write_files(packs_dir / "p", GOOD_FILES)
    (folder / "pack.yaml").write_text(GOOD, encoding="utf-8")
    pack, problems = load(folder)
    assert pack is not None and problems == []
