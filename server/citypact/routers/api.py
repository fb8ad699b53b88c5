"""/api: the REST API. Each endpoint validates its input, runs named queries from queries/
with parameters bound as RDF terms, and shapes the rows into a response model.

JSON by default (an envelope with ``data`` and ``count``); JSON-LD when asked for
``application/ld+json``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date as Date
from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from citypact import vocabulary
from citypact.namespaces import CP, ID
from citypact.publishing.negotiation import negotiate
from citypact.routers.api_context import JSONLD_CONTEXT
from citypact.routers.models import (
    AgreementDetail,
    AgreementPublic,
    AgreementsPublic,
    CitiesPublic,
    CityPublic,
    CommitmentPublic,
    OfficialPublic,
    OfficialsPublic,
    PartnerAgreement,
    PartnerPublic,
    PartnersPublic,
    Ref,
    SectorPublic,
    SectorsPublic,
    Signatory,
    SourceRef,
    error_responses,
)
from citypact.store.gate import in_thread
from citypact.store.port import WHOLE_GRAPH_RESULTS, QueryOptions, SelectResult, Term
from citypact.store.versioned_cache import data_version

router = APIRouter(prefix="/api", tags=["api"])

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, PathParam(pattern=SLUG_PATTERN, max_length=200, description="Entity slug")]
OptionalSlug = Annotated[str | None, Query(pattern=SLUG_PATTERN, max_length=200)]
Limit = Annotated[int, Query(ge=1, le=1000, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip")]
PLACE_KINDS = ("city", "region")
JSON_TYPES = ("application/json", "application/ld+json")
# Every endpoint may answer these: a result over the cap (400), an unacceptable Accept (406),
# invalid parameters (422), the rate limit (429), a busy, unreachable or slow store (503).
API_ERRORS = (400, 406, 422, 429, 503)


def api_responses(not_found: str | None = None) -> dict[int | str, dict[str, Any]]:
    """The declared responses of an endpoint: JSON or JSON-LD, and the error bodies."""
    codes = (*API_ERRORS, 404) if not_found else API_ERRORS
    responses = error_responses(*codes, descriptions={404: not_found} if not_found else None)
    responses[200] = {"content": {"application/ld+json": {}}}
    return responses


_WKT_POINT = re.compile(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)")


# --- helpers ---------------------------------------------------------------------------------


def slug_of(iri: str) -> str:
    """The slug of an entity: the last segment of its IRI (or its fragment)."""
    return re.split(r"[/#]", iri.rstrip("/"))[-1]


def _value(row: dict[str, Term], name: str) -> str | None:
    term = row.get(name)
    return term.value if term is not None else None


def _ref(row: dict[str, Term], iri_col: str, label_col: str) -> Ref | None:
    iri = _value(row, iri_col)
    return Ref(iri=iri, slug=slug_of(iri), label=_value(row, label_col)) if iri else None


def _place_candidates(slug: str) -> list[URIRef]:
    return [URIRef(f"{ID}{kind}/{slug}") for kind in PLACE_KINDS]


def _sector(slug: str | None) -> URIRef | None:
    if slug is None:
        return None
    iri = vocabulary.sectors().get(slug)
    if iri is None:
        raise HTTPException(404, f"no sector {slug!r}; see /api/sectors")
    return iri


async def run(request: Request, query: str, **bindings: Any) -> SelectResult:
    """Run a named query with bound parameters off the event loop."""
    settings = request.app.state.settings
    text = request.app.state.queries[query].bind(**bindings)
    options = QueryOptions(timeout=settings.query_timeout, max_results=settings.max_results)
    store = request.app.state.store
    return await in_thread(store.select, text, options, timeout=settings.query_timeout)


def respond(request: Request, model: BaseModel) -> JSONResponse:
    """JSON, or JSON-LD with a context when the client prefers ``application/ld+json``."""
    chosen = negotiate(request.headers.get("accept"), JSON_TYPES)
    if chosen is None:
        raise HTTPException(406, f"supported types: {', '.join(JSON_TYPES)}")
    body = model.model_dump(mode="json", exclude_none=True)
    if chosen == "application/ld+json":
        body = {"@context": JSONLD_CONTEXT, **body}
    return JSONResponse(body, media_type=chosen, headers={"Vary": "Accept"})


def _page(items: list[Any], limit: int, offset: int) -> list[Any]:
    return items[offset : offset + limit]


def _group(rows: list[dict[str, Term]], key: str) -> dict[str, list[dict[str, Term]]]:
    groups: dict[str, list[dict[str, Term]]] = {}
    for row in rows:
        value = _value(row, key)
        if value is not None:
            groups.setdefault(value, []).append(row)
    return groups


def _unique_refs(
    rows: list[dict[str, Term]],
    iri_col: str,
    label_col: str,
    key: Callable[[Ref], Any] | None = None,
) -> list[Ref]:
    seen: dict[str, Ref] = {}
    for row in rows:
        ref = _ref(row, iri_col, label_col)
        if ref is not None and ref.iri not in seen:
            seen[ref.iri] = ref
    refs = list(seen.values())
    return sorted(refs, key=key) if key else refs


def _DOC_TYPE_SLUGS() -> dict[str, str]:  # noqa: N802 - a cached constant
    return {str(iri): slug for slug, iri in vocabulary.document_types().items()}


# --- cities ----------------------------------------------------------------------------------


def _cities(result: SelectResult) -> list[CityPublic]:
    cities: list[CityPublic] = []
    for iri, rows in _group(result.rows, "place").items():
        first = rows[0]
        labels = {
            lang: value
            for lang, col in (("en", "label"), ("id", "labelId"), ("ms", "labelMs"))
            if (value := _value(first, col)) is not None
        }
        wkt = _value(first, "wkt")
        lon = lat = None
        if wkt and (m := _WKT_POINT.search(wkt)):
            lon, lat = float(m.group(1)), float(m.group(2))
        cities.append(
            CityPublic(
                iri=iri,
                slug=slug_of(iri),
                label=labels.get("en") or labels.get("id"),
                labels=labels,
                kinds=sorted({"cp:" + slug_of(_value(r, "kind") or "") for r in rows}),
                country=_ref(first, "country", "countryLabel"),
                wikidata=_value(first, "wikidata"),
                wkt=wkt,
                latitude=lat,
                longitude=lon,
            )
        )
    return cities


@router.get(
    "/cities",
    response_model=CitiesPublic,
    summary="Cities and regions",
    responses=api_responses(),
)
async def list_cities(request: Request, limit: Limit = 100, offset: Offset = 0) -> JSONResponse:
    """All cities and regions, by English label: a page of the index (queries/places_index.rq,
    kept per data version), described by queries/places.rq."""
    index = await cached_index(request, ("places_index",), "places_index", "place")
    page = index[offset : offset + limit]
    rows = await run(request, "places", place=[URIRef(i) for i in page]) if page else None
    found = {c.iri: c for c in _cities(rows)} if rows else {}
    data = [found[i] for i in page if i in found]
    return respond(request, CitiesPublic(data=data, count=len(index)))


async def cached_index(
    request: Request, key: tuple[object, ...], query: str, column: str, **bindings: Any
) -> list[str]:
    """The IRIs a named query lists (in its order), computed once per data version."""
    store = request.app.state.store
    settings = request.app.state.settings

    def compute() -> list[str]:
        text = request.app.state.queries[query].bind(**bindings)
        options = QueryOptions(timeout=settings.query_timeout, max_results=WHOLE_GRAPH_RESULTS)
        rows = store.select(text, options).rows
        return list(dict.fromkeys(r[column].value for r in rows if column in r))

    def lookup() -> list[str]:
        return request.app.state.cache.get(key, data_version(store), compute).value  # type: ignore[no-any-return]

    return await in_thread(lookup, timeout=settings.query_timeout)


@router.get(
    "/cities/{slug}",
    response_model=CityPublic,
    summary="One city or region",
    responses=api_responses("No such city"),
)
async def get_city(request: Request, slug: Slug) -> JSONResponse:
    """A city or region by slug (queries/places.rq)."""
    cities = _cities(await run(request, "places", place=_place_candidates(slug)))
    if not cities:
        raise HTTPException(404, f"no city or region {slug!r}")
    return respond(request, cities[0])


async def _resolve_place(request: Request, slug: str) -> URIRef:
    """The one place a slug names (a city or a region), or 404.

    Resolved before the real query: a VALUES block with every candidate kind's IRI leads
    Oxigraph to a plan that is several times slower than one IRI.
    """
    rows = (await run(request, "places", place=_place_candidates(slug))).rows
    iri = _value(rows[0], "place") if rows else None
    if iri is None:
        raise HTTPException(404, f"no city or region {slug!r}")
    return URIRef(iri)


@router.get(
    "/cities/{slug}/partners",
    response_model=PartnersPublic,
    summary="Partners of a city, optionally on one sector",
    responses=api_responses("No such city or sector"),
)
async def city_partners(
    request: Request,
    slug: Slug,
    sector: OptionalSlug = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> JSONResponse:
    """The partners a city cooperates with, with the agreements and sectors that link them
    (queries/partners_by_sector.rq; without a sector, partners with no dated agreement are
    added from queries/city_partners.rq)."""
    sector_iri = _sector(sector)
    city = await _resolve_place(request, slug)
    result = await run(request, "partners_by_sector", city=city, sector=sector_iri)
    partners: dict[str, PartnerPublic] = {}
    for key, rows in _group(result.rows, "partnership").items():
        partner = _ref(rows[0], "partner", "partnerLabel")
        assert partner is not None
        agreements = []
        for agreement_iri, agreement_rows in _group(rows, "agreement").items():
            first = agreement_rows[0]
            agreements.append(
                PartnerAgreement(
                    iri=agreement_iri,
                    slug=slug_of(agreement_iri),
                    label=_value(first, "agreementLabel"),
                    date=Date.fromisoformat(_value(first, "date") or ""),
                    document_type=_value(first, "documentType") or "",
                    sectors=_unique_refs(agreement_rows, "sector", "sectorLabel"),
                )
            )
        partners[key] = PartnerPublic(partner=partner, partnership=key, agreements=agreements)
    if sector_iri is None:
        extra = await run(request, "city_partners", city=city)
        for row in extra.rows:
            key = _value(row, "partnership") or ""
            partner = _ref(row, "partner", "partnerLabel")
            if key not in partners and partner is not None:
                partners[key] = PartnerPublic(partner=partner, partnership=key)
    data = sorted(partners.values(), key=lambda p: (p.partner.label or "", p.partnership))
    return respond(request, PartnersPublic(data=_page(data, limit, offset), count=len(data)))


# --- agreements ------------------------------------------------------------------------------


def _agreements(result: SelectResult) -> list[AgreementPublic]:
    out = []
    for iri, rows in _group(result.rows, "agreement").items():
        first = rows[0]
        document_type = _ref(first, "type", "typeLabel")
        assert document_type is not None
        document_type.slug = _DOC_TYPE_SLUGS().get(document_type.iri, document_type.slug)
        out.append(
            AgreementPublic(
                iri=iri,
                slug=slug_of(iri),
                label=_value(first, "label"),
                date=Date.fromisoformat(_value(first, "date") or ""),
                document_type=document_type,
                partnership=_value(first, "partnership"),
                signed_in=_ref(first, "signedIn", "signedInLabel"),
                parties=_unique_refs(rows, "party", "partyLabel", key=lambda r: r.label or ""),
                sectors=_unique_refs(
                    rows, "commitmentSector", "sectorLabel", key=lambda r: r.label or ""
                ),
            )
        )
    return out


@router.get(
    "/agreements",
    response_model=AgreementsPublic,
    summary="Agreements, filtered by city, sector, year and document type",
    responses=api_responses("Unknown city, sector or document type"),
)
async def list_agreements(
    request: Request,
    city: OptionalSlug = None,
    sector: OptionalSlug = None,
    year: Annotated[int | None, Query(ge=1000, le=9999)] = None,
    type: OptionalSlug = None,  # noqa: A002 - the documented parameter name
    limit: Limit = 100,
    offset: Offset = 0,
) -> JSONResponse:
    """Agreements in date order (queries/agreements.rq)."""
    type_iri = None
    if type is not None:
        type_iri = vocabulary.document_types().get(type)
        if type_iri is None:
            known = ", ".join(sorted(vocabulary.document_types()))
            raise HTTPException(404, f"no document type {type!r}; known: {known}")
    bindings: dict[str, Any] = {
        "sector": _sector(sector),
        "type": type_iri,
        "year": Literal(year, datatype=XSD.integer) if year is not None else None,
        "city": await _resolve_place(request, city) if city else None,
    }
    key = ("agreements_index", *(str(v) for v in bindings.values()))
    index = await cached_index(request, key, "agreements_index", "agreement", **bindings)
    page = index[offset : offset + limit]
    rows = await run(request, "agreements", agreement=[URIRef(i) for i in page]) if page else None
    found = {a.iri: a for a in _agreements(rows)} if rows else {}
    data = [found[i] for i in page if i in found]
    return respond(request, AgreementsPublic(data=data, count=len(index)))


@router.get(
    "/agreements/{slug}",
    response_model=AgreementDetail,
    summary="One agreement with signatories and sourced commitments",
    responses=api_responses("No such agreement"),
)
async def get_agreement(request: Request, slug: Slug) -> JSONResponse:
    """An agreement (queries/agreements.rq, agreement_signatories.rq, agreement_sectors.rq)."""
    iri = URIRef(f"{ID}agreement/{slug}")
    found = _agreements(await run(request, "agreements", agreement=iri))
    if not found:
        raise HTTPException(404, f"no agreement {slug!r}")
    signatories = [
        Signatory(
            person=_ref(row, "signatory", "signatoryLabel"),
            post=_ref(row, "post", "postLabel"),
            party=_ref(row, "party", "partyLabel"),
        )
        for row in (await run(request, "agreement_signatories", agreement=iri)).rows
    ]
    commitments = []
    for sector_iri, rows in _group(
        (await run(request, "agreement_sectors", agreement=iri)).rows, "sector"
    ).items():
        sources = [
            SourceRef(**ref.model_dump(), account_of=_value(row, "accountOf"))
            for row in rows
            if (ref := _ref(row, "source", "sourceLabel")) is not None
        ]
        commitments.append(
            CommitmentPublic(
                sector=Ref(
                    iri=sector_iri, slug=slug_of(sector_iri), label=_value(rows[0], "sectorLabel")
                ),
                status=_value(rows[0], "status"),
                sources=sources,
            )
        )
    detail = AgreementDetail(
        **found[0].model_dump(), signatories=signatories, commitments=commitments
    )
    return respond(request, detail)


# --- officials and sectors -------------------------------------------------------------------


@router.get(
    "/officials",
    response_model=OfficialsPublic,
    summary="Who held posts on a date, optionally in one city's government",
    responses=api_responses("No such city"),
)
async def list_officials(
    request: Request, city: OptionalSlug = None, date: Date | None = None
) -> JSONResponse:
    """Post holders on a date, today by default (queries/post_holders_on_date.rq)."""
    on = date or Date.today()
    place = await _resolve_place(request, city) if city else None
    result = await run(
        request,
        "post_holders_on_date",
        date=Literal(on.isoformat(), datatype=XSD.date),
        place=place,
    )
    officials = [
        OfficialPublic(
            person=_ref(row, "person", "personLabel"),
            post=_ref(row, "post", "postLabel"),
            government=_value(row, "government") or "",
            start=_value(row, "start"),
            end=_value(row, "end"),
        )
        for row in result.rows
    ]
    return respond(request, OfficialsPublic(data=officials, count=len(officials), date=on))


@router.get(
    "/sectors",
    response_model=SectorsPublic,
    summary="The sector scheme",
    responses=api_responses(),
)
async def list_sectors(request: Request) -> JSONResponse:
    """Every sector with labels, broader sector, SDG matches and commitment count
    (queries/sectors.rq)."""
    sectors = []
    for row in (await run(request, "sectors")).rows:
        iri = _value(row, "sector") or ""
        labels = {
            lang: value
            for lang, col in (("en", "label"), ("id", "labelId"), ("ms", "labelMs"))
            if (value := _value(row, col)) is not None
        }
        sectors.append(
            SectorPublic(
                iri=iri,
                slug=_value(row, "notation") or slug_of(iri),
                label=labels.get("en"),
                labels=labels,
                broader=_value(row, "broader"),
                sdgs=(_value(row, "sdg") or "").split(),
                commitments=int(_value(row, "commitments") or 0),
            )
        )
    return respond(request, SectorsPublic(data=sectors, count=len(sectors)))


_ = (ox, CP)  # re-exported names used in type hints
