"""From news to triples over HTTP: ``POST /api/extract`` (JSON) and the review page ``/review``
(paste an article, accept or reject each proposed statement, submit the accepted ones through
the validated submission path). Server-rendered; no JavaScript."""

from __future__ import annotations

import hmac
import re
import urllib.parse
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from rdflib import URIRef
from starlette.concurrency import run_in_threadpool

from citypact.curation.submissions import SubmissionMeta, SubmissionService
from citypact.extraction.proposal import short
from citypact.extraction.service import Extracted, extract_article
from citypact.publishing.html_pages import esc
from citypact.routers.models import error_responses
from citypact.web.page_layout import page, section

router = APIRouter(tags=["extraction"])
TEXT_TYPES = ("text/plain", "text/html", "application/xhtml+xml")
LangParam = Annotated[str | None, Query(pattern="^(id|ms|en)$", description="Article language")]
DateParam = Annotated[date | None, Query(description="The article's date (YYYY-MM-DD)")]
# An http(s) URL that is also an IRI: it becomes the source's schema:url.
_URL = re.compile(r"https?://[^\s<>\"{}|\\^`]{1,2000}")
UrlParam = Annotated[
    str | None,
    Query(
        pattern=f"^{_URL.pattern}$",
        description="Where the article was published (its date and publisher may follow)",
    ),
]


def _service(request: Request) -> SubmissionService:
    return request.app.state.submissions  # type: ignore[no-any-return]


async def _read_limited(request: Request) -> bytes:
    limit = request.app.state.settings.max_body_bytes
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"the body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def _extract(
    request: Request,
    raw: str,
    lang: str | None,
    article_date: date | None,
    url: str | None = None,
) -> Extracted:
    service = _service(request)
    return await run_in_threadpool(
        lambda: extract_article(
            raw, service.store, lang=lang, article_date=article_date, url=url, service=service
        )
    )


@router.post(
    "/api/extract",
    summary="Propose graph additions from a news article",
    responses=error_responses(400, 413, 415, 422, 429, 503),
    openapi_extra={
        "requestBody": {
            "content": {t: {"schema": {"type": "string"}} for t in TEXT_TYPES},
            "required": True,
            "description": "The article, as plain text or HTML",
        }
    },
)
async def api_extract(
    request: Request, lang: LangParam = None, date: DateParam = None, url: UrlParam = None
) -> JSONResponse:
    """The proposed statements (kind, subject/predicate/object, evidence sentence and its
    offsets in ``article.text``, new entities), the validation summary and the Turtle."""
    media_type = request.headers.get("content-type", "text/plain").split(";")[0].strip().lower()
    if media_type not in TEXT_TYPES:
        raise HTTPException(415, f"send the article as one of: {', '.join(TEXT_TYPES)}")
    body = await _read_limited(request)
    try:
        raw = body.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "the article is not UTF-8 text") from None
    if not raw.strip():
        raise HTTPException(400, "the article is empty")
    done = await _extract(request, raw, lang, date, url)
    return JSONResponse(done.to_json())


# --- the review page ------------------------------------------------------------------------


async def _form(request: Request) -> dict[str, list[str]]:
    body = await _read_limited(request)
    return urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)


def _first(form: dict[str, list[str]], name: str) -> str:
    return (form.get(name) or [""])[0]


def _options(
    form_lang: str, form_date: str, form_url: str = ""
) -> tuple[str | None, date | None, str | None]:
    lang = form_lang if form_lang in ("id", "ms", "en") else None
    try:
        day = date.fromisoformat(form_date) if form_date else None
    except ValueError:
        raise HTTPException(422, "date: expected YYYY-MM-DD") from None
    url = form_url.strip() or None
    if url is not None and not _URL.fullmatch(url):
        raise HTTPException(422, "url: expected an http(s) address")
    return lang, day, url


def _paste_form(article: str = "", lang: str = "", day: str = "", url: str = "") -> str:
    choices = "".join(
        f'<option value="{v}"{" selected" if v == lang else ""}>{t}</option>'
        for v, t in (("", "detect"), ("id", "Indonesian"), ("ms", "Malay"), ("en", "English"))
    )
    return (
        '<form method="post" action="/review" class="review-paste">'
        '<p><label for="article">Article (plain text or HTML)</label><br>'
        f'<textarea id="article" name="article" rows="14" required>{esc(article)}</textarea></p>'
        f'<p><label for="lang">Language</label> <select id="lang" name="lang">{choices}</select> '
        f'<label for="date">Article date</label> <input id="date" name="date" type="date" '
        f'value="{esc(day)}"></p>'
        '<p><label for="url">Published at (URL)</label> <input id="url" name="url" type="url" '
        f'size="60" value="{esc(url)}"></p>'
        '<p><button type="submit">Propose statements</button></p></form>'
    )


@router.get("/review", response_class=HTMLResponse, include_in_schema=False)
async def review_form(request: Request) -> HTMLResponse:
    """Paste an article to have its statements proposed."""
    intro = (
        "Paste a news article about a city partnership. CityPact proposes the statements it "
        "finds, each with the sentence it comes from; accept or reject each, then submit the "
        "accepted ones (a write token is needed)."
    )
    return page(
        request, "Review an article", f"<h1>Review an article</h1><p>{intro}</p>{_paste_form()}"
    )


def _object_html(st: Any) -> str:
    value = str(st.object)
    return esc(short(st.object) if value.startswith("https://w3id.org/citypact/") else value)


# A statement's standing against the graph (extraction/events.py).
_STANDING = {
    "existing": (
        ' <span class="existing">already in the graph: this article becomes a new source</span>'
    ),
    "conflict": (
        ' <span class="conflict">the graph says otherwise: a claim of this article</span>'
    ),
}


def _matched_html(done: Extracted) -> str:
    """Which agreement of the graph the article reports, if any (event resolution)."""
    matched = {st.matches for st in done.proposal.statements if st.matches}
    if not matched:
        return "<p>No agreement of the graph matches: the agreement is new.</p>"
    (iri,) = matched
    counts = {s: sum(1 for st in done.proposal.statements if st.status == s) for s in _STATUSES}
    link = f'<a href="{esc(iri)}">{esc(short(URIRef(iri)))}</a>'
    return (
        f'<p class="matches">This article reports {link}, which the graph holds: '
        f"{counts['new']} new statement(s), {counts['existing']} already stated (new "
        f"citations), {counts['conflict']} conflicting (claims).</p>"
    )


_STATUSES = ("new", "existing", "conflict")


def _statement_rows(done: Extracted, accepted: set[str] | None = None) -> str:
    items = []
    for st in done.proposal.statements:
        checked = " checked" if accepted is None or st.id in accepted else ""
        new = ' <span class="new-entity">new</span>' if st.new else ""
        new += _STANDING.get(st.status, "")
        items.append(
            f'<li class="proposed"><label><input type="checkbox" name="accept" value="{esc(st.id)}"'
            f"{checked}> <strong>{esc(st.kind)}</strong>: {esc(short(st.subject))} "
            f"<code>{esc(short(st.predicate))}</code> {_object_html(st)}{new}</label>"
            f"<blockquote><mark>{esc(st.evidence.text)}</mark></blockquote></li>"
        )
    return f'<ol class="proposals">{"".join(items)}</ol>'


def _report_html(done: Extracted) -> str:
    summary = done.summary()
    lines = [
        f"<p>Validation of the whole proposal: {summary['violations']} violation(s), "
        f"{summary['warnings']} warning(s).</p>"
    ]
    problems = [r for r in summary.get("results", []) if r["severity"] == "Violation"]
    if problems or done.refused:
        items = "".join(f"<li>{esc(r['focus_node'])}: {esc(r['message'])}</li>" for r in problems)
        if done.refused:
            items += f"<li>{esc(done.refused)}</li>"
        lines.append(f'<ul class="notice">{items}</ul>')
    return "".join(lines)


@router.post("/review", response_class=HTMLResponse, include_in_schema=False)
async def review_proposals(request: Request) -> HTMLResponse:
    """The proposed statements of the pasted article, to accept or reject."""
    form = await _form(request)
    article, form_lang, form_date, form_url = (
        _first(form, "article"),
        _first(form, "lang"),
        _first(form, "date"),
        _first(form, "url"),
    )
    if not article.strip():
        body = '<h1>Review an article</h1><p class="notice">Paste an article first.</p>'
        return page(request, "Review an article", body + _paste_form(), status=400)
    lang, day, url = _options(form_lang, form_date, form_url)
    done = await _extract(request, article, lang, day, url)
    x = done.extraction
    meta = (
        f"<p>Language: {esc(x.lang)}; title: {esc(x.article.title or '–')}; outlet: "
        f"{esc(x.article.outlet or '–')}; date: {esc(x.article.date or '–')}.</p>"
    )
    hidden = "".join(
        f'<input type="hidden" name="{n}" value="{esc(v)}">'
        for n, v in (
            ("article", article),
            ("lang", form_lang),
            ("date", form_date),
            ("url", form_url),
        )
    )
    body = (
        f"<h1>Proposed statements</h1>{meta}{_matched_html(done)}{_report_html(done)}"
        '<form method="post" action="/review/submit">'
        f"{hidden}{_statement_rows(done)}"
        '<p><label for="token">Write token</label> '
        '<input id="token" name="token" type="password" autocomplete="off" required> '
        '<label for="note">Note</label> <input id="note" name="note" type="text"></p>'
        '<p><button type="submit">Submit the accepted statements</button></p></form>'
    )
    return page(request, "Proposed statements", body)


def _token_ok(request: Request, given: str) -> bool:
    """Constant-time comparison with every configured write token."""
    ok = False
    for token in request.app.state.settings.tokens():
        ok |= hmac.compare_digest(given.strip().encode(), token.encode())
    return ok and bool(given.strip())


@router.post("/review/submit", response_class=HTMLResponse, include_in_schema=False)
async def review_submit(request: Request) -> HTMLResponse:
    """Submit the accepted statements through the validated submission path."""
    form = await _form(request)
    article = _first(form, "article")
    accepted = set(form.get("accept", []))
    if not _token_ok(request, _first(form, "token")):
        body = '<h1>Not submitted</h1><p class="notice">The write token is not valid.</p>'
        return page(request, "Not submitted", body, status=403)
    if not article.strip() or not accepted:
        body = '<h1>Not submitted</h1><p class="notice">No statement was accepted.</p>'
        return page(request, "Not submitted", body, status=400)
    lang, day, url = _options(_first(form, "lang"), _first(form, "date"), _first(form, "url"))
    done = await _extract(request, article, lang, day, url)
    graph = done.proposal.graph(accepted)
    meta = SubmissionMeta(
        submitter="review page",
        note=_first(form, "note")
        or f"extracted from: {done.extraction.article.title or 'article'}",
        source=done.extraction.article.url,
    )
    service = _service(request)
    try:
        outcome = await run_in_threadpool(service.submit, graph, meta)
    except Exception as err:  # noqa: BLE001 - refused submissions are shown, not raised
        status = getattr(err, "status", 500)
        body = f'<h1>Not submitted</h1><p class="notice">{esc(err)}</p>'
        return page(request, "Not submitted", body, status=status if status < 500 else 500)
    if not outcome.accepted:
        problems = "".join(
            f"<li>{esc(r.focus_node)}: {esc(r.message())}</li>" for r in outcome.report.violations
        )
        body = (
            "<h1>Not submitted</h1><p>The accepted statements do not conform to the shapes "
            f'(nothing was stored):</p><ul class="notice">{problems}</ul>'
        )
        return page(request, "Not submitted", body, status=422)
    ident = str(outcome.submission).rsplit("/", 1)[-1]
    body = section(
        "submitted",
        "Submitted",
        f'<p>Stored as submission <a href="/api/submissions/{esc(ident)}">{esc(ident)}</a> '
        f"({outcome.triples} triples from {len(accepted)} accepted statement(s)).</p>",
    )
    return page(request, "Submitted", f"<h1>Submitted</h1>{body}", status=201)
