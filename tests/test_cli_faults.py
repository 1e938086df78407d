"""Every failure of the ``kiosk`` command is a sentence and an exit code, never a traceback
(issue 10, "Plain words for every fault"). Each case here printed a traceback before."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from kiosk_command import assert_sentence, data_folder_with_one_run, kiosk

ROOT = Path(__file__).resolve().parent.parent
HUGE = "99999999999999999999999"  # more than SQLite's 64-bit integers hold


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return data_folder_with_one_run(tmp_path / "data")


def photo_pack(folder: Path) -> Path:
    """The smallest pack a coach makes: a folder of numbered photos."""
    folder.mkdir(parents=True)
    for number, colour in ((1, "red"), (2, "blue")):
        Image.new("RGB", (64, 48), colour).save(folder / f"0{number} Step {number}.jpg")
    return folder


@pytest.mark.parametrize(
    "command",
    [
        ["person", "export", HUGE],
        ["person", "delete", HUGE, "--yes"],
        ["export", "--format", "csv", "--person", HUGE],
        ["report", "--person", HUGE],
        ["person", "export", "0"],
        ["person", "export", "-3"],
    ],
)
def test_an_impossible_person_id_is_a_usage_error(data, command):
    assert_sentence(kiosk(*command, data=data), 2, "not a person's id")


@pytest.mark.parametrize("day", ["0001-01-01", "1900-06-01", "9999-12-31"])
def test_a_report_day_out_of_range_is_a_usage_error(data, tmp_path, day):
    done = kiosk("report", "--person", "1", "--until", day, "--out", tmp_path / "r.html", data=data)
    assert_sentence(done, 2, "--until", "choose a day between")
    assert not (tmp_path / "r.html").exists()


def test_the_earliest_and_latest_report_days_work(data, tmp_path):
    """The range refused above is exactly what cannot work, not more: its ends make reports."""
    from kiosk.report.cli import FIRST_DAY, LAST_DAY

    for day in (FIRST_DAY, LAST_DAY):
        out = tmp_path / f"{day}.html"
        done = kiosk("report", "--person", "1", "--weeks", "104", "--until", day.isoformat(), "--out", out, data=data)
        assert done.returncode == 0, done.stderr
        assert out.is_file()


@pytest.mark.parametrize(
    "command",
    [
        [],  # plain `kiosk` starts the kiosk
        ["run"],
        ["person", "list"],
        ["export", "--format", "csv"],
        ["report", "--person", "1"],
        ["trainer", "reset-pin", "--yes"],
        ["trainer", "set-pin"],
        ["pack", "build", "PACK"],
        ["pack", "zip", "PACK"],
    ],
)
def test_a_data_folder_that_is_a_device_or_a_file(tmp_path, command):
    pack = photo_pack(tmp_path / "pack")
    command = [str(pack) if part == "PACK" else part for part in command]
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    for data in ("/dev/null", a_file):
        done = kiosk(*command, data=data, stdin="1234\n1234\n")
        assert_sentence(done, 2, f"The data folder {data} is not a folder")
    assert a_file.read_text() == "not a folder"


def test_data_after_the_command_is_checked_too(tmp_path):
    assert_sentence(kiosk("person", "list", "--data", "/dev/null"), 2, "is not a folder")


def test_pack_zip_into_a_place_where_no_folder_can_be_made(tmp_path):
    pack = photo_pack(tmp_path / "pack")
    done = kiosk("pack", "zip", pack, "--out", "/proc/nope/x.zip", data=tmp_path / "data")
    assert_sentence(done, 2, "/proc/nope")


def test_pack_zip_where_a_file_stands_in_the_way(tmp_path):
    pack = photo_pack(tmp_path / "pack")
    (tmp_path / "file").write_text("x")
    done = kiosk("pack", "zip", pack, "--out", tmp_path / "file" / "x.zip", data=tmp_path / "data")
    assert_sentence(done, 2, "is a file, not a folder")


def test_an_unexpected_problem_is_a_sentence_and_exit_code_70(tmp_path):
    """A bug in a command (here an area whose handler fails the way a bug does) ends as one sentence
    asking for a report; the traceback only with KIOSK_DEBUG=1."""
    program = (
        "import sys, types\n"
        "from kiosk import cli\n"
        "area = types.ModuleType('area_with_a_bug')\n"
        "def register(groups, top):\n"
        "    top.add_parser('boom').set_defaults(handler=lambda args: {}['a bug'])\n"
        "area.register = register\n"
        "sys.modules[area.__name__] = area\n"
        "cli.COMMAND_MODULES += (area.__name__,)\n"
        "raise SystemExit(cli.main(['boom']))\n"
    )

    def run(debug: str | None) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "KIOSK_DEBUG"}
        if debug is not None:
            env["KIOSK_DEBUG"] = debug
        return subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env)

    done = run(None)
    assert_sentence(done, 70, "Step Kiosk hit an unexpected problem", "KeyError", "Please report it", "KIOSK_DEBUG=1")
    detailed = run("1")
    assert detailed.returncode == 70
    assert "Traceback" in detailed.stderr and "Please report it" in detailed.stderr


def test_a_command_module_that_cannot_be_imported_is_an_error():
    """A broken installation must not look like a `kiosk` without the report command."""
    program = (
        "import sys\n"
        "sys.modules['kiosk.report.cli'] = None  # what Python does for a module that failed to load\n"
        "from kiosk.cli import main\n"
        "raise SystemExit(main(['--help']))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert_sentence(done, 70, "kiosk.report.cli", "could not be loaded", "reinstall")


def test_data_after_a_command_of_every_area():
    """``--data`` stands after any command, from every area, and before it too (one parent parser)."""
    from kiosk.cli import build_parser

    parser = build_parser()
    for command in (
        ["run"],
        ["pack", "validate", "x"],
        ["pack", "build", "p"],
        ["pack", "zip", "p"],
        ["pack", "new", "photos"],
        ["person", "list"],
        ["person", "export", "1"],
        ["export", "--format", "csv"],
        ["report", "--person", "1"],
        ["trainer", "reset-pin"],
        ["trainer", "set-pin"],
    ):
        assert parser.parse_args([*command, "--data", "/after"]).data == "/after", command
        assert parser.parse_args(["--data", "/before", *command]).data == "/before", command
        assert parser.parse_args(command).data is None, command


CLI_MODULES = [
    "kiosk/cli.py",
    "kiosk/journal/cli.py",
    "kiosk/report/cli.py",
    "kiosk/authoring/cli.py",
    "kiosk/packs/cli.py",
    "kiosk/trainer/cli.py",
]


@pytest.mark.parametrize("module", CLI_MODULES)
def test_no_private_argparse_names(module):
    """argparse's underscore names (``_SubParsersAction``, ``parser._actions`` ...) change between
    Python versions; the command must not depend on them."""
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    private = sorted(
        {
            node.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and isinstance(node.value, ast.Name)
            and node.value.id == "argparse"
        }
        | {
            node.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr in ("_actions", "_option_string_actions")
        }
    )
    assert private == []
