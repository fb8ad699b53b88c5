"""Checks ``load`` (no errors under load) and ``memory`` (no growth over rounds)."""

from __future__ import annotations

import time

from reliability_config import Config
from reliability_harness import Workload
from reliability_report import Report, markdown_table, mb, ms
from reliability_wrk import WRK_HEADER, run_wrk
from servers import ServerProcess, tree_rss


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
