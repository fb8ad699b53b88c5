"""A per-client rate limit on /sparql and /api: token buckets, 429 with ``Retry-After``.

Each client (its address as the server sees it; behind a reverse proxy, uvicorn's
``--forwarded-allow-ips`` decides whether ``X-Forwarded-For`` is believed) has a bucket of
``burst`` requests that refills at ``per_minute`` requests a minute.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

LIMITED_PREFIXES = ("/sparql", "/api/")
MAX_TRACKED_CLIENTS = 50_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets by client key."""

    def __init__(
        self, per_minute: int, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if per_minute <= 0 or burst <= 0:
            raise ValueError("per_minute and burst must be positive")
        self.per_second = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def wait_time(self, client: str) -> float:
        """Take one token for ``client``: 0 if allowed, else the seconds until one is free."""
        now = self.clock()
        bucket = self._buckets.get(client)
        if bucket is None:
            if len(self._buckets) >= MAX_TRACKED_CLIENTS:
                self._forget_full(now)
            bucket = self._buckets[client] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.per_second)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.per_second

    def _forget_full(self, now: float) -> None:
        """Drop clients whose buckets have refilled: they are as if never seen."""
        full_after = self.burst / self.per_second
        for key in [k for k, b in self._buckets.items() if now - b.updated >= full_after]:
            del self._buckets[key]
        if len(self._buckets) >= MAX_TRACKED_CLIENTS:  # a flood of new addresses
            self._buckets.clear()


class RateLimitMiddleware:
    """Answers 429 to a client over its limit on the query endpoints."""

    def __init__(self, app: ASGIApp, per_minute: int, burst: int) -> None:
        self.app = app
        self.limiter = RateLimiter(per_minute, burst)
        self.per_minute = per_minute

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == "/sparql" or path.startswith(LIMITED_PREFIXES)):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        wait = self.limiter.wait_time(client[0] if client else "unknown")
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        seconds = max(1, math.ceil(wait))
        message = (
            f"too many requests: the limit is {self.per_minute} a minute per client; "
            f"retry in {seconds} s"
        )
        response = JSONResponse(
            {"error": {"status": 429, "message": message}},
            429,
            headers={"Retry-After": str(seconds), "X-RateLimit-Limit": str(self.per_minute)},
        )
        await response(scope, receive, send)
