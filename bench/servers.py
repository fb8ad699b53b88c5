"""Server processes on loopback ports, and the HTTP load driver (threads of httpx clients)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import statistics
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from common import BIN

SPARQL_JSON = "application/sparql-results+json"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    """A server started by the benchmark; its output goes to a log file in the work dir."""

    name: str
    command: Sequence[str]
    log: Path
    env: dict[str, str] | None = None
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerProcess:
        """Launch the process (in its own process group)."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        handle = self.log.open("wb")
        env = {**os.environ, **(self.env or {})}
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(
            list(self.command),
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        handle.close()
        return self

    def wait_until(self, url: str, timeout: float, accept: str = "*/*") -> float:
        """Poll ``url`` until it answers 200; returns seconds since start. Raises on timeout or
        when the process dies."""
        assert self.process is not None
        deadline = time.perf_counter() + timeout
        with httpx.Client(timeout=30.0) as client:
            while time.perf_counter() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"{self.name} exited ({self.process.returncode}); {self.tail()}"
                    )
                with contextlib.suppress(httpx.TransportError):
                    status = client.get(url, headers={"Accept": accept}).status_code
                    if status == 200:
                        return time.perf_counter() - self.started_at
                    if 400 <= status < 500:
                        raise RuntimeError(f"{self.name} answered {status} to {url}")
                time.sleep(0.05)
        raise TimeoutError(f"{self.name} did not answer {url} within {timeout:g} s; {self.tail()}")

    def tail(self, lines: int = 15) -> str:
        """The end of the log."""
        try:
            text = self.log.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return ""
        return "log tail:\n" + "\n".join(text)

    def memory(self, key: str = "VmHWM") -> int | None:
        """A /proc/PID/status figure in bytes (VmHWM: peak resident set size), summed over the
        process and its descendants (CityPact's query workers count too)."""
        if self.process is None:
            return None
        total, found = 0, False
        for pid in process_tree(self.process.pid):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith(key + ":"):
                        total += int(line.split()[1]) * 1024
                        found = True
            except OSError:
                continue
        return total if found else None

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 15 s; only this process (group) is touched."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


# --- starting the servers the benchmark and the reliability run compare --------------------------


def start_citypact(
    workdir: Path,
    name: str,
    data_dir: Path | None,
    env: dict[str, str] | None = None,
    wait: float = 120.0,
) -> ServerProcess:
    """`citypact serve` on a free port, waiting for /health.

    No rate limit (the load comes from one client address on purpose) and no remote endpoint
    from the environment; ``env`` adds or overrides variables.
    """
    port = free_port()
    command = [str(BIN / "citypact"), "serve", "--port", str(port)]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    server = ServerProcess(
        name,
        command,
        workdir / "logs" / f"{name}.log",
        env={
            "CITYPACT_RATE_LIMIT": "0",
            "CITYPACT_LOG_LEVEL": "warning",
            "CITYPACT_SPARQL_ENDPOINT": "",
            "CITYPACT_SPARQL_UPDATE_ENDPOINT": "",
            **(env or {}),
        },
        port=port,
    ).start()
    try:
        server.wait_until(f"{server.base}/health", wait)
    except BaseException:
        server.stop()
        raise
    return server


def start_oxigraph(
    workdir: Path, location: Path, port: int | None = None, attempts: int = 5
) -> ServerProcess:
    """`oxigraph serve` on ``location`` (union default graph), waiting until it answers.

    A port taken between choosing and binding it is retried (with a new one when ``port`` is
    None) up to ``attempts`` times.
    """
    last: Exception | None = None
    for _attempt in range(attempts):
        chosen = port or free_port()
        server = ServerProcess(
            "oxigraph",
            [
                str(BIN / "oxigraph"),
                "serve",
                "--location",
                str(location),
                "--bind",
                f"127.0.0.1:{chosen}",
                "--union-default-graph",
            ],
            workdir / "logs" / "oxigraph.log",
            port=chosen,
        ).start()
        try:
            server.wait_until(f"{server.base}/query?query=ASK%7B%7D", 60, SPARQL_JSON)
            return server
        except (RuntimeError, TimeoutError) as err:
            last = err
            server.stop()
            time.sleep(1.0)
    raise RuntimeError(f"the Oxigraph server did not start: {last}")


def kill_hard(server: ServerProcess) -> None:
    """SIGKILL to the server's process group; wait for it."""
    if server.process is None or server.process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=30)


# --- process trees (/proc) ------------------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK")


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


# --- the load driver ------------------------------------------------------------------------------


@dataclass
class Request:
    """One HTTP GET to repeat."""

    url: str
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class LoadResult:
    """Latencies of one phase (sequential or concurrent)."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0
    timed_out: int = 0

    def quantile(self, q: float) -> float | None:
        """The q-quantile of the latencies (nearest rank)."""
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]

    @property
    def p50(self) -> float | None:
        """Median latency."""
        return statistics.median(self.latencies) if self.latencies else None

    @property
    def p95(self) -> float | None:
        """95th-percentile latency."""
        return self.quantile(0.95)

    @property
    def rate(self) -> float | None:
        """Completed requests per second."""
        return len(self.latencies) / self.wall if self.wall > 0 and self.latencies else None


def run_load(
    request: Request,
    clients: int,
    max_requests: int,
    max_seconds: float,
    timeout: float,
) -> LoadResult:
    """``clients`` threads, each with its own keep-alive client, send the request until
    ``max_requests`` are done or ``max_seconds`` have passed (each client sends at least one)."""
    result = LoadResult()
    lock = threading.Lock()
    issued = [0]
    stop_at = time.perf_counter() + max_seconds

    def take() -> bool:
        with lock:
            if issued[0] >= max_requests:
                return False
            issued[0] += 1
            return True

    def worker() -> None:
        first = True
        with httpx.Client(timeout=timeout) as client:
            while (first or time.perf_counter() < stop_at) and take():
                first = False
                started = time.perf_counter()
                try:
                    response = client.get(
                        request.url, params=request.params, headers=request.headers
                    )
                    elapsed = time.perf_counter() - started
                    if response.status_code != 200:
                        result.errors.append(f"HTTP {response.status_code}: {response.text[:200]}")
                        continue
                    result.latencies.append(elapsed)
                except httpx.TimeoutException:
                    result.timed_out += 1
                    return
                except httpx.HTTPError as err:
                    result.errors.append(repr(err))

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.wall = time.perf_counter() - started
    return result
