"""A mapping that keeps only the entries used most recently.

The re-matcher remembers, per workplace, what it last issued, so that an event
that changes nothing the solver sees costs no solve. Kept for every workplace
ever matched, that memory grows with the size of the sector; kept for the most
recent ones, it is bounded by the work in flight. Forgetting an entry costs
what a restarted worker pays: one solve, and an issue the store recognises as
the same proposal (its fingerprint), so nothing changes downstream.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, Hashable, TypeVar

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


class Recent(Generic[Key, Value]):
    """At most ``capacity`` entries; setting one more forgets the one least recently read or set."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("a Recent mapping keeps at least one entry")
        self.capacity = capacity
        self._entries: OrderedDict[Key, Value] = OrderedDict()

    def get(self, key: Key) -> Value | None:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def __setitem__(self, key: Key, value: Value) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def pop(self, key: Key, default: Value | None = None) -> Value | None:
        return self._entries.pop(key, default)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries
