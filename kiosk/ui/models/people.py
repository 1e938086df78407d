"""The workers list and one worker's form, for the trainer (Kivy-free).

Preferences are stored in ``person.preferences`` under the names the worker UI reads
(``kiosk.ui.settings.UiSettings``): ``text_scale`` (1.0 Normal, 1.25 Large, 1.5 Larger),
``autoplay`` (speech on arrival) and ``speech_rate`` ("slow" / "normal"). Each row starts with
"Same as kiosk": then nothing is saved for the worker, so a later change of the kiosk-wide setting
reaches them. Only what a trainer chose for this worker is saved (once the form saved every value,
so kiosk-wide changes never reached workers made in the form; those saved values are kept as they
are — they may have been meant — and show as the worker's own choice, which "Same as kiosk"
removes). Every journal write is here, and a storage
failure (``JournalError`` or a closed journal) becomes one plain sentence in ``message`` and a line
in the trainer's problem list: the form stays as it was, so nothing typed is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any, Callable

from kiosk.i18n import LANGUAGE_NAMES, LANGUAGES, base_language
from kiosk.journal import JournalError
from kiosk.trainer.pin import FAMILY_PIN_KEY
from kiosk.ui.models.choices import Choice, ChoiceRow
from kiosk.ui.models.pin import pin_problem
from kiosk.people import shared_photos, shown_photo
from kiosk.ui.models.settings import (
    SCAN_CHOICES,
    TEXT_SCALE_CHOICES,
    seconds_words,
    speech_rate_words,
    text_scale_words,
)

Translate = Callable[..., str]
COULD_NOT_SAVE = "Could not save. Please try again."
OWN_CHOICES = ("text_scale", "autoplay", "speech_rate", "scan_s")  # each may be "Same as kiosk" (None)


@dataclass(frozen=True)
class PersonRow:
    person: Any
    name: str
    photo: Path | None


def people_rows(journal: Any, problems: Any, *, archived: bool = False) -> list[PersonRow]:
    """The workers that are not archived (``archived``: only the archived ones), as tiles show
    them; none when the journal cannot be read."""
    try:
        people = journal.people(include_archived=True) if archived else journal.people()
    except Exception as exc:  # noqa: BLE001 - JournalError or a closed journal: an empty list, reported
        problems.add("journal", "The list of people could not be read.", exc)
        return []
    if archived:
        people = [p for p in people if p.archived]
    return [PersonRow(p, p.name, shown_photo(journal, p)) for p in people]


def shared_photo_warning(journal: Any, problems: Any, tr: Translate) -> str:
    """One sentence per picture that more than one worker shows ("" when every face is its own):
    a worker who cannot read finds themselves by their face, so two alike is a problem to fix."""
    try:
        people = journal.people()
    except Exception as exc:  # noqa: BLE001 - the people list says so already
        problems.add("journal", "The list of people could not be read.", exc)
        return ""
    lines = [
        tr("{names} show the same picture. Give each their own photo.", names=", ".join(names))
        for names in shared_photos(people, lambda person: shown_photo(journal, person)).values()
    ]
    return "\n".join(lines)


def restore_person(journal: Any, problems: Any, person: Any) -> bool:
    """Bring an archived worker back to the worker screens (their history was kept all along)."""
    try:
        journal.update_person(person.id, archived=False)
    except Exception as exc:  # noqa: BLE001 - JournalError or a closed journal: said, not raised
        problems.add("journal", "A worker could not be restored.", exc)
        return False
    return True


class FamilyPin(Enum):
    SAVE_FIRST = "save_first"  # a new worker: no id to hang a PIN on yet
    SET = "set"
    NOT_SET = "not_set"


@dataclass(frozen=True)
class PersonForm:
    """What the form shows; ``photo`` as stored in the journal ("people/anna.png"), "" for none."""

    person: Any = None
    name: str = ""
    photo: str = ""
    language: str = "en"
    text_scale: float | None = None  # None: same as the kiosk (nothing saved for the worker)
    autoplay: bool | None = None
    speech_rate: str | None = None
    scan_s: float | None = None  # switch scanning for this worker (0: off; None: as the kiosk)
    family: FamilyPin = FamilyPin.SAVE_FIRST
    message: str = ""
    extra_preferences: dict[str, Any] = field(default_factory=dict)

    def preferences(self) -> dict[str, Any]:
        """What is saved for the worker: their other preferences, and only the choices that are
        not "Same as kiosk"."""
        prefs = {k: v for k, v in self.extra_preferences.items() if k not in OWN_CHOICES}
        for key in OWN_CHOICES:
            value = getattr(self, key)
            if value is not None:
                prefs[key] = value
        return prefs


class PersonEditor:
    """One worker's form: fill it, change it, save, archive, set or remove the family PIN."""

    def __init__(self, journal: Any, pin_guard: Any, problems: Any, settings: Any, tr: Translate) -> None:
        self.journal, self.pin_guard, self.problems, self.settings, self.tr = (
            journal,
            pin_guard,
            problems,
            settings,
            tr,
        )
        self.form = PersonForm()
        self._first_family_pin: str | None = None  # typed once, waiting to be typed again

    # -- reading --------------------------------------------------------------------------------

    def open(self, person: Any | None) -> PersonForm:
        """Fill the form for ``person`` (None: a new worker, with the kiosk's defaults)."""
        prefs = dict(person.preferences) if person is not None else {}
        scale: float | None
        try:
            scale = float(prefs["text_scale"]) if "text_scale" in prefs else None
        except (TypeError, ValueError):
            scale = None
        if scale is not None:
            scale = min(TEXT_SCALE_CHOICES, key=lambda s: abs(s - scale))  # type: ignore[operator]
        autoplay = prefs.get("autoplay")
        rate = prefs.get("speech_rate")
        scan = prefs.get("scan_s")
        scan_s = (
            min(SCAN_CHOICES, key=lambda s: abs(s - float(scan)))
            if isinstance(scan, (int, float)) and not isinstance(scan, bool)
            else None
        )
        self.form = PersonForm(
            person=person,
            name=person.name if person is not None else "",
            photo=(person.photo or "") if person is not None else "",
            language=base_language(person.language if person is not None else self.settings.language),
            text_scale=scale,
            autoplay=autoplay if isinstance(autoplay, bool) else None,
            speech_rate=rate if rate in ("slow", "normal") else None,
            scan_s=scan_s,
            extra_preferences=prefs,
        )
        self.form = replace(self.form, family=self._family_state())
        self._first_family_pin = None
        return self.form

    def _family_state(self) -> FamilyPin:
        person = self.form.person
        if person is None:
            return FamilyPin.SAVE_FIRST
        try:
            return FamilyPin.SET if self.pin_guard.family_pin_is_set(person.id) else FamilyPin.NOT_SET
        except JournalError as error:
            self.problems.add("journal", "The family PIN could not be read.", error)
            return FamilyPin.NOT_SET

    @property
    def title(self) -> str:
        return self.tr("Edit worker") if self.form.person is not None else self.tr("New worker")

    @property
    def family_text(self) -> str:
        return {
            FamilyPin.SAVE_FIRST: self.tr("Save the worker first, then you can give the family a PIN."),
            FamilyPin.SET: self.tr("The family has a PIN for this worker's progress."),
            FamilyPin.NOT_SET: self.tr("No family PIN yet."),
        }[self.form.family]

    def choice_rows(self) -> list[ChoiceRow]:
        """Language, text size, speech, speech speed, switch scanning: each a row of big toggle
        buttons; all but the language start with "Same as kiosk (<the kiosk's value>)"."""
        tr, form, kiosk = self.tr, self.form, self.settings

        def same(value: str) -> Choice:
            return Choice(None, tr("Same as kiosk ({value})", value=value), "settings")

        return [
            ChoiceRow(
                "language",
                tr("Language"),
                tuple(Choice(lang, LANGUAGE_NAMES[lang], "speaker") for lang in LANGUAGES),
                form.language,
            ),
            ChoiceRow(
                "text_scale",
                tr("Text size"),
                (
                    same(text_scale_words(kiosk.text_scale, tr)),
                    *(Choice(s, text_scale_words(s, tr), "edit") for s in TEXT_SCALE_CHOICES),
                ),
                form.text_scale,
            ),
            ChoiceRow(
                "autoplay",
                tr("Speak each step"),
                (
                    same(tr("On") if kiosk.autoplay else tr("Off")),
                    Choice(True, tr("On"), "speaker"),
                    Choice(False, tr("Off"), "close"),
                ),
                form.autoplay,
            ),
            ChoiceRow(
                "speech_rate",
                tr("Speech speed"),
                (
                    same(speech_rate_words(kiosk.speech_rate, tr)),
                    Choice("slow", tr("Slow"), "timer"),
                    Choice("normal", tr("Normal"), "timer"),
                ),
                form.speech_rate,
            ),
            ChoiceRow(
                "scan_s",
                tr("Switch scanning"),
                (
                    same(seconds_words(kiosk.scan_s, tr) if kiosk.scan_s else tr("Off")),
                    *(
                        Choice(s, seconds_words(s, tr) if s else tr("Off"), "next" if s else "close")
                        for s in SCAN_CHOICES
                    ),
                ),
                form.scan_s,
            ),
        ]

    # -- changing -------------------------------------------------------------------------------

    def choose(self, key: str, value: Any) -> PersonForm:
        """One of the ``choice_rows`` changed (nothing is saved until ``save``)."""
        if key not in ("language", *OWN_CHOICES):
            raise KeyError(key)
        self.form = replace(self.form, **{key: value}, message="")
        return self.form

    def use_photo(self, stored: str) -> PersonForm:
        """``stored`` as the journal keeps it, relative to the data folder ("people/x.jpg")."""
        self.form = replace(self.form, photo=stored, message="")
        return self.form

    def say(self, message: str) -> None:
        """A sentence from the screen's own work (the photo could not be copied, ...)."""
        self.form = replace(self.form, message=message)

    def save(self, name: str) -> Any | None:
        """Save the form with ``name``; the saved person, or None (``form.message`` says why)."""
        name = name.strip()
        if not name:
            self.say(self.tr("Please type a name."))
            return None
        form = self.form
        try:
            if form.person is None:
                person = self.journal.add_person(
                    name, photo=form.photo or None, language=form.language, preferences=form.preferences()
                )
            else:
                person = self.journal.update_person(
                    form.person.id,
                    name=name,
                    photo=form.photo or None,
                    language=form.language,
                    preferences=form.preferences(),
                )
        except Exception as exc:  # noqa: BLE001 - JournalError, a closed journal: said, not raised
            self.problems.add("journal", "A worker could not be saved.", exc)
            self.form = replace(form, name=name, message=self.tr(COULD_NOT_SAVE))
            return None
        self.form = replace(form, person=person, name=name, message="")
        self.form = replace(self.form, family=self._family_state())  # a saved worker can have a family PIN
        return person

    def archive_question(self) -> str:
        return self.tr("Archive {name}? Their history is kept.", name=self.form.person.name)

    def archive(self) -> bool:
        """Hide the worker and keep their history; False (with ``form.message``) when not saved."""
        try:
            self.journal.archive_person(self.form.person.id)
        except Exception as exc:  # noqa: BLE001
            self.problems.add("journal", "A worker could not be archived.", exc)
            self.say(self.tr(COULD_NOT_SAVE))
            return False
        return True

    def enter_family_pin(self, pin: str) -> str:
        """The family PIN pad's OK: the new PIN, then the same again, since a slip of a finger
        would lock a family out of their relative's progress. Returns "again" (type it again),
        "different" (start over), "saved", or "" (a problem; ``form.message`` says which)."""
        if self._first_family_pin is None:
            problem = pin_problem(pin, self.tr)
            if problem:
                self.say(problem)
                return ""
            self._first_family_pin = pin
            self.say(self.tr("Type the same PIN again."))
            return "again"
        first, self._first_family_pin = self._first_family_pin, None
        if pin != first:
            self.say(self.tr("The two PINs were not the same. Type the new PIN again."))
            return "different"
        return "saved" if self.set_family_pin(pin) else ""

    def family_slip(self, pin: str) -> str:
        """What the trainer copies onto a card for the family (shown once, right after saving)."""
        name = self.form.person.name if self.form.person is not None else ""
        return self.tr(
            "The family PIN for {name} is {pin}. Write it on a card for the family: it is not shown again.",
            name=name,
            pin=pin,
        )

    def set_family_pin(self, pin: str) -> bool:
        """Give the family ``pin`` (the one PIN rule); True when saved."""
        if self.form.person is None:
            return False
        problem = pin_problem(pin, self.tr)
        if problem:
            self.say(problem)
            return False
        try:
            self.pin_guard.set_family_pin(self.form.person.id, pin)
        except (JournalError, ValueError) as error:
            self.problems.add("journal", "The family PIN could not be saved.", error)
            self.say(self.tr(COULD_NOT_SAVE))
            return False
        self.form = replace(self.form, family=self._family_state(), message=self.tr("Family PIN saved."))
        return True

    def clear_family_pin(self) -> Any | None:
        """Remove the family PIN; returns what ``restore_family_pin`` needs to undo it (the stored
        hash, never the PIN), or None when nothing was removed."""
        if self.form.person is None:
            return None
        key = FAMILY_PIN_KEY.format(person_id=self.form.person.id)
        try:
            record = self.journal.get_setting(key)
            self.pin_guard.clear_family_pin(self.form.person.id)
        except JournalError as error:
            self.problems.add("journal", "The family PIN could not be removed.", error)
            self.say(self.tr(COULD_NOT_SAVE))
            return None
        self.form = replace(self.form, family=self._family_state(), message=self.tr("Family PIN removed."))
        return record

    def restore_family_pin(self, person: Any, record: Any) -> bool:
        """Undo ``clear_family_pin``: the same PIN works again (its hash is put back as it was)."""
        if record is None:
            return False
        try:
            self.journal.set_setting(FAMILY_PIN_KEY.format(person_id=person.id), record)
        except Exception as exc:  # noqa: BLE001 - JournalError, a closed journal: said, not raised
            self.problems.add("journal", "The family PIN could not be saved.", exc)
            self.say(self.tr(COULD_NOT_SAVE))
            return False
        if self.form.person is not None and self.form.person.id == person.id:
            self.form = replace(self.form, family=self._family_state(), message=self.tr("The family PIN is back."))
        return True
