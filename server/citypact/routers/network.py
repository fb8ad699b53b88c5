"""The partnership network: tables (``/api/network/{edges,nodes,panel}``), analyses
(``/api/network/analyses/{name}``, the ``/network`` page and its SVG charts) and the export
files of the whole network (``/dumps/network/{file}``).

Thin: parse the filters and parameters, ask :class:`citypact.network.service.NetworkService`
(which runs the named queries of ``queries/network/`` once per data version) in a worker
thread under the deadline, and shape the answer as JSON or CSV by ``Accept`` (or ``format=``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from citypact.namespaces import ID
from citypact.network.analyses import AnalysisError, Table
from citypact.network.columns import TABLES
from citypact.network.filters import FilterError, parse_filters
from citypact.network.formats import BY_NAME, csv_text, table_rows
from citypact.network.service import ANALYSES, NetworkService
from citypact.publishing.dataset_description import dataset_state
from citypact.publishing.html_pages import esc
from citypact.publishing.negotiation import negotiate
from citypact.publishing.release import Release, list_releases
from citypact.routers.models import error_responses
from citypact.store.gate import in_thread
from citypact.store.port import Deadline
from citypact.web.network_page import build_network_page
from citypact.web.page_layout import page, site_of
from citypact.web.page_layout import table as html_table

router = APIRouter(tags=["network"])
OFFERED = ("application/json", "text/csv")
_PLACE = re.compile(r"^(?:(?:city|region|government|country)/)?[a-z0-9]+(?:-[a-z0-9]+)*$")
Csv = Annotated[str | None, Query(max_length=2000)]
Year = Annotated[str | None, Query(max_length=8, description="YYYY")]
ERRORS = error_responses(404, 406, 422, 429, 503)


def service_of(app: FastAPI) -> NetworkService:
    """The app's network service, made on first use."""
    service = getattr(app.state, "network", None)
    if service is None:
        store, settings = app.state.store, app.state.settings
        service = NetworkService(
            store,
            lambda: dataset_state(store, settings.query_timeout).fingerprint,
            settings.query_timeout,
        )
        app.state.network = service
    return service  # type: ignore[no-any-return]


def _budget(request: Request) -> float:
    return float(request.app.state.settings.query_timeout) * 4


def _wants_csv(request: Request, format: str | None) -> bool:
    if format is not None:
        if format not in ("csv", "json"):
            raise HTTPException(422, f"format: expected csv or json, got {format!r}")
        return format == "csv"
    chosen = negotiate(request.headers.get("accept"), OFFERED)
    if chosen is None:
        raise HTTPException(406, f"supported types: {', '.join(OFFERED)}")
    return chosen == "text/csv"


def resolve_place(text: str, parameter: str) -> str:
    """A place given as an IRI, ``kind/slug`` or a slug, as an IRI (422 when malformed)."""
    text = text.strip()
    if text.startswith(str(ID)) and _PLACE.match(text[len(str(ID)) :]):
        return text
    if not _PLACE.match(text):
        raise HTTPException(422, f"{parameter}: expected a place such as city/jakarta")
    return f"{ID}{text}" if "/" in text else f"{ID}city/{text}"


def _csv_response(body: str, name: str) -> Response:
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="{name}.csv"'},
    )


@router.get(
    "/api/network/{table}",
    responses={200: {"content": {"text/csv": {}}}, **ERRORS},
    summary="The network as a table (edges, nodes or panel), for the whole graph or a slice",
)
async def network_table(
    request: Request,
    table: Annotated[str, "edges, nodes or panel"],
    country: Csv = None,
    region: Csv = None,
    sector: Csv = None,
    type: Csv = None,
    status: Csv = None,
    year: Year = None,
    year_from: Year = None,
    year_to: Year = None,
    limit: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    format: Annotated[str | None, Query(max_length=8)] = None,
) -> Response:
    """One row per partnership (``edges``), per place (``nodes``) or per partnership-year in
    force (``panel``), with the columns of the data dictionary (``/dumps/network/
    {table}.csv-metadata.json``). Filters: ``country`` (ISO 3166-1 alpha-2), ``region``
    (continent code), ``sector``, ``type`` and ``status`` (slugs; several separated by commas),
    ``year`` or ``year_from``/``year_to`` (in force then). JSON ``{"data", "count"}`` (count:
    rows of the slice) or CSV by ``Accept`` or ``format=``."""
    if table not in TABLES:
        raise HTTPException(404, f"no table {table!r}; tables: {', '.join(TABLES)}")
    as_csv = _wants_csv(request, format)
    service = service_of(request.app)
    budget = _budget(request)
    raw = {
        "country": country,
        "region": region,
        "sector": sector,
        "type": type,
        "status": status,
        "year": year,
        "year_from": year_from,
        "year_to": year_to,
    }

    def build() -> tuple[list[dict[str, Any]], int]:
        deadline = Deadline(budget)
        whole = service.network(deadline)
        try:
            filters = parse_filters(raw, whole.vocabulary)
        except FilterError as err:
            raise HTTPException(422, str(err)) from None
        rows = table_rows(filters.apply(whole), table, (filters.year_from, filters.year_to))
        end = None if limit is None else offset + limit
        return rows[offset:end], len(rows)

    rows, total = await in_thread(build, timeout=budget)
    if as_csv:
        return _csv_response(csv_text(rows, table), table)
    return JSONResponse({"data": rows, "count": total})


def _analysis_params(
    name: str,
    year: str | None,
    source: str | None,
    target: str | None,
    place: str | None,
    shared: bool,
) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if name == "network-in-year" and year:
        if not re.fullmatch(r"\d{1,4}", year):
            raise HTTPException(422, f"year: expected a year (YYYY), got {year!r}")
        params["year"] = int(year)
    elif name == "path":
        if not source or not target:
            raise HTTPException(422, "path needs source and target (e.g. city/jakarta)")
        params["source"] = resolve_place(source, "source")
        params["target"] = resolve_place(target, "target")
    elif name == "candidates":
        if not place:
            raise HTTPException(422, "candidates needs place (e.g. city/jakarta)")
        params["place"] = resolve_place(place, "place")
        params["shared_sectors_only"] = shared
    return params


def table_json(found: Table) -> dict[str, Any]:
    """An analysis as JSON: its name, title, columns, rows as objects and notes."""
    records = found.records()
    return {
        "name": found.name,
        "title": found.title,
        "columns": found.columns,
        "data": records,
        "count": len(records),
        "notes": found.notes,
    }


def _table_csv(found: Table) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(found.columns)
    writer.writerows(found.rows)
    return out.getvalue()


@router.get(
    "/api/network/analyses/{name}",
    responses={200: {"content": {"text/csv": {}}}, **error_responses(404, 406, 422, 429, 503)},
    summary="An analysis of the whole network, as JSON or CSV",
)
async def network_analysis(
    request: Request,
    name: str,
    year: Year = None,
    source: Annotated[str | None, Query(max_length=300)] = None,
    target: Annotated[str | None, Query(max_length=300)] = None,
    place: Annotated[str | None, Query(max_length=300)] = None,
    shared_sectors_only: bool = True,
    format: Annotated[str | None, Query(max_length=8)] = None,
) -> Response:
    """``network-in-year`` (``year``), ``hubs``, ``growth``, ``sectors-by-region``, ``path``
    (``source``, ``target``: places such as ``city/jakarta``) or ``candidates`` (``place``,
    ``shared_sectors_only``). Cached until the data changes."""
    if name not in ANALYSES:
        raise HTTPException(404, f"no analysis {name!r}; analyses: {', '.join(ANALYSES)}")
    as_csv = _wants_csv(request, format)
    params = _analysis_params(name, year, source, target, place, shared_sectors_only)
    service = service_of(request.app)
    budget = _budget(request)

    def build() -> Table:
        try:
            return service.analysis(name, Deadline(budget), **params)
        except AnalysisError as err:
            raise HTTPException(404, str(err)) from None

    found = await in_thread(build, timeout=budget)
    if as_csv:
        return _csv_response(_table_csv(found), name)
    return JSONResponse(table_json(found))


@router.get("/network/charts/{name}.svg", include_in_schema=False)
async def network_chart(request: Request, name: str, year: Year = None) -> Response:
    """An analysis drawn as SVG (matplotlib, on the server)."""
    from citypact.network.charts import CHARTS

    if name not in CHARTS:
        raise HTTPException(404, f"no chart {name!r}; charts: {', '.join(CHARTS)}")
    params = _analysis_params(name, year, None, None, None, True)
    service = service_of(request.app)
    budget = _budget(request)
    svg = await in_thread(lambda: service.chart(name, Deadline(budget), **params), timeout=budget)
    return Response(svg, media_type="image/svg+xml")


@router.get("/network", response_class=HTMLResponse, include_in_schema=False)
async def network_page(
    request: Request,
    year: str = "",
    source: str = "",
    target: str = "",
    place: str = "",
) -> HTMLResponse:
    """The analyses page: charts, tables, CSV links; forms for a year, a path, candidates."""
    inputs = {"year": year, "source": source, "target": target, "place": place}
    try:
        chosen_year = _analysis_params("network-in-year", year.strip(), None, None, None, True)
        path = None
        if source.strip() or target.strip():
            found = _analysis_params("path", None, source, target, None, True)
            path = (found["source"], found["target"])
        where = None
        if place.strip():
            where = _analysis_params("candidates", None, None, None, place, True)["place"]
    except HTTPException as err:
        notice = esc(str(err.detail))
        body = f'<h1>The partnership network</h1><p class="notice" role="alert">{notice}</p>'
        return page(request, "The partnership network", body, status=400)
    service = service_of(request.app)
    budget = _budget(request)
    site = site_of(request)
    body, unknown = await in_thread(
        build_network_page,
        service,
        site,
        Deadline(budget),
        chosen_year.get("year"),
        path,
        where,
        inputs,
        timeout=budget,
    )
    return page(request, "The partnership network", body, status=404 if unknown else 200)


@router.get("/dumps/network/{name}", include_in_schema=False)
async def network_file(request: Request, name: str) -> Response:
    """One export file of the whole network (written once per data version)."""
    file = BY_NAME.get(name)
    if file is None:
        known = ", ".join(BY_NAME)
        raise HTTPException(404, f"no network file {name!r}; files: {known}")
    service = service_of(request.app)
    budget = _budget(request)
    path = await in_thread(service.file, name, Deadline(budget), timeout=budget)
    return FileResponse(path, media_type=file.media_type, filename=name)


_MEDIA = {
    ".csv": "text/csv",
    ".json": "application/json",
    ".parquet": "application/vnd.apache.parquet",
    ".graphml": "application/graphml+xml",
    ".gexf": "application/gexf+xml",
    ".ttl": "text/turtle",
    ".gz": "application/gzip",
    ".jsonld": "application/ld+json",
    ".trig": "application/trig",
    ".md": "text/markdown; charset=utf-8",
    ".cff": "text/plain; charset=utf-8",
}


def _release(request: Request, version: str) -> Release:
    found = next(
        (r for r in list_releases(request.app.state.settings.releases_dir) if r.version == version),
        None,
    )
    if found is None:
        raise HTTPException(404, f"no release {version!r}; see /dumps/")
    return found


@router.get("/dumps/releases/{version}/", response_class=HTMLResponse, include_in_schema=False)
async def release_index(request: Request, version: str) -> HTMLResponse:
    """The files of one release, with their sizes and SHA-256 checksums."""
    release = _release(request, version)
    rows = [
        [
            f'<a href="/dumps/releases/{esc(version)}/{esc(name)}">{esc(name)}</a>',
            esc(str(info.get("bytes", ""))),
            f"<code>{esc(str(info.get('sha256', '')))}</code>",
        ]
        for name, info in sorted(release.files.items())
    ]
    body = (
        f"<h1>Release {esc(version)}</h1><p>Issued {esc(release.issued)}: "
        f"{release.partnerships} partnerships. Cite it with "
        f'<a href="/dumps/releases/{esc(version)}/CITATION.cff">CITATION.cff</a>; what changed '
        f'since the previous release is in <a href="/dumps/releases/{esc(version)}/CHANGELOG.md">'
        "CHANGELOG.md</a>.</p>" + html_table(["File", "Bytes", "SHA-256"], rows)
    )
    return page(request, f"Release {version}", body)


@router.get("/dumps/releases/{version}/{name:path}", include_in_schema=False)
async def release_file(request: Request, version: str, name: str) -> Response:
    """One file of a release (only the files its release.json lists: no other path is served)."""
    release = _release(request, version)
    if name not in release.files and name != "release.json":
        raise HTTPException(404, f"release {version} has no file {name!r}")
    path = release.directory / name
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    media = _MEDIA.get(suffix, "text/plain; charset=utf-8")
    return FileResponse(path, media_type=media, filename=name.rsplit("/", 1)[-1])
