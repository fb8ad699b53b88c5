"""Submissions: new triples validated against the graph, committed whole or not at all.

Each accepted submission becomes its own named graph
``https://w3id.org/citypact/graph/submission/{id}``; its provenance (submitter, time, note,
source, triple count) goes into the meta graph in the same transaction (one ``extend`` on the
embedded store, one ``INSERT DATA`` request on a remote one). Submissions and retractions are
serialised by a lock, so each is validated against the state it is committed onto.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

from citypact import rdf_io
from citypact.namespaces import BASE, CP, ID, SECTOR_SCHEME, VOID
from citypact.store.backends import META_GRAPH
from citypact.store.port import Deadline, QueryOptions, QueryTimeout, Store, StoreError, graph_iri
from citypact.store.queries import QueryRegistry
from citypact.validation.incremental import IncrementalValidator
from citypact.validation.validator import ValidationReport

SUBMISSION_PREFIX = graph_iri("submission/")
SKOLEM_BASE = BASE + ".well-known/genid/"
SUBMISSION_ID = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{8}$")
_SCHEMA_PREDICATES = {
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.inverseOf,
    OWL.sameAs,
    SKOS.inScheme,
    SKOS.topConceptOf,
    SKOS.hasTopConcept,
}
# Entities that the ontology owns although they live under /id/: the sector and challenge schemes.
_OWNED_PREFIXES = (f"{SECTOR_SCHEME}", f"{ID}challenge")


class SubmissionRefused(StoreError):
    """A submission that may not be stored (namespace or ontology rules); HTTP 422."""

    status = 422


class SubmissionNotFound(StoreError):
    """No submission with that id; HTTP 404."""

    status = 404


@dataclass
class SubmissionMeta:
    """What a curator may say about a submission."""

    submitter: str | None = None
    note: str | None = None
    source: str | None = None


@dataclass
class Outcome:
    """The result of a submission or retraction attempt."""

    report: ValidationReport
    accepted: bool
    submission: str | None = None
    triples: int = 0
    extra: dict[str, object] = field(default_factory=dict)


def parse_upload(body: bytes, media_type: str, source: str = "request body") -> Graph:
    """Parse an uploaded RDF body (by media type) into a graph with blank nodes skolemized.

    Raises ValueError for an unsupported media type and RdfInputError for bad RDF.
    """
    fmt = rdf_io.format_by_name(media_type)
    if fmt.datasets:
        raise ValueError(f"unsupported media type {media_type}")
    graph = rdf_io.quads_to_graph(rdf_io.parse_quads(body, fmt, source))
    return skolemize(graph)


def skolemize(graph: Graph) -> Graph:
    """Replace blank nodes by fresh IRIs under /.well-known/genid/ (RDF 1.1 §3.5)."""
    if not any(isinstance(t, BNode) for triple in graph for t in triple):
        return graph
    mapping: dict[BNode, URIRef] = {}

    def fix(term):  # type: ignore[no-untyped-def]
        if isinstance(term, BNode):
            return mapping.setdefault(term, URIRef(SKOLEM_BASE + uuid.uuid4().hex))
        return term

    out = Graph()
    for s, p, o in graph:
        out.add((fix(s), p, fix(o)))
    return out


def check_namespaces(additions: Graph, store: Store) -> None:
    """Refuse triples that would change the ontology or shapes, or mint IRIs outside /id/.

    Raises SubmissionRefused with a message naming the offending term.
    """
    if len(additions) == 0:
        raise SubmissionRefused("the submission holds no triples")
    for s, p, _o in additions:
        subject = str(s)
        if subject.startswith((str(CP), BASE + "ontology", BASE + "shapes", BASE + "graph")):
            raise SubmissionRefused(
                f"submissions cannot change the ontology or shapes: <{subject}>"
            )
        if subject.startswith(_OWNED_PREFIXES):
            raise SubmissionRefused(
                f"the sector and challenge schemes belong to the ontology: <{subject}>"
            )
        if p in _SCHEMA_PREDICATES or str(p).startswith(str(SH)):
            raise SubmissionRefused(f"submissions cannot state schema axioms ({p.n3()})")
    outside = {
        s
        for s in additions.subjects()
        if isinstance(s, URIRef) and not str(s).startswith((str(ID), SKOLEM_BASE))
    }
    if outside:
        values = " ".join(f"<{s}>" for s in sorted(outside))
        known = store.select(f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}")
        new = outside - {URIRef(row["s"].value) for row in known.rows}
        if new:
            raise SubmissionRefused(
                f"new entities must have IRIs under {ID} (got <{sorted(new)[0]}>)"
            )


def new_submission_id(now: datetime) -> str:
    """A sortable id: UTC timestamp and random suffix."""
    return f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def _in_time(deadline: Deadline | None, what: str) -> None:
    """Raise QueryTimeout (HTTP 503) once a write's deadline has passed, before it commits.

    A write runs to its end in its worker thread even when its client is no longer waited for,
    so it must decide itself not to commit late: otherwise a client told "timed out" would find
    its data stored after all.
    """
    if deadline is not None and time.monotonic() > deadline.end:
        raise QueryTimeout(
            f"the {what} took longer than {deadline.seconds:g} s; nothing was changed"
        )


class SubmissionService:
    """Validates, commits, lists and retracts submissions on one store."""

    def __init__(self, store: Store, validator: IncrementalValidator, queries: QueryRegistry):
        self.store = store
        self.validator = validator
        self.queries = queries
        self.lock = threading.Lock()

    def validate(self, additions: Graph) -> ValidationReport:
        """Validate additions against the current graph; stores nothing."""
        check_namespaces(additions, self.store)
        return self.validator.validate_addition(additions)

    def submit(
        self,
        additions: Graph,
        meta: SubmissionMeta,
        strict: bool = False,
        deadline: Deadline | None = None,
    ) -> Outcome:
        """Validate and, if it conforms, commit the additions as one new named graph.

        With a ``deadline``, nothing is committed once it has passed (QueryTimeout instead).
        """
        with self.lock:
            _in_time(deadline, "submission")
            report = self.validate(additions)
            if not report.conforms(strict):
                return Outcome(report, accepted=False)
            _in_time(deadline, "submission")
            now = datetime.now(UTC).replace(microsecond=0)
            ident = new_submission_id(now)
            graph = SUBMISSION_PREFIX + ident
            name = ox.NamedNode(graph)
            quads = list(rdf_io.graph_to_quads(additions, name))
            quads += list(
                rdf_io.graph_to_quads(
                    self._provenance(graph, ident, now, meta, len(quads)), ox.NamedNode(META_GRAPH)
                )
            )
            self.store.add_quads(quads)
            return Outcome(report, accepted=True, submission=graph, triples=len(additions))

    @staticmethod
    def _provenance(
        graph: str, ident: str, now: datetime, meta: SubmissionMeta, count: int
    ) -> Graph:
        out = Graph()
        node = URIRef(graph)
        out.add((node, RDF.type, PROV.Bundle))
        out.add((node, DCTERMS.identifier, Literal(ident)))
        out.add(
            (
                node,
                DCTERMS.created,
                Literal(now.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime),
            )
        )
        out.add((node, VOID.triples, Literal(count, datatype=XSD.integer)))
        if meta.submitter:
            out.add((node, DCTERMS.creator, Literal(meta.submitter)))
        if meta.note:
            out.add((node, RDFS.comment, Literal(meta.note)))
        if meta.source:
            out.add((node, DCTERMS.source, Literal(meta.source)))
        return out

    def graph_of(self, ident: str) -> str:
        """The graph IRI of a submission id (SubmissionNotFound when malformed)."""
        if not SUBMISSION_ID.match(ident):
            raise SubmissionNotFound(f"no submission {ident!r}")
        return SUBMISSION_PREFIX + ident

    def describe(self, ident: str | None = None) -> list[dict[str, str]]:
        """Metadata of one or all submissions (queries/submissions.rq)."""
        bindings = {"submission": URIRef(self.graph_of(ident))} if ident else {}
        result = self.store.select(self.queries["submissions"].bind(**bindings))
        return [{k: v.value for k, v in row.items()} for row in result.rows]

    def triples(self, ident: str) -> Graph:
        """The triples a submission added (queries/submission_triples.rq)."""
        text = self.queries["submission_triples"].bind(submission=URIRef(self.graph_of(ident)))
        graph = Graph()
        for t in self.store.construct(text, QueryOptions(max_results=10_000_000)):
            graph.add(tuple(rdf_io.to_rdflib(x) for x in (t.subject, t.predicate, t.object)))  # type: ignore[arg-type]
        return graph

    def retract(
        self, ident: str, strict: bool = False, deadline: Deadline | None = None
    ) -> Outcome:
        """Remove a submission, unless the graph without it would not conform.

        With a ``deadline``, nothing is removed once it has passed (QueryTimeout instead).
        """
        with self.lock:
            _in_time(deadline, "retraction")
            if not self.describe(ident):
                raise SubmissionNotFound(f"no submission {ident!r}")
            graph = self.graph_of(ident)
            removed = self.triples(ident)
            remaining = [g for g in self.store.graphs() if g != graph]
            report = self.validator.validate_removal(removed, remaining)
            if not report.conforms(strict):
                return Outcome(report, accepted=False, submission=graph)
            _in_time(deadline, "retraction")
            self.store.update(
                f"DROP SILENT GRAPH <{graph}> ;\n"
                f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{graph}> ?p ?o }} }}"
            )
            return Outcome(report, accepted=True, submission=graph, triples=len(removed))
