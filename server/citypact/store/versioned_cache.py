"""Answers that are the same for everyone, kept until the data changes.

The data version of a store (:func:`data_version`) changes with every write the process makes
(``EmbeddedStore.generation``); a remote store can also change behind our back, so its version
also rolls over every :data:`REMOTE_TTL` seconds. :class:`VersionedCache` keeps one value per
key and version, computes a missing one once however many requests ask for it at the same time
(the others wait for it), and gives each value an ETag so clients revalidate cheaply.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
REMOTE_TTL = 30.0


def data_version(store: object) -> str:
    """A token that changes whenever the store's data may have changed."""
    generation = getattr(store, "generation", 0)
    if getattr(store, "kind", "") == "embedded":
        return f"e{generation}"
    return f"r{generation}-{int(time.monotonic() // REMOTE_TTL)}"


@dataclass(frozen=True)
class Cached:
    """A value with the version it was computed for and its ETag."""

    value: Any
    version: str
    etag: str


class VersionedCache:
    """At most ``max_entries`` values, least recently used dropped first."""

    def __init__(self, max_entries: int = 512) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Cached] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[tuple[Hashable, str], threading.Event] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, version: str, compute: Callable[[], T]) -> Cached:
        """The value of ``key`` at ``version``, computed by ``compute`` only if missing.

        Concurrent callers for the same key and version wait for the one computation; if it
        raises, each waiter tries itself (so an error is not cached).
        """
        while True:
            with self._lock:
                found = self._entries.get(key)
                if found is not None and found.version == version:
                    self._entries.move_to_end(key)
                    self.hits += 1
                    return found
                running = self._computing.get((key, version))
                if running is None:
                    done = threading.Event()
                    self._computing[(key, version)] = done
                    break
            running.wait()
        try:
            value = compute()
            digest = hashlib.sha256(f"{key!r}|{version}".encode()).hexdigest()[:24]
            entry = Cached(value, version, f'W/"{digest}"')
            with self._lock:
                self.misses += 1
                self._entries[key] = entry
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
            return entry
        finally:
            with self._lock:
                self._computing.pop((key, version), None)
            done.set()


class Refreshing:
    """One value read from the whole graph (a map layer, a search index), kept while a newer one
    is read: the first :meth:`get` waits for it; after a change of version, callers get the last
    value at once and one background thread reads the new one."""

    def __init__(self, name: str, compute: Callable[[], Any]) -> None:
        self.name = name
        self.compute = compute
        self.value: Any = None
        self.version: str | None = None
        self._lock = threading.Lock()
        self._refreshing = threading.Lock()

    def get(self, version: str) -> Any:
        """The value for ``version``, or the last one while it is being read."""
        if self.version is None:
            with self._lock:
                if self.version is None:
                    self.value, self.version = self.compute(), version
            return self.value
        if self.version != version and self._refreshing.acquire(blocking=False):

            def refresh() -> None:
                try:
                    value = self.compute()
                    self.value, self.version = value, version
                finally:
                    self._refreshing.release()

            threading.Thread(target=refresh, name=f"refresh-{self.name}", daemon=True).start()
        return self.value
