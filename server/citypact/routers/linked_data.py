"""Linked data over HTTP: entity IRIs, the ontology, the dataset description, dumps, sitemap.

``/id/{kind}/{slug}`` answers with content negotiation on ``Accept`` (q-values and lists): the
HTML page for browsers, or the entity's description in Turtle, JSON-LD, N-Triples or RDF/XML.
A suffix (``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``, ``.html``) or ``?format=`` picks one outright.
Negotiated answers are 200 with ``Content-Location`` naming the document served (not a 303
redirect; README.md, "Linked data", says why), ``Vary: Accept``, an ``ETag`` and a
``Last-Modified``; conditional GETs get 304.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any, TypeVar

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from rdflib import URIRef
from starlette.concurrency import run_in_threadpool

from citypact.http.errors import error_body
from citypact.publishing.dataset_description import DatasetState, dataset_state, describe_dataset
from citypact.publishing.dumps import BY_NAME, DUMPS, source_dumps, stream_dump
from citypact.publishing.html_pages import (
    DumpLink,
    Site,
    dataset_page,
    dumps_page,
    entity_page,
    error_page,
)
from citypact.publishing.linked_data import (
    HTML,
    REPRESENTATIONS,
    SITEMAP_LIMIT,
    Describer,
    IriSpace,
    Representation,
    by_format_name,
    by_media_type,
    by_suffix,
    page_paths,
    serialize,
    sitemap,
    sitemap_index,
    split_suffix,
    supported_types_text,
    triples_to_graph,
)
from citypact.publishing.negotiation import negotiate
from citypact.publishing.ontology_docs import ontology_page
from citypact.publishing.release import list_releases, network_links
from citypact.routers.models import content_responses, error_responses
from citypact.settings import Settings
from citypact.store.embedded import EmbeddedStore
from citypact.store.gate import in_thread
from citypact.store.versioned_cache import data_version
from citypact.web.entity_sections import entity_sections

router = APIRouter(tags=["linked data"])
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def route(
    path: str, summary: str | None = None, responses: dict[int | str, dict[str, Any]] | None = None
) -> Callable[[Endpoint], Endpoint]:
    """Register GET (in the OpenAPI document when it has a summary) and HEAD (never in it)."""

    def register(func: Endpoint) -> Endpoint:
        router.head(path, include_in_schema=False)(func)
        return router.get(
            path,
            summary=summary,
            include_in_schema=summary is not None,
            response_class=Response,
            responses=responses,
        )(func)

    return register


def negotiated_responses(*errors: int) -> dict[int | str, dict[str, Any]]:
    """Declared responses of a negotiated document: HTML or RDF, and the error bodies."""
    responses = {
        **content_responses(r.media_type for r in REPRESENTATIONS),
        **error_responses(304, 404, 406, *errors),
    }
    responses[404]["content"] = {HTML.media_type: {}}  # the page for browsers, else JSON
    return responses


# --- the request's context -----------------------------------------------------------------------


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _space(request: Request) -> IriSpace:
    return IriSpace(_settings(request).base_iri)


def _site(request: Request) -> Site:
    return Site(_space(request), dynamic=True)


def _describer(request: Request) -> Describer:
    settings = _settings(request)
    return Describer(request.app.state.store, timeout=settings.query_timeout)


def _cache(app: FastAPI) -> dict[str, Any]:
    if not hasattr(app.state, "linked_data_cache"):
        app.state.linked_data_cache = {}
    return app.state.linked_data_cache  # type: ignore[no-any-return]


async def _run(request: Request, func: Any, *args: object) -> Any:
    return await in_thread(func, *args, timeout=_settings(request).query_timeout)


# --- freshness: Last-Modified and conditional requests -------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class ModificationClock:
    """The Last-Modified of everything served here; it never goes back within a process.

    It is the later of the process start, the latest submission, and the moment a change of
    the submissions (one added or retracted) was first seen. Writes go through submissions
    while the server runs (``citypact load`` needs it stopped), so no change goes unseen.
    """

    def __init__(self) -> None:
        self.changed = _now()
        self.served = self.changed
        self.seen: tuple[int, str] | None = None
        self.lock = threading.Lock()

    def observe(self, state: DatasetState) -> datetime:
        """The Last-Modified for a state just read from the store.

        A change moves it at least one second past anything served before, so that a page
        changed within the same second never matches an earlier If-Modified-Since.
        """
        with self.lock:
            if self.seen is not None and state.fingerprint != self.seen:
                self.changed = max(_now(), self.served + timedelta(seconds=1))
            self.seen = state.fingerprint
            latest = state.latest.replace(microsecond=0) if state.latest else self.changed
            self.served = max(self.changed, latest, self.served)
            return self.served


def _clock(app: FastAPI) -> ModificationClock:
    if not hasattr(app.state, "linked_data_clock"):
        app.state.linked_data_clock = ModificationClock()
    return app.state.linked_data_clock  # type: ignore[no-any-return]


async def _freshness(request: Request) -> tuple[DatasetState, datetime]:
    state = await _run(
        request, dataset_state, request.app.state.store, _settings(request).query_timeout
    )
    return state, _clock(request.app).observe(state)


def not_modified(request: Request, etag: str, last_modified: datetime) -> bool:
    """Whether a conditional GET may be answered 304 (RFC 9110 §13.1.2, §13.1.3).

    If-None-Match wins over If-Modified-Since; entity tags compare weakly.
    """
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    since = request.headers.get("if-modified-since")
    if since:
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return last_modified <= when
    return False


# --- negotiation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """The representation chosen, and whether Accept chose it (then the answer varies)."""

    rep: Representation | None
    negotiated: bool
    asked: str


def choose(request: Request, suffix: Representation | None) -> Choice:
    """A suffix wins, then ``?format=``, then the Accept header (q-values, server order)."""
    if suffix is not None:
        return Choice(suffix, False, f"the suffix .{suffix.suffix}")
    fmt = request.query_params.get("format", "").strip()
    if fmt:
        return Choice(by_format_name(fmt), False, f"format={fmt!r}")
    accept = request.headers.get("accept")
    picked = negotiate(accept, [r.media_type for r in REPRESENTATIONS])
    rep = by_media_type(picked) if picked else None
    return Choice(rep, True, f"Accept: {accept or '*/*'}")


def _vary(choice: Choice) -> dict[str, str]:
    return {"Vary": "Accept"} if choice.negotiated else {}


def not_acceptable(choice: Choice) -> JSONResponse:
    """406, listing what is offered."""
    message = f"nothing here fits {choice.asked}. Offered: {supported_types_text()}"
    return JSONResponse(error_body(406, message), 406, headers=_vary(choice))


def not_found(request: Request, choice: Choice, message: str) -> Response:
    """404 in the negotiated format: the HTML page, or the JSON error for RDF clients."""
    if choice.rep is HTML:
        page = error_page(_site(request), 404, "Not found", message)
        return HTMLResponse(page, 404, headers=_vary(choice))
    return JSONResponse(error_body(404, message), 404, headers=_vary(choice))


def _links(path: str) -> str:
    return ", ".join(
        f'<{path}.{rep.suffix}>; rel="alternate"; type="{rep.media_type}"'
        for rep in REPRESENTATIONS
    )


def respond(
    request: Request,
    body: bytes,
    choice: Choice,
    path: str,
    last_modified: datetime,
) -> Response:
    """200 (or 304) with validators; a negotiated answer names its document in Content-Location."""
    assert choice.rep is not None
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(last_modified, usegmt=True),
        "Link": _links(path),
        **_vary(choice),
    }
    if choice.negotiated:
        headers["Content-Location"] = f"{path}.{choice.rep.suffix}"
    if not_modified(request, etag, last_modified):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=choice.rep.media_type, headers=headers)


# --- entities ------------------------------------------------------------------------------------


@route("/id/{path:path}")
async def entity(request: Request, path: str) -> Response:
    """An entity: its page or its description, by Accept, suffix or ``format=``."""
    return await _entity(request, "id/" + path)


@route("/.well-known/genid/{path:path}")
async def skolem_node(request: Request, path: str) -> Response:
    """A skolemized blank node of a submission, served like any entity."""
    return await _entity(request, ".well-known/genid/" + path)


async def _entity(request: Request, path: str) -> Response:
    stem, suffix = split_suffix(path)
    choice = choose(request, suffix)
    if choice.rep is None:
        return not_acceptable(choice)
    iri = _space(request).entity_iri(stem)
    local = "/" + stem
    found = None
    if iri is not None:
        found = await _run(request, _cached_entity, request, iri, choice.rep, local)
    if found is None:
        shown = iri or local
        return not_found(request, choice, f"{shown} is not described in this graph")
    body, state = found
    return respond(request, body, choice, local, _clock(request.app).observe(state))


def _cached_entity(
    request: Request, iri: str, rep: Representation, local: str
) -> tuple[bytes, DatasetState] | None:
    """:func:`_render_entity`, kept per data version (the same for every client)."""
    store = request.app.state.store
    key = ("entity", iri, rep.suffix, local, _settings(request).base_iri)
    return request.app.state.cache.get(  # type: ignore[no-any-return]
        key, data_version(store), lambda: _render_entity(request, iri, rep, local)
    ).value


def _render_entity(
    request: Request, iri: str, rep: Representation, local: str
) -> tuple[bytes, DatasetState] | None:
    """The entity's document and the dataset state, in one worker thread (None: unknown)."""
    describer = _describer(request)
    triples = describer.description(iri)
    if not triples:
        return None
    state = dataset_state(describer.store, _settings(request).query_timeout)
    if rep.is_rdf:
        return serialize(triples, rep), state
    view = describer.view(iri, triples)
    sections = entity_sections(request.app, _site(request), iri)
    return entity_page(_site(request), view, local, sections).encode(), state


# --- the ontology --------------------------------------------------------------------------------


@route("/ontology", "The CityPact ontology", negotiated_responses(503))
async def ontology(request: Request) -> Response:
    """The ontology: HTML documentation for people, or Turtle, JSON-LD, N-Triples, RDF/XML."""
    return await _ontology(request, choose(request, None))


@route("/ontology.{suffix}")
async def ontology_file(request: Request, suffix: str) -> Response:
    """The ontology in the format of a suffix."""
    rep = by_suffix(suffix)
    if rep is None:
        return not_found(request, Choice(HTML, False, ""), f"no /ontology.{suffix} here")
    return await _ontology(request, choose(request, rep))


async def _ontology(request: Request, choice: Choice) -> Response:
    if choice.rep is None:
        return not_acceptable(choice)
    cache = _cache(request.app)
    if "ontology" not in cache:
        triples = await _run(request, _describer(request).ontology)
        if not triples:
            return not_found(request, choice, "the ontology is not loaded in this store")
        cache["ontology"] = triples
    triples = cache["ontology"]
    _, last_modified = await _freshness(request)
    key = f"ontology.{choice.rep.suffix}"
    if key not in cache:
        if choice.rep.is_rdf:
            cache[key] = await run_in_threadpool(serialize, triples, choice.rep)
        else:
            graph = await run_in_threadpool(triples_to_graph, triples)
            page = await run_in_threadpool(ontology_page, _site(request), graph)
            cache[key] = page.encode()
    return respond(request, cache[key], choice, "/ontology", last_modified)


# --- the dataset (VoID, DCAT) ------------------------------------------------------------------


@route("/dataset", "VoID and DCAT description of the dataset", negotiated_responses(503))
async def dataset(request: Request) -> Response:
    """The dataset description: triples, entities per class, endpoint, dumps, licence."""
    return await _dataset(request, choose(request, None), "/dataset")


@route("/dataset.{suffix}")
async def dataset_file(request: Request, suffix: str) -> Response:
    """The dataset description in the format of a suffix."""
    return await _dataset_suffix(request, suffix, "/dataset")


@route("/.well-known/void")
async def well_known_void(request: Request) -> Response:
    """The VoID description at its well-known location (VoID §7.2)."""
    return await _dataset(request, choose(request, None), "/.well-known/void")


@route("/.well-known/void.{suffix}")
async def well_known_void_file(request: Request, suffix: str) -> Response:
    """The VoID description in the format of a suffix."""
    return await _dataset_suffix(request, suffix, "/.well-known/void")


async def _dataset_suffix(request: Request, suffix: str, path: str) -> Response:
    rep = by_suffix(suffix)
    if rep is None:
        return not_found(request, Choice(HTML, False, ""), f"no {path}.{suffix} here")
    return await _dataset(request, choose(request, rep), path)


async def _dataset(request: Request, choice: Choice, path: str) -> Response:
    if choice.rep is None:
        return not_acceptable(choice)
    state, last_modified = await _freshness(request)
    space = _space(request)
    cache = _cache(request.app)
    settings = _settings(request)
    releases = [r.as_version(state.fingerprint) for r in list_releases(settings.releases_dir)]
    key = ("dataset", last_modified, tuple(releases))
    if cache.get("dataset-key") != key:
        cache["dataset"] = await _run(
            request,
            describe_dataset,
            request.app.state.store,
            space,
            state.modified or last_modified,
            settings.query_timeout,
            releases,
        )
        cache["dataset-key"] = key
    triples = cache["dataset"]
    if choice.rep.is_rdf:
        body = await run_in_threadpool(serialize, triples, choice.rep)
    else:
        graph = triples_to_graph(triples)
        wanted = {str(o) for o in graph.objects() if isinstance(o, URIRef)}
        labels = await _run(request, _describer(request).labels, wanted)
        body = dataset_page(_site(request), space.dataset_iri, graph, labels).encode()
    return respond(request, body, choice, path, last_modified)


# --- dumps ---------------------------------------------------------------------------------------


@route("/dumps")
@route("/dumps/", "The downloadable dumps of the graph", content_responses(["text/html"]))
async def dumps_index(request: Request) -> HTMLResponse:
    """The list of dumps."""
    store = request.app.state.store
    listed = list(DUMPS)
    if isinstance(store, EmbeddedStore):
        listed += await in_thread(
            source_dumps, store.oxigraph, timeout=_settings(request).query_timeout
        )
    links = [DumpLink(f"/dumps/{d.name}", d.title, d.media_type, d.description) for d in listed]
    links += network_links(_settings(request).releases_dir)
    return HTMLResponse(dumps_page(_site(request), links))


@route(
    "/dumps/{name}",
    "One dump of the whole graph",
    {
        **content_responses(dict.fromkeys(d.media_type for d in DUMPS)),
        **error_responses(304, 404, 501, 503),
    },
)
async def dump(request: Request, name: str) -> Response:
    """A dump, streamed from the store as it is serialized (embedded store only)."""
    found = BY_NAME.get(name)
    store = request.app.state.store
    if found is None and isinstance(store, EmbeddedStore) and name.startswith("source-"):
        found = next((d for d in source_dumps(store.oxigraph) if d.name == name), None)
    if found is None:
        known = ", ".join(d.name for d in DUMPS)
        return JSONResponse(error_body(404, f"no dump {name!r}; dumps: {known}"), 404)
    if not isinstance(store, EmbeddedStore):
        message = (
            "dumps are streamed from the embedded store; this server queries a remote SPARQL "
            "endpoint: take a dump from that store, or CONSTRUCT through /sparql"
        )
        return JSONResponse(error_body(501, message), 501)
    state, last_modified = await _freshness(request)
    seed = f"{name}|{state.fingerprint}|{_clock(request.app).changed.isoformat()}"
    headers = {
        "ETag": 'W/"' + hashlib.sha256(seed.encode()).hexdigest()[:32] + '"',
        "Last-Modified": format_datetime(last_modified, usegmt=True),
    }
    if not_modified(request, headers["ETag"], last_modified):
        return Response(status_code=304, headers=headers)
    if request.method == "HEAD":
        return Response(media_type=found.media_type, headers=headers)
    return StreamingResponse(
        stream_dump(store.oxigraph, found), media_type=found.media_type, headers=headers
    )


# --- sitemap -------------------------------------------------------------------------------------


async def _page_urls(request: Request) -> list[str]:
    """Every page's URL on this host; the entity list is kept until the dataset changes."""
    space = _space(request)
    _, last_modified = await _freshness(request)
    cache = _cache(request.app)
    if cache.get("entities-key") != last_modified:
        cache["entities"] = await _run(request, _describer(request).entities, space.entity_prefixes)
        cache["entities-key"] = last_modified
    origin = str(request.base_url).rstrip("/")
    return [origin + path for path in page_paths(space, cache["entities"])]


@router.get(
    "/sitemap.xml",
    summary="Sitemap of every entity page",
    response_class=Response,
    responses={**content_responses(["application/xml"]), **error_responses(503)},
)
async def sitemap_xml(request: Request) -> Response:
    """Every entity page (a sitemap index past 50,000 pages)."""
    urls = await _page_urls(request)
    if len(urls) <= SITEMAP_LIMIT:
        return Response(sitemap(urls), media_type="application/xml")
    origin = str(request.base_url).rstrip("/")
    parts = (len(urls) + SITEMAP_LIMIT - 1) // SITEMAP_LIMIT
    index = [f"{origin}/sitemaps/{n}.xml" for n in range(1, parts + 1)]
    return Response(sitemap_index(index), media_type="application/xml")


@router.get("/sitemaps/{number}.xml", include_in_schema=False)
async def sitemap_part(request: Request, number: int) -> Response:
    """One part of a large sitemap."""
    urls = await _page_urls(request)
    start = (number - 1) * SITEMAP_LIMIT
    if number < 1 or start >= len(urls):
        return JSONResponse(error_body(404, f"no sitemap part {number}"), 404)
    return Response(sitemap(urls[start : start + SITEMAP_LIMIT]), media_type="application/xml")
