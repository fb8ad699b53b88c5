"""/sparql queries on the embedded store run in worker processes that are killed at the deadline.

A query that cannot be interrupted inside Oxigraph (a huge cross join under COUNT) is answered
503 at its timeout and its worker is gone at once: its CPU and memory are released, and the next
query gets a fresh worker. Writes are seen by the workers; errors keep their status and message.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from citypact.app import create_app
from citypact.settings import Settings
from citypact.store.workers import QueryProcessPool

from .conftest import TEST_DATA

pytestmark = pytest.mark.slow

TOKEN = "workers-token-8Jd2"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
JSON = {"Accept": "application/sparql-results+json"}


def _app(tmp_path: Path, **settings: object) -> FastAPI:
    return create_app(
        Settings(  # type: ignore[call-arg]
            data_dir=tmp_path / "store", rate_limit=0, write_tokens=TOKEN, **settings
        )
    )


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(_app(tmp_path)) as client:
        yield client


def _pool(client: TestClient) -> QueryProcessPool:
    pool = client.app.state.query_pool  # type: ignore[attr-defined]
    assert isinstance(pool, QueryProcessPool)
    return pool


def _count(client: TestClient) -> int:
    answer = client.get("/sparql", params={"query": COUNT}, headers=JSON)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_query_past_its_timeout_is_stopped_and_its_worker_killed(client: TestClient) -> None:
    assert _count(client) > 1000
    (worker,) = _pool(client).workers
    started = time.monotonic()
    answer = client.get("/sparql", params={"query": ENDLESS, "timeout": "1"}, headers=JSON)
    elapsed = time.monotonic() - started
    assert answer.status_code == 503
    assert "timed out after 1 s" in answer.json()["error"]["message"]
    assert "Retry-After" in answer.headers
    assert elapsed < 10  # answered at its 1 s deadline, not when the endless query ends
    assert _gone(worker), "the worker still runs the abandoned query"
    assert _pool(client).killed == 1
    # The next query gets a fresh worker and is answered at once.
    assert _count(client) > 1000
    assert _pool(client).workers and _pool(client).workers[0] != worker


def test_workers_see_what_was_written_after_they_started(client: TestClient) -> None:
    before = _count(client)
    body = (TEST_DATA / "valid" / "new-agreement.ttl").read_bytes()
    answer = client.post(
        "/api/submissions",
        content=body,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"},
    )
    assert answer.status_code == 201, answer.text
    assert _count(client) > before


def test_errors_keep_their_status_and_message(client: TestClient) -> None:
    bad = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x }"})
    assert bad.status_code == 400
    assert "error at" in bad.json()["error"]["message"]


def test_the_result_cap_holds_in_the_workers(tmp_path: Path) -> None:
    with TestClient(_app(tmp_path, max_results=10)) as client:
        answer = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert answer.status_code == 400
        assert "10" in answer.json()["error"]["message"]


def test_when_every_worker_is_busy_a_query_waits_then_gets_503(tmp_path: Path) -> None:
    with TestClient(_app(tmp_path, max_concurrent_queries=1)) as client:
        assert _count(client) > 0
        outcome: dict[str, int] = {}

        def long_query() -> None:
            answer = client.get("/sparql", params={"query": ENDLESS, "timeout": "3"})
            outcome["long"] = answer.status_code

        runner = threading.Thread(target=long_query)
        runner.start()
        time.sleep(0.5)
        busy = client.get("/sparql", params={"query": COUNT, "timeout": "0.5"}, headers=JSON)
        assert busy.status_code == 503
        assert "busy" in busy.json()["error"]["message"]
        runner.join(timeout=10)
        assert outcome == {"long": 503}
        assert _count(client) > 0  # the slot came back with a fresh worker


def test_thread_isolation_keeps_queries_in_the_server_process(tmp_path: Path) -> None:
    with TestClient(_app(tmp_path, query_isolation="thread")) as client:
        assert client.app.state.query_pool is None  # type: ignore[attr-defined]
        assert _count(client) > 1000


def test_workers_stop_with_the_server(tmp_path: Path) -> None:
    with TestClient(_app(tmp_path)) as client:
        assert _count(client) > 0
        workers = _pool(client).workers
        assert workers
    deadline = time.monotonic() + 5
    while not all(_gone(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(_gone(pid) for pid in workers)


def _worker_pids() -> list[int]:
    """Our worker processes, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if b"citypact.store.workers" in cmdline and ppid == os.getpid():
            found.append(int(entry.name))
    return found


def test_a_worker_that_dies_mid_query_gives_503_and_is_replaced(client: TestClient) -> None:
    assert _count(client) > 0
    outcome: dict[str, object] = {}

    def long_query() -> None:
        answer = client.get("/sparql", params={"query": ENDLESS, "timeout": "20"})
        outcome["status"], outcome["body"] = answer.status_code, answer.json()

    runner = threading.Thread(target=long_query)
    runner.start()
    time.sleep(1.0)
    (busy,) = _worker_pids()
    os.kill(busy, 9)
    runner.join(timeout=10)
    assert outcome["status"] == 503, outcome
    assert "worker stopped" in outcome["body"]["error"]["message"]  # type: ignore[index]
    assert _count(client) > 0


def test_when_workers_cannot_read_the_store_the_server_answers_itself(
    client: TestClient, tmp_path: Path
) -> None:
    expected = _count(client)
    pool = _pool(client)
    pool.close()  # idle workers go; new ones look for the store where there is none
    pool.path = tmp_path / "no-store-here"
    assert _count(client) == expected
