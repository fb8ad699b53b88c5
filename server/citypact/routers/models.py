"""Response models of the REST API, one family per resource."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date as Date
from typing import Any

from pydantic import BaseModel, Field


class Ref(BaseModel):
    """A linked entity: its IRI, slug and English label."""

    iri: str
    slug: str
    label: str | None = None


class CityPublic(BaseModel):
    """A city or region."""

    iri: str
    slug: str
    label: str | None = None
    labels: dict[str, str] = Field(default_factory=dict, description="Labels by language")
    kinds: list[str] = Field(default_factory=list, description="cp:City, cp:Province, ...")
    country: Ref | None = None
    wikidata: str | None = None
    wkt: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class CitiesPublic(BaseModel):
    """A page of cities."""

    data: list[CityPublic]
    count: int = Field(description="Number of matches before paging")


class PartnerAgreement(BaseModel):
    """An agreement linking a city with a partner, and the sectors it names."""

    iri: str
    slug: str
    label: str | None = None
    date: Date
    document_type: str
    sectors: list[Ref] = Field(default_factory=list)


class PartnerPublic(BaseModel):
    """A partner of a city, through one partnership."""

    partner: Ref
    partnership: str
    agreements: list[PartnerAgreement] = Field(default_factory=list)


class PartnersPublic(BaseModel):
    """The partners of a city."""

    data: list[PartnerPublic]
    count: int


class AgreementPublic(BaseModel):
    """An agreement with its parties and sectors."""

    iri: str
    slug: str
    label: str | None = None
    date: Date
    document_type: Ref
    partnership: str | None = None
    signed_in: Ref | None = None
    parties: list[Ref] = Field(default_factory=list)
    sectors: list[Ref] = Field(default_factory=list)


class AgreementsPublic(BaseModel):
    """A page of agreements."""

    data: list[AgreementPublic]
    count: int


class Signatory(BaseModel):
    """Who signed, for which party, in which post."""

    person: Ref
    post: Ref | None = None
    party: Ref


class SourceRef(Ref):
    """A source, and whose side's account it gives."""

    account_of: str | None = None


class CommitmentPublic(BaseModel):
    """One sector of an agreement and the sources that state it."""

    sector: Ref
    status: str | None = None
    sources: list[SourceRef] = Field(default_factory=list)


class AgreementDetail(AgreementPublic):
    """An agreement with its signatories and sourced commitments."""

    signatories: list[Signatory] = Field(default_factory=list)
    commitments: list[CommitmentPublic] = Field(default_factory=list)


class OfficialPublic(BaseModel):
    """A person holding a post on the asked date."""

    person: Ref
    post: Ref
    government: str
    start: Date | None = None
    end: Date | None = None


class OfficialsPublic(BaseModel):
    """Officials on a date."""

    data: list[OfficialPublic]
    count: int
    date: Date


class SectorPublic(BaseModel):
    """A sector of the scheme."""

    iri: str
    slug: str
    label: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    broader: str | None = None
    sdgs: list[str] = Field(default_factory=list)
    commitments: int = 0


class SectorsPublic(BaseModel):
    """All sectors."""

    data: list[SectorPublic]
    count: int


class ErrorDetail(BaseModel):
    """What went wrong: the HTTP status again, and a message for people."""

    status: int
    message: str


class ErrorResponse(BaseModel):
    """The body of every error answer (4xx and 5xx)."""

    error: ErrorDetail


ERROR_DESCRIPTIONS = {
    304: "Not modified (conditional GET)",
    400: "Bad request: the input does not parse or is not allowed",
    401: "A bearer token is required",
    403: "The token may not write, or writes are off",
    404: "Not found",
    406: "No acceptable representation",
    413: "The body is too large",
    415: "Unsupported media type",
    422: "Invalid parameters, or data that may not be stored",
    429: "Too many requests (see Retry-After)",
    501: "Not available on this backend",
    503: "The store is busy, unreachable or timed out (see Retry-After)",
    507: "The disk holding the store is full",
}


def error_responses(
    *codes: int, descriptions: dict[int, str] | None = None
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for error statuses, each with the JSON error body (304: no body).

    Declaring 422 this way also replaces FastAPI's default validation-error schema, which the
    app's handler does not use.
    """
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        description = (descriptions or {}).get(code) or ERROR_DESCRIPTIONS.get(code, "Error")
        out[code] = (
            {"description": description}
            if code == 304
            else {
                "description": description,
                "model": ErrorResponse,
            }
        )
    return out


def content_responses(
    media_types: Iterable[str], description: str = "Successful answer"
) -> dict[int | str, dict[str, Any]]:
    """An OpenAPI 200 response offering several media types (bodies not described further)."""
    return {200: {"description": description, "content": {t: {} for t in media_types}}}
