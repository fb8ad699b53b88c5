"""The map of partnerships, filtered by sector and year, with the table of what fits."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI
from rdflib import Literal, URIRef

from citypact import vocabulary
from citypact.publishing.html_pages import Site, esc
from citypact.web.page_layout import Row, row_link, section, table, value
from citypact.web.page_queries import rows, slug_of, wkt_point
from citypact.web.world_map import MapLine, MapPoint, render_svg


def _options(choices: Sequence[tuple[str, str]], chosen: str) -> str:
    return "".join(
        f'<option value="{esc(v)}"{" selected" if v == chosen else ""}>{esc(label)}</option>'
        for v, label in choices
    )


def map_lines(found: Sequence[Row], site: Site) -> tuple[list[MapLine], list[MapPoint]]:
    """The lines (partnerships whose places both have coordinates) and dots of map rows."""
    lines, points = [], {}
    for r in found:
        ends = []
        for side in ("A", "B"):
            at = wkt_point(value(r, f"wkt{side}"))
            place = value(r, f"place{side}") or ""
            if at is not None:
                point = MapPoint(at[0], at[1], value(r, f"label{side}") or "", site.href(place))
                points[place] = point
                ends.append(point)
        if len(ends) == 2:
            partnership = value(r, "partnership") or ""
            label = value(r, "partnershipLabel") or f"{ends[0].label} – {ends[1].label}"
            lines.append(
                MapLine(ends[0], ends[1], label, site.href(partnership), slug_of(partnership))
            )
    return lines, list(points.values())


def build_map(app: FastAPI, site: Site, sector: str, year: int | None) -> str:
    """The map page's body for a sector slug ("" for all) and a year (None for all)."""
    sectors = rows(app, "sectors")
    years = rows(app, "agreement_years")
    sector_iri = vocabulary.sectors().get(sector) if sector else None
    found = rows(
        app,
        "map_partnerships",
        sector=URIRef(sector_iri) if sector_iri else None,
        year=Literal(year) if year is not None else None,
    )
    lines, points = map_lines(found, site)
    sector_name = next(
        (value(s, "label") for s in sectors if value(s, "notation") == sector), sector
    )
    what = "Partnerships"
    if sector:
        what += f" on {sector_name}"
    if year is not None:
        what += f" active in {year}"
    title = f"{what}: {len(lines)} drawn of {len(found)}"
    form = (
        '<form class="filters" method="get" action="/map"><div class="fields">'
        '<span class="field"><label for="sector">Sector</label><select id="sector" name="sector">'
        + _options(
            [("", "All sectors")]
            + [(value(s, "notation") or "", value(s, "label") or "") for s in sectors],
            sector,
        )
        + '</select></span><span class="field"><label for="year">Year</label>'
        '<select id="year" name="year">'
        + _options(
            [("", "All years")]
            + [
                (value(y, "year") or "", f"{value(y, 'year')} ({value(y, 'agreements')})")
                for y in years
            ],
            str(year) if year is not None else "",
        )
        + '</select></span><span class="field"><button type="submit">Show</button></span>'
        "</div></form>"
    )
    figure = (
        f'<figure class="map">{render_svg(lines, points, title)}'
        f"<figcaption>{esc(title)}. Lines join partner places whose coordinates the graph "
        "holds; the table lists every partnership that fits.</figcaption></figure>"
    )
    drawn = {line.key for line in lines}
    listing = table(
        ["Partnership", "Places", "On the map"],
        [
            [
                row_link(site, r, "partnership", "partnershipLabel"),
                row_link(site, r, "placeA", "labelA")
                + " – "
                + row_link(site, r, "placeB", "labelB"),
                "yes" if slug_of(value(r, "partnership")) in drawn else "no (no coordinates)",
            ]
            for r in found
        ],
    )
    return (
        "<h1>Map of partnerships</h1>"
        "<p>Partner places joined by a line for each partnership. Pick a sector (partnerships "
        "whose agreements commit to it) and a year (an agreement signed, or the partnership "
        "started or attested, that year).</p>"
        + form
        + figure
        + section(
            "partnerships",
            what,
            listing if found else "<p>No partnership fits.</p>",
        )
    )
