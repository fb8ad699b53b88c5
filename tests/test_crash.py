"""Submissions are atomic and durable.

* Concurrent submissions are serialised: fired from threads at once, none is lost or mixed up,
  and conflicting ones are validated against each other (only one of them gets in).
* Crash test: a real ``citypact serve`` process receives large submissions and is killed with
  SIGKILL at random moments, biased towards the end of a submission where it commits. After each
  restart on the same data directory the server starts cleanly, every submission graph is
  complete (its triple count equals the number sent and the meta graph's ``void:triples``), no
  crash-test triple exists outside a complete submission graph, and every submission that was
  acknowledged (201) before the kill is still there.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from citypact.app import create_app
from citypact.curation.submissions import SUBMISSION_PREFIX
from citypact.store.backends import META_GRAPH
from citypact.store.embedded import EmbeddedStore
from citypact.store.port import DATA_GRAPH

from .conftest import settings_for

pytestmark = pytest.mark.slow

CRASH_ROUNDS = int(os.environ.get("CITYPACT_CRASH_ROUNDS", "5"))
"""Kills per crash test (the reliability issue asks for 20: CITYPACT_CRASH_ROUNDS=20)."""
CITIES_PER_SUBMISSION = 20
ALIASES_PER_CITY = 997
TRIPLES_PER_SUBMISSION = CITIES_PER_SUBMISSION * (3 + ALIASES_PER_CITY)  # 20,000
STARTUP_TIMEOUT = 60.0
THREADS = 8
TOKEN = "crash-token-Vb7qT2"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

ID = "https://w3id.org/citypact/id/"
CRASH_PREFIX = f"{ID}city/crash-test-"
PREFIXES = """@prefix cp: <https://w3id.org/citypact/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix country: <https://w3id.org/citypact/id/country/> .
"""


def cities(batch: str, count: int, aliases: int = 0) -> bytes:
    """``count`` valid new cities ``crash-test-{batch}-{i}``, 3 + ``aliases`` triples each."""
    lines = [PREFIXES]
    for i in range(count):
        lines.append(
            f"<{CRASH_PREFIX}{batch}-{i}> a cp:City ;\n"
            f'    rdfs:label "Crash test {batch} {i}"@en ;\n'
            f"    cp:country country:indonesia"
            + (
                " ;\n    skos:altLabel "
                + " , ".join(f'"Crash test {batch} {i} alias {k}"@en' for k in range(aliases))
                if aliases
                else ""
            )
            + " ."
        )
    return "\n".join(lines).encode()


# --- concurrency ---------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["embedded", "oxigraph"])
def client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    settings = settings_for(
        request.param,
        request,
        tmp_path_factory.mktemp(f"concurrency-{request.param}"),
        write_tokens=TOKEN,
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client
        store = test_client.app.state.store  # type: ignore[attr-defined]
        for graph in store.graphs():
            if graph.startswith(SUBMISSION_PREFIX):
                store.update(
                    f"DROP SILENT GRAPH <{graph}> ;\n"
                    f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{graph}> ?p ?o }} }}"
                )


def fire(client: TestClient, bodies: list[bytes]) -> list[httpx.Response]:
    """POST every body to /api/submissions from its own thread, all released at once."""
    barrier = threading.Barrier(len(bodies))
    answers: list[httpx.Response | None] = [None] * len(bodies)
    errors: list[BaseException] = []

    def send(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            answers[index] = client.post(
                "/api/submissions",
                content=bodies[index],
                headers={**AUTH, "Content-Type": "text/turtle"},
            )
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    assert all(a is not None for a in answers)
    return answers  # type: ignore[return-value]


def graph_counts(store: EmbeddedStore, graphs: list[str]) -> dict[str, int]:
    values = " ".join(f"<{g}>" for g in graphs)
    rows = store.select(
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} "
        "GROUP BY ?g"
    ).rows
    return {row["g"].value: int(row["n"].value) for row in rows}


def recorded_counts(store: EmbeddedStore) -> dict[str, int]:
    rows = store.select(
        "PREFIX void: <http://rdfs.org/ns/void#>\n"
        f"SELECT ?g ?n WHERE {{ GRAPH <{META_GRAPH}> {{ ?g void:triples ?n }} }}"
    ).rows
    return {row["g"].value: int(row["n"].value) for row in rows}


def test_concurrent_submissions_are_all_kept_whole(client: TestClient) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    before = store.triple_count()
    run = f"conc{random.randrange(10**6)}"
    # Submission i holds i + 1 cities: every graph has a size of its own.
    bodies = [cities(f"{run}-{i}", i + 1) for i in range(THREADS)]
    answers = fire(client, bodies)
    assert [a.status_code for a in answers] == [201] * THREADS, [a.text for a in answers]
    graphs = [a.json()["iri"] for a in answers]
    assert len(set(graphs)) == THREADS
    expected = {g: 3 * (i + 1) for i, g in enumerate(graphs)}
    assert {g: a.json()["triples"] for g, a in zip(graphs, answers, strict=True)} == expected
    assert graph_counts(store, graphs) == expected
    recorded = recorded_counts(store)
    assert {g: recorded.get(g) for g in graphs} == expected
    listed = {s["iri"]: s["triples"] for s in client.get("/api/submissions").json()["data"]}
    assert {g: listed.get(g) for g in graphs} == expected
    # Nothing else was written: the submissions, and four provenance triples each.
    assert store.triple_count() == before + sum(expected.values()) + 4 * THREADS
    # Every city is in the graph of the submission that sent it.
    for i, graph in enumerate(graphs):
        rows = store.select(
            "SELECT ?s WHERE { GRAPH "
            + f"<{graph}> {{ ?s a <https://w3id.org/citypact/ontology#City> }} }}"
        ).rows
        assert sorted(r["s"].value for r in rows) == sorted(
            f"{CRASH_PREFIX}{run}-{i}-{k}" for k in range(i + 1)
        )


def test_conflicting_concurrent_submissions_are_validated_against_each_other(
    client: TestClient,
) -> None:
    """Each submission alone is valid, any two together are not (one commitment per sector):
    serialised validation lets exactly one in."""
    run = f"race{random.randrange(10**6)}"
    bodies = [
        (
            PREFIXES
            + "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
            + f"<{ID}commitment/test-{run}-{i}> a cp:Commitment ;\n"
            + f'    rdfs:label "Smart-city commitment {i} (race test)"@en ;\n'
            + f"    cp:commitmentOf <{ID}agreement/jakarta-kuala-lumpur-loi-2025-08-11> ;\n"
            + f"    cp:sector <{ID}sector/smart-city> ;\n"
            + "    cp:status cp:Stated ;\n"
            + f"    prov:wasDerivedFrom <{ID}source/seed-000-8c38530ddb7b0270> .\n"
        ).encode()
        for i in range(THREADS)
    ]
    answers = fire(client, bodies)
    statuses = Counter(a.status_code for a in answers)
    assert statuses == {201: 1, 422: THREADS - 1}, [a.text[:300] for a in answers]
    for answer in answers:
        if answer.status_code == 422:
            shapes = {r["shape"] for r in answer.json()["results"]}
            assert "https://w3id.org/citypact/shapes#OneCommitmentPerSector" in shapes
    store = client.app.state.store  # type: ignore[attr-defined]
    rows = store.select(
        "PREFIX cp: <https://w3id.org/citypact/ontology#>\n"
        "SELECT ?c WHERE { ?c cp:commitmentOf "
        f"<{ID}agreement/jakarta-kuala-lumpur-loi-2025-08-11> ;\n"
        f"  cp:sector <{ID}sector/smart-city> }}"
    ).rows
    assert len(rows) == 1


# --- crash test ----------------------------------------------------------------------------


def http(timeout: float = 60) -> httpx.Client:
    """A client for the local server that ignores any proxy settings of the environment."""
    return httpx.Client(timeout=timeout, trust_env=False)


def request(method: str, url: str, timeout: float = 60, **kwargs: object) -> httpx.Response:
    with http(timeout) as client:
        return client.request(method, url, **kwargs)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A ``citypact serve`` process on an embedded store in ``data_dir``."""

    data_dir: Path
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> float:
        """Start and wait until /health answers 200; returns the seconds that took."""
        env = {
            **os.environ,
            "CITYPACT_DATA_DIR": str(self.data_dir),
            "CITYPACT_WRITE_TOKENS": TOKEN,
            "CITYPACT_LOG_LEVEL": "warning",
        }
        env.pop("CITYPACT_SPARQL_ENDPOINT", None)
        started = time.monotonic()
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "citypact.cli", "serve", "--port", str(self.port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = started + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the server exited with {self.process.returncode}:\n{self.tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if request("GET", f"{self.url}/health", timeout=2).status_code == 200:
                    return time.monotonic() - started
            time.sleep(0.1)
        self.kill()
        pytest.fail(f"the server did not answer /health in {STARTUP_TIMEOUT} s:\n{self.tail()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler, no flush."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(30)

    def stop(self) -> None:
        """A graceful stop (SIGTERM), then SIGKILL if it lingers."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def sparql(self, query: str) -> list[dict[str, str]]:
        response = request(
            "POST",
            f"{self.url}/sparql",
            data={"query": query},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        return [
            {k: v["value"] for k, v in row.items()}
            for row in response.json()["results"]["bindings"]
        ]


@dataclass
class Poster:
    """Posts large submissions one after another from a thread until told to stop."""

    server: Server
    round: int
    started: list[float] = field(default_factory=list)
    durations: list[float] = field(default_factory=list)
    acknowledged: dict[str, str] = field(default_factory=dict)  # graph IRI -> batch
    errors: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def run(self) -> None:
        with http(timeout=300) as client:
            for index in range(1000):
                if self.stop.is_set():
                    return
                batch = f"r{self.round}-b{index}"
                body = cities(batch, CITIES_PER_SUBMISSION, ALIASES_PER_CITY)
                self.started.append(time.monotonic())
                try:
                    response = client.post(
                        f"{self.server.url}/api/submissions",
                        content=body,
                        headers={**AUTH, "Content-Type": "text/turtle"},
                    )
                except httpx.HTTPError:
                    return  # the server was killed
                if response.status_code != 201:
                    self.errors.append(f"{response.status_code}: {response.text[:500]}")
                    return
                self.durations.append(time.monotonic() - self.started[-1])
                self.acknowledged[response.json()["iri"]] = batch

    def __enter__(self) -> Poster:
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        assert self.thread is not None
        self.thread.join(120)
        assert not self.thread.is_alive()
        assert not self.errors, self.errors


def check_consistency(server: Server, acknowledged: dict[str, str]) -> int:
    """Every submission graph is complete and recorded; no crash-test triple lies elsewhere;
    every acknowledged submission survived. Returns the number of submission graphs."""
    per_graph = {
        row["g"]: int(row["n"])
        for row in server.sparql(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER (STRSTARTS(STR(?g), "{SUBMISSION_PREFIX}")) }} GROUP BY ?g'
        )
    }
    recorded = {
        row["g"]: int(row["n"])
        for row in server.sparql(
            "PREFIX void: <http://rdfs.org/ns/void#>\n"
            f"SELECT ?g ?n WHERE {{ GRAPH <{META_GRAPH}> {{ ?g void:triples ?n }} }}"
        )
        if row["g"].startswith(SUBMISSION_PREFIX)
    }
    assert per_graph == recorded, "graphs and their provenance records differ"
    assert all(n == TRIPLES_PER_SUBMISSION for n in per_graph.values()), per_graph

    crash_triples = {
        row["g"]: int(row["n"])
        for row in server.sparql(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o "
            f'FILTER (STRSTARTS(STR(?s), "{CRASH_PREFIX}")) }} }} GROUP BY ?g'
        )
    }
    assert crash_triples == per_graph, "crash-test triples outside complete submission graphs"

    # Each graph holds the cities of one batch, and no batch is in two graphs.
    batches: dict[str, set[str]] = {}
    for row in server.sparql(
        "SELECT ?g ?s WHERE { GRAPH ?g { ?s a <https://w3id.org/citypact/ontology#City> } "
        f'FILTER (STRSTARTS(STR(?g), "{SUBMISSION_PREFIX}")) }}'
    ):
        batches.setdefault(row["g"], set()).add(row["s"][len(CRASH_PREFIX) :].rsplit("-", 1)[0])
    assert all(len(found) == 1 for found in batches.values()), batches
    names = [next(iter(found)) for found in batches.values()]
    assert len(names) == len(set(names)) == len(per_graph)

    for graph, batch in acknowledged.items():
        assert graph in per_graph, f"acknowledged submission {graph} ({batch}) was lost"
        assert batches[graph] == {batch}

    listed = request("GET", f"{server.url}/api/submissions", timeout=30).json()
    assert {s["iri"]: s["triples"] for s in listed["data"]} == per_graph
    return len(per_graph)


def wal_state(data_dir: Path) -> frozenset[tuple[str, int]]:
    """Names and sizes of the store's write-ahead log files (RocksDB ``NNNNNN.log``): they change
    when, and only when, something is committed."""
    with os.scandir(data_dir) as entries:
        return frozenset(
            (e.name, e.stat().st_size)
            for e in entries
            if e.name.endswith(".log") and e.name[:-4].isdigit()
        )


def data_graph_size(server: Server) -> int:
    rows = server.sparql(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{DATA_GRAPH}> {{ ?s ?p ?o }} }}")
    return int(rows[0]["n"])


def test_killed_server_restarts_with_whole_submissions_only(tmp_path: Path) -> None:
    rng = random.Random(os.environ.get("CITYPACT_CRASH_SEED") or None)
    server = Server(data_dir=tmp_path / "store", log=tmp_path / "server.log")
    acknowledged: dict[str, str] = {}
    durations: list[float] = []
    kills_in_flight = kills_at_commit = 0
    try:
        server.start()
        data_size = data_graph_size(server)
        # Calibrate: how long one large submission takes from request to answer.
        with Poster(server, round=0) as poster:
            while not poster.durations:
                time.sleep(0.05)
                assert poster.thread is not None and poster.thread.is_alive()
        durations += poster.durations
        acknowledged.update(poster.acknowledged)

        for round_ in range(1, CRASH_ROUNDS + 1):
            # Kill during the first or second submission of the round. Odd rounds watch the
            # store's write-ahead log and kill within a few milliseconds of its first write:
            # inside the commit. Even rounds kill at a random time, mostly late in the
            # submission (validation comes first and takes most of its time).
            target = rng.choice((0, 1))
            typical = statistics.median(durations)
            with Poster(server, round=round_) as poster:
                while len(poster.started) <= target:
                    time.sleep(0.01)
                    assert poster.thread is not None and poster.thread.is_alive()
                latest = poster.started[target] + typical * rng.uniform(0.6, 1.05)
                if round_ % 2:
                    latest = poster.started[target] + typical * 1.5
                    wal = wal_state(server.data_dir)
                    while time.monotonic() < latest and wal_state(server.data_dir) == wal:
                        time.sleep(0.001)
                    kills_at_commit += time.monotonic() < latest
                    latest = time.monotonic() + rng.uniform(0.0, 0.03)
                time.sleep(max(0.0, latest - time.monotonic()))
                in_flight = len(poster.durations) < len(poster.started)
                server.kill()
            kills_in_flight += in_flight
            durations += poster.durations
            acknowledged.update(poster.acknowledged)

            server.start()
            graphs = check_consistency(server, acknowledged)
            assert data_graph_size(server) == data_size

        assert kills_in_flight >= 1, "no kill landed while a submission was in progress"
        assert len(acknowledged) >= 1
        assert TOKEN not in server.log.read_text(errors="replace")
        print(
            f"{CRASH_ROUNDS} kills ({kills_in_flight} during a submission, {kills_at_commit} as "
            f"the log was written), {len(acknowledged)} acknowledged, {graphs} graphs after the "
            f"last restart, median submission {statistics.median(durations):.2f} s"
        )
    except BaseException:
        print(server.tail())
        raise
    finally:
        server.stop()

    # With the server gone: nothing was ever written outside named graphs.
    store = EmbeddedStore(tmp_path / "store", read_only=True)
    try:
        default = store.oxigraph.quads_for_pattern(None, None, None, ox.DefaultGraph())
        assert next(iter(default), None) is None
    finally:
        store.close()
