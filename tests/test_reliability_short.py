"""The reliability run (`make reliability`, bench/reliability.py) in its --quick mode, so that it
cannot rot: a ~20,000-triple graph, 5 s of wrk load at 8 connections on the /api + /sparql mix,
an expensive query to its timeout while cheap requests are timed, a read-only data directory,
the remote Oxigraph backend killed and restarted under queries, and 2 kill -9 rounds of the
crash test. Every check must pass; the report goes to a temporary file, never to
bench/reliability.md.

Needs wrk (Debian `wrk`, from scripts/install-test-servers.sh), the Oxigraph server (test extra)
and root for the read-only bind mount: missing ones skip locally and fail in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT, require
from .servers import oxigraph_available

pytestmark = pytest.mark.slow

CHECK_NAMES = (
    "Load:",
    "Long query does not starve others",
    "Expensive query answered at its timeout",
    "Read-only data directory",
    "Remote backend killed -9 and restarted",
    "kill -9 during submissions",
)


def _stamp(path: Path) -> float | None:
    return path.stat().st_mtime if path.exists() else None


def test_quick_reliability_run_passes_every_check(tmp_path: Path) -> None:
    require(shutil.which("wrk") is not None, "wrk (apt-get install wrk)")
    require(oxigraph_available(), "the Oxigraph server (pip install oxigraph)")
    require(
        os.geteuid() == 0 and shutil.which("mount") is not None,
        "root and mount (for a read-only bind mount)",
    )
    out = tmp_path / "reliability.md"
    committed = ROOT / "bench" / "reliability.md"
    before = _stamp(committed)
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "reliability.py"),
            "--quick",
            "--workdir",
            str(tmp_path / "work"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-3000:]
    report = out.read_text(encoding="utf-8")
    verdicts = report.split("## Verdicts", 1)[1].split("## Machine", 1)[0]
    for name in CHECK_NAMES:
        assert name in verdicts, f"check {name!r} missing from the report"
    assert "❌" not in verdicts and "This check raised" not in report
    assert "wrk" in report and "pyoxigraph" in report
    assert _stamp(committed) == before, "the quick run must not touch bench/reliability.md"
    # A bound against a hang, not a speed check (the quick run takes about a minute when the
    # machine is quiet; `make reliability` measures speed).
    assert elapsed < 600, f"the quick reliability run took {elapsed:.0f} s"
