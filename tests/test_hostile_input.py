"""Hostile input (issue 9, section 3): fuzzed RDF uploads, SPARQL injection through every REST
parameter, path traversal. Whatever is sent, the answer is a 4xx with a JSON error (or an
honest answer to valid input), never a 5xx, never a fetch, and the store is unchanged.
"""

from __future__ import annotations

import http.server
import json
import socket
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citypact import rdf_io
from citypact.app import STATIC_DIR, create_app
from citypact.curation.submissions import parse_upload

from .conftest import ROOT, settings_for

TOKEN = "tok-hostile-4Vb8nQ2s"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
MAX_BODY = 1_000_000
UPLOAD_TYPES = (
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
)
ENDPOINTS = ("/api/validate", "/api/submissions")
REFUSED = {400, 413, 415, 422}
LEAK_MARKERS = ("Traceback", "/work/", 'File "', "site-packages", ".py:", '.py"')
FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    # `unchanged` wraps all examples of a test: a change made by any of them fails it.
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
ID = "https://w3id.org/citypact/id/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
OUTSIDE = "http://example.org/fuzz-town"


# --- the app, and what must never happen -----------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self.hits.append(self.path)
        body = b'{"@context": {"label": "http://www.w3.org/2000/01/rdf-schema#label"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def listener() -> Iterator[str]:
    """A loopback HTTP server counting requests: every remote context or entity points here."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join(5)


class FetchAttempted(AssertionError):
    pass


@pytest.fixture(scope="module")
def no_network(listener: str) -> Iterator[list[str]]:
    """Any outgoing connection or urlopen from the server side fails the test (the listener
    itself is reached only by what the server would fetch, so it must stay unvisited too)."""
    attempts: list[str] = []
    mp = pytest.MonkeyPatch()
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: object) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append(repr(address))
            raise FetchAttempted(f"the server opened a connection to {address!r}")
        real_connect(self, address)  # type: ignore[arg-type]

    def urlopen(url: object, *args: object, **kwargs: object) -> None:
        attempts.append(repr(url))
        raise FetchAttempted(f"the server fetched {url!r}")

    mp.setattr(socket.socket, "connect", connect)
    mp.setattr(urllib.request, "urlopen", urlopen)
    yield attempts
    mp.undo()


@pytest.fixture(scope="module")
def client(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    no_network: list[str],
) -> Iterator[TestClient]:
    """The app on a fresh embedded store, with a write token and a 1 MB body limit."""
    settings_ = settings_for(
        "embedded",
        request,
        tmp_path_factory.mktemp("hostile"),
        write_tokens=TOKEN,
        max_body_bytes=MAX_BODY,
    )
    with TestClient(create_app(settings_), raise_server_exceptions=False) as test_client:
        yield test_client


def state(client: TestClient) -> tuple[int, list[str]]:
    """What a refused request must leave alone: the triple count and the named graphs."""
    store = client.app.state.store  # type: ignore[attr-defined]
    rows = store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    return store.triple_count(), sorted(row["g"].value for row in rows)


@pytest.fixture
def unchanged(client: TestClient, no_network: list[str]) -> Iterator[None]:
    """The store holds the same triples and graphs after the test, and nothing was fetched."""
    _Recorder.hits.clear()
    before = state(client)
    yield
    assert state(client) == before, "a hostile request changed the store"
    assert _Recorder.hits == [], f"the server fetched {_Recorder.hits}"
    assert no_network == [], f"the server tried to connect: {no_network}"


def assert_error(response: httpx.Response, allowed: set[int] = REFUSED) -> str:
    """A refusal with a JSON error body and no trace of the server's insides."""
    assert response.status_code in allowed, f"{response.status_code}: {response.text[:300]}"
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["status"] == response.status_code
    message = str(body["error"]["message"])
    assert message
    for marker in LEAK_MARKERS:
        assert marker not in response.text, f"{marker!r} in {response.text[:300]}"
    return message


def parses(body: bytes, media_type: str) -> bool:
    """The oracle: does the upload parser accept this body at all?"""
    try:
        parse_upload(body, media_type)
    except (rdf_io.RdfInputError, ValueError):
        return False
    return True


def upload(client: TestClient, endpoint: str, body: bytes, media_type: str) -> httpx.Response:
    return client.post(endpoint, content=body, headers={**AUTH, "Content-Type": media_type})


def check_upload(client: TestClient, endpoint: str, body: bytes, media_type: str) -> None:
    """Post the body; unparseable input is a 400 (413 past the limit), parseable input is
    validated (200, or 422 with the report) and never stored by these tests' inputs."""
    response = upload(client, endpoint, body, media_type)
    assert response.status_code < 500, response.text[:300]
    if len(body) > MAX_BODY:
        assert_error(response, {413})
    elif not parses(body, media_type):
        assert_error(response, {400})
    elif response.status_code != 200 or endpoint != "/api/validate":
        # 422: the validation report, or the namespace check's error (bodies here never
        # name entities under /id/, so a submission is always refused).
        assert response.status_code == 422, response.text[:300]


def post_refused(client: TestClient, body: bytes, media_type: str, allowed: set[int]) -> str:
    """Post to both endpoints; both must refuse with the same kind of answer."""
    messages = []
    for endpoint in ENDPOINTS:
        response = upload(client, endpoint, body, media_type)
        messages.append(assert_error(response, allowed))
    return messages[0]


# --- 1. fuzzing the upload parsers -----------------------------------------------------------


@FUZZ
@given(
    body=st.binary(max_size=4000),
    media_type=st.sampled_from(UPLOAD_TYPES),
    endpoint=st.sampled_from(ENDPOINTS),
)
def test_random_bytes(
    client: TestClient, unchanged: None, body: bytes, media_type: str, endpoint: str
) -> None:
    check_upload(client, endpoint, body, media_type)


def _documents(text: str) -> dict[str, str]:
    """A one-triple document in each upload syntax, with `text` as the label (escaped).

    The subject is outside /id/, so a submission is always refused (422) and stores nothing.
    """
    subject = OUTSIDE
    escaped = json.dumps(text)
    xml_text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return {
        "text/turtle": f"<{subject}> <{LABEL}> {escaped}@en .\n",
        "application/n-triples": f"<{subject}> <{LABEL}> {escaped}@en .\n",
        "application/ld+json": json.dumps(
            {"@id": subject, LABEL: {"@value": text, "@language": "en"}}
        ),
        "application/rdf+xml": (
            f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF xmlns:rdf="{RDF_NS}" '
            f'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
            f'<rdf:Description rdf:about="{subject}"><rdfs:label xml:lang="en">{xml_text}'
            "</rdfs:label></rdf:Description></rdf:RDF>"
        ),
    }


@FUZZ
@given(
    text=st.text(max_size=200),
    garbage=st.binary(min_size=1, max_size=8).filter(lambda b: not _is_utf8(b)),
    media_type=st.sampled_from(UPLOAD_TYPES),
    endpoint=st.sampled_from(ENDPOINTS),
)
def test_invalid_utf8_in_a_literal(
    client: TestClient, unchanged: None, text: str, garbage: bytes, media_type: str, endpoint: str
) -> None:
    document = _documents("@@@" + text)[media_type].encode()
    body = document.replace(b"@@@", garbage, 1)
    check_upload(client, endpoint, body, media_type)
    assert not parses(body, media_type), "invalid UTF-8 was accepted"


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@FUZZ
@given(
    text=st.text(max_size=300),
    media_type=st.sampled_from(UPLOAD_TYPES),
    endpoint=st.sampled_from(ENDPOINTS),
)
def test_arbitrary_text_in_a_literal(
    client: TestClient, unchanged: None, text: str, media_type: str, endpoint: str
) -> None:
    """Any unicode (controls, surrogates' neighbours, quotes, markup) in a label: parsed and
    validated, or refused as unparseable; the submission endpoint refuses the label alone."""
    check_upload(
        client, endpoint, _documents(text)[media_type].encode("utf-8", "replace"), media_type
    )


@settings(FUZZ, max_examples=8)
@given(
    size=st.integers(min_value=100_000, max_value=MAX_BODY - 2_000),
    char=st.sampled_from(["a", "é", "字", "\\n", "<", "&", '\\"']),
    media_type=st.sampled_from(UPLOAD_TYPES),
)
def test_huge_literals(
    client: TestClient, unchanged: None, size: int, char: str, media_type: str
) -> None:
    text = (char * size)[: size // max(1, len(char.encode()))]
    body = _documents(text)[media_type].encode()
    body = body[: MAX_BODY + 10] if len(body) > MAX_BODY else body
    check_upload(client, "/api/validate", body, media_type)


def test_a_body_just_over_the_limit_is_413(client: TestClient, unchanged: None) -> None:
    body = _documents("x" * MAX_BODY)["text/turtle"].encode()
    message = post_refused(client, body, "text/turtle", {413})
    assert str(MAX_BODY) in message


def _nested_jsonld(kind: str, depth: int) -> bytes:
    node = f'{{"@id": "{ID}city/deep", "http://e/p": '
    documents = {
        "objects": node * depth + '"v"' + "}" * depth,
        "arrays": node + "[" * depth + '"v"' + "]" * depth + "}",
        "plain": '{"a": ' * depth + "1" + "}" * depth,
        "lists": node + '{"@list": ' * depth + "[1]" + "}" * depth + "}",
        "contexts": '{"@context": {"x": {"@context": ' * depth + "{}" + "}}}" * depth,
        "graphs": '{"@graph": [' * depth + "{}" + "]}" * depth,
    }
    return documents[kind].encode()


@settings(FUZZ, max_examples=12)
@given(
    kind=st.sampled_from(["objects", "arrays", "plain", "lists", "contexts", "graphs"]),
    depth=st.integers(min_value=rdf_io.MAX_NESTING + 1, max_value=100_000),
)
def test_deeply_nested_jsonld_is_refused(
    client: TestClient, unchanged: None, kind: str, depth: int
) -> None:
    """Thousands of levels overflowed the JSON-LD parser's stack and killed the server."""
    message = post_refused(client, _nested_jsonld(kind, depth), "application/ld+json", {400, 413})
    assert "nested" in message or "larger" in message


def test_jsonld_nesting_within_the_limit_still_parses() -> None:
    depth = rdf_io.MAX_NESTING // 2 - 2
    assert parses(_nested_jsonld("objects", depth), "application/ld+json")
    assert parses(_nested_jsonld("arrays", depth), "application/ld+json")


def test_brackets_inside_json_strings_do_not_count() -> None:
    text = "[{" * 10_000 + '\\"' + "]}" * 5
    doc = json.dumps({"@id": f"{ID}city/x", LABEL: text}).encode()
    assert parses(doc, "application/ld+json")


def _nested_xml(depth: int, literal: bool) -> bytes:
    head = f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:e="http://e/"><rdf:Description rdf:about="{ID}x">'
    if literal:
        inner = '<e:p rdf:parseType="Literal">' + "<x>" * depth + "</x>" * depth + "</e:p>"
    else:
        inner = "<e:p><rdf:Description>" * depth + "</rdf:Description></e:p>" * depth
    return (head + inner + "</rdf:Description></rdf:RDF>").encode()


@settings(FUZZ, max_examples=8)
@given(depth=st.integers(min_value=rdf_io.MAX_NESTING, max_value=20_000), literal=st.booleans())
def test_deeply_nested_rdfxml_is_refused(
    client: TestClient, unchanged: None, depth: int, literal: bool
) -> None:
    """The RDF/XML parser's time grew with the square of the depth (40,000 levels: 8 s)."""
    message = post_refused(client, _nested_xml(depth, literal), "application/rdf+xml", {400, 413})
    assert "nested" in message or "larger" in message


@settings(FUZZ, max_examples=6)
@given(depth=st.integers(min_value=500, max_value=5_000), collection=st.booleans())
def test_deeply_nested_turtle_is_answered(
    client: TestClient, unchanged: None, depth: int, collection: bool
) -> None:
    """Turtle's parser is iterative: deep blank nodes and lists parse; the submission is
    refused (its subject is outside /id/), and nothing crashes."""
    opening, closing = ("( ", " )") if collection else ("[ <http://e/p> ", " ]")
    body = f"<{OUTSIDE}> <http://e/p> {opening * depth}1{closing * depth} .".encode()
    response = upload(client, "/api/submissions", body, "text/turtle")
    assert_error(response, {422})


# --- RDF/XML entities ------------------------------------------------------------------------


def _xml(doctype: str, label: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n{doctype}\n<rdf:RDF xmlns:rdf="{RDF_NS}" '
        f'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
        f'<rdf:Description rdf:about="{ID}city/xml-town"><rdfs:label>{label}</rdfs:label>'
        "</rdf:Description></rdf:RDF>"
    ).encode()


TARGETS = ["file:///etc/passwd", "file:///proc/self/environ", "/etc/hostname", "LISTENER/x"]


@FUZZ
@given(
    name=st.from_regex(r"[a-z][a-z0-9]{0,7}", fullmatch=True),
    target=st.sampled_from(TARGETS),
    form=st.sampled_from(["system", "public", "parameter", "dtd", "spaced"]),
)
def test_external_entities_are_refused_and_never_fetched(
    client: TestClient, unchanged: None, listener: str, name: str, target: str, form: str
) -> None:
    url = target.replace("LISTENER", listener)
    doctypes = {
        "system": f'<!DOCTYPE rdf:RDF [ <!ENTITY {name} SYSTEM "{url}"> ]>',
        "public": f'<!DOCTYPE rdf:RDF [ <!ENTITY {name} PUBLIC "-//x//y" "{url}"> ]>',
        "parameter": f'<!DOCTYPE rdf:RDF [ <!ENTITY % {name} SYSTEM "{url}"> %{name}; ]>',
        "dtd": f'<!DOCTYPE rdf:RDF SYSTEM "{url}">',
        "spaced": f"<!DOCTYPE rdf:RDF [\n<!ENTITY\n\t{name}\n  SYSTEM\n'{url}'\n>\n]>",
    }
    body = _xml(doctypes[form], f"&{name};")
    message = post_refused(client, body, "application/rdf+xml", {400})
    assert "root:" not in message


@settings(FUZZ, max_examples=10)
@given(
    levels=st.integers(min_value=2, max_value=12),
    fanout=st.integers(min_value=2, max_value=12),
    quoted=st.sampled_from(['"', "'"]),
)
def test_entity_expansion_is_refused(
    client: TestClient, unchanged: None, levels: int, fanout: int, quoted: str
) -> None:
    """Billion laughs in any shape: entities built from other entities are never expanded."""
    lines = [f"<!ENTITY e0 {quoted}lol{quoted}>"]
    for i in range(1, levels):
        lines.append(f"<!ENTITY e{i} {quoted}{f'&e{i - 1};' * fanout}{quoted}>")
    body = _xml("<!DOCTYPE rdf:RDF [\n" + "\n".join(lines) + "\n]>", f"&e{levels - 1};")
    message = post_refused(client, body, "application/rdf+xml", {400})
    assert "entit" in message


@settings(FUZZ, max_examples=6)
@given(size=st.integers(min_value=20_000, max_value=100_000), refs=st.integers(50, 400))
def test_quadratic_blowup_is_refused(
    client: TestClient, unchanged: None, size: int, refs: int
) -> None:
    body = _xml(f'<!DOCTYPE rdf:RDF [ <!ENTITY a "{"a" * size}"> ]>', "&a;" * refs)
    if len(body) > MAX_BODY or size * refs <= rdf_io.MAX_ENTITY_EXPANSION:
        return
    assert "entit" in post_refused(client, body, "application/rdf+xml", {400})


# --- JSON-LD remote contexts -----------------------------------------------------------------


@FUZZ
@given(
    where=st.sampled_from(["top", "list", "scoped", "import", "nested-node", "type-scoped"]),
    path=st.from_regex(r"/[a-z]{1,8}(\.jsonld)?", fullmatch=True),
    scheme=st.sampled_from(["LISTENER", "https://w3id.org/citypact", "file://"]),
)
def test_remote_contexts_are_never_fetched(
    client: TestClient, unchanged: None, listener: str, where: str, path: str, scheme: str
) -> None:
    url = scheme.replace("LISTENER", listener) + path
    node: dict[str, object] = {"@id": f"{ID}city/remote-town", "label": "Remote"}
    contexts: dict[str, object] = {
        "top": url,
        "list": [{"@vocab": "https://w3id.org/citypact/ontology#"}, url],
        "scoped": {"label": {"@id": LABEL, "@context": url}},
        "import": {"@import": url},
        "type-scoped": {
            "City": {"@id": "https://w3id.org/citypact/ontology#City", "@context": url}
        },
    }
    document: dict[str, object]
    if where == "nested-node":
        document = {"@id": f"{ID}city/a", "http://e/p": {"@context": url, **node}}
    else:
        document = {"@context": contexts[where], **node}
        if where == "type-scoped":
            document["@type"] = "City"
    body = json.dumps(document).encode()
    for endpoint in ENDPOINTS:
        response = upload(client, endpoint, body, "application/ld+json")
        assert_error(response, {400, 422})


def test_inline_contexts_still_work(client: TestClient, unchanged: None) -> None:
    body = json.dumps(
        {"@context": {"label": LABEL}, "@id": f"{ID}city/inline-town", "label": "Inline"}
    ).encode()
    assert upload(client, "/api/validate", body, "application/ld+json").status_code == 200


# --- 2. SPARQL injection through every REST parameter ------------------------------------------


INJECTIONS = [
    "jakarta> } ; DROP ALL ; #",
    '" } UNION { ?s ?p ?o } #',
    "x\n} SELECT * WHERE {?s ?p ?o}",
    "<http://evil>",
    "jakarta' OR '1'='1",
    "jakarta%3E%20%7D",
    "}} ; INSERT DATA { <http://e/s> <http://e/p> <http://e/o> } ; #",
    "UNDEF",
    "?city",
    "jakarta\u0000",
    "jakarta\u202e",
    "Jakarta",
    "jakarta-",
    "ジャカルタ",
    "a" * 5000,
    "-1",
    "1e999",
    "2025-13-45",
    "",
]


def _api_routes() -> list[tuple[str, str, str, str]]:
    """(method, path, parameter, where) for every path and query parameter under /api.

    Read from the app's OpenAPI document, so a new route or parameter is covered as soon as
    it exists (this FastAPI keeps included routers nested in app.routes; the document is the
    flat, public list).
    """
    from citypact.settings import Settings

    app = create_app(Settings(data_dir=Path("/nonexistent/never-opened")))  # type: ignore[call-arg]
    found = []
    for path, operations in app.openapi()["paths"].items():
        if not path.startswith("/api"):
            continue
        for method, operation in operations.items():
            for param in operation.get("parameters", []):
                if param["in"] in ("path", "query"):
                    found.append((method.upper(), path, param["name"], param["in"]))
    return found


API_PARAMETERS = _api_routes()
VALID_PATH = {"slug": "jakarta", "ident": "20250101T000000-00000000"}


def test_the_injection_test_covers_the_api() -> None:
    paths = {(m, p) for m, p, _, _ in API_PARAMETERS}
    assert ("GET", "/api/cities/{slug}/partners") in paths
    assert ("GET", "/api/agreements") in paths
    assert ("POST", "/api/submissions") in paths
    assert ("DELETE", "/api/submissions/{ident}") in paths
    assert len(API_PARAMETERS) >= 15


def _url(path: str, params: dict[str, str]) -> str:
    for name, value in params.items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    return path


@pytest.mark.parametrize(
    ("method", "path", "name", "where"),
    API_PARAMETERS,
    ids=[f"{m} {p} {n}" for m, p, n, _ in API_PARAMETERS],
)
def test_injection_through_every_api_parameter(
    client: TestClient, unchanged: None, method: str, path: str, name: str, where: str
) -> None:
    path_params = {k: v for k, v in VALID_PATH.items() if "{" + k + "}" in path}
    headers = {**AUTH, "Content-Type": "text/turtle"}
    for payload in INJECTIONS:
        params: dict[str, str] = {}
        if where == "path" and not payload:
            continue  # an empty segment is another route (the list), not an injection
        if where == "path":
            url = _url(path, {**path_params, name: payload})
        else:
            url = _url(path, path_params)
            params[name] = payload
        # Writes get an empty body, so that a payload that passes as a parameter is still
        # refused: nothing may be stored either way.
        response = client.request(method, url, params=params, headers=headers, content=b"")
        status = response.status_code
        assert status < 500, f"{payload!r}: {status} {response.text[:300]}"
        if status in (200, 201):
            # Only harmless free text may pass (a submission note), or a value the
            # parameter's own type reads (e.g. `strict`), never extra rows.
            pytest.fail(f"{method} {url} {params}: {status} {response.text[:300]}")
        if status not in (307, 308, 404, 405) or response.headers.get(
            "content-type", ""
        ).startswith("application/json"):
            assert_error(response, {400, 401, 403, 404, 405, 406, 413, 415, 422})


def test_injected_slugs_never_widen_a_list(client: TestClient, unchanged: None) -> None:
    """The same list, filtered by an injection, is refused rather than answered with more."""
    full = client.get("/api/agreements").json()["count"]
    for payload in INJECTIONS:
        for name in ("city", "sector", "type"):
            response = client.get("/api/agreements", params={name: payload})
            assert response.status_code in (404, 422), (name, payload, response.text[:200])
    assert client.get("/api/agreements").json()["count"] == full


# --- 3. path traversal ---------------------------------------------------------------------------


SECRETS = ("[build-system]", "root:x:0:0", "hatchling", "CITYPACT_WRITE_TOKENS")
TRAVERSALS = [
    "../pyproject.toml",
    "../../pyproject.toml",
    "../../../pyproject.toml",
    "../../../../../../../../etc/passwd",
    "..%2fpyproject.toml",
    "..%2f..%2f..%2fpyproject.toml",
    "%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
    "%2e%2e%2f%2e%2e%2f%2e%2e%2fpyproject.toml",
    "%252e%252e%252f%252e%252e%252fpyproject.toml",
    "..%252f..%252f..%252fetc%252fpasswd",
    "..\\..\\..\\pyproject.toml",
    "..%5c..%5c..%5cpyproject.toml",
    "....//....//....//etc/passwd",
    "%2fetc%2fpasswd",
    "/etc/passwd",
    "%00",
    "site.css%00.txt",
    "..%00/pyproject.toml",
    "%c0%ae%c0%ae/%c0%ae%c0%ae/pyproject.toml",
    "..;/..;/pyproject.toml",
]
PREFIXES = [
    "/static/",
    "/dumps/",
    "/id/city/",
    "/id/",
    "/ontology.",
    "/ontology/",
    "/dataset.",
    "/.well-known/genid/",
    "/.well-known/void.",
    "/sitemaps/",
    "/questions/",
    "/timeline/",
    "/api/cities/",
]


def _static_files() -> set[bytes]:
    return {p.read_bytes() for p in STATIC_DIR.rglob("*") if p.is_file()}


@pytest.mark.parametrize("prefix", PREFIXES)
def test_path_traversal(client: TestClient, unchanged: None, prefix: str) -> None:
    served_static = _static_files()
    outside = (ROOT / "pyproject.toml").read_bytes()
    for attempt in TRAVERSALS:
        raw = (prefix + attempt).encode()
        url = httpx.URL("http://testserver").copy_with(raw_path=raw)
        for accept in ("*/*", "text/turtle", "text/html"):
            response = client.get(url, headers={"Accept": accept}, follow_redirects=False)
            where = f"{raw!r} ({accept})"
            assert response.status_code < 500, f"{where}: {response.status_code}"
            assert response.content != outside, where
            for secret in SECRETS:
                assert secret not in response.text, f"{where} leaked {secret!r}"
            if response.status_code == 200 and prefix == "/static/":
                assert response.content in served_static, where


def test_static_files_are_still_served(client: TestClient) -> None:
    """The guard above would pass on a server that serves nothing: prove it serves."""
    name = next(p for p in STATIC_DIR.rglob("*") if p.is_file()).relative_to(STATIC_DIR)
    assert client.get(f"/static/{name.as_posix()}").status_code == 200
