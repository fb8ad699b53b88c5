"""The home page and the search page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from citypact.publishing.html_pages import esc
from citypact.web.home import build_home
from citypact.web.page_layout import page, search_form, site_of
from citypact.web.page_queries import render
from citypact.web.search import CONTROL_CHARACTERS, KIND_HEADINGS, MAX_SEARCH, build_search

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    """The home page."""
    body = await render(request, build_home, request.app, site_of(request))
    return page(
        request,
        "CityPact",
        body,
        description="An open knowledge graph of city diplomacy: cities, officials, agreements.",
    )


def not_found(request: Request, message: str) -> HTMLResponse:
    """A 404 page in the site's layout."""
    body = f'<h1>Not found</h1><p>{esc(message)}</p><p><a href="/">CityPact home</a></p>'
    return page(request, "Not found", body, status=404)


@router.get("/search", response_class=HTMLResponse)
async def search(
    request: Request,
    q: str = "",
    kind: str = "",
    page_number: Annotated[str, Query(alias="page")] = "",
) -> HTMLResponse:
    """Entities whose labels (any language, any of rdfs:label, skos:prefLabel, skos:altLabel)
    contain the text, ignoring case and accents, ranked; ``kind`` keeps one kind of entity and
    ``page`` pages through them."""
    # Control characters name nothing (and trip some stores).
    q = CONTROL_CHARACTERS.sub("", q).strip()
    intro = "<h1>Search</h1>"
    if not q:
        return page(request, "Search", intro + search_form())
    if len(q) > MAX_SEARCH:
        notice = f'<p class="notice" role="alert">Search for at most {MAX_SEARCH} characters.</p>'
        return page(request, "Search", intro + notice + search_form(q[:MAX_SEARCH]), status=400)
    problems = []
    if kind and kind not in KIND_HEADINGS and kind != "other":
        problems.append(f"There is no kind {kind!r} of entity; pick one from the list.")
        kind = ""
    number = 1
    if page_number:
        if page_number.isdigit() and 0 < int(page_number) < 100_000:
            number = int(page_number)
        else:
            problems.append(f"{page_number!r} is not a page number.")
    results = await render(request, build_search, request.app, site_of(request), q, kind, number)
    notice = "".join(f'<p class="notice" role="alert">{esc(p)}</p>' for p in problems)
    body = f"<h1>Search: {esc(q)}</h1>" + notice + search_form(q) + results
    return page(request, f"Search: {q}", body, status=400 if problems else 200)


_ERROR_TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    413: "Too large",
    415: "Unsupported media type",
    422: "Cannot be processed",
    429: "Too many requests",
    503: "Unavailable",
}


def html_error(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> HTMLResponse:
    """An error answered as a page, for browsers (see citypact.http.errors.wants_html)."""
    title = _ERROR_TITLES.get(status, "Error")
    body = (
        f"<h1>{esc(title)}</h1><p>{esc(message)}</p>"
        '<p><a href="/">CityPact home</a> · <a href="/search">Search</a> · '
        '<a href="/map">Map</a></p>'
    )
    response = page(request, title, body, status=status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


@router.get("/robots.txt", response_class=PlainTextResponse, include_in_schema=False)
async def robots(request: Request) -> PlainTextResponse:
    """What crawlers may fetch: pages and linked data, not the query endpoints; the sitemap."""
    base = request.app.state.settings.base_iri
    return PlainTextResponse(
        "User-agent: *\n"
        "Disallow: /sparql\n"
        "Disallow: /api/\n"
        "Disallow: /review\n"
        "Disallow: /search\n"
        f"Sitemap: {base}sitemap.xml\n"
    )
