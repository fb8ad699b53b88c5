"""Results kept per data version: the network read from the graph and the analyses of it.

The key is the caller's data version (the server uses the dataset's fingerprint,
``publishing.dataset_description.dataset_state``: it changes whenever a submission is added or
retracted), so a change to the data is never answered from an older copy. One build runs at a
time per version: concurrent first requests wait for it rather than repeating it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class VersionedCache:
    """A small LRU of computed values, keyed by (data version, name, parameters)."""

    def __init__(self, max_entries: int = 64) -> None:
        self.max_entries = max_entries
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value for ``key``, computed once (other callers wait for that computation).

        An exception from ``compute`` is raised to its caller and nothing is stored.
        """
        with self._guard:
            if key in self._values:
                self._values.move_to_end(key)
                self.hits += 1
                return self._values[key]  # type: ignore[no-any-return]
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            with self._guard:
                if key in self._values:
                    self.hits += 1
                    return self._values[key]  # type: ignore[no-any-return]
            self.misses += 1
            value = compute()
            with self._guard:
                self._values[key] = value
                while len(self._values) > self.max_entries:
                    self._values.popitem(last=False)
                self._locks.pop(key, None)
            return value

    def drop_other_versions(self, version: Hashable) -> None:
        """Forget every value of another data version (keys are tuples starting with it)."""
        with self._guard:
            for key in [k for k in self._values if isinstance(k, tuple) and k[:1] != (version,)]:
                del self._values[key]
