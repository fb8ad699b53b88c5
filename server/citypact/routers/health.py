"""The health check. (The home page is in citypact.routers.home_pages.)"""

from __future__ import annotations

from fastapi import APIRouter, Request

from citypact.store.gate import in_thread

router = APIRouter(tags=["home"])


@router.get("/health", summary="Health check: 200 when the store answers")
async def health(request: Request) -> dict[str, str]:
    """Answer 200 when the store answers a trivial query (503 otherwise)."""
    store = request.app.state.store
    await in_thread(store.ping, timeout=5)
    return {"status": "ok", "backend": store.kind}
