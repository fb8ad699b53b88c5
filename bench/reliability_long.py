"""Checks ``long`` (cheap requests stay fast during an expensive query) and ``release``
(timed-out queries stop using CPU).
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from reliability_config import CP, IDLE_CORES, IDLE_WITHIN, PROBE_MAX, SPARQL_JSON, Config
from reliability_harness import Target, Workload, client, sparql_rows, timed_get
from reliability_report import Report, markdown_table, ms
from servers import ServerProcess, tree_cpu, tree_threads


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
    # A probe well inside the timeout, even on a busy machine.
    values = max(1, round(1_000_000 / unit))
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
