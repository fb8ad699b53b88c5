"""Every named query parses, states its question, and answers right on the bundled data."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from citypact.store.embedded import EmbeddedStore
from citypact.store.queries import QueryError, QueryRegistry, load_query

ID = "https://w3id.org/citypact/id/"
LOI = URIRef(ID + "agreement/jakarta-kuala-lumpur-loi-2025-08-11")
JAKARTA = URIRef(ID + "city/jakarta")


@pytest.fixture(scope="module")
def store(bundled_store: ox.Store) -> EmbeddedStore:
    return EmbeddedStore.wrap(bundled_store, read_only=True)


def rows(store: EmbeddedStore, registry: QueryRegistry, name: str, **bindings) -> list[dict]:  # type: ignore[no-untyped-def]
    result = store.select(registry[name].bind(**bindings))
    return [{k: v.value for k, v in row.items()} for row in result.rows]


def test_registry_loads_every_file(registry: QueryRegistry) -> None:
    from citypact.resources import query_dir

    assert len(registry) == len(list(query_dir().glob("*.rq"))) >= 8
    for query in registry:
        assert query.question.endswith("?") or "?" in query.question, query.name
        assert query.columns


def test_a_query_without_a_question_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.rq"
    path.write_text("SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError, match="question"):
        load_query(path)


def test_a_query_that_does_not_parse_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.rq"
    path.write_text("# Question: what?\n# Columns: s\nSELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryError, match="parse"):
        load_query(path)


def test_binding_refuses_injection(registry: QueryRegistry) -> None:
    query = registry["partners_by_sector"]
    with pytest.raises(QueryError):
        query.bind(city=URIRef("http://x> } ; DROP ALL #"))
    with pytest.raises(QueryError):
        query.bind(city="<http://x>")  # type: ignore[arg-type]
    with pytest.raises(QueryError):
        query.bind(nope=JAKARTA)
    with pytest.raises(QueryError):
        query.bind()
    text = query.bind(city=JAKARTA, sector=Literal('x" } DROP ALL { "'))
    assert 'DROP ALL { \\"' in text or "DROP ALL" not in text.split("VALUES ?sector")[0]


def test_partners_on_flood_management(store, registry) -> None:  # type: ignore[no-untyped-def]
    found = rows(
        store,
        registry,
        "partners_by_sector",
        city=JAKARTA,
        sector=URIRef(ID + "sector/flood-management"),
    )
    assert {r["partner"] for r in found} == {ID + "city/kuala-lumpur"}
    assert {r["agreement"] for r in found} == {str(LOI)}
    assert found[0]["partnerLabel"] == "Kuala Lumpur"


def test_sectors_of_the_letter_with_sources(store, registry) -> None:  # type: ignore[no-untyped-def]
    found = rows(store, registry, "agreement_sectors", agreement=LOI)
    sectors = {r["sector"].rsplit("/", 1)[1] for r in found}
    assert sectors == {
        "health-wellbeing",
        "flood-management",
        "green-buildings",
        "energy-decarbonisation",
        "sustainable-transport",
        "waste-management",
        "culture-tourism",
    }
    dbkl = ID + "government/kuala-lumpur-city-hall"
    by_sector: dict[str, set] = {}
    for r in found:
        by_sector.setdefault(r["sector"].rsplit("/", 1)[1], set()).add(r.get("accountOf"))
    assert dbkl in by_sector["flood-management"]
    assert dbkl not in by_sector["green-buildings"]
    assert ID + "government/dki-jakarta" in by_sector["green-buildings"]


def test_signatories_of_the_letter(store, registry) -> None:  # type: ignore[no-untyped-def]
    found = {
        r["signatory"]: r for r in rows(store, registry, "agreement_signatories", agreement=LOI)
    }
    pramono = found[ID + "person/pramono-anung"]
    assert pramono["post"] == ID + "post/governor-of-jakarta"
    assert pramono["party"] == ID + "government/dki-jakarta"
    maimunah = found[ID + "person/maimunah-mohd-sharif"]
    assert maimunah["post"] == ID + "post/mayor-of-kuala-lumpur"
    assert maimunah["party"] == ID + "government/kuala-lumpur-city-hall"


def test_jakarta_agreements_in_2025(store, registry) -> None:  # type: ignore[no-untyped-def]
    found = rows(
        store,
        registry,
        "city_agreements_by_year",
        city=JAKARTA,
        year=Literal(2025, datatype=XSD.integer),
    )
    assert [r["date"] for r in found] == ["2025-05-27", "2025-08-11"]
    assert [r["partner"].rsplit("/", 1)[1] for r in found] == ["chungcheongnam-do", "kuala-lumpur"]
    assert all("Pramono Anung" in r["signatories"] for r in found)
    assert "Kim Tae-heum" in found[0]["signatories"]
    everything = rows(store, registry, "city_agreements_by_year", city=JAKARTA)
    assert len(everything) > len(found)
    assert [r["date"] for r in everything] == sorted(r["date"] for r in everything)


def test_who_held_a_post_on_a_date(store, registry) -> None:  # type: ignore[no-untyped-def]
    governor = URIRef(ID + "post/governor-of-jakarta")
    on = rows(
        store,
        registry,
        "post_holders_on_date",
        post=governor,
        date=Literal("2025-08-11", datatype=XSD.date),
    )
    assert [r["person"] for r in on] == [ID + "person/pramono-anung"]
    before = rows(
        store,
        registry,
        "post_holders_on_date",
        post=governor,
        date=Literal("2024-06-01", datatype=XSD.date),
    )
    assert ID + "person/pramono-anung" not in {r["person"] for r in before}
    kl = rows(
        store,
        registry,
        "post_holders_on_date",
        place=URIRef(ID + "city/kuala-lumpur"),
        date=Literal("2025-08-11", datatype=XSD.date),
    )
    assert ID + "person/maimunah-mohd-sharif" in {r["person"] for r in kl}


def test_shared_challenges(store, registry) -> None:  # type: ignore[no-untyped-def]
    found = rows(
        store,
        registry,
        "partnership_challenges",
        partnership=URIRef(ID + "partnership/jakarta-kuala-lumpur"),
    )
    challenges = {r["challenge"].rsplit("/", 1)[1] for r in found}
    assert {
        "traffic-congestion",
        "rising-demand-for-public-services",
        "climate-change",
    } <= challenges
    assert {"agreement", "quotation"} <= {r["evidenceKind"] for r in found}


def test_sources_disagree_on_sectors(store, registry) -> None:  # type: ignore[no-untyped-def]
    found = rows(store, registry, "agreement_source_disagreements", agreement=LOI)
    contested = {r["sector"].rsplit("/", 1)[1] for r in found if r["contested"] == "true"}
    agreed = {r["sector"].rsplit("/", 1)[1] for r in found if r["contested"] == "false"}
    assert {"green-buildings", "energy-decarbonisation", "culture-tourism"} <= contested
    assert {"flood-management", "waste-management", "health-wellbeing"} <= agreed
    dbkl_green = [
        r
        for r in found
        if r.get("accountOf") == ID + "government/kuala-lumpur-city-hall"
        and r["sector"].endswith("/green-buildings")
    ]
    assert dbkl_green and all(r["states"] == "false" for r in dbkl_green)


def test_all_partners_with_first_year(store, registry) -> None:  # type: ignore[no-untyped-def]
    found = {
        r["partner"].rsplit("/", 1)[1]: r
        for r in rows(store, registry, "city_partners", city=JAKARTA)
    }
    assert found["kuala-lumpur"]["firstAgreementYear"] == "2025"
    assert found["chungcheongnam-do"]["firstAgreementYear"] == "2025"
    assert found["berlin"]["firstAgreementYear"] == "1993"
    assert found["jeddah"]["startYear"] == "1979"
    assert "firstAgreementYear" not in found["heidelberg"]
    assert len(found) >= 20
