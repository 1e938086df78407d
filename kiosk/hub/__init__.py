"""The workshop hub: many kiosks share people and records through one PostgreSQL database.

Kivy-free. The kiosk never waits on it: the journal stays the kiosk's record, and ``HubSync``
sends and fetches in a background thread (docs/hub.md)::

    from kiosk.hub import HubSync, sync_once, init_hub, add_member, delete_person
    sync = HubSync(data_dir.journal, hub_url); sync.start(); ...; sync.status(); sync.stop()
    calls = HelpCallHub(hub_url, device_uuid=..., kiosk_name=..., on_change=...); calls.start()
"""

from kiosk.hub.admin import (
    HubPerson,
    NewMember,
    PersonGone,
    add_member,
    delete_person,
    hub_changes,
    hub_people,
    init_hub,
    merge_people,
)
from kiosk.hub.errors import HubError
from kiosk.hub.help_calls import HelpCall, HelpCallHub
from kiosk.hub.listen import HubListener
from kiosk.hub.progress import format_progress, hub_person_progress
from kiosk.hub.sync import HubSync, RoundResult, SyncStatus, sync_once, sync_round

__all__ = [
    "HelpCall",
    "HelpCallHub",
    "HubError",
    "HubListener",
    "HubPerson",
    "HubSync",
    "NewMember",
    "PersonGone",
    "RoundResult",
    "SyncStatus",
    "add_member",
    "delete_person",
    "format_progress",
    "hub_changes",
    "hub_people",
    "hub_person_progress",
    "init_hub",
    "merge_people",
    "sync_once",
    "sync_round",
]
