"""The Kivy-free parts of the UI: run logging, the tap-guard, keys, settings and the problem list."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from kiosk.journal import Journal, JournalError
from kiosk.packs import Pack, Step
from kiosk.ui.guard import TapGuard
from kiosk.ui.keys import Action, action_for, digit_for
from kiosk.ui.problems import ProblemLog
from kiosk.ui.session import RunSession
from kiosk.ui.settings import UiSettings


def pack(tmp_path, steps=3):
    return Pack(
        id="p",
        title={"en": "P"},
        language="en",
        kind="other",
        version=2,
        cover=None,
        steps=tuple(Step(n, f"{n}.jpg", {"en": f"Step {n}"}, {}) for n in range(1, steps + 1)),
        root=tmp_path,
        source=tmp_path,
        content_hash="abc",
    )


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_session_logs_a_run_with_durations(tmp_path):
    journal = Journal.open(tmp_path / "j.sqlite3")
    person = journal.add_person("Anna")
    clock = Clock()
    session = RunSession(journal, person, pack(tmp_path), ProblemLog(journal), clock=clock)
    session.arrive()
    clock.now += 2.5
    assert session.next() is False
    session.arrive()
    session.event("help")
    assert session.back() is True
    session.arrive()
    assert session.back() is False  # nothing before step 1
    for _ in range(2):
        session.next()
        session.arrive()
    assert session.next() is True and session.finished
    run = journal.run(session.run_id)
    assert (run.pack_id, run.pack_version, run.content_hash, run.step_count, run.outcome) == (
        "p",
        2,
        "abc",
        3,
        "finished",
    )
    events = [(e.step_number, e.event, e.duration_ms) for e in journal.events(run.id)]
    assert events[:2] == [(1, "shown", None), (1, "done", 2500)]
    assert [e[:2] for e in events[2:6]] == [(2, "shown"), (2, "help"), (2, "back"), (1, "shown")]


def test_session_writes_wait_for_the_schedule_and_keep_order(tmp_path):
    journal = Journal.open(tmp_path / "j.sqlite3")
    person = journal.add_person("Anna")
    session = RunSession(journal, person, pack(tmp_path), ProblemLog(journal))
    kicks = []
    session.schedule = lambda: kicks.append(1)
    session.arrive()
    session.next()
    session.arrive()
    assert journal.events(session.run_id) == [] and kicks  # nothing written before the frame
    session.flush()
    assert [(e.step_number, e.event) for e in journal.events(session.run_id)] == [
        (1, "shown"),
        (1, "done"),
        (2, "shown"),
    ]


def test_session_survives_a_journal_that_cannot_write(tmp_path):
    class Broken:
        def __getattr__(self, name):
            def fail(*_a, **_k):
                raise JournalError("The kiosk could not save: the storage is full.", "Free some space.")

            return fail

    problems = ProblemLog()
    session = RunSession(Broken(), SimpleNamespace(id=1), pack(tmp_path), problems)
    assert session.run_id is None
    session.arrive()
    assert session.next() is False
    assert [p.message for p in problems.items] == ["The kiosk could not save: the storage is full."]


def test_tap_guard():
    clock = Clock()
    guard = TapGuard(clock, 0.5)
    assert guard.accept()
    clock.now += 0.3
    assert not guard.accept()
    clock.now += 0.3
    assert guard.accept()
    clock.now += 0.49
    assert not guard.accept()


@pytest.mark.parametrize(
    ("key", "modifiers", "action"),
    [
        (32, [], Action.MAIN),
        (13, [], Action.MAIN),
        (271, [], Action.MAIN),
        (8, [], Action.BACK),
        (ord("r"), [], Action.HEAR),
        (ord("h"), [], Action.HELP),
        (9, [], Action.FOCUS_NEXT),
        (9, ["shift"], Action.FOCUS_PREV),
        (276, [], Action.FOCUS_PREV),
        (274, [], Action.FOCUS_NEXT),
        (27, [], Action.IGNORE),
        (ord("r"), ["ctrl"], None),
        (ord("x"), [], None),
    ],
)
def test_keys(key, modifiers, action):
    assert action_for(key, modifiers) == action


def test_pin_digits():
    assert digit_for(ord("7"), "7") == "7" and digit_for(263, None) == "7" and digit_for(ord("a"), "a") is None


def test_settings_kiosk_wide_and_per_worker(tmp_path):
    journal = Journal.open(tmp_path / "j.sqlite3")
    journal.set_setting("ui.text_scale", 1.25)
    journal.set_setting("ui.autoplay", "yes")  # wrong type: ignored
    settings = UiSettings.load(journal)
    assert settings.text_scale == 1.25 and settings.autoplay is True
    person = journal.add_person("Anna", preferences={"high_contrast": True, "tap_guard_s": 1.0})
    mine = settings.for_person(person)
    assert mine.high_contrast and mine.tap_guard_s == 1.0 and mine.text_scale == 1.25
    assert settings.save(journal, "autoplay", False).autoplay is False
    assert journal.get_setting("ui.autoplay") is False


def test_problem_log_keeps_each_problem_once_and_stores_it(tmp_path):
    journal = Journal.open(tmp_path / "j.sqlite3")
    problems = ProblemLog(journal)
    assert problems.add("audio", "No sound.", "x.wav") is not None
    assert problems.add("audio", "No sound.", "x.wav") is None
    assert [p["message"] for p in ProblemLog(journal).stored()] == ["No sound."]
    problems.clear()
    assert problems.stored() == []


def test_with_a_hub_the_workshops_packs_show_beside_a_chosen_packs_folder(window, tmp_path):
    """`kiosk run --packs DIR --hub URL`: the fleet pulls into the data folder's packs, which the
    kiosk then shows too; without a hub only DIR."""
    from kiosk.paths import DataDir
    from kiosk.ui.app import KioskApp

    data = DataDir(tmp_path / "data")
    chosen = tmp_path / "usb-packs"
    with_hub = KioskApp([chosen], data, hub_url="postgresql://hub.invalid/workshop")
    assert with_hub.packs_folders == [chosen, data.packs]
    assert KioskApp([chosen], data).packs_folders == [chosen]
    assert KioskApp([data.packs], data, hub_url="postgresql://hub.invalid/w").packs_folders == [data.packs]
