"""The map of partnerships (``/map``) and a place's timeline (``/timeline/{slug}``)."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from citypact import vocabulary
from citypact.namespaces import ID
from citypact.publishing.html_pages import esc
from citypact.routers.home_pages import not_found
from citypact.web.map_page import build_map
from citypact.web.page_layout import page, site_of
from citypact.web.page_queries import render
from citypact.web.timeline import build_timeline

router = APIRouter(tags=["pages"], include_in_schema=False)


PLACE_KINDS = ("city", "region")


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@router.get("/map", response_class=HTMLResponse)
async def partnership_map(request: Request, sector: str = "", year: str = "") -> HTMLResponse:
    """Partnerships on a world map, filtered by sector and year (a GET form)."""
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
    body = await render(request, build_map, request.app, site_of(request), sector, chosen_year)
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
