"""Stores and the store commands: the embedded store persists and is loaded once, `citypact load`
and `citypact query` work on the embedded store and on a remote endpoint, and the API answers
503 while a remote endpoint is down and serves again when it returns."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from citypact.app import create_app
from citypact.cli import main
from citypact.settings import Settings
from citypact.store import backends
from citypact.store.embedded import EmbeddedStore
from citypact.store.port import DATA_GRAPH, QueryOptions, screen_query

from .conftest import require

EXTRA = """@prefix cp: <https://w3id.org/citypact/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/citypact/id/city/extra-town> a cp:City ; rdfs:label "Extra Town"@en .
"""


def test_first_start_loads_and_restart_does_not_parse_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data_dir=tmp_path / "store")
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/cities/jakarta").status_code == 200

    def refuse(*_args: object, **_kwargs: object) -> int:
        raise AssertionError("the bundled files were loaded again")

    monkeypatch.setattr(EmbeddedStore, "load_file", refuse)
    monkeypatch.setattr(backends.resources, "data_files", refuse)
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/cities/jakarta").json()["label"] == "Jakarta"


def test_interrupted_first_load_is_redone(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    store.load_file(
        sorted((Path(__file__).parents[1] / "data" / "ttl").glob("*.ttl"))[0], DATA_GRAPH
    )
    assert backends.ensure_bundled_data(store) is True  # no marker yet: load again
    assert backends.ensure_bundled_data(store) is False
    store.close()


def test_load_command_adds_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    data_dir = tmp_path / "store"
    assert main(["load", "--data-dir", str(data_dir), str(extra)]) == 0
    assert "loaded" in capsys.readouterr().out
    assert (
        main(
            [
                "query",
                "--data-dir",
                str(data_dir),
                "--output",
                "json",
                "SELECT ?l WHERE { <https://w3id.org/citypact/id/city/extra-town> ?p ?l }",
            ]
        )
        == 0
    )
    body = json.loads(capsys.readouterr().out)
    assert {"type": "literal", "value": "Extra Town", "xml:lang": "en"} in [
        b["l"] for b in body["results"]["bindings"]
    ]


def test_load_refuses_a_broken_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(EXTRA[:-10], encoding="utf-8")
    assert main(["load", "--data-dir", str(tmp_path / "store"), str(broken)]) == 2
    assert "broken.ttl" in capsys.readouterr().err


def test_query_command_by_name_file_and_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = str(tmp_path / "store")
    assert main(["query", "--data-dir", data_dir, "sectors"]) == 0
    table = capsys.readouterr().out
    assert "flood-management" in table and "rows)" in table
    rq = tmp_path / "q.rq"
    rq.write_text(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/citypact/ontology#Agreement> }"
    )
    assert main(["query", "--data-dir", data_dir, "--output", "csv", str(rq)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "n" and int(lines[1]) >= 10
    assert main(["query", "--data-dir", data_dir, "--output", "tsv", "ASK { ?s ?p ?o }"]) == 0
    assert "true" in capsys.readouterr().out
    # A query that does not parse is unreadable input: exit 2 (issue 16), naming the query.
    assert main(["query", "--data-dir", data_dir, "SELECT * WHERE {"]) == 2
    assert "citypact: the query does not parse" in capsys.readouterr().err


def test_screening_refuses_update_and_service() -> None:
    from citypact.store.port import QueryRefused

    for text in (
        "INSERT DATA { <a:b> <a:c> <a:d> }",
        "PREFIX x: <http://x/> DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "select * where { service ?x { ?s ?p ?o } }",
    ):
        with pytest.raises(QueryRefused):
            screen_query(text)
    for text in (
        'SELECT ?service WHERE { ?service <http://x/p> "SERVICE INSERT" }',
        "# INSERT DATA\nSELECT * WHERE { ?s <http://x/SERVICE> ?o }",
    ):
        screen_query(text)


def test_remote_load_and_query(oxigraph_server, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    args = ["--endpoint", oxigraph_server.query_url]
    assert main(["load", *args, "--update-endpoint", oxigraph_server.update_url, str(extra)]) == 0
    capsys.readouterr()
    assert (
        main(
            [
                "query",
                *args,
                "--output",
                "csv",
                "SELECT ?l WHERE { <https://w3id.org/citypact/id/city/extra-town> ?p ?l }",
            ]
        )
        == 0
    )
    assert "Extra Town" in capsys.readouterr().out


def _oxigraph(port: int, location: Path) -> subprocess.Popen[bytes]:
    from .servers import oxigraph_binary

    binary = oxigraph_binary()
    assert binary
    return subprocess.Popen(
        [
            binary,
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(client: TestClient, status: int, seconds: float = 20) -> int:
    deadline = time.monotonic() + seconds
    code = -1
    while time.monotonic() < deadline:
        code = client.get("/api/cities/jakarta").status_code
        if code == status:
            return code
        time.sleep(0.2)
    return code


def test_remote_outage_gives_503_then_recovers(tmp_path: Path) -> None:
    from .servers import free_port, oxigraph_available

    require(oxigraph_available(), "the Oxigraph server")
    port = free_port()
    location = tmp_path / "ox"
    base = f"http://127.0.0.1:{port}"
    settings = Settings(sparql_endpoint=f"{base}/query", sparql_update_endpoint=f"{base}/update")
    server = _oxigraph(port, location)
    try:
        with TestClient(create_app(settings)) as client:
            assert _wait(client, 200) == 200
            server.kill()
            server.wait()
            response = client.get("/api/cities/jakarta")
            assert response.status_code == 503
            assert "unreachable" in response.json()["error"]["message"]
            assert response.headers.get("retry-after")
            assert client.get("/health").status_code == 503
            server = _oxigraph(port, location)
            assert _wait(client, 200) == 200
            assert client.get("/health").json()["status"] == "ok"
    finally:
        server.kill()
        server.wait()


def test_remote_start_while_endpoint_down(tmp_path: Path) -> None:
    from .servers import free_port

    port = free_port()
    settings = Settings(sparql_endpoint=f"http://127.0.0.1:{port}/query")
    with TestClient(create_app(settings)) as client:
        response = client.get("/api/sectors")
        assert response.status_code == 503
        assert response.json()["error"]["message"]


def test_timeout_is_reported(tmp_path: Path) -> None:
    from citypact.store.port import QueryTimeout

    store = EmbeddedStore()
    backends.ensure_bundled_data(store)
    # A cross product of the whole store with itself: millions of rows, far past 0.05 s.
    with pytest.raises(QueryTimeout, match="timed out"):
        store.query(
            "SELECT ?a ?b ?c WHERE { ?a ?p ?b . ?c ?q ?d }",
            QueryOptions(timeout=0.05, max_results=10**12),
        )
