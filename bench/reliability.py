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

Each check is a module of its own (reliability_load, reliability_long, reliability_readonly,
reliability_outage, reliability_crash) on a shared harness (reliability_harness, which starts
servers through servers.py like the benchmark does). It writes bench/reliability.md (machine,
date, versions, every figure, a verdict per check), prints a summary and exits 1 when a check
fails. Servers it starts run with
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

import shutil
import sys
import traceback
from collections.abc import Callable

from reliability_config import parse_args
from reliability_crash import check_crash
from reliability_harness import Workload, discover, prepare_data, single_latencies, start_citypact
from reliability_load import check_load, check_memory
from reliability_long import calibrate, check_long, check_release
from reliability_outage import check_outage
from reliability_readonly import check_readonly
from reliability_report import Report, markdown_table


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
