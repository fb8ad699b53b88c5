"""Security at the HTTP layer: request ids, error bodies, security headers, CORS for reads,
the per-client rate limit, and the cap on concurrently evaluating SPARQL queries."""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from citypact.app import create_app
from citypact.http.rate_limit import RateLimiter
from citypact.http.request_ids import REQUEST_ID_HEADER
from citypact.settings import Settings
from citypact.store.gate import QueryGate, ServerBusy
from citypact.store.port import QueryTimeout

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    settings = Settings(data_dir=tmp_path_factory.mktemp("security") / "store", rate_limit=0)  # type: ignore[call-arg]
    app = create_app(settings)

    @app.get("/api/test-failure")
    def fail() -> None:
        raise RuntimeError("boom at /srv/secret/citypact/store/port.py line 42")

    return app


@pytest.fixture(scope="module")
def client(app: FastAPI):  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


# --- request ids ---------------------------------------------------------------------------


def test_every_answer_carries_a_fresh_request_id(client: TestClient) -> None:
    first = client.get("/api/cities/jakarta")
    second = client.get("/api/cities/no-such-city")
    ids = [first.headers[REQUEST_ID_HEADER], second.headers[REQUEST_ID_HEADER]]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert ids[0] != ids[1]


@pytest.mark.parametrize(
    ("offered", "kept"),
    [
        ("trace-1234.abc:9", True),
        ("has space", False),
        ("new\nline", False),
        ("x" * 65, False),
        ("<script>", False),
    ],
)
def test_a_client_request_id_is_kept_only_when_harmless(
    client: TestClient, offered: str, kept: bool
) -> None:
    answer = client.get("/api/cities/jakarta", headers={REQUEST_ID_HEADER: offered})
    assert (answer.headers[REQUEST_ID_HEADER] == offered) is kept


def test_an_internal_error_shows_no_trace_or_path_but_its_request_id(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="citypact"):
        answer = client.get("/api/test-failure")
    assert answer.status_code == 500
    request_id = answer.headers[REQUEST_ID_HEADER]
    message = answer.json()["error"]["message"]
    assert request_id in message
    for leak in ("Traceback", "/srv/secret", "RuntimeError", "boom", ".py"):
        assert leak not in answer.text
    # The log has the whole story, under the same id.
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and errors[0].request_id == request_id  # type: ignore[attr-defined]
    assert "boom" in caplog.text


def test_access_log_lines_name_the_request_id(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="citypact.access"):
        answer = client.get("/api/cities/jakarta")
    lines = [r for r in caplog.records if r.name == "citypact.access"]
    assert lines, "no access log line"
    assert lines[-1].request_id == answer.headers[REQUEST_ID_HEADER]  # type: ignore[attr-defined]
    assert "/api/cities/jakarta 200" in lines[-1].getMessage()


# --- security headers ------------------------------------------------------------------------


class _Scripts(HTMLParser):
    """Collects inline executable scripts and inline event handlers of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self._in_inline = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        self.inline += [f"{tag} {n}" for n in names if n.startswith("on")]
        if tag == "script":
            kind = (names.get("type") or "text/javascript").lower()
            self._in_inline = "src" not in names and "json" not in kind

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_inline = False

    def handle_data(self, data: str) -> None:
        if self._in_inline and data.strip():
            self.inline.append(data.strip()[:60])


PAGES = [
    "/",
    "/sparql",
    "/search?q=banjir",
    "/map",
    "/id/city/jakarta",
    "/id/person/pramono-anung",
    "/ontology",
    "/dataset",
    "/review",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_a_strict_policy_and_no_inline_script(client: TestClient, path: str) -> None:
    answer = client.get(path, headers=HTML)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    policy = answer.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    parser = _Scripts()
    parser.feed(answer.text)
    assert parser.inline == [], "the policy would block these inline scripts"
    # Every script and stylesheet comes from this server.
    for url in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', answer.text):
        assert not re.match(r"(https?:)?//", url), url


def test_machine_answers_are_nosniff_without_a_page_policy(client: TestClient) -> None:
    answer = client.get("/api/cities/jakarta")
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in answer.headers


def test_api_docs_get_a_policy_that_allows_only_their_cdn(client: TestClient) -> None:
    policy = client.get("/docs").headers["Content-Security-Policy"]
    assert "https://cdn.jsdelivr.net" in policy
    assert "*" not in policy


def test_cors_is_open_for_reads_but_not_for_token_carrying_writes(client: TestClient) -> None:
    read = client.get("/api/cities/jakarta", headers={"Origin": "https://example.org"})
    assert read.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/api/submissions",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "DELETE",
            "Access-Control-Request-Headers": "Authorization",
        },
    )
    # A failed preflight: the browser never sends the write.
    assert preflight.status_code == 400
    assert "DELETE" not in preflight.headers["access-control-allow-methods"]
    assert "authorization" not in preflight.headers["access-control-allow-headers"].lower()


# --- rate limit -------------------------------------------------------------------------------


def test_rate_limiter_refills_at_its_rate() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=3, clock=lambda: now[0])
    assert [limiter.wait_time("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.wait_time("a") == pytest.approx(1.0)
    assert limiter.wait_time("b") == 0.0  # another client has its own bucket
    now[0] += 1.0
    assert limiter.wait_time("a") == 0.0
    assert limiter.wait_time("a") > 0
    now[0] += 100.0
    assert [limiter.wait_time("a") for _ in range(3)] == [0.0, 0.0, 0.0]  # never above burst
    assert limiter.wait_time("a") > 0


def test_a_client_over_its_limit_gets_429_with_retry_after(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "store", rate_limit=30, rate_limit_burst=4)  # type: ignore[call-arg]
    app = create_app(settings)
    with TestClient(app, client=("192.0.2.1", 4000)) as greedy:
        codes = [greedy.get("/api/cities/jakarta").status_code for _ in range(4)]
        assert codes == [200] * 4
        limited = greedy.get(
            "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"}
        )
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) >= 1
        assert "too many requests" in limited.json()["error"]["message"]
        assert REQUEST_ID_HEADER in limited.headers
        assert limited.headers["access-control-allow-origin"] == "*"
        # Pages for people and static files are not limited.
        assert greedy.get("/", headers=HTML).status_code == 200
    with TestClient(app, client=("192.0.2.2", 4000)) as other:
        assert other.get("/api/cities/jakarta").status_code == 200


# --- concurrently evaluating queries ----------------------------------------------------------


def test_query_gate_refuses_when_every_slot_is_taken_and_frees_it_after() -> None:
    gate = QueryGate(size=1, wait=0.3)
    release = threading.Event()

    async def scenario() -> None:
        first = asyncio.create_task(gate.run(release.wait, 5, timeout=5))
        while gate.running == 0:
            await asyncio.sleep(0.01)
        with pytest.raises(ServerBusy):
            await gate.run(lambda: "second", timeout=5)
        release.set()
        assert await first is True
        assert await gate.run(lambda: "third", timeout=5) == "third"

    asyncio.run(scenario())
    assert gate.running == 0


def test_a_timed_out_query_keeps_its_slot_until_it_really_stops() -> None:
    gate = QueryGate(size=2, wait=0.1)

    async def scenario() -> None:
        with pytest.raises(QueryTimeout):
            await gate.run(time.sleep, 2.5, timeout=0.2)
        # Answered (after timeout + 1 s grace), but the worker still runs: it holds a slot.
        assert gate.running == 1
        deadline = time.monotonic() + 5
        while gate.running and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert gate.running == 0

    asyncio.run(scenario())


def test_a_query_queues_for_a_slot_within_its_time_limit() -> None:
    gate = QueryGate(size=1)
    release = threading.Event()

    async def scenario() -> None:
        first = asyncio.create_task(gate.run(release.wait, 5, timeout=5))
        while gate.running == 0:
            await asyncio.sleep(0.01)
        second = asyncio.create_task(gate.run(lambda: "second", timeout=5))
        await asyncio.sleep(0.5)
        assert not second.done()  # queued, not refused
        release.set()
        assert await second == "second"
        assert await first is True
        # With no slot freeing within its limit, the query is refused.
        blocker = threading.Event()
        third = asyncio.create_task(gate.run(blocker.wait, 5, timeout=5))
        while gate.running == 0:
            await asyncio.sleep(0.01)
        with pytest.raises(ServerBusy):
            await gate.run(lambda: "fourth", timeout=0.3)
        blocker.set()
        await third

    asyncio.run(scenario())
