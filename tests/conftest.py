"""Shared fixtures: the bundled graph, the validator, the query registry."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from citypact import rdf_io, resources
from citypact.store.backends import ensure_bundled_data
from citypact.store.embedded import EmbeddedStore
from citypact.store.queries import QueryRegistry
from citypact.validation.validator import Validator, bundled_data_graph

ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = ROOT / "tests" / "data"
IN_CI = os.environ.get("CI", "").lower() == "true"
# The per-client rate limit is off in tests (TestClient is one client making thousands of
# requests); tests/test_security.py turns it on where it is the subject. Subprocess servers
# started by tests inherit this.
os.environ.setdefault("CITYPACT_RATE_LIMIT", "0")
# New stores hold the curated graph only: the graphs built from the partnership lists (half a
# million triples) are loaded by the tests that are about them (tests/test_bulk_import.py).
os.environ.setdefault("CITYPACT_BUNDLE", "core")


def require(available: bool, what: str) -> None:
    """Skip when a needed program is missing locally; fail in CI, where nothing may skip."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available")
    pytest.skip(f"{what} is not available")


@pytest.fixture(scope="session")
def validator() -> Validator:
    return Validator.bundled()


@pytest.fixture(scope="session")
def bundled_graph() -> Graph:
    return bundled_data_graph()


@pytest.fixture(scope="session")
def registry() -> QueryRegistry:
    return QueryRegistry()


@pytest.fixture(scope="session")
def bundled_store() -> ox.Store:
    """An in-memory Oxigraph store holding the bundled ontology and data (default graph)."""
    store = ox.Store()
    for path in resources.ontology_files() + resources.data_files():
        store.extend(rdf_io.read_file(path))
    return store


@pytest.fixture(scope="session")
def bundled_embedded_store() -> EmbeddedStore:
    """CityPact's in-memory embedded store with the bundled graph loaded (read-only use)."""
    store = EmbeddedStore()
    ensure_bundled_data(store)
    return store


# --- backends: the same API tests run on every store adapter, all real --------------------

BACKENDS = ("embedded", "oxigraph", "virtuoso")


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real Oxigraph server (PyPI `oxigraph`) on a free loopback port."""
    from .servers import oxigraph_available, start_oxigraph

    require(oxigraph_available(), "the Oxigraph server (pip install oxigraph)")
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph"), union_default_graph=True)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real Virtuoso open-source server with its own database directory."""
    from .servers import start_virtuoso, virtuoso_available

    require(virtuoso_available(), "Virtuoso (apt-get install virtuoso-opensource)")
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


def settings_for(backend: str, request: pytest.FixtureRequest, tmp: Path, **extra: object):  # type: ignore[no-untyped-def]
    """Settings that point the app at one backend (starting its server if needed)."""
    from citypact.settings import Settings

    if backend == "embedded":
        return Settings(data_dir=tmp / "store", **extra)  # type: ignore[arg-type]
    server = request.getfixturevalue(f"{backend}_server")
    return Settings(  # type: ignore[arg-type]
        sparql_endpoint=server.query_url,
        sparql_update_endpoint=server.update_url,
        sparql_user=server.user,
        sparql_password=server.password,
        sparql_auth="digest" if backend == "virtuoso" else "basic",
        **extra,
    )


@pytest.fixture(scope="module", params=BACKENDS)
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A TestClient of the app on each backend, with the bundled data loaded."""
    from fastapi.testclient import TestClient

    from citypact.app import create_app

    settings = settings_for(request.param, request, tmp_path_factory.mktemp(request.param))
    with TestClient(create_app(settings)) as client:
        client.backend = request.param  # type: ignore[attr-defined]
        yield client
