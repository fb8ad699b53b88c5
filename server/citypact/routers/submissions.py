"""/api/validate and /api/submissions: curators' writes, validated with SHACL first."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from citypact import rdf_io
from citypact.curation.submissions import SubmissionMeta, SubmissionService, parse_upload
from citypact.publishing.negotiation import negotiate
from citypact.routers.api import slug_of
from citypact.routers.models import Ref, error_responses
from citypact.store.gate import in_thread
from citypact.store.port import Deadline
from citypact.validation.reports import report_to_dict
from citypact.validation.validator import ValidationReport

router = APIRouter(prefix="/api", tags=["submissions"])

UPLOAD_TYPES = (
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
)
REPORT_TYPES = ("application/json", "text/turtle", "application/ld+json")
RDF_BODY = {
    "content": {t: {"schema": {"type": "string"}} for t in UPLOAD_TYPES},
    "required": True,
    "description": "RDF triples to add",
}


def report_responses(status: int, *errors: int) -> dict[int | str, dict[str, Any]]:
    """Declared responses: the report (JSON summary, Turtle or JSON-LD) and the error bodies.

    A refused submission or retraction (422) answers with the report too, not an error body.
    """
    responses = error_responses(*errors, 429)
    report: dict[str, Any] = {t: {} for t in REPORT_TYPES if t != "application/json"}
    responses[status] = {"content": report}
    if 422 in errors:
        responses[422] = {
            "description": "Invalid parameters (an error body), or data that does not conform "
            "or may not be stored (the report)",
            "content": {"application/json": {}, **report},
        }
    return responses


Lang = Annotated[str, Query(pattern="^(en|id)$", description="Language of messages")]


class ValidationSummary(BaseModel):
    """A SHACL report in short."""

    conforms: bool
    violations: int
    warnings: int
    results: list[dict[str, Any]] = Field(default_factory=list)


class SubmissionPublic(BaseModel):
    """A stored submission."""

    iri: str
    id: str
    created: str
    triples: int
    creator: str | None = None
    note: str | None = None
    source: str | None = None


class SubmissionsPublic(BaseModel):
    """All submissions, newest first."""

    data: list[SubmissionPublic]
    count: int


def service(request: Request) -> SubmissionService:
    """The submission service of the running app."""
    return request.app.state.submissions  # type: ignore[no-any-return]


def _write_deadline(request: Request) -> Deadline:
    """The time a write may take (ten query timeouts, 300 s by default).

    Writes are awaited to their end, never abandoned by a timeout: an abandoned worker thread
    would still commit, after its client had been told it failed. The service itself refuses
    to commit once this deadline has passed (503, nothing stored).
    """
    return Deadline(request.app.state.settings.query_timeout * 10)


def require_token(request: Request) -> None:
    """Bearer-token check: 401 without a token, 403 with a wrong one or when writes are off.

    Every configured token is compared in constant time; tokens are never logged or echoed.
    """
    tokens = request.app.state.settings.tokens()
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise HTTPException(401, "a bearer token is required", {"WWW-Authenticate": "Bearer"})
    if not tokens:
        raise HTTPException(403, "writes are disabled on this server (no CITYPACT_WRITE_TOKENS)")
    supplied = given.strip().encode()
    ok = False
    for token in tokens:
        ok |= hmac.compare_digest(supplied, token.encode())
    if not ok:
        raise HTTPException(403, "the token is not valid for writes")


async def read_upload(request: Request):  # type: ignore[no-untyped-def]
    """Read and parse the RDF body: 415 for other types, 413 past the limit, 400 if broken."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in UPLOAD_TYPES:
        raise HTTPException(415, f"send RDF as one of: {', '.join(UPLOAD_TYPES)}")
    limit = request.app.state.settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the body is larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"the body is larger than {limit} bytes")
        chunks.append(chunk)
    body = b"".join(chunks)
    try:
        return await in_thread(parse_upload, body, media_type, timeout=60)
    except rdf_io.RdfInputError as err:
        where = f" at line {err.line}" if err.line else ""
        where += f", column {err.column}" if err.column and err.line else ""
        raise HTTPException(400, f"the RDF does not parse{where}: {err.message}") from None
    except (UnicodeDecodeError, ValueError) as err:
        raise HTTPException(400, f"the RDF does not parse: {err}") from None


def require_report_type(request: Request) -> None:
    """406 unless the client accepts one of REPORT_TYPES: checked before any work is done, so a
    write is never committed and then answered with an error."""
    if negotiate(request.headers.get("accept"), REPORT_TYPES) is None:
        raise HTTPException(406, f"supported types: {', '.join(REPORT_TYPES)}")


def report_response(
    request: Request,
    report: ValidationReport,
    lang: str,
    strict: bool,
    status: int,
    extra: dict | None = None,
) -> Response:
    """The report as a JSON summary, or the sh:ValidationReport in Turtle or JSON-LD."""
    chosen = negotiate(request.headers.get("accept"), REPORT_TYPES)
    if chosen is None:
        raise HTTPException(406, f"supported types: {', '.join(REPORT_TYPES)}")
    if chosen == "application/json":
        body = {**(extra or {}), **report_to_dict(report, lang, strict)}
        return JSONResponse(body, status, headers={"Vary": "Accept"})
    fmt = "turtle" if chosen == "text/turtle" else "json-ld"
    text = report.graph.serialize(format=fmt)
    headers = {"Vary": "Accept"}
    if extra and "iri" in extra:
        headers["Location"] = str(extra["iri"])
    return Response(text, status, media_type=chosen, headers=headers)


@router.post(
    "/validate",
    summary="Validate RDF as an addition to the graph, storing nothing",
    openapi_extra={"requestBody": RDF_BODY},
    response_model=ValidationSummary,
    dependencies=[Depends(require_report_type)],
    responses=report_responses(200, 400, 406, 413, 415, 422, 503),
)
async def validate(request: Request, lang: Lang = "en", strict: bool = False) -> Response:
    """The SHACL report of the body as new triples (incremental validation)."""
    additions = await read_upload(request)
    svc = service(request)
    report = await in_thread(svc.validate, additions, timeout=120)
    return report_response(request, report, lang, strict, 200)


@router.post(
    "/submissions",
    summary="Submit RDF: validated, then committed atomically as its own named graph",
    openapi_extra={"requestBody": RDF_BODY},
    dependencies=[Depends(require_token), Depends(require_report_type)],
    status_code=201,
    responses=report_responses(201, 400, 401, 403, 406, 413, 415, 422, 503, 507),
)
async def submit(
    request: Request,
    lang: Lang = "en",
    strict: bool = False,
    submitter: Annotated[str | None, Query(max_length=200)] = None,
    note: Annotated[str | None, Query(max_length=2000)] = None,
    source: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    """201 with the submission's IRI when it conforms (warnings allowed unless strict);
    422 with the report, and nothing stored, when it does not."""
    additions = await read_upload(request)
    svc = service(request)
    meta = SubmissionMeta(submitter=submitter, note=note, source=source)
    outcome = await run_in_threadpool(svc.submit, additions, meta, strict, _write_deadline(request))
    if not outcome.accepted:
        return report_response(request, outcome.report, lang, strict, 422)
    assert outcome.submission is not None
    extra = {
        "iri": outcome.submission,
        "id": slug_of(outcome.submission),
        "triples": outcome.triples,
    }
    response = report_response(request, outcome.report, lang, strict, 201, extra)
    response.headers["Location"] = f"/api/submissions/{extra['id']}"
    return response


def _public(row: dict[str, str]) -> SubmissionPublic:
    return SubmissionPublic(
        iri=row["submission"],
        id=row["identifier"],
        created=row["created"],
        triples=int(row["triples"]),
        creator=row.get("creator"),
        note=row.get("note"),
        source=row.get("source"),
    )


@router.get(
    "/submissions",
    response_model=SubmissionsPublic,
    summary="All submissions",
    responses=error_responses(429, 503),
)
async def list_submissions(request: Request) -> SubmissionsPublic:
    """Every accepted submission, newest first (queries/submissions.rq)."""
    rows = await in_thread(service(request).describe, timeout=30)
    data = [_public(r) for r in rows]
    return SubmissionsPublic(data=data, count=len(data))


@router.get(
    "/submissions/{ident}",
    summary="One submission: its metadata and triples",
    responses={
        **error_responses(404, 406, 429, 503),
        200: {
            "content": {
                "application/json": {},
                "text/turtle": {},
                "application/n-triples": {},
                "application/ld+json": {},
            }
        },
    },
)
async def get_submission(request: Request, ident: str) -> Response:
    """Metadata as JSON with the triples in Turtle (``triples_turtle``), or the triples alone
    when Turtle, N-Triples or JSON-LD is asked for."""
    svc = service(request)
    rows = await in_thread(svc.describe, ident, timeout=30)
    if not rows:
        raise HTTPException(404, f"no submission {ident!r}")
    graph = await in_thread(svc.triples, ident, timeout=60)
    offered = ("application/json", "text/turtle", "application/n-triples", "application/ld+json")
    chosen = negotiate(request.headers.get("accept"), offered)
    if chosen is None:
        raise HTTPException(406, f"supported types: {', '.join(offered)}")
    if chosen == "application/json":
        body = _public(rows[0]).model_dump(exclude_none=True)
        body["triples_turtle"] = graph.serialize(format="turtle")
        return JSONResponse(body, headers={"Vary": "Accept"})
    fmt = {
        "text/turtle": "turtle",
        "application/n-triples": "nt",
        "application/ld+json": "json-ld",
    }[chosen]
    return Response(graph.serialize(format=fmt), media_type=chosen, headers={"Vary": "Accept"})


@router.delete(
    "/submissions/{ident}",
    summary="Retract a submission, unless that would leave other data broken",
    dependencies=[Depends(require_token), Depends(require_report_type)],
    responses=report_responses(200, 401, 403, 404, 406, 422, 503, 507),
)
async def retract(request: Request, ident: str, lang: Lang = "en") -> Response:
    """200 with the report when retracted; 422 with the report when refused."""
    outcome = await run_in_threadpool(
        service(request).retract, ident, False, _write_deadline(request)
    )
    status = 200 if outcome.accepted else 422
    extra = {"iri": outcome.submission, "retracted": outcome.accepted, "triples": outcome.triples}
    return report_response(request, outcome.report, lang, False, status, extra)


_ = Ref
