"""/sparql with real SPARQL clients (SPARQLWrapper, rdflib's SPARQLStore) against a real
server: ``citypact serve`` in a subprocess on a free loopback port, with its own store.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from xml.dom.minidom import Document

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from citypact.store.embedded import EmbeddedStore

pytestmark = pytest.mark.slow

EX = "http://example.org/citypact-clients/"
GRAPH = EX + "graph"
P = URIRef(EX + "partnerOf")
LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
SELECT = f"SELECT ?city ?label WHERE {{ ?city <{LABEL}> ?label ; <{P}> ?other }} ORDER BY ?label"
ASK_YES = f"ASK {{ <{EX}jakarta> <{P}> <{EX}kuala-lumpur> }}"
ASK_NO = f"ASK {{ <{EX}kuala-lumpur> <{P}> <{EX}nowhere> }}"
CONSTRUCT = f"CONSTRUCT {{ ?a <{P}> ?b }} WHERE {{ ?a <{P}> ?b }}"
STARTUP_SECONDS = 120


def _quads() -> list[ox.Quad]:
    g = ox.NamedNode(GRAPH)
    jakarta, kl = ox.NamedNode(EX + "jakarta"), ox.NamedNode(EX + "kuala-lumpur")
    label, partner = ox.NamedNode(str(LABEL)), ox.NamedNode(str(P))
    return [
        ox.Quad(jakarta, label, ox.Literal("Jakarta", language="en"), g),
        ox.Quad(kl, label, ox.Literal("Kuala Lumpur", language="en"), g),
        ox.Quad(jakarta, partner, kl, g),
        ox.Quad(kl, partner, jakarta, g),
    ]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"citypact serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"citypact serve did not answer {url} in {STARTUP_SECONDS} s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The /sparql URL of a ``citypact serve`` process holding the test quads."""
    tmp = tmp_path_factory.mktemp("clients")
    data_dir = tmp / "store"
    store = EmbeddedStore(data_dir)
    store.add_quads(_quads())
    store.close()
    port = _free_port()
    env = {
        **os.environ,
        "CITYPACT_DATA_DIR": str(data_dir),
        "CITYPACT_HOST": "127.0.0.1",
        "CITYPACT_PORT": str(port),
        "CITYPACT_LOG_LEVEL": "warning",
    }
    log = tmp / "server.log"
    command = [sys.executable, "-c", "import sys; from citypact.cli import main; sys.exit(main())"]
    with open(log, "wb") as out:
        process = subprocess.Popen([*command, "serve"], env=env, stdout=out, stderr=out)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/health", process, log)
        yield f"http://127.0.0.1:{port}/sparql"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wrapper(endpoint: str, query: str, return_format: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    if return_format:
        client.setReturnFormat(return_format)
    return client


# --- SPARQLWrapper, with its default settings (format, output and results parameters) ------


@pytest.mark.parametrize("method", [None, POST, POSTDIRECTLY])
def test_sparqlwrapper_select_json(endpoint: str, method: str | None) -> None:
    client = wrapper(endpoint, SELECT, JSON)
    if method == POSTDIRECTLY:
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)
    elif method:
        client.setMethod(method)
    result = client.queryAndConvert()
    assert isinstance(result, dict)
    assert result["head"]["vars"] == ["city", "label"]
    rows = result["results"]["bindings"]
    assert [r["label"]["value"] for r in rows] == ["Jakarta", "Kuala Lumpur"]
    assert rows[0]["label"]["xml:lang"] == "en"
    assert rows[0]["city"] == {"type": "uri", "value": EX + "jakarta"}


def test_sparqlwrapper_select_xml_by_default(endpoint: str) -> None:
    result = wrapper(endpoint, SELECT).queryAndConvert()
    assert isinstance(result, Document)
    literals = [node.firstChild.data for node in result.getElementsByTagName("literal")]
    assert literals == ["Jakarta", "Kuala Lumpur"]


@pytest.mark.parametrize(
    ("return_format", "first_line"), [(CSV, "city,label"), (TSV, "?city\t?label")]
)
def test_sparqlwrapper_select_csv_tsv(endpoint: str, return_format: str, first_line: str) -> None:
    result = wrapper(endpoint, SELECT, return_format).queryAndConvert()
    lines = result.decode().splitlines()  # type: ignore[union-attr]
    assert lines[0] == first_line
    assert "Kuala Lumpur" in lines[2]


def test_sparqlwrapper_ask(endpoint: str) -> None:
    as_json = wrapper(endpoint, ASK_YES, JSON).queryAndConvert()
    assert as_json["boolean"] is True  # type: ignore[index]
    as_xml = wrapper(endpoint, ASK_NO).queryAndConvert()  # default: XML
    assert isinstance(as_xml, Document)
    assert as_xml.getElementsByTagName("boolean")[0].firstChild.data == "false"


EXPECTED_PAIR = (URIRef(EX + "jakarta"), P, URIRef(EX + "kuala-lumpur"))


def test_sparqlwrapper_construct_turtle(endpoint: str) -> None:
    client = wrapper(endpoint, CONSTRUCT, TURTLE)
    response = client.query()
    assert response.response.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.convert(), format="turtle")
    assert EXPECTED_PAIR in graph and len(graph) == 2


def test_sparqlwrapper_construct_rdfxml_by_default(endpoint: str) -> None:
    """By default SPARQLWrapper asks XML, which for CONSTRUCT means RDF/XML."""
    response = wrapper(endpoint, CONSTRUCT).query()
    assert response.response.headers["Content-Type"].startswith("application/rdf+xml")
    graph = response.convert()
    assert isinstance(graph, Graph)
    assert EXPECTED_PAIR in graph and len(graph) == 2


@pytest.mark.parametrize("return_format", [JSONLD, JSON, N3, XML])
def test_sparqlwrapper_construct_other_formats(endpoint: str, return_format: str) -> None:
    """json-ld and json mean JSON-LD for CONSTRUCT; n3 is answered in Turtle."""
    with pytest.warns(RuntimeWarning) if return_format == JSON else _no_warning():
        result = wrapper(endpoint, CONSTRUCT, return_format).queryAndConvert()
    if isinstance(result, bytes):
        result = Graph().parse(data=result, format="turtle")
    assert isinstance(result, Graph)
    assert EXPECTED_PAIR in result


class _no_warning:  # noqa: N801 - a stand-in context manager
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


def test_sparqlwrapper_update_is_refused(endpoint: str) -> None:
    client = wrapper(endpoint, f"INSERT DATA {{ <{EX}a> <{P}> <{EX}b> }}")
    client.setMethod(POST)
    with pytest.raises(QueryBadFormed, match="read-only"):
        client.query()
    check = wrapper(endpoint, f"ASK {{ <{EX}a> ?p ?o }}", JSON).queryAndConvert()
    assert check["boolean"] is False  # type: ignore[index]


def test_sparqlwrapper_bad_query(endpoint: str) -> None:
    with pytest.raises(QueryBadFormed, match="error"):
        wrapper(endpoint, "SELECT ?x WHERE { ?x", JSON).query()


def test_sparqlwrapper_dataset_and_timeout_parameters(endpoint: str) -> None:
    client = wrapper(endpoint, SELECT, JSON)
    client.addParameter("default-graph-uri", EX + "no-such-graph")
    client.addParameter("timeout", "5")
    assert client.queryAndConvert()["results"]["bindings"] == []  # type: ignore[index]


# --- rdflib's SPARQLStore -------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore_select(endpoint: str, method: str) -> None:
    graph = Graph(SPARQLStore(endpoint, method=method))
    rows = list(graph.query(SELECT))
    assert [(row.city, row.label) for row in rows] == [  # type: ignore[union-attr]
        (URIRef(EX + "jakarta"), Literal("Jakarta", lang="en")),
        (URIRef(EX + "kuala-lumpur"), Literal("Kuala Lumpur", lang="en")),
    ]


def test_rdflib_sparqlstore_ask_and_construct(endpoint: str) -> None:
    graph = Graph(SPARQLStore(endpoint))
    assert graph.query(ASK_YES).askAnswer is True
    assert graph.query(ASK_NO).askAnswer is False
    constructed = graph.query(CONSTRUCT).graph
    assert constructed is not None and EXPECTED_PAIR in constructed


def test_rdflib_sparqlstore_triples(endpoint: str) -> None:
    graph = Graph(SPARQLStore(endpoint))
    labels = set(graph.objects(URIRef(EX + "jakarta"), LABEL))
    assert labels == {Literal("Jakarta", lang="en")}
