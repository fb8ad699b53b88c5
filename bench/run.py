"""CityPact benchmark: `make bench` (or `python bench/run.py`). See bench/README.md.

One run on one machine. It generates a synthetic graph of about a million triples, then measures
(a) loading, (b) the named queries, (c) HTTP serving, (d) SHACL validation and (e) start-up and
memory, each against a reference (rdflib, the Oxigraph server, rdflib-endpoint, pySHACL,
shacl-rust), and writes bench/results.md. Each section is independent: one that fails records its
error and the run goes on.

Flags override environment variables, which override the defaults:

    --tiny                  smoke run: ~2k triples, 1 repetition, no servers (BENCH_TINY=1)
    --triples N             size of the generated graph (BENCH_TRIPLES, default 1,000,000)
    --reps N                repetitions of fast measurements (BENCH_REPS, default 5)
    --slow-reps N           repetitions of slow ones: loads, rdflib parse (BENCH_SLOW_REPS, 2)
    --sections a,b          any of load,queries,http,validation,startup,extraction,coverage,
                            network,endpoints,scale
    --scale-sizes N,N       the sizes of section j (BENCH_SCALE_SIZES, 100000,1000000,10000000)
    --rdflib-timeout S      limit of one rdflib query (BENCH_RDFLIB_TIMEOUT, 30)
    --validation-timeout S  limit of one pySHACL/shacl-rust run (BENCH_VALIDATION_TIMEOUT, 120)
    --validation-triples N  size of the validator agreement check (BENCH_VALIDATION_TRIPLES, 10000)
    --http-requests N       requests per HTTP phase (BENCH_HTTP_REQUESTS, 100)
    --http-seconds S        time limit per HTTP phase (BENCH_HTTP_SECONDS, 20)
    --namespace IRI         entity namespace of the generated data (BENCH_NAMESPACE)
    --workdir DIR           work files (BENCH_WORKDIR, bench/work)
    --out FILE              the report (BENCH_OUT, bench/results.md)
    --strict                exit 1 when a section failed
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import section_coverage
import section_endpoints
import section_extraction
import section_http
import section_load
import section_network
import section_queries
import section_scale
import section_startup
import section_validation
from common import BenchConfig, Results
from context import Context

SECTIONS = {
    "load": ("a. Load: bulk load vs rdflib Graph.parse", section_load.run),
    "queries": ("b. Queries: embedded pyoxigraph vs rdflib SPARQL", section_queries.run),
    "http": ("c. HTTP: CityPact vs the Oxigraph server vs rdflib-endpoint", section_http.run),
    "validation": (
        "d. Validation: incremental vs whole graph; three validators",
        section_validation.run,
    ),
    "startup": ("e. Start-up and memory", section_startup.run),
    "extraction": ("f. Extraction: precision and recall per kind", section_extraction.run),
    "coverage": ("g. Coverage: the world's partnership lists", section_coverage.run),
    "network": (
        "h. Network: export of the whole network and the analyses page",
        section_network.run,
    ),
    "endpoints": ("i. Every endpoint at its worst", section_endpoints.run),
    "scale": ("j. Scale: 100,000 to 1 million to 10 million triples", section_scale.run),
}
OPTIONS = (
    # flag, env, field, type
    ("--triples", "BENCH_TRIPLES", "triples", int),
    ("--reps", "BENCH_REPS", "reps", int),
    ("--slow-reps", "BENCH_SLOW_REPS", "slow_reps", int),
    ("--rdflib-timeout", "BENCH_RDFLIB_TIMEOUT", "rdflib_query_timeout", float),
    ("--validation-timeout", "BENCH_VALIDATION_TIMEOUT", "validation_timeout", float),
    ("--validation-triples", "BENCH_VALIDATION_TRIPLES", "validation_triples", int),
    ("--http-requests", "BENCH_HTTP_REQUESTS", "http_requests", int),
    ("--http-seconds", "BENCH_HTTP_SECONDS", "http_phase_seconds", float),
    ("--namespace", "BENCH_NAMESPACE", "namespace", str),
    ("--workdir", "BENCH_WORKDIR", "workdir", Path),
    ("--out", "BENCH_OUT", "out", Path),
    ("--seed", "BENCH_SEED", "seed", int),
)


def parse_args(argv: list[str] | None = None) -> tuple[BenchConfig, bool]:
    """The configuration from flags, environment variables and defaults; and --strict."""
    parser = argparse.ArgumentParser(description="CityPact benchmark (writes bench/results.md)")
    parser.add_argument("--tiny", action="store_true", default=os.environ.get("BENCH_TINY") == "1")
    parser.add_argument("--sections", default=os.environ.get("BENCH_SECTIONS"))
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--scale-sizes", default=os.environ.get("BENCH_SCALE_SIZES"))
    for flag, env, _field, kind in OPTIONS:
        parser.add_argument(flag, type=kind, default=None, help=f"(env {env})")
    args = parser.parse_args(argv)
    cfg = BenchConfig.tiny_defaults() if args.tiny else BenchConfig()
    changes: dict[str, object] = {}
    for flag, env, field_name, kind in OPTIONS:
        value = getattr(args, flag.lstrip("-").replace("-", "_"))
        if value is None and os.environ.get(env):
            value = kind(os.environ[env])
        if value is not None:
            changes[field_name] = value
    if args.scale_sizes:
        changes["scale_sizes"] = tuple(int(n) for n in args.scale_sizes.split(",") if n.strip())
    if args.sections:
        wanted = tuple(s.strip() for s in args.sections.split(",") if s.strip())
        unknown = set(wanted) - set(SECTIONS)
        if unknown:
            parser.error(f"unknown sections {sorted(unknown)}; choose from {list(SECTIONS)}")
        changes["sections"] = wanted
    if "workdir" in changes and "out" not in changes and args.tiny:
        changes["out"] = Path(changes["workdir"]) / "results.md"  # type: ignore[arg-type]
    return replace(cfg, **changes), args.strict  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections, write the report, print the summary."""
    # The generated graph is compared with its peers on the same files: the stores hold the
    # curated graph beside it, not the half-million triples of the world's partnership lists
    # (section g and the second part of section i load those on purpose).
    os.environ.setdefault("CITYPACT_BUNDLE", "core")
    cfg, strict = parse_args(argv)
    cfg.workdir.mkdir(parents=True, exist_ok=True)
    results = Results(cfg)
    ctx = Context(cfg, results)
    started = time.perf_counter()
    print(f"CityPact benchmark: {cfg.triples:,} triples, sections {', '.join(cfg.sections)}")
    try:
        results.run_section("data", "Data generation", lambda _s: ctx.ensure_dataset())
        for key in cfg.sections:
            title, body = SECTIONS[key]
            results.run_section(key, title, lambda section, body=body: body(ctx, section))
            results.write()
    finally:
        results.write()
    print(results.summary())
    print(f"Total: {time.perf_counter() - started:.0f} s")
    failed = any(s.error for s in results.sections)
    return 1 if strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
