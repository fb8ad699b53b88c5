"""What every reliability check shares: the servers it starts, the data it loads, the workload
of URLs it asks for, and a few HTTP helpers.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import httpx
import servers
from common import BIN
from rdflib import URIRef
from reliability_config import CP, ID, SPARQL_JSON, TOKEN, Config
from reliability_report import Report, ms
from servers import ServerProcess

from citypact.generator import sizes_for_triples
from citypact.store.queries import QueryRegistry


def client(timeout: float = 60.0) -> httpx.Client:
    """An HTTP client for loopback servers (no proxy from the environment)."""
    return httpx.Client(timeout=timeout, trust_env=False)


def sparql_rows(base: str, query: str, timeout: float = 300.0) -> list[dict[str, str]]:
    """A SELECT over /sparql, as a list of {variable: value}."""
    with client(timeout) as http:
        answer = http.post(
            f"{base}/sparql",
            data={"query": query, "timeout": str(timeout)},
            headers={"Accept": SPARQL_JSON},
        )
    if answer.status_code != 200:
        raise RuntimeError(f"/sparql answered {answer.status_code}: {answer.text[:300]}")
    return [{k: v["value"] for k, v in row.items()} for row in answer.json()["results"]["bindings"]]


@dataclass
class Data:
    """The generated file and the loaded store."""

    ttl: Path
    triples: int
    store: Path


def prepare_data(cfg: Config, report: Report) -> Data:
    """Generate (or reuse) the synthetic graph, load it into a fresh data directory."""
    cfg.workdir.mkdir(parents=True, exist_ok=True)
    cities, agreements = sizes_for_triples(cfg.triples)
    ttl = cfg.workdir / f"synthetic-{cities}c-{agreements}a-s{cfg.seed}.ttl"
    meta = ttl.with_suffix(".json")
    started = time.perf_counter()
    if ttl.exists() and meta.exists():
        triples = int(json.loads(meta.read_text())["triples"])
        how = "reused from an earlier run"
    else:
        print(f"   generating about {cfg.triples:,} triples ...", flush=True)
        done = subprocess.run(
            [
                str(BIN / "citypact"),
                "generate",
                "--cities",
                str(cities),
                "--agreements",
                str(agreements),
                "--seed",
                str(cfg.seed),
                "--namespace",
                ID,
                str(ttl),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        found = re.search(r"(\d+) triples", done.stdout + done.stderr)
        triples = int(found.group(1)) if found else 0
        meta.write_text(json.dumps({"triples": triples}))
        how = f"generated in {time.perf_counter() - started:.1f} s"
    store = cfg.workdir / "store"
    shutil.rmtree(store, ignore_errors=True)
    print(f"   loading {triples:,} triples into {store} ...", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "citypact"), "load", "--quiet", "--data-dir", str(store), str(ttl)],
        check=True,
        capture_output=True,
    )
    loaded = time.perf_counter() - started
    report.data.update(
        {
            "file": f"{ttl.name} ({ttl.stat().st_size / 1e6:.0f} MB Turtle)",
            "triples": f"{triples:,} synthetic (`citypact generate --cities {cities} "
            f"--agreements {agreements} --seed {cfg.seed} --namespace {ID}`), {how}; "
            "plus the bundled ontology and data",
            "store": f"fresh embedded store, `citypact load` in {loaded:.1f} s",
        }
    )
    return Data(ttl, triples, store)


@dataclass
class Target:
    """One URL of the load mix."""

    kind: str
    path: str
    accept: str = "application/json"


@dataclass
class Workload:
    """URLs built from entities that exist in the store."""

    targets: list[Target]
    """The rotation (kinds repeated by weight)."""
    aside: list[Target]
    """Slow URLs measured alone, not put in the mix."""
    cheap: list[Target]
    """Cheap requests used as probes."""
    cities: list[tuple[str, int]]
    """(slug, partnerships) of the chosen cities."""
    city_count: int


def slug(iri: str) -> str:
    """Last path segment."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


def sparql_path(query: str) -> str:
    """A GET /sparql path for the query."""
    return "/sparql?" + urllib.parse.urlencode({"query": query})


def discover(base: str) -> Workload:
    """Cities spread over the partnership distribution (10th percentile to the most partnered),
    with one signed agreement each, its date, year and a sector it commits to."""
    ranked = sparql_rows(
        base,
        CP
        + """SELECT ?city (COUNT(DISTINCT ?p) AS ?n) WHERE {
               ?g cp:governs ?city . ?city a cp:City . ?p a cp:Partnership ; cp:partner ?g .
             } GROUP BY ?city ORDER BY ?n ?city""",
    )
    city_count = int(
        sparql_rows(base, CP + "SELECT (COUNT(*) AS ?n) WHERE { ?c a cp:City }")[0]["n"]
    )
    picks: list[dict[str, str]] = []
    for q in (0.1, 0.3, 0.5, 0.7, 0.9, 1.0):
        row = ranked[min(len(ranked) - 1, int(q * (len(ranked) - 1)))]
        if row not in picks:
            picks.append(row)
    registry = QueryRegistry()
    partners_query = registry["partners_by_sector"]
    groups: list[list[Target]] = []
    aside: list[Target] = []
    cheap: list[Target] = []
    cities: list[tuple[str, int]] = []
    for index, row in enumerate(picks):
        found = sparql_rows(
            base,
            CP
            + f"""SELECT ?a ?d ?sector WHERE {{
                   ?g cp:governs <{row["city"]}> . ?a cp:party ?g ; cp:date ?d ; cp:signature ?s .
                   ?c cp:commitmentOf ?a ; cp:sector ?sector .
                 }} ORDER BY DESC(?d) ?a ?sector LIMIT 1""",
        )
        if not found:
            continue
        agreement, day, sector = found[0]["a"], found[0]["d"], found[0]["sector"]
        c, a, s = slug(row["city"]), slug(agreement), slug(sector)
        cities.append((c, int(row["n"])))
        partners = partners_query.bind(city=URIRef(row["city"]), sector=URIRef(sector))
        describe = f"SELECT ?p ?o WHERE {{ <{agreement}> ?p ?o }}"
        city = Target("GET /api/cities/{slug}", f"/api/cities/{c}")
        group = [
            city,
            city,
            city,
            Target(
                "GET /api/cities/{slug}/partners?sector=",
                f"/api/cities/{c}/partners?sector={s}",
            ),
            Target(
                "GET /api/cities/{slug}/partners?sector=",
                f"/api/cities/{c}/partners?sector={s}",
            ),
            Target("GET /api/agreements/{slug}", f"/api/agreements/{a}"),
            Target("GET /api/agreements?city=&year=", f"/api/agreements?city={c}&year={day[:4]}"),
            Target("GET /api/officials?city=&date=", f"/api/officials?city={c}&date={day}"),
            Target("/sparql partners_by_sector.rq", sparql_path(partners), SPARQL_JSON),
            Target("/sparql partners_by_sector.rq", sparql_path(partners), SPARQL_JSON),
            Target("/sparql one agreement's triples", sparql_path(describe), SPARQL_JSON),
            Target("/sparql one agreement's triples", sparql_path(describe), SPARQL_JSON),
            Target("GET /api/sectors", "/api/sectors"),
            Target("GET /api/cities?limit=20&offset=", f"/api/cities?limit=20&offset={index * 20}"),
            Target("GET /health", "/health"),
        ]
        groups.append(group)
        if not cheap:
            cheap = [
                Target("GET /health", "/health"),
                city,
                Target("/sparql one agreement's triples", sparql_path(describe), SPARQL_JSON),
                Target(
                    "GET /api/cities/{slug}/partners?sector=",
                    f"/api/cities/{c}/partners?sector={s}",
                ),
            ]
        if index == len(picks) // 2:
            aside = [
                Target("GET /api/agreements?city= (every year)", f"/api/agreements?city={c}"),
                Target("GET /id/city/{slug} (HTML page)", f"/id/city/{c}", "text/html"),
                Target("GET / (home page)", "/", "text/html"),
            ]
    if not groups:
        raise RuntimeError("no city with a signed agreement was found in the store")
    # Interleave the cities so that consecutive requests ask about different ones.
    targets = [group[i] for i in range(len(groups[0])) for group in groups]
    return Workload(targets, aside, cheap, cities, city_count)


def timed_get(http: httpx.Client, base: str, target: Target) -> tuple[int, float, str]:
    """(status, seconds, body start) of one GET."""
    started = time.perf_counter()
    answer = http.get(base + target.path, headers={"Accept": target.accept})
    return answer.status_code, time.perf_counter() - started, answer.text[:300]


def single_latencies(base: str, workload: Workload) -> tuple[list[tuple[str, ...]], list[str]]:
    """Each kind of URL alone (second of two calls), and any that did not answer 2xx."""
    rows: list[tuple[str, ...]] = []
    problems: list[str] = []
    seen: set[str] = set()
    with client(120) as http:
        for target in workload.targets + workload.aside:
            if target.path in seen:
                continue
            seen.add(target.path)
            status, seconds, body = timed_get(http, base, target)
            if not 200 <= status < 300:
                problems.append(f"{target.kind} {target.path[:120]}: {status} {body[:200]}")
            if target.kind in {r[0] for r in rows}:
                continue
            status, seconds, body = timed_get(http, base, target)
            in_mix = "no (slow alone)" if target in workload.aside else "yes"
            shown = target.path if len(target.path) < 90 else target.path[:87] + "..."
            rows.append((target.kind, f"`{shown}`", str(status), ms(seconds), in_mix))
    return rows, problems


def start_citypact(
    cfg: Config, name: str, data_dir: Path | None, env: dict[str, str] | None = None
) -> ServerProcess:
    """`citypact serve` on a free port with writes on (the reliability run's token)."""
    return servers.start_citypact(
        cfg.workdir, name, data_dir, env={"CITYPACT_WRITE_TOKENS": TOKEN, **(env or {})}, wait=300
    )


def start_oxigraph(cfg: Config, location: Path, port: int) -> ServerProcess:
    """`oxigraph serve` on ``location`` (union default graph), waiting until it answers."""
    return servers.start_oxigraph(cfg.workdir, location, port)
