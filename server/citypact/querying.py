"""Running queries from request handlers: off the event loop, with a deadline."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

from .store import QueryTimeout

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
