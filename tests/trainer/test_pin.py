"""PinGuard: slow salted hashes, right and wrong PINs, the growing lockout and its persistence."""

from __future__ import annotations

import pytest

from kiosk.trainer import PinCheck, PinGuard
from kiosk.trainer.pin import (
    DEFAULT_PARAMS,
    TRAINER_PIN_KEY,
    LockoutPolicy,
    ScryptParams,
    hash_pin,
    verify_pin,
)


def wrong_tries(guard: PinGuard, count: int, pin: str = "0000") -> list[PinCheck]:
    return [guard.check(pin) for _ in range(count)]


def test_no_default_pin(journal, clock):
    guard = PinGuard(journal, clock=clock)
    assert not guard.is_set()
    for candidate in ("0000", "1234", "", "admin"):
        assert guard.check(candidate).ok is False


def test_stored_value_is_a_salted_hash_not_the_pin(journal, clock):
    guard = PinGuard(journal, clock=clock)
    guard.set_pin("4071")
    record = journal.get_setting(TRAINER_PIN_KEY)
    assert "4071" not in str(record)
    assert record["scheme"] == "scrypt"
    assert (record["n"], record["r"], record["p"]) == (2**14, 8, 1)
    assert len(bytes.fromhex(record["salt"])) == 16
    first_salt, first_hash = record["salt"], record["hash"]
    guard.set_pin("4071")
    again = journal.get_setting(TRAINER_PIN_KEY)
    assert again["salt"] != first_salt and again["hash"] != first_hash


def test_right_and_wrong_pin(journal, clock):
    guard = PinGuard(journal, clock=clock)
    guard.set_pin("4071")
    assert guard.is_set()
    assert guard.check("4071") == PinCheck(ok=True, wait_seconds=0.0)
    assert guard.check("4072").ok is False
    assert guard.check("40710").ok is False
    assert guard.check("4071").ok is True


@pytest.mark.parametrize("bad", ["123", "123456789", "12a4", "", " 1234", "١٢٣٤", "12 34"])
def test_pin_rule_has_a_plain_message(journal, bad):
    with pytest.raises(ValueError, match="4 to 8 digits"):
        PinGuard(journal).set_pin(bad)
    assert not PinGuard(journal).is_set()


def test_growing_lockout_with_injected_clock(journal, clock):
    guard = PinGuard(journal, clock=clock)
    guard.set_pin("4071")
    first_two = wrong_tries(guard, 2)
    assert [c.wait_seconds for c in first_two] == [0.0, 0.0]
    third = guard.check("1111")
    assert third == PinCheck(ok=False, wait_seconds=30.0)

    # During the wait even the right PIN is refused, and tries do not extend the wait.
    clock.advance(10)
    during = guard.check("4071")
    assert during.ok is False and during.wait_seconds == pytest.approx(20.0)
    assert guard.check("0000").wait_seconds == pytest.approx(20.0)

    waits = []
    for _ in range(8):
        clock.advance(guard.wait_seconds())
        waits.append(guard.check("0000").wait_seconds)
    assert waits == [60.0, 120.0, 240.0, 480.0, 900.0, 900.0, 900.0, 900.0]

    clock.advance(900)
    assert guard.check("4071").ok is True
    # Success resets the count: three free tries again.
    assert [c.wait_seconds for c in wrong_tries(guard, 3)] == [0.0, 0.0, 30.0]


def test_lockout_survives_a_restart(journal, reopen, clock):
    PinGuard(journal, clock=clock).set_pin("4071")
    wrong_tries(PinGuard(journal, clock=clock), 4)  # third: 30 s; fourth try is inside the wait
    restarted = PinGuard(reopen(), clock=clock)
    check = restarted.check("4071")
    assert check.ok is False and check.wait_seconds == pytest.approx(30.0)
    clock.advance(30)
    assert restarted.check("2222").wait_seconds == 60.0  # the count went on from 3
    clock.advance(60)
    assert PinGuard(reopen(), clock=clock).check("4071").ok is True


def test_clock_set_back_never_locks_longer_than_the_step(journal, clock):
    guard = PinGuard(journal, clock=clock)
    guard.set_pin("4071")
    wrong_tries(guard, 3)
    clock.advance(-86_400)  # someone set the date back a day
    assert guard.check("4071").wait_seconds == pytest.approx(30.0)


def test_reset_clears_pin_and_lockout(journal, clock):
    guard = PinGuard(journal, clock=clock)
    guard.set_pin("4071")
    wrong_tries(guard, 3)
    guard.reset()
    assert not guard.is_set()
    assert guard.wait_seconds() == 0.0
    guard.set_pin("9876")
    assert guard.check("9876").ok is True
    assert guard.check("4071").ok is False


def test_setting_a_new_pin_ends_a_lockout(journal, clock):
    guard = PinGuard(journal, clock=clock)
    guard.set_pin("4071")
    wrong_tries(guard, 3)
    guard.set_pin("5555")
    assert guard.check("5555").ok is True


def test_weaker_stored_parameters_still_verify_and_are_upgraded(journal, clock):
    old = ScryptParams(n=2**10, r=8, p=1, dklen=32)
    journal.set_setting(TRAINER_PIN_KEY, hash_pin("4071", old))
    guard = PinGuard(journal, clock=clock)
    assert guard.check("4071").ok is True
    upgraded = journal.get_setting(TRAINER_PIN_KEY)
    assert upgraded["n"] == DEFAULT_PARAMS.n
    assert guard.check("4071").ok is True


def test_damaged_record_fails_closed(journal, clock):
    journal.set_setting(TRAINER_PIN_KEY, {"scheme": "scrypt", "n": "x"})
    guard = PinGuard(journal, clock=clock)
    assert guard.is_set()  # no silent return to the first-run prompt
    assert guard.check("4071").ok is False
    assert verify_pin("4071", "not a record") is False


def test_policy_is_capped_at_fifteen_minutes():
    policy = LockoutPolicy()
    assert [policy.delay_after(n) for n in range(0, 6)] == [0, 0, 0, 30, 60, 120]
    assert policy.delay_after(10_000) == 900


def test_family_pin_per_person_and_trainer_pin_opens_all(journal, clock):
    guard = PinGuard(journal, clock=clock)
    guard.set_pin("4071")
    guard.set_family_pin(1, "1111")
    guard.set_family_pin(2, "2222")
    assert guard.family_pin_is_set(1) and not guard.family_pin_is_set(3)
    assert guard.check_family_pin(1, "1111").ok
    assert not guard.check_family_pin(1, "2222").ok
    assert guard.check_family_pin(2, "2222").ok
    assert guard.check_family_pin(2, "4071").ok  # the trainer PIN opens every progress view
    assert guard.check_family_pin(3, "4071").ok  # even for someone without a family PIN
    assert not guard.check_family_pin(3, "1111").ok
    assert not guard.check("1111").ok  # a family PIN never opens trainer mode


def test_family_lockout_is_per_person_and_persists(journal, reopen, clock):
    guard = PinGuard(journal, clock=clock)
    guard.set_pin("4071")
    guard.set_family_pin(1, "1111")
    guard.set_family_pin(2, "2222")
    checks = [guard.check_family_pin(1, "0000") for _ in range(3)]
    assert checks[-1].wait_seconds == 30.0
    assert PinGuard(reopen(), clock=clock).check_family_pin(1, "1111").wait_seconds == pytest.approx(30.0)
    assert guard.check_family_pin(2, "2222").ok  # another family is not affected
    clock.advance(30)
    assert guard.check_family_pin(1, "1111").ok


def test_family_prompts_give_no_extra_guesses_at_the_trainer_pin(journal, clock):
    guard = PinGuard(journal, clock=clock)
    guard.set_pin("4071")
    for person in (1, 2, 3):  # one wrong try at each of three people's prompts
        assert not guard.check_family_pin(person, f"000{person}").ok
    # ... are three wrong trainer-PIN tries: the trainer PIN pad now waits too.
    assert guard.wait_seconds() == 30.0
    assert guard.check_family_pin(4, "4071").ok is False
    clock.advance(30)
    assert guard.check_family_pin(4, "4071").ok
    assert guard.check("4071").ok


def test_trainer_lockout_cannot_be_bypassed_through_a_family_prompt(journal, clock):
    guard = PinGuard(journal, clock=clock)
    guard.set_pin("4071")
    wrong_tries(guard, 3)
    assert guard.check_family_pin(7, "4071").ok is False


def test_family_pin_keys_belong_to_the_person_in_the_journal(journal, clock):
    """The journal exports (redacted) and deletes `<topic>.<person id>` settings with the person."""
    person = journal.add_person("Alex")
    guard = PinGuard(journal, clock=clock)
    guard.set_family_pin(person.id, "1357")
    guard.check_family_pin(person.id, "0000")  # leaves a lockout record too
    assert set(journal.person_settings(person.id)) == {f"family_pin.{person.id}", f"family_pin.{person.id}.lockout"}
    journal.delete_person(person.id)
    assert not guard.family_pin_is_set(person.id)
