"""i. Every endpoint at its worst: each /api endpoint and page, on the benchmark's store, with
the worst realistic parameters (the most partnered city, its busiest year, the first and the
last page), timed in the process (no network): the first answer (cold) and the median of the
next ones (warm), with the size of the answer. Nothing slow can hide: every route a user reaches
is listed, and the targets say which are over their limit.

Targets (issues 19 and 22): /api answers in at most 50 ms warm; pages in at most 300 ms warm and
2 s cold, and at most 300 KB of HTML.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from common import Section, markdown_table
from context import Context
from fastapi.testclient import TestClient

from citypact.app import create_app
from citypact.settings import Settings

API_LIMIT = 0.050
PAGE_LIMIT = 0.300
PAGE_COLD_LIMIT = 2.0
PAGE_BYTES = 300_000
HTML = "text/html,application/xhtml+xml,*/*;q=0.8"


@dataclass(frozen=True)
class Endpoint:
    """One URL to time: an API answer (JSON) or a page (HTML)."""

    label: str
    url: str
    page: bool


@dataclass(frozen=True)
class Worst:
    """The worst realistic parameters of a store."""

    hub: str
    city: str
    sector: str | None
    year: int | None
    agreement: str | None
    day: str


def worst(client: TestClient) -> Worst:
    """The most partnered place, the place with the most agreements and its most common sector,
    its busiest year and its agreement with the most commitments (asked over /sparql)."""

    def one(query: str) -> dict[str, str]:
        answer = client.post(
            "/sparql",
            data={"query": "PREFIX cp: <https://w3id.org/citypact/ontology#>\n" + query},
            headers={"Accept": "application/sparql-results+json"},
        )
        answer.raise_for_status()
        rows = answer.json()["results"]["bindings"]
        return {k: v["value"] for k, v in rows[0].items()} if rows else {}

    hub = one(
        "SELECT ?place (COUNT(DISTINCT ?p) AS ?n) WHERE { ?g cp:governs ?place . "
        "?p a cp:Partnership ; cp:partner ?g } GROUP BY ?place ORDER BY DESC(?n) ?place LIMIT 1"
    )["place"]
    busiest = one(
        "SELECT ?place (COUNT(DISTINCT ?a) AS ?n) WHERE { ?g cp:governs ?place . "
        "?a cp:party ?g } GROUP BY ?place ORDER BY DESC(?n) ?place LIMIT 1"
    ).get("place", hub)
    sector = one(
        f"SELECT ?s (COUNT(*) AS ?n) WHERE {{ ?g cp:governs <{busiest}> . ?a cp:party ?g . "
        "?c cp:commitmentOf ?a ; cp:sector ?s } GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 1"
    ).get("s")
    year = one(
        f"SELECT ?y (COUNT(*) AS ?n) WHERE {{ ?g cp:governs <{busiest}> . ?a cp:party ?g ; "
        "cp:date ?d BIND (YEAR(?d) AS ?y) } GROUP BY ?y ORDER BY DESC(?n) ?y LIMIT 1"
    ).get("y")
    agreement = one(
        f"SELECT ?a ?d (COUNT(?c) AS ?n) WHERE {{ ?g cp:governs <{busiest}> . ?a cp:party ?g ; "
        "cp:date ?d . OPTIONAL { ?c cp:commitmentOf ?a } } GROUP BY ?a ?d "
        "ORDER BY DESC(?n) ?a LIMIT 1"
    )
    return Worst(
        hub.rsplit("/", 1)[-1],
        busiest.rsplit("/", 1)[-1],
        sector.rsplit("/", 1)[-1] if sector else None,
        int(year) if year else None,
        agreement["a"].rsplit("/", 1)[-1] if agreement else None,
        agreement.get("d", "2025-08-11")[:10] if agreement else "2025-08-11",
    )


def endpoints(client: TestClient) -> list[Endpoint]:
    """Every route a user reaches, with the worst realistic parameters of the store."""
    w = worst(client)
    hub, city = w.hub, w.city
    sector, year, agreement = w.sector or "flood-management", w.year or 2025, w.agreement or ""
    cities = client.get("/api/cities?limit=1").json()["count"]
    agreements = client.get("/api/agreements?limit=1").json()["count"]
    api = [
        ("cities, first page", "/api/cities?limit=20"),
        ("cities, last page", f"/api/cities?limit=20&offset={max(cities - 20, 0)}"),
        ("the hub", f"/api/cities/{hub}"),
        ("partners of the hub", f"/api/cities/{hub}/partners"),
        ("partners of the busiest city, by sector", f"/api/cities/{city}/partners?sector={sector}"),
        ("agreements, first page", "/api/agreements?limit=20"),
        ("agreements, last page", f"/api/agreements?limit=20&offset={max(agreements - 20, 0)}"),
        ("agreements of the busiest city", f"/api/agreements?city={city}"),
        ("… in its busiest year", f"/api/agreements?city={city}&year={year}"),
        ("agreements of a year", f"/api/agreements?year={year}&limit=20"),
        ("agreements on a sector", f"/api/agreements?sector={sector}&limit=20"),
        ("an agreement", f"/api/agreements/{agreement}"),
        ("officials of the busiest city on a date", f"/api/officials?city={city}&date={w.day}"),
        ("sectors", "/api/sectors"),
    ]
    pages = [
        ("home", "/"),
        ("search, one letter", "/search?q=a"),
        ("search, the hub's name", f"/search?q={hub.replace('-', ' ')}"),
        ("map, everything", "/map"),
        ("map, a sector", f"/map?sector={sector}"),
        ("map, a year", f"/map?year={year}"),
        ("map, the hub", f"/map?city={hub}"),
        ("the hub's page", f"/id/city/{hub}"),
        ("the hub's timeline", f"/timeline/{hub}"),
        ("an agreement's page", f"/id/agreement/{agreement}"),
        ("a sector's page", f"/id/sector/{sector}"),
        ("a question about the hub", f"/questions/city_partners?city={hub}"),
        ("dataset (VoID)", "/dataset"),
        ("sitemap", "/sitemap.xml"),
        ("downloads", "/dumps/"),
    ]
    return [Endpoint(label, url, False) for label, url in api] + [
        Endpoint(label, url, True) for label, url in pages
    ]


def run(ctx: Context, section: Section) -> None:
    """Time every endpoint on the benchmark's store, then on the full real graph (the curated
    graph and the world's partnership lists), in threads (the time is the app's and store's)."""
    reps = max(ctx.cfg.reps, 3)
    stores = [("generated", ctx.ensure_store(), "core")]
    if not ctx.cfg.tiny:
        stores.append(("real", ctx.cfg.workdir / "endpoints-full-store", "full"))
    for graph, data_dir, bundle in stores:
        _time_store(ctx, section, graph, data_dir, bundle, reps)


def _time_store(  # type: ignore[no-untyped-def]
    ctx: Context, section: Section, graph: str, data_dir, bundle: str, reps: int
) -> None:
    settings = Settings(
        data_dir=data_dir,
        rate_limit=0,
        query_isolation="thread",
        log_level="warning",
        bundle=bundle,  # type: ignore[arg-type]
    )
    rows = []
    with TestClient(create_app(settings)) as client:
        for endpoint in endpoints(client):
            headers = {"Accept": HTML if endpoint.page else "application/json"}
            started = time.perf_counter()
            first = client.get(endpoint.url, headers=headers)
            cold = time.perf_counter() - started
            warm = []
            for _ in range(reps):
                started = time.perf_counter()
                answer = client.get(endpoint.url, headers=headers)
                warm.append(time.perf_counter() - started)
            median, worst_time = statistics.median(warm), max(warm)
            size = len(answer.content)
            status = first.status_code
            if endpoint.page:
                holds = status == 200 and median <= PAGE_LIMIT and cold <= PAGE_COLD_LIMIT
                holds = holds and size <= PAGE_BYTES
                limit = f"≤ {PAGE_LIMIT * 1000:.0f} ms warm, ≤ {PAGE_COLD_LIMIT:g} s cold, ≤ 300 KB"
            else:
                holds = status == 200 and median <= API_LIMIT
                limit = f"≤ {API_LIMIT * 1000:.0f} ms warm"
            rows.append(
                (
                    endpoint.label,
                    f"`{endpoint.url}`",
                    str(status),
                    f"{cold * 1000:.1f} ms",
                    f"{median * 1000:.1f} ms",
                    f"{worst_time * 1000:.1f} ms",
                    f"{size / 1000:.1f} KB",
                    "✅" if holds else "❌",
                )
            )
            ctx.results.target(
                f"i. {graph} graph: {endpoint.label} ({limit})",
                f"{median * 1000:.1f} ms warm, {cold * 1000:.0f} ms cold, {size / 1000:.0f} KB",
                holds,
            )
    section.tables.append(
        f"**{graph} graph** ({data_dir.name})\n\n"
        + markdown_table(
            ["endpoint", "URL", "status", "cold", "warm (median)", "warm (max)", "size", "holds"],
            rows,
        )
    )
    section.notes.append(
        f"{reps} warm requests each after a cold one, in the process (FastAPI TestClient, query "
        "isolation in threads): the time is the app's and the store's, without the network."
    )
