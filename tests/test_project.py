"""Checks of the project as code: files parse, terms are declared, settings are documented."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from citypact import rdf_io, resources
from citypact.namespaces import CP
from citypact.settings import Settings

from .conftest import ROOT

TURTLE = sorted(
    [*ROOT.glob("ontology/*.ttl"), *ROOT.glob("shapes/*.ttl"), *ROOT.glob("data/ttl/*.ttl")]
)
CP_TERM = re.compile(r"(?:<https://w3id\.org/citypact/ontology#|\bcp:)([A-Za-z_][\w-]*)")


@pytest.mark.parametrize("path", TURTLE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_turtle_file_parses(path) -> None:  # type: ignore[no-untyped-def]
    assert rdf_io.read_file(path)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return rdf_io.load_files(resources.ontology_files())


def declared_terms(ontology: Graph) -> set[str]:
    return {
        str(s)[len(str(CP)) :]
        for s in ontology.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(str(CP))
    }


def test_ontology_header(ontology: Graph) -> None:
    header = URIRef("https://w3id.org/citypact/ontology")
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionIRI) is not None
    license_ = str(ontology.value(header, URIRef("http://purl.org/dc/terms/license")))
    assert "creativecommons.org/licenses/by/4.0" in license_


def test_every_class_and_property_is_documented(ontology: Graph) -> None:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    terms = {s for k in kinds for s in ontology.subjects(RDF.type, k) if str(s).startswith(str(CP))}
    assert len(terms) > 40
    for term in terms:
        langs = {lbl.language for lbl in ontology.objects(term, RDFS.label)}
        assert {"en", "id"} <= langs, term
        assert ontology.value(term, RDFS.comment) is not None, term
        assert ontology.value(term, RDFS.isDefinedBy) is not None, term


@pytest.mark.parametrize(
    "folder", ["data/ttl", "shapes", "queries", "ontology"], ids=lambda f: f.replace("/", "-")
)
def test_every_cp_term_used_is_declared(ontology: Graph, folder: str) -> None:
    declared = declared_terms(ontology)
    used: dict[str, str] = {}
    for path in sorted((ROOT / folder).rglob("*")):
        if path.suffix not in (".ttl", ".rq"):
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ttl":
            # Only real terms: parse and look at IRIs, so comments and literals don't count.
            graph = rdf_io.quads_to_graph(rdf_io.read_file(path))
            iris = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
            names = {i[len(str(CP)) :] for i in iris if i.startswith(str(CP))}
        else:
            body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
            names = set(CP_TERM.findall(body))
        for name in names:
            used.setdefault(name, path.name)
    missing = {name: where for name, where in used.items() if name not in declared}
    assert not missing, f"undeclared cp: terms: {missing}"


def test_sector_scheme_has_the_seven_jakarta_kuala_lumpur_areas(ontology: Graph) -> None:
    scheme = URIRef("https://w3id.org/citypact/id/sector")
    notations = {
        str(ontology.value(s, SKOS.notation)) for s in ontology.subjects(SKOS.inScheme, scheme)
    }
    for slug in (
        "health-wellbeing",
        "flood-management",
        "green-buildings",
        "energy-decarbonisation",
        "sustainable-transport",
        "waste-management",
        "culture-tourism",
    ):
        assert slug in notations
    for sector in ontology.subjects(SKOS.inScheme, scheme):
        langs = {lbl.language for lbl in ontology.objects(sector, SKOS.prefLabel)}
        assert {"en", "id", "ms"} <= langs, sector


def test_env_example_and_readme_document_every_setting() -> None:
    names = {f"CITYPACT_{name.upper()}" for name in Settings.model_fields}
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    in_example = set(re.findall(r"^#?\s*(CITYPACT_[A-Z_]+)=", example, flags=re.MULTILINE))
    assert in_example == names
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert names <= set(re.findall(r"CITYPACT_[A-Z_]+", readme))


def test_readme_opens_with_the_two_commands() -> None:
    head = (ROOT / "README.md").read_text(encoding="utf-8")[:800]
    assert "make run" in head and "make test" in head


def test_ci_runs_make_test() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
