"""g. Coverage: the import of the world's partnership lists (issue 17).

Runs `citypact import lists` from the pinned raw inputs (time and peak memory of the process),
reads its figures, then starts `citypact serve` on a fresh data directory with the full bundle
(first start: loading half a million triples) and again on that store (later starts), timing each
to the first answered /health and /api/cities, and times the biggest hub's partners and page.
In --tiny mode only the figures of the committed import are read (no rebuild, no server).
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import time

import httpx
import servers
from common import BIN, ROOT, Figure, Section, markdown_table
from context import Context

TARGETS = {
    "partnerships": 25_000,
    "places": 15_000,
}
SHARES = {
    "places_with_coordinates": 0.97,
    "places_with_country": 0.99,
    "places_with_wikidata": 0.60,
}
HUB_LIMIT = 0.200  # seconds at the store for the biggest hub's partners and page


def run(ctx: Context, section: Section) -> None:
    """Import, figures, starts, the hub's answers."""
    built = ROOT / "data" / "built"
    if not ctx.cfg.tiny:
        out = ctx.cfg.workdir / "built"
        shutil.rmtree(out, ignore_errors=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        subprocess.run(
            [str(BIN / "citypact"), "import", "lists", "--out-dir", str(out)],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        section.add(Figure("`citypact import lists` (whole build)", [seconds]))
        section.add(
            Figure(
                "its peak RSS",
                [float(peak)],
                unit="B",
                note="largest child so far" if before else "",
            )
        )
        identical = all(
            (out / p.name).read_bytes() == p.read_bytes() for p in built.iterdir() if p.is_file()
        )
        ctx.results.target(
            "g. the import reproduces data/built byte for byte", str(identical), identical
        )
        built = out
    figures = json.loads((built / "import-figures.json").read_text())
    places = figures["places"]
    rows = [("partnerships", f"{figures['partnerships']:,}"), ("places", f"{places:,}")]
    for key in SHARES:
        rows.append(
            (key.replace("_", " "), f"{figures[key]:,} ({100 * figures[key] / places:.1f}%)")
        )
    rows.append(("ambiguous mentions left for curators", f"{figures['ambiguous']:,}"))
    section.tables.append(markdown_table(["figure", "value"], rows))
    for key, limit in TARGETS.items():
        ctx.results.target(f"g. {key} ≥ {limit:,}", f"{figures[key]:,}", figures[key] >= limit)
    for key, share in SHARES.items():
        measured = figures[key] / places
        ctx.results.target(
            f"g. {key.replace('_', ' ')} ≥ {share:.0%}", f"{measured:.1%}", measured >= share
        )
    if ctx.cfg.tiny:
        return
    data_dir = ctx.cfg.workdir / "coverage-store"
    shutil.rmtree(data_dir, ignore_errors=True)
    first, later = _start(ctx, data_dir, "first"), []
    for number in range(max(1, ctx.cfg.startup_reps)):
        later.append(_start(ctx, data_dir, f"later-{number}"))
    section.add(Figure("first start (full bundle) → /health", [first[0]]))
    section.add(Figure("first start (full bundle) → first /api/cities", [first[1]]))
    section.add(Figure("later starts → /health", [t[0] for t in later]))
    section.add(Figure("later starts → first /api/cities", [t[1] for t in later]))
    _hub(ctx, section, data_dir)


def _start(ctx: Context, data_dir, name: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    server = servers.start_citypact(
        ctx.cfg.workdir, f"coverage-{name}", data_dir, env={"CITYPACT_BUNDLE": "full"}, wait=600
    )
    try:
        health = time.perf_counter() - server.started_at
        with httpx.Client(timeout=120, trust_env=False) as http:
            http.get(f"{server.base}/api/cities", params={"limit": 20}).raise_for_status()
        return health, time.perf_counter() - server.started_at
    finally:
        server.stop()


def _hub(ctx: Context, section: Section, data_dir) -> None:  # type: ignore[no-untyped-def]
    server = servers.start_citypact(
        ctx.cfg.workdir, "coverage-hub", data_dir, env={"CITYPACT_BUNDLE": "full"}, wait=600
    )
    try:
        with httpx.Client(timeout=120, trust_env=False) as http:
            query = (
                "PREFIX cp: <https://w3id.org/citypact/ontology#> SELECT ?place "
                "(COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a cp:Partnership ; cp:partner ?g . "
                "?g cp:governs ?place } GROUP BY ?place ORDER BY DESC(?n) LIMIT 1"
            )
            answer = http.post(
                f"{server.base}/sparql",
                data={"query": query},
                headers={"Accept": "application/sparql-results+json"},
            ).json()["results"]["bindings"][0]
            hub, count = answer["place"]["value"], answer["n"]["value"]
            slug = hub.rsplit("/", 1)[-1]
            for label, url, headers in (
                ("partners", f"/api/cities/{slug}/partners", {}),
                ("page", f"/id/city/{slug}", {"Accept": "text/html"}),
            ):
                times = []
                for _ in range(ctx.cfg.reps + 1):
                    started = time.perf_counter()
                    http.get(server.base + url, headers=headers).raise_for_status()
                    times.append(time.perf_counter() - started)
                figure = section.add(
                    Figure(
                        f"biggest hub ({slug}, {count} partnerships): {label}", times[1:], note=url
                    )
                )
                ctx.results.target(
                    f"g. biggest hub's {label} < {HUB_LIMIT * 1000:.0f} ms (warm, over HTTP)",
                    figure.cell(),
                    (figure.median or 0) < HUB_LIMIT,
                )
    finally:
        server.stop()
