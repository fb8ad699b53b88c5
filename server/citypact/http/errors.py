"""Error answers: one JSON body for every error, and the handlers that produce it."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from citypact.http.request_ids import REQUEST_ID_HEADER, request_id_of
from citypact.store.port import StoreError

log = logging.getLogger("citypact")


def error_body(status: int, message: str) -> dict[str, object]:
    """The JSON body of every error answer."""
    return {"error": {"status": status, "message": message}}


def wants_html(request: Request) -> bool:
    """Whether the client is a browser asking for a page: text/html named in its Accept header
    with a higher weight than JSON (``*/*`` alone, as curl sends, keeps JSON)."""
    weights: dict[str, float] = {}
    for part in request.headers.get("accept", "").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        weights[media.lower()] = max(q, weights.get(media.lower(), 0.0))
    return weights.get("text/html", 0.0) > weights.get("application/json", 0.0)


def add_error_handlers(app: FastAPI) -> None:
    """Answer store errors, HTTP errors, invalid requests and crashes with :func:`error_body`.

    A crash answers 500 naming its request id, never a trace or a path.
    """

    @app.exception_handler(StoreError)
    async def store_error(_request: Request, err: StoreError) -> JSONResponse:
        headers = {"Retry-After": "5"} if err.status == 503 else None
        return JSONResponse(error_body(err.status, str(err)), err.status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, err: StarletteHTTPException) -> Response:
        html = getattr(request.app.state, "html_error", None)
        if html is not None and wants_html(request):
            return html(request, err.status_code, str(err.detail), err.headers)  # type: ignore[no-any-return]
        return JSONResponse(
            error_body(err.status_code, str(err.detail)), err.status_code, headers=err.headers
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, err: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p not in ('query', 'path'))}: "
            f"{e.get('msg')}"
            for e in err.errors()
        )
        return JSONResponse(error_body(422, problems or "invalid request"), 422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, err: Exception) -> JSONResponse:
        # Runs outside the request-id middleware: read the id from the request's scope.
        request_id = request_id_of(request.scope)
        log.error("unexpected error", exc_info=err, extra={"request_id": request_id})
        message = f"internal error (request id {request_id})"
        return JSONResponse(error_body(500, message), 500, headers={REQUEST_ID_HEADER: request_id})
