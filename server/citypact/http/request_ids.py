"""Request ids: every request gets one, its response carries it, its log lines name it.

A client may send its own ``X-Request-ID`` (letters, digits and ``._:-``, at most 64
characters); anything else is replaced by a fresh id, so the header cannot inject text into logs.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_current: ContextVar[str] = ContextVar("citypact_request_id", default="-")
access_log = logging.getLogger("citypact.access")


def current_request_id() -> str:
    """The id of the request being handled ("-" outside a request)."""
    return _current.get()


def request_id_of(scope: Scope) -> str:
    """The id the middleware gave this request (also readable after it has returned)."""
    state = scope.get("state") or {}
    return str(state.get("request_id", _current.get()))


class RequestIdMiddleware:
    """Give each HTTP request an id, echo it in ``X-Request-ID``, log one access line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        offered = Headers(scope=scope).get(REQUEST_ID_HEADER)
        request_id = offered if offered and _VALID_ID.fullmatch(offered) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        token = _current.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            access_log.info(
                "%s %s %d %.1f ms",
                scope.get("method", "-"),
                scope.get("path", "-"),
                status,
                (time.perf_counter() - started) * 1000,
                extra={"request_id": request_id},
            )
            _current.reset(token)


class RequestIdLogFilter(logging.Filter):
    """Adds ``request_id`` to every log record (for the log format)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True


def log_config(level: str) -> dict[str, object]:
    """Logging for ``citypact serve``: uvicorn's own lines, and ours with the request id.

    uvicorn's access log is replaced by the middleware's, which knows the request id.
    """
    fmt = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdLogFilter}},
        "formatters": {
            "citypact": {"format": fmt},
            "uvicorn": {
                "()": "uvicorn.logging.DefaultFormatter",
                "fmt": "%(levelprefix)s %(message)s",
            },
        },
        "handlers": {
            "citypact": {
                "class": "logging.StreamHandler",
                "formatter": "citypact",
                "filters": ["request_id"],
                "stream": "ext://sys.stderr",
            },
            "uvicorn": {
                "class": "logging.StreamHandler",
                "formatter": "uvicorn",
                "stream": "ext://sys.stderr",
            },
        },
        "loggers": {
            "citypact": {"handlers": ["citypact"], "level": level.upper(), "propagate": False},
            "uvicorn": {"handlers": ["uvicorn"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
        },
    }
