"""CSV export, a person's data export, deleting a person, and the commands that do them."""

from __future__ import annotations

import base64
import csv
import io
import json
import sqlite3
from datetime import datetime, timedelta

import pytest

from kiosk.cli import main
from kiosk.journal import Journal
from kiosk.journal.export import CSV_COLUMNS, csv_rows, person_export, write_csv


@pytest.fixture
def people(journal, clock, player, data_dir):
    """Two workers with awkward names, a photo each, runs and per-person settings."""
    (data_dir.people_photos / "zoe.png").write_bytes(b"\x89PNG zoe's face")
    (data_dir.people_photos / "li.jpg").write_bytes(b"\xff\xd8 li's face")
    zoe = journal.add_person(
        'Zoë "Z" Ärger, jr.', photo="people/zoe.png", language="de", preferences={"voice_rate": 0.7}
    )
    li = journal.add_person("李小龙", photo="people/li.jpg", language="zh")
    player.run(zoe.id, "sandwich", help_on={2})
    clock.advance(days=1)
    player.run(li.id, "tea", steps=3)
    clock.advance(days=1)
    player.run(zoe.id, "tea", steps=3, stop_after=1, outcome=None)
    journal.set_setting(f"family_pin.{zoe.id}", "scrypt$secret")
    journal.set_setting(f"family_pin.{zoe.id}.lockout", {"failures": 1})
    journal.set_setting(f"reminder.{zoe.id}", "bring gloves")
    journal.set_setting(f"family_pin.{li.id}", "scrypt$other")
    journal.set_setting("trainer_pin", "scrypt$trainer")
    return zoe, li


def _read_csv(path):
    assert path.read_bytes().startswith(b"\xef\xbb\xbf"), "a UTF-8 byte order mark helps spreadsheets"
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def test_csv_round_trip(journal, people, data_dir, tmp_path, capsys):
    zoe, li = people
    out = tmp_path / "events.csv"
    assert main(["--data", str(data_dir.root), "export", "--format", "csv", "--out", str(out)]) == 0
    assert "Wrote 19 step events" in capsys.readouterr().err
    rows = _read_csv(out)
    assert tuple(rows[0]) == CSV_COLUMNS
    stored = journal.db.read(
        "SELECT e.id, e.at_ms, r.person_id, e.run_id, e.step_number, e.event, e.duration_ms, r.outcome "
        "FROM step_events e JOIN runs r ON r.id = e.run_id ORDER BY e.id"
    )
    assert len(rows) == len(stored) == 19  # 5 steps x 2 + 1 help, 3 x 2, 1 x 2
    names = {str(zoe.id): zoe.name, str(li.id): li.name}
    for row, (event_id, at_ms, person_id, run_id, step, event, duration_ms, outcome) in zip(rows, stored):
        assert int(row["event_id"]) == event_id and int(row["run_id"]) == run_id
        assert row["person_name"] == names[row["person_id"]] and int(row["person_id"]) == person_id
        moment = datetime.fromisoformat(row["timestamp"].replace("Z", "+00:00"))
        assert round(moment.timestamp() * 1000) == at_ms
        assert (int(row["step"]), row["event"]) == (step, event)
        assert row["duration_ms"] == ("" if duration_ms is None else str(duration_ms))
        assert row["outcome"] == (outcome or "")
        assert row["pack_version"] == "1" and row["content_hash"].startswith("hash-")


def test_csv_filters(journal, people, clock):
    zoe, li = people
    only_li = list(csv_rows(journal, person_id=li.id))
    assert {row[2] for row in only_li} == {li.id} and len(only_li) == 6
    since = clock.now - timedelta(hours=1)
    recent = list(csv_rows(journal, since=since))
    assert recent and all(row[1] >= since.isoformat()[:19] for row in recent)
    assert list(csv_rows(journal, since=(clock.now + timedelta(days=1)).date())) == []


def test_csv_keeps_formulas_as_text(journal, player):
    sneaky = journal.add_person('=HYPERLINK("http://example.org")')
    player.run(sneaky.id, "@pack", steps=1)
    out = io.StringIO()
    write_csv(journal, out)
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))[:1]
    assert row["person_name"] == '\'=HYPERLINK("http://example.org")'
    assert row["pack_id"] == "'@pack"


def test_person_export_has_everything_about_them_and_nothing_else(journal, people, data_dir, tmp_path):
    zoe, li = people
    out = tmp_path / "zoe.json"
    assert main(["--data", str(data_dir.root), "person", "export", str(zoe.id), "--out", str(out)]) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    library = person_export(journal, zoe.id)
    assert exported | {"exported_at": None} == library | {
        "exported_at": None
    }  # the command writes the library's export
    assert exported["format"] == "step-kiosk.person-export"
    assert exported["person"] == {
        "id": zoe.id,
        "name": zoe.name,
        "photo": "people/zoe.png",
        "language": "de",
        "preferences": {"voice_rate": 0.7},
        "archived": False,
    }
    assert base64.b64decode(exported["photo"]["base64"]) == b"\x89PNG zoe's face"
    assert exported["photo"]["media_type"] == "image/png"
    assert exported["settings"] == {
        f"family_pin.{zoe.id}": "(secret, not exported)",
        f"family_pin.{zoe.id}.lockout": "(secret, not exported)",
        f"reminder.{zoe.id}": "bring gloves",
    }
    run_ids = {run.id for run in journal.runs(zoe.id)}
    assert {run["id"] for run in exported["runs"]} == run_ids and len(run_ids) == 2
    assert [run["outcome"] for run in exported["runs"]] == ["finished", None]
    stored_events = journal.db.read(
        f"SELECT id FROM step_events WHERE run_id IN ({','.join(map(str, run_ids))}) ORDER BY id"
    )
    assert [event["id"] for event in exported["events"]] == [row[0] for row in stored_events]
    assert "李小龙" not in out.read_text(encoding="utf-8") and "scrypt" not in out.read_text(encoding="utf-8")


def _mentions(path, person_id: int, texts: list[str]) -> list[str]:
    """Every place in the journal that still refers to the person: rows by id, any text column,
    and the raw bytes of the file and its write-ahead log."""
    found = []
    with sqlite3.connect(path) as raw:
        if raw.execute("SELECT COUNT(*) FROM people WHERE id = ?", (person_id,)).fetchone()[0]:
            found.append("people row")
        if raw.execute("SELECT COUNT(*) FROM runs WHERE person_id = ?", (person_id,)).fetchone()[0]:
            found.append("runs rows")
        if raw.execute("SELECT COUNT(*) FROM step_events WHERE run_id NOT IN (SELECT id FROM runs)").fetchone()[0]:
            found.append("orphaned step events")
        for (table,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            columns = [row[1] for row in raw.execute(f"PRAGMA table_info({table})")]
            for row in raw.execute(f"SELECT * FROM {table}"):
                for column, value in zip(columns, row):
                    if isinstance(value, str) and any(text in value for text in texts):
                        found.append(f"{table}.{column}: {value!r}")
            for (key,) in raw.execute("SELECT key FROM settings"):
                if key.split(".")[1:2] == [str(person_id)]:
                    found.append(f"setting {key}")
    raw.close()
    for suffix in ("", "-wal"):
        file = path.with_name(path.name + suffix)
        if file.exists():
            content = file.read_bytes()
            for text in texts:
                if text.encode("utf-8") in content:
                    found.append(f"bytes of {file.name} contain {text!r}")
    return sorted(set(found))


def test_deleting_a_person_leaves_no_trace(journal, people, data_dir, capsys):
    zoe, li = people
    texts = [zoe.name, "bring gloves", "zoe.png"]
    assert _mentions(data_dir.journal, zoe.id, texts)  # the check does find the data before deletion
    journal.close()
    assert main(["--data", str(data_dir.root), "person", "delete", str(zoe.id), "--yes"]) == 0
    said = capsys.readouterr().out
    assert "2 runs" in said and "Deleted the photo" in said
    assert _mentions(data_dir.journal, zoe.id, texts) == []
    assert not (data_dir.people_photos / "zoe.png").exists()
    with Journal.open(data_dir.journal) as after:  # the other person is untouched
        assert [person.name for person in after.people()] == [li.name]
        assert len(after.runs(li.id)) == 1 and after.get_setting(f"family_pin.{li.id}") == "scrypt$other"
        assert after.get_setting("trainer_pin") == "scrypt$trainer"
        assert (data_dir.people_photos / "li.jpg").exists()
        assert after.db.read_one("PRAGMA integrity_check") == ("ok",)


def test_a_photo_outside_the_data_folder_is_kept(journal, tmp_path):
    shared = tmp_path / "shared-pictures" / "anna.jpg"
    shared.parent.mkdir()
    shared.write_bytes(b"picture")
    anna = journal.add_person("Anna", photo=str(shared))
    deleted = journal.delete_person(anna.id)
    assert deleted.photo_kept == shared and deleted.photo_deleted is None and shared.exists()


def test_delete_asks_first(journal, people, data_dir, monkeypatch, capsys):
    zoe, _ = people
    journal.close()
    answers = iter(["no"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert main(["--data", str(data_dir.root), "person", "delete", str(zoe.id)]) == 1
    assert "Nothing was deleted" in capsys.readouterr().err
    monkeypatch.setattr("builtins.input", lambda prompt="": "yes")
    assert main(["--data", str(data_dir.root), "person", "delete", str(zoe.id)]) == 0
    with Journal.open(data_dir.journal) as after:
        assert after.person(zoe.id) is None


def test_person_list_and_unknown_ids(journal, people, data_dir, capsys):
    zoe, li = people
    journal.archive_person(li.id)
    journal.close()
    assert main(["--data", str(data_dir.root), "person", "list"]) == 0
    listed = capsys.readouterr().out
    assert zoe.name in listed and "2 runs" in listed and li.name not in listed
    assert main(["--data", str(data_dir.root), "person", "list", "--all"]) == 0
    assert "(archived)" in capsys.readouterr().out
    for command in (
        ["person", "export", "99"],
        ["person", "delete", "99", "--yes"],
        ["export", "--format", "csv", "--person", "99"],
    ):
        assert main(["--data", str(data_dir.root), *command]) == 1
        assert "no person with id 99" in capsys.readouterr().err


def test_commands_without_a_journal_say_so(tmp_path, capsys):
    assert main(["--data", str(tmp_path / "empty"), "person", "list"]) == 1
    assert "no journal" in capsys.readouterr().err
    assert not (tmp_path / "empty").exists()  # looking does not create anything


def test_xapi_command_writes_json_to_stdout(journal, people, data_dir, capsys):
    journal.close()
    assert main(["--data", str(data_dir.root), "export", "--format", "xapi", "--since", "2026-03-03"]) == 0
    statements = json.loads(capsys.readouterr().out)
    assert statements and all(s["timestamp"] >= "2026-03-03" for s in statements)
    with pytest.raises(SystemExit) as usage_error:  # argparse's usage errors exit with 2
        main(["--data", str(data_dir.root), "export", "--format", "xapi", "--since", "yesterday"])
    assert usage_error.value.code == 2
    assert "not a date" in capsys.readouterr().err


def test_deleting_while_another_program_reads(journal, data_dir):
    """A reader holding a snapshot (a running kiosk's progress view) keeps old pages in the log;
    the deletion still happens, and the result says the log could not be cleared yet."""
    anna = journal.add_person("Anna", photo=data_dir.people_photos / "anna.jpg")
    assert anna.photo == str(data_dir.people_photos / "anna.jpg")  # paths are stored as text
    reader = sqlite3.connect(data_dir.journal)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM people").fetchall()
    journal.db.connection.execute("PRAGMA busy_timeout = 100")  # do not wait the usual 5 s
    try:
        deleted = journal.delete_person(anna.id)
    finally:
        reader.rollback()
        reader.close()
    assert deleted.traces_cleared is False
    assert journal.person(anna.id) is None
    assert journal.db.checkpoint_and_truncate() is True  # once the reader is gone
