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
        for pid in [self.process.pid, *_descendants(self.process.pid)]:
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


def _descendants(pid: int) -> list[int]:
    """The process ids below ``pid`` (from /proc/*/task/*/children)."""
    out: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                kids = [int(k) for k in children.read_text().split()]
            except (OSError, ValueError):
                continue
            out += kids
            todo += kids
    return out
