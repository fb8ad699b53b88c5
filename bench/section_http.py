"""c. HTTP: the same question (partners of the most-partnered city on its most common sector)
asked of each server holding the same triples, one client at a time and eight at once."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from dataclasses import dataclass

import httpx
import servers
from common import BIN, Figure, Section, format_value, markdown_table
from context import Context
from servers import LoadResult, Request, ServerProcess, free_port, run_load
from workload import bound_queries

SPARQL_JSON = "application/sparql-results+json"
LATENCY_VS_OXIGRAPH = 1.3
LATENCY_VS_RDFLIB = 10.0
SLOW_SEQUENTIAL = 10.0
"""Skip the concurrent phase of a server whose sequential median exceeds this (seconds)."""


@dataclass
class Endpoint:
    """One way of asking the question of one server."""

    label: str
    server: ServerProcess
    request: Request
    sparql: bool


def start_ours(ctx: Context) -> ServerProcess:
    """`citypact serve` on the loaded embedded store."""
    return servers.start_citypact(ctx.cfg.workdir, "citypact", ctx.ensure_store())


def start_oxigraph(ctx: Context, section: Section) -> ServerProcess:
    """The Oxigraph server on its own store, loaded with `oxigraph load` from the same files."""
    location = ctx.cfg.workdir / "oxigraph-server"
    shutil.rmtree(location, ignore_errors=True)
    command = [str(BIN / "oxigraph"), "load", "--location", str(location), "--file"]
    started = time.perf_counter()
    subprocess.run(command + [str(p) for p in ctx.all_files()], check=True, capture_output=True)
    section.add(
        Figure(
            "`oxigraph load` of the same files (server's store)", [time.perf_counter() - started]
        )
    )
    return servers.start_oxigraph(ctx.cfg.workdir, location)


def start_rdflib_endpoint(ctx: Context, section: Section) -> ServerProcess:
    """rdflib-endpoint serving the same files (it parses them into memory at start-up)."""
    port = free_port()
    server = ServerProcess(
        "rdflib-endpoint",
        [str(BIN / "rdflib-endpoint"), "serve", "--host", "127.0.0.1", "--port", str(port)]
        + [str(p) for p in ctx.all_files()],
        ctx.cfg.workdir / "logs" / "rdflib-endpoint.log",
        port=port,
    ).start()
    ready = server.wait_until(f"{server.base}/?query=ASK%7B%7D", 1200, SPARQL_JSON)
    section.add(Figure("rdflib-endpoint start-up (parses the files)", [ready]))
    return server


def endpoints(ctx: Context, servers: dict[str, ServerProcess]) -> list[Endpoint]:
    """The question, in each server's terms."""
    params = ctx.ensure_params()
    query = next(q for q in bound_queries(params) if q.name == "partners_by_sector").text
    sparql_headers = {"Accept": SPARQL_JSON}
    out = []
    if "citypact" in servers:
        base = servers["citypact"].base
        out.append(
            Endpoint(
                "CityPact REST /api/cities/{slug}/partners?sector=",
                servers["citypact"],
                Request(
                    f"{base}/api/cities/{params.city_slug}/partners", {"sector": params.sector_slug}
                ),
                sparql=False,
            )
        )
        out.append(
            Endpoint(
                "CityPact /sparql (partners_by_sector.rq)",
                servers["citypact"],
                Request(f"{base}/sparql", {"query": query}, sparql_headers),
                sparql=True,
            )
        )
    if "oxigraph" in servers:
        base = servers["oxigraph"].base
        out.append(
            Endpoint(
                "Oxigraph server /query",
                servers["oxigraph"],
                Request(f"{base}/query", {"query": query}, sparql_headers),
                sparql=True,
            )
        )
    if "rdflib-endpoint" in servers:
        base = servers["rdflib-endpoint"].base
        out.append(
            Endpoint(
                "rdflib-endpoint /",
                servers["rdflib-endpoint"],
                Request(f"{base}/", {"query": query}, sparql_headers),
                sparql=True,
            )
        )
    return out


def answer_size(endpoint: Endpoint, timeout: float) -> str:
    """Rows (SPARQL) or partners (REST) in one answer, as a correctness check."""
    response = httpx.get(
        endpoint.request.url,
        params=endpoint.request.params,
        headers=endpoint.request.headers,
        timeout=timeout,
    )
    if response.status_code != 200:
        return f"HTTP {response.status_code}: {response.text[:120]}"
    body = json.loads(response.content)
    if endpoint.sparql:
        return f"{len(body['results']['bindings'])} rows"
    return f"{body.get('count')} partners"


def ms(value: float | None) -> str:
    """Seconds as milliseconds text."""
    return "–" if value is None else format_value(value, "s")


def phase_row(label: str, mode: str, result: LoadResult) -> tuple[str, ...]:
    """One table row."""
    rate = "–" if result.rate is None else f"{result.rate:.1f}"
    problems = len(result.errors) + result.timed_out
    return (
        label,
        mode,
        str(len(result.latencies)),
        ms(result.p50),
        ms(result.p95),
        rate,
        str(problems),
    )


def run(ctx: Context, section: Section) -> None:
    """Start the servers, drive each endpoint sequentially and with 8 clients, compare."""
    cfg = ctx.cfg
    ctx.ensure_params()
    servers: dict[str, ServerProcess] = {}
    results: dict[str, tuple[LoadResult, LoadResult | None]] = {}
    sizes = []
    try:
        for name, starter in (
            ("rdflib-endpoint", lambda: start_rdflib_endpoint(ctx, section)),
            ("oxigraph", lambda: start_oxigraph(ctx, section)),
            ("citypact", lambda: start_ours(ctx)),
        ):
            try:
                servers[name] = starter()
                print(f"   {name} is up", flush=True)
            except Exception as err:  # noqa: BLE001 - one server failing must not stop the rest
                section.notes.append(f"{name} could not be started: {err}")
        for endpoint in endpoints(ctx, servers):
            size = answer_size(endpoint, cfg.http_request_timeout)
            sizes.append((endpoint.label, size))
            if "HTTP" in size:
                section.notes.append(f"{endpoint.label} answered {size}; skipped")
                continue
            sequential = run_load(
                endpoint.request,
                1,
                cfg.http_requests,
                cfg.http_phase_seconds,
                cfg.http_request_timeout,
            )
            concurrent = None
            if (sequential.p50 or 0) <= SLOW_SEQUENTIAL:
                concurrent = run_load(
                    endpoint.request,
                    cfg.clients,
                    cfg.http_requests * 2,
                    cfg.http_phase_seconds,
                    cfg.http_request_timeout,
                )
            else:
                section.notes.append(
                    f"{endpoint.label}: concurrent phase skipped "
                    f"(sequential p50 > {SLOW_SEQUENTIAL:g} s)"
                )
            results[endpoint.label] = (sequential, concurrent)
            print(
                f"   {endpoint.label}: p50 {ms(sequential.p50)}, 8 clients p50 "
                f"{ms(concurrent.p50 if concurrent else None)}",
                flush=True,
            )
        if "citypact" in servers:
            peak = servers["citypact"].memory("VmHWM")
            if peak is not None:
                ctx.notes["peak_rss"] = str(peak)
                section.add(
                    Figure(
                        "CityPact server peak RSS (VmHWM) after the load", [float(peak)], unit="B"
                    )
                )
    finally:
        for server in servers.values():
            server.stop()
    table = []
    for label, (sequential, concurrent) in results.items():
        table.append(phase_row(label, "1 client", sequential))
        if concurrent is not None:
            table.append(phase_row(label, f"{cfg.clients} clients", concurrent))
    section.tables.append(
        markdown_table(
            ["endpoint", "clients", "requests", "p50", "p95", "requests/s", "errors"], table
        )
    )
    section.tables.append(markdown_table(["endpoint", "answer"], sizes))
    section.notes.append(
        "Every server holds the same triples (bundled ontology and data plus the generated file); "
        f"each phase stops after {cfg.http_requests} (1 client) / {cfg.http_requests * 2} "
        f"({cfg.clients} clients) requests or {cfg.http_phase_seconds:g} s, whichever comes first."
    )
    targets(ctx, results)


def targets(ctx: Context, results: dict[str, tuple[LoadResult, LoadResult | None]]) -> None:
    """Ours within 1.3× of the raw Oxigraph server; ≥ 10× below rdflib-endpoint."""
    oxigraph = results.get("Oxigraph server /query")
    rdflib = results.get("rdflib-endpoint /")
    for label in (
        "CityPact REST /api/cities/{slug}/partners?sector=",
        "CityPact /sparql (partners_by_sector.rq)",
    ):
        ours = results.get(label)
        if ours is None:
            continue
        for mode, index in (("1 client", 0), (f"{ctx.cfg.clients} clients", 1)):
            mine = ours[index]
            if mine is None or mine.p50 is None:
                continue
            if oxigraph and oxigraph[index] and oxigraph[index].p50:  # type: ignore[union-attr]
                theirs = oxigraph[index].p50  # type: ignore[union-attr]
                value = mine.p50 / theirs
                ctx.results.target(
                    f"c. {label}, {mode}: p50 within {LATENCY_VS_OXIGRAPH:g}× of Oxigraph server",
                    f"{value:.2f}× ({ms(mine.p50)} vs {ms(theirs)})",
                    value <= LATENCY_VS_OXIGRAPH,
                )
            if rdflib and rdflib[index] and rdflib[index].p50:  # type: ignore[union-attr]
                theirs = rdflib[index].p50  # type: ignore[union-attr]
                value = theirs / mine.p50
                ctx.results.target(
                    f"c. {label}, {mode}: p50 ≥ {LATENCY_VS_RDFLIB:g}× lower than rdflib-endpoint",
                    f"{value:.0f}× ({ms(mine.p50)} vs {ms(theirs)})",
                    value >= LATENCY_VS_RDFLIB,
                )
