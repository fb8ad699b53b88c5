"""Incremental validation (citypact.validation.incremental) gives the verdict and results of
full validation.

For every submission of a suite (each file in tests/data/valid and tests/data/invalid, and the
changes to EXISTING nodes in tests/data/submissions/existing), ``validate_addition`` on an
in-memory store holding the bundled graph is compared with validating the whole bundled graph
plus the submission:

* the verdicts are equal;
* every result of the full validation that validating the bundled graph alone does not give
  appears among the incremental results;
* every incremental result appears among the full results.

Results are compared as (focus node, node shape, path, severity). Retractions are compared the
same way with ``validate_removal``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from citypact import rdf_io
from citypact.curation.submissions import skolemize
from citypact.store.backends import ensure_bundled_data
from citypact.store.embedded import EmbeddedStore
from citypact.store.port import graph_iri
from citypact.validation.incremental import IncrementalValidator
from citypact.validation.validator import ValidationReport, Validator

from .conftest import TEST_DATA

SUBMISSIONS = TEST_DATA / "submissions"
CASES = (
    sorted((TEST_DATA / "valid").glob("*.ttl"))
    + sorted((TEST_DATA / "invalid").glob("*.ttl"))
    + sorted((SUBMISSIONS / "existing").glob("*.ttl"))
)

Key = tuple[Node, Node | None, object, str]
Expected = tuple[str, str, str]  # focus, node shape, path ("-" for none)


# --- helpers -------------------------------------------------------------------------------


def read(path: Path) -> Graph:
    """A submission file as the service sees it (blank nodes skolemized)."""
    return skolemize(rdf_io.quads_to_graph(rdf_io.read_file(path)))


def union(*graphs: Graph) -> Graph:
    out = Graph()
    for graph in graphs:
        for triple in graph:
            out.add(triple)
    return out


def _path_key(report: ValidationReport, path: Node | None) -> object:
    """Paths that are blank nodes (``[ sh:inversePath p ]``) differ between reports: compare
    their structure instead."""
    if not isinstance(path, BNode):
        return path
    return tuple(sorted((str(p), str(o)) for p, o in report.graph.predicate_objects(path)))


def keys(report: ValidationReport) -> set[Key]:
    return {
        (r.focus_node, r.node_shape, _path_key(report, r.path), r.severity) for r in report.results
    }


def expectations(path: Path) -> tuple[bool, list[Expected], list[Expected]]:
    """The verdict a fixture expects, the results it must give and those it must not.

    tests/data/valid and tests/data/invalid use ``# expect-focus/shape/path`` headers (one
    violation); tests/data/submissions use ``# expect-conforms: true|false`` and any number of
    ``# expect: focus shape path`` (and ``# expect-not: ...``) lines.
    """
    text = path.read_text(encoding="utf-8")
    single = dict(re.findall(r"^# expect-(focus|shape|path): (\S+)$", text, flags=re.M))
    if path.parent.name == "valid":
        return True, [], []
    if path.parent.name == "invalid":
        return False, [(single["focus"], single["shape"], single["path"])], []
    verdict = re.search(r"^# expect-conforms: (true|false)$", text, flags=re.M)
    assert verdict, f"{path} lacks an expect-conforms header"
    return verdict.group(1) == "true", expect_lines(path), expect_lines(path, "expect-not")


def expect_lines(path: Path, key: str = "expect") -> list[Expected]:
    """The ``# expect: focus shape path`` lines of a submission file."""
    text = path.read_text(encoding="utf-8")
    found = re.findall(rf"^# {key}: (\S+) (\S+) (\S+)$", text, flags=re.M)
    return [(focus, shape, path) for focus, shape, path in found]


def hits(report: ValidationReport, expected: Expected) -> bool:
    focus, shape, path = expected
    return any(
        str(r.focus_node) == focus
        and str(r.node_shape) == shape
        and (path == "-" or str(r.path) == path)
        and r.severity == "Violation"
        for r in report.results
    )


def describe(found: Iterable[Key]) -> str:
    return "\n".join(sorted(f"  {f} {s} {p} {sev}" for f, s, p, sev in found))


def assert_equivalent(incremental: ValidationReport, full: ValidationReport, before: set[Key]):  # type: ignore[no-untyped-def]
    """The comparison rules of this module (see the module docstring)."""
    assert incremental.conforms() == full.conforms(), (
        f"verdicts differ: incremental {incremental.conforms()}, full {full.conforms()}\n"
        + describe(keys(full) - before)
    )
    part, whole = keys(incremental), keys(full)
    missing = (whole - before) - part
    assert not missing, "new results of full validation missed incrementally:\n" + describe(missing)
    extra = part - whole
    assert not extra, "incremental results that full validation does not give:\n" + describe(extra)


# --- fixtures ------------------------------------------------------------------------------


def bundled_store() -> EmbeddedStore:
    store = EmbeddedStore()
    ensure_bundled_data(store)
    return store


@pytest.fixture(scope="module")
def incremental(validator: Validator) -> IncrementalValidator:
    """Incremental validation over an in-memory store holding the bundled graph."""
    return IncrementalValidator(bundled_store(), validator)


@pytest.fixture(scope="module")
def baseline(validator: Validator, bundled_graph: Graph) -> set[Key]:
    """The results of validating the bundled graph alone (its warnings)."""
    return keys(validator.validate(bundled_graph))


# --- additions -----------------------------------------------------------------------------


def test_the_suite_covers_every_fixture_and_the_existing_node_cases() -> None:
    names = {p.stem for p in CASES}
    assert len(CASES) >= 2 + 20 + 7
    assert {
        "partnership-third-partner",
        "agreement-party-is-a-person",
        "tenure-new-ends-before-start",
        "tenure-existing-ends-before-start",
        "tenure-ends-before-signing",
        "agreement-second-date",
        "commitment-duplicate-sector",
    } <= names


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_addition_matches_full_validation(
    path: Path,
    validator: Validator,
    incremental: IncrementalValidator,
    bundled_graph: Graph,
    baseline: set[Key],
) -> None:
    additions = read(path)
    conforms, must, must_not = expectations(path)

    full = validator.validate(union(bundled_graph, additions))
    part = incremental.validate_addition(additions)

    assert full.conforms() is conforms, f"the fixture's expected verdict is wrong: {path}"
    assert_equivalent(part, full, baseline)
    for expected in must:
        assert hits(part, expected), f"no violation {expected}:\n{describe(keys(part))}"
    for expected in must_not:
        assert not hits(part, expected), f"unexpected violation {expected}"
        assert not hits(full, expected), f"unexpected violation {expected} (full)"


def test_incremental_validation_leaves_the_store_alone(incremental: IncrementalValidator) -> None:
    store = incremental.store
    before = store.triple_count()
    incremental.validate_addition(read(TEST_DATA / "valid" / "new-agreement.ttl"))
    assert store.triple_count() == before


def test_restricted_report_graph_matches_its_results(incremental: IncrementalValidator) -> None:
    """The sh:ValidationReport handed to clients holds exactly the kept results."""
    path = SUBMISSIONS / "existing" / "commitment-duplicate-sector.ttl"
    report = incremental.validate_addition(read(path))
    graph = report.graph
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(node, SH.conforms).toPython() is report.conforms() is False
    results = set(graph.objects(node, SH.result))
    assert len(results) == len(report.results) > 0
    assert {graph.value(r, SH.focusNode) for r in results} == {r.focus_node for r in report.results}
    # Nothing about nodes that were only read for context (their results are dropped).
    assert set(graph.subjects(RDF.type, SH.ValidationResult)) == results


def test_pyshacl_focus_mode_misses_qualified_value_shapes(validator: Validator) -> None:
    """Why incremental.py validates the assembled data in full and filters by focus node.

    pySHACL's focus-node mode also filters the value nodes of nested shapes, so a label only in
    Malay passes LabelShape's qualified minimum. If this starts failing, pySHACL has fixed it.
    """
    path = TEST_DATA / "invalid" / "entity-without-english-or-indonesian-label.ttl"
    data = read(path)
    town = URIRef("https://w3id.org/citypact/id/city/test-malay-only")
    label_shape = URIRef("https://w3id.org/citypact/shapes#LabelShape")
    pyshacl_validator = Validator(validator.shapes, validator.ontology, "pyshacl")
    whole = pyshacl_validator.validate(data)
    focused = pyshacl_validator.validate(data, [town])
    assert any(r.node_shape == label_shape for r in whole.violations)
    assert not any(r.node_shape == label_shape for r in focused.violations)


def test_sparql_engine_focus_mode_keeps_qualified_value_shapes(validator: Validator) -> None:
    """The SPARQL engine restricts focus nodes only: the Malay-only label is still caught."""
    assert validator.engine == "sparql"
    data = read(TEST_DATA / "invalid" / "entity-without-english-or-indonesian-label.ttl")
    town = URIRef("https://w3id.org/citypact/id/city/test-malay-only")
    label_shape = URIRef("https://w3id.org/citypact/shapes#LabelShape")
    focused = validator.validate(data, [town])
    assert {r.focus_node for r in focused.results} == {town}
    assert any(r.node_shape == label_shape for r in focused.violations)


# --- retractions ---------------------------------------------------------------------------


def _store_as_graph(store: EmbeddedStore, graph: Graph, name: str) -> str:
    iri = graph_iri(f"submission/{name}")
    store.add_quads(rdf_io.graph_to_quads(graph, ox.NamedNode(iri)))
    return iri


def test_retractions_match_full_validation(validator: Validator, bundled_graph: Graph) -> None:
    """A adds a local government and its town; B an agreement with that government as party.

    Retracting A while B stays breaks B's agreement (its party is no longer a
    cp:LocalGovernment); retracting B while A stays breaks nothing.
    """
    a = read(SUBMISSIONS / "retraction-a-government.ttl")
    b = read(SUBMISSIONS / "retraction-b-agreement.ttl")
    store = bundled_store()
    graph_a = _store_as_graph(store, a, "20250101T000000-aaaaaaaa")
    graph_b = _store_as_graph(store, b, "20250101T000000-bbbbbbbb")
    incremental = IncrementalValidator(store, validator)
    before = keys(validator.validate(union(bundled_graph, a, b)))
    assert validator.validate(union(bundled_graph, a, b)).conforms()

    without_a = incremental.validate_removal(a, [g for g in store.graphs() if g != graph_a])
    full = validator.validate(union(bundled_graph, b))
    assert not full.conforms()
    assert_equivalent(without_a, full, before)
    (expected,) = expect_lines(SUBMISSIONS / "retraction-b-agreement.ttl")
    assert hits(without_a, expected)

    without_b = incremental.validate_removal(b, [g for g in store.graphs() if g != graph_b])
    full = validator.validate(union(bundled_graph, a))
    assert full.conforms()
    assert_equivalent(without_b, full, before)
    assert store.has_graph(graph_a) and store.has_graph(graph_b)


@pytest.mark.parametrize(
    "path",
    [
        TEST_DATA / "invalid" / "signature-post-not-held-on-date.ttl",
        *sorted(SUBMISSIONS.glob("existing/*.ttl"))[:2],
    ],
    ids=lambda p: p.stem,
)
def test_both_engines_agree_incrementally(
    incremental: IncrementalValidator, validator: Validator, path: Path
) -> None:
    """The pySHACL path of incremental validation (whole neighbourhood, then restricted) and
    the SPARQL engine's (focus nodes only) give the same results."""
    reference = IncrementalValidator(
        incremental.store, Validator(validator.shapes, validator.ontology, "pyshacl")
    )
    change = read(path)
    assert keys(incremental.validate_addition(change)) == keys(reference.validate_addition(change))


def test_naming_a_signatory_does_not_fan_out_to_their_other_signatures(
    incremental: IncrementalValidator,
) -> None:
    """A new signature by Pramono Anung makes neither his earlier signatures nor their
    agreements focus nodes (nothing about them changes), while a change to his tenure does."""
    person = URIRef("https://w3id.org/citypact/id/person/pramono-anung")
    earlier = {
        URIRef(row["s"].value)
        for row in incremental.store.select(
            f"SELECT ?s WHERE {{ ?s <https://w3id.org/citypact/ontology#signatory> <{person}> }}"
        ).rows
    }
    assert len(earlier) >= 2
    signature = URIRef("https://w3id.org/citypact/id/signature/test-new-signature")
    change = Graph()
    change.add((signature, URIRef("https://w3id.org/citypact/ontology#signatory"), person))
    assert not incremental.focus_nodes(change) & earlier
    tenure_change = read(SUBMISSIONS / "existing" / "tenure-ends-before-signing.ttl")
    assert earlier <= incremental.focus_nodes(tenure_change)
