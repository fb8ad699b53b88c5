"""Pages for researchers: the home page, the label search, the example questions, the map of
partnerships, a city's timeline, and the readable overview at the top of entity pages.

Every page is rendered on the server from named queries (``queries/`` and ``queries/pages/``)
with parameters bound as RDF terms (``NamedQuery.bind``), never pasted into query text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any, TypeVar
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, XSD
from rdflib.term import Node

from .. import vocabulary
from ..html_pages import Site, esc
from ..namespaces import ID
from ..page_layout import (
    Row,
    bullet_list,
    human_date,
    link,
    page,
    row_link,
    search_form,
    section,
    site_of,
    table,
    text,
    time_tag,
    value,
)
from ..queries import NamedQuery, QueryRegistry
from ..querying import in_thread
from ..resources import query_dir
from ..store import QueryOptions, SelectResult
from ..world_map import MapLine, MapPoint, render_svg

router = APIRouter(tags=["pages"], include_in_schema=False)
T = TypeVar("T")

MAX_SEARCH = 200
PLACE_KINDS = ("city", "region")
# The order (and headings) of the kinds of search results.
KIND_HEADINGS = {
    "city": "Cities",
    "region": "Regions",
    "country": "Countries",
    "person": "People",
    "government": "Local governments",
    "organization": "Organizations",
    "post": "Posts",
    "sector": "Sectors",
    "challenge": "Shared challenges",
    "partnership": "Partnerships",
    "agreement": "Agreements",
    "commitment": "Commitments",
    "signature": "Signatures",
    "tenure": "Tenures",
    "event": "Events",
    "quotation": "Quotations",
    "claim": "Claims",
    "source": "Sources",
    "geometry": "Geometries",
}
# Example parameter values where a query's header gives none (Jakarta and its 2025 letter).
DEFAULT_EXAMPLES: dict[str, Node] = {
    "city": URIRef(ID["city/jakarta"]),
    "place": URIRef(ID["city/jakarta"]),
    "agreement": URIRef(ID["agreement/jakarta-kuala-lumpur-loi-2025-08-11"]),
    "partnership": URIRef(ID["partnership/jakarta-kuala-lumpur"]),
    "sector": URIRef(ID["sector/flood-management"]),
    "date": Literal("2025-08-11", datatype=XSD.date),
}
# The REST API answering the same question as a named query, for the same example.
API_URLS = {
    "city_partners": "/api/cities/jakarta/partners",
    "partners_by_sector": "/api/cities/jakarta/partners?sector=flood-management",
    "agreements": "/api/agreements",
    "agreement_signatories": "/api/agreements/jakarta-kuala-lumpur-loi-2025-08-11",
    "agreement_sectors": "/api/agreements/jakarta-kuala-lumpur-loi-2025-08-11",
    "places": "/api/cities",
    "post_holders_on_date": "/api/officials?city=jakarta&date=2025-08-11",
    "sectors": "/api/sectors",
}
_EXAMPLE_IRI = re.compile(r"e\.g\.\s*<([^<>\s]+)>")
_EXAMPLE_DATE = re.compile(r'e\.g\.\s*"(\d{4}-\d{2}-\d{2})"\^\^xsd:date')
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# --- running queries ----------------------------------------------------------------------------


@cache
def page_queries() -> QueryRegistry:
    """The queries of ``queries/pages/``, parsed once."""
    return QueryRegistry(query_dir() / "pages")


def _select(app: FastAPI, query: NamedQuery, **bindings: Any) -> SelectResult:
    settings = app.state.settings
    options = QueryOptions(timeout=settings.query_timeout, max_results=settings.max_results)
    return app.state.store.select(query.bind(**bindings), options)  # type: ignore[no-any-return]


def rows(app: FastAPI, name: str, **bindings: Any) -> list[Row]:
    """Rows of a page query (``queries/pages/``), or of a named query of ``queries/``."""
    registry = page_queries()
    query = registry[name] if name in registry else app.state.queries[name]
    return _select(app, query, **bindings).rows


async def render(request: Request, build: Callable[..., T], *args: object) -> T:
    """Run a page builder (it queries the store) in a worker thread, with the query deadline."""
    timeout = request.app.state.settings.query_timeout * 4
    return await in_thread(build, *args, timeout=timeout)


@cache
def vocab_label(iri: str) -> str:
    """The English label of an ontology term or vocabulary concept, else its local name."""
    graph = vocabulary.ontology_graph()
    labels = {
        getattr(o, "language", None) or "": str(o) for o in graph.objects(URIRef(iri), RDFS.label)
    }
    return labels.get("en") or labels.get("") or re.split(r"[/#]", iri)[-1]


def slug_of(iri: str | None) -> str:
    """The last path segment of an IRI."""
    return re.split(r"[/#]", (iri or "").rstrip("/"))[-1]


def kind_of(iri: str) -> str | None:
    """The kind segment of an entity IRI (``city`` for ``.../id/city/jakarta``), or None."""
    if not iri.startswith(str(ID)):
        return None
    kind, _, rest = iri[len(str(ID)) :].partition("/")
    return kind if rest else None


def _today() -> Literal:
    return Literal(datetime.now(UTC).date().isoformat(), datatype=XSD.date)


def _wkt_point(wkt: str | None) -> tuple[float, float] | None:
    """(longitude, latitude) of a WKT point literal, or None."""
    if not wkt:
        return None
    found = re.search(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", wkt, re.IGNORECASE)
    return (float(found.group(1)), float(found.group(2))) if found else None


def _unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


# --- the home page ------------------------------------------------------------------------------


def example_bindings(query: NamedQuery) -> dict[str, Node] | None:
    """Example values for a query's parameters (from its header's "e.g.", else Jakarta's).

    Required parameters always get one (None when one cannot be found); optional ones only when
    the header names an entity of the graph, so that a filter does not empty the answer.
    """
    out: dict[str, Node] = {}
    for param in query.parameters:
        found: Node | None = None
        iri = _EXAMPLE_IRI.search(param.description)
        day = _EXAMPLE_DATE.search(param.description)
        if iri and (param.required or iri.group(1).startswith(str(ID))):
            found = URIRef(iri.group(1))
        elif day and param.required:
            found = Literal(day.group(1), datatype=XSD.date)
        elif param.required:
            found = DEFAULT_EXAMPLES.get(param.name)
        if found is None:
            if param.required:
                return None
            continue
        out[param.name] = found
    return out


def is_select(query: NamedQuery) -> bool:
    """Whether a named query is a SELECT (its answer is a table)."""
    body = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
    form = re.search(r"^\s*(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", body, re.MULTILINE | re.IGNORECASE)
    return form is not None and form.group(1).upper() == "SELECT"


def short_question(query: NamedQuery) -> str:
    """The question of a query, without the explanations that follow it."""
    head, mark, _ = query.question.partition("?")
    return head + mark


def example_text(query: NamedQuery) -> str:
    """A query's text with its example parameters bound (unbound ones stay ``UNDEF``)."""
    bindings = example_bindings(query)
    return query.bind(**bindings) if bindings is not None else query.text


def _shown_value(term: Node) -> str:
    if isinstance(term, URIRef):
        return esc(slug_of(str(term)))
    return esc(str(term))


def _examples_section(app: FastAPI) -> str:
    items = []
    for query in app.state.queries:
        bindings = example_bindings(query)
        if bindings is None or not is_select(query):
            continue
        where = ", ".join(f"{esc(k)} = {_shown_value(v)}" for k, v in bindings.items())
        answers = [f'<a href="/questions/{esc(query.name)}">answer</a>']
        answers.append(f'<a href="/sparql?example={esc(query.name)}">open in the SPARQL editor</a>')
        if query.name in API_URLS:
            answers.append(f'<a href="{esc(API_URLS[query.name])}">REST API (JSON)</a>')
        items.append(
            f"<li><strong>{esc(short_question(query))}</strong>"
            + (f' <span class="meta">({where})</span>' if where else "")
            + f"<br>{' · '.join(answers)}</li>"
        )
    return section(
        "questions",
        "Example questions",
        f'<ul class="examples">{"".join(items)}</ul>',
        "Each question is a named SPARQL query of the project (<code>queries/*.rq</code>), asked "
        "here about Jakarta and its 2025 letter of intent with Kuala Lumpur.",
    )


def build_home(app: FastAPI, site: Site) -> str:
    """The home page's body."""
    counts = rows(app, "class_counts")
    count_items = "".join(
        f"<li><strong>{esc(value(r, 'count'))}</strong> "
        f"{link(site, value(r, 'class'), value(r, 'classLabel'))}</li>"
        for r in counts
    )
    latest = rows(app, "latest_agreements")
    latest_items = "".join(
        f"<li>{time_tag(value(r, 'date'))} {row_link(site, r, 'agreement', 'label')}"
        f' <span class="meta">{esc(value(r, "typeLabel") or "")}'
        f"{' · ' + esc(value(r, 'places')) if value(r, 'places') else ''}</span></li>"
        for r in latest
    )
    explore = bullet_list(
        [
            '<a href="/map">Map of partnerships</a>, by sector and year',
            '<a href="/id/city/jakarta">Jakarta</a> and '
            '<a href="/id/city/kuala-lumpur">Kuala Lumpur</a>: partners, agreements, officials',
            '<a href="/id/sector">Sectors of cooperation</a> and '
            '<a href="/id/challenge">shared challenges</a>',
            '<a href="/sparql">SPARQL editor</a> and <a href="/docs">REST API</a> '
            '(<a href="/api/cities">cities</a>, <a href="/api/agreements">agreements</a>, '
            '<a href="/api/sectors">sectors</a>)',
            '<a href="/dataset">About the dataset</a> (VoID and DCAT), '
            '<a href="/ontology">the ontology</a>, <a href="/dumps/">downloads</a>',
        ]
    )
    return (
        "<h1>CityPact</h1>"
        "<p>An open linked-data knowledge graph of city diplomacy: cities, the officials who act "
        "for them, the agreements they sign and the commitments in those agreements. Every fact "
        "cites its source; where sources disagree, both are kept.</p>"
        + search_form()
        + section("holds", "What the graph holds", f'<ul class="counts">{count_items}</ul>')
        + section(
            "latest",
            "Latest agreements",
            f'<ol class="timeline">{latest_items}</ol>' if latest_items else "<p>None yet.</p>",
        )
        + section("explore", "Explore", explore)
        + _examples_section(app)
    )


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


# --- the example questions ----------------------------------------------------------------------


def _cell(site: Site, result_row: Row, name: str, columns: Sequence[str]) -> str:
    term = result_row.get(name)
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        label_column = name + "Label"
        label = value(result_row, label_column) if label_column in columns else None
        return link(site, term.value, label or slug_of(term.value))
    return text(result_row, name)


def build_question(app: FastAPI, site: Site, query: NamedQuery) -> str:
    """The answer to one example question, as a table, with the query that asks it."""
    bindings = example_bindings(query) or {}
    result = _select(app, query, **bindings)
    columns = result.variables
    shown = [c for c in columns if not (c.endswith("Label") and c[: -len("Label")] in columns)]
    body_rows = [[_cell(site, r, c, columns) for c in shown] for r in result.rows]
    where = bullet_list(f"<code>?{esc(k)}</code> = {_shown_value(v)}" for k, v in bindings.items())
    answer = (
        table(shown, body_rows, f"{len(result.rows)} rows")
        if result.rows
        else "<p>No answer: the graph holds nothing that fits.</p>"
    )
    text_bound = query.bind(**bindings)
    return (
        f"<h1>{esc(query.question)}</h1>"
        + (f"<p>Asked with:</p>{where}" if where else "")
        + answer
        + f'<p><a href="/sparql?example={esc(query.name)}">Open this query in the SPARQL editor'
        f'</a> · <a href="/sparql?{esc(urlencode({"query": text_bound, "format": "json"}))}">'
        "SPARQL results (JSON)</a>"
        + (
            f' · <a href="{esc(API_URLS[query.name])}">REST API</a>'
            if query.name in API_URLS
            else ""
        )
        + "</p>"
        + section(
            "query",
            "The query",
            f'<pre class="scroll"><code>{esc(text_bound)}</code></pre>',
            f"<code>queries/{esc(query.name)}.rq</code>",
        )
    )


@router.get("/questions/{name}", response_class=HTMLResponse)
async def question(request: Request, name: str) -> HTMLResponse:
    """One example question of the home page, answered about Jakarta."""
    registry = request.app.state.queries
    if name not in registry or example_bindings(registry[name]) is None:
        return not_found(request, f"There is no example question named {name!r}.")
    query = registry[name]
    if not is_select(query):
        return not_found(request, f"{name} is not a question with a table for an answer.")
    body = await render(request, build_question, request.app, site_of(request), query)
    return page(request, query.question, body)


def not_found(request: Request, message: str) -> HTMLResponse:
    """A 404 page in the site's layout."""
    body = f'<h1>Not found</h1><p>{esc(message)}</p><p><a href="/">CityPact home</a></p>'
    return page(request, "Not found", body, status=404)


# --- search -------------------------------------------------------------------------------------


def build_search(app: FastAPI, site: Site, q: str) -> str:
    """The search results: entities whose names contain ``q``, grouped by kind."""
    found = rows(app, "search", q=Literal(q))
    entities: dict[str, dict[str, Any]] = {}
    for r in found:
        iri = value(r, "entity") or ""
        entry = entities.setdefault(
            iri, {"name": value(r, "name") or iri, "labels": {}, "types": []}
        )
        label = r.get("label")
        if isinstance(label, ox.Literal):
            entry["labels"].setdefault((label.value, label.language or ""), None)
        kind_iri = value(r, "type")
        if kind_iri:
            entry["types"].append(kind_iri)
    groups: dict[str, list[str]] = {}
    for iri, entry in entities.items():
        kind = kind_of(iri) or "other"
        matched = "; ".join(
            (f'<span lang="{esc(lang)}">{esc(t)}</span> ({esc(lang)})' if lang else esc(t))
            for t, lang in entry["labels"]
            if t != entry["name"]
        )
        types = ", ".join(_unique([vocab_label(t) for t in entry["types"]]))
        groups.setdefault(kind, []).append(
            f"{link(site, iri, entry['name'])}"
            + (f' <span class="meta">{esc(types)}</span>' if types else "")
            + (f'<br><span class="meta">Matched: {matched}</span>' if matched else "")
        )
    order = list(KIND_HEADINGS) + sorted(k for k in groups if k not in KIND_HEADINGS)
    parts = []
    for kind in order:
        if kind in groups:
            heading = KIND_HEADINGS.get(kind, "Terms of the ontology" if kind == "other" else kind)
            parts.append(
                f"<h3>{esc(heading)} ({len(groups[kind])})</h3>"
                + bullet_list(sorted(groups[kind], key=lambda item: re.sub("<[^>]+>", "", item)))
            )
    summary = (
        f"<p>{len(entities)} {'entity matches' if len(entities) == 1 else 'entities match'} "
        f"“{esc(q)}”.</p>"
    )
    if not entities:
        summary = f"<p>Nothing in the graph has a name containing “{esc(q)}”.</p>"
    return summary + f'<div class="results" id="results">{"".join(parts)}</div>'


@router.get("/search", response_class=HTMLResponse)
async def search(request: Request, q: str = "") -> HTMLResponse:
    """Entities whose labels (any language, any of rdfs:label, skos:prefLabel, skos:altLabel)
    contain the text, ignoring case."""
    q = _CONTROL.sub("", q).strip()  # control characters name nothing (and trip some stores)
    intro = "<h1>Search</h1>"
    if not q:
        return page(request, "Search", intro + search_form())
    if len(q) > MAX_SEARCH:
        notice = f'<p class="notice" role="alert">Search for at most {MAX_SEARCH} characters.</p>'
        return page(request, "Search", intro + notice + search_form(q[:MAX_SEARCH]), status=400)
    results = await render(request, build_search, request.app, site_of(request), q)
    body = f"<h1>Search: {esc(q)}</h1>" + search_form(q) + results
    return page(request, f"Search: {q}", body)


# --- the map ------------------------------------------------------------------------------------


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
            at = _wkt_point(value(r, f"wkt{side}"))
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


# --- entity pages: the readable overview ------------------------------------------------------


def entity_sections(app: FastAPI, site: Site, iri: str) -> str:
    """The overview shown first on the page of a city, region, agreement, person or sector.

    Runs in a worker thread (it queries the store); "" for other kinds of entity.
    """
    kind = kind_of(iri)
    builders: dict[str, Callable[[FastAPI, Site, str], str]] = {
        "city": place_sections,
        "region": place_sections,
        "agreement": agreement_sections,
        "person": person_sections,
        "sector": sector_sections,
    }
    build = builders.get(kind or "")
    return build(app, site, iri) if build else ""


def timeline_list(site: Site, agreements: Sequence[Row]) -> str:
    """A city's agreements as an ordered list by date."""
    items = []
    for r in agreements:
        doc = value(r, "documentType")
        signatories = value(r, "signatories")
        items.append(
            f"<li>{time_tag(value(r, 'date'))}"
            f"{row_link(site, r, 'agreement', 'agreementLabel')}"
            f'<br><span class="meta">{esc(vocab_label(doc)) if doc else ""} with '
            f"{row_link(site, r, 'partner', 'partnerLabel')}"
            + (f"; signed by {esc(signatories)}" if signatories else "")
            + "</span></li>"
        )
    return f'<ol class="timeline">{"".join(items)}</ol>' if items else ""


def _place_map(
    app: FastAPI, site: Site, iri: str, partners: Sequence[Row], name: str
) -> tuple[str, int]:
    places = [URIRef(iri)] + [
        URIRef(p) for p in _unique([value(r, "partner") or "" for r in partners])
    ]
    coords: dict[str, MapPoint] = {}
    for r in rows(app, "places", place=places):
        at = _wkt_point(value(r, "wkt"))
        place = value(r, "place") or ""
        if at is not None and place not in coords:
            coords[place] = MapPoint(
                at[0], at[1], value(r, "label") or slug_of(place), site.href(place)
            )
    if iri not in coords:
        return "", 0
    lines = []
    for r in partners:
        partner = value(r, "partner") or ""
        if partner in coords:
            partnership = value(r, "partnership") or ""
            lines.append(
                MapLine(
                    coords[iri],
                    coords[partner],
                    f"{name} – {coords[partner].label}",
                    site.href(partnership),
                    slug_of(partnership),
                )
            )
    title = f"{name} and its partners"
    return render_svg(lines, list(coords.values()), title), len(lines)


def place_sections(app: FastAPI, site: Site, iri: str) -> str:
    """A city or region: partners (all, and by sector), officials, agreements in time, a map."""
    place = URIRef(iri)
    names = rows(app, "places", place=place)
    name = (value(names[0], "label") if names else None) or slug_of(iri)
    partners = rows(app, "city_partners", city=place)
    by_sector = rows(app, "partners_by_sector", city=place)
    agreements = rows(app, "city_agreements_by_year", city=place)
    officials = rows(app, "place_officials", place=place, date=_today())
    out = []
    if officials:
        out.append(
            section(
                "officials",
                "Current officials",
                bullet_list(
                    f"{row_link(site, r, 'person', 'personLabel')}, "
                    f"{row_link(site, r, 'post', 'postLabel')}"
                    + (
                        f' <span class="meta">since {esc(human_date(value(r, "start")))}</span>'
                        if value(r, "start")
                        else ""
                    )
                    for r in officials
                ),
            )
        )
    if partners:
        partner_rows = []
        for r in partners:
            kind = value(r, "partnershipType")
            since = value(r, "firstAgreementYear") or value(r, "startYear") or ""
            attested = value(r, "attestedOn")
            if not since and attested:
                since = f"in force by {human_date(attested)}"
            partner_rows.append(
                [
                    row_link(site, r, "partner", "partnerLabel"),
                    link(site, value(r, "partnership"), vocab_label(kind) if kind else None),
                    esc(since),
                    esc(value(r, "agreements") or "0"),
                ]
            )
        figure, drawn = _place_map(app, site, iri, partners, name)
        if figure:
            figure = (
                f'<figure class="map">{figure}<figcaption>{esc(name)} and the {drawn} of its '
                f"{len(partners)} partners whose coordinates the graph holds.</figcaption></figure>"
            )
        out.append(
            section(
                "partners",
                f"Partners ({len(partners)})",
                table(["Partner", "Partnership", "Since", "Agreements"], partner_rows) + figure,
            )
        )
    if by_sector:
        groups: dict[tuple[str, str], list[str]] = {}
        for r in by_sector:
            key = (value(r, "sectorLabel") or slug_of(value(r, "sector")), value(r, "sector") or "")
            groups.setdefault(key, []).append(
                f"{row_link(site, r, 'partner', 'partnerLabel')} "
                f'<span class="meta">({row_link(site, r, "agreement", "agreementLabel")}, '
                f"{time_tag(value(r, 'date'))})</span>"
            )
        parts = "".join(
            f"<h3>{link(site, sector, label)}</h3>" + bullet_list(_unique(items))
            for (label, sector), items in sorted(groups.items())
        )
        out.append(section("by-sector", "Partners by sector", parts))
    if agreements:
        out.append(
            section(
                "timeline",
                f"Agreements in time order ({len(agreements)})",
                timeline_list(site, agreements),
            )
        )
    return "".join(out)


def agreement_sections(app: FastAPI, site: Site, iri: str) -> str:
    """An agreement: date and place, parties, signatories, commitments, which source says what."""
    agreement = URIRef(iri)
    facts = rows(app, "agreement_facts", agreement=agreement)
    parties = rows(app, "agreement_parties", agreement=agreement)
    signatories = rows(app, "agreement_signatories", agreement=agreement)
    commitments = rows(app, "agreement_commitments", agreement=agreement)
    sources = rows(app, "agreement_source_disagreements", agreement=agreement)
    out = []
    if facts:
        first = facts[0]
        glance = [
            ("Date", time_tag(value(first, "date"))),
            ("Type", row_link(site, first, "type", "typeLabel") if value(first, "type") else ""),
            ("Signed in", row_link(site, first, "signedIn", "signedInLabel")),
            ("Venue", text(first, "venue")),
            (
                "Occasion",
                "; ".join(
                    _unique(
                        [
                            row_link(site, r, "occasion", "occasionLabel")
                            for r in facts
                            if value(r, "occasion")
                        ]
                    )
                ),
            ),
            ("Partnership", row_link(site, first, "partnership", "partnershipLabel")),
            ("Follows", row_link(site, first, "follows", "followsLabel")),
        ]
        items = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in glance if v)
        out.append(section("glance", "At a glance", f'<dl class="facts">{items}</dl>'))
    if parties:
        out.append(
            section(
                "parties",
                "Parties",
                bullet_list(
                    _unique(
                        [
                            row_link(site, r, "party", "partyLabel")
                            + (
                                f" ({row_link(site, r, 'place', 'placeLabel')})"
                                if value(r, "place")
                                else ""
                            )
                            for r in parties
                        ]
                    )
                ),
            )
        )
    if signatories:
        out.append(
            section(
                "signatories",
                "Signatories",
                table(
                    ["Signatory", "Post", "For"],
                    [
                        [
                            row_link(site, r, "signatory", "signatoryLabel"),
                            row_link(site, r, "post", "postLabel"),
                            row_link(site, r, "party", "partyLabel"),
                        ]
                        for r in signatories
                    ],
                ),
            )
        )
    if commitments:
        by_sector: dict[str, dict[str, Any]] = {}
        for r in commitments:
            entry = by_sector.setdefault(
                value(r, "commitment") or "",
                {"row": r, "words": []},
            )
            if value(r, "statedAs"):
                entry["words"].append(text(r, "statedAs"))
        out.append(
            section(
                "commitments",
                f"Commitments by sector ({len(by_sector)})",
                table(
                    ["Sector", "Status", "As the sources word it"],
                    [
                        [
                            row_link(site, e["row"], "sector", "sectorLabel"),
                            link(
                                site,
                                value(e["row"], "commitment"),
                                value(e["row"], "statusLabel") or "commitment",
                            ),
                            "; ".join(_unique(e["words"])),
                        ]
                        for e in by_sector.values()
                    ],
                ),
            )
        )
    if sources:
        sides = {value(r, "party") or "": value(r, "partyLabel") or "" for r in parties}
        out.append(_source_section(site, sources, sides))
    return "".join(out)


def _source_section(site: Site, found: Sequence[Row], sides: dict[str, str]) -> str:
    """Which source states which sector; contested sectors show both sides.

    ``sides`` names the parties, whose account a source gives (cp:accountOf).
    """
    sectors: dict[str, dict[str, Any]] = {}
    for r in found:
        sector = value(r, "sector") or ""
        entry = sectors.setdefault(sector, {"row": r, "yes": [], "no": [], "contested": False})
        source = row_link(site, r, "source", "sourceLabel")
        account = value(r, "accountOf")
        if account:
            side = sides.get(account) or slug_of(account)
            source += f' <span class="meta">({esc(side)}\u2019s account)</span>'
        entry["yes" if value(r, "states") in ("true", "1") else "no"].append(source)
        entry["contested"] = entry["contested"] or value(r, "contested") in ("true", "1")
    contested = [e for e in sectors.values() if e["contested"]]
    note = (
        f'<p class="notice">The sources disagree on {len(contested)} '
        f"sector{'s' if len(contested) != 1 else ''}: "
        + ", ".join(esc(value(e["row"], "sectorLabel") or "") for e in contested)
        + ". Both readings are shown.</p>"
        if contested
        else "<p>Every source that lists sectors lists the same ones.</p>"
    )
    every = len(_unique([value(r, "source") or "" for r in found]))
    body = []
    for entry in sorted(sectors.values(), key=lambda e: value(e["row"], "sectorLabel") or ""):
        sector = row_link(site, entry["row"], "sector", "sectorLabel")
        if entry["contested"]:
            body.append(
                f'<tr class="contested"><th scope="row">{sector} '
                '<span class="meta">(sources disagree)</span></th>'
                f'<td><span class="yes">Stated by</span>{bullet_list(_unique(entry["yes"]))}</td>'
                f'<td><span class="no">Left out by</span>{bullet_list(_unique(entry["no"]))}</td>'
                "</tr>"
            )
        else:
            body.append(
                f'<tr><th scope="row">{sector}</th><td>all {every} sources</td><td>none</td></tr>'
            )
    grid = (
        '<div class="scroll"><table><thead><tr><th scope="col">Sector</th>'
        '<th scope="col">Sources stating it</th><th scope="col">Sources leaving it out</th>'
        f"</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )
    return section("which-source", "Which source says what", note + grid)


def person_sections(app: FastAPI, site: Site, iri: str) -> str:
    """A person: posts and tenures, agreements signed, quotations with their sources."""
    person = URIRef(iri)
    tenures = rows(app, "person_tenures", person=person)
    signed = rows(app, "person_signatures", person=person)
    quotes = rows(app, "person_quotations", person=person)
    out = []
    if tenures:

        def start(r: Row) -> str:
            if value(r, "start"):
                return time_tag(value(r, "start"))
            if value(r, "startYear"):
                return esc(value(r, "startYear"))
            if value(r, "attestedOn"):
                return "in office on " + time_tag(value(r, "attestedOn"))
            return "unknown"

        def end(r: Row) -> str:
            if value(r, "end"):
                return time_tag(value(r, "end"))
            if value(r, "endYear"):
                return esc(value(r, "endYear"))
            return "present" if value(r, "start") or value(r, "startYear") else ""

        ordered = sorted(
            tenures,
            key=lambda r: (
                value(r, "start") or value(r, "startYear") or value(r, "attestedOn") or ""
            ),
            reverse=True,
        )
        out.append(
            section(
                "posts",
                "Posts and tenures",
                table(
                    ["Post", "In", "From", "To", "Tenure"],
                    [
                        [
                            row_link(site, r, "post", "postLabel"),
                            row_link(site, r, "organization", "organizationLabel"),
                            start(r),
                            end(r),
                            link(site, value(r, "tenure"), "details"),
                        ]
                        for r in ordered
                    ],
                ),
            )
        )
    if signed:
        out.append(
            section(
                "signed",
                f"Agreements signed ({len(signed)})",
                '<ol class="timeline">'
                + "".join(
                    f"<li>{time_tag(value(r, 'date'))}"
                    f"{row_link(site, r, 'agreement', 'agreementLabel')}"
                    f'<br><span class="meta">as {row_link(site, r, "post", "postLabel")}, for '
                    f"{row_link(site, r, 'party', 'partyLabel')}</span></li>"
                    for r in signed
                )
                + "</ol>",
            )
        )
    if quotes:
        grouped: dict[str, dict[str, Any]] = {}
        for r in quotes:
            entry = grouped.setdefault(value(r, "quotation") or "", {"row": r, "sources": []})
            if value(r, "source"):
                source = row_link(site, r, "source", "sourceLabel")
                url = value(r, "url")
                if url:
                    source += f' <a class="iri" href="{esc(url)}">{esc(url)}</a>'
                entry["sources"].append(source)
        items = []
        for quotation, entry in grouped.items():
            r = entry["row"]
            about = value(r, "about")
            items.append(
                f"<figure><blockquote>{text(r, 'text')}</blockquote><figcaption>"
                + (time_tag(value(r, "spokenOn")) + ", " if value(r, "spokenOn") else "")
                + (f"about {row_link(site, r, 'about', 'aboutLabel')}. " if about else "")
                + f"Quoted in: {', '.join(_unique(entry['sources'])) or 'no source given'}. "
                + f'<span class="meta">{link(site, quotation, "quotation")}</span>'
                + "</figcaption></figure>"
            )
        out.append(section("quotations", f"Quotations ({len(grouped)})", "".join(items)))
    return "".join(out)


def sector_sections(app: FastAPI, site: Site, iri: str) -> str:
    """A sector: the partnerships whose agreements commit to it."""
    found = rows(app, "sector_partnerships", sector=URIRef(iri))
    if not found:
        return section(
            "partnerships",
            "Partnerships cooperating on this sector",
            "<p>No agreement in the graph commits to this sector yet.</p>",
        )
    groups: dict[str, dict[str, Any]] = {}
    for r in found:
        key = value(r, "partnership") or value(r, "agreement") or ""
        entry = groups.setdefault(key, {"row": r, "places": [], "agreements": []})
        if value(r, "place"):
            entry["places"].append(row_link(site, r, "place", "placeLabel"))
        entry["agreements"].append(
            f"{time_tag(value(r, 'date'))} {row_link(site, r, 'agreement', 'agreementLabel')}"
            + (
                f' <span class="meta">({esc(value(r, "statusLabel"))})</span>'
                if value(r, "statusLabel")
                else ""
            )
        )
    table_rows = [
        [
            row_link(site, e["row"], "partnership", "partnershipLabel")
            if value(e["row"], "partnership")
            else "(no partnership)",
            " – ".join(_unique(e["places"])),
            bullet_list(_unique(e["agreements"])),
        ]
        for e in groups.values()
    ]
    slug = slug_of(iri)
    return section(
        "partnerships",
        f"Partnerships cooperating on this sector ({len(groups)})",
        table(["Partnership", "Places", "Agreements"], table_rows)
        + f'<p><a href="/map?{esc(urlencode({"sector": slug}))}">See them on the map</a></p>',
    )


# --- a city's timeline --------------------------------------------------------------------------


def build_timeline(app: FastAPI, site: Site, iri: str) -> str | None:
    """The timeline page's body, or None when the graph does not know the place."""
    place = URIRef(iri)
    names = rows(app, "places", place=place)
    if not names:
        return None
    name = value(names[0], "label") or slug_of(iri)
    agreements = rows(app, "city_agreements_by_year", city=place)
    listing = timeline_list(site, agreements) or "<p>The graph holds no agreement of it yet.</p>"
    return (
        f"<h1>Timeline of {esc(name)}</h1>"
        f"<p>The agreements of {link(site, iri, name)} with its partners, oldest first.</p>"
        + listing
    )


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
