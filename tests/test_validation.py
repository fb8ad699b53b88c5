"""SHACL validation: the bundled data conforms, each invalid fixture fails on its own rule."""

from __future__ import annotations

import re
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, URIRef

from citypact import rdf_io
from citypact.validation.validator import Validator, bundled_data_graph

from .conftest import TEST_DATA

INVALID = sorted((TEST_DATA / "invalid").glob("*.ttl"))
VALID = sorted((TEST_DATA / "valid").glob("*.ttl"))


def expectations(path: Path) -> dict[str, str]:
    """The `# expect-...:` header lines of a fixture."""
    text = path.read_text(encoding="utf-8")
    return dict(re.findall(r"^# expect-(\w+): (\S+)$", text, flags=re.MULTILINE))


def with_fixture(path: Path) -> Graph:
    return bundled_data_graph([rdf_io.quads_to_graph(rdf_io.read_file(path))])


def test_bundled_data_conforms(validator: Validator, bundled_graph: Graph) -> None:
    report = validator.validate(bundled_graph)
    assert report.violations == [], [(str(r.focus_node), r.message()) for r in report.violations]


def test_bundled_data_warnings_are_only_missing_things(
    validator: Validator, bundled_graph: Graph
) -> None:
    report = validator.validate(bundled_graph)
    allowed = ("MinCount", "QualifiedMinCount", "Or")
    for result in report.warnings:
        assert any(a in str(result.constraint) for a in allowed), result


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_fixture_conforms(validator: Validator, path: Path) -> None:
    report = validator.validate(with_fixture(path))
    assert report.violations == [], [(str(r.focus_node), r.message()) for r in report.violations]


def test_warnings_for_missing_coordinates_and_wikidata(validator: Validator) -> None:
    report = validator.validate(with_fixture(TEST_DATA / "valid" / "place-without-coordinates.ttl"))
    town = URIRef("https://w3id.org/citypact/id/city/test-town")
    paths = {str(r.path) for r in report.warnings if r.focus_node == town}
    assert "http://www.opengis.net/ont/geosparql#hasGeometry" in paths
    assert "https://w3id.org/citypact/ontology#wikidataItem" in paths
    assert report.conforms() and not report.conforms(strict=True)


def test_every_shape_has_an_invalid_fixture(validator: Validator) -> None:
    from rdflib.namespace import SH

    targeted = {str(s) for s in validator.shapes.subjects(SH.targetClass, None)}
    # Shapes whose only constraints are warnings, or that guard ontology-owned vocabularies.
    exempt = {"SubnationalPlaceShape", "SectorShape", "EventShape"}
    covered = {expectations(p)["shape"] for p in INVALID}
    missing = {s for s in targeted if s not in covered and s.rsplit("#", 1)[1] not in exempt}
    assert not missing
    assert len(INVALID) >= 20


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_fails_on_its_rule(validator: Validator, path: Path) -> None:
    expected = expectations(path)
    report = validator.validate(with_fixture(path))
    focus = URIRef(expected["focus"])
    hits = [
        r
        for r in report.violations
        if r.focus_node == focus and str(r.node_shape) == expected["shape"]
    ]
    assert hits, f"no violation on {focus} by {expected['shape']}: " + "; ".join(
        f"{r.focus_node} {r.node_shape} {r.path}" for r in report.violations
    )
    if expected["path"] != "-":
        assert expected["path"] in {str(r.path) for r in hits}
    for hit in hits:
        assert hit.message("en") and hit.message("id") != hit.message("en")


def test_rdfs_inference_would_hide_a_person_as_party(validator: Validator) -> None:
    """Why validation runs without inference: pySHACL's rdfs mode loses this violation."""
    path = TEST_DATA / "invalid" / "agreement-party-is-a-person.ttl"
    data = with_fixture(path)
    for triple in validator.ontology:
        data.add(triple)
    ours = validator.validate(data, include_ontology=False)
    focus = URIRef(expectations(path)["focus"])
    assert any(r.focus_node == focus for r in ours.violations)
    _conforms, report_graph, _ = pyshacl.validate(
        data, shacl_graph=validator.shapes, inference="rdfs", advanced=True, allow_warnings=True
    )
    from citypact.validation.validator import _results_from_graph

    with_rdfs = _results_from_graph(report_graph, validator.shapes)  # type: ignore[arg-type]
    party = "https://w3id.org/citypact/ontology#party"
    assert not any(
        r.focus_node == focus and str(r.path) == party and r.severity == "Violation"
        for r in with_rdfs
    ), "RDFS inference no longer hides the error: the comment in validation.py is stale"


def test_messages_in_english_and_indonesian(validator: Validator) -> None:
    from rdflib.namespace import SH

    for shape in validator.shapes.subjects(SH.message, None):
        langs = {m.language for m in validator.shapes.objects(shape, SH.message)}
        assert {"en", "id"} <= langs, shape


def test_focus_node_validation_matches_full_validation(validator: Validator) -> None:
    """Focus-node mode gives the same results for the fixture's own nodes."""
    path = TEST_DATA / "invalid" / "signature-post-not-held-on-date.ttl"
    data = with_fixture(path)
    focus = URIRef(expectations(path)["focus"])
    full = {
        (r.focus_node, r.node_shape)
        for r in validator.validate(data).results
        if r.focus_node == focus
    }
    partial = {(r.focus_node, r.node_shape) for r in validator.validate(data, [focus]).results}
    assert full == partial and full
