"""The reliability run's options and constants."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from common import BENCH_DIR, ROOT

CHECKS = ("load", "memory", "long", "release", "readonly", "outage", "crash")


TOKEN = "reliability-token-Zr4u8"  # noqa: S105 - a throw-away token of test servers


SPARQL_JSON = "application/sparql-results+json"


CP = "PREFIX cp: <https://w3id.org/citypact/ontology#>\n"


ID = "https://w3id.org/citypact/id/"


SYNTHETIC_GRAPH = "https://w3id.org/citypact/graph/synthetic"


NEW_AGREEMENT = ROOT / "tests" / "data" / "valid" / "new-agreement.ttl"


PROBE_MAX = 1.0
"""Cheap requests made while an expensive query runs must each answer within this (s)."""


IDLE_WITHIN = 5.0
"""After the last timed-out query was answered, the server's CPU must be idle within this (s)."""


IDLE_CORES = 0.05
"""CPU use (in cores) below which the server counts as idle."""


HANG = 10.0
"""A request during the backend outage that takes longer than this counts as a hang (s)."""


@dataclass
class Config:
    """Sizes and durations of one run."""

    quick: bool = False
    triples: int = 1_000_000
    seed: int = 1
    duration: float = 60.0
    clients: int = 32
    rounds: int = 3
    round_seconds: float = 20.0
    crash_rounds: int = 20
    query_timeout: float = 10.0
    uncut_factor: float = 2.5
    """The expensive query would run this many times its timeout if nobody stopped it."""
    release_queries: int = 3
    outage_seconds: float = 10.0
    steady_seconds: float = 5.0
    checks: tuple[str, ...] = CHECKS
    workdir: Path = BENCH_DIR / "work" / "reliability"
    out: Path = BENCH_DIR / "reliability.md"

    @classmethod
    def quick_defaults(cls) -> Config:
        """The short version run by `make test`."""
        return cls(
            quick=True,
            triples=20_000,
            duration=5.0,
            clients=8,
            rounds=0,
            crash_rounds=2,
            query_timeout=2.0,
            outage_seconds=3.0,
            steady_seconds=2.0,
            checks=("load", "long", "readonly", "outage", "crash"),
            workdir=BENCH_DIR / "work" / "reliability-quick",
            out=BENCH_DIR / "work" / "reliability-quick" / "reliability.md",
        )


OPTIONS: tuple[tuple[str, str, type], ...] = (
    ("--triples", "triples", int),
    ("--duration", "duration", float),
    ("--clients", "clients", int),
    ("--rounds", "rounds", int),
    ("--round-seconds", "round_seconds", float),
    ("--crash-rounds", "crash_rounds", int),
    ("--query-timeout", "query_timeout", float),
    ("--outage-seconds", "outage_seconds", float),
    ("--workdir", "workdir", Path),
    ("--out", "out", Path),
)


def parse_args(argv: list[str] | None = None) -> Config:
    """The configuration from the flags."""
    parser = argparse.ArgumentParser(description="CityPact reliability run (issue 9, 1 and 2)")
    parser.add_argument("--quick", action="store_true", help="the short version (make test)")
    parser.add_argument("--checks", help=f"comma-separated subset of {','.join(CHECKS)}")
    for flag, _field, kind in OPTIONS:
        parser.add_argument(flag, type=kind, default=None)
    args = parser.parse_args(argv)
    cfg = Config.quick_defaults() if args.quick else Config()
    for flag, name, _kind in OPTIONS:
        value = getattr(args, flag.lstrip("-").replace("-", "_"))
        if value is not None:
            setattr(cfg, name, value)
    if args.workdir is not None and args.out is None and args.quick:
        cfg.out = cfg.workdir / "reliability.md"
    if args.checks:
        wanted = tuple(c.strip() for c in args.checks.split(",") if c.strip())
        unknown = set(wanted) - set(CHECKS)
        if unknown:
            parser.error(f"unknown checks {sorted(unknown)}; choose from {list(CHECKS)}")
        cfg.checks = wanted
    if cfg.rounds == 0:
        cfg.checks = tuple(c for c in cfg.checks if c != "memory")
    cfg.workdir = cfg.workdir.resolve()
    return cfg
