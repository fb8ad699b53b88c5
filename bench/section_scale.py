"""j. Scale: how CityPact grows from 100,000 to 1 million to 10 million triples (issue 19).

For each size (``--scale-sizes``; the 10M size takes most of the section's time) it generates a
graph, then measures against the store's own anchors:

* bulk load: `citypact load` into a fresh store, against `oxigraph load` of the same file into a
  named graph (the store's own loader: the target is 1.2× at most);
* start-up on the existing store: launch of `citypact serve` to the first answered /api/cities
  (under 3 s);
* the flood question (partners_by_sector for the most partnered city and its most common
  sector) at the store, warm (under 50 ms);
* incremental validation of a 1,000-triple submission, against the same on the seed store
  (1.5× at most);
* full validation of the store as users run it (`citypact validate --data-dir`): time and peak
  memory of the process;
* the server's memory (VmHWM of the process tree, query workers included) after a load of the
  REST and /sparql mix.

A table shows each figure at each size side by side, so growth is read at a glance.
"""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import servers
from common import BIN, Section, markdown_table
from context import Context
from section_validation import find_anchor, validate_submission
from workload import generate_dataset, pick_params

from citypact.store.backends import ensure_bundled_data
from citypact.store.embedded import EmbeddedStore
from citypact.store.port import DATA_GRAPH, QueryOptions
from citypact.store.queries import QueryRegistry
from citypact.validation.validator import Validator

LOAD_RATIO = 1.2
STARTUP_LIMIT = 3.0
FLOOD_LIMIT = 0.050
SEED_RATIO = 1.5


@dataclass
class SizeFigures:
    """What one size measured."""

    triples: int = 0
    load: float = 0.0
    oxigraph_load: float = 0.0
    startup: float = 0.0
    flood: float = 0.0
    incremental: float = 0.0
    seed_incremental: float = 0.0
    validate: float = 0.0
    validate_rss: int = 0
    server_rss: int = 0


def _child_peak() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def run(ctx: Context, section: Section) -> None:
    """Every size in turn; the targets are checked at the largest."""
    sizes = ctx.cfg.scale_sizes
    measured: list[SizeFigures] = []
    validator = Validator.bundled()
    seed = _seed_incremental(ctx, section, validator)
    for size in sizes:
        figures = _one_size(ctx, section, size, validator)
        figures.seed_incremental = seed
        measured.append(figures)
    rows = []
    for label, pick in (
        ("triples", lambda f: f"{f.triples:,}"),
        ("`citypact load`", lambda f: f"{f.load:.1f} s"),
        ("`oxigraph load` (named graph)", lambda f: f"{f.oxigraph_load:.1f} s"),
        ("load ratio", lambda f: f"{f.load / f.oxigraph_load:.2f}×" if f.oxigraph_load else "–"),
        ("start-up → first /api/cities", lambda f: f"{f.startup:.2f} s"),
        ("flood question at the store (warm)", lambda f: f"{f.flood * 1000:.1f} ms"),
        ("incremental validation, 1,000 triples", lambda f: f"{f.incremental * 1000:.0f} ms"),
        ("… on the seed store", lambda f: f"{f.seed_incremental * 1000:.0f} ms"),
        ("`citypact validate --data-dir`", lambda f: f"{f.validate:.1f} s"),
        ("… its peak memory", lambda f: f"{f.validate_rss / 1e9:.2f} GB"),
        ("server memory after the load mix", lambda f: f"{f.server_rss / 1e9:.2f} GB"),
    ):
        rows.append((label, *(pick(f) for f in measured)))
    section.tables.append(
        markdown_table(["figure", *(f"{s:,} triples" for s in sizes)], rows)  # type: ignore[arg-type]
    )
    largest = measured[-1]
    at = f"at {largest.triples:,} triples"
    ratio = largest.load / largest.oxigraph_load if largest.oxigraph_load else None
    ctx.results.target(
        f"j. bulk load {at} ≤ {LOAD_RATIO:g}× Oxigraph's loader into a named graph",
        "–"
        if ratio is None
        else f"{ratio:.2f}× ({largest.load:.1f} s vs {largest.oxigraph_load:.1f} s)",
        None if ratio is None else ratio <= LOAD_RATIO,
    )
    ctx.results.target(
        f"j. start-up on the existing store {at} < {STARTUP_LIMIT:g} s (to /api/cities)",
        f"{largest.startup:.2f} s",
        largest.startup < STARTUP_LIMIT,
    )
    ctx.results.target(
        f"j. flood question {at} < {FLOOD_LIMIT * 1000:.0f} ms",
        f"{largest.flood * 1000:.1f} ms",
        largest.flood < FLOOD_LIMIT,
    )
    inc = largest.incremental / largest.seed_incremental if largest.seed_incremental else None
    ctx.results.target(
        f"j. incremental validation {at} ≤ {SEED_RATIO:g}× the seed store's",
        "–" if inc is None else f"{inc:.2f}×",
        None if inc is None else inc <= SEED_RATIO,
    )


def _seed_incremental(ctx: Context, section: Section, validator: Validator) -> float:
    seed_dir = ctx.cfg.workdir / "scale-seed"
    shutil.rmtree(seed_dir, ignore_errors=True)
    seed = EmbeddedStore(seed_dir)
    try:
        ensure_bundled_data(seed)
        figure, _ = validate_submission(
            section, seed, validator, find_anchor(seed), "seed store (scale section)", ctx.cfg.reps
        )
    finally:
        seed.close()
    return figure.median or 0.0


def _one_size(ctx: Context, section: Section, size: int, validator: Validator) -> SizeFigures:
    cfg = ctx.cfg
    out = SizeFigures()
    print(f"   scale: {size:,} triples", flush=True)
    dataset = generate_dataset(replace(cfg), size, f"scale-{size}")
    out.triples = dataset.triples
    store_dir = cfg.workdir / f"scale-store-{size}"
    shutil.rmtree(store_dir, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "citypact"), "load", "--quiet", "--data-dir", str(store_dir), str(dataset.path)],
        check=True,
        capture_output=True,
    )
    out.load = time.perf_counter() - started
    ox_dir = cfg.workdir / f"scale-oxigraph-{size}"
    shutil.rmtree(ox_dir, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(
        [
            str(BIN / "oxigraph"),
            "load",
            "--location",
            str(ox_dir),
            "--file",
            str(dataset.path),
            "--graph",
            DATA_GRAPH,
        ],
        check=True,
        capture_output=True,
    )
    out.oxigraph_load = time.perf_counter() - started
    shutil.rmtree(ox_dir, ignore_errors=True)
    store = EmbeddedStore(store_dir)
    try:
        params = pick_params(store)
        query = QueryRegistry()["partners_by_sector"].bind(city=params.city, sector=params.sector)
        times = []
        for _ in range(cfg.reps + 1):
            started = time.perf_counter()
            store.select(query, QueryOptions(timeout=120))
            times.append(time.perf_counter() - started)
        out.flood = statistics.median(times[1:])
        figure, _ = validate_submission(
            section,
            store,
            validator,
            find_anchor(store, params.city),
            f"{size:,} triples",
            cfg.reps,
        )
        out.incremental = figure.median or 0.0
    finally:
        store.close()
    before = _child_peak()
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "citypact"), "validate", "--data-dir", str(store_dir)],
        capture_output=True,
        check=False,
    )
    out.validate = time.perf_counter() - started
    out.validate_rss = max(_child_peak(), before)
    out.startup, out.server_rss = _serve(ctx, store_dir, params.city_slug, params.sector_slug)
    if size >= 5_000_000:
        shutil.rmtree(store_dir, ignore_errors=True)  # the 10M store is 2 GB of disk
        dataset.path.unlink(missing_ok=True)
    return out


def _serve(ctx: Context, store_dir: Path, city: str, sector: str) -> tuple[float, int]:
    server = servers.start_citypact(ctx.cfg.workdir, "scale", store_dir, wait=600)
    try:
        with httpx.Client(timeout=120, trust_env=False) as http:
            http.get(f"{server.base}/api/cities", params={"limit": 20}).raise_for_status()
            startup = time.perf_counter() - server.started_at
            urls = [
                f"/api/cities/{city}/partners?sector={sector}",
                f"/api/cities/{city}/partners",
                "/api/agreements?limit=20",
                "/api/sectors",
                f"/id/city/{city}",
            ]
            for _ in range(40):
                for url in urls:
                    http.get(server.base + url)
        return startup, server.memory() or 0
    finally:
        server.stop()
