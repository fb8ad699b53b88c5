"""CityPact reliability run: `make reliability` (or `python bench/reliability.py`).

Issue 9, sections 1 (load) and 2 (faults), on loopback only and bounded in time. It generates
(or reuses) a synthetic graph with `citypact generate`, loads it with `citypact load` into a
fresh data directory, starts `citypact serve` on a free port and checks:

    load      wrk, N clients for D seconds on a mix of /api and /sparql URLs: no errors
    memory    three more load rounds: server RSS (process tree) shows no growth trend
    long      an expensive /sparql query runs to its timeout: cheap requests stay fast
    release   several queries over their timeout: CPU back to idle soon after, threads bounded
    readonly  the data directory mounted read-only: writes fail with a clear error, reads work
    outage    the remote backend (Oxigraph server) killed -9 and restarted while clients query:
              clear 503s during the outage, full service after, CityPact not restarted
    crash     kill -9 during submissions (tests/test_crash.py with CITYPACT_CRASH_ROUNDS)

It writes bench/reliability.md (machine, date, versions, every figure, a verdict per check),
prints a summary and exits 1 when a check fails. Servers it starts run with
CITYPACT_RATE_LIMIT=0 (the load comes from one client address).

    --quick               the short version (tests/test_reliability_short.py): ~20k triples,
                          5 s of load at 8 clients, 2 crash rounds, no memory/release checks
    --triples N           size of the generated graph (default 1,000,000)
    --duration S          seconds of the main load phase (default 60)
    --clients N           concurrent connections (default 32)
    --rounds N            memory rounds (default 3; 0 skips the check)
    --round-seconds S     seconds per memory round (default 20)
    --crash-rounds N      kills in the crash test (default 20)
    --query-timeout S     timeout given to the expensive queries (default 10)
    --outage-seconds S    how long the remote backend stays down (default 10)
    --checks a,b          run only these checks (names above)
    --workdir DIR         work files (default bench/work/reliability)
    --out FILE            the report (default bench/reliability.md)
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import traceback
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from common import (
    BENCH_DIR,
    BIN,
    ROOT,
    cpu_model,
    memory_total,
    oxigraph_server_version,
    version,
)
from rdflib import URIRef
from servers import ServerProcess, free_port

from citypact.generator import sizes_for_triples
from citypact.queries import QueryRegistry

CHECKS = ("load", "memory", "long", "release", "readonly", "outage", "crash")
TOKEN = "reliability-token-Zr4u8"  # noqa: S105 - a throw-away token of test servers
SPARQL_JSON = "application/sparql-results+json"
CP = "PREFIX cp: <https://w3id.org/citypact/ontology#>\n"
ID = "https://w3id.org/citypact/id/"
SYNTHETIC_GRAPH = "https://w3id.org/citypact/graph/synthetic"
NEW_AGREEMENT = ROOT / "tests" / "data" / "valid" / "new-agreement.ttl"
CLK_TCK = os.sysconf("SC_CLK_TCK")

PROBE_MAX = 1.0
"""Cheap requests made while an expensive query runs must each answer within this (s)."""
IDLE_WITHIN = 5.0
"""After the last timed-out query was answered, the server's CPU must be idle within this (s)."""
IDLE_CORES = 0.05
"""CPU use (in cores) below which the server counts as idle."""
HANG = 10.0
"""A request during the backend outage that takes longer than this counts as a hang (s)."""


# --- configuration --------------------------------------------------------------------------------


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


# --- the report -----------------------------------------------------------------------------------


@dataclass
class Check:
    """One verdict."""

    name: str
    passed: bool | None
    measured: str

    def mark(self) -> str:
        """✅, ❌ or – for the report."""
        return {True: "✅ pass", False: "❌ FAIL", None: "– not run"}[self.passed]


@dataclass
class Report:
    """What the run found, written as Markdown."""

    cfg: Config
    checks: list[Check] = field(default_factory=list)
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    data: dict[str, str] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    load_start: tuple[float, float, float] = field(default_factory=os.getloadavg)

    def check(self, name: str, passed: bool | None, measured: str) -> None:
        """Record a verdict and print it."""
        self.checks.append(Check(name, passed, measured))
        print(f"   {Check(name, passed, measured).mark():8} {name}: {measured}", flush=True)

    def section(self, title: str) -> list[str]:
        """A new section; append Markdown lines to the list returned."""
        lines: list[str] = []
        self.sections.append((title, lines))
        return lines

    @property
    def failed(self) -> list[Check]:
        """Checks that did not pass."""
        return [c for c in self.checks if c.passed is False]

    def machine(self) -> list[tuple[str, str]]:
        """What ran the checks."""
        return [
            ("CPU", cpu_model()),
            ("cores", str(os.cpu_count())),
            ("RAM", memory_total()),
            ("OS", platform.platform()),
            (
                "load average at start / end (1 min)",
                f"{self.load_start[0]:.2f} / {os.getloadavg()[0]:.2f}",
            ),
            ("python", platform.python_version()),
            ("citypact", version("citypact")),
            ("pyoxigraph", version("pyoxigraph")),
            ("oxigraph server", oxigraph_server_version()),
            ("fastapi", version("fastapi")),
            ("uvicorn", version("uvicorn")),
            ("httpx", version("httpx")),
            ("SPARQLWrapper", version("SPARQLWrapper")),
            ("wrk", wrk_version()),
            ("git commit", git_commit()),
        ]

    def markdown(self) -> str:
        """The whole report."""
        cfg = self.cfg
        mode = "quick (`--quick`, the short version in `make test`)" if cfg.quick else "full"
        lines = [
            "# CityPact reliability: load and faults",
            "",
            f"Run {self.started_at:%Y-%m-%d %H:%M} UTC, "
            f"{(time.perf_counter() - self.started) / 60:.1f} min, {mode} "
            "(`make reliability` → bench/reliability.py; issue 9, sections 1 and 2). "
            "Loopback only; every server was started by the run and stopped at its end.",
            "",
            "## Verdicts",
            "",
            markdown_table(
                ["check", "measured", "verdict"],
                [(c.name, c.measured, c.mark()) for c in self.checks],
            ),
            "",
            f"**{len(self.checks) - len(self.failed)} of {len(self.checks)} checks pass.**",
            "",
            "## Machine and versions",
            "",
            markdown_table(["what", "value"], self.machine()),
            "",
            "## Settings of the run",
            "",
            markdown_table(
                ["what", "value"],
                [
                    ("graph size asked", f"{cfg.triples:,} triples"),
                    ("load", f"{cfg.duration:g} s at {cfg.clients} connections (wrk)"),
                    ("memory rounds", f"{cfg.rounds} × {cfg.round_seconds:g} s"),
                    ("expensive query timeout", f"{cfg.query_timeout:g} s"),
                    ("backend outage", f"{cfg.outage_seconds:g} s"),
                    ("crash rounds", str(cfg.crash_rounds)),
                    ("servers' environment", "CITYPACT_RATE_LIMIT=0, CITYPACT_LOG_LEVEL=warning"),
                ],
            ),
            "",
            "## Data",
            "",
            markdown_table(["what", "value"], list(self.data.items())),
            "",
        ]
        for title, body in self.sections:
            lines += [f"## {title}", "", *body, ""]
        return "\n".join(lines).rstrip() + "\n"

    def write(self) -> None:
        """Write the report."""
        self.cfg.out.parent.mkdir(parents=True, exist_ok=True)
        self.cfg.out.write_text(self.markdown(), encoding="utf-8")

    def summary(self) -> str:
        """For the terminal."""
        lines = ["", "Reliability checks:"]
        lines += [f"  {c.mark():8} {c.name}: {c.measured}" for c in self.checks]
        lines.append(f"{len(self.checks) - len(self.failed)} of {len(self.checks)} pass.")
        lines.append(f"Report: {self.cfg.out}")
        return "\n".join(lines)


def wrk_version() -> str:
    """`wrk -v` (first line), or why it is missing."""
    if shutil.which("wrk") is None:
        return "not installed"
    done = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0].split(" Copyright")[0] if text else "unknown"


def git_commit() -> str:
    """HEAD of the working tree (and whether it has changes)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], capture_output=True, text=True, cwd=ROOT, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} (with uncommitted changes)" if dirty else head


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |")
    return "\n".join(lines)


def ms(seconds: float | None) -> str:
    """Seconds as a short text in ms or s."""
    if seconds is None:
        return "–"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def mb(size: int | None) -> str:
    """Bytes as MB."""
    return "–" if size is None else f"{size / 1e6:.0f} MB"


# --- processes ------------------------------------------------------------------------------------


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def tree_rss(pid: int) -> int:
    """Resident memory of the process tree (sum of VmRSS), bytes."""
    total = 0
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by the process tree."""
    total = 0.0
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return total


def tree_threads(pid: int) -> int:
    """Threads of the process tree."""
    total = 0
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            total += len(os.listdir(f"/proc/{member}/task"))
    return total


def start_citypact(
    cfg: Config, name: str, data_dir: Path | None, env: dict[str, str] | None = None
) -> ServerProcess:
    """`citypact serve` on a free port (rate limit off, writes on); waits for /health."""
    port = free_port()
    command = [str(BIN / "citypact"), "serve", "--port", str(port)]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    server = ServerProcess(
        name,
        command,
        cfg.workdir / "logs" / f"{name}.log",
        env={
            "CITYPACT_RATE_LIMIT": "0",
            "CITYPACT_LOG_LEVEL": "warning",
            "CITYPACT_WRITE_TOKENS": TOKEN,
            "CITYPACT_SPARQL_ENDPOINT": "",
            "CITYPACT_SPARQL_UPDATE_ENDPOINT": "",
            **(env or {}),
        },
        port=port,
    ).start()
    try:
        server.wait_until(f"{server.base}/health", 300)
    except BaseException:
        server.stop()
        raise
    return server


def kill_hard(server: ServerProcess) -> None:
    """SIGKILL to the server's process group; wait for it."""
    if server.process is None or server.process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=30)


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


# --- data -----------------------------------------------------------------------------------------


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


# --- the workload ---------------------------------------------------------------------------------


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


# --- wrk ------------------------------------------------------------------------------------------

LUA = r"""-- generated by bench/reliability.py: rotate over the URLs, count non-2xx answers
local targets = {
%(targets)s
}
local threads = {}
local counter = 0
non2xx = 0
statuses = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = tonumber(id) * 7
end

function request()
  counter = counter + 1
  local t = targets[(counter %% #targets) + 1]
  return wrk.format("GET", t[1], { ["Accept"] = t[2] })
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
    if statuses[key] <= 3 then
      local text = string.gsub(string.sub(body or "", 1, 200), "[\r\n]", " ")
      io.stderr:write("SAMPLE " .. key .. " " .. text .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local bad = 0
  local merged = {}
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
    for key, count in pairs(thread:get("statuses")) do
      merged[key] = (merged[key] or 0) + count
    end
  end
  local parts = {}
  for key, count in pairs(merged) do
    table.insert(parts, string.format('"%%s": %%d', key, count))
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect": %%d, "read": %%d, ' ..
    '"write": %%d, "status": %%d, "timeout": %%d, "non2xx": %%d, "p50_us": %%d, ' ..
    '"p90_us": %%d, "p99_us": %%d, "max_us": %%d, "mean_us": %%.1f, "statuses": {%%s}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, bad, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean, table.concat(parts, ", ")))
end
"""


@dataclass
class WrkResult:
    """One wrk run."""

    seconds: float
    clients: int
    requests: int
    p50: float
    p90: float
    p99: float
    max: float
    mean: float
    socket_errors: dict[str, int]
    non2xx: int
    statuses: dict[str, int]
    samples: list[str] = field(default_factory=list)
    """Bodies of the first non-2xx answers (up to 3 per status and wrk thread)."""

    @property
    def errors(self) -> int:
        """Socket errors (connect, read, write, timeout) plus answers that were not 2xx."""
        return sum(self.socket_errors.values()) + self.non2xx

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0

    def error_text(self) -> str:
        """Errors broken down."""
        if not self.errors:
            return "0"
        parts = [f"{k} {v}" for k, v in self.socket_errors.items() if v]
        parts += [f"HTTP {k}: {v}" for k, v in sorted(self.statuses.items())]
        return f"{self.errors} ({', '.join(parts)})"

    def row(self, label: str) -> tuple[str, ...]:
        """A table row."""
        return (
            label,
            f"{self.seconds:.0f} s",
            str(self.clients),
            f"{self.requests:,}",
            f"{self.rate:.1f}",
            ms(self.p50),
            ms(self.p90),
            ms(self.p99),
            ms(self.max),
            self.error_text(),
        )


WRK_HEADER = [
    "phase",
    "time",
    "connections",
    "requests",
    "requests/s",
    "p50",
    "p90",
    "p99",
    "max",
    "errors",
]


def run_wrk(cfg: Config, base: str, targets: list[Target], seconds: float, tag: str) -> WrkResult:
    """wrk with ``cfg.clients`` connections for ``seconds`` over the rotation."""
    script = cfg.workdir / f"wrk-{tag}.lua"
    script.write_text(
        LUA
        % {
            "targets": ",\n".join(
                f"  {{ {json.dumps(t.path)}, {json.dumps(t.accept)} }}" for t in targets
            )
        }
    )
    command = [
        "wrk",
        "-t",
        str(max(1, min(2, cfg.clients))),
        "-c",
        str(cfg.clients),
        "-d",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        base,
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 120, check=False
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout[-800:]}{done.stderr}")
    raw = json.loads(line[len("RESULT ") :])
    return WrkResult(
        seconds=raw["duration_us"] / 1e6,
        clients=cfg.clients,
        requests=raw["requests"],
        p50=raw["p50_us"] / 1e6,
        p90=raw["p90_us"] / 1e6,
        p99=raw["p99_us"] / 1e6,
        max=raw["max_us"] / 1e6,
        mean=raw["mean_us"] / 1e6,
        socket_errors={k: int(raw[k]) for k in ("connect", "read", "write", "timeout")},
        non2xx=int(raw["non2xx"]),
        statuses={k: int(v) for k, v in raw["statuses"].items()},
        samples=sorted(
            {x[len("SAMPLE ") :] for x in done.stderr.splitlines() if x.startswith("SAMPLE ")}
        ),
    )


# --- checks on the main server --------------------------------------------------------------------


def check_load(
    cfg: Config, report: Report, server: ServerProcess, workload: Workload, lines: list[str]
) -> None:
    """The main load phase."""
    print(f"   load: {cfg.duration:g} s at {cfg.clients} connections ...", flush=True)
    result = run_wrk(cfg, server.base, workload.targets, cfg.duration, "load")
    lines += [
        markdown_table(WRK_HEADER, [result.row("load (mix)")]),
        "",
        *[f"- a non-2xx answer: `{x}`" for x in result.samples[:6]],
        "",
        f"Server RSS after the load: {mb(tree_rss(server.process.pid))}"  # type: ignore[union-attr]
        " (VmRSS of the process tree).",
        "",
    ]
    report.check(
        f"Load: {cfg.duration:g} s at {cfg.clients} clients, /api + /sparql mix, no errors",
        result.errors == 0 and result.requests > 0,
        f"{result.requests:,} requests, {result.rate:.1f}/s, p50 {ms(result.p50)}, "
        f"p99 {ms(result.p99)}, max {ms(result.max)}, errors {result.error_text()}",
    )


def check_memory(
    cfg: Config, report: Report, server: ServerProcess, workload: Workload, lines: list[str]
) -> None:
    """Consecutive load rounds; RSS after each."""
    assert server.process is not None
    pid = server.process.pid
    rows, rss = [], []
    samples: set[str] = set()
    before = tree_rss(pid)
    for n in range(1, cfg.rounds + 1):
        print(f"   memory round {n}/{cfg.rounds} ({cfg.round_seconds:g} s) ...", flush=True)
        result = run_wrk(cfg, server.base, workload.targets, cfg.round_seconds, f"round{n}")
        time.sleep(1.0)
        rss.append(tree_rss(pid))
        rows.append((*result.row(f"round {n}"), mb(rss[-1])))
        samples.update(result.samples)
    lines += [
        f"RSS before the rounds (after the load phase): {mb(before)}.",
        "",
        markdown_table([*WRK_HEADER, "RSS after"], rows),
        "",
        *[f"- a non-2xx answer: `{x}`" for x in sorted(samples)[:6]],
        "",
    ]
    growth = [b / a - 1 for a, b in zip(rss, rss[1:], strict=False)]
    monotonic = len(growth) >= 2 and all(g > 0.05 for g in growth)
    last_ok = len(rss) < 2 or rss[-1] <= rss[-2] * 1.10
    lines.append(
        "Verdict rule: the last round's RSS at most 10% above the one before, and not growing "
        "by more than 5% every round."
    )
    report.check(
        f"Memory steady: {cfg.rounds} rounds of {cfg.round_seconds:g} s, no growth trend",
        last_ok and not monotonic,
        "RSS "
        + " → ".join(mb(r) for r in rss)
        + " ("
        + ", ".join(f"{g * 100:+.1f}%" for g in growth)
        + ")",
    )


@dataclass
class Expensive:
    """A cross join whose COUNT takes about ``expected`` seconds uncut."""

    query: str
    rows: int
    expected: float
    rate: float


def cross_join(patterns: int, values: int) -> str:
    """COUNT over ``patterns`` copies of ``?xi a cp:City`` times ``values`` constants."""
    body = " ".join(f"?x{i} a cp:City ." for i in range(patterns))
    numbers = " ".join(str(n) for n in range(values))
    return CP + f"SELECT (COUNT(*) AS ?n) WHERE {{ {body} VALUES ?k {{ {numbers} }} }}"


def calibrate(cfg: Config, base: str, cities: int) -> Expensive:
    """Measure the store's row rate on a cross join, size one to run ``uncut_factor`` times
    the timeout."""
    patterns = 2
    while cities**patterns < 2_000_000 and patterns < 6:
        patterns += 1
    unit = cities**patterns
    values = max(1, round(5_000_000 / unit))
    started = time.perf_counter()
    sparql_rows(base, cross_join(patterns, values), timeout=120)
    seconds = time.perf_counter() - started
    rate = unit * values / seconds
    wanted = rate * cfg.query_timeout * cfg.uncut_factor
    values = max(1, round(wanted / unit))
    return Expensive(cross_join(patterns, values), unit * values, unit * values / rate, rate)


@dataclass
class LongQuery:
    """An expensive query sent from a thread."""

    base: str
    query: str
    timeout: float
    status: int = 0
    seconds: float = 0.0
    body: str = ""
    error: str = ""
    thread: threading.Thread | None = None

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            with client(self.timeout + 120) as http:
                answer = http.post(
                    f"{self.base}/sparql",
                    data={"query": self.query, "timeout": f"{self.timeout:g}"},
                    headers={"Accept": SPARQL_JSON},
                )
            self.status, self.body = answer.status_code, answer.text[:300]
        except httpx.HTTPError as err:
            self.error = repr(err)
        self.seconds = time.perf_counter() - started

    def start(self) -> LongQuery:
        """Send it."""
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    @property
    def running(self) -> bool:
        """Not answered yet."""
        return self.thread is not None and self.thread.is_alive()

    def clear(self) -> bool:
        """Answered 503 with a JSON error message."""
        try:
            message = json.loads(self.body)["error"]["message"]
        except (ValueError, KeyError, TypeError):
            return False
        return self.status == 503 and bool(message)


def probe_while(
    base: str, targets: list[Target], running: Callable[[], bool]
) -> tuple[list[float], list[str]]:
    """Cheap requests one after another (every 0.1 s) while ``running()``."""
    latencies: list[float] = []
    problems: list[str] = []
    index = 0
    with client(60) as http:
        while running():
            target = targets[index % len(targets)]
            index += 1
            try:
                status, seconds, body = timed_get(http, base, target)
            except httpx.HTTPError as err:
                problems.append(f"{target.kind}: {err!r}")
                continue
            latencies.append(seconds)
            if not 200 <= status < 300:
                problems.append(f"{target.kind}: {status} {body[:120]}")
            time.sleep(0.1)
    return latencies, problems


def check_long(
    cfg: Config,
    report: Report,
    server: ServerProcess,
    workload: Workload,
    expensive: Expensive,
    lines: list[str],
) -> None:
    """One expensive query to its timeout; cheap requests meanwhile."""
    print(f"   long query (timeout {cfg.query_timeout:g} s) with probes ...", flush=True)
    query = LongQuery(server.base, expensive.query, cfg.query_timeout).start()
    time.sleep(0.2)
    latencies, problems = probe_while(server.base, workload.cheap, lambda: query.running)
    assert query.thread is not None
    query.thread.join()
    p50 = statistics.median(latencies) if latencies else None
    worst = max(latencies) if latencies else None
    lines += [
        f"The expensive query: COUNT over a cross join of {expensive.rows:,} rows "
        f"(about {expensive.expected:.0f} s uncut at the {expensive.rate / 1e6:.1f} M rows/s "
        f"measured on this store), sent with `timeout={cfg.query_timeout:g}`. While it ran, "
        "one client sent cheap requests one after another "
        f"({', '.join(t.kind for t in workload.cheap)}).",
        "",
        markdown_table(
            ["what", "value"],
            [
                ("expensive query answer", f"{query.status} after {ms(query.seconds)}"),
                ("its body", f"`{query.body or query.error}`"),
                ("cheap requests answered meanwhile", str(len(latencies))),
                ("their p50 / max", f"{ms(p50)} / {ms(worst)}"),
                ("cheap requests that failed", str(len(problems))),
            ],
        ),
        "",
    ]
    lines += [f"- {p}" for p in problems[:10]]
    in_time = query.seconds <= cfg.query_timeout + 3
    report.check(
        "Long query does not starve others: cheap requests answered promptly (max < 1 s) "
        "while an expensive query runs to its timeout",
        bool(latencies) and not problems and worst is not None and worst < PROBE_MAX,
        f"{len(latencies)} cheap requests, p50 {ms(p50)}, max {ms(worst)}, "
        f"{len(problems)} failed; the expensive query got {query.status} after "
        f"{ms(query.seconds)}",
    )
    report.check(
        "Expensive query answered at its timeout with a clear 503",
        query.clear() and in_time,
        f"{query.status} after {ms(query.seconds)} (timeout {cfg.query_timeout:g} s): "
        f"{(query.body or query.error)[:120]}",
    )


def wait_idle(pid: int, cap: float) -> tuple[float | None, list[tuple[float, float, int]]]:
    """Sample CPU (cores) and threads every 0.5 s until two samples in a row are idle; the
    seconds that took (None: not idle within ``cap``) and the samples."""
    samples: list[tuple[float, float, int]] = []
    started = time.perf_counter()
    last_cpu, last_t = tree_cpu(pid), started
    idle_since: float | None = None
    while time.perf_counter() - started < cap:
        time.sleep(0.5)
        now, cpu = time.perf_counter(), tree_cpu(pid)
        cores = (cpu - last_cpu) / (now - last_t)
        last_cpu, last_t = cpu, now
        samples.append((now - started, cores, tree_threads(pid)))
        if cores < IDLE_CORES:
            if idle_since is None:
                idle_since = samples[-2][0] if len(samples) >= 2 else 0.0
            elif len(samples) >= 2 and samples[-2][1] < IDLE_CORES:
                return idle_since, samples
        else:
            idle_since = None
    return None, samples


def check_release(
    cfg: Config,
    report: Report,
    server: ServerProcess,
    workload: Workload,
    expensive: Expensive,
    lines: list[str],
) -> None:
    """Several queries over their timeout at once: CPU and threads afterwards."""
    assert server.process is not None
    pid = server.process.pid
    n = cfg.release_queries
    print(f"   {n} queries over their timeout, then CPU and threads ...", flush=True)
    idle_before, _ = wait_idle(pid, 30)
    threads_before = tree_threads(pid)
    queries = [LongQuery(server.base, expensive.query, cfg.query_timeout).start() for _ in range(n)]
    peak_threads = threads_before
    while any(q.running for q in queries):
        peak_threads = max(peak_threads, tree_threads(pid))
        time.sleep(0.2)
    answered = time.perf_counter()
    # While the abandoned queries may still run: is /sparql still served?
    latencies, problems = probe_while(
        server.base, workload.cheap, lambda: time.perf_counter() - answered < 3.0
    )
    cap = max(60.0, expensive.expected * n * 1.5)
    waited = time.perf_counter() - answered
    idle_after, samples = wait_idle(pid, cap)
    idle_total = None if idle_after is None else waited + idle_after
    probe_p50 = statistics.median(latencies) if latencies else None
    probe_max = max(latencies) if latencies else None
    busy = [s for s in samples if s[1] >= IDLE_CORES]
    threads_after = tree_threads(pid)
    cpu_busy_seconds = sum(s[1] * 0.5 for s in samples)
    statuses = Counter(q.status for q in queries)
    lines += [
        f"{n} copies of the expensive query above sent at once, each with "
        f"`timeout={cfg.query_timeout:g}` (about {expensive.expected:.0f} s each uncut). "
        "After the last answer, 3 s of cheap requests, then the server's CPU use (process tree, "
        "from /proc) and threads (/proc/PID/task) sampled every 0.5 s.",
        "",
        markdown_table(
            ["what", "value"],
            [
                ("server idle before", "yes" if idle_before is not None else "no"),
                ("answers", ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))),
                ("answer times", ", ".join(ms(q.seconds) for q in queries)),
                (
                    "threads before / peak while waiting / after",
                    f"{threads_before} / {peak_threads} / {threads_after}",
                ),
                (
                    "cheap requests in the 3 s after the answers",
                    f"{len(latencies)}, p50 {ms(probe_p50)}, max {ms(probe_max)}, "
                    f"{len(problems)} failed",
                ),
                (
                    "CPU busy after the answers",
                    f"{len(busy) * 0.5:.1f} s of samples above {IDLE_CORES:g} cores; "
                    f"{cpu_busy_seconds:.1f} CPU-seconds used",
                ),
                (
                    "idle again",
                    f"{idle_total:.1f} s after the last answer"
                    if idle_total is not None
                    else f"not within {cap + 3:.0f} s",
                ),
            ],
        ),
        "",
        "CPU (cores) and threads after the answers, every 0.5 s: "
        + ", ".join(f"{c:.2f}/{t}" for _t, c, t in samples[:80])
        + (" ..." if len(samples) > 80 else ""),
        "",
    ]
    lines += [f"- {p}" for p in problems[:10]]
    clear = all(q.clear() for q in queries)
    report.check(
        f"Queries over their timeout are stopped and release their resources ({n} at once): "
        f"CPU idle within {IDLE_WITHIN:g} s of the answers, threads do not pile up",
        clear
        and idle_total is not None
        and idle_total <= IDLE_WITHIN
        and threads_after <= threads_before + n,
        f"answers {dict(statuses)}; CPU idle "
        + (f"{idle_total:.1f} s" if idle_total is not None else f"> {cap + 3:.0f} s")
        + f" after the answers ({cpu_busy_seconds:.1f} CPU-s spent meanwhile); threads "
        f"{threads_before} → peak {peak_threads} → {threads_after}",
    )


# --- faults ---------------------------------------------------------------------------------------


def can_mount() -> bool:
    """Root and mount(8): needed for a read-only bind mount."""
    return os.geteuid() == 0 and shutil.which("mount") is not None


@contextlib.contextmanager
def read_only_view(source: Path, target: Path):  # type: ignore[no-untyped-def]
    """``source`` seen through a read-only bind mount at ``target`` (root)."""
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "--bind", str(source), str(target)], check=True, capture_output=True)
    try:
        subprocess.run(
            ["mount", "-o", "remount,ro,bind", str(target)], check=True, capture_output=True
        )
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False, capture_output=True)


def count_triples(http: httpx.Client, base: str) -> int:
    """Triples in every named graph."""
    answer = http.get(
        f"{base}/sparql",
        params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": SPARQL_JSON},
    )
    answer.raise_for_status()
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def check_readonly(
    cfg: Config, report: Report, data: Data, workload: Workload, lines: list[str]
) -> None:
    """`citypact serve` on a read-only bind mount of the loaded store."""
    name = "Read-only data directory: writes fail with a clear error, reads keep working"
    if not can_mount():
        report.check(name, False, "not run: needs root and mount(8) for a read-only bind mount")
        return
    print("   read-only data directory ...", flush=True)
    view = cfg.workdir / "store-read-only"
    with read_only_view(data.store, view):
        probe = view / ".write-probe"
        try:
            probe.write_text("x")
            writable = True
        except OSError as err:
            writable, refusal = False, err.strerror
        if writable:
            probe.unlink()
            report.check(name, False, "the bind mount did not make the directory read-only")
            return
        server = start_citypact(cfg, "citypact-read-only", view)
        try:
            with client(120) as http:
                before = count_triples(http, server.base)
                submitted = http.post(
                    f"{server.base}/api/submissions",
                    content=NEW_AGREEMENT.read_bytes(),
                    headers={
                        "Authorization": f"Bearer {TOKEN}",
                        "Content-Type": "text/turtle",
                    },
                )
                reads = [timed_get(http, server.base, t) for t in workload.cheap]
                reads.append(
                    timed_get(
                        http, server.base, Target("GET /api/cities/jakarta", "/api/cities/jakarta")
                    )
                )
                after = count_triples(http, server.base)
                listed = http.get(f"{server.base}/api/submissions").json().get("count")
        finally:
            server.stop()
    try:
        message = submitted.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        message = ""
    leaks = [w for w in ("Traceback", str(cfg.workdir)) if w in submitted.text]
    reads_ok = all(200 <= status < 300 for status, _s, _b in reads)
    lines += [
        f"The loaded store bind-mounted read-only (`mount --bind` then `remount,ro,bind`; "
        f'a write there fails with "{refusal}", even as root), `citypact serve` started on it.',
        "",
        markdown_table(
            ["what", "value"],
            [
                ("POST /api/submissions (a valid agreement)", f"{submitted.status_code}"),
                ("its body", f"`{submitted.text[:300]}`"),
                ("internal paths or traces in it", ", ".join(leaks) or "none"),
                (
                    "reads meanwhile",
                    ", ".join(f"{s} in {ms(t)}" for s, t, _b in reads),
                ),
                ("triples before / after the write", f"{before:,} / {after:,}"),
                ("submissions listed after", str(listed)),
            ],
        ),
        "",
    ]
    clear = submitted.status_code in (503, 507) and bool(message) and not leaks
    report.check(
        name,
        clear and reads_ok and before == after,
        f'write → {submitted.status_code} "{message[:80]}"; {len(reads)} reads '
        f"{'all 2xx' if reads_ok else 'NOT all 2xx'}; triples unchanged: {before == after}",
    )


@dataclass
class Sample:
    """One request of the outage clients."""

    started: float
    seconds: float
    kind: str
    status: int
    body: str


def start_oxigraph(cfg: Config, location: Path, port: int) -> ServerProcess:
    """`oxigraph serve` on ``location`` (union default graph), waiting until it answers."""
    last: Exception | None = None
    for _attempt in range(5):
        server = ServerProcess(
            "oxigraph",
            [
                str(BIN / "oxigraph"),
                "serve",
                "--location",
                str(location),
                "--bind",
                f"127.0.0.1:{port}",
                "--union-default-graph",
            ],
            cfg.workdir / "logs" / "oxigraph.log",
            port=port,
        ).start()
        try:
            server.wait_until(f"{server.base}/query?query=ASK%7B%7D", 60, SPARQL_JSON)
            return server
        except (RuntimeError, TimeoutError) as err:
            last = err
            server.stop()
            time.sleep(1.0)
    raise RuntimeError(f"the Oxigraph server did not start: {last}")


def check_outage(
    cfg: Config, report: Report, data: Data, workload: Workload, lines: list[str]
) -> None:
    """The remote backend killed and restarted while clients query CityPact."""
    name = (
        "Remote backend killed -9 and restarted under queries: clear 503s during the outage, "
        "full service after, no CityPact restart"
    )
    print("   remote backend outage ...", flush=True)
    location = cfg.workdir / "oxigraph-remote"
    shutil.rmtree(location, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(
        [
            str(BIN / "oxigraph"),
            "load",
            "--location",
            str(location),
            "--graph",
            SYNTHETIC_GRAPH,
            "--file",
            str(data.ttl),
        ],
        check=True,
        capture_output=True,
    )
    loaded = time.perf_counter() - started
    port = free_port()
    oxigraph = start_oxigraph(cfg, location, port)
    citypact: ServerProcess | None = None
    samples: list[Sample] = []
    stop = threading.Event()
    lock = threading.Lock()
    t0 = time.perf_counter()

    def worker(offset: int) -> None:
        assert citypact is not None
        index = offset
        with client(60) as http:
            while not stop.is_set():
                target = workload.cheap[index % len(workload.cheap)]
                index += 1
                begun = time.perf_counter()
                try:
                    answer = http.get(
                        citypact.base + target.path, headers={"Accept": target.accept}
                    )
                    status, body = answer.status_code, answer.text[:200]
                except httpx.HTTPError as err:
                    status, body = 0, repr(err)
                with lock:
                    samples.append(
                        Sample(begun - t0, time.perf_counter() - begun, target.kind, status, body)
                    )
                time.sleep(0.05)

    try:
        citypact = start_citypact(
            cfg,
            "citypact-remote",
            None,
            {
                "CITYPACT_SPARQL_ENDPOINT": f"{oxigraph.base}/query",
                "CITYPACT_SPARQL_UPDATE_ENDPOINT": f"{oxigraph.base}/update",
            },
        )
        assert citypact.process is not None
        pid = citypact.process.pid
        workers = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(4)]
        t0 = time.perf_counter()
        for thread in workers:
            thread.start()
        time.sleep(cfg.steady_seconds)
        killing = time.perf_counter() - t0  # requests ended before this saw a live backend
        kill_hard(oxigraph)
        killed = time.perf_counter() - t0  # once the process is gone
        time.sleep(cfg.outage_seconds)
        restarting = time.perf_counter() - t0
        oxigraph = start_oxigraph(cfg, location, port)
        back = time.perf_counter() - t0
        # Full service: every client's requests answered 2xx again.
        deadline = time.perf_counter() + 60
        recovered: float | None = None
        while time.perf_counter() < deadline:
            time.sleep(0.2)
            with lock:
                recent = [s for s in samples if s.started > back]
            if len(recent) >= 8 and all(200 <= s.status < 300 for s in recent[-8:]):
                recovered = recent[-8].started
                break
        time.sleep(cfg.steady_seconds)
        stop.set()
        for thread in workers:
            thread.join(90)
        same_process = citypact.process.poll() is None and citypact.process.pid == pid
    finally:
        stop.set()
        if citypact is not None:
            citypact.stop()
        oxigraph.stop()
    end = time.perf_counter() - t0
    before = [s for s in samples if s.started + s.seconds < killing]
    # The outage proper: from the kill until the restart begins (once the new process binds
    # its port, which the readiness poll sees a little later, answers are 200 again).
    during = [s for s in samples if s.started > killed and s.started + s.seconds < restarting]
    after_window = [s for s in samples if recovered is not None and s.started >= recovered]
    statuses_during = Counter(s.status for s in during)
    bad_during = [s for s in during if s.status != 503]
    unclear = []
    for s in during:
        if s.status == 503:
            try:
                if not json.loads(s.body)["error"]["message"]:
                    unclear.append(s)
            except (ValueError, KeyError, TypeError):
                unclear.append(s)
    server_errors = [s for s in samples if s.status >= 500 and s.status != 503 or s.status == 0]
    hangs = [s for s in samples if s.seconds > HANG]
    worst_during = max((s.seconds for s in during), default=None)
    after_bad = [s for s in after_window if not 200 <= s.status < 300]
    example = next((s.body for s in during if s.status == 503), "")
    lines += [
        f"An Oxigraph server (PyPI `oxigraph`, `--union-default-graph`) holding the same "
        f"{data.triples:,} synthetic triples (`oxigraph load` in {loaded:.1f} s) and CityPact "
        "started with `CITYPACT_SPARQL_ENDPOINT` on it (it loaded the bundled data itself). "
        f"Four clients queried CityPact in a loop ({', '.join(t.kind for t in workload.cheap)}); "
        f"the Oxigraph server was killed with SIGKILL at {killed:.1f} s, restarted on the same "
        f"directory and port at {restarting:.1f} s (answering at {back:.1f} s); the run ended "
        f"at {end:.1f} s.",
        "",
        markdown_table(
            ["phase", "requests", "answers", "p50", "max"],
            [
                (
                    label,
                    str(len(group)),
                    ", ".join(
                        f"{k}: {v}" for k, v in sorted(Counter(s.status for s in group).items())
                    ),
                    ms(statistics.median([s.seconds for s in group]) if group else None),
                    ms(max((s.seconds for s in group), default=None)),
                )
                for label, group in (
                    ("before the kill", before),
                    ("outage (kill → restart of the backend)", during),
                    ("after full service was back", after_window),
                )
            ],
        ),
        "",
        markdown_table(
            ["what", "value"],
            [
                ("example 503 body", f"`{example}`"),
                (
                    "full service again",
                    f"{recovered - back:.1f} s after the backend answered"
                    if recovered is not None
                    else "not within 60 s",
                ),
                ("CityPact process restarted", "no" if same_process else "YES"),
                ("500s or transport errors (whole run)", str(len(server_errors))),
                (f"requests over {HANG:g} s (hangs)", str(len(hangs))),
            ],
        ),
        "",
    ]
    lines += [f"- unexpected: {s.kind} {s.status} {s.body[:150]}" for s in bad_during[:5]]
    lines += [
        f"- error at {s.started:.2f} s: {s.kind} {s.status} {s.body[:150]}"
        for s in server_errors[:5]
    ]
    lines += [
        f"- before the kill, not 2xx: {s.kind} {s.status} {s.body[:150]}"
        for s in before
        if not 200 <= s.status < 300
    ][:5]
    passed = (
        statuses_during.get(503, 0) > 0
        and not bad_during
        and not unclear
        and not server_errors
        and not hangs
        and recovered is not None
        and bool(after_window)
        and not after_bad
        and all(200 <= s.status < 300 for s in before)
        and same_process
    )
    report.check(
        name,
        passed,
        f"outage {restarting - killed:.1f} s: {statuses_during.get(503, 0)} × 503 with a message, "
        f"{len(bad_during)} other answers, max {ms(worst_during)}; full service "
        + (f"{recovered - back:.1f} s after the backend returned" if recovered else "never")
        + f", {len(after_window)} requests after, {len(after_bad)} failed; "
        f"CityPact not restarted: {same_process}",
    )


CRASH_LINE = re.compile(
    r"(\d+) kills \((\d+) during a submission, (\d+) as the log was written\), (\d+) "
    r"acknowledged, (\d+) graphs after the last restart, median submission ([\d.]+) s"
)


def check_crash(cfg: Config, report: Report, lines: list[str]) -> None:
    """tests/test_crash.py's kill -9 test with CITYPACT_CRASH_ROUNDS."""
    name = (
        f"kill -9 during submissions, {cfg.crash_rounds} rounds: each submission whole or "
        "absent after restart, clean start"
    )
    print(f"   crash test, {cfg.crash_rounds} kills (tests/test_crash.py) ...", flush=True)
    test = "tests/test_crash.py::test_killed_server_restarts_with_whole_submissions_only"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", test, "-s", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env={
            **os.environ,
            "CITYPACT_CRASH_ROUNDS": str(cfg.crash_rounds),
            "CITYPACT_RATE_LIMIT": "0",
            "PYTHONPATH": str(ROOT),
        },
        capture_output=True,
        text=True,
        timeout=cfg.crash_rounds * 120 + 300,
        check=False,
    )
    seconds = time.perf_counter() - started
    (cfg.workdir / "logs").mkdir(parents=True, exist_ok=True)
    (cfg.workdir / "logs" / "crash-test.log").write_text(done.stdout + done.stderr)
    found = CRASH_LINE.search(done.stdout)
    outcome = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
    lines += [
        f"`CITYPACT_CRASH_ROUNDS={cfg.crash_rounds} pytest {test}`: a real `citypact serve` "
        "(embedded store with the bundled data) receives 20,000-triple submissions and is "
        "killed with SIGKILL at random moments, odd rounds within milliseconds of the store's "
        "write-ahead log being written (inside the commit). After each restart: the server "
        "starts cleanly, every submission graph is complete and recorded, no triple of the "
        "test lies outside a complete submission, every acknowledged submission survived, the "
        "bundled data graph is unchanged.",
        "",
    ]
    if found:
        kills, in_flight, at_commit, acknowledged, graphs, median = found.groups()
        lines.append(
            markdown_table(
                ["what", "value"],
                [
                    ("kills", kills),
                    ("of them during a submission", in_flight),
                    ("of them as the write-ahead log was written", at_commit),
                    ("submissions acknowledged (201) and all found again", acknowledged),
                    ("complete submission graphs after the last restart", graphs),
                    ("median submission time", f"{median} s"),
                    ("pytest", f"exit {done.returncode}, {outcome}, {seconds:.0f} s"),
                ],
            )
        )
    else:
        lines += ["```", (done.stdout + done.stderr)[-3000:], "```"]
    lines.append("")
    report.check(
        name,
        done.returncode == 0 and found is not None,
        (
            f"{found.group(1)} kills ({found.group(2)} mid-submission, {found.group(3)} at the "
            f"commit), {found.group(4)} acknowledged all intact, {found.group(5)} whole graphs"
            if found
            else f"pytest exit {done.returncode}: {outcome}"
        )
        + f"; {seconds:.0f} s",
    )


# --- the run --------------------------------------------------------------------------------------


def guarded(report: Report, name: str, lines: list[str], body: Callable[[], None]) -> None:
    """Run one check; an exception fails it with the error in the report."""
    try:
        body()
    except Exception as err:  # noqa: BLE001 - a failing check must not stop the others
        lines += ["**This check raised:**", "", "```", traceback.format_exc()[-3000:], "```", ""]
        report.check(name, False, f"error: {err!r}"[:300])


def main(argv: list[str] | None = None) -> int:
    """Run the checks, write the report, print the summary; 1 when a check fails."""
    cfg = parse_args(argv)
    report = Report(cfg)
    print(
        f"CityPact reliability ({'quick' if cfg.quick else 'full'}): {cfg.triples:,} triples, "
        f"checks {', '.join(cfg.checks)}",
        flush=True,
    )
    if shutil.which("wrk") is None and {"load", "memory"} & set(cfg.checks):
        print("wrk is not installed (apt-get install wrk, or scripts/install-test-servers.sh)")
    try:
        data = prepare_data(cfg, report)
        workload: Workload | None = None
        setup = report.section("The workload")
        server = start_citypact(cfg, "citypact", data.store)
        try:
            workload = discover(server.base)
            rows, problems = single_latencies(server.base, workload)
            report.data["cities in the store"] = f"{workload.city_count:,}"
            setup += [
                "URLs built from entities the store holds: cities at the 10th, 30th, 50th, "
                "70th and 90th percentile of partnerships and the most-partnered one ("
                + ", ".join(f"`{c}` ({n})" for c, n in workload.cities)
                + "), for each its latest signed agreement, that agreement's date, year and a "
                "sector it commits to. The load rotates over "
                f"{len(workload.targets)} URLs (per city: city ×3, partners by sector ×2, "
                "agreement, agreements by year, officials on a date, /sparql "
                "partners_by_sector.rq ×2, /sparql one agreement's triples ×2, sectors, a page "
                "of cities, /health).",
                "",
                "Each kind of URL alone (one client, second call; the first city that has it):",
                "",
                markdown_table(["kind", "example", "status", "time", "in the mix"], rows),
                "",
            ]
            setup += [f"- did not answer 2xx: {p}" for p in problems]
            if "load" in cfg.checks:
                lines = report.section(f"1. Load: {cfg.duration:g} s at {cfg.clients} clients")
                guarded(
                    report,
                    "Load",
                    lines,
                    lambda: check_load(cfg, report, server, workload, lines),  # type: ignore[arg-type]
                )
            if "memory" in cfg.checks:
                mem = report.section("1. Memory over consecutive load rounds")
                guarded(
                    report,
                    "Memory steady",
                    mem,
                    lambda: check_memory(cfg, report, server, workload, mem),  # type: ignore[arg-type]
                )
            if {"long", "release"} & set(cfg.checks):
                expensive = calibrate(cfg, server.base, workload.city_count)
                if "long" in cfg.checks:
                    long_lines = report.section("1. A long query does not starve the others")
                    guarded(
                        report,
                        "Long query does not starve others",
                        long_lines,
                        lambda: check_long(
                            cfg,
                            report,
                            server,
                            workload,
                            expensive,
                            long_lines,  # type: ignore[arg-type]
                        ),
                    )
                if "release" in cfg.checks:
                    release_lines = report.section("2. Queries over their timeout")
                    guarded(
                        report,
                        "Queries over their timeout release their resources",
                        release_lines,
                        lambda: check_release(
                            cfg,
                            report,
                            server,
                            workload,
                            expensive,
                            release_lines,  # type: ignore[arg-type]
                        ),
                    )
        finally:
            server.stop()
            report.write()
        if "readonly" in cfg.checks:
            ro = report.section("2. A read-only data directory")
            guarded(
                report,
                "Read-only data directory",
                ro,
                lambda: check_readonly(cfg, report, data, workload, ro),  # type: ignore[arg-type]
            )
            report.write()
        if "outage" in cfg.checks:
            out = report.section("2. The remote backend killed and restarted")
            guarded(
                report,
                "Remote backend outage",
                out,
                lambda: check_outage(cfg, report, data, workload, out),  # type: ignore[arg-type]
            )
            report.write()
        if "crash" in cfg.checks:
            crash = report.section("2. kill -9 during submissions")
            guarded(
                report, "kill -9 during submissions", crash, lambda: check_crash(cfg, report, crash)
            )
    except Exception as err:  # noqa: BLE001 - set-up failed: report it
        report.check("Set-up (data, server, workload)", False, f"error: {err!r}"[:300])
        report.section("Set-up failed").extend(["```", traceback.format_exc()[-3000:], "```"])
    finally:
        report.write()
    print(report.summary())
    return 1 if report.failed or not report.checks else 0


if __name__ == "__main__":
    sys.exit(main())
