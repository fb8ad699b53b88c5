"""The synthetic data generator (`citypact generate`): conforming, realistic, deterministic."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from citypact import resources
from citypact.cli import main
from citypact.generator import (
    DATASET_IRI,
    SYNTHETIC_NS,
    GeneratorConfig,
    generate,
    sizes_for_triples,
)
from citypact.store.queries import QueryRegistry
from citypact.validation.validator import Validator
from citypact.vocabulary import document_types, sectors

CP = "https://w3id.org/citypact/ontology#"


def text_for(config: GeneratorConfig) -> str:
    out = io.StringIO()
    generate(config, out)
    return out.getvalue()


@pytest.fixture(scope="module")
def medium() -> ox.Store:
    """A few hundred agreements, with the ontology, in an in-memory store."""
    store = ox.Store()
    for path in resources.ontology_files():
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    data = text_for(GeneratorConfig(cities=120, agreements=480, seed=7))
    store.bulk_load(input=data.encode(), format=ox.RdfFormat.TURTLE)
    return store


def values(store: ox.Store, query: str) -> list[dict[str, str]]:
    solutions = store.query(f"PREFIX cp: <{CP}>\n{query}")
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]


def test_small_graph_conforms_to_the_shapes(validator: Validator) -> None:
    graph = Graph()
    graph.parse(data=text_for(GeneratorConfig(cities=10, agreements=40, seed=3)), format="turtle")
    report = validator.validate(graph)
    assert report.violations == [], [r.message() for r in report.violations[:5]]
    # The only warnings are places without a Wikidata item (half of them, by design).
    assert {str(r.path) for r in report.warnings} == {f"{CP}wikidataItem"}


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not() -> None:
    config = GeneratorConfig(cities=20, agreements=80, seed=11)
    assert text_for(config) == text_for(config)
    assert text_for(config) != text_for(GeneratorConfig(cities=20, agreements=80, seed=12))


def test_dataset_node_marks_the_data_synthetic_and_counts_its_triples() -> None:
    graph = Graph()
    graph.parse(data=text_for(GeneratorConfig(cities=8, agreements=30)), format="turtle")
    dataset = URIRef(DATASET_IRI)
    assert graph.value(dataset, URIRef(f"{CP}synthetic")).toPython() is True  # type: ignore[union-attr]
    count = graph.value(dataset, URIRef("http://rdfs.org/ns/void#triples"))
    assert int(count) == len(graph)  # type: ignore[arg-type]
    assert all(str(s).startswith(SYNTHETIC_NS) for s in graph.subjects() if str(s) != DATASET_IRI)


def test_agreements_use_every_document_type_and_one_to_eight_scheme_sectors(
    medium: ox.Store,
) -> None:
    types = {
        row["type"] for row in values(medium, "SELECT DISTINCT ?type { ?a cp:documentType ?type }")
    }
    assert types == {str(iri) for iri in document_types().values()}
    per_agreement = values(
        medium,
        "SELECT ?a (COUNT(?c) AS ?n) (COUNT(DISTINCT ?s) AS ?d) "
        "{ ?c cp:commitmentOf ?a ; cp:sector ?s } GROUP BY ?a",
    )
    counts = [int(row["n"]) for row in per_agreement]
    assert len(per_agreement) == 480
    assert min(counts) == 1
    assert max(counts) == 8
    assert all(row["n"] == row["d"] for row in per_agreement)  # one commitment per sector
    used = {row["s"] for row in values(medium, "SELECT DISTINCT ?s { ?c cp:sector ?s }")}
    assert used <= {str(iri) for iri in sectors().values()}


def test_partnerships_per_place_are_long_tailed(medium: ox.Store) -> None:
    rows = values(medium, "SELECT ?g (COUNT(?p) AS ?n) { ?p cp:partner ?g } GROUP BY ?g")
    degrees = sorted((int(row["n"]) for row in rows), reverse=True)
    median = degrees[len(degrees) // 2]
    assert degrees[0] >= 8 * median  # a few hubs ...
    few = sum(count for degree, count in Counter(degrees).items() if degree <= 2)
    assert few >= len(degrees) // 4  # ... and a long tail of places with one or two partners


def test_every_fact_bearing_entity_cites_a_news_article(medium: ox.Store) -> None:
    rows = values(
        medium,
        """SELECT (COUNT(?x) AS ?n) {
             VALUES ?class { cp:Partnership cp:Agreement cp:Commitment cp:Tenure }
             ?x a ?class .
             FILTER NOT EXISTS { ?x <http://www.w3.org/ns/prov#wasDerivedFrom> ?s .
                                 ?s a cp:NewsArticle ; <http://purl.org/dc/terms/date> ?d ;
                                    <https://schema.org/url> ?u }
           }""",
    )
    assert rows[0]["n"] == "0"


def test_partners_by_sector_answers_for_the_most_partnered_city(medium: ox.Store) -> None:
    top = values(
        medium,
        "SELECT ?city (COUNT(?p) AS ?n) { ?g cp:governs ?city . ?p cp:partner ?g } "
        "GROUP BY ?city ORDER BY DESC(?n) LIMIT 1",
    )[0]["city"]
    sector = values(
        medium,
        f"SELECT ?s (COUNT(*) AS ?n) {{ ?g cp:governs <{top}> . ?p cp:partner ?g . "
        "?a cp:partnership ?p . ?c cp:commitmentOf ?a ; cp:sector ?s } "
        "GROUP BY ?s ORDER BY DESC(?n) LIMIT 1",
    )[0]["s"]
    query = QueryRegistry()["partners_by_sector"].bind(city=URIRef(top), sector=URIRef(sector))
    rows = list(medium.query(query))  # type: ignore[arg-type]
    assert rows, "partners_by_sector found nothing for the most-partnered city"


def test_sizes_for_triples_hits_the_wanted_size() -> None:
    cities, agreements = sizes_for_triples(30_000)
    assert agreements == 4 * cities
    stats = generate(GeneratorConfig(cities=cities, agreements=agreements), io.StringIO())
    assert 0.85 * 30_000 <= stats.triples <= 1.15 * 30_000


def test_cli_generate_writes_the_file_in_the_namespace_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "synthetic.ttl"
    namespace = "https://example.org/bench/"
    code = main(
        [
            "generate",
            "--cities",
            "5",
            "--agreements",
            "12",
            "--seed",
            "2",
            "--namespace",
            namespace,
            str(out),
        ]
    )
    assert code == 0
    assert "triples" in capsys.readouterr().out
    graph = Graph()
    graph.parse(out)
    assert any(str(s).startswith(namespace + "agreement/") for s in graph.subjects())


def test_invalid_sizes_are_refused(tmp_path: Path) -> None:
    assert main(["generate", "--cities", "1", str(tmp_path / "x.ttl")]) == 2
