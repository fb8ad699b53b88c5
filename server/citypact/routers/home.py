"""The home page (a later issue makes it rich) and the health check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..querying import in_thread

router = APIRouter(tags=["home"])

_HOME = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CityPact</title></head>
<body><header><h1>CityPact</h1></header>
<main>
<p>An open linked-data knowledge graph of city diplomacy: cities, the officials who act for
them, the agreements they sign and the commitments in those agreements.</p>
<ul>
<li><a href="/sparql">SPARQL endpoint</a></li>
<li><a href="/api/cities">Cities (JSON)</a></li>
<li><a href="/api/cities/jakarta/partners?sector=flood-management">
  Partners of Jakarta on flood management</a></li>
<li><a href="/api/agreements">Agreements</a></li>
<li><a href="/api/sectors">Sectors</a></li>
<li><a href="/docs">API documentation</a></li>
</ul>
</main></body></html>
"""


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def home() -> HTMLResponse:
    """The home page."""
    return HTMLResponse(_HOME)


@router.get("/health", summary="Health check: 200 when the store answers")
async def health(request: Request) -> dict[str, str]:
    """Answer 200 when the store answers a trivial query (503 otherwise)."""
    store = request.app.state.store
    await in_thread(store.ping, timeout=5)
    return {"status": "ok", "backend": store.kind}
