"""Run compiled SHACL checks (``shape_compiler``) on an Oxigraph store and report the results.

This is CityPact's default validation engine: a whole graph, or chosen focus nodes of it, is
checked by one query per constraint. It reports what pySHACL reports (``tests/test_engines.py``
compares the two on every fixture and on generated graphs); pySHACL remains available as the
reference engine and is used for shapes this engine cannot compile.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from citypact import rdf_io
from citypact.validation.shape_compiler import (
    FOCUS,
    Check,
    CompiledShapes,
    Target,
    compile_shapes,
    term,
)

SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_CLASSES = re.compile(r"%%CLASSES <([^>]*)>%%")
_MESSAGE_VARIABLE = re.compile(r"\{[?$](\w+)\}")
FOCUS_BATCH = 2000

GENERIC_MESSAGES = {
    SH.MinCountConstraintComponent: "Less values than sh:minCount",
    SH.MaxCountConstraintComponent: "More values than sh:maxCount",
    SH.ClassConstraintComponent: "Value is not an instance of the required class",
    SH.DatatypeConstraintComponent: "Value is not a literal of the required datatype",
    SH.NodeKindConstraintComponent: "Value is not of the required node kind",
    SH.PatternConstraintComponent: "Value does not match the pattern",
    SH.LanguageInConstraintComponent: "Language tag not in the allowed list",
    SH.HasValueConstraintComponent: "Required value is missing",
    SH.InConstraintComponent: "Value is not in the allowed list",
    SH.UniqueLangConstraintComponent: "More than one value with the same language tag",
    SH.LessThanOrEqualsConstraintComponent: "Value is not less than or equal to the other",
    SH.LessThanConstraintComponent: "Value is not less than the other",
    SH.EqualsConstraintComponent: "Values differ from those of the other property",
    SH.DisjointConstraintComponent: "Value shared with the other property",
    SH.NodeConstraintComponent: "Value does not conform to the node shape",
    SH.NotConstraintComponent: "Value conforms to a shape it must not",
    SH.OrConstraintComponent: "Value conforms to none of the alternatives",
    SH.AndConstraintComponent: "Value does not conform to every shape",
    SH.QualifiedMinCountConstraintComponent: "Too few values conforming to the qualified shape",
    SH.QualifiedMaxCountConstraintComponent: "Too many values conforming to the qualified shape",
}


@dataclass(frozen=True)
class Finding:
    """One violation row, before it becomes a report result."""

    check: Check
    focus: Node
    value: Node | None
    messages: tuple[Literal, ...]


class SparqlValidator:
    """Validates Oxigraph stores with shapes compiled to SPARQL."""

    def __init__(self, shapes: Graph, compiled: CompiledShapes | None = None) -> None:
        self.shapes = shapes
        self.compiled = compiled if compiled is not None else compile_shapes(shapes)

    # -- query assembly ---------------------------------------------------------------------

    def _subclasses(self, store: ox.Store, union: bool) -> dict[str, list[str]]:
        """Each class the shapes name, with its subclasses in ``store``, as SPARQL terms."""
        found: dict[str, list[str]] = {str(cls): [] for cls in self.compiled.classes}
        if found:
            query = (
                "SELECT DISTINCT ?c ?super WHERE { "
                f"VALUES ?super {{ {' '.join(f'<{c}>' for c in sorted(found))} }} "
                "?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?super }"
            )
            for row in store.query(query, use_default_graph_as_union=union):  # type: ignore[union-attr]
                sub, sup = row["c"], row["super"]  # type: ignore[index]
                if isinstance(sub, ox.NamedNode) and isinstance(sup, ox.NamedNode):
                    found[sup.value].append(f"<{sub.value}>")
        return {cls: sorted(subs) or [f"<{cls}>"] for cls, subs in found.items()}

    @staticmethod
    def _target_pattern(target: Target, classes: dict[str, list[str]]) -> str:
        parts = []
        if target.classes:
            members = sorted({c for cls in target.classes for c in classes[str(cls)]})
            parts.append(f"?this a ?_tc . VALUES ?_tc {{ {' '.join(members)} }}")
        if target.nodes:
            nodes = [term(n) for n in target.nodes if not isinstance(n, BNode)]
            parts.append(f"VALUES ?this {{ {' '.join(nodes)} }}")
        for predicate in target.subjects_of:
            parts.append(f"?this <{predicate}> ?_o .")
        for predicate in target.objects_of:
            parts.append(f"?_s <{predicate}> ?this .")
        return " UNION ".join(f"{{ {p} }}" for p in parts)

    @staticmethod
    def _focus_block(target: str, focus: list[str] | None) -> str:
        values = f"VALUES ?this {{ {' '.join(focus)} }} " if focus is not None else ""
        return f"{{ SELECT DISTINCT ?this WHERE {{ {values}{target} }} }}"

    @staticmethod
    def _fill_classes(pattern: str, classes: dict[str, list[str]]) -> str:
        return _CLASSES.sub(
            lambda m: " ".join(classes.get(m.group(1), [f"<{m.group(1)}>"])), pattern
        )

    def _query(self, check: Check, focus_block: str, classes: dict[str, list[str]]) -> str:
        pattern = self._fill_classes(check.pattern, classes)
        if check.component == SH.SPARQLConstraintComponent:
            return pattern.replace(FOCUS, focus_block)
        projection = "?this"
        if check.binds_value:
            projection += " ?value"
        if check.component == SH.UniqueLangConstraintComponent:  # one result per language
            projection += " ?_lang"
        return f"SELECT DISTINCT {projection} WHERE {{ {focus_block} {pattern} }}"

    # -- running ----------------------------------------------------------------------------

    def findings(
        self, store: ox.Store, focus: Iterable[Node] | None = None, union: bool = False
    ) -> list[Finding]:
        """Every violation of the shapes in ``store`` (only about ``focus`` nodes, if given)."""
        classes = self._subclasses(store, union)
        focus_terms: list[str] | None = None
        if focus is not None:
            # Blank nodes cannot be named in a query.
            focus_terms = sorted({term(n) for n in focus if not isinstance(n, BNode)})
        batches: list[list[str] | None] = (
            [focus_terms[i : i + FOCUS_BATCH] for i in range(0, len(focus_terms), FOCUS_BATCH)]
            if focus_terms is not None
            else [None]
        )
        out: list[Finding] = []
        seen: set[tuple[object, ...]] = set()
        for target, checks in self.compiled.groups:
            target_pattern = self._target_pattern(target, classes)
            if not target_pattern:
                continue
            for batch in batches:
                block = self._focus_block(target_pattern, batch)
                for check in checks:
                    for finding in self._run(store, check, block, classes, union):
                        key = (check, finding.focus, finding.value, finding.messages)
                        if key not in seen:
                            seen.add(key)
                            out.append(finding)
        return out

    def _run(
        self, store: ox.Store, check: Check, block: str, classes: dict[str, list[str]], union: bool
    ) -> Iterable[Finding]:
        query = self._query(check, block, classes)
        solutions = store.query(query, use_default_graph_as_union=union)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        for row in solutions:
            bound = {name: row[name] for name in names if row[name] is not None}
            focus = rdf_io.to_rdflib(bound["this"])
            value = rdf_io.to_rdflib(bound["value"]) if "value" in bound else None
            yield Finding(check, focus, value, self._messages(check, bound))

    @staticmethod
    def _messages(check: Check, bound: dict[str, object]) -> tuple[Literal, ...]:
        def fill(template: Literal) -> Literal:
            def substitute(match: re.Match[str]) -> str:
                term = bound.get(match.group(1))
                return match.group(0) if term is None else str(rdf_io.to_rdflib(term))  # type: ignore[arg-type]

            return Literal(_MESSAGE_VARIABLE.sub(substitute, str(template)), lang=template.language)

        messages = [fill(m) for m in check.sparql_messages]
        messages += [m for m in check.messages if m not in messages]
        if not messages:
            messages = [Literal(GENERIC_MESSAGES.get(check.component, "Constraint violated"))]
        return tuple(messages)

    # -- reports ----------------------------------------------------------------------------

    def report_graph(self, findings: list[Finding]) -> Graph:
        """A sh:ValidationReport graph for ``findings``."""
        graph = Graph()
        graph.bind("sh", SH)
        report = BNode()
        graph.add((report, RDF.type, SH.ValidationReport))
        conforms = not any(f.check.severity == SH.Violation for f in findings)
        graph.add((report, SH.conforms, Literal(conforms)))
        for finding in findings:
            check = finding.check
            result = BNode()
            graph.add((report, SH.result, result))
            graph.add((result, RDF.type, SH.ValidationResult))
            graph.add((result, SH.focusNode, finding.focus))
            graph.add((result, SH.resultSeverity, check.severity))
            graph.add((result, SH.sourceShape, check.shape))
            graph.add((result, SH.sourceConstraintComponent, check.component))
            if check.source_constraint is not None:
                graph.add((result, SH.sourceConstraint, check.source_constraint))
            if finding.value is not None:
                graph.add((result, SH.value, finding.value))
            if check.path is not None:
                graph.add((result, SH.resultPath, check.path))
                rdf_io.copy_description(self.shapes, check.path, graph)
            for message in finding.messages:
                graph.add((result, SH.resultMessage, message))
        return graph
