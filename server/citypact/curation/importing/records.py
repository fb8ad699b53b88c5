"""The neutral records that readers produce and the mapper turns into RDF.

A reader (Wikidata results, a CSV table) says *what* a source states about a partnership; it
knows nothing of our IRIs. Reconciling and minting IRIs is the mapper's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal as TypingLiteral

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

Precision = TypingLiteral["day", "year"]
_QID = re.compile(r"^Q[1-9][0-9]*$")
_QID_IN_TEXT = re.compile(
    r"^(?:wd:|https?://(?:www\.)?wikidata\.org/(?:entity|wiki)/)?(Q[1-9][0-9]*)$", re.IGNORECASE
)
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"


def parse_qid(text: str) -> str | None:
    """``Q3630`` from ``Q3630``, ``wd:Q3630`` or a Wikidata entity or page URL; None otherwise."""
    match = _QID_IN_TEXT.match(text.strip())
    return match.group(1).upper() if match else None


def is_qid(text: str) -> bool:
    """Whether ``text`` is a bare Wikidata item id such as ``Q3630``."""
    return bool(_QID.match(text))


@dataclass(frozen=True, order=True)
class DateValue:
    """A date known to the day or only to the year (then ``value`` is 1 January)."""

    value: date
    precision: Precision = "day"

    @classmethod
    def of_year(cls, year: int) -> DateValue:
        """A year-precision value."""
        return cls(date(year, 1, 1), "year")

    @property
    def year(self) -> int:
        """The year."""
        return self.value.year

    def literal(self) -> Literal:
        """``xsd:date`` for a day, ``xsd:gYear`` for a year."""
        if self.precision == "day":
            return Literal(self.value.isoformat(), datatype=XSD.date)
        return Literal(f"{self.year:04d}", datatype=XSD.gYear)

    def agrees_with(self, other: DateValue) -> bool:
        """Equal at the coarser of the two precisions (1984 agrees with 1984-07-01)."""
        if self.precision == "year" or other.precision == "year":
            return self.year == other.year
        return self.value == other.value

    def __str__(self) -> str:
        return self.value.isoformat() if self.precision == "day" else f"{self.year:04d}"


@dataclass
class CountryInput:
    """A country as a source names it."""

    labels: dict[str, str]
    """Language code → label (``en``, ``id``, ``ms``; others are ignored)."""
    wikidata: str | None = None
    """Wikidata item id (``Q252``), when the source gives one."""

    @property
    def name(self) -> str:
        """The name to show: English first."""
        return _name(self.labels, self.wikidata)


@dataclass
class PlaceInput:
    """A city or region as a source names it."""

    labels: dict[str, str]
    wikidata: str | None = None
    country: CountryInput | None = None
    wkt: str | None = None
    """``POINT(longitude latitude)``, when the source gives coordinates."""

    @property
    def name(self) -> str:
        """The name to show: English first."""
        return _name(self.labels, self.wikidata)


@dataclass
class SourceInput:
    """A web page that states the partnership (a Wikidata statement, a reference URL)."""

    url: str
    label: str
    """An English label (used as the title of Wikidata statement pages)."""
    kind: TypingLiteral["wikidata", "web"] = "web"
    slug: str | None = None
    """The preferred slug of a new source IRI (otherwise derived from the URL)."""
    cites: tuple[str, ...] = ()
    """URLs of the sources this one cites (a Wikidata statement's reference URLs)."""


@dataclass
class AgreementInput:
    """A signed document with its date and the sectors it commits the parties to."""

    document_type: URIRef
    date: date
    sectors: tuple[URIRef, ...] = ()


@dataclass
class PartnershipInput:
    """What one source record states: two places in partnership, since when, on which sources."""

    where: str
    """Where it was read, for messages: ``file.csv: row 4``."""
    city: PlaceInput
    partner: PlaceInput
    partnership_type: URIRef
    sources: list[SourceInput] = field(default_factory=list)
    start: DateValue | None = None
    end: DateValue | None = None
    agreement: AgreementInput | None = None
    comment: str | None = None
    """An English note stored on a new partnership (rdfs:comment)."""


@dataclass(frozen=True)
class Problem:
    """A record that cannot be mapped, and why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def _name(labels: dict[str, str], wikidata: str | None) -> str:
    for lang in ("en", "id", "ms"):
        if labels.get(lang):
            return labels[lang]
    for label in labels.values():
        if label:
            return label
    return wikidata or "(unnamed)"
