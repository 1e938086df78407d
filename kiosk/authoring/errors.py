"""``PackNotReady``: a pack that cannot be built or zipped yet, and the problems that say why.

One error for both commands (they refuse for the same reason: the pack has problems a trainer
must fix first), so the command line turns it into words in one place.
"""

from __future__ import annotations

from kiosk.packs import Problem


class PackNotReady(Exception):
    """The pack cannot be built or zipped; ``problems`` says why in the kiosk's own words."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []
