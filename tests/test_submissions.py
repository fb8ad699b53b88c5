"""/api/validate and /api/submissions end to end, on the embedded store and an Oxigraph server.

Each backend gets its own app with write tokens. The Oxigraph server is shared by the whole
session, so every submission made here is dropped again when the module ends.
"""

from __future__ import annotations

import http.server
import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SH

from citypact import rdf_io
from citypact.app import create_app
from citypact.curation.submissions import SUBMISSION_PREFIX
from citypact.store.backends import META_GRAPH
from citypact.validation.validator import Validator

from .conftest import TEST_DATA, settings_for

BACKENDS = ("embedded", "oxigraph")
TOKEN_A = "tok-a-7Qx2mP9v"
TOKEN_B = "tok-b-Lr5wK8zN"
WRONG_TOKEN = "tok-wrong-Hs3dF6jY"
AUTH = {"Authorization": f"Bearer {TOKEN_A}"}
MAX_BODY = 100_000

ID = "https://w3id.org/citypact/id/"
VALID = TEST_DATA / "valid"
INVALID = TEST_DATA / "invalid"
SUBMISSIONS = TEST_DATA / "submissions"
NEW_AGREEMENT = VALID / "new-agreement.ttl"
NEW_AGREEMENT_SLUG = "test-mou-2025-10-01"
NO_COORDINATES = VALID / "place-without-coordinates.ttl"
SYNTAXES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
LEAK_MARKERS = ("Traceback", "/work/", 'File "', "site-packages", ".py:", '.py"')


# --- fixtures and helpers ------------------------------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """The app on one backend, with two write tokens and a small body limit."""
    settings = settings_for(
        request.param,
        request,
        tmp_path_factory.mktemp(f"submissions-{request.param}"),
        write_tokens=f"{TOKEN_A},{TOKEN_B}",
        max_body_bytes=MAX_BODY,
    )
    with TestClient(create_app(settings)) as test_client:
        test_client.backend = request.param  # type: ignore[attr-defined]
        yield test_client
        for iri in submission_graphs(test_client):
            drop(test_client, iri)


def submission_graphs(client: TestClient) -> list[str]:
    """Submission graphs in the store, and submissions the meta graph records."""
    store = client.app.state.store  # type: ignore[attr-defined]
    rows = store.select(
        f"SELECT DISTINCT ?g WHERE {{ {{ GRAPH ?g {{ ?s ?p ?o }} }} UNION "
        f"{{ GRAPH <{META_GRAPH}> {{ ?g ?p ?o }} }} "
        f'FILTER (STRSTARTS(STR(?g), "{SUBMISSION_PREFIX}")) }}'
    ).rows
    return sorted(row["g"].value for row in rows)


def drop(client: TestClient, iri: str) -> None:
    """Remove a submission behind the service's back (clean-up only: no validation)."""
    client.app.state.store.update(  # type: ignore[attr-defined]
        f"DROP SILENT GRAPH <{iri}> ;\nDELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{iri}> ?p ?o }} }}"
    )


@pytest.fixture
def cleanup(client: TestClient) -> Iterator[list[str]]:
    """Submission IRIs to drop after the test, whatever happened to them."""
    made: list[str] = []
    yield made
    for iri in made:
        drop(client, iri)


def state(client: TestClient) -> tuple[int, list[str]]:
    """What must not change after a refused or read-only request: the store's size and the
    submissions listed."""
    count = client.app.state.store.triple_count()  # type: ignore[attr-defined]
    listed = client.get("/api/submissions")
    assert listed.status_code == 200
    return count, sorted(s["iri"] for s in listed.json()["data"])


def graph_size(client: TestClient, iri: str) -> int:
    rows = client.app.state.store.select(  # type: ignore[attr-defined]
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
    ).rows
    return int(rows[0]["n"].value)


def read_graph(path: Path) -> Graph:
    return rdf_io.quads_to_graph(rdf_io.read_file(path))


def post(
    client: TestClient,
    path: str,
    body: bytes | str,
    media_type: str = "text/turtle",
    headers: dict[str, str] | None = None,
    **params: str,
) -> httpx.Response:
    return client.post(
        path,
        content=body.encode() if isinstance(body, str) else body,
        params=params,
        headers={"Content-Type": media_type, **(headers or {})},
    )


def submit(
    client: TestClient, path_or_body: Path | bytes, cleanup: list[str] | None = None, **params: str
) -> httpx.Response:
    body = path_or_body.read_bytes() if isinstance(path_or_body, Path) else path_or_body
    response = post(client, "/api/submissions", body, headers=AUTH, **params)
    if response.status_code == 201 and cleanup is not None:
        cleanup.append(response.json()["iri"])
    return response


def expectations(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    return dict(re.findall(r"^# expect-(\w+): (\S+)$", text, flags=re.MULTILINE))


def assert_clean(response: httpx.Response) -> None:
    """No stack trace or server file path in an answer."""
    for marker in LEAK_MARKERS:
        assert marker not in response.text, f"{marker!r} in {response.text[:500]}"


def error_message(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"error"} and body["error"]["status"] == response.status_code
    return str(body["error"]["message"])


def messages_by_language(validator: Validator) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for message in validator.shapes.objects(None, SH.message):
        if isinstance(message, Literal) and message.language:
            out.setdefault(message.language, set()).add(str(message))
    return out


# --- /api/validate -------------------------------------------------------------------------


@pytest.mark.parametrize("media_type", SYNTAXES)
def test_validate_reads_every_rdf_syntax(client: TestClient, media_type: str) -> None:
    body = read_graph(NEW_AGREEMENT).serialize(format=SYNTAXES[media_type], encoding="utf-8")
    before = state(client)
    response = post(client, "/api/validate", body, media_type)
    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary["conforms"] is True
    assert summary["violations"] == 0
    assert isinstance(summary["results"], list)
    assert state(client) == before  # validating stores nothing


@pytest.mark.parametrize("media_type", SYNTAXES)
def test_validate_reports_violations_in_every_syntax(client: TestClient, media_type: str) -> None:
    path = INVALID / "agreement-party-is-a-person.ttl"
    body = read_graph(path).serialize(format=SYNTAXES[media_type], encoding="utf-8")
    response = post(client, "/api/validate", body, media_type)
    assert response.status_code == 200
    summary = response.json()
    assert summary["conforms"] is False and summary["violations"] >= 1
    assert expectations(path)["focus"] in {r["focus_node"] for r in summary["results"]}


def test_validate_summary_fields_and_languages(client: TestClient, validator: Validator) -> None:
    path = INVALID / "agreement-party-is-a-person.ttl"
    expected = expectations(path)
    body = path.read_bytes()
    english = post(client, "/api/validate", body).json()
    indonesian = post(client, "/api/validate", body, lang="id").json()

    def the_result(summary: dict) -> dict:
        (found,) = [
            r
            for r in summary["results"]
            if r["focus_node"] == expected["focus"]
            and r["shape"] == expected["shape"]
            and r["path"] == expected["path"]
        ]
        return found

    result_en, result_id = the_result(english), the_result(indonesian)
    assert {"focus_node", "path", "value", "message", "shape", "severity"} <= set(result_en)
    assert result_en["severity"] == "Violation"
    assert result_en["value"] == ID + "person/pramono-anung"
    known = messages_by_language(validator)
    assert result_en["message"] in known["en"]
    assert result_id["message"] in known["id"]
    assert result_id["message"] != result_en["message"]
    assert {k: v for k, v in result_en.items() if k != "message"} == {
        k: v for k, v in result_id.items() if k != "message"
    }


def test_validate_sparql_messages_are_indonesian_too(client: TestClient) -> None:
    """Messages of SHACL-SPARQL constraints carry the values, in the asked language."""
    body = (INVALID / "signature-post-not-held-on-date.ttl").read_bytes()
    summary = post(client, "/api/validate", body, lang="id").json()
    messages = [r["message"] for r in summary["results"] if r["shape"].endswith("OnDate")]
    assert messages and all(m.startswith("Penanda tangan") for m in messages)


@pytest.mark.parametrize(
    ("accept", "syntax"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld")]
)
@pytest.mark.parametrize(
    "path", [INVALID / "agreement-one-party.ttl", NEW_AGREEMENT], ids=lambda p: p.stem
)
def test_validate_report_as_rdf(client: TestClient, accept: str, syntax: str, path: Path) -> None:
    before = state(client)
    response = post(client, "/api/validate", path.read_bytes(), headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    report = Graph().parse(data=response.text, format=syntax)
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    conforms = report.value(node, SH.conforms)
    assert conforms is not None
    results = list(report.objects(node, SH.result))
    if path == NEW_AGREEMENT:
        assert conforms.toPython() is True
        assert not any(report.value(r, SH.resultSeverity) == SH.Violation for r in results)
    else:
        assert conforms.toPython() is False
        focus = URIRef(expectations(path)["focus"])
        assert focus in {report.value(r, SH.focusNode) for r in results}
    assert state(client) == before


def test_validate_needs_no_token(client: TestClient) -> None:
    response = post(client, "/api/validate", NEW_AGREEMENT.read_bytes())
    assert response.status_code == 200


def test_unacceptable_report_type_is_406_before_anything_is_stored(client: TestClient) -> None:
    before = state(client)
    for path in ("/api/validate", "/api/submissions"):
        response = post(
            client, path, NEW_AGREEMENT.read_bytes(), headers={**AUTH, "Accept": "image/png"}
        )
        assert response.status_code == 406, response.text
    assert state(client) == before


# --- authorisation -------------------------------------------------------------------------


def test_submitting_without_a_token_is_401(client: TestClient) -> None:
    before = state(client)
    for headers in ({}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer "}):
        response = post(client, "/api/submissions", NEW_AGREEMENT.read_bytes(), headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert error_message(response)
    assert state(client) == before


def test_a_wrong_token_is_403(client: TestClient) -> None:
    before = state(client)
    response = post(
        client,
        "/api/submissions",
        NEW_AGREEMENT.read_bytes(),
        headers={"Authorization": f"Bearer {WRONG_TOKEN}"},
    )
    assert response.status_code == 403
    assert state(client) == before


def test_either_configured_token_may_write(client: TestClient, cleanup: list[str]) -> None:
    response = post(
        client,
        "/api/submissions",
        NO_COORDINATES.read_bytes(),
        headers={"Authorization": f"Bearer {TOKEN_B}"},
    )
    assert response.status_code == 201, response.text
    cleanup.append(response.json()["iri"])


def test_writes_are_off_without_configured_tokens(
    client: TestClient, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    backend = client.backend  # type: ignore[attr-defined]
    settings = settings_for(backend, request, tmp_path)
    with TestClient(create_app(settings)) as readonly:
        before = readonly.app.state.store.triple_count()  # type: ignore[attr-defined]
        for token in (TOKEN_A, WRONG_TOKEN):
            response = post(
                readonly,
                "/api/submissions",
                NEW_AGREEMENT.read_bytes(),
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.status_code == 403
            assert "CITYPACT_WRITE_TOKENS" in error_message(response)
        assert (
            readonly.delete("/api/submissions/20250101T000000-abcdef01", headers=AUTH).status_code
            == 403
        )
        assert readonly.app.state.store.triple_count() == before  # type: ignore[attr-defined]


def test_tokens_never_appear_in_answers_or_logs(
    client: TestClient, cleanup: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    answers: list[httpx.Response] = []
    bad = {"Authorization": f"Bearer {WRONG_TOKEN}"}
    answers.append(created := submit(client, NO_COORDINATES, cleanup))
    assert created.status_code == 201
    ident = created.json()["id"]
    answers.append(submit(client, (INVALID / "agreement-one-party.ttl").read_bytes()))
    answers.append(submit(client, b"@prefix broken"))
    answers.append(post(client, "/api/submissions", NEW_AGREEMENT.read_bytes(), headers=bad))
    answers.append(post(client, "/api/submissions", b"x", "text/plain", headers=AUTH))
    answers.append(client.get(f"/api/submissions/{ident}", headers=AUTH))
    answers.append(client.get("/api/submissions", headers=AUTH))
    answers.append(client.delete(f"/api/submissions/{ident}", headers=bad))
    answers.append(client.delete("/api/submissions/20250101T000000-abcdef01", headers=AUTH))
    answers.append(client.delete(f"/api/submissions/{ident}", headers=AUTH))
    assert [a.status_code for a in answers] == [201, 422, 400, 403, 415, 200, 200, 403, 404, 200]
    for answer in answers:
        assert_clean(answer)
        exposed = answer.text + json.dumps(dict(answer.headers))
        for token in (TOKEN_A, TOKEN_B, WRONG_TOKEN):
            assert token not in exposed
    for token in (TOKEN_A, TOKEN_B, WRONG_TOKEN):
        assert token not in caplog.text
        assert all(token not in str(r.__dict__) for r in caplog.records)


# --- submissions ---------------------------------------------------------------------------


def test_submission_lifecycle(client: TestClient, cleanup: list[str]) -> None:
    submitted = read_graph(NEW_AGREEMENT)
    before = state(client)
    agreements = {a["slug"] for a in client.get("/api/agreements").json()["data"]}
    assert NEW_AGREEMENT_SLUG not in agreements

    response = submit(
        client,
        NEW_AGREEMENT,
        cleanup,
        submitter="Test Curator",
        note="A memorandum for the tests",
        source="https://example.org/news/test-article",
    )
    assert response.status_code == 201, response.text
    body = response.json()
    iri, ident = body["iri"], body["id"]
    assert iri == SUBMISSION_PREFIX + ident
    assert response.headers["location"] == f"/api/submissions/{ident}"
    assert body["triples"] == len(submitted)
    assert body["conforms"] is True

    # Its own named graph, holding exactly the submitted triples.
    store = client.app.state.store  # type: ignore[attr-defined]
    assert store.has_graph(iri)
    assert graph_size(client, iri) == len(submitted)
    assert store.triple_count() > before[0]

    # Provenance in the listing.
    listed = client.get("/api/submissions").json()
    (entry,) = [s for s in listed["data"] if s["iri"] == iri]
    assert entry["id"] == ident
    assert entry["creator"] == "Test Curator"
    assert entry["note"] == "A memorandum for the tests"
    assert entry["source"] == "https://example.org/news/test-article"
    assert entry["triples"] == len(submitted)
    created = datetime.fromisoformat(entry["created"].replace("Z", "+00:00"))
    assert abs((datetime.now(created.tzinfo) - created).total_seconds()) < 600
    assert listed["count"] == len(before[1]) + 1

    # The agreement is now part of the graph the API answers from.
    agreements = {a["slug"]: a for a in client.get("/api/agreements").json()["data"]}
    assert NEW_AGREEMENT_SLUG in agreements
    assert agreements[NEW_AGREEMENT_SLUG]["date"] == "2025-10-01"
    detail = client.get(f"/api/agreements/{NEW_AGREEMENT_SLUG}")
    assert detail.status_code == 200

    # One submission: metadata with its triples, or the triples alone.
    one = client.get(f"/api/submissions/{ident}")
    assert one.status_code == 200
    data = one.json()
    assert data["iri"] == iri and data["triples"] == len(submitted)
    assert data["creator"] == "Test Curator"
    assert isomorphic(Graph().parse(data=data["triples_turtle"], format="turtle"), submitted)
    turtle = client.get(f"/api/submissions/{ident}", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert isomorphic(Graph().parse(data=turtle.text, format="turtle"), submitted)
    nt = client.get(f"/api/submissions/{ident}", headers={"Accept": "application/n-triples"})
    assert len(Graph().parse(data=nt.text, format="nt")) == len(submitted)

    # Retraction: token required, then everything is back as it was.
    assert client.delete(f"/api/submissions/{ident}").status_code == 401
    assert (
        client.delete(
            f"/api/submissions/{ident}", headers={"Authorization": f"Bearer {WRONG_TOKEN}"}
        ).status_code
        == 403
    )
    assert store.has_graph(iri)
    retracted = client.delete(f"/api/submissions/{ident}", headers=AUTH)
    assert retracted.status_code == 200, retracted.text
    assert retracted.json()["retracted"] is True
    assert retracted.json()["triples"] == len(submitted)
    assert not store.has_graph(iri)
    assert state(client) == before
    agreements = {a["slug"] for a in client.get("/api/agreements").json()["data"]}
    assert NEW_AGREEMENT_SLUG not in agreements
    assert client.get(f"/api/submissions/{ident}").status_code == 404
    assert client.delete(f"/api/submissions/{ident}", headers=AUTH).status_code == 404


def test_submission_report_in_turtle(client: TestClient, cleanup: list[str]) -> None:
    response = post(
        client,
        "/api/submissions",
        NO_COORDINATES.read_bytes(),
        headers={**AUTH, "Accept": "text/turtle"},
    )
    assert response.status_code == 201
    ident = response.headers["location"].rsplit("/", 1)[1]
    cleanup.append(SUBMISSION_PREFIX + ident)
    report = Graph().parse(data=response.text, format="turtle")
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms).toPython() is True  # warnings only
    assert client.get(f"/api/submissions/{ident}").status_code == 200


def test_warnings_are_accepted_unless_strict(client: TestClient, cleanup: list[str]) -> None:
    before = state(client)
    strict = submit(client, NO_COORDINATES, cleanup, strict="true")
    assert strict.status_code == 422
    summary = strict.json()
    assert summary["conforms"] is False
    assert summary["violations"] == 0 and summary["warnings"] > 0
    paths = {r["path"] for r in summary["results"] if r["focus_node"] == ID + "city/test-town"}
    assert "http://www.opengis.net/ont/geosparql#hasGeometry" in paths
    assert state(client) == before

    lenient = submit(client, NO_COORDINATES, cleanup)
    assert lenient.status_code == 201
    assert lenient.json()["warnings"] > 0 and lenient.json()["conforms"] is True


NON_CONFORMING = [
    INVALID / "agreement-party-is-a-person.ttl",
    INVALID / "tenure-end-before-start.ttl",
    INVALID / "signature-post-not-held-on-date.ttl",
    INVALID / "entity-without-english-or-indonesian-label.ttl",
    INVALID / "commitment-duplicate-sector.ttl",
    SUBMISSIONS / "existing" / "tenure-ends-before-signing.ttl",
]


@pytest.mark.parametrize("path", NON_CONFORMING, ids=lambda p: p.stem)
def test_non_conforming_submission_is_422_and_stores_nothing(
    client: TestClient, cleanup: list[str], path: Path
) -> None:
    before = state(client)
    response = submit(client, path, cleanup)
    assert response.status_code == 422, response.text
    assert_clean(response)
    summary = response.json()
    assert summary["conforms"] is False and summary["violations"] >= 1
    assert "iri" not in summary
    text = path.read_text(encoding="utf-8")
    focus = re.findall(r"^# expect(?:-focus)?: (\S+)", text, flags=re.MULTILINE)
    assert focus
    violated = {r["focus_node"] for r in summary["results"] if r["severity"] == "Violation"}
    assert set(focus) <= violated
    assert state(client) == before


def test_retraction_that_would_break_other_data_is_refused(
    client: TestClient, cleanup: list[str]
) -> None:
    """A adds a local government and its town; B an agreement with that government as party.
    A cannot go while B stays; B, then A, can."""
    before = state(client)
    a = submit(client, SUBMISSIONS / "retraction-a-government.ttl", cleanup)
    assert a.status_code == 201, a.text
    b = submit(client, SUBMISSIONS / "retraction-b-agreement.ttl", cleanup)
    assert b.status_code == 201, b.text
    with_both = state(client)

    refused = client.delete(f"/api/submissions/{a.json()['id']}", headers=AUTH)
    assert refused.status_code == 422, refused.text
    report = refused.json()
    assert report["retracted"] is False and report["conforms"] is False
    agreement = ID + "agreement/test-new-town-jakarta-mou-2025-09-01"
    assert any(
        r["focus_node"] == agreement
        and r["path"] == "https://w3id.org/citypact/ontology#party"
        and r["severity"] == "Violation"
        for r in report["results"]
    ), report["results"]
    assert state(client) == with_both

    refused_rdf = client.delete(
        f"/api/submissions/{a.json()['id']}", headers={**AUTH, "Accept": "text/turtle"}
    )
    assert refused_rdf.status_code == 422
    graph = Graph().parse(data=refused_rdf.text, format="turtle")
    assert URIRef(agreement) in set(graph.objects(None, SH.focusNode))

    assert client.delete(f"/api/submissions/{b.json()['id']}", headers=AUTH).status_code == 200
    assert client.delete(f"/api/submissions/{a.json()['id']}", headers=AUTH).status_code == 200
    assert state(client) == before


def test_retraction_removes_only_the_submission_graph(
    client: TestClient, cleanup: list[str]
) -> None:
    """A submission may restate bundled triples; retracting it leaves the bundled ones alone."""
    restated = f'<{ID}city/jakarta> <http://www.w3.org/2000/01/rdf-schema#label> "Jakarta"@en .\n'
    before = state(client)
    response = submit(client, NO_COORDINATES.read_bytes() + b"\n" + restated.encode(), cleanup)
    assert response.status_code == 201, response.text
    assert response.json()["triples"] == len(read_graph(NO_COORDINATES)) + 1
    retracted = client.delete(f"/api/submissions/{response.json()['id']}", headers=AUTH)
    assert retracted.status_code == 200
    assert state(client) == before
    assert client.get("/api/cities/jakarta").json()["label"] == "Jakarta"


@pytest.mark.parametrize("ident", ["20250101T000000-abcdef01", "nope", "..%2F..%2Fetc"])
def test_unknown_submission_is_404(client: TestClient, ident: str) -> None:
    before = state(client)
    for response in (
        client.get(f"/api/submissions/{ident}"),
        client.delete(f"/api/submissions/{ident}", headers=AUTH),
    ):
        assert response.status_code == 404
        assert error_message(response)
        assert_clean(response)
    assert state(client) == before


def test_a_submission_that_overruns_its_time_is_not_stored(
    client: TestClient, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """A write is never abandoned half-way: past its deadline it is refused (503), and what
    the client is told is what happened."""
    backend = client.backend  # type: ignore[attr-defined]
    settings = settings_for(backend, request, tmp_path, write_tokens=TOKEN_A, query_timeout=0.01)
    with TestClient(create_app(settings)) as hurried:
        # Only the write's own deadline (10 x 0.01 s) is short: the validator's queries keep
        # ample time, so the refusal comes from the deadline check before the commit.
        incremental = hurried.app.state.submissions.validator  # type: ignore[attr-defined]
        incremental.timeout = 60.0
        # Validation is fast; make this one outlast the deadline.
        validate_addition = incremental.validate_addition

        def slow_validation(additions: Graph) -> object:
            time.sleep(0.3)
            return validate_addition(additions)

        incremental.validate_addition = slow_validation
        store = hurried.app.state.store  # type: ignore[attr-defined]
        before = store.triple_count(), submission_graphs(hurried)
        response = submit(hurried, NEW_AGREEMENT)
        assert response.status_code == 503, response.text
        assert "nothing was changed" in error_message(response)
        assert (store.triple_count(), submission_graphs(hurried)) == before


# --- bad input -----------------------------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.end_headers()
        self.wfile.write(b'{"@context": {"label": "http://www.w3.org/2000/01/rdf-schema#label"}}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def listener() -> Iterator[str]:
    """A local HTTP server that records every request: nothing may ever be fetched from it."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join(5)


def _xml(doctype: str, label: str) -> bytes:
    return f"""<?xml version="1.0"?>
{doctype}
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"
         xmlns:cp="https://w3id.org/citypact/ontology#">
  <cp:City rdf:about="https://w3id.org/citypact/id/city/test-xml-town">
    <rdfs:label xml:lang="en">{label}</rdfs:label>
  </cp:City>
</rdf:RDF>
""".encode()


BILLION_LAUGHS = _xml(
    '<!DOCTYPE rdf:RDF [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + "]>",
    "&lol9;",
)
QUADRATIC_BLOWUP = _xml(f'<!DOCTYPE rdf:RDF [ <!ENTITY a "{"a" * 50_000}"> ]>', "&a;" * 40)


def bad_inputs(listener_url: str) -> list[tuple[str, bytes, str, int, str]]:
    """(name, body, media type, status, words the message must hold)."""
    nt = "application/n-triples"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    return [
        (
            "turtle-syntax-error",
            b"@prefix cp: <https://w3id.org/citypact/ontology#> .\n\n"
            b"<https://w3id.org/citypact/id/city/x> a cp:City ;\n"
            b'  cp:label "x"@en ,, .\n',
            "text/turtle",
            400,
            "line 4",
        ),
        (
            "ntriples-syntax-error",
            b"<https://w3id.org/citypact/id/city/x> <p> .\n",
            nt,
            400,
            "line 1",
        ),
        (
            "jsonld-syntax-error",
            b'{"@id": "https://w3id.org/citypact/id/city/x", ',
            "application/ld+json",
            400,
            "line 1",
        ),
        ("rdfxml-syntax-error", b"<rdf:RDF", "application/rdf+xml", 400, "does not parse"),
        ("unsupported-type", b"city,label\njakarta,Jakarta\n", "text/csv", 415, "text/turtle"),
        ("no-type", b"<a> <b> <c> .", "", 415, "text/turtle"),
        ("datasets-not-accepted", b"<a> <b> <c> <d> .", "application/n-quads", 415, "text/turtle"),
        ("too-large", b"# padding\n" * (MAX_BODY // 10 + 1), "text/turtle", 413, str(MAX_BODY)),
        (
            "ontology-term",
            f'<https://w3id.org/citypact/ontology#City> {label} "Kota"@id .\n'.encode(),
            nt,
            422,
            "ontology",
        ),
        (
            "sector-term",
            f'<{ID}sector/flood-management> {label} "Banjir"@id .\n'.encode(),
            nt,
            422,
            "sector",
        ),
        (
            "subclass-axiom",
            f"<{ID}city/x> <http://www.w3.org/2000/01/rdf-schema#subClassOf> "
            "<https://w3id.org/citypact/ontology#City> .\n".encode(),
            nt,
            422,
            "subClassOf",
        ),
        (
            "shapes-term",
            f'<https://w3id.org/citypact/shapes#LabelShape> {label} "x"@en .\n'.encode(),
            nt,
            422,
            "ontology or shapes",
        ),
        (
            "entity-outside-id",
            f"<http://example.org/city/x> a <https://w3id.org/citypact/ontology#City> ; "
            f'{label} "x"@en .\n'.encode(),
            "text/turtle",
            422,
            "https://w3id.org/citypact/id/",
        ),
        ("empty", b"# nothing\n", "text/turtle", 422, "no triples"),
        ("billion-laughs", BILLION_LAUGHS, "application/rdf+xml", 400, "entit"),
        ("quadratic-blowup", QUADRATIC_BLOWUP, "application/rdf+xml", 400, "entit"),
        (
            "external-entity",
            _xml(f'<!DOCTYPE rdf:RDF [ <!ENTITY ext SYSTEM "{listener_url}/secret"> ]>', "&ext;"),
            "application/rdf+xml",
            400,
            "entit",
        ),
        (
            "local-file-entity",
            _xml('<!DOCTYPE rdf:RDF [ <!ENTITY ext SYSTEM "file:///etc/passwd"> ]>', "&ext;"),
            "application/rdf+xml",
            400,
            "entit",
        ),
        (
            "parameter-entity",
            _xml(f'<!DOCTYPE rdf:RDF [ <!ENTITY % ext SYSTEM "{listener_url}/dtd"> %ext; ]>', "x"),
            "application/rdf+xml",
            400,
            "entit",
        ),
        (
            "external-dtd",
            _xml(f'<!DOCTYPE rdf:RDF SYSTEM "{listener_url}/rdf.dtd">', "&ext;"),
            "application/rdf+xml",
            400,
            "does not parse",
        ),
        (
            "jsonld-remote-context",
            json.dumps(
                {
                    "@context": f"{listener_url}/context.jsonld",
                    "@id": "https://w3id.org/citypact/id/city/test-jsonld-town",
                    "label": "Test",
                }
            ).encode(),
            "application/ld+json",
            400,
            "context",
        ),
        (
            "jsonld-remote-context-in-list",
            json.dumps(
                {
                    "@context": [
                        {"@vocab": "https://w3id.org/citypact/ontology#"},
                        f"{listener_url}/c",
                    ],
                    "@id": "https://w3id.org/citypact/id/city/test-jsonld-town",
                    "label": "Test",
                }
            ).encode(),
            "application/ld+json",
            400,
            "context",
        ),
    ]


BAD_INPUT_NAMES = [case[0] for case in bad_inputs("http://127.0.0.1:9")]


@pytest.mark.parametrize("endpoint", ["/api/validate", "/api/submissions"])
@pytest.mark.parametrize("name", BAD_INPUT_NAMES)
def test_bad_input_is_refused_cleanly(
    client: TestClient, listener: str, endpoint: str, name: str
) -> None:
    (case,) = [c for c in bad_inputs(listener) if c[0] == name]
    _name, body, media_type, status, words = case
    _Recorder.hits.clear()
    before = state(client)
    response = post(client, endpoint, body, media_type, headers=AUTH)
    assert response.status_code == status, response.text[:500]
    message = error_message(response)
    assert words.lower() in message.lower(), message
    if status == 400 and "line" in words:
        assert "column" in message
    assert_clean(response)
    assert _Recorder.hits == [], "the server fetched a remote resource"
    assert state(client) == before


def test_a_body_over_the_limit_without_a_length_is_413(client: TestClient) -> None:
    """A chunked body (no Content-Length) is cut off once it passes the limit."""
    before = state(client)

    def chunks() -> Iterator[bytes]:
        for _ in range(MAX_BODY // 1000 + 2):
            yield b"#" * 999 + b"\n"

    response = client.post(
        "/api/submissions", content=chunks(), headers={**AUTH, "Content-Type": "text/turtle"}
    )
    assert response.status_code == 413
    assert_clean(response)
    assert state(client) == before


def test_syntax_error_position_is_the_real_one(client: TestClient) -> None:
    body = NEW_AGREEMENT.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(body, 1) if "cp:documentType" in text)
    body[line - 1] = body[line - 1].replace("cp:documentType", "cp:documentType ;;; }")
    response = post(client, "/api/validate", "\n".join(body))
    assert response.status_code == 400
    assert f"line {line}" in error_message(response)


# --- counts: /sparql, the service description and VoID agree --------------------------------------

VOID_TRIPLES = URIRef("http://rdfs.org/ns/void#triples")
SD_NS = "http://www.w3.org/ns/sparql-service-description#"


def _sparql_count(client: TestClient) -> int:
    answer = client.get(
        "/sparql",
        params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def _described_sizes(client: TestClient) -> tuple[int, int]:
    """(default graph, bookkeeping graph) void:triples of the service description."""
    answer = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200, answer.text
    graph = Graph().parse(data=answer.text, format="turtle")
    default = next(graph.objects(None, URIRef(SD_NS + "defaultGraph")))
    named = next(
        n
        for n in graph.objects(None, URIRef(SD_NS + "namedGraph"))
        if graph.value(n, URIRef(SD_NS + "name")) == URIRef(META_GRAPH)
    )
    meta = graph.value(named, URIRef(SD_NS + "graph"))
    return int(graph.value(default, VOID_TRIPLES)), int(graph.value(meta, VOID_TRIPLES))


def _void_triples(client: TestClient) -> tuple[int, str]:
    answer = client.get("/dataset", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200, answer.text
    graph = Graph().parse(data=answer.text, format="turtle")
    dataset = next(graph.subjects(RDF.type, URIRef("http://rdfs.org/ns/void#Dataset")))
    comment = str(graph.value(dataset, URIRef("http://www.w3.org/2000/01/rdf-schema#comment")))
    return int(graph.value(dataset, VOID_TRIPLES)), comment


def test_sparql_count_and_published_counts_say_the_same(
    client: TestClient, cleanup: list[str]
) -> None:
    """Regression (issue 16): /sparql counted one triple more than the dumps and VoID (the
    bookkeeping graph's load marker). The service description gives what a count over /sparql
    finds, the bookkeeping graph's share, and VoID says both; after a submission too."""
    for submitting in (False, True):
        if submitting:
            assert submit(client, NEW_AGREEMENT, cleanup).status_code == 201
        counted = _sparql_count(client)
        default, bookkeeping = _described_sizes(client)
        assert default == counted
        assert bookkeeping >= 1  # the load marker at least; a submission's provenance after
        published, comment = _void_triples(client)
        assert f"{bookkeeping} triples" in comment and f"finds {counted} triples" in comment
        if client.backend == "embedded":  # type: ignore[attr-defined]
            # No triple is stated in two graphs here, so the union counts each once; other
            # stores add their own system graphs to the default graph.
            assert counted == published + bookkeeping
