"""The embedded adapter: a pyoxigraph (RocksDB) store inside the process.

Queries see the union of all named graphs as their default graph, unless the request names
its own dataset (SPARQL Protocol ``default-graph-uri`` / ``named-graph-uri``). pyoxigraph releases
the GIL while it evaluates, so queries run in worker threads without blocking the event loop.
"""

from __future__ import annotations

import errno
import gzip
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from citypact import rdf_io
from citypact.store.port import (
    AskResult,
    Deadline,
    GraphResult,
    QueryOptions,
    QueryResult,
    QuerySyntaxError,
    ReadOnlyStore,
    SelectResult,
    StorageFull,
    Store,
    StoreError,
    capped,
    has_dataset_clause,
)

log = logging.getLogger("citypact.store.port")
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}


def write_failure(err: OSError) -> StoreError:
    """A clear error for a failed write; the system's own message (paths) goes to the log."""
    log.error("store write failed: %s", err)
    text = str(err).lower()
    if err.errno == errno.ENOSPC or "no space" in text:
        return StorageFull(
            "the write failed: the disk holding the store is full; nothing was stored. "
            "Free space, then restart the server"
        )
    if _is_read_only_failure(err):
        return ReadOnlyStore(
            "the write failed: the store's directory is read-only; nothing was stored"
        )
    return StoreError("the write failed in the store; nothing was stored")


def _is_read_only_failure(err: OSError) -> bool:
    text = str(err).lower()
    return err.errno in _READ_ONLY_ERRNOS or "read-only" in text or "permission denied" in text


PROGRESS_THRESHOLD = 5_000_000
"""Files larger than this (bytes) get a progress bar when loaded with ``progress``."""


class EmbeddedStore(Store):
    """A pyoxigraph store, persistent in ``path`` (in memory when ``path`` is None)."""

    kind = "embedded"

    def __init__(self, path: Path | None = None, read_only: bool = False) -> None:
        self.path = path
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                try:
                    self._store = ox.Store(str(path))
                except OSError as err:
                    # A read-only directory or file system: keep answering reads.
                    if not (_is_read_only_failure(err) and (path / "CURRENT").exists()):
                        raise
                    log.warning("the store in %s is read-only (%s): serving reads only", path, err)
                    self._store = ox.Store.read_only(str(path))
                    read_only = True
        except OSError as err:
            raise StoreError(
                f"cannot open the store in {path}: {err}. Is another CityPact process using it?"
            ) from err
        self.read_only = read_only
        self.generation = 0  # counts writes, so readers in other processes know to reopen

    @classmethod
    def wrap(cls, store: ox.Store, read_only: bool = False) -> EmbeddedStore:
        """Use an already open pyoxigraph store (for tests and tools)."""
        self = cls.__new__(cls)
        self.path = None
        self._store = store
        self.read_only = read_only
        self.generation = 0
        return self

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store (for bulk operations and dumps)."""
        return self._store

    def query(self, sparql: str, options: QueryOptions | None = None) -> QueryResult:
        options = options or QueryOptions()
        deadline = Deadline(options.timeout)
        kwargs: dict[str, Any] = {}
        if options.default_graphs or options.named_graphs:
            # A protocol dataset (SPARQL 1.1 Protocol §2.1.4) replaces the query's own.
            kwargs["default_graph"] = [ox.NamedNode(g) for g in options.default_graphs]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in options.named_graphs]
        elif not has_dataset_clause(sparql):
            kwargs["use_default_graph_as_union"] = True
        try:
            result = self._store.query(sparql, **kwargs)
            if isinstance(result, ox.QueryBoolean):
                return AskResult(bool(result))
            if isinstance(result, ox.QuerySolutions):
                names = [v.value for v in result.variables]
                rows = []
                for solution in capped(result, options.max_results, deadline):
                    row = {}
                    for name in names:
                        value = solution[name]  # type: ignore[index]
                        if value is not None:
                            row[name] = value
                    rows.append(row)
                return SelectResult(names, rows)
            return GraphResult(list(capped(result, options.max_results, deadline)))  # type: ignore[arg-type]
        except SyntaxError as err:
            raise QuerySyntaxError(str(err)) from None
        except ValueError as err:
            raise QuerySyntaxError(str(err)) from None
        except OSError as err:
            log.error("store query failed: %s", err)
            raise StoreError("the store failed to answer the query") from None

    def _writable(self) -> None:
        if self.read_only:
            raise ReadOnlyStore("the store is open read-only")

    def update(self, sparql_update: str) -> None:
        self._writable()
        try:
            self._store.update(sparql_update)
        except SyntaxError as err:
            raise QuerySyntaxError(str(err)) from None
        except OSError as err:
            raise write_failure(err) from None
        finally:
            self.generation += 1

    def add_quads(self, quads: Iterable[ox.Quad]) -> int:
        self._writable()
        batch = list(quads)
        try:
            self._store.extend(batch)  # one transaction: all or nothing
        except OSError as err:
            raise write_failure(err) from None
        finally:
            self.generation += 1
        return len(batch)

    def load_file(self, path: Path, graph: str | None = None, progress: bool = False) -> int:
        """Bulk-load a file; with ``progress``, files over :data:`PROGRESS_THRESHOLD` bytes draw
        a progress bar on standard error.

        The bulk loader skips the transaction log; loading is meant for setting a store up.
        """
        self._writable()
        fmt = rdf_io.format_for_path(path)
        size = os.path.getsize(path)
        target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        before = self._store_size()
        with open(path, "rb") as handle:
            reader: Any = handle
            bar = None
            if progress and size > PROGRESS_THRESHOLD:
                from tqdm import tqdm
                from tqdm.utils import CallbackIOWrapper

                bar = tqdm(total=size, unit="B", unit_scale=True, desc=path.name)
                # A file whose read() advances the bar (tqdm's wrapattr is a context manager).
                reader = CallbackIOWrapper(bar.update, handle, "read")
            if path.suffix.lower() == ".gz":
                reader = gzip.GzipFile(fileobj=reader, mode="rb")
            try:
                kwargs: dict[str, Any] = {} if fmt.datasets else {"to_graph": target}
                self._store.bulk_load(
                    input=reader,
                    format=fmt.oxigraph,
                    base_iri=path.resolve().as_uri(),
                    **kwargs,
                )
            except SyntaxError as err:
                raise rdf_io.RdfInputError(str(path), str(err), err.lineno, err.offset) from None
            except (EOFError, gzip.BadGzipFile) as err:
                raise rdf_io.RdfInputError(str(path), f"not a whole gzip file: {err}") from None
            finally:
                if bar is not None:
                    bar.close()
        self._store.flush()
        self.generation += 1
        return self._store_size() - before

    def _store_size(self) -> int:
        return len(self._store)

    def triple_count(self) -> int:
        return self._store_size()

    def is_empty(self) -> bool:
        return next(iter(self._store.quads_for_pattern(None, None, None, None)), None) is None

    def graphs(self) -> list[str]:
        return [g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)]

    def has_graph(self, iri: str) -> bool:
        """Whether the named graph exists and holds something."""
        node = ox.NamedNode(iri)
        return next(iter(self._store.quads_for_pattern(None, None, None, node)), None) is not None

    def close(self) -> None:
        if not self.read_only and self.path is not None:
            try:
                self._store.flush()
            except (OSError, RuntimeError):
                pass
        del self._store
