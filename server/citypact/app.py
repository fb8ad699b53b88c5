"""The FastAPI application, built by a factory from settings."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from citypact import __version__
from citypact.curation.submissions import SubmissionService
from citypact.http.errors import add_error_handlers
from citypact.http.wiring import add_middleware
from citypact.resources import static_dir
from citypact.settings import Settings
from citypact.store.backends import ensure_bundled_data, open_store
from citypact.store.gate import QueryGate
from citypact.store.port import StoreError
from citypact.store.queries import QueryRegistry
from citypact.store.versioned_cache import VersionedCache
from citypact.store.workers import QueryProcessPool
from citypact.validation.incremental import IncrementalValidator
from citypact.validation.validator import Validator

log = logging.getLogger("citypact")
STATIC_DIR = static_dir()


def _query_pool(settings: Settings, store: object) -> QueryProcessPool | None:
    """Worker processes for /sparql on a persistent embedded store, unless threads are asked."""
    from citypact.store.embedded import EmbeddedStore

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
                ensure_bundled_data(store, built=settings.bundle == "full")
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
            if settings.bundle == "full":
                from citypact.routers.map_pages import warm_up

                warm_up(app)
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
    app.state.cache = VersionedCache()
    add_middleware(app, settings)
    add_error_handlers(app)

    from citypact.routers import api, health, sparql, submissions

    app.include_router(health.router)
    app.include_router(sparql.router)
    app.include_router(api.router)
    app.include_router(submissions.router)
    # Pages for people (home, search, map, questions, timelines) and their static assets
    # (site.css, the vendored YASGUI and world atlas): before the linked-data catch-alls.
    from fastapi.staticfiles import StaticFiles

    from citypact.routers import home_pages, map_pages, question_pages

    app.include_router(home_pages.router)
    app.state.html_error = home_pages.html_error  # errors answered as pages for browsers
    app.include_router(question_pages.router)
    app.include_router(map_pages.router)
    from citypact.routers import extraction

    app.include_router(extraction.router)
    from citypact.routers import network

    app.include_router(network.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Linked data (entity IRIs, /ontology, /dataset, /dumps): last, so /api and /sparql win.
    from citypact.routers import linked_data

    app.include_router(linked_data.router)
    return app
