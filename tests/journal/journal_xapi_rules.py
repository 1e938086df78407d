"""The checks an xAPI 1.0.3 learning record store makes on a statement, written from the spec
(xAPI 1.0.3, Part Two: Data, section 2.4 "Statement Properties"), for the export tests.

``problems(statement)`` lists every rule a statement breaks; an empty list means a conformant LRS
would accept it. Only the parts the kiosk uses are checked in depth (Agent actors, Activity
objects), everything else is refused as unexpected.
"""

from __future__ import annotations

import re
from typing import Any

UUID = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", re.I
)  # RFC 4122 variant
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")  # absolute: a scheme, then no spaces
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")  # RFC 5646, the shapes used in practice
ISO_DURATION = re.compile(
    r"^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?"
    r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$"
)
ISO_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
VERSION = re.compile(r"^1\.0(\.\d+)?$")

STATEMENT_KEYS = {
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
}
AGENT_KEYS = {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"}
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
VERB_KEYS = {"id", "display"}
ACTIVITY_KEYS = {"objectType", "id", "definition"}
DEFINITION_KEYS = {
    "name",
    "description",
    "type",
    "moreInfo",
    "extensions",
    "interactionType",
    "correctResponsesPattern",
    "choices",
    "scale",
    "source",
    "target",
    "steps",
}
RESULT_KEYS = {"score", "success", "completion", "response", "duration", "extensions"}
CONTEXT_KEYS = {
    "registration",
    "instructor",
    "team",
    "contextActivities",
    "revision",
    "platform",
    "language",
    "statement",
    "extensions",
}
CONTEXT_ACTIVITY_KEYS = {"parent", "grouping", "category", "other"}


def problems(statement: Any) -> list[str]:
    found: list[str] = []
    if not isinstance(statement, dict):
        return ["a statement is a JSON object"]
    _no_nulls(statement, "statement", found)
    _only(statement, STATEMENT_KEYS, "statement", found)
    for required in ("actor", "verb", "object"):
        if required not in statement:
            found.append(f"statement has no {required}")
    if "id" in statement and not _is_uuid(statement["id"]):
        found.append(f"id {statement['id']!r} is not a UUID")
    if "actor" in statement:
        _agent(statement["actor"], "actor", found)
    if "verb" in statement:
        _verb(statement["verb"], found)
    if "object" in statement:
        _activity(statement["object"], "object", found)
    if "result" in statement:
        _result(statement["result"], found)
    if "context" in statement:
        _context(statement["context"], statement.get("object", {}), found)
    if "timestamp" in statement and not (
        isinstance(statement["timestamp"], str) and ISO_TIMESTAMP.match(statement["timestamp"])
    ):
        found.append(f"timestamp {statement.get('timestamp')!r} is not ISO 8601 with a time zone")
    if "version" in statement and not (isinstance(statement["version"], str) and VERSION.match(statement["version"])):
        found.append(f"version {statement.get('version')!r} is not 1.0.x")
    return found


def _is_uuid(value: Any) -> bool:
    return isinstance(value, str) and bool(UUID.match(value))


def _is_iri(value: Any) -> bool:
    return isinstance(value, str) and bool(IRI.match(value))


def _only(obj: dict, allowed: set[str], where: str, found: list[str]) -> None:
    for key in obj:
        if key not in allowed:
            found.append(f"{where} has an unknown property {key!r}")


def _no_nulls(value: Any, where: str, found: list[str]) -> None:
    if value is None:
        found.append(f"{where} is null")
    elif isinstance(value, dict):
        for key, inner in value.items():
            if key != "extensions":  # extension values are free JSON
                _no_nulls(inner, f"{where}.{key}", found)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            _no_nulls(inner, f"{where}[{index}]", found)


def _language_map(value: Any, where: str, found: list[str]) -> None:
    if not isinstance(value, dict) or not value:
        found.append(f"{where} is not a language map")
        return
    for tag, text in value.items():
        if not LANGUAGE_TAG.match(tag):
            found.append(f"{where} key {tag!r} is not an RFC 5646 language tag")
        if not isinstance(text, str):
            found.append(f"{where}[{tag}] is not a string")


def _extensions(value: Any, where: str, found: list[str]) -> None:
    if not isinstance(value, dict):
        found.append(f"{where} is not an object")
        return
    for key in value:
        if not _is_iri(key):
            found.append(f"{where} key {key!r} is not an IRI")


def _agent(agent: Any, where: str, found: list[str]) -> None:
    if not isinstance(agent, dict):
        found.append(f"{where} is not an object")
        return
    _only(agent, AGENT_KEYS, where, found)
    if agent.get("objectType", "Agent") != "Agent":
        found.append(f"{where}.objectType must be Agent")
    present = [ifi for ifi in IFIS if ifi in agent]
    if len(present) != 1:
        found.append(f"{where} must have exactly one identifier (mbox, mbox_sha1sum, openid, account), has {present}")
    if "name" in agent and not isinstance(agent["name"], str):
        found.append(f"{where}.name is not a string")
    if "mbox" in agent and not str(agent["mbox"]).startswith("mailto:"):
        found.append(f"{where}.mbox must be a mailto: IRI")
    if "account" in agent:
        account = agent["account"]
        if not isinstance(account, dict) or set(account) != {"homePage", "name"}:
            found.append(f"{where}.account must have exactly homePage and name")
        else:
            if not _is_iri(account["homePage"]):
                found.append(f"{where}.account.homePage {account['homePage']!r} is not an IRI")
            if not isinstance(account["name"], str) or not account["name"]:
                found.append(f"{where}.account.name is not a non-empty string")


def _verb(verb: Any, found: list[str]) -> None:
    if not isinstance(verb, dict):
        found.append("verb is not an object")
        return
    _only(verb, VERB_KEYS, "verb", found)
    if not _is_iri(verb.get("id")):
        found.append(f"verb.id {verb.get('id')!r} is not an IRI")
    if "display" in verb:
        _language_map(verb["display"], "verb.display", found)


def _activity(activity: Any, where: str, found: list[str]) -> None:
    if not isinstance(activity, dict):
        found.append(f"{where} is not an object")
        return
    _only(activity, ACTIVITY_KEYS, where, found)
    if activity.get("objectType", "Activity") != "Activity":
        found.append(f"{where}.objectType must be Activity")
    if not _is_iri(activity.get("id")):
        found.append(f"{where}.id {activity.get('id')!r} is not an IRI")
    definition = activity.get("definition")
    if definition is not None:
        if not isinstance(definition, dict):
            found.append(f"{where}.definition is not an object")
            return
        _only(definition, DEFINITION_KEYS, f"{where}.definition", found)
        for language_map in ("name", "description"):
            if language_map in definition:
                _language_map(definition[language_map], f"{where}.definition.{language_map}", found)
        if "type" in definition and not _is_iri(definition["type"]):
            found.append(f"{where}.definition.type is not an IRI")
        if "extensions" in definition:
            _extensions(definition["extensions"], f"{where}.definition.extensions", found)


def _result(result: Any, found: list[str]) -> None:
    if not isinstance(result, dict):
        found.append("result is not an object")
        return
    _only(result, RESULT_KEYS, "result", found)
    for flag in ("success", "completion"):
        if flag in result and not isinstance(result[flag], bool):
            found.append(f"result.{flag} is not true or false")
    if "duration" in result and not (isinstance(result["duration"], str) and ISO_DURATION.match(result["duration"])):
        found.append(f"result.duration {result.get('duration')!r} is not an ISO 8601 duration")
    if "response" in result and not isinstance(result["response"], str):
        found.append("result.response is not a string")
    if "extensions" in result:
        _extensions(result["extensions"], "result.extensions", found)


def _context(context: Any, statement_object: Any, found: list[str]) -> None:
    if not isinstance(context, dict):
        found.append("context is not an object")
        return
    _only(context, CONTEXT_KEYS, "context", found)
    if "registration" in context and not _is_uuid(context["registration"]):
        found.append("context.registration is not a UUID")
    if "language" in context and not (isinstance(context["language"], str) and LANGUAGE_TAG.match(context["language"])):
        found.append("context.language is not an RFC 5646 language tag")
    for text in ("platform", "revision"):
        if text in context and not isinstance(context[text], str):
            found.append(f"context.{text} is not a string")
    is_activity = isinstance(statement_object, dict) and statement_object.get("objectType", "Activity") == "Activity"
    if ("platform" in context or "revision" in context) and not is_activity:
        found.append("context.platform and revision are only for statements about an Activity")
    activities = context.get("contextActivities")
    if activities is not None:
        if not isinstance(activities, dict):
            found.append("context.contextActivities is not an object")
        else:
            _only(activities, CONTEXT_ACTIVITY_KEYS, "context.contextActivities", found)
            for kind, value in activities.items():
                for index, activity in enumerate(value if isinstance(value, list) else [value]):
                    _activity(activity, f"context.contextActivities.{kind}[{index}]", found)
    if "extensions" in context:
        _extensions(context["extensions"], "context.extensions", found)
