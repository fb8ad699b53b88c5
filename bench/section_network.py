"""h. Network: the export of the whole network and the analyses page (issue 21).

On a store loaded with the full bundle (the curated graph and the partnership lists of
data/built, about 500,000 triples), a separate process reads the network from the graph and
writes every export format (the code of `citypact export network`), timing each step and
reporting its peak RSS. Then `citypact serve` on that store is asked for the analyses page
(`/network`) twice: the first answer reads the network and computes every analysis (betweenness
sampled), the second comes from the cache; a chart and an API slice are timed warm.
In --tiny mode the export runs on the curated graph alone, in process, and no server is started.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import httpx
import servers
from common import BIN, ROOT, Figure, Section, markdown_table
from context import Context

# Run in a child process so that its peak RSS is its own.
_EXPORT = r"""
import json, resource, sys, time
from pathlib import Path
from citypact.network.formats import FILES, write_all
from citypact.network.tables import read_network
from citypact.store.embedded import EmbeddedStore
store = EmbeddedStore(Path(sys.argv[1]), read_only=True)
out = Path(sys.argv[2])
times = {}
started = time.perf_counter()
network = read_network(store, 1800)
times["read the network (named queries)"] = time.perf_counter() - started
groups = {"CSV + CSVW": ("csv", "csvw"), "Parquet": ("parquet",), "GraphML": ("graphml",),
          "GEXF": ("gexf",)}
for label, kinds in groups.items():
    names = tuple(f.name for f in FILES if f.kind in kinds)
    began = time.perf_counter()
    write_all(network, out, names=names)
    times[f"write {label}"] = time.perf_counter() - began
times["total"] = time.perf_counter() - started
sizes = {p.name: p.stat().st_size for p in sorted(out.iterdir())}
print(json.dumps({"times": times, "sizes": sizes, "edges": len(network.edges),
                  "nodes": len(network.nodes),
                  "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""
PAGE_LIMIT = 120.0  # seconds: the first /network answer must fit the page deadline (4 x 30 s)


def _store(ctx: Context, bundle: str):  # type: ignore[no-untyped-def]
    """A store loaded with the bundle (kept between runs of the section)."""
    data_dir = ctx.cfg.workdir / f"network-store-{bundle}"
    if not data_dir.is_dir():
        subprocess.run(
            [str(BIN / "citypact"), "query", "ASK {}", "--data-dir", str(data_dir)],
            check=True,
            capture_output=True,
            cwd=ROOT,
            env={**_env(), "CITYPACT_BUNDLE": bundle},
        )
    return data_dir


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("CITYPACT_")}


def _tiny(section: Section, out) -> None:  # type: ignore[no-untyped-def]
    """The CSV export of the curated graph, in this process (no store on disk, no server, none
    of the heavier format libraries to import: test_network.py reads every format back)."""
    from citypact.network.formats import FILES, write_all
    from citypact.network.tables import read_network
    from citypact.store.backends import ensure_bundled_data
    from citypact.store.embedded import EmbeddedStore

    store = EmbeddedStore()
    ensure_bundled_data(store, built=False)
    started = time.perf_counter()
    network = read_network(store, 60)
    names = tuple(f.name for f in FILES if f.kind in ("csv", "csvw"))
    written = write_all(network, out, names=names)
    section.add(Figure("export (core, in process): CSV", [time.perf_counter() - started]))
    section.tables.append(
        markdown_table(["file", "bytes"], [(p.name, f"{p.stat().st_size:,}") for p in written])
    )


def run(ctx: Context, section: Section) -> None:
    """Export figures, then the analyses page."""
    bundle = "core" if ctx.cfg.tiny else "full"
    out = ctx.cfg.workdir / f"network-export-{bundle}"
    if out.exists():
        import shutil

        shutil.rmtree(out)
    if ctx.cfg.tiny:
        _tiny(section, out)
        return
    data_dir = _store(ctx, bundle)
    done = subprocess.run(
        [sys.executable, "-c", _EXPORT, str(data_dir), str(out)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(),
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    for label, seconds in report["times"].items():
        section.add(Figure(f"export ({bundle}): {label}", [seconds]))
    section.add(Figure(f"export ({bundle}): peak RSS", [float(report["maxrss"])], unit="B"))
    section.tables.append(
        markdown_table(
            ["file", "bytes"],
            [(name, f"{size:,}") for name, size in report["sizes"].items()]
            + [("(partnerships, places)", f"{report['edges']:,}, {report['nodes']:,}")],
        )
    )
    server = servers.start_citypact(
        ctx.cfg.workdir, "network-page", data_dir, env={"CITYPACT_BUNDLE": bundle}, wait=600
    )
    try:
        with httpx.Client(timeout=600, trust_env=False) as http:
            started = time.perf_counter()
            http.get(f"{server.base}/network").raise_for_status()
            first = time.perf_counter() - started
            cached = []
            for _ in range(max(3, ctx.cfg.reps)):
                began = time.perf_counter()
                http.get(f"{server.base}/network").raise_for_status()
                cached.append(time.perf_counter() - began)
            chart = []
            for _ in range(3):
                began = time.perf_counter()
                http.get(f"{server.base}/network/charts/hubs.svg").raise_for_status()
                chart.append(time.perf_counter() - began)
            slice_times = []
            for _ in range(3):
                began = time.perf_counter()
                http.get(
                    f"{server.base}/api/network/edges",
                    params={"country": "DE", "format": "csv"},
                ).raise_for_status()
                slice_times.append(time.perf_counter() - began)
        page = section.add(Figure("/network, first answer (read + every analysis)", [first]))
        section.add(Figure("/network, cached", cached))
        section.add(Figure("hubs chart (SVG): first, then cached", chart))
        section.add(Figure("/api/network/edges?country=DE (CSV), warm", slice_times))
        rss = server.memory()
        if rss:
            section.add(Figure("server peak RSS after the analyses", [float(rss)], unit="B"))
        ctx.results.target(
            f"h. first /network answer within its deadline ({PAGE_LIMIT:.0f} s)",
            page.cell(),
            first < PAGE_LIMIT,
        )
    finally:
        server.stop()
