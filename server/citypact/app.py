"""The FastAPI application, built by a factory from settings."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import __version__
from .backends import ensure_bundled_data, open_store
from .incremental import IncrementalValidator
from .queries import QueryRegistry
from .query_processes import QueryProcessPool
from .querying import QueryGate
from .rate_limit import RateLimitMiddleware
from .request_ids import REQUEST_ID_HEADER, RequestIdMiddleware, request_id_of
from .security_headers import SecurityHeadersMiddleware
from .settings import Settings
from .store import StoreError
from .submissions import SubmissionService
from .validation import Validator

log = logging.getLogger("citypact")
STATIC_DIR = Path(__file__).parent / "static"


def error_body(status: int, message: str) -> dict[str, object]:
    """The JSON body of every error answer."""
    return {"error": {"status": status, "message": message}}


def _query_pool(settings: Settings, store: object) -> QueryProcessPool | None:
    """Worker processes for /sparql on a persistent embedded store, unless threads are asked."""
    from .store_embedded import EmbeddedStore

    if (
        settings.query_isolation == "process"
        and isinstance(store, EmbeddedStore)
        and store.path is not None
    ):
        return QueryProcessPool(store.path, settings.max_concurrent_queries)
    return None


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
            app.state.query_pool = _query_pool(settings, store)
            app.state.submissions = SubmissionService(
                store,
                IncrementalValidator(
                    store,
                    Validator.bundled(settings.validation_engine),
                    timeout=settings.query_timeout * 4,
                ),
                registry,
            )
            yield
        finally:
            if getattr(app.state, "query_pool", None) is not None:
                app.state.query_pool.close()
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
    app.state.query_gate = QueryGate(settings.max_concurrent_queries)
    # Middleware, innermost first (each add_middleware wraps the ones before): the rate limit
    # inside CORS (so a browser can read its 429), security headers and request ids outermost.
    if settings.rate_limit:
        app.add_middleware(
            RateLimitMiddleware, per_minute=settings.rate_limit, burst=settings.rate_limit_burst
        )
    # CORS is open for reads only: writes (POST /api/submissions, DELETE) carry a bearer
    # token, which needs an Authorization header that this policy does not allow.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type"],
        expose_headers=["Content-Location", "ETag", "Last-Modified", REQUEST_ID_HEADER],
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestIdMiddleware)

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
    async def unexpected(request: Request, err: Exception) -> JSONResponse:
        # Runs outside the request-id middleware: read the id from the request's scope.
        request_id = request_id_of(request.scope)
        log.error("unexpected error", exc_info=err, extra={"request_id": request_id})
        message = f"internal error (request id {request_id})"
        return JSONResponse(error_body(500, message), 500, headers={REQUEST_ID_HEADER: request_id})

    from .routers import api, home, sparql, submissions

    app.include_router(home.router)
    app.include_router(sparql.router)
    app.include_router(api.router)
    app.include_router(submissions.router)
    # Pages for people (home, search, map, questions, timelines) and their static assets
    # (site.css, the vendored YASGUI and world atlas): before the linked-data catch-alls.
    from fastapi.staticfiles import StaticFiles

    from .routers import pages

    app.include_router(pages.router)
    from .routers import extraction

    app.include_router(extraction.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Linked data (entity IRIs, /ontology, /dataset, /dumps): last, so /api and /sparql win.
    from .routers import linked_data

    app.include_router(linked_data.router)
    return app
