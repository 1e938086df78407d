"""xAPI 1.0.3 statements for the journal's runs and step events.

Learning record stores and research tools speak xAPI; a statement says "actor did verb to object".
Choices, so that an export is safe to hand over and safe to send twice:

* The actor is an Agent identified only by an ``account`` on this kiosk (``homePage``
  ``urn:step-kiosk:<device id>``, ``name`` = the person's journal id). Names are left out unless
  asked for: the workers are a vulnerable group, and the id is enough to join with the workshop's
  own records.
* Statement ids are UUIDs derived (uuid5) from the device, run and event ids, so exporting the same
  journal twice yields the same ids and a store can drop the duplicates.
* Verbs come from the ADL vocabulary. Pack and step are Activities (``urn:step-kiosk:pack:<id>``,
  ``...:step:<n>``); a step's statements name its pack as ``contextActivities.parent``, and carry the
  pack version and content hash as context extensions. An attempt's runs (an interrupted run and
  the run that resumed it) share one ``registration``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from urllib.parse import quote

from kiosk.journal.model import iso_utc

XAPI_VERSION = "1.0.3"
STATEMENT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:step-kiosk:xapi")
PLATFORM = "Step Kiosk"
#: The account "home page" of a person: the kiosk that knows them. A URN, as agreed for the project;
#: a learning record store that wants a web address needs this changed.
ACCOUNT_HOME_PAGE = "urn:step-kiosk:{device_id}"

ADL = "http://adlnet.gov/expapi/verbs/"

#: What each step event says in xAPI. Events that are neither seeing, finishing nor asking are
#: "interacted", with the kiosk's own event name in the ``event`` context extension.
EVENT_VERBS = {
    "shown": "experienced",
    "done": "completed",
    "help": "asked",
    "back": "interacted",
    "hear_again": "interacted",
    "timer_finished": "interacted",
    "count_tap": "interacted",
}
#: How a run's end reads in xAPI.
OUTCOME_VERBS = {"finished": "completed", "abandoned": "exited", "interrupted": "suspended"}

EXTENSION = "urn:step-kiosk:xapi:"
EXT_PACK_VERSION = EXTENSION + "pack-version"
EXT_CONTENT_HASH = EXTENSION + "content-hash"
EXT_RUN = EXTENSION + "run-id"
EXT_EVENT = EXTENSION + "event"
EXT_RESUMED_FROM = EXTENSION + "resumed-from"
#: How much help the step showed (``full``, ``reduced``, ``grouped``: docs/support.md); only on
#: events recorded with a level, so statements of older events stay byte for byte the same.
EXT_SUPPORT_LEVEL = EXTENSION + "support-level"

PACK_ACTIVITY_TYPE = "http://adlnet.gov/expapi/activities/performance"
STEP_ACTIVITY_TYPE = "http://adlnet.gov/expapi/activities/interaction"


def verb(name: str) -> dict[str, Any]:
    return {"id": ADL + name, "display": {"en-US": name}}


def statement_id(device_id: str, *parts: object) -> str:
    """A stable UUID for one statement: the same journal record always gives the same id."""
    return str(uuid.uuid5(STATEMENT_NAMESPACE, "/".join([device_id, *map(str, parts)])))


def iso_duration(milliseconds: int) -> str:
    """ISO 8601 duration with hundredths of a second, as xAPI asks: ``PT1H2M3.5S``, ``PT12.5S``."""
    centiseconds = max(0, round(milliseconds / 10))
    hours, rest = divmod(centiseconds, 360_000)
    minutes, rest = divmod(rest, 6_000)
    seconds, hundredths = divmod(rest, 100)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if seconds or hundredths or text == "PT":
        text += f"{seconds}.{hundredths:02d}".rstrip("0").rstrip(".") + "S"
    return text


def pack_activity_id(pack_id: str) -> str:
    return f"urn:step-kiosk:pack:{quote(pack_id, safe='-._~')}"


def pack_activity(pack_id: str) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": pack_activity_id(pack_id),
        "definition": {"name": {"en": pack_id}, "type": PACK_ACTIVITY_TYPE},
    }


def step_activity(pack_id: str, step_number: int) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": f"{pack_activity_id(pack_id)}:step:{step_number}",
        "definition": {"name": {"en": f"{pack_id}, step {step_number}"}, "type": STEP_ACTIVITY_TYPE},
    }


def actor(device_id: str, person_id: int, name: str | None = None) -> dict[str, Any]:
    agent: dict[str, Any] = {
        "objectType": "Agent",
        "account": {"homePage": ACCOUNT_HOME_PAGE.format(device_id=device_id), "name": str(person_id)},
    }
    if name:
        agent["name"] = name
    return agent


class RunStatements:
    """Builds the statements of one run: its start, its step events, its end."""

    def __init__(
        self,
        *,
        device_id: str,
        run_id: int,
        first_run_id: int,
        person_id: int,
        person_name: str | None,
        language: str,
        pack_id: str,
        pack_version: int,
        content_hash: str,
        resumed_from: int | None,
    ) -> None:
        self.device_id = device_id
        self.run_id = run_id
        self.pack_id = pack_id
        self.resumed_from = resumed_from
        self.actor = actor(device_id, person_id, person_name)
        self.registration = statement_id(device_id, "attempt", first_run_id)
        self.language = language
        self.extensions: dict[str, Any] = {
            EXT_PACK_VERSION: pack_version,
            EXT_CONTENT_HASH: content_hash,
            EXT_RUN: run_id,
        }
        self._helped_steps: set[int] = set()

    def _statement(
        self,
        id_parts: tuple[object, ...],
        verb_name: str,
        obj: dict[str, Any],
        at: datetime,
        result: dict[str, Any] | None,
        extensions: dict[str, Any],
        parent: bool,
    ) -> dict[str, Any]:
        context: dict[str, Any] = {"registration": self.registration, "platform": PLATFORM}
        if self.language:
            context["language"] = self.language
        if parent:
            context["contextActivities"] = {"parent": [pack_activity(self.pack_id)]}
        context["extensions"] = {**self.extensions, **extensions}
        statement: dict[str, Any] = {
            "id": statement_id(self.device_id, "run", self.run_id, *id_parts),
            "actor": self.actor,
            "verb": verb(verb_name),
            "object": obj,
        }
        if result:
            statement["result"] = result
        statement["context"] = context
        statement["timestamp"] = iso_utc(at)
        statement["version"] = XAPI_VERSION
        return statement

    def started(self, at: datetime) -> dict[str, Any]:
        """``attempted`` the pack, or ``resumed`` it when this run continues an interrupted one."""
        if self.resumed_from is None:
            return self._statement(("start",), "attempted", pack_activity(self.pack_id), at, None, {}, False)
        return self._statement(
            ("start",), "resumed", pack_activity(self.pack_id), at, None, {EXT_RESUMED_FROM: self.resumed_from}, False
        )

    def step_event(
        self,
        event_id: int,
        step_number: int,
        event: str,
        at: datetime,
        duration_ms: int | None,
        support_level: str | None = None,
    ) -> dict[str, Any]:
        """One step event. ``done`` carries ``success``: true when no help was asked on the step
        in this run, which is what "independent" means to a job coach."""
        result: dict[str, Any] = {}
        if event == "help":
            self._helped_steps.add(step_number)
        if event == "done":
            result["success"] = step_number not in self._helped_steps
            result["completion"] = True
        if duration_ms is not None:
            result["duration"] = iso_duration(duration_ms)
        extensions = {EXT_EVENT: event} if EVENT_VERBS[event] == "interacted" else {}
        if support_level is not None:
            extensions[EXT_SUPPORT_LEVEL] = support_level
        return self._statement(
            ("event", event_id),
            EVENT_VERBS[event],
            step_activity(self.pack_id, step_number),
            at,
            result,
            extensions,
            True,
        )

    def ended(self, outcome: str, at: datetime, duration_ms: int) -> dict[str, Any]:
        """``completed`` (finished), ``exited`` (abandoned) or ``suspended`` (interrupted)."""
        result = {"completion": outcome == "finished", "duration": iso_duration(duration_ms)}
        return self._statement(("end",), OUTCOME_VERBS[outcome], pack_activity(self.pack_id), at, result, {}, False)


# --- day plans (kiosk.plan) ---------------------------------------------------------------------

#: What a plan event says in xAPI: started = attempted, done = completed, skipped = interacted
#: (with the event name in ``urn:step-kiosk:xapi:event``), reminded = experienced (the worker saw
#: the reminder card; also with the event name).
PLAN_EVENT_VERBS = {"started": "attempted", "done": "completed", "skipped": "interacted", "reminded": "experienced"}
EXT_PLAN_DAY = EXTENSION + "plan-day"
EXT_PLAN_DUE = EXTENSION + "plan-due"
PLAN_ITEM_ACTIVITY_TYPE = "http://adlnet.gov/expapi/activities/objective"


def plan_item_activity(person_id: int, item_id: str) -> dict[str, Any]:
    """A worker's plan item (item ids are the plan's own, so the person is part of the id)."""
    return {
        "objectType": "Activity",
        "id": f"urn:step-kiosk:plan:{person_id}:item:{quote(item_id, safe='-._~')}",
        "definition": {"name": {"en": item_id}, "type": PLAN_ITEM_ACTIVITY_TYPE},
    }


def plan_statement(
    *,
    device_id: str,
    event_id: int,
    person_id: int,
    person_name: str | None,
    language: str,
    day: str,
    item_id: str,
    event: str,
    at: datetime,
    due_at: datetime | None,
    run_id: int | None,
) -> dict[str, Any]:
    """One plan event as a statement. Its id is derived from the device and the event's id (stable
    over exports); one day of one worker's plan shares a ``registration``."""
    extensions: dict[str, Any] = {EXT_PLAN_DAY: day}
    if PLAN_EVENT_VERBS[event] in ("interacted", "experienced"):
        extensions[EXT_EVENT] = event
    if due_at is not None:
        extensions[EXT_PLAN_DUE] = iso_utc(due_at)
    if run_id is not None:
        extensions[EXT_RUN] = run_id
    context: dict[str, Any] = {
        "registration": statement_id(device_id, "plan-day", person_id, day),
        "platform": PLATFORM,
    }
    if language:
        context["language"] = language
    context["extensions"] = extensions
    statement: dict[str, Any] = {
        "id": statement_id(device_id, "plan-event", event_id),
        "actor": actor(device_id, person_id, person_name),
        "verb": verb(PLAN_EVENT_VERBS[event]),
        "object": plan_item_activity(person_id, item_id),
    }
    if event == "done":
        statement["result"] = {"completion": True}
    statement["context"] = context
    statement["timestamp"] = iso_utc(at)
    statement["version"] = XAPI_VERSION
    return statement
