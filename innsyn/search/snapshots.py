"""The points in time opened for first-page cursors, kept so the same page two asked again
reads the same snapshot instead of opening one more (a reload, a retry, a crawler
following the same "next" link: OpenSearch holds at most ``search.max_open_pit_context``
per node). In-process, bounded, and only a shortcut: an entry whose point in time has gone
is dropped and a new one opened."""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from typing import Any

MAX_ENTRIES = 2048
_UNITS = {"s": 1, "m": 60, "h": 3600}


def seconds(keep_alive: str) -> float:
    """An OpenSearch time value of the ``INNSYN_SEARCH_CURSOR_KEEP_ALIVE`` form in seconds."""
    match = re.fullmatch(r"(\d+)([smh])", keep_alive)
    if match is None:
        raise ValueError(f"not a keep-alive time: {keep_alive!r}")
    return int(match.group(1)) * _UNITS[match.group(2)]


class Snapshots:
    """Cursor text -> point in time id, for half the keep-alive time after it was opened
    (so the point in time is, but for an outage, still alive when reused)."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()

    def get(self, cursor: str, now: float | None = None) -> str | None:
        now = time.monotonic() if now is None else now
        with self._lock:
            entry = self._entries.get(cursor)
            if entry is None:
                return None
            if entry[1] <= now:
                del self._entries[cursor]
                return None
            self._entries.move_to_end(cursor)
            return entry[0]

    def put(self, cursor: str, pit: str, keep_alive: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._entries[cursor] = (pit, now + seconds(keep_alive) / 2)
            self._entries.move_to_end(cursor)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def drop(self, cursor: str) -> None:
        with self._lock:
            self._entries.pop(cursor, None)


OPENED = Snapshots()
"""This process's points in time opened for first-page cursors."""


class Counts:
    """Total and facets (the answer of the size-0 part) of a search in one snapshot: the
    same for every page read from it, so counted once per worker. (OpenSearch's request
    cache does not serve searches on a point in time.) Bounded, least recently used out."""

    def __init__(self, max_entries: int = 512) -> None:
        self._entries: OrderedDict[tuple[str, ...], dict[str, Any]] = OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...]) -> dict[str, Any] | None:
        with self._lock:
            answer = self._entries.get(key)
            if answer is not None:
                self._entries.move_to_end(key)
            return answer

    def put(self, key: tuple[str, ...], answer: dict[str, Any]) -> None:
        with self._lock:
            self._entries[key] = answer
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)


COUNTED = Counts()
"""This process's totals and facets per snapshot and search."""
