"""Smoke tests of the real test servers (tests/servers.py), driven through SPARQLWrapper.

Each test starts its own server in ``tmp_path``, writes a triple into a named graph through
the update endpoint (digest auth for Virtuoso), reads it back, checks how the server
treats the default graph (see the servers module docstring), stops it and checks that
the process and its port are gone. A missing server skips locally and fails under CI=true.

This module does not use the app's fixtures, so it also runs in a venv with only
``oxigraph SPARQLWrapper pytest``: ``python -m pytest --noconftest tests/test_servers_smoke.py``.
"""

from __future__ import annotations

import os
import socket
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from SPARQLWrapper import DIGEST, JSON, POST, SPARQLWrapper

from .servers import (
    RunningServer,
    oxigraph_available,
    start_oxigraph,
    start_virtuoso,
    virtuoso_available,
)

pytestmark = [pytest.mark.servers, pytest.mark.slow]

IN_CI = os.environ.get("CI", "").lower() == "true"

EX = "http://example.org/citypact-smoke/"
GRAPH = EX + "graph"
OTHER_GRAPH = EX + "other-graph"
S, P = EX + "s", EX + "p"
LITERAL = "Zürich ✓"  # non-ASCII: checks the encoding both ways


def require(available: bool, what: str) -> None:
    """Skip when a needed program is missing locally; fail in CI, where nothing may skip."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available")
    pytest.skip(f"{what} is not available")


# --- SPARQLWrapper helpers -----------------------------------------------------------------


def _wrapper(server: RunningServer) -> SPARQLWrapper:
    sparql = SPARQLWrapper(server.query_url, updateEndpoint=server.update_url)
    sparql.setReturnFormat(JSON)
    if server.user is not None and server.password is not None:
        sparql.setHTTPAuth(DIGEST)
        sparql.setCredentials(server.user, server.password)
    return sparql


def update(server: RunningServer, text: str, **params: str) -> int:
    """Run a SPARQL Update; returns the HTTP status (raises on errors)."""
    sparql = _wrapper(server)
    sparql.setMethod(POST)
    for name, value in params.items():
        sparql.addParameter(name, value)
    sparql.setQuery(text)
    result = sparql.query()
    result.response.read()
    return int(result.response.status)


def select(server: RunningServer, text: str, **params: str) -> list[dict[str, str]]:
    """Run a SELECT on the (anonymous) query endpoint; rows as {variable: value}."""
    sparql = _wrapper(server)
    sparql.setMethod(POST)
    for name, value in params.items():
        sparql.addParameter(name, value)
    sparql.setQuery(text)
    results = sparql.query().convert()
    assert isinstance(results, dict)
    return [
        {var: binding["value"] for var, binding in row.items()}
        for row in results["results"]["bindings"]
    ]


def _insert_into_graphs(server: RunningServer) -> None:
    status = update(
        server,
        f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <{S}> <{P}> {_literal(LITERAL)} }} "
        f"GRAPH <{OTHER_GRAPH}> {{ <{S}> <{P}> {_literal(LITERAL)} }} }}",
    )
    assert 200 <= status < 300


def _literal(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _assert_named_graph_roundtrip(server: RunningServer) -> None:
    rows = select(server, f"SELECT ?s ?p ?o WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}")
    assert rows == [{"s": S, "p": P, "o": LITERAL}]
    rows = select(server, f"SELECT ?g WHERE {{ GRAPH ?g {{ <{S}> <{P}> ?o }} }} ORDER BY ?g")
    assert [row["g"] for row in rows] == [GRAPH, OTHER_GRAPH]
    # Portable ways to name the default graph: FROM, or the default-graph-uri parameter.
    from_graph = f"SELECT ?o FROM <{GRAPH}> WHERE {{ <{S}> <{P}> ?o }}"  # noqa: S608 (SPARQL)
    rows = select(server, from_graph)
    assert rows == [{"o": LITERAL}]
    rows = select(server, f"SELECT ?o WHERE {{ <{S}> <{P}> ?o }}", **{"default-graph-uri": GRAPH})
    assert rows == [{"o": LITERAL}]


def _assert_stopped(server: RunningServer) -> None:
    port = urllib.parse.urlsplit(server.query_url).port
    assert port is not None
    server.stop()
    assert server.process.poll() is not None, "the server process is still running"
    with pytest.raises(ProcessLookupError):
        os.killpg(server.process.pid, 0)  # no process of its group is left
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[RunningServer]:
    require(oxigraph_available(), "the Oxigraph server (pip install oxigraph)")
    server = start_oxigraph(tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def virtuoso(tmp_path: Path) -> Iterator[RunningServer]:
    require(virtuoso_available(), "Virtuoso (bash scripts/install-test-servers.sh)")
    server = start_virtuoso(tmp_path)
    try:
        yield server
    finally:
        server.stop()


# --- tests ---------------------------------------------------------------------------------


def test_oxigraph_insert_select_and_stop(oxigraph: RunningServer, tmp_path: Path) -> None:
    print(f"oxigraph answered after {oxigraph.startup_seconds:.2f} s")
    assert oxigraph.user is None and oxigraph.password is None
    assert oxigraph.gsp_url is not None and oxigraph.gsp_url.endswith("/store")
    assert oxigraph.data_dir is not None and oxigraph.data_dir.parent == tmp_path.resolve()

    _insert_into_graphs(oxigraph)
    _assert_named_graph_roundtrip(oxigraph)

    # Oxigraph: the default graph is a graph of its own, empty here ...
    assert select(oxigraph, f"SELECT ?o WHERE {{ <{S}> <{P}> ?o }}") == []
    # ... unless the query asks for the union of all graphs (a bag: one row per graph).
    rows = select(oxigraph, f"SELECT ?o WHERE {{ <{S}> <{P}> ?o }}", **{"union-default-graph": ""})
    assert rows == [{"o": LITERAL}, {"o": LITERAL}]
    # An update without GRAPH writes into that default graph.
    update(oxigraph, f"INSERT DATA {{ <{S}> <{P}> {_literal('default')} }}")
    assert select(oxigraph, f"SELECT ?o WHERE {{ <{S}> <{P}> ?o }}") == [{"o": "default"}]

    _assert_stopped(oxigraph)


def test_virtuoso_insert_select_and_stop(virtuoso: RunningServer, tmp_path: Path) -> None:
    print(f"virtuoso answered after {virtuoso.startup_seconds:.2f} s")
    assert virtuoso.query_url.endswith("/sparql")
    assert virtuoso.update_url.endswith("/sparql-auth")
    assert (virtuoso.user, virtuoso.password) == ("dba", "dba")
    assert virtuoso.data_dir is not None and virtuoso.data_dir.parent == tmp_path.resolve()
    assert (tmp_path / "virtuoso.ini").is_file()

    # The anonymous endpoint is read-only: updates need the digest-authenticated one.
    anonymous = RunningServer(
        query_url=virtuoso.query_url,
        update_url=virtuoso.query_url,
        gsp_url=None,
        user=None,
        password=None,
        process=virtuoso.process,
    )
    with pytest.raises(Exception, match=r"(?i)permission|SR186|denied|401|403|500"):
        update(anonymous, f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <{S}> <{P}> 1 }} }}")

    _insert_into_graphs(virtuoso)
    _assert_named_graph_roundtrip(virtuoso)

    # Virtuoso: the default graph is the union of all graphs (a bag: one row per graph) ...
    rows = select(virtuoso, f"SELECT ?o WHERE {{ <{S}> <{P}> ?o }}")
    assert rows == [{"o": LITERAL}, {"o": LITERAL}]
    # ... including Virtuoso's own system graphs.
    rows = select(virtuoso, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(rows[0]["n"]) > 1000
    rows = select(virtuoso, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert "http://www.openlinksw.com/schemas/virtrdf#" in {row["g"] for row in rows}
    # An update without GRAPH has no graph to write into, unless the request names one.
    with pytest.raises(Exception, match=r"SP031|default graph"):
        update(virtuoso, f"INSERT DATA {{ <{S}> <{P}> {_literal('default')} }}")
    update(
        virtuoso,
        f"INSERT DATA {{ <{S}> <{P}> {_literal('default')} }}",
        **{"default-graph-uri": EX + "default"},
    )
    rows = select(virtuoso, f"SELECT ?g WHERE {{ GRAPH ?g {{ <{S}> <{P}> 'default' }} }}")
    assert rows == [{"g": EX + "default"}]

    lock_file = virtuoso.data_dir / "virtuoso.lck"
    assert lock_file.exists()
    _assert_stopped(virtuoso)
    assert not lock_file.exists(), "Virtuoso did not shut down cleanly"
