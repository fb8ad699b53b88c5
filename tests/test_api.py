"""The REST API under /api, on every backend (embedded, Oxigraph server, Virtuoso)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

ID = "https://w3id.org/citypact/id/"
LOI = "jakarta-kuala-lumpur-loi-2025-08-11"


def test_cities_envelope(api: TestClient) -> None:
    body = api.get("/api/cities").json()
    assert set(body) == {"data", "count"}
    slugs = {c["slug"] for c in body["data"]}
    assert {"jakarta", "kuala-lumpur", "chungcheongnam-do", "heidelberg"} <= slugs
    assert body["count"] >= len(body["data"])


def test_cities_paging(api: TestClient) -> None:
    full = api.get("/api/cities", params={"limit": 1000}).json()
    page = api.get("/api/cities", params={"limit": 2, "offset": 1}).json()
    assert page["count"] == full["count"]
    assert [c["iri"] for c in page["data"]] == [c["iri"] for c in full["data"][1:3]]


def test_city_detail(api: TestClient) -> None:
    city = api.get("/api/cities/jakarta").json()
    assert city["iri"] == ID + "city/jakarta"
    assert city["label"] == "Jakarta"
    assert city["wikidata"] == "http://www.wikidata.org/entity/Q3630"
    assert city["country"]["slug"] == "indonesia"
    assert city["latitude"] == pytest.approx(-6.2, abs=0.05)
    assert city["longitude"] == pytest.approx(106.817, abs=0.05)
    assert "cp:City" in city["kinds"]


def test_region_is_found_by_slug(api: TestClient) -> None:
    region = api.get("/api/cities/chungcheongnam-do").json()
    assert region["iri"] == ID + "region/chungcheongnam-do"
    assert "cp:Province" in region["kinds"]


def test_unknown_city_is_404(api: TestClient) -> None:
    response = api.get("/api/cities/atlantis")
    assert response.status_code == 404
    assert "atlantis" in response.json()["error"]["message"]


@pytest.mark.parametrize("slug", ["Jakarta", "jakarta%3E%20%7D", "a_b", "-x"])
def test_malformed_slug_is_422(api: TestClient, slug: str) -> None:
    response = api.get(f"/api/cities/{slug}")
    assert response.status_code == 422
    assert response.json()["error"]["message"]


def test_partners_on_flood_management(api: TestClient) -> None:
    response = api.get("/api/cities/jakarta/partners", params={"sector": "flood-management"})
    assert response.status_code == 200
    body = response.json()
    assert [p["partner"]["slug"] for p in body["data"]] == ["kuala-lumpur"]
    (partner,) = body["data"]
    assert partner["partner"]["label"] == "Kuala Lumpur"
    (agreement,) = partner["agreements"]
    assert agreement["slug"] == LOI
    assert agreement["date"] == "2025-08-11"
    assert [s["slug"] for s in agreement["sectors"]] == ["flood-management"]


def test_partners_sector_is_symmetric(api: TestClient) -> None:
    body = api.get(
        "/api/cities/kuala-lumpur/partners", params={"sector": "flood-management"}
    ).json()
    assert "jakarta" in [p["partner"]["slug"] for p in body["data"]]


def test_partners_on_trade_is_chungcheongnam_do(api: TestClient) -> None:
    body = api.get("/api/cities/jakarta/partners", params={"sector": "trade"}).json()
    assert [p["partner"]["slug"] for p in body["data"]] == ["chungcheongnam-do"]


def test_all_partners_include_those_without_agreements(api: TestClient) -> None:
    body = api.get("/api/cities/jakarta/partners", params={"limit": 1000}).json()
    slugs = {p["partner"]["slug"] for p in body["data"]}
    assert {"kuala-lumpur", "chungcheongnam-do", "heidelberg", "berlin"} <= slugs
    heidelberg = next(p for p in body["data"] if p["partner"]["slug"] == "heidelberg")
    assert heidelberg["agreements"] == []


def test_unknown_sector_is_404(api: TestClient) -> None:
    response = api.get("/api/cities/jakarta/partners", params={"sector": "underwater-basketry"})
    assert response.status_code == 404
    assert "underwater-basketry" in response.json()["error"]["message"]


def test_partners_of_unknown_city_is_404(api: TestClient) -> None:
    assert api.get("/api/cities/atlantis/partners").status_code == 404


def test_agreements_of_jakarta_in_2025_in_date_order(api: TestClient) -> None:
    body = api.get("/api/agreements", params={"city": "jakarta", "year": 2025}).json()
    dates = [a["date"] for a in body["data"]]
    assert dates == sorted(dates)
    assert dates == ["2025-05-27", "2025-08-11"]
    loi = body["data"][1]
    assert loi["slug"] == LOI
    assert loi["document_type"]["slug"] == "letter-of-intent"
    assert {p["slug"] for p in loi["parties"]} == {"dki-jakarta", "kuala-lumpur-city-hall"}
    assert len(loi["sectors"]) == 7


def test_agreements_filters(api: TestClient) -> None:
    by_type = api.get("/api/agreements", params={"type": "letter-of-intent"}).json()
    assert by_type["count"] >= 2
    assert all(a["document_type"]["iri"].endswith("#LetterOfIntent") for a in by_type["data"])
    by_sector = api.get("/api/agreements", params={"sector": "green-buildings"}).json()
    assert [a["slug"] for a in by_sector["data"]] == [LOI]
    assert api.get("/api/agreements", params={"year": 1850}).json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"year": "twenty"}, 422),
        ({"year": 99999}, 422),
        ({"type": "treaty-of-everything"}, 404),
        ({"sector": "nope-nope"}, 404),
        ({"city": "atlantis"}, 404),
        ({"city": "Jakarta"}, 422),
        ({"limit": 0}, 422),
        ({"offset": -1}, 422),
    ],
)
def test_agreements_bad_parameters(api: TestClient, params: dict, status: int) -> None:
    response = api.get("/api/agreements", params=params)
    assert response.status_code == status
    assert response.json()["error"]["message"]


def test_agreement_detail(api: TestClient) -> None:
    body = api.get(f"/api/agreements/{LOI}").json()
    assert body["date"] == "2025-08-11"
    assert body["signed_in"]["slug"] == "kuala-lumpur"
    people = {s["person"]["slug"]: s for s in body["signatories"]}
    assert set(people) == {"pramono-anung", "maimunah-mohd-sharif"}
    assert people["pramono-anung"]["post"]["slug"] == "governor-of-jakarta"
    assert people["pramono-anung"]["party"]["slug"] == "dki-jakarta"
    assert people["maimunah-mohd-sharif"]["party"]["slug"] == "kuala-lumpur-city-hall"
    sectors = {c["sector"]["slug"]: c for c in body["commitments"]}
    assert len(sectors) == 7
    flood_accounts = {s["account_of"] for s in sectors["flood-management"]["sources"]}
    green_accounts = {s["account_of"] for s in sectors["green-buildings"]["sources"]}
    assert ID + "government/kuala-lumpur-city-hall" in flood_accounts
    assert ID + "government/kuala-lumpur-city-hall" not in green_accounts


def test_unknown_agreement_is_404(api: TestClient) -> None:
    assert api.get("/api/agreements/no-such-agreement").status_code == 404


def test_officials_on_signing_day(api: TestClient) -> None:
    body = api.get("/api/officials", params={"city": "jakarta", "date": "2025-08-11"}).json()
    holders = {(o["person"]["slug"], o["post"]["slug"]) for o in body["data"]}
    assert ("pramono-anung", "governor-of-jakarta") in holders
    kl = api.get("/api/officials", params={"city": "kuala-lumpur", "date": "2025-08-11"}).json()
    assert ("maimunah-mohd-sharif", "mayor-of-kuala-lumpur") in {
        (o["person"]["slug"], o["post"]["slug"]) for o in kl["data"]
    }
    before = api.get("/api/officials", params={"city": "jakarta", "date": "2025-01-01"}).json()
    assert "pramono-anung" not in {o["person"]["slug"] for o in before["data"]}


def test_officials_anywhere_include_posts_outside_local_government(api: TestClient) -> None:
    body = api.get("/api/officials", params={"date": "2020-01-01"}).json()
    holders = {(o["person"]["slug"], o["post"]["slug"]) for o in body["data"]}
    assert ("pramono-anung", "cabinet-secretary-of-indonesia") in holders
    assert len(holders) == body["count"]  # no duplicates


def test_officials_bad_date_is_422(api: TestClient) -> None:
    assert api.get("/api/officials", params={"date": "11/8/2025"}).status_code == 422


def test_sectors(api: TestClient) -> None:
    body = api.get("/api/sectors").json()
    sectors = {s["slug"]: s for s in body["data"]}
    for slug in (
        "health-wellbeing",
        "flood-management",
        "green-buildings",
        "energy-decarbonisation",
        "sustainable-transport",
        "waste-management",
        "culture-tourism",
    ):
        assert slug in sectors
    flood = sectors["flood-management"]
    assert "banjir" in flood["labels"]["id"].lower()
    assert flood["labels"]["ms"]
    assert flood["commitments"] >= 1
    assert any(s.startswith("http://metadata.un.org/sdg/") for s in flood["sdgs"])


def test_json_ld_when_asked(api: TestClient) -> None:
    response = api.get("/api/cities/jakarta", headers={"Accept": "application/ld+json"})
    assert response.headers["content-type"].startswith("application/ld+json")
    graph = Graph().parse(data=response.text, format="json-ld")
    assert (URIRef(ID + "city/jakarta"), RDFS.label, Literal("Jakarta", lang="en")) in graph


def test_unacceptable_type_is_406(api: TestClient) -> None:
    response = api.get("/api/sectors", headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_openapi_lists_the_endpoints(api: TestClient) -> None:
    spec = api.get("/openapi.json").json()
    for path in (
        "/api/cities",
        "/api/cities/{slug}",
        "/api/cities/{slug}/partners",
        "/api/agreements",
        "/api/agreements/{slug}",
        "/api/officials",
        "/api/sectors",
    ):
        assert path in spec["paths"]
    assert api.get("/docs").status_code == 200
