"""Running queries from request handlers: off the event loop, with a deadline."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

from citypact.store.port import QueryTimeout, StoreError

T = TypeVar("T")


async def in_thread(func: Callable[..., T], *args: object, timeout: float) -> T:
    """Run blocking store work in a worker thread; QueryTimeout when it overruns.

    The store also checks the deadline itself while it iterates over results, so an
    abandoned query stops soon after its client has been answered.
    """
    try:
        return await asyncio.wait_for(run_in_threadpool(func, *args), timeout=timeout + 1.0)
    except TimeoutError:
        raise QueryTimeout(f"query timed out after {timeout:g} s") from None


async def take_slot(slots: threading.Semaphore, size: int, patience: float) -> float:
    """Acquire one of ``size`` slots, polling for up to ``patience`` seconds; the seconds
    waited. ServerBusy when none frees in time. (Slots are released from worker threads, so
    a threading semaphore, polled without blocking the event loop.)"""
    loop = asyncio.get_running_loop()
    arrived = loop.time()
    while not slots.acquire(blocking=False):
        if loop.time() - arrived >= patience:
            raise ServerBusy(
                f"the server is busy: {size} queries are running; retry in a few seconds"
            )
        await asyncio.sleep(0.02)
    return loop.time() - arrived


class ServerBusy(StoreError):
    """Every query slot is taken (by running or abandoned queries)."""

    status = 503


class QueryGate:
    """At most ``size`` client queries evaluate at once.

    A query that outlives its deadline is answered 503 at once, but its worker thread runs on
    until Oxigraph yields the next result (the store checks the deadline between results;
    one long join or aggregate step cannot be interrupted). It keeps its slot until it ends, so
    abandoned queries cannot pile up and starve the machine. When all slots are taken, a new
    query queues for a slot within its own time limit (or ``wait`` seconds, when given); the
    time it waited counts against that limit. If no slot frees in time: 503, ``Retry-After``.
    """

    def __init__(self, size: int, wait: float | None = None) -> None:
        self.size = size
        self.wait = wait
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._running = 0

    @property
    def running(self) -> int:
        """Queries holding a slot now (including abandoned ones still evaluating)."""
        return self._running

    async def run(self, func: Callable[..., T], *args: object, timeout: float) -> T:
        """``in_thread(func, *args)`` once a slot is free; ServerBusy if none frees in time."""
        patience = timeout if self.wait is None else min(self.wait, timeout)
        waited = await take_slot(self._slots, self.size, patience)
        timeout = max(timeout - waited, 0.1)
        with self._lock:
            self._running += 1
        state = {"started": False, "dropped": False}

        def release() -> None:
            with self._lock:
                self._running -= 1
            self._slots.release()

        def guarded() -> T:
            with self._lock:
                if state["dropped"]:
                    raise ServerBusy("query abandoned before it started")
                state["started"] = True
            try:
                return func(*args)
            finally:
                release()

        try:
            return await in_thread(guarded, timeout=timeout)
        except BaseException:
            with self._lock:
                never_ran = not state["started"]
                state["dropped"] = True
            if never_ran:
                release()
            raise
