"""The reliability report: one verdict per check, the figures, bench/reliability.md."""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import subprocess
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from common import ROOT, cpu_model, memory_total, oxigraph_server_version, version
from reliability_config import Config


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
