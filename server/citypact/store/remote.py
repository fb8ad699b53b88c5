"""The remote adapter: any SPARQL 1.1 endpoint (Oxigraph server, Virtuoso, Fuseki, QLever,
GraphDB) through SPARQLWrapper.

The endpoint's default graph must be the union of its named graphs (Virtuoso's default;
``oxigraph serve --union-default-graph``; Fuseki's ``tdb:unionDefaultGraph``), because CityPact
keeps the ontology, the bundled data and each submission in named graphs of their own.
"""

from __future__ import annotations

import json
import socket
import urllib.error
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from SPARQLWrapper import DIGEST, JSON, POST, POSTDIRECTLY, TURTLE, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
)

from citypact import rdf_io
from citypact.store.port import (
    AskResult,
    BackendUnavailable,
    Deadline,
    GraphResult,
    QueryOptions,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    ReadOnlyStore,
    SelectResult,
    Store,
    StoreError,
    Term,
    capped,
    query_form,
)

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
INSERT_BATCH = 5_000


def term_from_json(binding: dict[str, Any]) -> Term:
    """An Oxigraph term from one SPARQL 1.1 JSON results binding."""
    kind = binding.get("type")
    value = binding.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if kind in ("literal", "typed-literal"):
        lang = binding.get("xml:lang")
        if lang:
            return ox.Literal(value, language=lang)
        datatype = binding.get("datatype")
        if datatype and datatype != _XSD_STRING:
            return ox.Literal(value, datatype=ox.NamedNode(datatype))
        return ox.Literal(value)
    raise StoreError(f"unexpected term type {kind!r} in the endpoint's answer")


def _nt(term: Any) -> str:
    return str(term)  # pyoxigraph terms print in N-Triples syntax


def _has_bnode(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def insert_data_text(quads: Iterable[ox.Quad]) -> str:
    """A SPARQL ``INSERT DATA`` with the quads grouped by graph (N-Triples term syntax).

    With blank nodes (not allowed in INSERT DATA by some stores, Virtuoso among them) it is
    ``INSERT { ... } WHERE {}`` instead, which mints one fresh blank node per label.
    """
    quads = list(quads)
    by_graph: dict[str, list[str]] = {}
    for quad in quads:
        graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else _nt(quad.graph_name)
        line = f"{_nt(quad.subject)} {_nt(quad.predicate)} {_nt(quad.object)} ."
        by_graph.setdefault(graph, []).append(line)
    parts = []
    for graph, lines in by_graph.items():
        body = "\n".join(lines)
        parts.append(f"GRAPH {graph} {{\n{body}\n}}" if graph else body)
    body = "\n".join(parts)
    if any(_has_bnode(q) for q in quads):
        return "INSERT {\n" + body + "\n} WHERE {}"
    return "INSERT DATA {\n" + body + "\n}"


class RemoteStore(Store):
    """A store behind SPARQL 1.1 query and update endpoints."""

    kind = "remote"

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        auth: str = "basic",
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url
        self.user = user
        self.password = password
        self.auth = auth
        self.generation = 0  # counts this process's writes (see store/versioned_cache.py)

    def _wrapper(self, url: str, timeout: float | None = None) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(url)
        wrapper.setOnlyConneg(True)
        if timeout:
            wrapper.setTimeout(max(1, int(timeout + 0.999)))
        if self.user is not None:
            wrapper.setCredentials(self.user, self.password or "")
            if self.auth == "digest":
                wrapper.setHTTPAuth(DIGEST)
        return wrapper

    def _call(self, wrapper: SPARQLWrapper) -> bytes:
        try:
            response = wrapper.query().response
            return response.read()
        except QueryBadFormed as err:
            raise QuerySyntaxError(_endpoint_message(err)) from None
        except Unauthorized as err:
            raise StoreError(f"the endpoint refused the credentials: {err}") from None
        except EndPointInternalError as err:
            message = _endpoint_message(err)
            if any(k in message for k in ("SP030", "syntax error", "SP031", "37000")):
                raise QuerySyntaxError(message) from None
            if "timeout" in message.lower() or "S1T00" in message:
                raise QueryTimeout(f"the endpoint timed out: {message}") from None
            raise BackendUnavailable(f"the SPARQL endpoint failed: {message}") from None
        except EndPointNotFound as err:
            raise BackendUnavailable(f"the SPARQL endpoint was not found: {err}") from None
        except TimeoutError as err:
            raise QueryTimeout(f"the SPARQL endpoint did not answer in time: {err}") from None
        except urllib.error.HTTPError as err:
            if err.code in (408, 504):
                raise QueryTimeout(f"the SPARQL endpoint timed out ({err.code})") from None
            raise BackendUnavailable(f"the SPARQL endpoint answered {err.code}") from None
        except (urllib.error.URLError, ConnectionError, OSError) as err:
            reason = getattr(err, "reason", err)
            if isinstance(reason, TimeoutError | socket.timeout):
                raise QueryTimeout("the SPARQL endpoint did not answer in time") from None
            raise BackendUnavailable(f"the SPARQL endpoint is unreachable: {reason}") from None
        except SPARQLWrapperException as err:
            raise BackendUnavailable(f"the SPARQL endpoint failed: {err}") from None

    def query(self, sparql: str, options: QueryOptions | None = None) -> QueryResult:
        options = options or QueryOptions()
        deadline = Deadline(options.timeout)
        wrapper = self._wrapper(self.query_url, options.timeout)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setQuery(sparql)
        for graph in options.default_graphs:
            wrapper.addDefaultGraph(graph)
        for graph in options.named_graphs:
            wrapper.addNamedGraph(graph)
        form = query_form(sparql) or wrapper.queryType
        wrapper.queryType = form
        if form in ("CONSTRUCT", "DESCRIBE"):
            wrapper.setReturnFormat(TURTLE)
            wrapper.addCustomHttpHeader("Accept", "application/n-triples, text/turtle;q=0.9")
            body = self._call(wrapper)
            try:
                parsed = ox.parse(body, format=ox.RdfFormat.TURTLE)
                triples = [ox.Triple(q.subject, q.predicate, q.object) for q in parsed]
            except SyntaxError as err:
                raise StoreError(f"the endpoint sent unreadable RDF: {err}") from None
            return GraphResult(list(capped(triples, options.max_results, deadline)))  # type: ignore[arg-type]
        if form not in ("SELECT", "ASK"):
            raise QuerySyntaxError(f"not a SPARQL query ({form})")
        wrapper.setReturnFormat(JSON)
        wrapper.addCustomHttpHeader("Accept", "application/sparql-results+json")
        body = self._call(wrapper)
        try:
            data = json.loads(body)
        except ValueError as err:
            raise StoreError(f"the endpoint sent unreadable JSON: {err}") from None
        if "boolean" in data:
            return AskResult(bool(data["boolean"]))
        names = list(data.get("head", {}).get("vars", []))
        rows: list[dict[str, Term]] = []
        bindings: list[dict[str, Any]] = data.get("results", {}).get("bindings", [])
        for binding in capped(bindings, options.max_results, deadline):
            assert isinstance(binding, dict)
            rows.append({k: term_from_json(v) for k, v in binding.items()})
        return SelectResult(names, rows)

    def update(self, sparql_update: str) -> None:
        if not self.update_url:
            raise ReadOnlyStore(
                "no SPARQL update endpoint is configured (CITYPACT_SPARQL_UPDATE_ENDPOINT)"
            )
        wrapper = self._wrapper(self.update_url)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(POSTDIRECTLY)
        wrapper.setQuery(sparql_update)
        try:
            self._call(wrapper)
        finally:
            self.generation += 1

    def add_quads(self, quads: Iterable[ox.Quad]) -> int:
        batch = list(quads)
        if batch:
            self.update(insert_data_text(batch))
        return len(batch)

    def load_file(self, path: Path, graph: str | None = None, progress: bool = False) -> int:
        """Load a file in batches of INSERT DATA requests (not one transaction)."""
        quads = rdf_io.read_file(path)
        if graph:
            target = ox.NamedNode(graph)
            quads = [
                ox.Quad(q.subject, q.predicate, q.object, target)
                if isinstance(q.graph_name, ox.DefaultGraph)
                else q
                for q in quads
            ]
        # Triples with blank nodes go together in one request, so that a blank node keeps its
        # identity (INSERT templates mint fresh blank nodes per request).
        plain = [q for q in quads if not _has_bnode(q)]
        with_bnodes = [q for q in quads if _has_bnode(q)]
        if with_bnodes:
            self.add_quads(with_bnodes)
        batches = _batches(plain, INSERT_BATCH)
        if progress and len(quads) > INSERT_BATCH:
            from tqdm import tqdm

            batches = tqdm(batches, total=-(-len(plain) // INSERT_BATCH), desc=path.name)
        for batch in batches:
            self.add_quads(batch)
        return len(quads)

    def triple_count(self) -> int:
        result = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(result.rows[0]["n"].value) if result.rows else 0

    def has_graph(self, iri: str) -> bool:
        """Whether the named graph exists and holds something."""
        return self.ask(f"ASK {{ GRAPH {_nt(ox.NamedNode(iri))} {{ ?s ?p ?o }} }}")

    def is_empty(self) -> bool:
        return not self.ask("ASK { GRAPH ?g { ?s ?p ?o } }")

    def ping(self) -> None:
        self.query("ASK { }", QueryOptions(timeout=5))


def _batches(items: list[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _endpoint_message(err: Exception) -> str:
    text = str(err)
    marker = "Response:\n"
    if marker in text:
        text = text.split(marker, 1)[1]
    text = text.strip()
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1].encode().decode("unicode_escape", errors="replace")
    return text[:2000]
