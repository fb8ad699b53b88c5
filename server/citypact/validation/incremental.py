"""Incremental SHACL validation: validate what a change touches, with the part of the graph the
shapes reach from there, instead of the whole graph.

Additions are monotonic for almost every CityPact constraint (adding triples cannot remove a type
or a label), so a new triple can only break:

* the nodes it describes (maxCount, datatype, pattern, ``sh:lessThanOrEquals``, SPARQL checks),
* the nodes it points at, when their shapes read it backwards (a partnership reads the agreements
  that name it; an agreement's commitments read each other for duplicate sectors),
* nodes linked to those along the inter-entity edges the SPARQL constraints follow (a new tenure
  end date can break an existing signature of the same person).

So the focus nodes are the subjects and objects of the change, plus the nodes that read them
along those cross-entity paths (``queries/validation/affected.rq``: an agreement's signatures and
partnership, the other commitments of an agreement, the signatures of a tenure's holder). A
retraction, which is not monotonic, takes every neighbour two steps away along those edges in
both directions (``queries/validation/dependents.rq``). The data validated is the
change plus the neighbourhood of the focus nodes fetched from the store in a few rounds
(``queries/validation/neighbourhood.rq``): enough for ``sh:class``, ``sh:node`` chains, inverse
paths and the SPARQL constraints. Retractions are not monotonic: there the nodes that referred to
anything removed are validated as well (``queries/validation/referrers.rq``).

The SPARQL engine validates the assembled data for the focus nodes only. With pySHACL the
assembled data is validated in full and only the results about focus nodes are kept
(:func:`restrict`): pySHACL's own focus-node mode is not used, as it also filters the value nodes
that nested shapes (``sh:qualifiedValueShape``, ``sh:node``) are evaluated on, dropping every
literal and every IRI outside the focus list, so those shapes wrongly conform. A new city labelled
only ``@ms`` passed LabelShape's qualified minimum that way.

``tests/test_incremental.py`` checks that the verdict and results equal those of validating the
whole graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from citypact import rdf_io
from citypact.namespaces import CP, GEO
from citypact.resources import query_dir
from citypact.store.port import QueryOptions, Store
from citypact.store.queries import QueryRegistry
from citypact.validation.validator import ValidationReport, Validator

DEPENDENCY_DEPTH = 2
NEIGHBOURHOOD_ROUNDS = 4
BATCH = 400


@dataclass
class IncrementalValidator:
    """Validates changes to a store against the shapes, touching only what they reach."""

    store: Store
    validator: Validator
    queries: QueryRegistry | None = None
    timeout: float = 60.0

    def __post_init__(self) -> None:
        if self.queries is None:
            self.queries = QueryRegistry(query_dir() / "validation")

    def _options(self, graphs: list[str] | None) -> QueryOptions:
        return QueryOptions(
            timeout=self.timeout, max_results=10_000_000, default_graphs=graphs or ()
        )

    def _related(
        self, query: str, nodes: Iterable[URIRef], graphs: list[str] | None
    ) -> set[URIRef]:
        assert self.queries is not None
        found: set[URIRef] = set()
        nodes = sorted(nodes)
        for start in range(0, len(nodes), BATCH):
            text = self.queries[query].bind(node=nodes[start : start + BATCH])
            for row in self.store.select(text, self._options(graphs)).rows:
                found.add(URIRef(row["related"].value))
        return found

    def focus_nodes(
        self, change: Graph, graphs: list[str] | None = None, retraction: bool = False
    ) -> set[Node]:
        """The nodes whose validation a change (addition or, with ``retraction``, removal) can
        alter. ``graphs`` restricts what the store is read from (a retraction reads the graph
        without the retracted part)."""
        touched: set[Node] = set(change.subjects()) | {
            o for o in change.objects() if isinstance(o, URIRef)
        }
        if not retraction:
            return touched | self._affected_by_addition(change, touched)
        focus = set(touched)
        subjects = {s for s in change.subjects() if isinstance(s, URIRef)}
        focus |= self._related("referrers", subjects, graphs)
        frontier = {n for n in focus if isinstance(n, URIRef)}
        local = _local_dependents(change)
        for _ in range(DEPENDENCY_DEPTH):
            if not frontier:
                break
            found = self._related("dependents", frontier, graphs)
            for node in frontier:
                found |= local.get(node, set())
            frontier = {n for n in found if n not in focus}
            focus |= frontier
        return focus

    def _affected_by_addition(self, change: Graph, touched: set[Node]) -> set[Node]:
        """The nodes an addition can break besides those it names, along the cross-entity paths
        the shapes read (``queries/validation/affected.rq``), each step taken in the store and
        in the change itself."""
        assert self.queries is not None
        steps: dict[str, set[URIRef]] = {"affected": set(), "agreement": set(), "holder": set()}

        def step(nodes: set[URIRef]) -> None:
            batch = sorted(nodes)
            for start in range(0, len(batch), BATCH):
                text = self.queries["affected"].bind(node=batch[start : start + BATCH])  # type: ignore[index]
                for row in self.store.select(text, self._options(None)).rows:
                    steps[row["step"].value].add(URIRef(row["related"].value))
            for s, p, o in change:
                if not isinstance(o, URIRef):
                    continue
                if s in nodes and p in (CP.signature, CP.partnership):
                    steps["affected"].add(o)
                elif o in nodes and p == CP.commitmentOf and isinstance(s, URIRef):
                    steps["affected"].add(s)
                elif s in nodes and p == CP.commitmentOf:
                    steps["agreement"].add(o)
                elif s in nodes and p == CP.holder:
                    steps["holder"].add(o)

        step({n for n in touched if isinstance(n, URIRef)})
        # Second steps: the other commitments of the agreements, the signatures of the holders.
        holders = set(steps["holder"])
        step(set(steps["agreement"]))
        found: set[Node] = set(steps["affected"])
        if holders:
            found |= self._related("holders_signatures", holders, None)
            found |= {
                s
                for s, _p, o in change.triples((None, CP.signatory, None))
                if o in holders and isinstance(s, URIRef)
            }
        return found

    def neighbourhood_triples(
        self, nodes: Iterable[Node], graphs: list[str] | None = None
    ) -> set[ox.Triple]:
        """The store's triples around ``nodes``, NEIGHBOURHOOD_ROUNDS steps deep (Oxigraph
        terms, as the store gives them)."""
        assert self.queries is not None
        found: set[ox.Triple] = set()
        seen: set[str] = set()
        frontier = {str(n) for n in nodes if isinstance(n, URIRef)}
        for _ in range(NEIGHBOURHOOD_ROUNDS):
            frontier -= seen
            if not frontier:
                break
            seen |= frontier
            batch = [URIRef(n) for n in sorted(frontier)]
            frontier = set()
            for start in range(0, len(batch), BATCH):
                text = self.queries["neighbourhood"].bind(node=batch[start : start + BATCH])
                for triple in self.store.construct(text, self._options(graphs)):
                    if triple in found:
                        continue
                    found.add(triple)
                    for node in (triple.subject, triple.object):
                        if isinstance(node, ox.NamedNode):
                            frontier.add(node.value)
        return found

    def _validate(
        self, triples: set[ox.Triple], extra: Graph | None, focus: set[Node]
    ) -> ValidationReport:
        """Validate the assembled triples (plus ``extra``) for the ``focus`` nodes."""
        quads = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
        if extra is not None:
            quads.extend(rdf_io.graph_to_quads(extra))
        # pySHACL's focus mode is not exact (see the module docstring): it validates in full.
        exact = self.validator.engine == "sparql"
        report = self.validator.validate_quads(quads, sorted(focus, key=str) if exact else None)
        return restrict(report, focus)

    def validate_addition(self, additions: Graph) -> ValidationReport:
        """Validate ``additions`` as new triples in the store."""
        focus = self.focus_nodes(additions)
        triples = self.neighbourhood_triples(focus | set(_iris(additions)))
        return self._validate(triples, additions, focus)

    def validate_removal(self, removed: Graph, remaining_graphs: list[str]) -> ValidationReport:
        """Validate the store without ``removed`` (read from ``remaining_graphs`` only)."""
        focus = self.focus_nodes(removed, remaining_graphs, retraction=True)
        triples = self.neighbourhood_triples(focus | set(_iris(removed)), remaining_graphs)
        subjects = {rdf_io.to_rdflib(t.subject) for t in triples}
        present = {n for n in focus if n in subjects}
        return self._validate(triples, None, present)


def restrict(report: ValidationReport, focus: set[Node]) -> ValidationReport:
    """The part of a report about the ``focus`` nodes: their results, and a report graph that
    holds only those (``sh:conforms`` recomputed: true unless a result is a violation)."""
    results = [r for r in report.results if r.focus_node in focus]
    source = report.graph
    graph = Graph()
    for prefix, namespace in source.namespaces():
        graph.bind(prefix, namespace, override=True)
    conforms = not any(r.severity == "Violation" for r in results)
    for node in source.subjects(RDF.type, SH.ValidationReport):
        for p, o in source.predicate_objects(node):
            if p not in (SH.result, SH.conforms):
                graph.add((node, p, o))
        graph.add((node, SH.conforms, Literal(conforms)))
        for result in source.objects(node, SH.result):
            if source.value(result, SH.focusNode) in focus:
                graph.add((node, SH.result, result))
                rdf_io.copy_description(source, result, graph)
    return ValidationReport(results, graph)


def _iris(graph: Graph) -> Iterable[URIRef]:
    for s, p, o in graph:
        for node in (s, p, o):
            if isinstance(node, URIRef):
                yield node


def _local_dependents(change: Graph) -> dict[Node, set[URIRef]]:
    """Dependency edges inside the change itself (for nodes the store does not hold yet)."""

    edges = {
        CP.signature,
        CP.signatureOf,
        CP.signatory,
        CP.holder,
        CP.commitmentOf,
        CP.hasCommitment,
        CP.partnership,
        CP.hasAgreement,
        GEO.hasGeometry,
    }
    out: dict[Node, set[URIRef]] = {}
    for s, p, o in change:
        if p in edges:
            if isinstance(o, URIRef):
                out.setdefault(s, set()).add(o)
            if isinstance(s, URIRef):
                out.setdefault(o, set()).add(s)
    return out
