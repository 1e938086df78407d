"""The CSV export opens safely in a spreadsheet of any locale: fields with a semicolon are quoted
(German, French ... spreadsheets split on ";"), and text that starts like a formula is defused
with a leading apostrophe (OWASP's advice against CSV injection), but numbers stay numbers."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.journal import Journal
from kiosk.journal.export import CSV_COLUMNS, csv_field

HYPERLINK = '=HYPERLINK("x";"y")'
NAMES = (HYPERLINK, "a;b", "plain", "-1+2", "@sum", 'say "hi", then go')  # the journal keeps names on one line


@pytest.fixture
def exported(tmp_path: Path) -> str:
    """The CSV text `kiosk export --format csv` writes for people with awkward names."""
    data = tmp_path / "data"
    with Journal.open(data / "journal.sqlite3") as journal:
        for name in NAMES:
            person = journal.add_person(name)
            run = journal.start_run(person.id, "-pack;x", 1, "hash")
            journal.record_step(run, 1, "shown")
            journal.record_step(run, 1, "done", duration_ms=1200)
            journal.finish_run(run)
    out = tmp_path / "events.csv"
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--data", str(data), "export", "--format", "csv", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return out.read_bytes().decode("utf-8-sig")


def _records(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_fields_with_a_semicolon_are_quoted(exported):
    assert '"a;b"' in exported
    assert '"\'=HYPERLINK(""x"";""y"")"' in exported
    assert '"\'-pack;x"' in exported


def _split_on_comma_and_semicolon(text: str) -> list[list[str]]:
    """Records as a spreadsheet reads them with both "," and ";" ticked as separators (LibreOffice's
    import; what a semicolon locale does with a file it cannot tell): quotes at the start of a
    field hold it together, "" inside them is one quote."""
    records: list[list[str]] = []
    record: list[str] = []
    field, quoted, at_start, i = "", False, True, 0
    while i < len(text):
        char = text[i]
        if quoted:
            if char == '"' and text[i + 1 : i + 2] == '"':
                field, i = field + '"', i + 1
            elif char == '"':
                quoted = False
            else:
                field += char
        elif char == '"' and at_start:
            quoted = True
        elif char in ",;":
            record.append(field)
            field, at_start = "", True
            i += 1
            continue
        elif char == "\r" and text[i + 1 : i + 2] == "\n":
            record.append(field)
            records.append(record)
            record, field, at_start = [], "", True
            i += 2
            continue
        else:
            field += char
        at_start = False
        i += 1
    return records


def test_a_semicolon_spreadsheet_keeps_every_record_whole(exported):
    """Split on semicolons too, every record still has exactly its columns: no name or pack id
    spills into the next cell (where a formula could start)."""
    records = _split_on_comma_and_semicolon(exported)
    assert len(records) == 1 + 2 * len(NAMES)
    assert all(len(record) == len(CSV_COLUMNS) for record in records), [r for r in records if len(r) != 12]
    assert {record[3] for record in records[1:]} >= {"'" + HYPERLINK, "a;b"}


def test_a_comma_spreadsheet_reads_every_value_back(exported):
    header, *rows = _records(exported, ",")
    assert tuple(header) == CSV_COLUMNS
    assert all(len(row) == len(CSV_COLUMNS) for row in rows)
    names = {row[3] for row in rows}
    assert names == {"'" + HYPERLINK, "a;b", "plain", "'-1+2", "'@sum", 'say "hi", then go'}
    assert {row[4] for row in rows} == {"'-pack;x"}


def test_numbers_are_never_defused(exported):
    _, *rows = _records(exported, ",")
    durations = {row[CSV_COLUMNS.index("duration_ms")] for row in rows}
    assert durations == {"", "1200"}
    assert all(row[0].isdigit() and row[2].isdigit() for row in rows)
    assert csv_field(-5) == "-5" and csv_field(-0.5) == "-0.5" and csv_field("-5") == "'-5"
    assert csv_field(None) == "" and csv_field("") == ""


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("line\nbreak", '"line\nbreak"'),
        ("cr\rhere", '"cr\rhere"'),
        ("tab\tinside", '"tab\tinside"'),
        ('say "hi"', '"say ""hi"""'),
        ("a,b", '"a,b"'),
        ("a;b", '"a;b"'),
        ("plain text", "plain text"),
    ],
)
def test_quoting_of_text(text, field):
    assert csv_field(text) == field
    assert next(csv.reader([field + "\r\n"]))[0] == text


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_gets_an_apostrophe(start):
    field = csv_field(f"{start}cmd")
    assert next(csv.reader([field + "\r\n"]))[0] == f"'{start}cmd"
