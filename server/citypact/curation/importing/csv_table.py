"""Reading a sister-city table (CSV) into records, with each bad row's number and reason.

The columns follow the open-data sister-city tables that city governments publish (Seoul's:
country/city, agreement type, field, year), one partnership per row:

========================  ==================================================================
column                    value
========================  ==================================================================
city, country             the local side (names in any language, matched case-insensitively)
partner, partner_country  the partner place and its country
agreement_type            a document type (``letter-of-intent``, ``LOI``, ``MoU``, ``Nota
                          Kesepahaman``, ``proclamation``, ...) or a partnership type
                          (``sister city``, ``friendship city``, ``cooperation``); a document
                          type other than a sister-city agreement gives a partnership of
                          unspecified kind
date                      ``YYYY-MM-DD``: the agreement's date (the row makes a cp:Agreement)
year                      ``YYYY``: when only the year is known (cp:startYear)
sectors                   sector slugs or labels (en, id, ms), separated by ``;`` (may be empty)
source_url                the web page that states it (http or https)
city_wikidata,            optional Wikidata item ids (``Q3630``) of the two places
partner_wikidata
========================  ==================================================================

A header that lacks a column makes the whole file unreadable (:class:`CsvInputError`); a row
that cannot be mapped (a missing value or field, an unknown sector or agreement type, a date
that does not parse) becomes a :class:`~.records.Problem` naming its row (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from citypact import vocabulary
from citypact.curation.importing.records import (
    AgreementInput,
    CountryInput,
    DateValue,
    PartnershipInput,
    PlaceInput,
    Problem,
    SourceInput,
    parse_qid,
)
from citypact.namespaces import CP, SECTOR_SCHEME

REQUIRED_COLUMNS = (
    "city",
    "country",
    "partner",
    "partner_country",
    "agreement_type",
    "sectors",
    "source_url",
)
DATE_COLUMNS = ("date", "year")
OPTIONAL_COLUMNS = ("city_wikidata", "partner_wikidata")
COLUMNS = REQUIRED_COLUMNS[:5] + DATE_COLUMNS + REQUIRED_COLUMNS[5:] + OPTIONAL_COLUMNS
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")
_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")

# Names the vocabularies do not carry: the Korean terms of Seoul's table and common variants.
_EXTRA_AGREEMENT_TYPES = {
    "자매도시": CP.SisterCity,
    "우호도시": CP.FriendshipCity,
    "우호협력도시": CP.FriendshipCity,
    "sister cities": CP.SisterCity,
    "twin cities": CP.SisterCity,
    "twinning": CP.SisterCity,
    "friendship": CP.FriendshipCity,
    "memorandum of agreement": CP.MemorandumOfUnderstanding,
    "nota kesepakatan": CP.MemorandumOfUnderstanding,
    "memorandum persefahaman": CP.MemorandumOfUnderstanding,
    "agreement": CP.UnspecifiedAgreement,
}


class CsvInputError(Exception):
    """A table that cannot be read at all (missing file, not UTF-8, header without a column)."""

    def __init__(self, source: str, message: str, row: int | None = None) -> None:
        self.source = source
        self.message = message
        self.row = row
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source + (f": row {self.row}" if self.row is not None else "")
        return f"{where}: {self.message}"


@dataclass
class TableRead:
    """The records of the rows that could be read, and the problems of the others."""

    records: list[PartnershipInput] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows: int = 0


def normalise(text: str) -> str:
    """Lower case, hyphens and underscores as spaces, spaces collapsed (for matching names)."""
    text = unicodedata.normalize("NFC", text).strip().lower()
    return " ".join(re.sub(r"[-_/]+", " ", text).split())


def read_table(path: Path) -> TableRead:
    """Read a CSV file; CsvInputError when it cannot be read at all."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as err:
        raise CsvInputError(str(path), f"cannot read the file: {err.strerror or err}") from None
    except UnicodeDecodeError as err:
        raise CsvInputError(str(path), f"not UTF-8 text ({err.reason})") from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as err:
        raise CsvInputError(str(path), f"not a readable CSV table: {err}") from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise CsvInputError(str(path), "the file is empty (a header row is expected)", 1)
    header = [normalise(c).replace(" ", "_") for c in rows[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if not any(c in header for c in DATE_COLUMNS):
        missing.append("date or year")
    if missing:
        raise CsvInputError(
            str(path),
            f"the header lacks column(s): {', '.join(missing)} (expected: {', '.join(COLUMNS)})",
            1,
        )
    out = TableRead()
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        out.rows += 1
        where = f"{path}: row {number}"
        try:
            record, notes = parse_row(header, cells, where)
        except ValueError as err:
            out.problems.append(Problem(where, str(err)))
            continue
        out.records.append(record)
        out.notes += notes
    return out


def parse_row(
    header: list[str], cells: list[str], where: str
) -> tuple[PartnershipInput, list[str]]:
    """One row as a record (and notes); ValueError naming the first thing that is wrong."""
    if len(cells) < len(header):
        absent = ", ".join(header[len(cells) :])
        raise ValueError(
            f"the row has {len(cells)} field(s) but the header has {len(header)}: "
            f"missing column(s) {absent}"
        )
    if len(cells) > len(header):
        raise ValueError(
            f"the row has {len(cells)} fields but the header only {len(header)} "
            "(a comma inside a value needs quotes)"
        )
    row = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
    for column in REQUIRED_COLUMNS:
        if column != "sectors" and not row.get(column):
            raise ValueError(f"missing value for column {column!r}")
    when, on_day = _when(row.get("date", ""), row.get("year", ""))
    partnership_type, document_type = agreement_type(row["agreement_type"])
    sectors = tuple(sector(s) for s in _split(row["sectors"]))
    url = row["source_url"]
    if not _URL.match(url):
        raise ValueError(f"source_url {url!r} is not an http(s) URL")
    notes: list[str] = []
    agreement = None
    if on_day:
        kind = document_type or (
            CP.SisterCityAgreement if partnership_type == CP.SisterCity else CP.UnspecifiedAgreement
        )
        agreement = AgreementInput(kind, when.value, tuple(dict.fromkeys(sectors)))
    elif sectors:
        notes.append(f"{where}: sectors are kept only for rows with a full date; ignored")
    record = PartnershipInput(
        where=where,
        city=_place(row["city"], row["country"], row.get("city_wikidata", ""), "city_wikidata"),
        partner=_place(
            row["partner"],
            row["partner_country"],
            row.get("partner_wikidata", ""),
            "partner_wikidata",
        ),
        partnership_type=partnership_type,
        sources=[SourceInput(url, f"Web page: {url}")],
        start=None if on_day else when,
        agreement=agreement,
    )
    return record, notes


def _when(date_text: str, year_text: str) -> tuple[DateValue, bool]:
    if date_text:
        try:
            if not _DATE.match(date_text):
                raise ValueError
            day = date.fromisoformat(date_text)
        except ValueError:
            raise ValueError(f"unparseable date {date_text!r} (expected YYYY-MM-DD)") from None
        if year_text and year_text != f"{day.year:04d}":
            raise ValueError(f"the date {date_text} and the year {year_text!r} disagree")
        return DateValue(day, "day"), True
    if year_text:
        if not _YEAR.match(year_text) or int(year_text) < 1:
            raise ValueError(f"unparseable year {year_text!r} (expected YYYY)")
        return DateValue.of_year(int(year_text)), False
    raise ValueError("no date (YYYY-MM-DD) or year (YYYY) is given")


def _place(name: str, country: str, wikidata: str, column: str) -> PlaceInput:
    qid = None
    if wikidata:
        qid = parse_qid(wikidata)
        if qid is None:
            raise ValueError(f"{column} {wikidata!r} is not a Wikidata item id (Q...)")
    return PlaceInput({"en": name}, qid, CountryInput({"en": country}))


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def agreement_type(text: str) -> tuple[URIRef, URIRef | None]:
    """(partnership type, document type or None) for a name; ValueError when unknown."""
    key = normalise(text)
    documents, partnerships = _names(CP.DocumentType), _names(CP.PartnershipType)
    if key in documents:
        return _partnership_of_document(documents[key]), documents[key]
    if key in partnerships:
        return partnerships[key], None
    extra = _EXTRA_AGREEMENT_TYPES.get(key)
    if extra is not None:
        if extra in partnerships.values():
            return extra, None
        return _partnership_of_document(extra), extra
    known = sorted({_notation(t) for t in (*documents.values(), *partnerships.values())} - {""})
    raise ValueError(f"unknown agreement type {text!r} (expected one of: {', '.join(known)})")


def _partnership_of_document(document: URIRef) -> URIRef:
    """The partnership a document type founds: a sister-city agreement founds a sister-city
    partnership; a memorandum, letter of intent or other document does not say which kind."""
    return CP.SisterCity if document == CP.SisterCityAgreement else CP.UnspecifiedPartnership


def sector(text: str) -> URIRef:
    """The sector a slug or label (en, id, ms) names; ValueError when unknown or ambiguous."""
    key = normalise(text)
    found = _sector_names().get(key)
    if found is None:
        raise ValueError(f"unknown sector {text!r} (see ontology/sectors.ttl for the slugs)")
    if isinstance(found, tuple):
        names = ", ".join(_notation(s) for s in found)
        raise ValueError(f"ambiguous sector {text!r}: it may mean {names}")
    return found


@cache
def _names(kind: URIRef) -> dict[str, URIRef]:
    graph = vocabulary.ontology_graph()
    members = sorted(s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef))
    out: dict[str, URIRef] = {}
    for prop in (SKOS.altLabel, SKOS.prefLabel, RDFS.label, SKOS.notation):
        for member in members:
            for label in graph.objects(member, prop):
                out[normalise(str(label))] = member
    return out


@cache
def _sector_names() -> dict[str, URIRef | tuple[URIRef, ...]]:
    graph = vocabulary.ontology_graph()
    members = sorted(
        s for s in graph.subjects(SKOS.inScheme, SECTOR_SCHEME) if isinstance(s, URIRef)
    )
    out: dict[str, URIRef | tuple[URIRef, ...]] = {}
    alternatives: dict[str, set[URIRef]] = {}
    for member in members:
        for label in graph.objects(member, SKOS.altLabel):
            alternatives.setdefault(normalise(str(label)), set()).add(member)
    for key, found in alternatives.items():
        out[key] = next(iter(found)) if len(found) == 1 else tuple(sorted(found))
    for prop in (SKOS.prefLabel, RDFS.label, SKOS.notation):
        for member in members:
            for label in graph.objects(member, prop):
                out[normalise(str(label))] = member
    return out


def _notation(term: URIRef) -> str:
    value = vocabulary.ontology_graph().value(term, SKOS.notation)
    return str(value) if value is not None else ""
