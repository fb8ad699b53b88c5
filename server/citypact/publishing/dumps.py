"""Full downloads of the graph, written straight from the store and streamed.

The Turtle, N-Triples (gzip) and JSON-LD dumps merge every published graph (CityPact's graphs
under ``https://w3id.org/citypact/graph/``: the ontology, the bundled data and each submission;
not the bookkeeping graph) into one set of triples; the TriG dump keeps the named graphs.
Nothing is built in memory: pyoxigraph's serializer writes into a small bounded queue that the
HTTP response drains chunk by chunk (or straight into a file for the static export), so a dump
of millions of triples needs a few hundred kilobytes.
"""

from __future__ import annotations

import gzip
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import pyoxigraph as ox

from citypact.namespaces import PREFIXES
from citypact.publishing.linked_data import EXTRA_PREFIXES
from citypact.store.backends import META_GRAPH
from citypact.store.port import graph_iri

GRAPH_PREFIX = graph_iri("")
CHUNK_SIZE = 64 * 1024
QUEUE_CHUNKS = 8


@dataclass(frozen=True)
class Dump:
    """One downloadable file of the whole graph."""

    name: str
    media_type: str
    format: ox.RdfFormat
    keeps_graphs: bool
    gzipped: bool
    title: str
    content_type: str  # the RDF media type inside (differs from media_type when gzipped)
    graph: str | None = None  # one source's graph only (``source-{key}.nq.gz``)

    @property
    def description(self) -> str:
        """What the file holds, for people."""
        if self.graph is not None:
            return f"the named graph {self.graph} alone, under its source's licence"
        if self.keeps_graphs:
            return "every published named graph, kept apart (ontology, data, each submission)"
        return "every published graph merged into one set of triples"


DUMPS: tuple[Dump, ...] = (
    Dump("citypact.ttl", "text/turtle", ox.RdfFormat.TURTLE, False, False, "Turtle", "text/turtle"),
    Dump(
        "citypact.nt.gz",
        "application/gzip",
        ox.RdfFormat.N_TRIPLES,
        False,
        True,
        "N-Triples, gzip-compressed",
        "application/n-triples",
    ),
    Dump(
        "citypact.jsonld",
        "application/ld+json",
        ox.RdfFormat.JSON_LD,
        False,
        False,
        "JSON-LD",
        "application/ld+json",
    ),
    Dump(
        "citypact.trig",
        "application/trig",
        ox.RdfFormat.TRIG,
        True,
        False,
        "TriG (named graphs)",
        "application/trig",
    ),
)
BY_NAME = {dump.name: dump for dump in DUMPS}
SOURCE_GRAPH_PREFIX = graph_iri("source/")


def source_dumps(store: ox.Store) -> list[Dump]:
    """One N-Quads dump per outside source's graph (``source-{key}.nq.gz``), each under that
    source's licence (VoID says which)."""
    graphs = sorted(
        g.value
        for g in store.named_graphs()
        if isinstance(g, ox.NamedNode) and g.value.startswith(SOURCE_GRAPH_PREFIX)
    )
    return [
        Dump(
            f"source-{g.rsplit('/', 1)[-1]}.nq.gz",
            "application/gzip",
            ox.RdfFormat.N_QUADS,
            True,
            True,
            f"N-Quads, gzip-compressed: the graph of {g.rsplit('/', 1)[-1]}",
            "application/n-quads",
            g,
        )
        for g in graphs
    ]


def published_graphs(store: ox.Store) -> list[ox.NamedNode]:
    """The named graphs a dump holds, in IRI order: CityPact's own graphs (ontology, data, each
    submission), not the bookkeeping graph."""
    graphs = [
        g
        for g in store.named_graphs()
        if isinstance(g, ox.NamedNode)
        and g.value.startswith(GRAPH_PREFIX)
        and g.value != META_GRAPH
    ]
    return sorted(graphs, key=lambda g: g.value)


def published_quads(store: ox.Store) -> Iterator[ox.Quad]:
    """Every quad of the published graphs, graph by graph."""
    for graph in published_graphs(store):
        yield from store.quads_for_pattern(None, None, None, graph)


def published_triples(store: ox.Store) -> Iterator[ox.Triple]:
    """Every triple of the published graphs, each once, without holding them in memory.

    A triple stated in several graphs is emitted with its first graph (in IRI order): a lookup
    of the triple in the store's index tells which graphs hold it.
    """
    graphs = published_graphs(store)
    rank = {g.value: i for i, g in enumerate(graphs)}
    for index, graph in enumerate(graphs):
        for quad in store.quads_for_pattern(None, None, None, graph):
            if index and any(
                rank.get(other.graph_name.value, len(graphs)) < index  # type: ignore[union-attr]
                for other in store.quads_for_pattern(quad.subject, quad.predicate, quad.object)
                if isinstance(other.graph_name, ox.NamedNode)
            ):
                continue
            yield quad.triple


def write_dump(store: ox.Store, dump: Dump, output: IO[bytes]) -> None:
    """Serialize a dump into a binary stream (a file, a queue writer, ...)."""
    sink: IO[bytes] = output
    zipped = None
    if dump.gzipped:
        zipped = gzip.GzipFile(fileobj=output, mode="wb", compresslevel=6, mtime=0)
        sink = zipped  # type: ignore[assignment]
    kwargs: dict[str, Any] = {}
    if dump.format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        kwargs["prefixes"] = {**PREFIXES, **EXTRA_PREFIXES}
    if dump.graph is not None:
        items: Any = store.quads_for_pattern(None, None, None, ox.NamedNode(dump.graph))
    else:
        items = published_quads(store) if dump.keeps_graphs else published_triples(store)
    ox.serialize(items, sink, dump.format, **kwargs)
    if zipped is not None:
        zipped.close()


class DumpCancelled(Exception):
    """The reader went away (the client disconnected)."""


class _QueueWriter:
    """A write-only binary stream that hands fixed-size chunks to a bounded queue."""

    def __init__(self, chunks: queue.Queue[object], stop: threading.Event) -> None:
        self.chunks = chunks
        self.stop = stop
        self.buffer = bytearray()

    def write(self, data: bytes) -> int:
        self.buffer += data
        while len(self.buffer) >= CHUNK_SIZE:
            self._put(bytes(self.buffer[:CHUNK_SIZE]))
            del self.buffer[:CHUNK_SIZE]
        return len(data)

    def flush(self) -> None:
        """Nothing to do: chunks leave as they fill up."""

    def close(self) -> None:
        """Hand over what is left."""
        if self.buffer:
            self._put(bytes(self.buffer))
            self.buffer.clear()

    def _put(self, item: object) -> None:
        while not self.stop.is_set():
            try:
                self.chunks.put(item, timeout=0.2)
                return
            except queue.Full:
                continue
        raise DumpCancelled("the reader stopped")


_DONE = object()


def stream_dump(store: ox.Store, dump: Dump) -> Iterator[bytes]:
    """The dump as an iterator of chunks, serialized by a worker thread as they are read.

    At most QUEUE_CHUNKS chunks wait in memory; the serializer blocks until the reader takes
    more. Closing the iterator early (a client that disconnects) stops the worker.
    """
    chunks: queue.Queue[object] = queue.Queue(maxsize=QUEUE_CHUNKS)
    stop = threading.Event()

    def produce() -> None:
        writer = _QueueWriter(chunks, stop)
        try:
            write_dump(store, dump, writer)  # type: ignore[arg-type]
            writer.close()
            writer._put(_DONE)
        except DumpCancelled:
            pass
        except Exception as err:  # noqa: BLE001 - handed to the reader, which raises it
            try:
                writer._put(err)
            except DumpCancelled:
                pass

    worker = threading.Thread(target=produce, name=f"dump-{dump.name}", daemon=True)
    worker.start()
    try:
        while True:
            item = chunks.get()
            if item is _DONE:
                return
            if isinstance(item, Exception):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
