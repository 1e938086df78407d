"""``SettingsStore``: what modules that keep settings need from the journal.

The trainer PIN guard, the trainer's problem list and the UI settings all store JSON values under
string keys in the journal's ``settings`` table. They depend on this small protocol instead of the
whole ``Journal``, so each can be tested with a plain in-memory store and reused elsewhere.
"""

from __future__ import annotations

from typing import Any, Protocol


class SettingsStore(Protocol):
    """JSON-valued settings by key (``Journal`` provides these).

    A ``delete_setting(key)`` method is used when present; otherwise a setting is cleared by
    storing None, which reads back as "not set".
    """

    def get_setting(self, key: str, default: Any = None) -> Any: ...

    def set_setting(self, key: str, value: Any) -> None: ...
