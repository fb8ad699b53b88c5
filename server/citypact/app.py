"""The FastAPI application, built by a factory from settings."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import __version__
from .backends import ensure_bundled_data, open_store
from .incremental import IncrementalValidator
from .queries import QueryRegistry
from .settings import Settings
from .store import StoreError
from .submissions import SubmissionService
from .validation import Validator

log = logging.getLogger("citypact")


def error_body(status: int, message: str) -> dict[str, object]:
    """The JSON body of every error answer."""
    return {"error": {"status": status, "message": message}}


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app. The store is opened (and, if new, loaded) once, in the lifespan."""
    settings = settings or Settings()
    registry = QueryRegistry()  # parse every query at start-up: a broken .rq fails here

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = open_store(settings)
        try:
            try:
                ensure_bundled_data(store)
            except StoreError as err:
                if settings.backend != "remote":
                    raise
                # A remote endpoint that is down at start-up: serve 503s until it returns.
                log.warning("remote store not ready at start-up: %s", err)
            app.state.store = store
            app.state.submissions = SubmissionService(
                store,
                IncrementalValidator(
                    store, Validator.bundled(), timeout=settings.query_timeout * 4
                ),
                registry,
            )
            yield
        finally:
            store.close()

    app = FastAPI(
        title="CityPact",
        version=__version__,
        description="A linked-data knowledge graph of city diplomacy: cities, officials, "
        "agreements and the commitments in them. SPARQL at /sparql, REST under /api.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.queries = registry
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type"],
        expose_headers=["Content-Location", "ETag", "Last-Modified"],
    )

    @app.exception_handler(StoreError)
    async def store_error(_request: Request, err: StoreError) -> JSONResponse:
        headers = {"Retry-After": "5"} if err.status == 503 else None
        return JSONResponse(error_body(err.status, str(err)), err.status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, err: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            error_body(err.status_code, str(err.detail)), err.status_code, headers=err.headers
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, err: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p not in ('query', 'path'))}: "
            f"{e.get('msg')}"
            for e in err.errors()
        )
        return JSONResponse(error_body(422, problems or "invalid request"), 422)

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, err: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return JSONResponse(error_body(500, "internal error"), 500)

    from .routers import api, home, sparql, submissions

    app.include_router(home.router)
    app.include_router(sparql.router)
    app.include_router(api.router)
    app.include_router(submissions.router)
    return app
