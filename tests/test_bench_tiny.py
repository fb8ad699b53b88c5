"""The benchmark harness in its tiny mode, so that it cannot rot: every section runs on ~2,000
generated triples (with real servers on loopback ports) and the report is written."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT

SECTION_TITLES = ("a. Load", "b. Queries", "c. HTTP", "d. Validation", "e. Start-up")


@pytest.mark.slow
def test_tiny_benchmark_runs_every_section(tmp_path: Path) -> None:
    out = tmp_path / "results.md"
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--tiny",
            "--strict",
            "--workdir",
            str(tmp_path / "work"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = out.read_text(encoding="utf-8")
    for title in SECTION_TITLES:
        assert f"## {title}" in report
    assert "This section failed" not in report
    assert "## Targets" in report and "partners_by_sector" in report
    assert "pyoxigraph" in report and "rdflib" in report
    # A bound against a hang, not a speed check (machines here are shared and noisy; speed is
    # what `make bench` measures): the tiny run takes about a minute on a quiet machine.
    assert elapsed < 600, f"the tiny benchmark took {elapsed:.0f} s"
