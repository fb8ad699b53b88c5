"""The map of partnerships: filtered by sector, year, country, partner country or city, with the
table of what fits, a page at a time.

Few partnerships (a city, a pair of countries, a sector): one line each between the two places,
the view fitted to them, the busiest places named. Many (the world: tens of thousands): one line
per pair of countries, its width by the number of ties, from country centre to country centre,
each a link to that pair's own map. Every line and dot has a tooltip and a link; the legend says
what the marks mean; lines take the short way round across the antimeridian.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import FastAPI
from rdflib import Literal, URIRef

from citypact import vocabulary
from citypact.publishing.html_pages import Site, esc
from citypact.web.map_layers import Layer, Tie, country_centres, country_pairs, layer, partnerships
from citypact.web.page_layout import link, section, table, value
from citypact.web.page_queries import rows, slug_of
from citypact.web.world_map import Legend, MapLine, MapPoint, line_width, render_svg

MAX_LINES = 400  # at most this many single ties are drawn (the page stays under 300 KB)
MAX_PAIRS = 800  # the busiest country pairs drawn at world scale (about 89% of the ties)
LABELS = 20
PAGE_SIZE = 50


@dataclass(frozen=True)
class MapFilters:
    """What the map shows: all filters optional."""

    sector: str = ""
    year: int | None = None
    country: str = ""
    partner: str = ""
    city: str = ""
    page: int = 1

    def query(self, **changes: object) -> str:
        """This map's URL query, with some filters changed."""
        values = {
            "sector": self.sector,
            "year": self.year,
            "country": self.country,
            "partner": self.partner,
            "city": self.city,
            **changes,
        }
        return urlencode({k: v for k, v in values.items() if v not in ("", None, 1)})


def _options(choices: Sequence[tuple[str, str]], chosen: str) -> str:
    return "".join(
        f'<option value="{esc(v)}"{" selected" if v == chosen else ""}>{esc(label)}</option>'
        for v, label in choices
    )


def map_lines(found: Sequence[dict], site: Site) -> tuple[list[MapLine], list[MapPoint]]:  # type: ignore[type-arg]
    """The lines and dots of rows with ``placeA/labelA/wktA``, ``placeB/...`` and
    ``partnership`` (a place page's map)."""
    from citypact.web.page_queries import wkt_point

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


def _code(place_code: str, country: str) -> str:
    """How a country is named in a URL: its ISO code, else its IRI's last segment."""
    return place_code or slug_of(country)


def filtered(app: FastAPI, lay: Layer, f: MapFilters) -> list[Tie]:
    """The ties that fit the filters, in label order."""
    ties = lay.ties
    if f.sector:
        iri = vocabulary.sectors().get(f.sector)
        keep = partnerships(app, "partnerships_with_sector", sector=URIRef(iri)) if iri else set()
        ties = [t for t in ties if t.partnership in keep]
    if f.year is not None:
        keep = partnerships(app, "partnerships_in_year", year=Literal(f.year))
        ties = [t for t in ties if t.partnership in keep]

    def country_of(i: int) -> str:
        place = lay.places[i]
        return _code(place.code, place.country)

    if f.country:
        ties = [t for t in ties if f.country in (country_of(t.a), country_of(t.b))]
    if f.partner:
        ties = [
            t
            for t in ties
            if {country_of(t.a), country_of(t.b)} == {f.country, f.partner}
            or (f.country == f.partner and country_of(t.a) == country_of(t.b) == f.country)
        ]
    if f.city:
        ties = [
            t
            for t in ties
            if f.city in (slug_of(lay.places[t.a].iri), slug_of(lay.places[t.b].iri))
        ]
    return sorted(ties, key=lambda t: (t.label, t.partnership))


def _individual(lay: Layer, ties: list[Tie], site: Site) -> tuple[list[MapLine], list[MapPoint]]:
    degree: Counter[int] = Counter()
    lines = []
    for tie in ties:
        a, b = lay.places[tie.a], lay.places[tie.b]
        if a.point is None or b.point is None:
            continue
        degree[tie.a] += 1
        degree[tie.b] += 1
        ends = (
            MapPoint(a.point[0], a.point[1], a.label, site.href(a.iri)),
            MapPoint(b.point[0], b.point[1], b.label, site.href(b.iri)),
        )
        lines.append(
            MapLine(*ends, tie.label, site.href(tie.partnership), slug_of(tie.partnership))
        )
    points = []
    for i, n in degree.items():
        place = lay.places[i]
        assert place.point is not None
        tip = f"{place.label} ({n} shown)"
        points.append(
            MapPoint(place.point[0], place.point[1], tip, site.href(place.iri), n, place.label)
        )
    return lines, points


def _aggregated(lay: Layer, ties: list[Tie], f: MapFilters) -> tuple[list[MapLine], list[MapPoint]]:
    centres = country_centres(lay, ties)
    names: dict[str, tuple[str, str]] = {}
    for place in lay.places:
        if place.country:
            names.setdefault(
                place.country, (place.country_label or slug_of(place.country), place.code)
            )
    lines = []
    counted: Counter[str] = Counter()
    within: Counter[str] = Counter()
    for number, (a, b, n) in enumerate(country_pairs(lay, ties)):
        if a == b:  # ties within one country have no line at world scale: its dot says them
            counted[a] += n
            within[a] += n
            continue
        counted[a] += n
        counted[b] += n
        if number >= MAX_PAIRS or a not in centres or b not in centres:
            continue
        (name_a, code_a), (name_b, code_b) = names[a], names[b]
        ends = (MapPoint(*centres[a], name_a), MapPoint(*centres[b], name_b))
        label = f"{name_a} – {name_b}: {n:,} partnership{'s' if n != 1 else ''}"
        query = f.query(country=_code(code_a, a), partner=_code(code_b, b), page=1)
        lines.append(MapLine(*ends, label, f"/map?{query}", f"{code_a or a}-{code_b or b}", n))
    points = []
    for country, n in counted.items():
        name, code = names[country]
        lon, lat = centres[country]
        href = f"/map?{f.query(country=_code(code, country), partner='', page=1)}"
        inside = f", {within[country]:,} within it" if within[country] else ""
        points.append(MapPoint(lon, lat, f"{name}: {n:,} ties{inside}", href, n, name))
    return lines, points


def build_map(app: FastAPI, site: Site, f: MapFilters) -> str:
    """The map page's body."""
    lay = layer(app)
    ties = filtered(app, lay, f)
    located = [t for t in ties if lay.places[t.a].point and lay.places[t.b].point]
    individual = len(located) <= MAX_LINES or bool(f.city) or bool(f.country and f.partner)
    if individual:
        if len(located) > MAX_LINES:  # the ties of the busiest places, the rest in the table
            degree = lay.degree()
            located = sorted(located, key=lambda t: -(degree[t.a] + degree[t.b]))[:MAX_LINES]
        lines, points = _individual(lay, located, site)
        drawn = len(lines)
        legend = Legend("a place (labelled: the busiest)", "a partnership")
    else:
        lines, points = _aggregated(lay, located, f)
        drawn = sum(line.count for line in lines)  # ties within a country: only in the dots
        legend = Legend(
            "a country's centre (links to its map)",
            widths=tuple((line_width(n), f"{n:,} partnerships") for n in (1, 10, 100, 1000)),
        )
    what = _describe(f, lay)
    title = f"{what}: {drawn:,} of {len(ties):,} drawn"
    how = (
        "one line per partnership"
        + (
            " (those of the busiest places; pick a city for the others)"
            if drawn < len(ties) and drawn == MAX_LINES
            else ""
        )
        if individual
        else "one line per pair of countries, wider for more ties (open one to see its ties)"
    )
    figure = (
        f'<figure class="map">{render_svg(lines, points, title, LABELS, legend, fit=True)}'
        f"<figcaption>{esc(title)}: {how}. A partnership is drawn when the graph has the "
        "coordinates of both its places.</figcaption></figure>"
    )
    return (
        "<h1>Map of partnerships</h1>"
        "<p>Partner places joined by a line. Pick a sector (partnerships whose agreements commit "
        "to it), a year (an agreement signed, or the partnership started or attested, that year) "
        "and a country; a city's map shows its partners.</p>"
        + _form(app, lay, f)
        + figure
        + section("partnerships", what, _listing(lay, ties, f, site))
    )


def _describe(f: MapFilters, lay: Layer) -> str:
    what = "Partnerships"
    if f.city:
        what += f" of {f.city}"
    if f.country:
        what += f" of {_country_name(lay, f.country)}"
    if f.partner:
        what += f" with {_country_name(lay, f.partner)}"
    if f.sector:
        what += f" on {f.sector}"
    if f.year is not None:
        what += f" active in {f.year}"
    return what


def _country_name(lay: Layer, code: str) -> str:
    for place in lay.places:
        if _code(place.code, place.country) == code and place.country_label:
            return place.country_label
    return code


def _form(app: FastAPI, lay: Layer, f: MapFilters) -> str:
    sectors = rows(app, "sectors")
    years = rows(app, "agreement_years")
    countries = sorted(
        {
            (_code(p.code, p.country), p.country_label or slug_of(p.country))
            for p in lay.places
            if p.country
        },
        key=lambda c: c[1],
    )
    fields = [
        (
            "sector",
            "Sector",
            [("", "All sectors")]
            + [(value(s, "notation") or "", value(s, "label") or "") for s in sectors],
            f.sector,
        ),
        (
            "year",
            "Year",
            [("", "All years")]
            + [
                (value(y, "year") or "", f"{value(y, 'year')} ({value(y, 'agreements')})")
                for y in years
            ],
            str(f.year) if f.year is not None else "",
        ),
        ("country", "Country", [("", "All countries"), *countries], f.country),
    ]
    out = ['<form class="filters" method="get" action="/map"><div class="fields">']
    for name, label, choices, chosen in fields:
        out.append(
            f'<span class="field"><label for="{name}">{label}</label>'
            f'<select id="{name}" name="{name}">{_options(choices, chosen)}</select></span>'
        )
    for name in ("partner", "city"):
        chosen = getattr(f, name)
        if chosen:
            out.append(f'<input type="hidden" name="{name}" value="{esc(chosen)}">')
    out.append('<span class="field"><button type="submit">Show</button></span></div></form>')
    return "".join(out)


def _listing(lay: Layer, ties: list[Tie], f: MapFilters, site: Site) -> str:
    if not ties:
        return "<p>No partnership fits.</p>"
    pages = (len(ties) + PAGE_SIZE - 1) // PAGE_SIZE
    number = min(max(f.page, 1), pages)
    shown = ties[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    body = table(
        ["Partnership", "Places", "On the map"],
        [
            [
                link(site, t.partnership, t.label),
                link(site, lay.places[t.a].iri, lay.places[t.a].label)
                + " – "
                + link(site, lay.places[t.b].iri, lay.places[t.b].label),
                "yes" if lay.places[t.a].point and lay.places[t.b].point else "no (no coordinates)",
            ]
            for t in shown
        ],
        f"{len(ties):,} partnerships; page {number} of {pages}",
    )
    nav = []
    if number > 1:
        nav.append(f'<a rel="prev" href="/map?{esc(f.query(page=number - 1))}">Previous page</a>')
    if number < pages:
        nav.append(f'<a rel="next" href="/map?{esc(f.query(page=number + 1))}">Next page</a>')
    return body + (f'<p class="pager">{" · ".join(nav)}</p>' if nav else "")
