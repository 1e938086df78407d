"""The trainer PIN (and optional family PINs): slow salted hashes and a growing lockout.

Why it looks like this:
- A kiosk stands in a shared room; anyone can tap at the PIN pad. A 4-digit PIN has only 10,000
  values, so what protects it is the *lockout*: after three wrong tries every further try waits
  30 s, then 60 s, 120 s ... up to 15 minutes. The count and the end of the wait are kept in the
  journal, so switching the kiosk off and on does not reset them.
- The journal file can be copied off the device (exports, backups). It therefore holds only a
  salted scrypt hash, never the PIN, and the scrypt parameters are stored next to each hash so a
  later version can raise them: old hashes still verify and are upgraded on the next right PIN.
- There is no default PIN. Until a trainer sets one, ``is_set()`` is False and the UI asks for a
  new PIN; a forgotten PIN is cleared with ``kiosk trainer reset-pin`` on the device itself.
- Times come from an injected clock (wall-clock seconds) so tests need not sleep. Wall-clock time
  survives a restart (a monotonic clock would not); if the clock is set back, a wait is never
  longer than the lockout step it belongs to.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from kiosk.journal.settings import SettingsStore

Clock = Callable[[], float]

TRAINER_PIN_KEY = "trainer.pin"
FAMILY_PIN_KEY = "family_pin.{person_id}"
LOCKOUT_SUFFIX = ".lockout"

PIN_RULE = "A PIN is 4 to 8 digits (0-9), for example 4071."
_PIN_PATTERN = re.compile(r"[0-9]{4,8}")


@dataclass(frozen=True)
class PinCheck:
    """The answer to one PIN entry.

    ``ok`` is True only for the right PIN outside a lockout. ``wait_seconds`` is how long the PIN
    pad must stay closed before the next try (0 when another try is allowed now); the UI shows it
    as a countdown so a trainer knows the kiosk is not broken.
    """

    ok: bool
    wait_seconds: float = 0.0


@dataclass(frozen=True)
class ScryptParams:
    """scrypt cost parameters; stored with every hash so they can be raised later."""

    n: int = 2**14
    r: int = 8
    p: int = 1
    dklen: int = 32

    def maxmem(self) -> int:
        """Memory limit for OpenSSL: what these parameters need plus a margin (its default is 32 MiB)."""
        return 128 * self.r * (self.n + 2) + 128 * self.r * self.p + (1 << 20)


DEFAULT_PARAMS = ScryptParams()


@dataclass(frozen=True)
class LockoutPolicy:
    """How long to wait after wrong tries: free tries first, then a doubling delay with a cap."""

    free_tries: int = 3
    first_delay: float = 30.0
    max_delay: float = 15 * 60.0

    def delay_after(self, failures: int) -> float:
        """Seconds to wait after ``failures`` wrong tries in a row (0 while tries are free)."""
        if failures < self.free_tries:
            return 0.0
        steps = failures - self.free_tries
        if steps >= 32:  # far past the cap; avoids huge powers of two
            return self.max_delay
        return min(self.first_delay * (2**steps), self.max_delay)


def validate_pin(pin: str) -> str:
    """Return ``pin`` if it follows the PIN rule, else raise ValueError in plain words."""
    if not isinstance(pin, str) or not _PIN_PATTERN.fullmatch(pin):
        raise ValueError(f"This PIN cannot be used. {PIN_RULE}")
    return pin


def hash_pin(pin: str, params: ScryptParams = DEFAULT_PARAMS, salt: bytes | None = None) -> dict[str, Any]:
    """A JSON-ready record of a salted scrypt hash of ``pin``, with the parameters used."""
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = _scrypt(pin, salt, params)
    return {
        "scheme": "scrypt",
        "n": params.n,
        "r": params.r,
        "p": params.p,
        "dklen": params.dklen,
        "salt": salt.hex(),
        "hash": digest.hex(),
    }


def verify_pin(pin: str, record: Any) -> bool:
    """True when ``pin`` matches a record made by ``hash_pin``; False for anything unreadable."""
    params = _params_of(record)
    if params is None or not isinstance(pin, str):
        return False
    try:
        salt = bytes.fromhex(record["salt"])
        expected = bytes.fromhex(record["hash"])
    except (KeyError, TypeError, ValueError):
        return False
    return hmac.compare_digest(_scrypt(pin, salt, params), expected)


def needs_rehash(record: Any, params: ScryptParams = DEFAULT_PARAMS) -> bool:
    """True when a stored hash was made with other parameters than today's."""
    return _params_of(record) != params


def _scrypt(pin: str, salt: bytes, params: ScryptParams) -> bytes:
    return hashlib.scrypt(
        pin.encode("utf-8"),
        salt=salt,
        n=params.n,
        r=params.r,
        p=params.p,
        dklen=params.dklen,
        maxmem=params.maxmem(),
    )


def _params_of(record: Any) -> ScryptParams | None:
    if not isinstance(record, Mapping) or record.get("scheme") != "scrypt":
        return None
    try:
        params = ScryptParams(int(record["n"]), int(record["r"]), int(record["p"]), int(record["dklen"]))
    except (KeyError, TypeError, ValueError):
        return None
    if params.n < 2 or params.n & (params.n - 1) or min(params.r, params.p, params.dklen) < 1:
        return None
    return params


class _GuardedSecret:
    """One hashed PIN and its lockout state, kept under one settings key (and key + '.lockout')."""

    def __init__(self, settings: SettingsStore, key: str, clock: Clock, policy: LockoutPolicy) -> None:
        self._settings = settings
        self._key = key
        self._lock_key = key + LOCKOUT_SUFFIX
        self._clock = clock
        self._policy = policy

    def is_set(self) -> bool:
        # Any stored value counts: a damaged record must not silently reopen the first-run prompt.
        return self._settings.get_setting(self._key) is not None

    def set(self, pin: str) -> None:
        self._settings.set_setting(self._key, hash_pin(validate_pin(pin)))
        self.clear_lockout()

    def clear(self) -> None:
        self._forget(self._key)
        self.clear_lockout()

    def clear_lockout(self) -> None:
        if self._settings.get_setting(self._lock_key) is not None:
            self._forget(self._lock_key)

    def _forget(self, key: str) -> None:
        delete = getattr(self._settings, "delete_setting", None)
        if callable(delete):
            delete(key)  # the journal's way: no row left behind
        else:
            self._settings.set_setting(key, None)

    def remaining_wait(self) -> float:
        """Seconds left in the current lockout (0 when a try is allowed now)."""
        failures, locked_until = self._lockout()
        remaining = locked_until - self._clock()
        if remaining <= 0:
            return 0.0
        # If the clock was set back, never wait longer than this lockout step itself.
        return min(remaining, self._policy.delay_after(failures))

    def matches(self, pin: str) -> bool:
        """Compare without touching the lockout (the caller decides what a miss means)."""
        record = self._settings.get_setting(self._key)
        if not verify_pin(pin, record):
            return False
        if needs_rehash(record):
            self._settings.set_setting(self._key, hash_pin(pin))
        return True

    def record_failure(self) -> PinCheck:
        failures, _ = self._lockout()
        failures += 1
        delay = self._policy.delay_after(failures)
        self._settings.set_setting(self._lock_key, {"failures": failures, "locked_until": self._clock() + delay})
        return PinCheck(ok=False, wait_seconds=delay)

    def check(self, pin: str) -> PinCheck:
        wait = self.remaining_wait()
        if wait > 0:
            return PinCheck(ok=False, wait_seconds=wait)
        if not self.is_set():
            return PinCheck(ok=False)  # nothing to guess: the UI asks for a new PIN instead
        if self.matches(pin):
            self.clear_lockout()
            return PinCheck(ok=True)
        return self.record_failure()

    def _lockout(self) -> tuple[int, float]:
        state = self._settings.get_setting(self._lock_key)
        if not isinstance(state, Mapping):
            return 0, 0.0
        try:
            return max(0, int(state.get("failures", 0))), float(state.get("locked_until", 0.0))
        except (TypeError, ValueError):
            return 0, 0.0


class PinGuard:
    """The trainer PIN and the optional per-person family PINs, stored in the journal's settings.

    ``check`` never reveals whether a PIN is right while a lockout runs: every try in that time
    returns ``ok=False`` with the remaining wait, even the right PIN, and does not count as a try.
    """

    def __init__(
        self,
        journal: SettingsStore,
        *,
        clock: Clock = time.time,
        policy: LockoutPolicy = LockoutPolicy(),
    ) -> None:
        self._journal = journal
        self._clock = clock
        self._policy = policy
        self._trainer = _GuardedSecret(journal, TRAINER_PIN_KEY, clock, policy)

    # Trainer PIN -------------------------------------------------------------------------------

    def is_set(self) -> bool:
        """False until a trainer chose a PIN (then the UI asks for a new one: no default PIN)."""
        return self._trainer.is_set()

    def set_pin(self, pin: str) -> None:
        """Store a new trainer PIN (4-8 digits; ValueError otherwise) and end any lockout."""
        self._trainer.set(pin)

    def check(self, pin: str) -> PinCheck:
        """Check a trainer PIN entry; wrong tries lead to a growing wait (see module docstring).

        Without a PIN set every check fails (call ``is_set`` first and ask for a new PIN).
        """
        return self._trainer.check(pin)

    def wait_seconds(self) -> float:
        """Remaining lockout of the trainer PIN pad, for showing a countdown before any try."""
        return self._trainer.remaining_wait()

    def reset(self) -> None:
        """Forget the trainer PIN and its lockout, so the first-run prompt appears again."""
        self._trainer.clear()

    # Family PINs -------------------------------------------------------------------------------

    def _family(self, person_id: int | str) -> _GuardedSecret:
        return _GuardedSecret(self._journal, FAMILY_PIN_KEY.format(person_id=person_id), self._clock, self._policy)

    def family_pin_is_set(self, person_id: int | str) -> bool:
        return self._family(person_id).is_set()

    def set_family_pin(self, person_id: int | str, pin: str) -> None:
        """Give one person's family a PIN for that person's progress view (4-8 digits)."""
        self._family(person_id).set(pin)

    def clear_family_pin(self, person_id: int | str) -> None:
        self._family(person_id).clear()

    def check_family_pin(self, person_id: int | str, pin: str) -> PinCheck:
        """Open one person's progress view: their family PIN or the trainer PIN.

        Each person's prompt has its own lockout, so one family's typos never lock out another.
        Because the trainer PIN is accepted here too, a wrong entry also counts as a wrong
        trainer-PIN try (while the trainer PIN pad is not already waiting); otherwise every
        person's prompt would hand out fresh guesses at the trainer PIN. While the trainer PIN
        pad waits, the trainer PIN is not accepted here either.
        """
        family = self._family(person_id)
        wait = family.remaining_wait()
        if wait > 0:
            return PinCheck(ok=False, wait_seconds=wait)
        if family.is_set() and family.matches(pin):
            family.clear_lockout()
            return PinCheck(ok=True)
        if self._trainer.is_set() and self._trainer.remaining_wait() <= 0:
            if self._trainer.matches(pin):
                family.clear_lockout()
                self._trainer.clear_lockout()
                return PinCheck(ok=True)
            self._trainer.record_failure()
        return family.record_failure()
