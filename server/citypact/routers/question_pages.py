"""The example questions' answers (``/questions/{name}``), about Jakarta unless the query string
names another city, sector, agreement, partnership or date (``?city=kuala-lumpur``)."""

from __future__ import annotations

import re
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from citypact import vocabulary
from citypact.namespaces import ID
from citypact.routers.home_pages import not_found
from citypact.store.gate import in_thread
from citypact.web.page_layout import page, site_of
from citypact.web.page_queries import render
from citypact.web.questions import build_question, example_bindings, is_select

router = APIRouter(tags=["pages"], include_in_schema=False)
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Parameters a question page takes from its query string, and the kinds of entity they name.
_ENTITY_KINDS = {
    "city": ("city", "region"),
    "place": ("city", "region"),
    "agreement": ("agreement",),
    "partnership": ("partnership",),
    "person": ("person",),
}


class BadParameter(ValueError):
    """A query-string value that names nothing of the graph."""


def _term(request: Request, name: str, given: str) -> Node:
    """The RDF term a query-string value names (a slug, a sector, a date), or BadParameter."""
    if name == "sector":
        iri = vocabulary.sectors().get(given)
        if iri is None:
            raise BadParameter(f"There is no sector {given!r}.")
        return URIRef(iri)
    if name == "date":
        try:
            return Literal(date.fromisoformat(given).isoformat(), datatype=XSD.date)
        except ValueError:
            raise BadParameter(f"{given!r} is not a date; give YYYY-MM-DD.") from None
    if not _SLUG.match(given):
        raise BadParameter(f"{given!r} is not a {name} of the graph.")
    for kind in _ENTITY_KINDS[name]:
        candidate = f"{ID}{kind}/{given}"  # a checked slug: safe in the query text
        if request.app.state.store.ask(f"ASK {{ <{candidate}> ?p ?o }}"):
            return URIRef(candidate)
    raise BadParameter(f"There is no {name} {given!r} in the graph.")


@router.get("/questions/{name}", response_class=HTMLResponse)
async def question(request: Request, name: str) -> HTMLResponse:
    """One example question of the home page, answered about Jakarta or about what the query
    string names."""
    registry = request.app.state.queries
    if name not in registry or example_bindings(registry[name]) is None:
        return not_found(request, f"There is no example question named {name!r}.")
    query = registry[name]
    if not is_select(query):
        return not_found(request, f"{name} is not a question with a table for an answer.")
    accepted = {p.name for p in query.parameters} & (set(_ENTITY_KINDS) | {"sector", "date"})
    given: list[tuple[str, Node]] = []
    for param in sorted(accepted):
        raw = request.query_params.get(param, "").strip()
        if not raw:
            continue
        try:
            term = await in_thread(_term, request, param, raw, timeout=10)
        except BadParameter as err:
            return not_found(request, str(err))
        given.append((param, term))
    body = await render(request, build_question, request.app, site_of(request), query, tuple(given))
    return page(request, query.question, body)
