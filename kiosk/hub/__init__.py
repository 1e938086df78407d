"""The workshop hub: many kiosks share people and records through one PostgreSQL database.

Kivy-free. The kiosk never waits on it: the journal stays the kiosk's record, and ``HubSync``
sends and fetches in a background thread (docs/hub.md)::

    from kiosk.hub import HubSync, sync_once, init_hub, add_member, delete_person
    sync = HubSync(data_dir.journal, hub_url); sync.start(); ...; sync.status(); sync.stop()
"""

from kiosk.hub.admin import HubPerson, NewMember, PersonGone, add_member, delete_person, hub_people, init_hub
from kiosk.hub.errors import HubError
from kiosk.hub.progress import format_progress, hub_person_progress
from kiosk.hub.sync import HubSync, RoundResult, SyncStatus, sync_once, sync_round

__all__ = [
    "HubError",
    "HubPerson",
    "HubSync",
    "NewMember",
    "PersonGone",
    "RoundResult",
    "SyncStatus",
    "add_member",
    "delete_person",
    "format_progress",
    "hub_people",
    "hub_person_progress",
    "init_hub",
    "sync_once",
    "sync_round",
]
