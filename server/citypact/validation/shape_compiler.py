"""Compile SHACL shapes into SPARQL queries that find violations.

Each constraint of each shape becomes one graph pattern that matches exactly when the constraint
is violated for a focus node (and binds the offending value where SHACL reports one). A shape's
targets and, when validating part of a graph, a ``VALUES`` block of focus nodes are put in front,
so a whole graph is checked by a few dozen set-at-a-time queries instead of node by node.
Nested shapes (``sh:node``, ``sh:or``, ``sh:qualifiedValueShape``) become ``EXISTS`` tests on the
same patterns. SHACL-SPARQL constraints are used as written, with ``$this`` joined to the targets
instead of pre-bound, which gives the same rows for queries without subqueries.

The SPARQL here is generated from the shapes, not hand-written; the hand-written questions live
in ``queries/``. Shapes using a feature this compiler does not handle raise
:class:`UnsupportedShape`, and the caller validates with pySHACL instead.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

# Datatypes whose lexical forms Oxigraph can check by casting.
CASTABLE = {
    XSD.date,
    XSD.dateTime,
    XSD.time,
    XSD.gYear,
    XSD.gYearMonth,
    XSD.gMonth,
    XSD.gMonthDay,
    XSD.gDay,
    XSD.duration,
    XSD.integer,
    XSD.decimal,
    XSD.double,
    XSD.float,
    XSD.boolean,
}
NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isIRI({v}) || isBlank({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
# Shape predicates this compiler reads; anything else in the sh: namespace is refused.
KNOWN = {
    RDF.type,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.property,
    SH.path,
    SH.message,
    SH.severity,
    SH.deactivated,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.minCount,
    SH.maxCount,
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.pattern,
    SH.flags,
    SH.languageIn,
    SH.hasValue,
    SH["in"],
    SH.uniqueLang,
    SH.lessThanOrEquals,
    SH.lessThan,
    SH.equals,
    SH.disjoint,
    SH.node,
    SH["or"],
    SH["and"],
    SH["not"],
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.sparql,
}


FOCUS = "%%FOCUS%%"
QUALIFIED_VALUE = "?__qualified"
VALUE = "?__value"


class UnsupportedShape(Exception):
    """A shapes graph uses a SHACL feature the SPARQL compiler does not handle."""


def term(node: Node) -> str:
    """A node as SPARQL text."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise UnsupportedShape(f"blank node {node} used as a constant in a shape")


def _true(node: Node | None) -> bool:
    return isinstance(node, Literal) and bool(node.toPython())


def _string(value: str) -> str:
    return Literal(value).n3()


@dataclass(frozen=True)
class Check:
    """One constraint of one shape: the pattern matching its violations.

    ``pattern`` is SPARQL text with ``?this`` (the focus variable), ``?value`` (the value
    variable) and ``%%CLASSES <iri>%%`` slots for the class and its subclasses, filled in at
    run time from the graph being validated. SPARQL constraints have a ``%%FOCUS%%`` slot.
    """

    shape: Node
    component: URIRef
    severity: URIRef
    path: Node | None
    messages: tuple[Literal, ...]
    pattern: str
    binds_value: bool
    node_shape: Node | None = None
    source_constraint: Node | None = None
    sparql_messages: tuple[Literal, ...] = ()


@dataclass(frozen=True)
class Target:
    """What a shape targets: classes (with their subclasses), nodes, subjects or objects of."""

    classes: tuple[URIRef, ...] = ()
    nodes: tuple[Node, ...] = ()
    subjects_of: tuple[URIRef, ...] = ()
    objects_of: tuple[URIRef, ...] = ()


@dataclass
class CompiledShapes:
    """The checks of every targeted shape, grouped by target."""

    groups: list[tuple[Target, list[Check]]] = field(default_factory=list)
    classes: set[URIRef] = field(default_factory=set)


class _Fresh:
    def __init__(self) -> None:
        self._counter = itertools.count()

    def __call__(self, stem: str = "v") -> str:
        return f"?_{stem}{next(self._counter)}"


class ShapeCompiler:
    """Turns a shapes graph into :class:`CompiledShapes`."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self.fresh = _Fresh()
        self.classes: set[URIRef] = set()

    # -- reading shapes ---------------------------------------------------------------------

    def _list(self, node: Node) -> list[Node]:
        return list(Collection(self.shapes, node))

    def _one(self, shape: Node, predicate: URIRef) -> Node | None:
        values = list(self.shapes.objects(shape, predicate))
        if len(values) > 1:
            raise UnsupportedShape(f"{shape} has {len(values)} values of {predicate}")
        return values[0] if values else None

    def _int(self, shape: Node, predicate: URIRef) -> int | None:
        value = self._one(shape, predicate)
        return None if value is None else int(value)  # type: ignore[call-overload]

    def _check_known(self, shape: Node) -> None:
        for predicate in set(self.shapes.predicates(shape)):
            if str(predicate).startswith(str(SH)) and predicate not in KNOWN:
                raise UnsupportedShape(f"{shape} uses {predicate}")

    def path_text(self, path: Node) -> str:
        """A SHACL path as a SPARQL property path."""
        if isinstance(path, URIRef):
            return f"<{path}>"
        if (path, RDF.first, None) in self.shapes:
            return "(" + "/".join(self.path_text(p) for p in self._list(path)) + ")"
        for predicate, template in (
            (SH.inversePath, "^{}"),
            (SH.zeroOrMorePath, "{}*"),
            (SH.oneOrMorePath, "{}+"),
            (SH.zeroOrOnePath, "{}?"),
        ):
            inner = self.shapes.value(path, predicate)
            if inner is not None:
                return "(" + template.format(self.path_text(inner)) + ")"
        alternatives = self.shapes.value(path, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path_text(p) for p in self._list(alternatives)) + ")"
        raise UnsupportedShape(f"path {path}")

    def _classes_slot(self, cls: Node) -> str:
        if not isinstance(cls, URIRef):
            raise UnsupportedShape(f"sh:class {cls}")
        self.classes.add(cls)
        return f"%%CLASSES <{cls}>%%"

    # -- value and focus patterns -----------------------------------------------------------

    def _values(self, f: str, path: str | None, v: str) -> str:
        """Binds ``v`` to each value node of ``f`` (the node itself for a node shape)."""
        return f"{f} {path} {v} ." if path is not None else f"BIND({f} AS {v})"

    def _distinct(self, names: list[str]) -> str:
        pairs = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(names, 2)]
        return f"FILTER({' && '.join(pairs)})" if pairs else ""

    def _at_least(self, f: str, path: str | None, n: int, condition: str = "") -> str:
        """A pattern matching when ``f`` has at least n distinct values (meeting condition)."""
        names = [self.fresh() for _ in range(n)]
        if path is None:
            names = names[:1]
        parts = [self._values(f, path, name) for name in names]
        if condition:
            parts += [f"FILTER({condition.replace(QUALIFIED_VALUE, name)})" for name in names]
        return " ".join(parts) + " " + self._distinct(names)

    def _value_test(
        self, component: URIRef, f: str, path: str | None, bad: str
    ) -> tuple[URIRef, str, str]:
        """A check that a value node fails: ``bad`` is the SPARQL condition, with ``VALUE``
        standing for the value node's variable."""
        v = self.fresh()
        return component, f"{self._values(f, path, v)} FILTER({bad.replace(VALUE, v)})", v

    # -- constraints ------------------------------------------------------------------------

    def violations(
        self, shape: Node, f: str, path: str | None
    ) -> Iterator[tuple[URIRef, str, str | None]]:
        """(component, pattern, value variable or None) for each constraint of ``shape``."""
        self._check_known(shape)
        min_count = self._int(shape, SH.minCount)
        if min_count is not None and min_count > 0:
            if min_count > 3:
                raise UnsupportedShape(f"sh:minCount {min_count}")
            yield (
                SH.MinCountConstraintComponent,
                f"FILTER NOT EXISTS {{ {self._at_least(f, path, min_count)} }}",
                None,
            )
        max_count = self._int(shape, SH.maxCount)
        if max_count is not None:
            if max_count > 3:
                raise UnsupportedShape(f"sh:maxCount {max_count}")
            yield SH.MaxCountConstraintComponent, self._at_least(f, path, max_count + 1), None
        for cls in self.shapes.objects(shape, SH["class"]):
            v = self.fresh()
            slot = self._classes_slot(cls)
            t = self.fresh("t")
            yield (
                SH.ClassConstraintComponent,
                f"{self._values(f, path, v)} "
                f"FILTER NOT EXISTS {{ {v} a {t} . VALUES {t} {{ {slot} }} }}",
                v,
            )
        datatype = self._one(shape, SH.datatype)
        if datatype is not None:
            yield self._value_test(
                SH.DatatypeConstraintComponent, f, path, f"!({self._datatype_ok(datatype, VALUE)})"
            )
        kind = self._one(shape, SH.nodeKind)
        if kind is not None:
            if not isinstance(kind, URIRef) or kind not in NODE_KINDS:
                raise UnsupportedShape(f"sh:nodeKind {kind}")
            yield self._value_test(
                SH.NodeKindConstraintComponent, f, path, "!" + NODE_KINDS[kind].format(v=VALUE)
            )
        flags = self._one(shape, SH.flags)
        extra = f", {_string(str(flags))}" if flags else ""
        for regex in self.shapes.objects(shape, SH.pattern):
            yield self._value_test(
                SH.PatternConstraintComponent,
                f,
                path,
                f"isBlank({VALUE}) || !REGEX(STR({VALUE}), {_string(str(regex))}{extra})",
            )
        languages = self._one(shape, SH.languageIn)
        if languages is not None:
            yield self._value_test(
                SH.LanguageInConstraintComponent,
                f,
                path,
                f"!({self._language_ok(languages, VALUE)})",
            )
        for value in self.shapes.objects(shape, SH.hasValue):
            # No sh:value in the result: the missing value is the point.
            if path is None:
                pattern = f"FILTER(!sameTerm({f}, {term(value)}))"
            else:
                pattern = f"FILTER NOT EXISTS {{ {f} {path} {term(value)} }}"
            yield SH.HasValueConstraintComponent, pattern, None
        members = self._one(shape, SH["in"])
        if members is not None:
            allowed = " || ".join(f"sameTerm({VALUE}, {term(m)})" for m in self._list(members))
            yield self._value_test(SH.InConstraintComponent, f, path, f"!({allowed or 'false'})")
        unique = self._one(shape, SH.uniqueLang)
        if _true(unique) and path is not None:
            a, b = self.fresh(), self.fresh()
            yield (
                SH.UniqueLangConstraintComponent,
                f'{f} {path} {a} . {f} {path} {b} . FILTER(!sameTerm({a}, {b}) && LANG({a}) != "" '
                f"&& LCASE(LANG({a})) = LCASE(LANG({b}))) BIND(LCASE(LANG({a})) AS ?_lang)",
                None,
            )
        for predicate, component, op in (
            (SH.lessThanOrEquals, SH.LessThanOrEqualsConstraintComponent, "<="),
            (SH.lessThan, SH.LessThanConstraintComponent, "<"),
        ):
            for other in self.shapes.objects(shape, predicate):
                v, w = self.fresh(), self.fresh()
                yield (
                    component,
                    f"{self._values(f, path, v)} {f} {term(other)} {w} . "
                    f"FILTER(!COALESCE({v} {op} {w}, false))",
                    v,
                )
        for other in self.shapes.objects(shape, SH.equals):
            v = self.fresh()
            yield (
                SH.EqualsConstraintComponent,
                f"{{ {self._values(f, path, v)} "
                f"FILTER NOT EXISTS {{ {f} {term(other)} {v} }} }} UNION "
                f"{{ {f} {term(other)} {v} . FILTER NOT EXISTS {{ {self._values(f, path, v)} }} }}",
                v,
            )
        for other in self.shapes.objects(shape, SH.disjoint):
            v = self.fresh()
            yield (
                SH.DisjointConstraintComponent,
                f"{self._values(f, path, v)} {f} {term(other)} {v} .",
                v,
            )
        for node in self.shapes.objects(shape, SH.node):
            yield self._value_test(
                SH.NodeConstraintComponent, f, path, "!" + self.conforms(node, VALUE)
            )
        for node in self.shapes.objects(shape, SH["not"]):
            yield self._value_test(SH.NotConstraintComponent, f, path, self.conforms(node, VALUE))
        for lists, component, joiner, empty in (
            (self.shapes.objects(shape, SH["or"]), SH.OrConstraintComponent, " || ", "false"),
            (self.shapes.objects(shape, SH["and"]), SH.AndConstraintComponent, " && ", "true"),
        ):
            for listed in lists:
                tests = joiner.join(self.conforms(m, VALUE) for m in self._list(listed))
                yield self._value_test(component, f, path, f"!({tests or empty})")
        qualified = self._one(shape, SH.qualifiedValueShape)
        if qualified is not None:
            if path is None:
                raise UnsupportedShape("sh:qualifiedValueShape on a node shape")
            low = self._int(shape, SH.qualifiedMinCount)
            high = self._int(shape, SH.qualifiedMaxCount)
            condition = self.conforms(qualified, QUALIFIED_VALUE)
            if low:
                if low > 3:
                    raise UnsupportedShape(f"sh:qualifiedMinCount {low}")
                yield (
                    SH.QualifiedMinCountConstraintComponent,
                    f"FILTER NOT EXISTS {{ {self._at_least(f, path, low, condition)} }}",
                    None,
                )
            if high is not None:
                if high > 2:
                    raise UnsupportedShape(f"sh:qualifiedMaxCount {high}")
                yield (
                    SH.QualifiedMaxCountConstraintComponent,
                    self._at_least(f, path, high + 1, condition),
                    None,
                )

    def _datatype_ok(self, datatype: Node, v: str) -> str:
        if datatype == RDF.langString:
            return f'isLiteral({v}) && LANG({v}) != ""'
        check = f"isLiteral({v}) && DATATYPE({v}) = {term(datatype)}"
        if datatype in CASTABLE:
            check += f" && COALESCE(isLiteral({term(datatype)}(STR({v}))), false)"
        return check

    def _language_ok(self, languages: Node, v: str) -> str:
        wanted = [str(x).lower() for x in self._list(languages)]
        if "*" in wanted:
            return f'isLiteral({v}) && LANG({v}) != ""'
        tests = []
        for lang in wanted:
            tests.append(f"LCASE(LANG({v})) = {_string(lang)}")
            tests.append(f'LCASE(STRBEFORE(LANG({v}), "-")) = {_string(lang)}')
        return f"isLiteral({v}) && ({' || '.join(tests) or 'false'})"

    def conforms(self, shape: Node, v: str) -> str:
        """A SPARQL expression true when the node in ``v`` conforms to ``shape``."""
        path_node = self._one(shape, SH.path)
        path = self.path_text(path_node) if path_node is not None else None
        if (shape, SH.sparql, None) in self.shapes:
            raise UnsupportedShape(f"SPARQL constraint in nested shape {shape}")
        tests = [
            f"NOT EXISTS {{ {pattern} }}" for _c, pattern, _v in self.violations(shape, v, path)
        ]
        for prop in self.shapes.objects(shape, SH.property):
            tests.append(self.conforms(prop, v))
        return "(" + (" && ".join(tests) or "true") + ")"

    # -- SHACL-SPARQL -----------------------------------------------------------------------

    def _prefix_block(self, constraint: Node) -> str:
        lines = []
        for ontology in self.shapes.objects(constraint, SH.prefixes):
            for declaration in self.shapes.objects(ontology, SH.declare):
                prefix = self.shapes.value(declaration, SH.prefix)
                namespace = self.shapes.value(declaration, SH.namespace)
                lines.append(f"PREFIX {prefix}: <{namespace}>")
        return "\n".join(lines)

    def sparql_check(self, constraint: Node) -> str:
        """The constraint's SELECT with a ``%%FOCUS%%`` slot at the start of its WHERE block."""
        select = self.shapes.value(constraint, SH.select)
        if select is None:
            raise UnsupportedShape(f"SPARQL constraint {constraint} without sh:select")
        text = str(select)
        if re.search(r"\$(PATH|shapesGraph|currentShape)\b", text):
            raise UnsupportedShape(f"SPARQL constraint {constraint} uses a pre-bound variable")
        if re.search(r"\{\s*SELECT\b", text, re.IGNORECASE):
            raise UnsupportedShape(f"SPARQL constraint {constraint} has a subquery")
        text = re.sub(r"\$this\b", "?this", text)
        where = re.search(r"\bWHERE\s*\{|\{", text, re.IGNORECASE)
        if where is None:
            raise UnsupportedShape(f"SPARQL constraint {constraint}: no WHERE block")
        end = where.end()
        return self._prefix_block(constraint) + "\n" + text[:end] + f" {FOCUS} " + text[end:]

    # -- top level --------------------------------------------------------------------------

    def _target(self, shape: Node) -> Target:
        classes = tuple(
            c for c in self.shapes.objects(shape, SH.targetClass) if isinstance(c, URIRef)
        )
        if (shape, RDF.type, RDFS.Class) in self.shapes:
            raise UnsupportedShape(f"implicit class target on {shape}")
        for cls in classes:
            self.classes.add(cls)
        return Target(
            classes=classes,
            nodes=tuple(self.shapes.objects(shape, SH.targetNode)),
            subjects_of=tuple(
                p for p in self.shapes.objects(shape, SH.targetSubjectsOf) if isinstance(p, URIRef)
            ),
            objects_of=tuple(
                p for p in self.shapes.objects(shape, SH.targetObjectsOf) if isinstance(p, URIRef)
            ),
        )

    def _severity(self, shape: Node) -> URIRef:
        severity = self._one(shape, SH.severity)
        return severity if isinstance(severity, URIRef) else SH.Violation

    def _messages(self, node: Node) -> tuple[Literal, ...]:
        return tuple(m for m in self.shapes.objects(node, SH.message) if isinstance(m, Literal))

    def _deactivated(self, shape: Node) -> bool:
        value = self._one(shape, SH.deactivated)
        return _true(value)

    def shape_checks(self, shape: Node, parent: Node | None) -> list[Check]:
        """The checks of one shape (and of its property shapes) for its own focus nodes."""
        if self._deactivated(shape):
            return []
        path_node = self._one(shape, SH.path)
        path = self.path_text(path_node) if path_node is not None else None
        severity = self._severity(shape)
        messages = self._messages(shape)
        checks = []
        for component, pattern, value in self.violations(shape, "?this", path):
            if value is not None:
                pattern = re.sub(re.escape(value) + r"\b", "?value", pattern)
            checks.append(
                Check(
                    shape=shape,
                    component=component,
                    severity=severity,
                    path=path_node,
                    messages=messages,
                    pattern=pattern,
                    binds_value=value is not None,
                    node_shape=parent if parent is not None else shape,
                )
            )
        for constraint in self.shapes.objects(shape, SH.sparql):
            if self._deactivated(constraint):
                continue
            if path is not None:
                raise UnsupportedShape(f"SPARQL constraint on property shape {shape}")
            checks.append(
                Check(
                    shape=shape,
                    component=SH.SPARQLConstraintComponent,
                    severity=severity,
                    path=None,
                    messages=messages,
                    pattern=self.sparql_check(constraint),
                    binds_value=True,
                    node_shape=shape,
                    source_constraint=constraint,
                    sparql_messages=self._messages(constraint),
                )
            )
        if parent is None:
            for prop in self.shapes.objects(shape, SH.property):
                checks.extend(self.shape_checks(prop, shape))
        return checks

    def compile(self) -> CompiledShapes:
        """Compile every shape that has targets."""
        compiled = CompiledShapes()
        targeted = set()
        for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            targeted |= set(self.shapes.subjects(predicate, None))
        for shape in sorted(targeted, key=str):
            if (shape, SH.path, None) in self.shapes:
                raise UnsupportedShape(f"targets on property shape {shape}")
            target = self._target(shape)
            compiled.groups.append((target, self.shape_checks(shape, None)))
        compiled.classes = set(self.classes)
        return compiled


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """Compile ``shapes``; raises :class:`UnsupportedShape` if any shape cannot be compiled."""
    return ShapeCompiler(shapes).compile()
