"""/sparql against the SPARQL 1.1 Protocol: the W3C protocol tests (read from their manifest)
and CityPact's own rules (negotiation, refusals, limits, dataset, service description).
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDFS
from rdflib.term import Node

from citypact.app import create_app
from citypact.settings import Settings

# --- the W3C SPARQL 1.1 Protocol test suite --------------------------------------------------

MANIFEST_NAME = "sparql11-protocol-manifest.ttl"
W3C_DIRS = [
    Path(p)
    for p in (
        os.environ.get("CITYPACT_W3C_PROTOCOL_TESTS", ""),
        Path(__file__).parent / "data" / "w3c-protocol",
        "/work/shared/reference/w3c",
    )
    if p and (Path(p) / MANIFEST_NAME).is_file()
]
W3C_DIR = W3C_DIRS[0] if W3C_DIRS else None

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SRX = "{http://www.w3.org/2005/sparql-results#}"

# Media types that fit each mf:expectedFormat of the manifest.
EXPECTED_FORMATS = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    },
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples", "application/ld+json"},
}
UPDATE_PARAMS = {"update", "using-graph-uri", "using-named-graph-uri"}


@dataclass(frozen=True)
class W3CRequest:
    """One ht:Request of a protocol test, with the response it expects."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    status_classes: frozenset[int]
    expected_format: str | None
    expected_boolean: bool | None

    def looks_like_update(self) -> bool:
        """Whether the request carries SPARQL Update (by media type or parameters)."""
        if self.headers.get("content-type", "").startswith("application/sparql-update"):
            return True
        params = parse_qsl(urlsplit(self.path).query)
        if self.body is not None:
            try:
                params += parse_qsl(self.body.decode("utf-8"))
            except UnicodeDecodeError:
                pass
        return any(name in UPDATE_PARAMS for name, _ in params)


@dataclass(frozen=True)
class W3CTest:
    """One mf:ProtocolTest: data to load (file, graph IRI or None) and requests to send."""

    name: str
    title: str
    data: tuple[tuple[Path, str | None], ...]
    requests: tuple[W3CRequest, ...]

    @property
    def is_update(self) -> bool:
        return "update" in self.title.lower() or any(r.looks_like_update() for r in self.requests)


def _rdf_list(graph: Graph, head: Node | None) -> list[Node]:
    return list(Collection(graph, head)) if head is not None else []


def _data_file(iri: Node) -> Path:
    """The local copy of a manifest data file (``data1.nt`` is ``sparql11-protocol-data1.nt``)."""
    assert W3C_DIR is not None
    name = str(iri).rsplit("/", 1)[-1]
    for candidate in (W3C_DIR / name, W3C_DIR / f"sparql11-protocol-{name}"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"W3C data file {name} not found in {W3C_DIR}")


def _read_request(graph: Graph, node: Node) -> W3CRequest:
    headers = {
        str(graph.value(h, HT.fieldName)).lower(): str(graph.value(h, HT.fieldValue))
        for h in _rdf_list(graph, graph.value(node, HT.headers))
    }
    body = None
    if (content := graph.value(node, HT.body)) is not None:
        encoding = str(graph.value(content, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(content, CNT.chars)).encode(encoding)
    response = graph.value(node, HT.resp)
    statuses = graph.objects(response, MF.expectedStatus)
    boolean = graph.value(response, MF.expectedBoolean)
    expected_format = graph.value(response, MF.expectedFormat)
    path = str(graph.value(node, HT.absolutePath))
    return W3CRequest(
        method=str(graph.value(node, HT.methodName)),
        path=re.sub(r"^/sparql/", "/sparql", path),
        headers=headers,
        body=body,
        status_classes=frozenset(
            int(m.group(1)) for s in statuses if (m := re.search(r"StatusCode(\d)xx$", str(s)))
        ),
        expected_format=str(expected_format) if expected_format is not None else None,
        expected_boolean=boolean.toPython() if isinstance(boolean, Literal) else None,
    )


def _read_test(graph: Graph, entry: Node) -> W3CTest:
    data: list[tuple[Path, str | None]] = []
    for item in graph.objects(entry, UT.graphData):
        data.append((_data_file(graph.value(item, UT.graph)), str(graph.value(item, RDFS.label))))
    data += [(_data_file(item), None) for item in graph.objects(entry, UT.data)]
    action = graph.value(entry, MF.action)
    requests = [_read_request(graph, r) for r in _rdf_list(graph, graph.value(action, HT.requests))]
    return W3CTest(
        name=str(entry).rsplit("#", 1)[-1],
        title=str(graph.value(entry, MF.name)),
        data=tuple(data),
        requests=tuple(requests),
    )


def read_manifest() -> list[W3CTest]:
    """Every test of the W3C protocol manifest, in manifest order (none when it is missing)."""
    if W3C_DIR is None:
        return []
    graph = Graph().parse(W3C_DIR / MANIFEST_NAME, format="turtle")
    manifest = graph.value(predicate=RDF.type, object=MF.Manifest, any=False)
    return [_read_test(graph, e) for e in _rdf_list(graph, graph.value(manifest, MF.entries))]


W3C_TESTS = read_manifest()
W3C_QUERY_TESTS = [t for t in W3C_TESTS if not t.is_update]
W3C_UPDATE_TESTS = [t for t in W3C_TESTS if t.is_update]


def media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip()


def boolean_answer(response: httpx.Response) -> bool:
    """The answer of an ASK query in SPARQL JSON or XML."""
    kind = media_type(response)
    if kind in ("application/sparql-results+json", "application/json"):
        value = response.json()["boolean"]
        assert isinstance(value, bool)
        return value
    assert kind == "application/sparql-results+xml", kind
    element = ET.fromstring(response.content).find(f"{SRX}boolean")  # noqa: S314 - our answer
    assert element is not None and element.text in ("true", "false")
    return element.text == "true"


def send(client: TestClient, request: W3CRequest) -> httpx.Response:
    return client.request(
        request.method, request.path, headers=request.headers, content=request.body
    )


@pytest.fixture(scope="module")
def w3c_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("w3c") / "store")  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as client:
        yield client


def test_w3c_manifest_is_available() -> None:
    if W3C_DIR is None:
        message = f"the W3C protocol tests ({MANIFEST_NAME}) are not available"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    assert len(W3C_QUERY_TESTS) >= 20 and len(W3C_UPDATE_TESTS) >= 14


@pytest.mark.parametrize("test", W3C_QUERY_TESTS, ids=lambda t: t.name)
def test_w3c_query(w3c_client: TestClient, test: W3CTest) -> None:
    store = w3c_client.app.state.store  # type: ignore[attr-defined]
    for path, graph in test.data:
        store.load_file(path, graph=graph)
    for request in test.requests:
        response = send(w3c_client, request)
        assert response.status_code // 100 in request.status_classes, response.text
        if request.expected_format:
            assert media_type(response) in EXPECTED_FORMATS[request.expected_format]
        if request.expected_boolean is not None:
            assert boolean_answer(response) is request.expected_boolean


@pytest.mark.parametrize("test", W3C_UPDATE_TESTS, ids=lambda t: t.name)
def test_w3c_update_is_refused(w3c_client: TestClient, test: W3CTest) -> None:
    """The endpoint is read-only: every update request is refused with 4xx and changes nothing;
    the queries that check an update's effect then answer false."""
    store = w3c_client.app.state.store  # type: ignore[attr-defined]
    before = store.triple_count()
    for request in test.requests:
        response = send(w3c_client, request)
        if request.looks_like_update() or 4 in request.status_classes:
            assert response.status_code // 100 == 4, response.text
            assert response.json()["error"]["message"]
        else:
            assert response.status_code == 200, response.text
            assert boolean_answer(response) is False
    assert store.triple_count() == before


# --- CityPact's own rules ------------------------------------------------------------------

EX = "http://example.org/citypact-test/"
GRAPH_A, GRAPH_B = EX + "graph/a", EX + "graph/b"
SELECT_A = f"SELECT ?o WHERE {{ GRAPH <{GRAPH_A}> {{ ?s <{EX}p> ?o }} }} ORDER BY ?o"
CONSTRUCT = f"CONSTRUCT {{ ?s <{EX}p> ?o }} WHERE {{ ?s <{EX}p> ?o }}"
ASK = f"ASK {{ <{EX}s1> <{EX}p> 'one' }}"
SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _quad(s: str, o: str, graph: str) -> ox.Quad:
    return ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(EX + "p"), ox.Literal(o), ox.NamedNode(graph))


TEST_QUADS = [
    _quad("s1", "one", GRAPH_A),
    _quad("s2", "two", GRAPH_A),
    _quad("s3", "three", GRAPH_B),
]


def _client(tmp: Path, **settings: object) -> TestClient:
    app_settings = Settings(data_dir=tmp / "store", **settings)  # type: ignore[arg-type]
    return TestClient(create_app(app_settings))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with _client(tmp_path_factory.mktemp("sparql")) as client:
        client.app.state.store.add_quads(TEST_QUADS)  # type: ignore[attr-defined]
        yield client


def sparql(client: TestClient, query: str, **params: object) -> httpx.Response:
    headers = params.pop("headers", None)
    query_params = {"query": query, **params}
    return client.get("/sparql", params=query_params, headers=headers)  # type: ignore[arg-type]


def error_message(response: httpx.Response) -> str:
    body = response.json()
    assert body["error"]["status"] == response.status_code
    message = body["error"]["message"]
    assert isinstance(message, str) and message
    return message


def values(response: httpx.Response, name: str = "o") -> list[str]:
    assert media_type(response) == SPARQL_JSON, response.text
    return [row[name]["value"] for row in response.json()["results"]["bindings"]]


# Requests: GET, URL-encoded POST, direct POST ----------------------------------------------


def test_get_select_json_by_default(client: TestClient) -> None:
    response = sparql(client, SELECT_A)
    assert response.status_code == 200
    assert values(response) == ["one", "two"]
    assert response.headers["vary"].startswith("Accept")


def test_post_form(client: TestClient) -> None:
    response = client.post("/sparql", data={"query": SELECT_A})
    assert values(response) == ["one", "two"]


def test_post_direct_with_url_parameters(client: TestClient) -> None:
    response = client.post(
        "/sparql",
        params={"format": "xml"},
        content=ASK.encode(),
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
    )
    assert response.status_code == 200
    assert media_type(response) == SPARQL_XML
    assert boolean_answer(response) is True


@pytest.mark.parametrize(
    ("content_type", "body", "status", "words"),
    [
        ("text/plain", ASK.encode(), 415, "application/sparql-query"),
        (None, b"query=ASK%20%7B%7D", 415, "no content type"),
        ("application/sparql-query; charset=UTF-16", ASK.encode("utf-16"), 415, "UTF-8"),
        ("application/sparql-query", b"ASK { \xff }", 400, "UTF-8"),
        ("application/x-www-form-urlencoded", b"", 400, "no query"),
        ("application/x-www-form-urlencoded", b"default-graph-uri=http%3A%2F%2Fa", 400, "no query"),
        ("application/sparql-query", b"  ", 400, "empty"),
        ("application/x-www-form-urlencoded", b"query=ASK%7B%7D&query=ASK%7B%7D", 400, "one query"),
    ],
)
def test_bad_post(
    client: TestClient, content_type: str | None, body: bytes, status: int, words: str
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/sparql", content=body, headers=headers)
    assert response.status_code == status
    assert words in error_message(response)


def test_several_query_parameters(client: TestClient) -> None:
    response = client.get("/sparql", params=[("query", ASK), ("query", SELECT_A)])
    assert response.status_code == 400
    assert "exactly one query" in error_message(response)


def test_other_methods_are_not_allowed(client: TestClient) -> None:
    assert client.put("/sparql", params={"query": ASK}).status_code == 405
    assert client.delete("/sparql").status_code == 405


# Negotiation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, SPARQL_JSON),
        ("*/*", SPARQL_JSON),
        ("text/csv;q=0.5, application/sparql-results+xml", SPARQL_XML),
        ("application/sparql-results+json;q=0, */*", SPARQL_XML),
        (
            "application/sparql-results+json;q=0.2, text/tab-separated-values",
            "text/tab-separated-values",
        ),
        ("text/*", "text/csv"),
        ("application/json", SPARQL_JSON),
        ("text/xml;q=0.9, text/csv;q=0.8", SPARQL_XML),
    ],
)
def test_select_negotiation(client: TestClient, accept: str | None, expected: str) -> None:
    response = sparql(client, SELECT_A, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert media_type(response) == expected
    assert "one" in response.text and "two" in response.text


@pytest.mark.parametrize(
    ("accept", "expected", "rdflib_format"),
    [
        (None, "text/turtle", "turtle"),
        ("*/*", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml;q=0.9, text/turtle;q=0.1", "application/rdf+xml", "xml"),
        ("text/turtle;q=0, application/*", "application/n-triples", "nt"),
    ],
)
def test_construct_negotiation(
    client: TestClient, accept: str | None, expected: str, rdflib_format: str
) -> None:
    response = sparql(client, CONSTRUCT, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert media_type(response) == expected
    graph = Graph().parse(data=response.content, format=rdflib_format)
    assert (URIRef(EX + "s3"), URIRef(EX + "p"), Literal("three")) in graph
    assert len(graph) == 3


def test_csv_and_tsv_bodies(client: TestClient) -> None:
    csv = sparql(client, SELECT_A, format="csv")
    assert csv.text.splitlines() == ["o", "one", "two"]
    tsv = sparql(client, SELECT_A, format="tsv")
    assert tsv.text.splitlines() == ["?o", '"one"', '"two"']


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_sparql_12_terms_serialize(client: TestClient, fmt: str) -> None:
    """Triple terms and directional strings, which pyoxigraph accepts, serialize in every format."""
    query = (
        f'SELECT ?t ?d WHERE {{ BIND(<<( <{EX}s> <{EX}p> 1 )>> AS ?t) BIND("x"@ar--rtl AS ?d) }}'
    )
    response = sparql(client, query, format=fmt)
    assert response.status_code == 200, response.text
    assert f"{EX}s" in response.text
    assert ("rtl" in response.text) is (fmt != "csv")  # CSV holds lexical forms only


@pytest.mark.parametrize(
    ("fmt", "query", "expected"),
    [
        ("json", SELECT_A, SPARQL_JSON),
        ("xml", SELECT_A, SPARQL_XML),
        ("csv", SELECT_A, "text/csv"),
        ("tsv", ASK, "text/tab-separated-values"),
        ("application/sparql-results+xml", ASK, SPARQL_XML),
        ("json", CONSTRUCT, "application/ld+json"),
        ("xml", CONSTRUCT, "application/rdf+xml"),
        ("turtle", CONSTRUCT, "text/turtle"),
        ("ttl", CONSTRUCT, "text/turtle"),
        ("n3", CONSTRUCT, "text/turtle"),
        ("ntriples", CONSTRUCT, "application/n-triples"),
        ("nt", CONSTRUCT, "application/n-triples"),
        ("jsonld", CONSTRUCT, "application/ld+json"),
        ("json-ld", CONSTRUCT, "application/ld+json"),
        ("rdfxml", CONSTRUCT, "application/rdf+xml"),
        ("rdf", CONSTRUCT, "application/rdf+xml"),
        ("text/turtle", CONSTRUCT, "text/turtle"),
    ],
)
def test_format_parameter_overrides_accept(
    client: TestClient, fmt: str, query: str, expected: str
) -> None:
    response = sparql(client, query, format=fmt, headers={"Accept": "text/csv, text/turtle"})
    assert response.status_code == 200, response.text
    assert media_type(response) == expected


def test_sparqlwrapper_style_format_parameters(client: TestClient) -> None:
    """SPARQLWrapper repeats its return format as format, output and results."""
    params = [("query", CONSTRUCT)]
    for name in ("format", "output", "results"):
        params += [(name, "rdf+xml"), (name, "application/rdf+xml")]
    response = client.get("/sparql", params=params, headers={"Accept": "application/rdf+xml"})
    assert media_type(response) == "application/rdf+xml"
    only_output = client.get("/sparql", params={"query": SELECT_A, "output": "csv"})
    assert media_type(only_output) == "text/csv"
    empty_format = client.get("/sparql", params={"query": SELECT_A, "format": ""})
    assert media_type(empty_format) == SPARQL_JSON


@pytest.mark.parametrize(
    ("params", "accept", "listed"),
    [
        ({}, "text/plain", SPARQL_JSON),
        ({}, "application/sparql-results+json;q=0", "text/turtle"),
        ({"format": "turtle"}, None, SPARQL_JSON),
        ({"format": "html"}, None, "text/csv"),
    ],
)
def test_not_acceptable(
    client: TestClient, params: dict[str, str], accept: str | None, listed: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = sparql(client, SELECT_A, headers=headers, **params)
    assert response.status_code == 406
    assert listed in error_message(response)
    assert "Accept" in response.headers["vary"]


# Refusals and errors -------------------------------------------------------------------------


def test_bad_syntax_gets_the_parser_message(client: TestClient) -> None:
    response = sparql(client, "SELECT ?x WHERE { ?x ")
    assert response.status_code == 400
    message = error_message(response)
    assert "1:" in message  # the parser's position
    assert "Accept" in response.headers["vary"]


def test_syntax_error_position_with_relative_iris(client: TestClient) -> None:
    """Relative IRIs resolve against the endpoint, and error positions stay the client's."""
    response = sparql(client, "SELECT ?x\nWHERE { <rel> ?p ?x")
    assert response.status_code == 400
    assert "at 2:" in error_message(response)


def test_relative_iris_resolve_against_the_endpoint(client: TestClient) -> None:
    response = sparql(client, "CONSTRUCT { <s> <p> <#o> } WHERE {}", format="nt")
    assert response.text.strip() == (
        "<http://testserver/s> <http://testserver/p> <http://testserver/sparql#o> ."
    )
    own_base = "BASE <http://example.org/> CONSTRUCT { <s> <p> 1 } WHERE {}"
    assert "<http://example.org/s>" in sparql(client, own_base, format="nt").text


UPDATE_INSERT = f"INSERT DATA {{ GRAPH <{GRAPH_A}> {{ <{EX}s9> <{EX}p> 'nine' }} }}"


@pytest.mark.parametrize(
    "request_args",
    [
        {"method": "GET", "url": "/sparql", "params": {"update": UPDATE_INSERT}},
        {"method": "GET", "url": "/sparql", "params": {"query": UPDATE_INSERT}},
        {"method": "POST", "url": "/sparql", "data": {"update": UPDATE_INSERT}},
        {"method": "POST", "url": "/sparql", "data": {"query": f"# note\n{UPDATE_INSERT}"}},
        {
            "method": "POST",
            "url": "/sparql",
            "content": UPDATE_INSERT.encode(),
            "headers": {"Content-Type": "application/sparql-update"},
        },
        {
            "method": "POST",
            "url": "/sparql",
            "content": f"PREFIX ex: <{EX}> DELETE WHERE {{ ?s ex:p ?o }}".encode(),
            "headers": {"Content-Type": "application/sparql-query"},
        },
    ],
    ids=["get-update", "get-query", "form-update", "form-query", "direct-update", "direct-query"],
)
def test_update_is_refused(client: TestClient, request_args: dict[str, object]) -> None:
    response = client.request(**request_args)  # type: ignore[arg-type]
    assert response.status_code == 400
    assert "read-only" in error_message(response)
    assert values(sparql(client, SELECT_A)) == ["one", "two"]


def test_query_and_update_together(client: TestClient) -> None:
    response = client.post("/sparql", data={"query": ASK, "update": UPDATE_INSERT})
    assert response.status_code == 400
    assert "not both" in error_message(response)


def test_service_is_refused(client: TestClient) -> None:
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    response = sparql(client, query)
    assert response.status_code == 400
    assert "SERVICE" in error_message(response)


def test_load_is_refused(client: TestClient) -> None:
    response = client.post("/sparql", data={"query": "LOAD <http://example.org/data.ttl>"})
    assert response.status_code == 400
    assert "read-only" in error_message(response)


MANY_PREFIXES = "".join(f"PREFIX p{i}: <{EX}ns{i}#> # prefix {i}\n" for i in range(60))


def test_many_prefixes_are_screened_quickly(client: TestClient) -> None:
    """rdflib's SPARQLStore sends about thirty PREFIX lines; screening must stay linear."""
    assert values(sparql(client, MANY_PREFIXES + SELECT_A)) == ["one", "two"]
    update = client.post("/sparql", data={"query": MANY_PREFIXES + UPDATE_INSERT})
    assert update.status_code == 400 and "read-only" in error_message(update)
    service = sparql(client, MANY_PREFIXES + "SELECT * { SERVICE <http://a.example/> {} }")
    assert service.status_code == 400 and "SERVICE" in error_message(service)


# Limits: timeout and result size --------------------------------------------------------------

SLOW_GRAPH = EX + "graph/slow"
# Every pair of triples, and a string built for each pair: quadratic, with nothing to stream.
SLOW_QUERY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . "
    'FILTER (CONTAINS(CONCAT(STR(?c), STR(?f)), "never")) }'
)


def test_timeout_answers_503(tmp_path: Path) -> None:
    quads = [
        ox.Quad(
            ox.NamedNode(f"{EX}slow/{i}"),
            ox.NamedNode(EX + "p"),
            ox.Literal(f"value number {i}"),
            ox.NamedNode(SLOW_GRAPH),
        )
        for i in range(5000)
    ]
    with _client(tmp_path) as client:
        client.app.state.store.add_quads(quads)  # type: ignore[attr-defined]
        response = sparql(client, SLOW_QUERY, timeout="0.5", **{"default-graph-uri": SLOW_GRAPH})
        assert response.status_code == 503
        assert "timed out" in error_message(response)
        assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize(
    ("timeout", "status"),
    [("abc", 400), ("0", 400), ("-1", 400), ("nan", 400), ("1e9", 200), ("2.5", 200), ("", 200)],
)
def test_timeout_parameter(client: TestClient, timeout: str, status: int) -> None:
    response = sparql(client, ASK, timeout=timeout)
    assert response.status_code == status, response.text
    if status == 400:
        assert "timeout" in error_message(response)


def test_result_cap(tmp_path: Path) -> None:
    quads = [_quad(f"n{i}", f"number {i}", GRAPH_A) for i in range(10)]
    with _client(tmp_path, max_results=5) as client:
        client.app.state.store.add_quads(quads)  # type: ignore[attr-defined]
        too_many = sparql(client, SELECT_A)
        assert too_many.status_code == 400
        assert "more than 5" in error_message(too_many)
        limited = sparql(client, SELECT_A + " LIMIT 5")
        assert len(values(limited)) == 5
        construct = sparql(client, CONSTRUCT)
        assert construct.status_code == 400


# Dataset: default-graph-uri and named-graph-uri -----------------------------------------------

ANY_O = f"SELECT ?o WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?o"
NAMED_O = f"SELECT ?g ?o WHERE {{ GRAPH ?g {{ ?s <{EX}p> ?o }} }} ORDER BY ?o"


def test_default_graph_is_the_union_of_named_graphs(client: TestClient) -> None:
    assert values(sparql(client, ANY_O)) == ["one", "three", "two"]


def test_default_graph_uri(client: TestClient) -> None:
    response = sparql(client, ANY_O, **{"default-graph-uri": GRAPH_B})
    assert values(response) == ["three"]
    # With only default graphs given, the dataset has no named graphs.
    assert values(sparql(client, NAMED_O, **{"default-graph-uri": GRAPH_B})) == []


def test_several_default_graph_uris(client: TestClient) -> None:
    params = [("query", ANY_O), ("default-graph-uri", GRAPH_A), ("default-graph-uri", GRAPH_B)]
    assert values(client.get("/sparql", params=params)) == ["one", "three", "two"]


def test_named_graph_uri(client: TestClient) -> None:
    response = sparql(client, NAMED_O, **{"named-graph-uri": GRAPH_B})
    assert values(response) == ["three"]
    assert values(response, "g") == [GRAPH_B]


def test_protocol_dataset_overrides_from(client: TestClient) -> None:
    query = f"SELECT ?o FROM <{GRAPH_A}> WHERE {{ ?s <{EX}p> ?o }}"  # noqa: S608
    assert values(sparql(client, query, **{"default-graph-uri": GRAPH_B})) == ["three"]


def test_named_graph_uri_alone_leaves_the_default_graph_empty(client: TestClient) -> None:
    """https://www.w3.org/TR/sparql11-protocol/#dataset and sparql11-query §13.2."""
    assert values(sparql(client, ANY_O, **{"named-graph-uri": GRAPH_B})) == []


def test_query_from_applies_without_protocol_dataset(client: TestClient) -> None:
    """https://www.w3.org/TR/sparql11-query/#specifyingDataset"""
    query = f"SELECT ?o FROM <{GRAPH_A}> WHERE {{ ?s <{EX}p> ?o }}"  # noqa: S608
    assert values(sparql(client, query)) == ["one", "two"]


def test_dataset_parameters_in_a_form(client: TestClient) -> None:
    response = client.post(
        "/sparql", data={"query": NAMED_O, "named-graph-uri": [GRAPH_A, GRAPH_B]}
    )
    assert values(response) == ["one", "three", "two"]


def test_graph_uri_must_be_an_iri(client: TestClient) -> None:
    response = sparql(client, ANY_O, **{"default-graph-uri": "not an iri"})
    assert response.status_code == 400
    assert "default-graph-uri" in error_message(response)


# CORS, service description, query page --------------------------------------------------------


def test_cross_origin_get(client: TestClient) -> None:
    response = sparql(client, ASK, headers={"Origin": "https://example.com"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"


def test_cross_origin_preflight_for_direct_post(client: TestClient) -> None:
    response = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]


SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")


@pytest.mark.parametrize(
    ("params", "accept", "expected", "rdflib_format"),
    [
        ({}, None, "text/turtle", "turtle"),
        ({}, "*/*", "text/turtle", "turtle"),
        ({}, "application/ld+json", "application/ld+json", "json-ld"),
        ({}, "application/rdf+xml, text/turtle;q=0.5", "application/rdf+xml", "xml"),
        ({"format": "ntriples"}, BROWSER, "application/n-triples", "nt"),
    ],
)
def test_service_description(
    client: TestClient,
    params: dict[str, str],
    accept: str | None,
    expected: str,
    rdflib_format: str,
) -> None:
    response = client.get("/sparql", params=params, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert media_type(response) == expected
    assert "Accept" in response.headers["vary"]
    graph = Graph().parse(data=response.content, format=rdflib_format)
    service = graph.value(predicate=RDF.type, object=SD.Service, any=False)
    assert graph.value(service, SD.endpoint) == URIRef("http://testserver/sparql")
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    formats = set(graph.objects(service, SD.resultFormat))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV"):
        assert FORMATS[name] in formats
    for name in ("SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        assert FORMATS[name] in formats
    dataset = graph.value(service, SD.defaultDataset)
    assert graph.value(dataset, SD.defaultGraph) is not None


class _Form(HTMLParser):
    """Collects the form controls and labels of a page, and any external asset it loads."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, list[dict[str, str | None]]] = {}
        self.textarea = ""
        self._in_textarea = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.setdefault(tag, []).append(dict(attrs))
        self._in_textarea = tag == "textarea"

    def handle_endtag(self, tag: str) -> None:
        self._in_textarea = self._in_textarea and tag != "textarea"

    def handle_data(self, data: str) -> None:
        if self._in_textarea:
            self.textarea += data


def test_query_page_for_browsers(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert media_type(response) == "text/html"
    page = _Form()
    page.feed(response.text)
    (form,) = page.tags["form"]
    assert form["method"] == "get" and form["action"] == "/sparql"
    (textarea,) = page.tags["textarea"]
    assert textarea["name"] == "query"
    labels = {label.get("for") for label in page.tags["label"]}
    assert textarea["id"] in labels
    (select,) = page.tags["select"]
    assert select["name"] == "format" and select["id"] in labels
    assert "jakarta" in page.textarea.lower()
    # The editor (YASGUI) and its styles come from this server, never from elsewhere.
    assets = [s.get("src") for s in page.tags.get("script", []) if s.get("src")]
    assets += [link.get("href") for link in page.tags.get("link", [])]
    assert assets and all(a and (a.startswith("/static/") or a == "data:,") for a in assets)
    # The sample query runs.
    assert sparql(client, page.textarea).status_code == 200


def test_query_page_on_request(client: TestClient) -> None:
    response = client.get("/sparql", params={"format": "html"})
    assert media_type(response) == "text/html"


def test_no_description_format_fits(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in error_message(response)


def test_openapi_documents_the_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/sparql"])


def test_json_results_are_valid_json(client: TestClient) -> None:
    body = json.loads(sparql(client, ASK).content)
    assert body == {"head": {}, "boolean": True}
