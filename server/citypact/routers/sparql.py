"""/sparql: the SPARQL 1.1 Protocol query operation, read-only.

Spec: https://www.w3.org/TR/sparql11-protocol/#query-operation . Queries come by GET, by
URL-encoded POST or by direct POST; answers are negotiated from ``Accept`` (or a ``format``
parameter) among the SPARQL results formats and the RDF graph formats. Without a query, GET
answers the Service Description (or a query page for browsers).
"""

from __future__ import annotations

import math
import re
import traceback
from collections.abc import Callable, Coroutine, Sequence
from itertools import dropwhile
from typing import Any, NoReturn
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, FastAPI, HTTPException, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from rdflib import URIRef
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from citypact.namespaces import ID
from citypact.publishing.dataset_description import EndpointSize, dataset_state, endpoint_size
from citypact.publishing.negotiation import negotiate
from citypact.publishing.service_description import PREFIXES, describe_service, query_page
from citypact.routers.models import content_responses, error_responses
from citypact.settings import Settings
from citypact.store.gate import QueryGate, in_thread
from citypact.store.port import (
    DATA_GRAPH,
    ONTOLOGY_GRAPH,
    GraphResult,
    QueryOptions,
    QueryRefused,
    QueryResult,
    QuerySyntaxError,
    Store,
    StoreError,
    screen_query,
)
from citypact.store.queries import QueryError
from citypact.store.results import GRAPH_TYPES, RESULT_TYPES, serialize_graph, serialize_results
from citypact.store.workers import QueryProcessPool, ViewUnavailable
from citypact.web.questions import example_text, short_question

Params = list[tuple[str, str]]
# Declared in the OpenAPI document: every answer format, and the JSON error bodies.
SPARQL_RESPONSES = {
    **content_responses(
        [*RESULT_TYPES.values(), *GRAPH_TYPES.values(), "text/html"],
        "Query results, a graph, the service description or the query page",
    ),
    **error_responses(400, 406, 413, 415, 429, 503),
}

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
HTML = "text/html"
FORMAT_PARAMS = ("format", "output", "results")  # SPARQLWrapper sends all three
UPDATE_REFUSAL = (
    "SPARQL Update is not accepted on this endpoint: it is read-only. "
    "Curators add data through /api/submissions."
)
_UTF8 = (None, "utf-8", "utf8", "us-ascii")

# Answer kinds: what a query form answers with, and what a query-less GET answers with.
RESULTS, GRAPH, DESCRIPTION = "SELECT and ASK", "CONSTRUCT and DESCRIBE", "service description"

_RESULT_NAMES = {
    "json": RESULT_TYPES["json"],
    "srj": RESULT_TYPES["json"],
    "application/json": RESULT_TYPES["json"],
    "xml": RESULT_TYPES["xml"],
    "srx": RESULT_TYPES["xml"],
    "application/xml": RESULT_TYPES["xml"],
    "text/xml": RESULT_TYPES["xml"],
    "csv": RESULT_TYPES["csv"],
    "tsv": RESULT_TYPES["tsv"],
}
_GRAPH_NAMES = {
    "turtle": GRAPH_TYPES["turtle"],
    "ttl": GRAPH_TYPES["turtle"],
    "n3": GRAPH_TYPES["turtle"],  # Turtle is N3
    "text/n3": GRAPH_TYPES["turtle"],
    "text/rdf+n3": GRAPH_TYPES["turtle"],
    "application/x-turtle": GRAPH_TYPES["turtle"],
    "application/turtle": GRAPH_TYPES["turtle"],
    "ntriples": GRAPH_TYPES["ntriples"],
    "n-triples": GRAPH_TYPES["ntriples"],
    "nt": GRAPH_TYPES["ntriples"],
    "jsonld": GRAPH_TYPES["jsonld"],
    "json-ld": GRAPH_TYPES["jsonld"],
    "json": GRAPH_TYPES["jsonld"],
    "application/json": GRAPH_TYPES["jsonld"],
    "rdfxml": GRAPH_TYPES["rdfxml"],
    "rdf+xml": GRAPH_TYPES["rdfxml"],
    "rdf": GRAPH_TYPES["rdfxml"],
    "xml": GRAPH_TYPES["rdfxml"],
    "application/xml": GRAPH_TYPES["rdfxml"],
    "text/xml": GRAPH_TYPES["rdfxml"],
}
# Per kind: the media types offered (server preference first), then names and aliases.
OFFERS: dict[str, tuple[str, ...]] = {
    RESULTS: tuple(RESULT_TYPES.values()),
    GRAPH: tuple(GRAPH_TYPES.values()),
    DESCRIPTION: (*GRAPH_TYPES.values(), HTML),
}
_NAMES: dict[str, dict[str, str]] = {
    RESULTS: {**{t: t for t in OFFERS[RESULTS]}, **_RESULT_NAMES},
    GRAPH: {**{t: t for t in OFFERS[GRAPH]}, **_GRAPH_NAMES},
    DESCRIPTION: {**{t: t for t in OFFERS[DESCRIPTION]}, **_GRAPH_NAMES, "html": HTML},
}


class VaryOnAccept(APIRoute):
    """A route whose every answer, errors included, carries ``Vary: Accept``.

    Errors are rendered by the app's own exception handlers, so their JSON body is unchanged.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def vary_on_accept(request: Request) -> Response:
            try:
                response = await handler(request)
            except (StoreError, StarletteHTTPException) as err:
                response = await _handled(request, err)
            response.headers.add_vary_header("Accept")
            return response

        return vary_on_accept


async def _handled(request: Request, err: Exception) -> Response:
    """The answer the app's exception handler gives for ``err`` (re-raised when it has none)."""
    handlers = request.app.exception_handlers
    for cls in type(err).__mro__:
        if cls in handlers:
            return await handlers[cls](request, err)  # type: ignore[no-any-return]
    raise err


router = APIRouter(tags=["sparql"], route_class=VaryOnAccept)

_PARAMETERS = [
    {"name": "query", "in": "query", "schema": {"type": "string"}, "description": "SPARQL query"},
    {
        "name": "default-graph-uri",
        "in": "query",
        "schema": {"type": "array", "items": {"type": "string"}},
        "description": "Default graph IRIs (repeatable)",
    },
    {
        "name": "named-graph-uri",
        "in": "query",
        "schema": {"type": "array", "items": {"type": "string"}},
        "description": "Named graph IRIs (repeatable)",
    },
    {
        "name": "format",
        "in": "query",
        "schema": {"type": "string"},
        "description": "Answer format, overrides Accept: json, xml, csv, tsv, turtle, ntriples, "
        "jsonld, rdfxml, or a media type",
    },
    {
        "name": "timeout",
        "in": "query",
        "schema": {"type": "number"},
        "description": "Time limit in seconds (at most the server's)",
    },
]


# --- reading the request ---------------------------------------------------------------------


def _values(params: Params, name: str) -> list[str]:
    return [value for key, value in params if key == name]


def _content_type(header: str | None) -> tuple[str, str | None]:
    """Media type and charset of a Content-Type header (lower case; "" when absent)."""
    media, *rest = (header or "").split(";")
    charset = None
    for param in rest:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.strip().lower(), charset


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "the request body is not valid UTF-8") from None


async def post_params(request: Request) -> Params:
    """Parameters of a POST: URL-encoded body or direct query body, plus the URL's parameters.

    Implements https://www.w3.org/TR/sparql11-protocol/#query-via-post-urlencoded and
    #query-via-post-direct; a direct body becomes the ``query`` parameter.
    """
    media, charset = _content_type(request.headers.get("content-type"))
    if media == UPDATE:
        raise QueryRefused(UPDATE_REFUSAL)
    if media not in (FORM, DIRECT):
        shown = f"'{media}'" if media else "no content type"
        raise HTTPException(
            415, f"a SPARQL query is POSTed as {FORM} or as {DIRECT}, not with {shown}"
        )
    if charset not in _UTF8:
        raise HTTPException(415, f"the query must be sent in UTF-8, not {charset}")
    text = _decode(await request.body())
    params = list(request.query_params.multi_items())
    if media == DIRECT:
        return [*params, ("query", text)]
    try:
        return params + parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise HTTPException(400, "the form data is not valid UTF-8") from None


def single_query(params: Params) -> str | None:
    """The one query of the request, or None when there is none.

    Refuses update requests and more than one query
    (https://www.w3.org/TR/sparql11-protocol/#query-operation).
    """
    queries = _values(params, "query")
    if _values(params, "update"):
        if queries:
            raise QueryRefused("a request carries either a query or an update, not both")
        raise QueryRefused(UPDATE_REFUSAL)
    if len(queries) > 1:
        raise HTTPException(400, f"give exactly one query parameter, not {len(queries)}")
    if queries and not queries[0].strip():
        raise HTTPException(400, "the query is empty")
    return queries[0] if queries else None


def time_limit(params: Params, ceiling: float) -> float:
    """The query's time limit: the client's ``timeout`` (seconds), capped at the server's."""
    values = [v for v in _values(params, "timeout") if v.strip()]
    if not values:
        return ceiling
    if len(values) > 1:
        raise HTTPException(400, "give at most one timeout parameter")
    try:
        seconds = float(values[0])
    except ValueError:
        raise HTTPException(
            400, f"timeout must be a number of seconds, not {values[0]!r}"
        ) from None
    if math.isnan(seconds) or seconds <= 0:
        raise HTTPException(400, "timeout must be a positive number of seconds")
    return min(seconds, ceiling)


def graph_iris(params: Params, name: str) -> tuple[str, ...]:
    """The IRIs of a dataset parameter (``default-graph-uri`` or ``named-graph-uri``).

    https://www.w3.org/TR/sparql11-protocol/#dataset
    """
    iris = tuple(_values(params, name))
    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise HTTPException(400, f"{name} {iri!r} is not an absolute IRI") from None
    return iris


# --- choosing the answer format --------------------------------------------------------------


def format_values(params: Params) -> list[str]:
    """The non-empty ``format`` (or ``output``, ``results``) values, in that order."""
    return [v.strip() for name in FORMAT_PARAMS for v in _values(params, name) if v.strip()]


def choose_media_type(kind: str, formats: Sequence[str], accept: str | None) -> str | None:
    """The media type to answer ``kind`` with, or None when nothing fits (→ 406).

    A ``format`` value (a short name or a media type, first match wins) overrides Accept;
    otherwise Accept is negotiated with q-values (RFC 9110 §12.5.1,
    https://www.w3.org/TR/sparql11-protocol/#query-success). Names map by answer kind:
    ``json`` is SPARQL JSON for SELECT/ASK and JSON-LD for CONSTRUCT/DESCRIBE.
    """
    names = _NAMES[kind]
    if formats:
        for value in formats:
            key = value.split(";")[0].strip().lower()
            if key in names:
                return names[key]
        return None
    aliases = [name for name in names if "/" in name and name not in OFFERS[kind]]
    picked = negotiate(accept, [*OFFERS[kind], *aliases])
    return names[picked] if picked else None


def not_acceptable(kinds: Sequence[str], formats: Sequence[str], accept: str | None) -> NoReturn:
    """Raise 406 listing what the endpoint offers for ``kinds``."""
    asked = f"format {', '.join(formats)!r}" if formats else f"Accept {accept or '*/*'!r}"
    offers = "; ".join(f"{kind} answers: {', '.join(OFFERS[kind])}" for kind in kinds)
    raise HTTPException(406, f"no answer format fits {asked}. This endpoint offers {offers}")


# --- answering -------------------------------------------------------------------------------

# An IRI reference without a scheme (a string or comment that looks like one only costs a BASE).
_RELATIVE_IRI = re.compile(r"<(?![A-Za-z][A-Za-z0-9+.-]*:)[^<>\"{}|^`\\\s]*>")
_POSITION = re.compile(r"\b(at )(\d+):(\d+)")


def with_base(query: str, base: str) -> str:
    """The query with the endpoint as base IRI, on a line of its own, when it has relative IRIs.

    https://www.w3.org/TR/sparql11-query/#relIRIs : without BASE, relative IRIs resolve
    against the retrieval URI, here the endpoint (as the protocol tests expect). A BASE of the
    query's own comes later and wins.
    """
    return f"BASE <{base}>\n{query}" if _RELATIVE_IRI.search(query) else query


def _unshifted(err: QuerySyntaxError) -> QuerySyntaxError:
    """The parser's error with its line number counted in the client's text (no BASE line)."""
    message = _POSITION.sub(lambda m: f"{m[1]}{max(int(m[2]) - 1, 1)}:{m[3]}", str(err), count=1)
    return QuerySyntaxError(message)


def _query_in_worker(store: Store, text: str, options: QueryOptions) -> QueryResult:
    """``store.query``, its frames freed on failure in this same worker thread.

    pyoxigraph result iterators must be dropped by the thread that made them; an error's
    traceback would otherwise carry them, alive, to the event loop's thread.
    """
    try:
        return store.query(text, options)
    except StoreError as err:
        traceback.clear_frames(err.__traceback__)
        raise


async def _evaluate(request: Request, query: str, options: QueryOptions) -> QueryResult:
    """Run the query in a worker thread, with the endpoint as base IRI."""
    screen_query(query)
    endpoint = str(request.url.replace(query="", fragment=""))
    text = with_base(query, endpoint)
    try:
        pool: QueryProcessPool | None = getattr(request.app.state, "query_pool", None)
        if pool is not None:
            try:
                return await pool.run(text, options, getattr(_store(request), "generation", 0))
            except ViewUnavailable:
                pass  # the writer was compacting; answer from the server's own store instead
        gate: QueryGate = request.app.state.query_gate
        return await gate.run(
            _query_in_worker, _store(request), text, options, timeout=options.timeout
        )
    except QuerySyntaxError as err:
        raise (_unshifted(err) if text is not query else err) from None


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _store(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


def _serialize(result: QueryResult, media_type: str) -> bytes:
    if isinstance(result, GraphResult):
        return serialize_graph(result, media_type)
    return serialize_results(result, media_type)


async def run_query(request: Request, query: str, params: Params) -> Response:
    """Evaluate one query and answer it in the negotiated format.

    https://www.w3.org/TR/sparql11-protocol/#query-success and #query-failure: a bad query is
    400, a timeout 503, no acceptable format 406.
    """
    settings = _settings(request)
    formats, accept = format_values(params), request.headers.get("accept")
    if not any(choose_media_type(kind, formats, accept) for kind in (RESULTS, GRAPH)):
        not_acceptable((RESULTS, GRAPH), formats, accept)
    options = QueryOptions(
        timeout=time_limit(params, settings.query_timeout),
        max_results=settings.max_results,
        default_graphs=graph_iris(params, "default-graph-uri"),
        named_graphs=graph_iris(params, "named-graph-uri"),
    )
    result = await _evaluate(request, query, options)
    kind = GRAPH if isinstance(result, GraphResult) else RESULTS
    media_type = choose_media_type(kind, formats, accept)
    if media_type is None:
        not_acceptable((kind,), formats, accept)
    body = await run_in_threadpool(_serialize, result, media_type)
    return Response(body, media_type=media_type)


def _endpoint_size(app: FastAPI) -> EndpointSize:
    """The default graph's size, counted again only when a submission changed the data."""
    timeout = app.state.settings.query_timeout
    state = dataset_state(app.state.store, timeout)
    cached = getattr(app.state, "endpoint_size", None)
    if cached is None or cached[0] != state.fingerprint:
        cached = (state.fingerprint, endpoint_size(app.state.store, timeout))
        app.state.endpoint_size = cached
    return cached[1]  # type: ignore[no-any-return]


def editor_examples(request: Request) -> list[tuple[str, str, str]]:
    """The named queries as examples for the editor: (name, question, text with Jakarta)."""
    return [(q.name, short_question(q), example_text(q)) for q in request.app.state.queries]


def sample_query(request: Request) -> str:
    """The query the page opens with: ``?example={name}`` (a named query, bound to Jakarta's
    examples), else Jakarta's partners (the named query city_partners).

    The partners' header comment (parameters, columns) is replaced by the question it answers.
    """
    example = request.query_params.get("example", "")
    if example in request.app.state.queries:
        return example_text(request.app.state.queries[example])
    try:
        named = request.app.state.queries["city_partners"]
        text: str = named.bind(city=URIRef(ID["city/jakarta"]))
    except QueryError:
        return "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    body = "\n".join(dropwhile(lambda line: line.startswith("#"), text.splitlines()))
    return f"# {named.question}\n# Here: the partners of Jakarta.\n{body}\n"


async def describe(request: Request, params: Params) -> Response:
    """GET without a query: the Service Description, or the query page for browsers.

    https://www.w3.org/TR/sparql11-service-description/#accessing : the description is served
    at the endpoint URL, in the RDF format negotiated (Turtle by default).
    """
    formats, accept = format_values(params), request.headers.get("accept")
    media_type = choose_media_type(DESCRIPTION, formats, accept)
    if media_type is None:
        not_acceptable((DESCRIPTION,), formats, accept)
    if media_type == HTML:
        page = query_page(
            request.url.path,
            sample_query(request),
            _settings(request).query_timeout,
            editor_examples(request),
            "The sample lists the partners of Jakarta; the examples below ask other questions.",
        )
        return HTMLResponse(page)
    store = _store(request)
    graphs = [
        g for g in (ONTOLOGY_GRAPH, DATA_GRAPH) if await in_thread(store.has_graph, g, timeout=5)
    ]
    endpoint = str(request.url.replace(query="", fragment=""))
    size = await in_thread(_endpoint_size, request.app, timeout=_settings(request).query_timeout)
    triples = describe_service(endpoint, graphs, size)
    return Response(serialize_graph(triples, media_type, PREFIXES), media_type=media_type)


@router.get(
    "/sparql",
    summary="SPARQL query by GET; without a query, the service description",
    openapi_extra={"parameters": _PARAMETERS},
    response_class=Response,
    responses=SPARQL_RESPONSES,
)
async def sparql_get(request: Request) -> Response:
    """Query via GET (https://www.w3.org/TR/sparql11-protocol/#query-via-get).

    Without ``query``: the SPARQL 1.1 Service Description, or an HTML query page when the
    client prefers text/html.
    """
    params = list(request.query_params.multi_items())
    query = single_query(params)
    if query is None:
        return await describe(request, params)
    return await run_query(request, query, params)


@router.post(
    "/sparql",
    summary="SPARQL query by POST (URL-encoded form or application/sparql-query)",
    openapi_extra={
        "parameters": _PARAMETERS[1:],
        "requestBody": {
            "required": True,
            "content": {
                FORM: {"schema": {"type": "object", "properties": {"query": {"type": "string"}}}},
                DIRECT: {"schema": {"type": "string"}},
            },
        },
    },
    response_class=Response,
    responses=SPARQL_RESPONSES,
)
async def sparql_post(request: Request) -> Response:
    """Query via POST (https://www.w3.org/TR/sparql11-protocol/#query-via-post-urlencoded and
    #query-via-post-direct). Updates are refused: the endpoint is read-only.
    """
    params = await post_params(request)
    query = single_query(params)
    if query is None:
        raise HTTPException(400, "the request has no query: send a query parameter")
    return await run_query(request, query, params)
