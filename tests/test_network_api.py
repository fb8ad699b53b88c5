"""The network over HTTP and on the command line (issue 21): /api/network slices as JSON and CSV,
the analyses, their charts and page, /dumps/network, `citypact export network`, and a release
with its checksums, citation and changelog."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
import yaml
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, Namespace, URIRef

from citypact.app import create_app
from citypact.cli import main
from citypact.settings import Settings

from .conftest import TEST_DATA

ID = "https://w3id.org/citypact/id/"
KL = ID + "partnership/jakarta-kuala-lumpur"
DCAT = Namespace("http://www.w3.org/ns/dcat#")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    base = tmp_path_factory.mktemp("network-api")
    settings = Settings(data_dir=base / "store", releases_dir=base / "releases")  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_the_slice_of_the_issue_on_every_backend(api: TestClient) -> None:
    """/api/network/edges?country=ID&sector=flood-management&year=2025, on every store."""
    answer = api.get("/api/network/edges?country=ID&sector=flood-management&year=2025")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["count"] == 1 and body["data"][0]["partnership"] == KL
    whole = api.get("/api/network/edges").json()
    assert whole["count"] == 33


def test_csv_by_accept_reads_in_pandas(client: TestClient) -> None:
    answer = client.get("/api/network/edges?country=ID", headers={"Accept": "text/csv"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    frame = pd.read_csv(io.StringIO(answer.text), dtype=str, keep_default_na=False)
    assert len(frame) == client.get("/api/network/edges?country=ID").json()["count"] == 26
    assert ((frame["place_a_country"] == "ID") | (frame["place_b_country"] == "ID")).all()
    edges = client.get("/api/network/edges?format=csv&region=EU").text
    nodes = client.get("/api/network/nodes?format=csv&region=EU").text
    ends = set()
    for row in csv.DictReader(io.StringIO(edges)):
        assert "EU" in (row["place_a_region"], row["place_b_region"])
        ends |= {row["place_a"], row["place_b"]}
    assert ends and {row["node"] for row in csv.DictReader(io.StringIO(nodes))} == ends


def test_paging_and_panel(client: TestClient) -> None:
    page = client.get("/api/network/edges?limit=5&offset=30").json()
    assert page["count"] == 33 and len(page["data"]) == 3
    panel = client.get("/api/network/panel?year_from=1990&year_to=1999").json()
    assert panel["count"] > 0 and all(1990 <= r["year"] <= 1999 for r in panel["data"])


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/api/network/edges?country=XX", 422, "country"),
        ("/api/network/edges?sector=not-a-sector", 422, "sector"),
        ("/api/network/edges?year=2O25", 422, "year"),
        ("/api/network/edges?format=xml", 422, "format"),
        ("/api/network/links", 404, "tables"),
        ("/api/network/analyses/pagerank", 404, "analyses"),
        ("/api/network/analyses/path?source=city/jakarta", 422, "target"),
        ("/api/network/analyses/path?source=city/jakarta&target=city/atlantis", 404, "atlantis"),
        ("/api/network/analyses/candidates?place=<script>", 422, "place"),
        ("/dumps/network/secrets.txt", 404, "network file"),
        ("/dumps/releases/0.0/CITATION.cff", 404, "release"),
    ],
)
def test_bad_input_is_a_clear_4xx(client: TestClient, url: str, status: int, words: str) -> None:
    answer = client.get(url)
    assert answer.status_code == status
    assert words in answer.json()["error"]["message"]


def test_unacceptable_type_is_406(client: TestClient) -> None:
    assert client.get("/api/network/edges", headers={"Accept": "image/png"}).status_code == 406


def test_analyses_as_json_and_csv(client: TestClient) -> None:
    hubs = client.get("/api/network/analyses/hubs").json()
    edges = pd.DataFrame(client.get("/api/network/edges").json()["data"])
    degree = pd.concat([edges["place_a"], edges["place_b"]]).value_counts()
    assert hubs["data"][0]["place"] == degree.index[0] == ID + "city/jakarta"
    assert hubs["data"][0]["partnerships"] == degree.iloc[0]
    growth = client.get("/api/network/analyses/growth", headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(growth.text)))
    assert rows and int(rows[-1]["cumulative"]) == sum(int(r["new_partnerships"]) for r in rows)
    path = client.get(
        "/api/network/analyses/path?source=city/kuala-lumpur&target=city/berlin"
    ).json()
    assert [r["place"] for r in path["data"]][1] == ID + "city/jakarta"


def test_charts_and_page(client: TestClient) -> None:
    svg = client.get("/network/charts/hubs.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in svg.content and b"Jakarta" in svg.content
    page = client.get(
        "/network?source=city/kuala-lumpur&target=city/berlin&place=city/kuala-lumpur"
    )
    assert page.status_code == 200
    for piece in (
        "/network/charts/growth.svg",
        "Numbers as CSV",
        "Shortest partnership path",
        'href="/id/city/jakarta"',
    ):
        assert piece in page.text
    assert client.get("/network?place=city/atlantis").status_code == 404
    assert client.get("/network?year=abcd").status_code == 400


def test_dumps_serve_the_same_files_the_cli_writes(client: TestClient, tmp_path: Path) -> None:
    served = client.get("/dumps/network/edges.csv")
    assert served.status_code == 200
    store = client.app.state.settings.data_dir  # type: ignore[attr-defined]
    # The server holds the store; the CLI reads a copy of the same bundled data.
    assert (
        main(
            [
                "export",
                "network",
                str(tmp_path / "out"),
                "--data-dir",
                str(tmp_path / "store"),
                "--format",
                "csv",
            ]
        )
        == 0
    )
    assert (tmp_path / "out" / "edges.csv").read_bytes() == served.content
    assert store.is_dir()
    graph = nx.read_graphml(io.BytesIO(client.get("/dumps/network/network.graphml").content))
    assert graph.number_of_edges() == 33
    listing = client.get("/dumps/").text
    assert "/dumps/network/edges.parquet" in listing
    void = Graph().parse(
        data=client.get("/dataset", headers={"Accept": "text/turtle"}).text, format="turtle"
    )
    urls = {str(o) for o in void.objects(None, DCAT.downloadURL)}
    assert "https://w3id.org/citypact/dumps/network/edges.csv" in urls


def test_cli_export_filters_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "store")
    assert (
        main(
            [
                "export",
                "network",
                str(tmp_path / "id"),
                "--data-dir",
                store,
                "--country",
                "ID",
                "--sector",
                "flood-management",
            ]
        )
        == 0
    )
    edges = pd.read_csv(tmp_path / "id" / "edges.csv")
    assert list(edges["partnership"]) == [KL]
    assert (
        main(["export", "network", str(tmp_path / "x"), "--data-dir", store, "--country", "XX"])
        == 2
    )
    assert "--country" in capsys.readouterr().err
    assert (
        main(
            [
                "export",
                "network",
                str(tmp_path / "x"),
                "--data-dir",
                store,
                "--year-from",
                "2000",
                "--year-to",
                "1990",
            ]
        )
        == 2
    )
    assert "--year-from" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_release_twice_with_a_changelog(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store, out = str(tmp_path / "store"), tmp_path / "releases"
    args = ["release", "--data-dir", store, "--output-dir", str(out), "--quiet"]
    assert main([*args, "--version", "1.0"]) == 0
    first = out / "1.0"
    sums = (first / "SHA256SUMS").read_text().splitlines()
    for line in sums:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((first / name).read_bytes()).hexdigest() == digest
    names = {line.split("  ", 1)[1] for line in sums}
    assert {"dumps/citypact.ttl", "network/edges.parquet", "CITATION.cff", "void.ttl"} <= names
    cff = yaml.safe_load((first / "CITATION.cff").read_text())
    assert cff["type"] == "dataset" and cff["version"] == "1.0"
    assert any(r["type"] == "software" for r in cff["references"])
    void = Graph().parse(first / "void.ttl")
    dataset = URIRef("https://w3id.org/citypact/dataset")
    assert void.value(dataset, DCAT.version) == Literal("1.0")
    assert "First release: 33 partnerships" in (first / "CHANGELOG.md").read_text()
    # A new partnership between two releases is listed as added.
    assert (
        main(
            ["load", str(TEST_DATA / "valid" / "new-agreement.ttl"), "--data-dir", store, "--quiet"]
        )
        == 0
    )
    assert main([*args, "--version", "1.1"]) == 0
    log = (out / "1.1" / "CHANGELOG.md").read_text()
    changes = list(csv.DictReader(io.StringIO((out / "1.1" / "changes.csv").read_text())))
    assert "Since release 1.0" in log
    assert changes and all(c["change"] in ("added", "changed") for c in changes)
    record = json.loads((out / "1.1" / "release.json").read_text())
    assert record["previous"] == "1.0"
    assert main([*args, "--version", "1.1"]) == 2
    assert "never overwritten" in capsys.readouterr().err
    assert main([*args, "--version", "../evil"]) == 2
    assert sorted(p.name for p in out.iterdir()) == ["1.0", "1.1"]


def test_a_submission_is_seen_at_once_despite_the_cache(tmp_path: Path) -> None:
    """The network is cached per data version: a new agreement changes the version, so the next
    answer counts it."""
    settings = Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "store", releases_dir=tmp_path / "releases", write_tokens="tok-21"
    )
    with TestClient(create_app(settings)) as fresh:

        def agreements() -> int:
            rows = fresh.get("/api/network/edges?country=MY").json()["data"]
            return next(r["agreements"] for r in rows if r["partnership"] == KL)

        before = agreements()
        assert agreements() == before  # answered from the cache
        posted = fresh.post(
            "/api/submissions",
            content=(TEST_DATA / "valid" / "new-agreement.ttl").read_bytes(),
            headers={"Content-Type": "text/turtle", "Authorization": "Bearer tok-21"},
        )
        assert posted.status_code == 201, posted.text
        assert agreements() == before + 1
