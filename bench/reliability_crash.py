"""Check ``crash``: kill -9 during submissions (tests/test_crash.py, repeated)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

from common import ROOT
from reliability_config import Config
from reliability_report import Report, markdown_table

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
