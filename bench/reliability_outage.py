"""Check ``outage``: the remote backend killed and restarted while clients query."""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass

import httpx
from common import BIN
from reliability_config import HANG, SYNTHETIC_GRAPH, Config
from reliability_harness import Data, Workload, client, start_citypact, start_oxigraph
from reliability_report import Report, markdown_table, ms
from servers import ServerProcess, free_port, kill_hard


@dataclass
class Sample:
    """One request of the outage clients."""

    started: float
    seconds: float
    kind: str
    status: int
    body: str


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
