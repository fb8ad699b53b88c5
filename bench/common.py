"""Shared pieces of the benchmark: configuration, timing, time limits, results and the report."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import importlib.metadata
import os
import platform
import signal
import statistics
import subprocess
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "bench"
BIN = Path(os.environ.get("BENCH_BIN", str(ROOT / ".venv" / "bin")))
MAIN_NAMESPACE = "https://w3id.org/citypact/id/"


# --- configuration --------------------------------------------------------------------------------


@dataclass
class BenchConfig:
    """Sizes, repetitions and limits of one run (see run.py for the flags and variables)."""

    tiny: bool = False
    triples: int = 1_000_000
    seed: int = 1
    namespace: str = MAIN_NAMESPACE
    reps: int = 5
    slow_reps: int = 2
    rdflib_query_timeout: float = 30.0
    query_budget: float = 2.0
    """Seconds of repeated runs per query and engine (more runs for fast queries)."""
    validation_timeout: float = 120.0
    validation_triples: int = 10_000
    http_requests: int = 100
    http_phase_seconds: float = 20.0
    http_request_timeout: float = 60.0
    clients: int = 8
    startup_reps: int = 3
    scale_sizes: tuple[int, ...] = (100_000, 1_000_000, 10_000_000)
    sections: tuple[str, ...] = (
        "load",
        "queries",
        "http",
        "validation",
        "startup",
        "extraction",
        "coverage",
        "network",
        "endpoints",
        "scale",
    )
    workdir: Path = BENCH_DIR / "work"
    out: Path = BENCH_DIR / "results.md"

    @classmethod
    def tiny_defaults(cls) -> BenchConfig:
        """About 2,000 triples, one repetition, short HTTP phases: a smoke run."""
        workdir = BENCH_DIR / "work" / "tiny"
        return cls(
            tiny=True,
            triples=2_000,
            reps=1,
            slow_reps=1,
            rdflib_query_timeout=20.0,
            query_budget=0.05,
            validation_timeout=60.0,
            validation_triples=2_000,
            http_requests=5,
            http_phase_seconds=5.0,
            startup_reps=1,
            scale_sizes=(2_000,),
            workdir=workdir,
            out=workdir / "results.md",
        )


# --- time limits for pure-Python work ----------------------------------------------------------


class Deadline(BaseException):  # noqa: N818 - not an error: a time limit was reached
    """Raised inside pure-Python work (rdflib, pySHACL) when its time limit is reached.

    A BaseException, so that libraries catching ``Exception`` cannot swallow it.
    """


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block with Deadline after ``seconds`` (SIGALRM; main thread only)."""

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise Deadline(f"stopped after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- figures --------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One measured quantity over repeated runs (seconds unless ``unit`` says otherwise)."""

    name: str
    values: list[float] = field(default_factory=list)
    unit: str = "s"
    note: str = ""
    capped_at: float | None = None
    """Set when a run hit its time limit: the true value is above it."""

    @property
    def median(self) -> float | None:
        """Median of the runs (None when no run finished)."""
        return statistics.median(self.values) if self.values else None

    def lower_bound(self) -> float | None:
        """The median, or the cap when the run did not finish (a lower bound)."""
        if self.capped_at is not None:
            return self.capped_at
        return self.median

    def cell(self) -> str:
        """The median as text."""
        if self.capped_at is not None:
            return f"> {format_value(self.capped_at, self.unit)}"
        if self.median is None:
            return "–"
        return format_value(self.median, self.unit)

    def spread(self) -> str:
        """min–max, and the IQR when there are at least 4 runs."""
        if self.capped_at is not None or len(self.values) < 2:
            return "–"
        low, high = min(self.values), max(self.values)
        text = f"{format_value(low, self.unit)}–{format_value(high, self.unit)}"
        if len(self.values) >= 4:
            q1, _, q3 = statistics.quantiles(self.values, n=4)
            text += f" (IQR {format_value(q3 - q1, self.unit)})"
        return text

    def runs(self) -> str:
        """How many runs the figure rests on."""
        return "1 (cut)" if self.capped_at is not None else str(len(self.values))


def format_value(value: float, unit: str) -> str:
    """Seconds as s or ms, bytes as MB or GB, anything else with its unit."""
    if unit == "s":
        if value < 1:
            return f"{value * 1000:.3g} ms" if value < 0.1 else f"{value * 1000:.0f} ms"
        return f"{value:.2f} s"
    if unit == "B":
        return f"{value / 1e9:.2f} GB" if value >= 1e9 else f"{value / 1e6:.0f} MB"
    if unit == "":
        return f"{value:.3g}"
    return f"{value:.3g} {unit}"


def measure(
    name: str,
    func: Callable[[], Any],
    reps: int,
    warmup: int = 0,
    limit: float | None = None,
    note: str = "",
    collect: bool = False,
) -> Figure:
    """Time ``func`` ``reps`` times (after ``warmup`` untimed calls).

    With ``limit``, each run is cut after that many seconds (pure-Python work only); a cut
    run ends the series and marks the figure as a lower bound. With ``collect``, garbage is
    collected before each run (for long runs that allocate a lot).
    """
    figure = Figure(name, note=note)
    for _ in range(warmup):
        func()
    for _ in range(reps):
        if collect:
            gc.collect()
        started = time.perf_counter()
        try:
            if limit is None:
                func()
            else:
                with time_limit(limit):
                    func()
        except Deadline:
            figure.capped_at = limit
            figure.values = []
            break
        figure.values.append(time.perf_counter() - started)
    return figure


def ratio(slow: Figure, fast: Figure) -> tuple[float | None, bool]:
    """slow/fast medians; the bool is True when the ratio is only a lower bound."""
    low, high = fast.median, slow.lower_bound()
    if low is None or high is None or low == 0:
        return None, False
    return high / low, slow.capped_at is not None


def times_text(value: float | None, bound: bool, fast: Figure, slow: Figure) -> str:
    """``12.3× (1.20 s vs 14.8 s)``; ``≥`` when the slow side hit its time limit."""
    if value is None:
        return "–"
    return f"{'≥ ' if bound else ''}{value:.1f}× ({fast.cell()} vs {slow.cell()})"


# --- results and the report -----------------------------------------------------------------------


@dataclass
class Target:
    """A stated target, what was measured and whether it holds (None: not measured)."""

    name: str
    measured: str
    holds: bool | None

    def mark(self) -> str:
        """✅, ❌ or – for the report."""
        return {True: "✅ holds", False: "❌ missed", None: "– not measured"}[self.holds]


@dataclass
class Section:
    """One section of the report: figures, free-form tables and notes, or an error."""

    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    def add(self, figure: Figure) -> Figure:
        """Record a figure and return it."""
        self.figures.append(figure)
        return figure

    def markdown(self) -> str:
        """The section as Markdown."""
        lines = [f"## {self.title}", "", f"Section time: {self.seconds:.0f} s.", ""]
        if self.error:
            lines += ["**This section failed:**", "", "```", self.error.strip(), "```", ""]
        if self.figures:
            lines += [
                "| figure | median | spread (min–max) | runs | note |",
                "|---|---|---|---|---|",
            ]
            for f in self.figures:
                row = [f.name, f.cell(), f.spread(), f.runs(), f.note]
                lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
            lines.append("")
        for table in self.tables:
            lines += [table.rstrip(), ""]
        for note in self.notes:
            lines += [f"- {note}"]
        if self.notes:
            lines.append("")
        return "\n".join(lines)


@dataclass
class Results:
    """Everything one run measured."""

    config: BenchConfig
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    data: dict[str, Any] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    load_start: tuple[float, float, float] = field(default_factory=os.getloadavg)

    def run_section(self, key: str, title: str, body: Callable[[Section], None]) -> Section:
        """Run one section; an exception is recorded in the section and the run goes on."""
        section = Section(key, title)
        self.sections.append(section)
        print(f"\n== {title}", flush=True)
        started = time.perf_counter()
        try:
            body(section)
        except Exception:  # noqa: BLE001 - a failing section must not stop the others
            section.error = traceback.format_exc(limit=8)
            print(f"   section failed:\n{section.error}", flush=True)
        section.seconds = time.perf_counter() - started
        return section

    def target(self, name: str, measured: str, holds: bool | None) -> None:
        """Record a target and print it."""
        item = Target(name, measured, holds)
        self.targets.append(item)
        print(f"   target: {name}: {measured} → {item.mark()}", flush=True)

    def markdown(self) -> str:
        """The whole report."""
        cfg = self.config
        elapsed = dt.datetime.now(dt.UTC) - self.started
        lines = [
            "# CityPact benchmark results",
            "",
            f"Run {self.started:%Y-%m-%d %H:%M} UTC, {elapsed.total_seconds() / 60:.1f} min, "
            f"{'TINY smoke run' if cfg.tiny else 'full run'} (`make bench` → bench/run.py; "
            "one run on one machine: compare ratios rather than absolute times).",
            "",
            "## Machine and versions",
            "",
            markdown_table(["what", "value"], list(machine_info(self.load_start).items())),
            "",
            "## Data",
            "",
            markdown_table(["what", "value"], [(k, str(v)) for k, v in self.data.items()]),
            "",
            "## Targets",
            "",
            markdown_table(
                ["target", "measured", "verdict"],
                [(t.name, t.measured, t.mark()) for t in self.targets],
            ),
            "",
            "Figures: median over the runs; spread is min–max (and the interquartile range from 4",
            "runs on). A `>` value is a lower bound: the run was stopped at that time limit.",
            "",
        ]
        lines += [section.markdown() for section in self.sections]
        return "\n".join(lines).rstrip() + "\n"

    def write(self) -> None:
        """Write the report to the configured file."""
        self.config.out.parent.mkdir(parents=True, exist_ok=True)
        self.config.out.write_text(self.markdown(), encoding="utf-8")

    def summary(self) -> str:
        """A short text summary for the terminal."""
        lines = ["", "Targets:"]
        for t in self.targets:
            lines.append(f"  {t.mark():16} {t.name}: {t.measured}")
        failed = [s.title for s in self.sections if s.error]
        if failed:
            lines.append(f"Sections that failed: {', '.join(failed)}")
        lines.append(f"Report: {self.config.out}")
        return "\n".join(lines)


def markdown_table(header: list[str], rows: list[tuple[str, ...]] | list[tuple[str, str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |")
    return "\n".join(lines)


# --- machine and versions -------------------------------------------------------------------------


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_total() -> str:
    """Total RAM from /proc/meminfo."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def version(package: str) -> str:
    """Installed version of a distribution, or 'not installed'."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def oxigraph_server_version() -> str:
    """`oxigraph --version` of the server binary."""
    try:
        out = subprocess.run(
            [str(BIN / "oxigraph"), "--version"], capture_output=True, text=True, timeout=10
        )
        return out.stdout.strip() or out.stderr.strip()
    except OSError as err:
        return f"not available ({err})"


def machine_info(load_start: tuple[float, float, float]) -> dict[str, str]:
    """What ran the benchmark."""
    load_end = os.getloadavg()
    return {
        "CPU": cpu_model(),
        "cores": str(os.cpu_count()),
        "RAM": memory_total(),
        "OS": platform.platform(),
        "load average at start / end (1 min)": f"{load_start[0]:.2f} / {load_end[0]:.2f}",
        "python": platform.python_version(),
        "pyoxigraph": version("pyoxigraph"),
        "oxigraph server": oxigraph_server_version(),
        "rdflib": version("rdflib"),
        "pyshacl": version("pyshacl"),
        "shacl-rust": version("shacl-rust"),
        "fastapi": version("fastapi"),
        "uvicorn": version("uvicorn"),
        "rdflib-endpoint": version("rdflib-endpoint"),
        "citypact": version("citypact"),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
    }
