"""The middleware stack every app gets, in the order that makes each one work."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from citypact.http.rate_limit import RateLimitMiddleware
from citypact.http.request_ids import REQUEST_ID_HEADER, RequestIdMiddleware
from citypact.http.security_headers import SecurityHeadersMiddleware
from citypact.settings import Settings


def add_middleware(app: FastAPI, settings: Settings) -> None:
    """Rate limit, CORS, security headers and request ids, innermost first.

    Each ``add_middleware`` wraps the ones before: the rate limit sits inside CORS (so a browser
    can read its 429), security headers and request ids outermost.
    """
    if settings.rate_limit:
        app.add_middleware(
            RateLimitMiddleware, per_minute=settings.rate_limit, burst=settings.rate_limit_burst
        )
    # CORS is open for reads only: writes (POST /api/submissions, DELETE) carry a bearer
    # token, which needs an Authorization header that this policy does not allow.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type"],
        expose_headers=["Content-Location", "ETag", "Last-Modified", REQUEST_ID_HEADER],
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestIdMiddleware)
