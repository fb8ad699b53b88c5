"""Schemathesis against /openapi.json: every operation, in process, on a throw-away store.

Each operation gets a few generated requests (valid and invalid parameters and bodies). No
answer may be a 5xx, every status must be one the operation declares, and every declared
JSON body must match its schema. Writes carry a valid bearer token, so submissions and
retractions are exercised too (they are nearly always refused with a 4xx). Nothing goes over
the network: schemathesis calls the ASGI app directly.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.types import Receive, Scope, Send

from citypact.app import create_app
from citypact.settings import Settings

TOKEN = "tok-fuzz-9Jd3kW7q"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
MAX_EXAMPLES = 12
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schemathesis.serializer("application/n-triples", "application/sparql-query")
def as_text(_ctx: schemathesis.SerializationContext, value: object) -> bytes:
    """Bodies of these text types (their schema is a string) go on the wire as UTF-8."""
    return value.encode() if isinstance(value, str) else str(value).encode()


def app_settings(data_dir: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        data_dir=data_dir, write_tokens=TOKEN, max_body_bytes=200_000, query_timeout=10
    )


class StartedApp:
    """The ASGI app schemathesis calls: the app started by the `started` fixture.

    It answers lifespan events itself (schemathesis runs a lifespan around its calls, and the
    store may be opened only once). Until the fixture has started an app, requests go to an
    app that was never started, which is enough to serve /openapi.json when the schema loads.
    """

    def __init__(self) -> None:
        unused = Path(tempfile.gettempdir()) / "citypact-openapi-fuzz-never-opened"
        self.app: FastAPI = create_app(app_settings(unused))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


TARGET = StartedApp()
schema = schemathesis.openapi.from_asgi("/openapi.json", TARGET)


@pytest.fixture(scope="module", autouse=True)
def started(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """The app on a fresh embedded store, started (its lifespan has run) for the module."""
    app = create_app(app_settings(tmp_path_factory.mktemp("openapi-fuzz") / "store"))
    with TestClient(app):
        previous, TARGET.app = TARGET.app, app
        yield app
        TARGET.app = previous


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_within_its_contract(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=AUTH, checks=CHECKS)


def test_the_schema_covers_the_write_operations(started: FastAPI) -> None:
    """The operations above include the token-guarded writes (the fuzzing would not notice
    if they dropped out of the OpenAPI document)."""
    paths = started.openapi()["paths"]
    assert "post" in paths["/api/submissions"]
    assert "delete" in paths["/api/submissions/{ident}"]
    assert "post" in paths["/api/validate"]
