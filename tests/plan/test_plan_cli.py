"""``kiosk plan check|import|export|show|copy`` in-process, on a real journal in a temporary data folder."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.cli import main
from kiosk.journal import Journal
from kiosk.paths import DataDir
from kiosk.plan.store import PlanStore

PLAN = """\
format: 1
days: every day
items:
  - id: arrive
    at: "08:00"
    picture: arrive
    text: {en: Hang up your coat, de: Häng deine Jacke auf}
  - id: lunch
    at: "12:00"
    picture: lunch
    text: Lunch
"""


@pytest.fixture
def data(tmp_path):
    folder = DataDir(tmp_path / "data").ensure()
    with Journal.open(folder.journal) as journal:
        journal.add_person("Zoe", language="de")
        journal.add_person("Li", language="zh")
        journal.add_person("Ben")
    return folder


def run(data, *args):
    return main(["--data", str(data.root), "plan", *args])


def test_import_show_export_copy(data, tmp_path, capsys):
    source = tmp_path / "zoe.yaml"
    source.write_text(PLAN, encoding="utf-8")
    assert run(data, "check", str(source)) == 0
    assert "OK, 2 items" in capsys.readouterr().out
    assert run(data, "import", "Zoe", str(source)) == 0
    assert "Stored the plan of Zoe" in capsys.readouterr().err
    assert run(data, "show", "1", "--date", "2026-06-02") == 0
    shown = capsys.readouterr().out
    assert "Zoe, 2026-06-02" in shown and "Häng deine Jacke auf" in shown and "12:00" in shown
    out = tmp_path / "back.yaml"
    assert run(data, "export", "zoe", "--out", str(out)) == 0
    assert "person: Zoe" in out.read_text(encoding="utf-8")
    assert run(data, "copy", "Zoe", "Li", "3") == 0
    with Journal.open(data.journal) as journal:
        store = PlanStore(journal)
        assert store.plan(2) == store.plan(3) == store.plan(1)
        assert store.plan(1).items_on(date(2026, 6, 6))  # every day


def test_a_broken_file_changes_nothing_and_says_where(data, tmp_path, capsys):
    good = tmp_path / "good.yaml"
    good.write_text(PLAN, encoding="utf-8")
    assert run(data, "import", "1", str(good)) == 0
    broken = tmp_path / "broken.yaml"
    broken.write_text(PLAN.replace('at: "12:00"', 'at: "12:75"'), encoding="utf-8")
    capsys.readouterr()
    assert run(data, "import", "1", str(broken)) == 1
    err = capsys.readouterr().err
    assert "broken.yaml, item 2: line 9: '12:75' is not a time of day" in err and "was not stored" in err
    with Journal.open(data.journal) as journal:
        assert PlanStore(journal).plan(1).items[1].at.hour == 12
    assert run(data, "check", str(broken)) == 1


def test_unknown_people_and_files(data, tmp_path, capsys):
    good = tmp_path / "good.yaml"
    good.write_text(PLAN, encoding="utf-8")
    assert run(data, "import", "Nobody", str(good)) == 1
    assert "There is no person 'Nobody'" in capsys.readouterr().err
    assert run(data, "import", "Zoe", str(tmp_path / "missing.yaml")) == 1
    assert "There is no file" in capsys.readouterr().err
    assert run(data, "export", "Ben") == 1
    assert "Ben has no plan yet" in capsys.readouterr().err
    assert run(data, "copy", "Ben", "Zoe") == 1


def test_no_journal_is_never_created(tmp_path, capsys):
    empty = tmp_path / "empty"
    assert main(["--data", str(empty), "plan", "show", "1"]) == 1
    assert not (empty / "journal.sqlite3").exists()


def test_quiet_hours(data, capsys):
    assert run(data, "quiet-hours") == 0
    assert "No quiet hours." in capsys.readouterr().out
    assert run(data, "quiet-hours", "22:00", "07:00") == 0
    assert run(data, "quiet-hours") == 0
    assert "Quiet hours: 22:00 to 07:00." in capsys.readouterr().out
    assert run(data, "quiet-hours", "noon", "one") == 2
    assert "not two times of day" in capsys.readouterr().err
    assert run(data, "quiet-hours", "off") == 0
    with Journal.open(data.journal) as journal:
        assert PlanStore(journal).quiet_hours() is None
