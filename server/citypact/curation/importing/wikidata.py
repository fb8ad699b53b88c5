"""Reading Wikidata twinning results: the shipped query's SPARQL JSON results, into records.

The query is ``queries/external/wikidata_twinning.rq``. Its results come from a file (saved
from the Wikidata Query Service) or from an endpoint, run through SPARQLWrapper. One row holds
one P190 statement with one of its reference URLs, labels, coordinates and countries, so a
statement may span several rows; rows are grouped by statement, and the statements of both
directions (A P190 B, B P190 A) are merged into one partnership record per pair of items.

Time values come with their Wikidata precision (11 day, 10 month, 9 year): a day gives
``cp:startDate``, a month or a year gives ``cp:startYear`` (the model has no month). Without a
precision column, a 1 January date is read as a year (how Wikidata renders year-precision
values), any other date as a day.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from citypact import __version__, resources
from citypact.curation.importing.records import (
    WIKIDATA_ENTITY,
    CountryInput,
    DateValue,
    PartnershipInput,
    PlaceInput,
    Problem,
    SourceInput,
)
from citypact.namespaces import CP
from citypact.rdf_io import RdfInputError

QUERY_PATH_PARTS = ("external", "wikidata_twinning.rq")
USER_AGENT = f"CityPact/{__version__} (https://w3id.org/citypact/; citypact import wikidata)"
STATEMENT_PREFIX = WIKIDATA_ENTITY + "statement/"
_ENTITY = re.compile(r"^http://www\.wikidata\.org/entity/(Q[1-9][0-9]*)$")
_VALUES_ITEM = re.compile(r"VALUES\s+\?item\s*\{[^}]*\}")
_TIME = re.compile(r"^([+-]?)(\d{1,16})-(\d{2})-(\d{2})T")
_POINT = re.compile(
    r"^\s*(?:<([^>]*)>\s*)?Point\s*\(\s*(-?\d+(?:\.\d+)?(?:[eE]-?\d+)?)\s+"
    r"(-?\d+(?:\.\d+)?(?:[eE]-?\d+)?)\s*\)\s*$",
    re.IGNORECASE,
)
_EARTH = "http://www.wikidata.org/entity/Q2"
_LANGS = {"En": "en", "Id": "id", "Ms": "ms"}


class WikidataInputError(RdfInputError):
    """Results that cannot be read at all (not JSON, not SPARQL results, endpoint failure)."""

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f": line {self.line}"
            if self.column is not None:
                where += f", column {self.column}"
        return f"{where}: {self.message}"


def query_path() -> Path:
    """The shipped query file."""
    return resources.query_dir().joinpath(*QUERY_PATH_PARTS)


def query_text(items: Sequence[str] = ()) -> str:
    """The shipped query; with ``items`` (``Q3630``, ...) its ``VALUES ?item`` line replaced."""
    text = query_path().read_text(encoding="utf-8")
    if items:
        values = " ".join(f"wd:{q}" for q in items)
        text = _VALUES_ITEM.sub(f"VALUES ?item {{ {values} }}", text, count=1)
    return text


def read_results(path: Path) -> list[dict[str, Any]]:
    """The bindings of a SPARQL JSON results file; WikidataInputError when unreadable."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        message = f"cannot read the file: {err.strerror or err}"
        raise WikidataInputError(str(path), message) from None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        raise WikidataInputError(str(path), f"not UTF-8 text ({err.reason})") from None
    except json.JSONDecodeError as err:
        message = f"not valid JSON: {err.msg}"
        raise WikidataInputError(str(path), message, err.lineno, err.colno) from None
    return bindings_of(data, str(path))


def fetch_results(endpoint: str, query: str, timeout: float = 120.0) -> dict[str, Any]:
    """Run the query on a SPARQL endpoint (SPARQLWrapper) and return the JSON results document."""
    from SPARQLWrapper import JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    if not endpoint.startswith(("http://", "https://")):
        raise WikidataInputError(endpoint, "the endpoint must be an http(s) URL")
    wrapper = SPARQLWrapper(endpoint, agent=USER_AGENT)
    wrapper.setQuery(query)
    wrapper.setMethod(POST)
    wrapper.setReturnFormat(JSON)
    wrapper.setTimeout(max(1, int(timeout)))
    try:
        body = wrapper.query().response.read()
    except (SPARQLWrapperException, OSError) as err:
        raise WikidataInputError(endpoint, f"the query failed: {err}") from None
    try:
        data = json.loads(body)
    except ValueError as err:
        raise WikidataInputError(endpoint, f"the endpoint sent unreadable JSON: {err}") from None
    if not isinstance(data, dict):
        raise WikidataInputError(endpoint, "the endpoint did not send SPARQL JSON results")
    return data


def bindings_of(data: object, source: str) -> list[dict[str, Any]]:
    """The result rows of a SPARQL 1.1 JSON results document; WikidataInputError otherwise."""
    results = data.get("results") if isinstance(data, dict) else None
    bindings = results.get("bindings") if isinstance(results, dict) else None
    if not isinstance(bindings, list) or not all(isinstance(b, dict) for b in bindings):
        expected = '{"head": ..., "results": {"bindings": [...]}}'
        raise WikidataInputError(source, f"not SPARQL JSON results (expected {expected})")
    return bindings


@dataclass
class Entity:
    """A Wikidata item as the results describe it."""

    qid: str
    labels: dict[str, str] = field(default_factory=dict)
    wkt: str | None = None
    countries: dict[str, dict[str, str]] = field(default_factory=dict)
    """Country item id → its labels (P17 may have several values)."""

    def place(self) -> PlaceInput:
        """The record form; of several countries, the first by item id."""
        country = None
        if self.countries:
            qid = sorted(self.countries, key=_qid_number)[0]
            country = CountryInput(dict(self.countries[qid]), qid)
        return PlaceInput(dict(self.labels), self.qid, country, self.wkt)

    def merge(self, other: Entity) -> None:
        """Fill in what another row says about the same item."""
        for lang, label in other.labels.items():
            self.labels.setdefault(lang, label)
        self.wkt = self.wkt or other.wkt
        for qid, labels in other.countries.items():
            known = self.countries.setdefault(qid, {})
            for lang, label in labels.items():
                known.setdefault(lang, label)


@dataclass
class Statement:
    """One P190 statement: ``item`` twinned with ``partner``."""

    where: str
    iri: str | None
    item: Entity
    partner: Entity
    start: DateValue | None = None
    end: DateValue | None = None
    references: list[str] = field(default_factory=list)

    def page_url(self) -> str:
        """The statement on its item's page: ``https://www.wikidata.org/wiki/Q3630#Q3630$…``."""
        base = f"https://www.wikidata.org/wiki/{self.item.qid}"
        if self.iri and self.iri.startswith(STATEMENT_PREFIX):
            local = self.iri[len(STATEMENT_PREFIX) :]
            guid = local.replace("-", "$", 1) if "$" not in local else local
            return f"{base}#{guid}"
        return f"{base}#P190"


@dataclass
class ReadResult:
    """Statements read from the results, with the rows that could not be read."""

    statements: list[Statement]
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows: int = 0

    @property
    def subjects(self) -> set[str]:
        """The items whose statements the results hold (the query's ?item values)."""
        return {s.item.qid for s in self.statements}


def read_statements(bindings: list[dict[str, Any]], source: str) -> ReadResult:
    """Group result rows into statements; rows that cannot be read become problems."""
    out = ReadResult([], rows=len(bindings))
    by_key: dict[tuple[str | None, ...], Statement] = {}
    for number, row in enumerate(bindings, start=1):
        where = f"{source}: result row {number}"
        try:
            item = _entity(row, "item")
            partner_iri = _value(row, "partner")
            if partner_iri is None:
                raise ValueError("no ?partner value")
            if not _ENTITY.match(partner_iri):
                out.notes.append(f"{where}: the partner is not a Wikidata item; skipped")
                continue
            partner = _entity(row, "partner")
            start = _time(row, "start")
            end = _time(row, "end")
        except ValueError as err:
            out.problems.append(Problem(where, str(err)))
            continue
        iri = _value(row, "statement")
        key = (iri,) if iri else (item.qid, partner.qid, str(start), str(end))
        statement = by_key.get(key)
        if statement is None:
            statement = Statement(where, iri, item, partner, start, end)
            by_key[key] = statement
            out.statements.append(statement)
        else:
            statement.item.merge(item)
            statement.partner.merge(partner)
        reference = _value(row, "refURL")
        if reference and reference not in statement.references:
            if reference.startswith(("http://", "https://")):
                statement.references.append(reference)
            else:
                out.notes.append(f"{where}: reference URL {reference!r} is not http(s); ignored")
    return out


def partnerships(statements: Iterable[Statement]) -> tuple[list[PartnershipInput], list[str]]:
    """One record per pair of items, merging both directions; notes on dates that differ."""
    pairs: dict[frozenset[str], list[Statement]] = {}
    for statement in statements:
        if statement.item.qid == statement.partner.qid:
            continue
        pairs.setdefault(frozenset((statement.item.qid, statement.partner.qid)), []).append(
            statement
        )
    records, notes = [], []
    for group in pairs.values():
        first = group[0]
        item, partner = first.item, first.partner
        for other in group[1:]:
            same = other.item.qid == item.qid
            item.merge(other.item if same else other.partner)
            partner.merge(other.partner if same else other.item)
        start, start_note = _merged([s.start for s in group], "start time")
        end, end_note = _merged([s.end for s in group], "end time")
        where = first.where + (f" (and {len(group) - 1} more statement(s))" if group[1:] else "")
        notes += [f"{where}: {n}" for n in (start_note, end_note) if n]
        records.append(
            PartnershipInput(
                where=where,
                city=item.place(),
                partner=partner.place(),
                partnership_type=CP.SisterCity,
                sources=_sources(group),
                start=start,
                end=end if end is None or end.precision == "day" else None,
                comment=_comment(group, end),
            )
        )
    return records, notes


def _sources(group: list[Statement]) -> list[SourceInput]:
    references: list[str] = []
    for statement in group:
        references += [r for r in statement.references if r not in references]
    sources = [SourceInput(url, f"Reference URL cited on Wikidata: {url}") for url in references]
    for statement in group:
        title = (
            f"Wikidata: {statement.item.place().name} ({statement.item.qid}), twinned "
            f"administrative body (P190): {statement.partner.place().name} "
            f"({statement.partner.qid})"
        )
        sources.append(
            SourceInput(
                statement.page_url(),
                title,
                kind="wikidata",
                slug=f"wikidata-{statement.item.qid}-p190-{statement.partner.qid}".lower(),
                cites=tuple(statement.references),
            )
        )
    return sources


def _comment(group: list[Statement], end: DateValue | None) -> str:
    parts = [
        f"{s.item.qid} P190 {s.partner.qid}"
        + (f", start time {s.start}" if s.start else "")
        + (f", end time {s.end}" if s.end else "")
        for s in group
    ]
    text = "Imported from Wikidata statements: " + "; ".join(parts) + "."
    if end is not None and end.precision == "year":
        text += f" Wikidata gives the end only to the year ({end}), which cp:endDate cannot hold."
    return text


def _merged(values: list[DateValue | None], what: str) -> tuple[DateValue | None, str | None]:
    known = sorted({v for v in values if v is not None}, key=lambda v: (v.precision != "day", v))
    if not known:
        return None, None
    chosen = known[0]
    if all(chosen.agrees_with(v) for v in known):
        return chosen, None
    listed = ", ".join(str(v) for v in known)
    return chosen, f"the statements give different {what}s ({listed}); {chosen} is used"


def _value(row: dict[str, Any], name: str) -> str | None:
    binding = row.get(name)
    if not isinstance(binding, dict):
        return None
    value = binding.get("value")
    return value if isinstance(value, str) and value != "" else None


def _entity(row: dict[str, Any], prefix: str) -> Entity:
    iri = _value(row, prefix)
    if iri is None:
        raise ValueError(f"no ?{prefix} value")
    match = _ENTITY.match(iri)
    if not match:
        raise ValueError(f"?{prefix} {iri!r} is not a Wikidata item")
    entity = Entity(match.group(1))
    for suffix, lang in _LANGS.items():
        label = _value(row, f"{prefix}Label{suffix}")
        if label:
            entity.labels[lang] = label
    coord = _value(row, f"{prefix}Coord")
    if coord:
        entity.wkt = point_wkt(coord)
    country = _value(row, f"{prefix}Country")
    if country and (cmatch := _ENTITY.match(country)):
        labels = {}
        for suffix, lang in _LANGS.items():
            label = _value(row, f"{prefix}CountryLabel{suffix}")
            if label:
                labels[lang] = label
        entity.countries[cmatch.group(1)] = labels
    return entity


def point_wkt(value: str) -> str | None:
    """``POINT(lon lat)`` from a Wikidata coordinate literal; None for other globes or forms."""
    match = _POINT.match(value)
    if not match or (match.group(1) and match.group(1) != _EARTH):
        return None
    lon, lat = float(match.group(2)), float(match.group(3))
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    return f"POINT({_number(lon)} {_number(lat)})"


def _number(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def _time(row: dict[str, Any], name: str) -> DateValue | None:
    value = _value(row, name)
    if value is None:
        return None
    match = _TIME.match(value)
    if not match:
        raise ValueError(f"?{name} {value!r} is not a Wikidata time value")
    sign, year_text, month_text, day_text = match.groups()
    year, month, day = int(year_text), int(month_text), int(day_text)
    if sign == "-" or year < 1 or year > 9999:
        raise ValueError(f"?{name} {value!r} is outside the years 1-9999")
    precision_text = _value(row, f"{name}Precision")
    try:
        precision = int(precision_text) if precision_text is not None else None
    except ValueError:
        raise ValueError(f"?{name}Precision {precision_text!r} is not a number") from None
    if precision is not None and precision < 9:
        raise ValueError(f"?{name} {value!r} is less precise than a year (precision {precision})")
    if precision is None:
        precision = 9 if (month, day) in ((1, 1), (0, 0)) else 11
    if precision <= 10 or month == 0 or day == 0:
        return DateValue.of_year(year)
    try:
        return DateValue(date(year, month, day), "day")
    except ValueError:
        raise ValueError(f"?{name} {value!r} is not a calendar date") from None


def _qid_number(qid: str) -> int:
    return int(qid[1:])
