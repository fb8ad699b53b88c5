"""The network for a running server: read once per data version, analysed, drawn and written.

:class:`NetworkService` holds a :class:`~citypact.network.cache.VersionedCache`; the data
version comes from a function the caller gives (the server passes the dataset's fingerprint).
Every call takes a :class:`~citypact.store.port.Deadline`: reading the graph, each analysis
step and each file written check it, and stop with QueryTimeout once it has passed.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from citypact.network import analyses, charts
from citypact.network.analyses import Table
from citypact.network.filters import Filters
from citypact.network.formats import BY_NAME, write_all
from citypact.network.tables import Network, read_network
from citypact.store.port import Deadline, Store

ANALYSES = ("network-in-year", "hubs", "growth", "sectors-by-region", "path", "candidates")


class NetworkService:
    """Cached network, analyses, charts and export files of one store."""

    def __init__(self, store: Store, version: Callable[[], Hashable], query_timeout: float) -> None:
        from citypact.network.cache import VersionedCache

        self.store = store
        self.version = version
        self.query_timeout = query_timeout
        self.cache = VersionedCache()
        self._files_lock = threading.Lock()
        self._files: tuple[Hashable, Path] | None = None

    def _key(self) -> Hashable:
        version = self.version()
        self.cache.drop_other_versions(version)
        return version

    def network(self, deadline: Deadline, filters: Filters | None = None) -> Network:
        """The whole network (cached per data version), or a slice of it."""
        version = self._key()
        whole = self.cache.get(
            (version, "network"),
            lambda: read_network(self.store, self.query_timeout, deadline.check),
        )
        return (filters or Filters()).apply(whole)

    def analysis(self, name: str, deadline: Deadline, **params: Any) -> Table:
        """One analysis (``ANALYSES``) of the whole network, cached per version and parameters.

        ``params``: ``year`` for network-in-year; ``source``/``target`` (place IRIs) for path;
        ``place`` and ``shared_sectors_only`` for candidates. Raises AnalysisError for an
        unknown place, ValueError for an unknown analysis.
        """
        if name not in ANALYSES:
            raise ValueError(f"no analysis {name!r}; analyses: {', '.join(ANALYSES)}")
        version = self._key()
        key = (version, "analysis", name, tuple(sorted(params.items())))

        def compute() -> Table:
            network = self.network(deadline)
            deadline.check()
            if name == "network-in-year":
                return analyses.network_in_year(network, params.get("year"))
            if name == "hubs":
                return analyses.hubs(network, deadline.check)
            if name == "growth":
                return analyses.growth(network)
            if name == "sectors-by-region":
                return analyses.sectors_by_region(network)
            if name == "path":
                return analyses.shortest_path(network, params["source"], params["target"])
            return analyses.candidates(
                network, params["place"], params.get("shared_sectors_only", True)
            )

        return self.cache.get(key, compute)

    def chart(self, name: str, deadline: Deadline, **params: Any) -> bytes:
        """The SVG chart of an analysis (``charts.CHARTS``), cached like the analysis."""
        if name not in charts.CHARTS:
            raise ValueError(f"no chart {name!r}; charts: {', '.join(charts.CHARTS)}")
        version = self._key()
        key = (version, "chart", name, tuple(sorted(params.items())))
        return self.cache.get(key, lambda: charts.draw(self.analysis(name, deadline, **params)))

    def file(self, name: str, deadline: Deadline) -> Path:
        """The path of one export file of the whole network (``formats.FILES``), all of them
        written once per data version into a temporary directory (KeyError for an unknown
        name)."""
        if name not in BY_NAME:
            raise KeyError(name)
        version = self._key()
        with self._files_lock:
            if self._files is not None and self._files[0] == version:
                return self._files[1] / name
            network = self.network(deadline)
            directory = Path(tempfile.mkdtemp(prefix="citypact-network-"))
            try:
                write_all(network, directory, deadline.check)
            except BaseException:
                shutil.rmtree(directory, ignore_errors=True)
                raise
            if self._files is not None:
                shutil.rmtree(self._files[1], ignore_errors=True)
            self._files = (version, directory)
            return directory / name

    def close(self) -> None:
        """Remove the written files."""
        with self._files_lock:
            if self._files is not None:
                shutil.rmtree(self._files[1], ignore_errors=True)
                self._files = None
