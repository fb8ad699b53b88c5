"""The network analyses page (``/network``): each analysis as a chart, a table and a CSV link.

The numbers come from :class:`citypact.network.service.NetworkService` (cached per data
version); charts are ``<img>`` elements pointing at the server-drawn SVGs
(``/network/charts/{name}.svg``), so the page needs no JavaScript.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from citypact.network.analyses import AnalysisError, Table
from citypact.network.service import NetworkService
from citypact.publishing.html_pages import Site, esc
from citypact.store.port import Deadline
from citypact.web.page_layout import link, section, table

DESCRIPTIONS = {
    "network-in-year": "Partnerships in force each year (from their known dates and statuses), "
    "the places they join and the connected components.",
    "hubs": "The places with most partnerships, and their betweenness centrality.",
    "growth": "New partnerships per decade of their first known date.",
    "sectors-by-region": "Partnerships with agreements in each sector, by continent and decade.",
    "path": "The shortest chain of partnerships between two places.",
    "candidates": "Places two steps away (partners of partners) that share sectors with a place.",
}


def query_string(**params: Any) -> str:
    """``?a=1&b=2`` for the parameters that are set ("" when none is)."""
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return "?" + urlencode(kept) if kept else ""


def _cell(site: Site, column: str, cell: Any) -> str:
    text = "" if cell is None else str(cell)
    if column in ("place", "partnership") and text.startswith("http"):
        return link(site, text)
    return esc(text)


def render_table(site: Site, found: Table, limit: int = 40) -> str:
    """An analysis' rows as an HTML table (the first ``limit`` rows) and its notes."""
    notes = "".join(f"<p>{esc(n)}</p>" for n in found.notes)
    if not found.rows:
        return notes + "<p>No rows.</p>"
    rows = [
        [_cell(site, c, v) for c, v in zip(found.columns, r, strict=True)]
        for r in found.rows[:limit]
    ]
    more = (
        f"<p>{len(found.rows) - limit} more rows in the CSV.</p>" if len(found.rows) > limit else ""
    )
    return notes + table(found.columns, rows, caption=found.title) + more


def _block(site: Site, found: Table, chart: bool, params: dict[str, Any]) -> str:
    q = query_string(**params)
    csv_q = query_string(**params, format="csv")
    parts = []
    if chart:
        parts.append(
            f'<figure><img src="/network/charts/{esc(found.name)}.svg{esc(q)}" '
            f'alt="Chart: {esc(found.title)} (numbers in the table below)" '
            f'width="672" loading="lazy"></figure>'
        )
    parts.append(render_table(site, found))
    parts.append(
        f'<p><a href="/api/network/analyses/{esc(found.name)}{esc(csv_q)}">Numbers as CSV</a> · '
        f'<a href="/api/network/analyses/{esc(found.name)}{esc(q)}">JSON</a></p>'
    )
    return section(found.name, found.title, "".join(parts), esc(DESCRIPTIONS[found.name]))


def _form(action: str, fields: Sequence[tuple[str, str, str, str]], button: str) -> str:
    inputs = "".join(
        f'<span class="field"><label for="{esc(ident)}">{esc(label)}</label>'
        f'<input id="{esc(ident)}" name="{esc(name)}" value="{esc(value)}" maxlength="200"></span>'
        for ident, name, label, value in fields
    )
    return (
        f'<form class="filters" method="get" action="{esc(action)}"><div class="fields">'
        f'{inputs}</div><button type="submit">{esc(button)}</button></form>'
    )


def build_network_page(
    service: NetworkService,
    site: Site,
    deadline: Deadline,
    year: int | None,
    path: tuple[str, str] | None,
    place: str | None,
    inputs: dict[str, str],
) -> tuple[str, bool]:
    """The page body, and whether a place asked for is unknown (the page then says so and is
    answered 404). ``path`` and ``place`` are resolved place IRIs (or None); ``inputs`` are the
    form values as typed, shown back in the forms."""
    blocks = []
    unknown = False
    network = service.network(deadline)
    intro = (
        f"<p>{len(network.edges)} partnerships between {len(network.nodes)} places, "
        "computed from the graph with NetworkX and cached until the data changes. "
        'Download the whole network from <a href="/dumps/">Downloads</a> (edge list, node '
        "table, panel; CSV, Parquet, GraphML, GEXF) or a slice from "
        '<a href="/docs#/network">/api/network</a>.</p>'
    )
    blocks.append(
        _form(
            "/network",
            [("year", "year", "Year of the network in force", inputs.get("year", ""))],
            "Show",
        )
    )
    year_params = {"year": year} if year is not None else {}
    blocks.append(
        _block(
            site, service.analysis("network-in-year", deadline, **year_params), True, year_params
        )
    )
    for name in ("hubs", "growth", "sectors-by-region"):
        blocks.append(_block(site, service.analysis(name, deadline), True, {}))
    path_form = _form(
        "/network#path",
        [
            ("source", "source", "From (e.g. city/jakarta)", inputs.get("source", "")),
            ("target", "target", "To (e.g. city/berlin)", inputs.get("target", "")),
        ],
        "Find path",
    )
    if path is not None:
        try:
            found = service.analysis("path", deadline, source=path[0], target=path[1])
            path_html = _block(site, found, False, {"source": path[0], "target": path[1]})
        except AnalysisError as err:
            unknown = True
            notice = f'<p class="notice" role="alert">{esc(str(err))}</p>'
            path_html = section("path", "Shortest partnership path", notice)
    else:
        path_html = section("path", "Shortest partnership path", "", esc(DESCRIPTIONS["path"]))
    blocks.append(path_form + path_html)
    cand_form = _form(
        "/network#candidates",
        [("place", "place", "Place (e.g. city/jakarta)", inputs.get("place", ""))],
        "Find candidates",
    )
    if place is not None:
        try:
            found = service.analysis("candidates", deadline, place=place)
            cand_html = _block(site, found, False, {"place": place})
        except AnalysisError as err:
            unknown = True
            notice = f'<p class="notice" role="alert">{esc(str(err))}</p>'
            cand_html = section("candidates", "Candidate partners", notice)
    else:
        cand_html = section("candidates", "Candidate partners", "", esc(DESCRIPTIONS["candidates"]))
    blocks.append(cand_form + cand_html)
    return "<h1>The partnership network</h1>" + intro + "".join(blocks), unknown
