"""The records reconciliation works on: places, ties, and what was left for a curator."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Place:
    """One real place as the sources and the store know it.

    ``method`` says how it was identified (for the report and the precision sample):
    ``geonames-in-country`` (its name names one
    GeoNames place of its country), ``geonames-near-geocode`` (several did; the list's
    coordinates picked one), ``pair-evidence`` (a Wikidata item linked to a Wikipedia name by a tie
    both sources state), ``same-geonames-place`` (a Wikidata item whose label names exactly one
    GeoNames place worldwide, the one a Wikipedia name was matched to), ``unique-name-worldwide``
    (a Wikidata item whose label names exactly one GeoNames place worldwide) or ``unmatched``.
    ``existing`` is the store's node for it, when the store holds it (flag ``in-store``).
    """

    key: str
    kind: str = "city"
    name: str = ""
    name_is_english: bool = True
    names: set[str] = field(default_factory=set)
    country: str | None = None
    nation: str | None = None
    geonames_id: int | None = None
    qid: str | None = None
    point: tuple[float, float] | None = None
    point_source: str | None = None
    existing: str | None = None
    sources: set[str] = field(default_factory=set)
    method: str = "unmatched"
    flags: set[str] = field(default_factory=set)


@dataclass
class Tie:
    """A partnership between two places, with the lines of each source that state it."""

    a: str
    b: str
    lines: dict[str, list[int]] = field(default_factory=dict)

    def add(self, source: str, line: int) -> None:
        self.lines.setdefault(source, []).append(line)


@dataclass(frozen=True)
class Ambiguity:
    """A mention that could be more than one place: kept apart, listed for a curator."""

    source: str
    mention: str
    reason: str
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExistingPlace:
    """A place the store already holds (``queries/importing/bulk_places.rq``)."""

    iri: str
    kind: str
    names: frozenset[str]
    country: str | None
    qid: str | None
    geonames_id: int | None
    has_point: bool
    government: str | None
