"""The store port: what CityPact needs from a triple store, whatever the backend.

Two adapters implement it: :mod:`citypact.store.embedded` (pyoxigraph inside the process) and
:mod:`citypact.store.remote` (any SPARQL 1.1 endpoint through SPARQLWrapper). Results are
returned as Oxigraph terms so both adapters answer alike.
"""

from __future__ import annotations

import abc
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal


class StoreError(Exception):
    """Base of the errors a store raises; ``status`` is the HTTP status that fits."""

    status = 500


class QuerySyntaxError(StoreError):
    """The query (or update) does not parse."""

    status = 400


class QueryRefused(StoreError):
    """The query is well-formed but not allowed here (update, SERVICE, LOAD)."""

    status = 400


class QueryTimeout(StoreError):
    """The query ran past its time limit."""

    status = 503


class ResultTooLarge(StoreError):
    """The answer holds more rows or triples than the configured cap."""

    status = 400


class BackendUnavailable(StoreError):
    """The remote endpoint cannot be reached or answered with a server error."""

    status = 503


class ReadOnlyStore(StoreError):
    """A write was attempted on a store that cannot take writes."""

    status = 503


class StorageFull(StoreError):
    """The disk holding the store is full: writes fail, reads go on."""

    status = 507


@dataclass
class SelectResult:
    """Answer to SELECT: variable names and rows (variable → term; unbound ones absent)."""

    variables: list[str]
    rows: list[dict[str, Term]] = field(default_factory=list)


@dataclass
class AskResult:
    """Answer to ASK."""

    value: bool


@dataclass
class GraphResult:
    """Answer to CONSTRUCT or DESCRIBE."""

    triples: list[ox.Triple] = field(default_factory=list)


QueryResult = SelectResult | AskResult | GraphResult

WHOLE_GRAPH_RESULTS = 20_000_000
"""The result cap of the server's own reads of a whole graph (a bulk import's state, the
extractor's gazetteer): never of a request's query, which keeps ``max_results``."""


@dataclass(frozen=True)
class QueryOptions:
    """Per-request query options (SPARQL Protocol dataset and limits)."""

    timeout: float = 30.0
    max_results: int = 100_000
    default_graphs: Sequence[str] = ()
    named_graphs: Sequence[str] = ()

    @classmethod
    def whole_graph(cls, timeout: float = 300.0) -> QueryOptions:
        """Options for the server's own reads of a whole graph (see WHOLE_GRAPH_RESULTS)."""
        return cls(timeout=timeout, max_results=WHOLE_GRAPH_RESULTS)


class Deadline:
    """A point in time after which work must stop."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def check(self) -> None:
        """Raise QueryTimeout once the deadline has passed."""
        if time.monotonic() > self.end:
            raise QueryTimeout(f"query timed out after {self.seconds:g} s")


def capped(items: Iterable[object], max_results: int, deadline: Deadline) -> Iterator[object]:
    """Yield items, raising ResultTooLarge past the cap and QueryTimeout past the deadline."""
    for count, item in enumerate(items, start=1):
        if count > max_results:
            raise ResultTooLarge(
                f"the answer has more than {max_results} results; add a LIMIT or narrow the query"
            )
        if count % 256 == 0:
            deadline.check()
        yield item
    deadline.check()


# Lexical screening of query text: strings, IRIs and comments are blanked out first, so that a
# keyword inside a literal or an IRI never counts.
_LEXICAL_NOISE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)
_UPDATE_START = re.compile(
    r"^\s*(?:(?:PREFIX\s+[\w.-]*:|BASE)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)
_FROM = re.compile(r"(?<![\w:?$])FROM\b", re.IGNORECASE)


def has_dataset_clause(text: str) -> bool:
    """Whether the query names its own dataset (FROM / FROM NAMED)."""
    return bool(_FROM.search(_LEXICAL_NOISE.sub(" ", text)))


_SERVICE = re.compile(r"(?<![\w:?$])SERVICE\b", re.IGNORECASE)
_FORM = re.compile(r"(?<![\w:?$])(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first form keyword outside comments, strings and
    IRIs (SPARQLWrapper's own guess is misled by words in comments); None if there is none."""
    match = _FORM.search(_LEXICAL_NOISE.sub(" ", text))
    return match.group(1).upper() if match else None


def screen_query(text: str) -> None:
    """Refuse SPARQL Update and federated SERVICE calls before a query reaches any store.

    Raises QueryRefused with a message for the client.
    """
    bare = _LEXICAL_NOISE.sub(" ", text)
    if _UPDATE_START.search(bare):
        raise QueryRefused(
            "SPARQL Update is not accepted on this endpoint: it is read-only. "
            "Curators add data through /api/submissions."
        )
    if _SERVICE.search(bare):
        raise QueryRefused(
            "federated queries (SERVICE) are not allowed: the server does not fetch other hosts"
        )


class Store(abc.ABC):
    """The port: a few narrow operations every backend provides."""

    kind: str = "abstract"

    @abc.abstractmethod
    def query(self, sparql: str, options: QueryOptions | None = None) -> QueryResult:
        """Run a SPARQL query; raises QuerySyntaxError, QueryTimeout, ResultTooLarge, ..."""

    def select(self, sparql: str, options: QueryOptions | None = None) -> SelectResult:
        """Run a SELECT query."""
        result = self.query(sparql, options)
        if not isinstance(result, SelectResult):
            raise QuerySyntaxError("expected a SELECT query")
        return result

    def ask(self, sparql: str, options: QueryOptions | None = None) -> bool:
        """Run an ASK query."""
        result = self.query(sparql, options)
        if not isinstance(result, AskResult):
            raise QuerySyntaxError("expected an ASK query")
        return result.value

    def construct(self, sparql: str, options: QueryOptions | None = None) -> list[ox.Triple]:
        """Run a CONSTRUCT or DESCRIBE query."""
        result = self.query(sparql, options)
        if not isinstance(result, GraphResult):
            raise QuerySyntaxError("expected a CONSTRUCT or DESCRIBE query")
        return result.triples

    @abc.abstractmethod
    def update(self, sparql_update: str) -> None:
        """Apply a SPARQL Update atomically (trusted callers only, never user text)."""

    @abc.abstractmethod
    def add_quads(self, quads: Iterable[ox.Quad]) -> int:
        """Add quads in one transaction; returns how many were given."""

    @abc.abstractmethod
    def load_file(self, path: Path, graph: str | None = None, progress: bool = False) -> int:
        """Bulk-load an RDF file (into ``graph`` or the default graph); returns triple count."""

    @abc.abstractmethod
    def triple_count(self) -> int:
        """Number of quads in the store."""

    def is_empty(self) -> bool:
        """True when the store holds nothing."""
        return self.triple_count() == 0

    @abc.abstractmethod
    def has_graph(self, iri: str) -> bool:
        """Whether the named graph ``iri`` holds any triple."""

    def graphs(self) -> list[str]:
        """The IRIs of the named graphs that hold something."""
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        return [row["g"].value for row in rows]

    def ping(self) -> None:
        """Raise BackendUnavailable when the store cannot answer."""
        self.ask("ASK {}")

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources."""


def graph_iri(name: str) -> str:
    """IRI of one of CityPact's own named graphs (``ontology``, ``data``, ``submission/...``)."""
    return f"https://w3id.org/citypact/graph/{name}"


ONTOLOGY_GRAPH = graph_iri("ontology")
DATA_GRAPH = graph_iri("data")
