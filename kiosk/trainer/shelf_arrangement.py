"""The coach's shelf: which packs workers see, in which order, and which tasks each worker gets.

Three decisions, all the coach's, all kept in the journal (durable like everything else there):

- **Hidden packs** (``shelf.hidden``, a list of pack ids) are not offered to any worker: the
  bundled samples once could not be taken off the tasks screen. They stay listed for the trainer.
- **The order** of the tasks screen (``shelf.order``, pack ids first to last). Packs the coach never
  placed (new ones) follow, in the library's order. Ids of packs that are gone are kept, so a pack
  on a USB stick that comes and goes keeps its place.
- **A worker's own tasks**: the person's preference ``tasks`` (a list of pack ids) means "only
  these"; no such preference means "all tasks".

Why the settings store and the person's preferences, not a new table: hidden and order are two
small kiosk-wide values, which is what the settings table holds (the PIN, the UI settings), and a
value is written whole in one transaction. A worker's tasks are about that person, so they live
with the person: they go with ``kiosk person export``, are gone with ``kiosk person delete`` and
follow the worker to the workshop's other kiosks through the hub with the rest of the person —
none of which a separate table would do without more code. The keys ``shelf.*`` are not shared
through the hub (``kiosk.hub.shared`` shares ``ui.*``): each kiosk may hold other packs.

Which wins: a hidden pack is hidden from everyone, also from a worker it is given to (the trainer's
person screen marks it "hidden"). A pack in a worker's **day plan** still starts from "Now / Next":
the plan names that task for that worker at that time, the most specific thing a coach can say;
the tasks screen ("All tasks" on the plan screen included) follows the shelf.

Values that are damaged (a hand-edited journal, a future version) read as "nothing decided": every
pack shown, in the library's order. Nothing here raises on bad data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

HIDDEN_KEY = "shelf.hidden"
ORDER_KEY = "shelf.order"
TASKS_PREFERENCE = "tasks"  # in ``person.preferences``: the worker's own pack ids; absent = all
MAX_REMEMBERED = 2000  # ids kept in the order (a library is hundreds of packs at most)


def _ids(value: Any) -> tuple[str, ...]:
    """Pack ids from a stored value: strings only, each once, in their order; else none."""
    if not isinstance(value, (list, tuple)):
        return ()
    seen: dict[str, None] = {}
    for item in value:
        if isinstance(item, str) and item and item not in seen:
            seen[item] = None
    return tuple(seen)[:MAX_REMEMBERED]


@dataclass(frozen=True)
class ShelfArrangement:
    """Hidden packs and the coach's order, as stored; the methods return changed copies."""

    hidden: frozenset[str] = frozenset()
    order: tuple[str, ...] = ()
    _rank: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_rank", {pack_id: index for index, pack_id in enumerate(self.order)})

    # -- the journal ----------------------------------------------------------------------------

    @classmethod
    def load(cls, store: Any) -> "ShelfArrangement":
        """Read from a settings store (``Journal.get_setting``); damaged values read as unset, and
        a store that cannot be read at all gives the plain shelf (every pack, library order)."""
        return cls(frozenset(_ids(_read(store, HIDDEN_KEY))), _ids(_read(store, ORDER_KEY)))

    def save(self, store: Any) -> None:
        """Write both values (each a JSON list; raises the store's error, e.g. ``JournalError``)."""
        store.set_setting(HIDDEN_KEY, sorted(self.hidden))
        store.set_setting(ORDER_KEY, list(self.order))

    # -- changes --------------------------------------------------------------------------------

    def with_hidden(self, pack_id: str, hidden: bool) -> "ShelfArrangement":
        changed = self.hidden | {pack_id} if hidden else self.hidden - {pack_id}
        return ShelfArrangement(frozenset(changed), self.order)

    def moved(self, pack_id: str, by: int, packs: Sequence[Any]) -> "ShelfArrangement":
        """``pack_id`` moved ``by`` places (-1: up, 1: down) among ``packs`` (the packs there are
        now) as they are ordered now. The whole current order is stored, so it no longer depends
        on the library's; ids of packs not here now keep their places after them."""
        current = [pack.id for pack in self.ordered(packs)]
        if pack_id not in current:
            return self
        index = current.index(pack_id)
        target = max(0, min(len(current) - 1, index + by))
        current.insert(target, current.pop(index))
        here = set(current)
        return ShelfArrangement(self.hidden, (*current, *(x for x in self.order if x not in here)))

    # -- reading --------------------------------------------------------------------------------

    def is_hidden(self, pack_id: str) -> bool:
        return pack_id in self.hidden

    def ordered(self, packs: Iterable[Any]) -> list[Any]:
        """``packs`` in the coach's order; packs never placed follow in their given order."""
        listed = list(packs)
        last = len(self._rank)
        return [
            pack
            for _position, pack in sorted(
                enumerate(listed), key=lambda item: (self._rank.get(item[1].id, last), item[0])
            )
        ]

    def for_worker(self, packs: Iterable[Any], person: Any | None) -> list[Any]:
        """What the tasks screen offers ``person`` (None: nobody chosen yet): not hidden, among
        the worker's own tasks when they have some, in the coach's order."""
        own = worker_tasks(person)
        return [pack for pack in self.ordered(packs) if pack.id not in self.hidden and (own is None or pack.id in own)]


def _read(store: Any, key: str) -> Any:
    try:
        return store.get_setting(key, [])
    except Exception:  # noqa: BLE001 - damaged or unreadable: the workers still get their tasks
        return []


def worker_tasks(person: Any | None) -> frozenset[str] | None:
    """The pack ids a worker is given ("Only these"), or None for all tasks."""
    preferences = getattr(person, "preferences", None) or {}
    value = preferences.get(TASKS_PREFERENCE) if isinstance(preferences, Mapping) else None
    if not isinstance(value, (list, tuple)):
        return None
    return frozenset(_ids(value))


def with_worker_tasks(preferences: Mapping[str, Any], tasks: Iterable[str] | None) -> dict[str, Any]:
    """A worker's preferences with their tasks set (``None``: all tasks, nothing stored)."""
    changed = {key: value for key, value in preferences.items() if key != TASKS_PREFERENCE}
    if tasks is not None:
        changed[TASKS_PREFERENCE] = sorted(_ids(list(tasks)))
    return changed
