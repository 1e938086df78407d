"""The trainer and family screens' view models, without Kivy: a real journal, real PINs, real packs."""

from __future__ import annotations

import ast
from dataclasses import fields
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from kiosk.people import face_for

from kiosk.i18n import translate
from kiosk.journal import Journal
from kiosk.packs import Library
from kiosk.trainer import LockoutMemory, PinGuard, TrainerDoor
from kiosk.ui.models import keyboard
from kiosk.ui.models.people import FamilyPin, PersonEditor, people_rows, restore_person
from kiosk.ui.models.packs import packs_view
from kiosk.ui.models.pin import MAX_DIGITS, DoorFlow, Outcome, PinChange, add_digit, pin_problem
from kiosk.ui.models.progress import progress_view
from kiosk.ui.models.settings import SettingsModel, setting_rows
from kiosk.ui.problems import ProblemLog
from kiosk.ui.settings import UiSettings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ui"))
from ui_helpers import make_pack, standard_library  # noqa: E402

MODELS = Path(__file__).resolve().parents[2] / "kiosk" / "ui" / "models"


def tr_in(language):
    return lambda message, **values: translate(language, message, **values)


@pytest.fixture
def journal(tmp_path):
    with Journal.open(tmp_path / "journal.sqlite") as journal:
        yield journal


def editor_for(journal, settings=None):
    return PersonEditor(journal, PinGuard(journal), ProblemLog(journal), settings or UiSettings(), tr_in("en"))


@pytest.mark.parametrize("path", sorted(MODELS.glob("*.py")), ids=lambda p: p.name)
def test_view_models_never_import_kivy(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not {n for n in names if n == "kivy" or n.startswith("kivy.")}


# -- people -------------------------------------------------------------------------------------


def test_a_new_worker_follows_the_kiosk_and_is_saved_with_only_their_own_choices(journal):
    """A new worker is "Same as kiosk" in every setting: only what the trainer chose is saved, so
    a later kiosk-wide change still reaches them (a form that saved every value silently cut
    workers off from the kiosk's settings)."""
    editor = editor_for(journal, UiSettings(language="de-AT", autoplay=False))
    form = editor.open(None)
    assert (form.language, form.autoplay, form.family) == ("de", None, FamilyPin.SAVE_FIRST)
    rows = {row.key: row for row in editor.choice_rows()}
    assert rows["autoplay"].options[0].value is None and rows["autoplay"].options[0].word == "Same as kiosk (Off)"
    assert rows["autoplay"].current is None and rows["text_scale"].current is None
    assert editor.title == "New worker" and "Save the worker first" in editor.family_text
    assert editor.save("   ") is None and editor.form.message == "Please type a name."
    editor.choose("language", "zh")
    editor.choose("text_scale", 1.25)
    editor.choose("speech_rate", "slow")
    editor.use_photo("people/worker-2.png")
    chen = editor.save("  Chen ")
    assert chen.name == "Chen" and chen.language == "zh" and chen.photo == "people/worker-2.png"
    assert dict(chen.preferences) == {"text_scale": 1.25, "speech_rate": "slow"}  # autoplay: the kiosk's
    assert UiSettings().for_person(chen).text_scale == 1.25  # the worker UI reads the same keys
    assert UiSettings(autoplay=False).for_person(chen).autoplay is False  # the kiosk's value reaches them
    assert UiSettings(autoplay=True).for_person(chen).autoplay is True
    assert editor.form.person == chen and editor.form.family is FamilyPin.NOT_SET
    with pytest.raises(KeyError):
        editor.choose("name", "x")


def test_editing_keeps_preferences_it_does_not_show(journal):
    ben = journal.add_person("Ben", language="de", preferences={"high_contrast": True, "text_scale": 1.5})
    editor = editor_for(journal)
    form = editor.open(ben)
    assert form.text_scale == 1.5 and form.name == "Ben" and editor.title == "Edit worker"
    rows = {row.key: row for row in editor.choice_rows()}
    assert rows["language"].current == "de" and [c.value for c in rows["language"].options] == ["en", "de", "zh"]
    editor.choose("autoplay", False)
    saved = editor.save("Ben")
    assert saved.preferences["high_contrast"] is True and saved.preferences["autoplay"] is False
    assert saved.preferences["text_scale"] == 1.5  # an old saved value is kept: nothing migrated away


def test_same_as_kiosk_removes_only_that_choice(journal):
    """A worker saved by the old form (every value) keeps them until the trainer chooses "Same as
    kiosk" for one: then only that one is removed, and the kiosk's value applies again."""
    ben = journal.add_person("Ben", preferences={"text_scale": 1.0, "autoplay": True, "speech_rate": "normal"})
    editor = editor_for(journal, UiSettings(text_scale=1.5))
    form = editor.open(ben)
    assert (form.text_scale, form.autoplay, form.speech_rate) == (1.0, True, "normal")
    assert [c.word for c in editor.choice_rows()[1].options] == ["Same as kiosk (Larger)", "Normal", "Large", "Larger"]
    editor.choose("text_scale", None)
    saved = editor.save("Ben")
    assert dict(saved.preferences) == {"autoplay": True, "speech_rate": "normal"}
    assert UiSettings(text_scale=1.5).for_person(saved).text_scale == 1.5


def test_a_removed_family_pin_comes_back_with_undo(journal):
    ben = journal.add_person("Ben")
    editor = editor_for(journal)
    editor.open(ben)
    assert editor.set_family_pin("2468")
    record = editor.clear_family_pin()
    assert record is not None and not PinGuard(journal).family_pin_is_set(ben.id)
    assert editor.restore_family_pin(ben, record)
    assert editor.form.family is FamilyPin.SET and editor.form.message == "The family PIN is back."
    assert PinGuard(journal).check_family_pin(ben.id, "2468").ok  # the same PIN, not a new one
    editor.open(journal.add_person("Cleo"))
    assert editor.clear_family_pin() is None  # nothing to remove, nothing to undo


def test_an_archived_worker_is_listed_and_restored(journal):
    anna = journal.add_person("Anna")
    journal.add_person("Ben")
    journal.archive_person(anna.id)
    problems = ProblemLog()
    assert [r.name for r in people_rows(journal, problems, archived=True)] == ["Anna"]
    assert restore_person(journal, problems, anna)
    assert [r.name for r in people_rows(journal, problems)] == ["Anna", "Ben"]
    assert people_rows(journal, problems, archived=True) == []


def test_family_pin_follows_the_one_rule(journal):
    ben = journal.add_person("Ben")
    editor = editor_for(journal)
    editor.open(ben)
    assert not editor.set_family_pin("135") and editor.form.message == "A PIN has 4 to 8 digits."
    assert not PinGuard(journal).family_pin_is_set(ben.id)
    assert editor.set_family_pin("1357") and editor.form.family is FamilyPin.SET
    assert PinGuard(journal).check_family_pin(ben.id, "1357").ok
    assert editor.family_text == "The family has a PIN for this worker's progress."
    assert editor.clear_family_pin() is not None and editor.form.family is FamilyPin.NOT_SET


def test_storage_failure_is_a_plain_sentence_and_the_form_stays(tmp_path):
    journal = Journal.open(tmp_path / "journal.sqlite")
    anna = journal.add_person("Anna")
    problems = ProblemLog()
    editor = PersonEditor(journal, PinGuard(journal), problems, UiSettings(), tr_in("de"))
    editor.open(anna)
    journal.close()  # every write now fails underneath the form
    assert editor.save("Anna B.") is None
    assert (
        editor.form.message
        == translate("de", "Could not save. Please try again.")
        != "Could not save. Please try again."
    )
    assert editor.form.name == "Anna B." and editor.form.person == anna
    assert not editor.archive()
    assert [p.message for p in problems.items] == ["A worker could not be saved.", "A worker could not be archived."]
    assert (
        people_rows(journal, problems) == [] and problems.items[-1].message == "The list of people could not be read."
    )


def test_archiving_hides_the_worker_and_keeps_them(journal):
    anna = journal.add_person("Anna", photo="people/anna.png")
    journal.add_person("Ben")
    editor = editor_for(journal)
    editor.open(anna)
    assert editor.archive_question() == "Archive Anna? Their history is kept."
    assert editor.archive()
    rows = people_rows(journal, ProblemLog())
    assert [r.name for r in rows] == ["Ben"] and rows[0].photo == face_for(rows[0].person.id)  # no photo: his face
    assert [p.name for p in journal.people(include_archived=True) if p.archived] == ["Anna"]


# -- PINs ---------------------------------------------------------------------------------------


def test_the_pads_take_at_most_the_rules_longest_pin():
    assert MAX_DIGITS == 8
    pin = ""
    for digit in "123456789x":
        pin = add_digit(pin, digit)
    assert pin == "12345678"
    assert add_digit("1", "٣") == "1"  # an Arabic-Indic digit is not a PIN digit
    assert pin_problem("1234", tr_in("en")) is None
    assert pin_problem("123", tr_in("de")) == translate("de", "A PIN has 4 to 8 digits.") != "A PIN has 4 to 8 digits."


def door_for(journal):
    guard = PinGuard(journal)
    return TrainerDoor(guard, LockoutMemory(journal), writable=True), guard


def test_the_door_asks_twice_on_a_fresh_kiosk_then_checks(journal):
    door, guard = door_for(journal)
    flow = DoorFlow(door, tr_in("en"), "new")
    assert flow.heading == "Choose a new trainer PIN"
    assert flow.take("12").message == "A PIN has 4 to 8 digits." and flow.mode == "new"
    assert flow.take("97531").outcome is Outcome.STAY and flow.mode == "confirm"
    step = flow.take("97530")
    assert "different" in step.message and flow.mode == "new"
    flow.take("97531")
    assert flow.take("97531").outcome is Outcome.OPEN and guard.check("97531").ok
    check = DoorFlow(door, tr_in("en"))
    wrong = check.take("0000")
    assert wrong.outcome is Outcome.STAY and wrong.message == "Wrong PIN."
    assert check.take("97531").outcome is Outcome.OPEN


def test_changing_the_trainer_pin_needs_the_old_one(journal):
    door, guard = door_for(journal)
    guard.set_pin("2468")
    change = PinChange(door, guard, ProblemLog(journal), tr_in("en"))
    assert change.prompt == "Type the old PIN"
    assert change.take("1111").message == "Wrong PIN." and change.stage == "old"
    guard._trainer.clear_lockout()  # noqa: SLF001 - no need to wait out the lockout here
    change.take("2468")
    assert change.stage == "new" and change.prompt == "Choose a new trainer PIN"
    assert change.take("12").message == "A PIN has 4 to 8 digits." and change.stage == "new"
    change.take("975310")
    assert change.stage == "again"
    assert "different" in change.take("975311").message and change.stage == "new"
    change.take("975310")
    done = change.take("975310")
    assert done.outcome is Outcome.OPEN and done.message == "The trainer PIN is changed." and change.stage == "old"
    assert guard.check("975310").ok


def test_wrong_old_pins_count_towards_the_lockout(journal):
    door, guard = door_for(journal)
    guard.set_pin("2468")
    change = PinChange(door, guard, ProblemLog(journal), tr_in("en"))
    steps = [change.take("0000") for _ in range(4)]
    assert any(s.wait_seconds > 0 for s in steps)
    assert "seconds" in steps[-1].message and change.stage == "old"


# -- settings -----------------------------------------------------------------------------------


def test_settings_rows_show_the_current_values_and_save_through_change_setting(journal):
    state = {"settings": UiSettings(tap_guard_s=0.55)}

    def change_setting(name, value):  # what the app's change_setting does with the journal
        state["settings"] = state["settings"].save(journal, name, value)

    model = SettingsModel(lambda: state["settings"], change_setting)
    rows = {row.key: row for row in model.rows(tr_in("de"))}
    assert rows["tap_guard_s"].current == 0.5  # the nearest offered time
    assert rows["autoplay"].label == translate("de", "Speak each step")
    assert [c.word for c in rows["language"].options] == ["English", "Deutsch", "中文"]
    model.change("celebrate", False)
    assert journal.get_setting("ui.celebrate") is False
    assert {r.key: r for r in setting_rows(state["settings"], tr_in("en"))}["celebrate"].current is False
    with pytest.raises(KeyError):
        model.change("no_such_setting", 1)
    assert all(all(c.icon and c.word for c in row.options) for row in rows.values())  # icon and word
    assert [c.word for c in rows["tap_guard_s"].options] == ["0,3 s", "0,5 s", "0,8 s", "1,2 s"]  # German decimals


def test_every_kiosk_wide_setting_is_on_the_settings_screen(journal):
    """Settings in one place: text size and speech speed (once toggles on trainer home) and the
    idle time before "Who are you?" are rows here, saved like the others."""
    state = {"settings": UiSettings()}

    def change_setting(name, value):
        state["settings"] = state["settings"].save(journal, name, value)

    model = SettingsModel(lambda: state["settings"], change_setting)
    keys = [row.key for row in model.rows(tr_in("en"))]
    assert keys == [
        "text_scale",
        "autoplay",
        "speech_rate",
        "tap_guard_s",
        "celebrate",
        "finish_pause_s",
        "timer_digits",
        "scan_s",
        "high_contrast",
        "worker_idle_s",
        "language",
    ]
    assert sorted(keys) == sorted(f.name for f in fields(UiSettings))  # every kiosk-wide setting, none left out
    model.change("scan_s", 2.5)
    assert UiSettings.load(journal).scan_s == 2.5
    model.change("text_scale", 1.5)
    model.change("speech_rate", "slow")
    model.change("worker_idle_s", 300.0)
    assert journal.get_setting("ui.text_scale") == 1.5 and journal.get_setting("ui.speech_rate") == "slow"
    assert UiSettings.load(journal).worker_idle_s == 300.0
    rows = {row.key: row for row in model.rows(tr_in("zh"))}
    assert rows["text_scale"].current == 1.5 and rows["worker_idle_s"].current == 300.0
    assert [c.word for c in rows["worker_idle_s"].options] == ["1 分钟", "2 分钟", "5 分钟"]


# -- problems -----------------------------------------------------------------------------------


def test_problems_are_grouped_counted_and_shown_in_the_kiosk_language(tmp_path, journal):
    from kiosk.i18n import translator
    from kiosk.packs.words import Msg
    from kiosk.ui.models.problems import problem_count, problems_view

    folder = standard_library(tmp_path / "packs")
    root = make_pack(
        folder, "fold-towels", {"en": "Fold the towels"}, [{"text": "Take a towel."}, {"text": "Fold it."}]
    )
    (root / "02.jpg").unlink()
    result = Library([folder], tmp_path / "cache").scan()
    log = ProblemLog(journal)
    log.add("speech", "The kiosk cannot speak: the speech engine failed.", "RuntimeError: no espeak")
    log.add("packs", Msg("The pack {pack} cannot be used.", pack="fold-towels"), "02.jpg")
    english = problems_view(result, log.stored(), result.packs, "en", tr_in("en"), None)
    pack_problems = sum(len(r.problems) for r in result.reports)
    assert english.count == pack_problems + 2 == problem_count(result, log.stored()) and english.kiosk_count == 2
    kinds = [(row.kind, row.title) for row in english.rows]
    assert kinds[0] == ("group", "fold-towels — Broken")  # the broken pack first, as a heading
    missing = next(row for row in english.rows if "02.jpg" in row.what)
    assert missing.title == "02.jpg, step 2" and missing.severity == "error" and "pack.yaml" in missing.todo
    assert ("group", "This kiosk") in kinds
    assert english.rows[-1].what == "The kiosk cannot speak: the speech engine failed."  # oldest last
    german = problems_view(result, log.stored(), result.packs, "de", tr_in("de"), translator("de"))
    assert german.rows[0].title == "fold-towels — Defekt"
    missing_de = next(row for row in german.rows if "02.jpg" in row.what and row.kind == "problem")
    assert missing_de.title == "02.jpg, Schritt 2" and missing_de.what.startswith("Die Datei 02.jpg")
    kiosk_rows = german.rows[-2:]
    assert kiosk_rows[0].what == "Das Paket fold-towels kann nicht benutzt werden."
    assert kiosk_rows[1].what == "Der Kiosk kann nicht sprechen: Die Sprachausgabe ist ausgefallen."


def test_clearing_the_kiosk_problems_can_be_undone(journal):
    log = ProblemLog(journal)
    log.add("audio", "A sound file is damaged and could not be played.", "01.wav")
    removed = log.clear()
    assert log.stored() == [] and [p["detail"] for p in removed] == ["01.wav"]
    log.add("speech", "The kiosk cannot speak: the speech engine failed.", "x")  # one more meanwhile
    log.restore(removed)
    assert [p["detail"] for p in log.stored()] == ["01.wav", "x"]
    assert log.add("audio", "A sound file is damaged and could not be played.", "01.wav") is None  # once
    assert [p["detail"] for p in ProblemLog(journal).stored()] == ["01.wav", "x"]  # kept in the journal


# -- packs --------------------------------------------------------------------------------------


def test_pack_rows_put_broken_first_with_their_problems(tmp_path):
    folder = standard_library(tmp_path / "packs")
    root = make_pack(
        folder, "fold-towels", {"en": "Fold the towels"}, [{"text": "Take a towel."}, {"text": "Fold it."}]
    )
    (root / "02.jpg").unlink()
    library = Library([folder], tmp_path / "cache")
    result = library.scan()
    view = packs_view(result, result.packs, lambda pack_id: None, "de", tr_in("de"))
    first = view.rows[0]
    assert first.title == "fold-towels" and not first.usable and first.state_icon == "broken"
    assert first.state_word == translate("de", "Broken") and first.thumbnail is None
    assert any("02.jpg" in line for line in first.lines) and first.lines[-1] == str(root)
    ready = [r for r in view.rows if r.usable]
    assert {r.title for r in ready} == {"Schrauben sortieren", "Hände waschen"}
    assert all(r.state_icon == "ready" and r.thumbnail is not None and r.thumbnail.is_file() for r in ready)
    assert view.status == translate("de", "{usable} ready to use, {broken} broken.", usable=2, broken=1)
    assert packs_view(None, (), lambda _: None, "en", tr_in("en")).status == "Looking for packs…"


# -- progress -----------------------------------------------------------------------------------


def test_progress_view_maps_the_report_in_the_workers_language(tmp_path, journal):
    from kiosk.report.builder import build_person_report

    library = Library([standard_library(tmp_path / "packs")], tmp_path / "cache").scan()
    anna = journal.add_person("Anna", language="de")
    nobody = progress_view(build_person_report(journal, library.packs, anna.id, 8))
    assert nobody.empty and nobody.figures == () and nobody.tasks == () and nobody.language == "de"
    pack = next(p for p in library.packs if p.id == "wash-hands")
    for helped in ({2}, set()):
        run_id = journal.start_run(anna.id, pack.id, pack.version, pack.content_hash, step_count=2)
        for step in (1, 2):
            journal.record_step(run_id, step, "shown")
            if step in helped:
                journal.record_step(run_id, step, "help")
            journal.record_step(run_id, step, "done", duration_ms=2000)
        journal.finish_run(run_id, "finished")
    report = build_person_report(journal, library.packs, anna.id, 8, now=datetime.now(timezone.utc))
    view = progress_view(report)
    assert not view.empty and view.name == "Anna" and len(view.figures) == 3
    assert view.figures[0].number == str(report.summary.tasks_done)
    task = view.tasks[0]
    assert task.title == "Hände waschen" and task.times_done == "2" and len(task.points) == 2
    assert len(task.help_steps) == 1 and task.help_steps[0].sentence == "Trocknen Sie die Hände ab."
    assert task.axis_labels[-1].startswith("100")


# -- on-screen keyboard -------------------------------------------------------------------------

WORDS = {"Shift": "Umschalt", "Delete": "Löschen", "Done": "Fertig"}


@pytest.mark.parametrize("wide", [True, False], ids=["wide", "narrow"])
@pytest.mark.parametrize("language", ["en", "de", "zh"])
def test_keyboard_layouts_fill_their_rows_and_have_the_languages_letters(language, wide):
    layout = keyboard.layout(language, wide, WORDS)
    for mode in ("normal", "shift"):
        for row in range(1, layout["rows"] + 1):
            assert sum(key[3] for key in layout[f"{mode}_{row}"]) == pytest.approx(layout["cols"])
    keys = keyboard.key_texts(layout)
    letters = set("abcdefghijklmnopqrstuvwxyz-' ")
    assert letters <= set(keys)
    assert ("ä" in keys and "ß" in keys and "ü" in keys and "ö" in keys) == (language == "de")
    shifted = keyboard.key_texts(layout, "shift")
    assert "A" in shifted and ("ß" in shifted) == (language == "de") and "Ä" in shifted or language != "de"
    specials = [k for k in keys if len(k) > 1 and k != " "]
    assert specials == [s for s in specials if " " in s] and len(specials) == 3  # a symbol and a word each
    assert layout["cols"] == (12 if wide else 8)


def test_switch_scanning_is_set_per_worker_or_follows_the_kiosk(journal):
    editor = editor_for(journal, UiSettings(scan_s=0.0))
    editor.open(None)
    rows = {row.key: row for row in editor.choice_rows()}
    assert rows["scan_s"].current is None and rows["scan_s"].options[0].word == "Same as kiosk (Off)"
    editor.choose("scan_s", 2.5)
    ben = editor.save("Ben")
    assert ben.preferences == {"scan_s": 2.5}
    assert UiSettings(scan_s=0.0).for_person(ben).scan_s == 2.5  # Ben's screens scan, the kiosk's do not
    editor.open(ben)
    editor.choose("scan_s", None)
    assert "scan_s" not in editor.save("Ben").preferences


def test_workers_who_show_the_same_picture_are_named_for_the_trainer(journal):
    from kiosk.ui.models.people import shared_photo_warning

    problems = ProblemLog(journal)
    for name in ("Anna", "Ben"):
        journal.add_person(name)
    assert shared_photo_warning(journal, problems, tr_in("en")) == ""  # each has their own face
    for person in journal.people():
        journal.update_person(person.id, photo="people/same.jpg")
    assert shared_photo_warning(journal, problems, tr_in("en")) == (
        "Anna, Ben show the same picture. Give each their own photo."
    )
    assert "Anna, Ben" in shared_photo_warning(journal, problems, tr_in("de"))
    assert shared_photo_warning(journal, problems, tr_in("de")) != shared_photo_warning(journal, problems, tr_in("en"))


def test_a_family_pin_is_typed_twice_and_shown_once_on_a_slip(journal):
    editor = editor_for(journal)
    editor.open(None)
    ben = editor.save("Ben")
    editor.open(ben)
    assert editor.enter_family_pin("12") == "" and editor.form.message == "A PIN has 4 to 8 digits."
    assert editor.enter_family_pin("2468") == "again" and not PinGuard(journal).family_pin_is_set(ben.id)
    assert editor.enter_family_pin("2469") == "different"  # a slip of a finger: nothing saved, start over
    assert not PinGuard(journal).family_pin_is_set(ben.id)
    assert editor.enter_family_pin("2468") == "again"
    assert editor.enter_family_pin("2468") == "saved" and PinGuard(journal).check_family_pin(ben.id, "2468").ok
    assert "2468" in editor.family_slip("2468") and "Ben" in editor.family_slip("2468")
