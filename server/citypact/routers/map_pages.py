"""The map of partnerships (``/map``) and a place's timeline (``/timeline/{slug}``)."""

from __future__ import annotations

import logging
import re
import threading
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse

from citypact import vocabulary
from citypact.namespaces import ID
from citypact.publishing.html_pages import esc
from citypact.routers.home_pages import not_found
from citypact.web.map_layers import layer
from citypact.web.map_page import MapFilters, build_map
from citypact.web.page_layout import page, site_of
from citypact.web.page_queries import render
from citypact.web.search_index import search_index
from citypact.web.timeline import build_timeline

router = APIRouter(tags=["pages"], include_in_schema=False)
log = logging.getLogger("citypact")


PLACE_KINDS = ("city", "region")


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def warm_up(app: FastAPI) -> threading.Thread:
    """Read the map's layer and the search index in the background after start-up, so that the
    first visitor of the map or the search does not wait for the whole graph to be read."""

    def run() -> None:
        try:
            layer(app)
            search_index(app)
        except Exception as err:  # noqa: BLE001 - a cold map is read again on its first visit
            log.warning("the map layer could not be read at start-up: %s", err)

    thread = threading.Thread(target=run, name="map-warm-up", daemon=True)
    thread.start()
    return thread


@router.get("/map", response_class=HTMLResponse)
async def partnership_map(
    request: Request,
    sector: str = "",
    year: str = "",
    country: str = "",
    partner: str = "",
    city: str = "",
    page_number: Annotated[str, Query(alias="page")] = "",
) -> HTMLResponse:
    """Partnerships on a world map, filtered by sector, year, country, partner country and city
    (a GET form); the table beneath lists them a page at a time."""
    sector, year = sector.strip(), year.strip()
    problems = []
    if sector and (not _SLUG.match(sector) or sector not in vocabulary.sectors()):
        problems.append(f"There is no sector {sector!r}; pick one from the list.")
        sector = ""
    chosen_year = None
    if year:
        if re.fullmatch(r"\d{4}", year):
            chosen_year = int(year)
        else:
            problems.append(f"{year!r} is not a year; give four digits, e.g. 2025.")
    codes = {}
    for name, given in (("country", country), ("partner", partner), ("city", city)):
        given = given.strip()
        if given and not (_SLUG.match(given.lower()) and len(given) <= 80):
            problems.append(f"{given!r} is not a {name} of the map; pick one from the list.")
            given = ""
        codes[name] = given.upper() if name != "city" and len(given) == 2 else given
    number = 1
    if page_number:
        if page_number.isdigit() and 0 < int(page_number) < 100_000:
            number = int(page_number)
        else:
            problems.append(f"{page_number!r} is not a page number.")
    filters = MapFilters(
        sector, chosen_year, codes["country"], codes["partner"], codes["city"], number
    )
    body = await render(request, build_map, request.app, site_of(request), filters)
    if problems:
        notice = "".join(f'<p class="notice" role="alert">{esc(p)}</p>' for p in problems)
        body = body.replace("</h1>", "</h1>" + notice, 1)
    return page(request, "Map of partnerships", body, status=400 if problems else 200)


@router.get("/timeline/{slug}", response_class=HTMLResponse)
async def timeline(request: Request, slug: str) -> HTMLResponse:
    """A city's (or region's) agreements in date order."""
    if not _SLUG.match(slug):
        return not_found(request, f"{slug!r} is not a place of the graph.")
    site = site_of(request)
    for kind in PLACE_KINDS:
        body = await render(request, build_timeline, request.app, site, str(ID[f"{kind}/{slug}"]))
        if body is not None:
            return page(request, f"Timeline: {slug}", body)
    return not_found(request, f"There is no city or region {slug!r} in the graph.")
