"""SHACL validation of CityPact data: the shapes compiled to SPARQL on Oxigraph
(``sparql_validation``), or pySHACL.

Inference is deliberately off. With RDFS inference, a range axiom such as
``cp:party rdfs:range cp:LocalGovernment`` makes a person wrongly given as a party *become* a
local government, and the violation disappears. Instead the ontology is merged into the data
graph, so ``sh:class`` still follows ``rdfs:subClassOf`` (SHACL does that without inference)
while nothing is ever inferred from domains and ranges.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox
import pyshacl
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from citypact import rdf_io, resources
from citypact.validation.shape_compiler import UnsupportedShape
from citypact.validation.sparql_engine import Finding, SparqlValidator

ENGINES = ("sparql", "pyshacl")
log = logging.getLogger(__name__)

SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result, flattened for reports."""

    focus_node: Node
    path: Node | None
    value: Node | None
    severity: str
    shape: Node | None
    constraint: Node | None
    messages: tuple[Literal, ...] = ()
    node_shape: Node | None = None

    def message(self, lang: str = "en") -> str:
        """The message in the asked language, falling back to English, then to any."""
        by_lang = {m.language or "": str(m) for m in self.messages}
        for key in (lang, "en", ""):
            if key in by_lang:
                return by_lang[key]
        return next(iter(by_lang.values()), "")


@dataclass
class ValidationReport:
    """The outcome of validating: the results and the sh:ValidationReport graph."""

    results: list[ValidationResult]
    graph: Graph = field(repr=False)

    @property
    def violations(self) -> list[ValidationResult]:
        """Results of severity Violation."""
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        """Results of severity Warning or Info."""
        return [r for r in self.results if r.severity != "Violation"]

    def conforms(self, strict: bool = False) -> bool:
        """True without violations (and, if strict, without warnings either)."""
        return not (self.results if strict else self.violations)


def _templates(shapes: Graph, shape: Node | None) -> list[tuple[re.Pattern[str], str]]:
    """The language-tagged message templates of a shape's SPARQL constraints."""
    out = []
    for constraint in shapes.objects(shape, SH.sparql):
        for template in shapes.objects(constraint, SH.message):
            if isinstance(template, Literal) and template.language:
                parts = re.split(r"\{[?$]\w+\}", str(template))
                regex = re.compile(".*?".join(re.escape(p) for p in parts), re.DOTALL)
                out.append((regex, template.language))
    return out


def _tag_languages(messages: list[Literal], shapes: Graph, shape: Node | None) -> list[Literal]:
    """pySHACL drops the language of substituted SPARQL messages; restore it from the shape."""
    if all(m.language for m in messages):
        return messages
    templates = _templates(shapes, shape)
    tagged = []
    for message in messages:
        lang = message.language
        if lang is None:
            lang = next((lg for rx, lg in templates if rx.fullmatch(str(message))), None)
        tagged.append(Literal(str(message), lang=lang))
    return tagged


def _results_from_graph(report: Graph, shapes: Graph) -> list[ValidationResult]:
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(node, SH.resultSeverity)
        shape = report.value(node, SH.sourceShape)
        # Property shapes are blank nodes: name the node shape that holds them instead.
        parent = shapes.value(None, SH.property, shape) if shape is not None else None
        results.append(
            ValidationResult(
                focus_node=report.value(node, SH.focusNode),  # type: ignore[arg-type]
                path=report.value(node, SH.resultPath),
                value=report.value(node, SH.value),
                severity=SEVERITY_NAMES.get(severity, str(severity))
                if isinstance(severity, URIRef)
                else str(severity),
                shape=shape,
                constraint=report.value(node, SH.sourceConstraintComponent),
                messages=tuple(
                    _tag_languages(
                        [
                            m
                            for m in report.objects(node, SH.resultMessage)
                            if isinstance(m, Literal)
                        ],
                        shapes,
                        shape,
                    )
                ),
                node_shape=parent if parent is not None else shape,
            )
        )
    results.sort(key=lambda r: (str(r.focus_node), r.severity != "Violation", str(r.shape)))
    return results


def _results_from_findings(findings: list[Finding]) -> list[ValidationResult]:
    results = [
        ValidationResult(
            focus_node=f.focus,
            path=f.check.path,
            value=f.value,
            severity=SEVERITY_NAMES.get(f.check.severity, str(f.check.severity)),
            shape=f.check.shape,
            constraint=f.check.component,
            messages=f.messages,
            node_shape=f.check.node_shape,
        )
        for f in findings
    ]
    results.sort(key=lambda r: (str(r.focus_node), r.severity != "Violation", str(r.shape)))
    return results


class Validator:
    """Validates data graphs against the CityPact shapes, with the ontology merged in.

    ``engine="sparql"`` (the default) runs the shapes compiled to SPARQL on Oxigraph;
    ``engine="pyshacl"`` runs pySHACL. Shapes the compiler cannot handle fall back to pySHACL.
    (The server and the CLI take the engine from ``Settings.validation_engine``.)
    """

    def __init__(self, shapes: Graph, ontology: Graph, engine: str = "sparql") -> None:
        self.shapes = shapes
        self.ontology = ontology
        self.engine = engine
        if self.engine not in ENGINES:
            raise ValueError(f"unknown validation engine {self.engine!r}")
        self._sparql: SparqlValidator | None = None
        if self.engine == "sparql":
            try:
                self._sparql = SparqlValidator(shapes)
            except UnsupportedShape as err:
                log.warning("validating with pySHACL: %s", err)
                self.engine = "pyshacl"

    @classmethod
    def bundled(cls, engine: str = "sparql") -> Validator:
        """A validator with the shapes and ontology shipped with the package."""
        return cls(
            rdf_io.load_files(resources.shape_files()),
            rdf_io.load_files(resources.ontology_files()),
            engine,
        )

    @cached_property
    def ontology_quads(self) -> list[ox.Quad]:
        """The ontology as Oxigraph quads in the default graph."""
        return list(rdf_io.graph_to_quads(self.ontology))

    @cached_property
    def shape_iris(self) -> frozenset[URIRef]:
        """The IRIs of all shapes (node and property shapes) in the shapes graph."""
        found = set(self.shapes.subjects(RDF.type, SH.NodeShape))
        found |= set(self.shapes.subjects(RDF.type, SH.PropertyShape))
        return frozenset(s for s in found if isinstance(s, URIRef))

    def validate(
        self,
        data: Graph,
        focus_nodes: Sequence[Node] | None = None,
        *,
        include_ontology: bool = True,
    ) -> ValidationReport:
        """Validate ``data`` (ontology merged in unless it already is).

        ``focus_nodes`` restricts validation to those nodes; the caller is responsible for
        giving the data those nodes' shapes can reach.
        """
        if self._sparql is not None:
            return self.validate_quads(rdf_io.graph_to_quads(data), focus_nodes, include_ontology)
        graph = data
        if include_ontology:
            graph = Graph()
            for triple in self.ontology:
                graph.add(triple)
            for triple in data:
                graph.add(triple)
        _conforms, report_graph, _text = pyshacl.validate(
            graph,
            shacl_graph=self.shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
            focus_nodes=[n for n in focus_nodes if isinstance(n, URIRef)]
            if focus_nodes is not None
            else None,
        )
        assert isinstance(report_graph, Graph)
        return ValidationReport(_results_from_graph(report_graph, self.shapes), report_graph)

    def validate_quads(
        self,
        quads: Iterable[ox.Quad],
        focus_nodes: Sequence[Node] | None = None,
        include_ontology: bool = True,
    ) -> ValidationReport:
        """Validate triples given as Oxigraph quads (ontology merged in unless it already is)."""
        if self._sparql is None:
            return self.validate(
                rdf_io.quads_to_graph(quads), focus_nodes, include_ontology=include_ontology
            )
        store = ox.Store()
        store.extend(quads)
        if include_ontology:
            store.extend(self.ontology_quads)
        return self.validate_store(store, focus_nodes)

    def validate_store(
        self, store: ox.Store, focus_nodes: Iterable[Node] | None = None, union: bool = False
    ) -> ValidationReport:
        """Validate an Oxigraph store as it is (it must hold the ontology), in place.

        ``union`` reads the union of its named graphs, as CityPact's own stores are read.
        """
        if self._sparql is None:
            graph = rdf_io.quads_to_graph(
                store.quads_for_pattern(None, None, None, None if union else ox.DefaultGraph())
            )
            return self.validate(
                graph,
                list(focus_nodes) if focus_nodes is not None else None,
                include_ontology=False,
            )
        findings = self._sparql.findings(store, focus_nodes, union=union)
        return ValidationReport(
            _results_from_findings(findings), self._sparql.report_graph(findings)
        )


def bundled_data_graph(extra: Iterable[Graph] = ()) -> Graph:
    """The bundled instance data, plus any extra graphs."""
    graph = rdf_io.load_files(resources.data_files())
    for other in extra:
        for triple in other:
            graph.add(triple)
    return graph
