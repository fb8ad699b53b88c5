"""The example questions' answers (``/questions/{name}``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from citypact.routers.home_pages import not_found
from citypact.web.page_layout import page, site_of
from citypact.web.page_queries import render
from citypact.web.questions import build_question, example_bindings, is_select

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/questions/{name}", response_class=HTMLResponse)
async def question(request: Request, name: str) -> HTMLResponse:
    """One example question of the home page, answered about Jakarta."""
    registry = request.app.state.queries
    if name not in registry or example_bindings(registry[name]) is None:
        return not_found(request, f"There is no example question named {name!r}.")
    query = registry[name]
    if not is_select(query):
        return not_found(request, f"{name} is not a question with a table for an answer.")
    body = await render(request, build_question, request.app, site_of(request), query)
    return page(request, query.question, body)
