"""ISO 3166-1 codes, English names and continents of countries (``countries.tsv``).

The graph's country nodes from GeoNames carry ``cp:isoCode``; the curated ones may only have
English labels. This table (GeoNames' country list, CC BY 4.0) gives such a country its code by
its English name, and every code its continent, which is the export's ``region``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CONTINENTS = {
    "AF": "Africa",
    "AN": "Antarctica",
    "AS": "Asia",
    "EU": "Europe",
    "NA": "North America",
    "OC": "Oceania",
    "SA": "South America",
}
# English names the graph uses that GeoNames spells otherwise.
_ALIASES = {
    "turkey": "TR",
    "türkiye": "TR",
    "russian federation": "RU",
    "korea, republic of": "KR",
    "republic of korea": "KR",
    "korea": "KR",
    "democratic people's republic of korea": "KP",
    "usa": "US",
    "united states of america": "US",
    "uk": "GB",
    "great britain": "GB",
    "czechia": "CZ",
    "czech republic": "CZ",
    "viet nam": "VN",
    "the netherlands": "NL",
    "people's republic of china": "CN",
    "republic of china": "TW",
    "ivory coast": "CI",
    "côte d'ivoire": "CI",
    "cape verde": "CV",
    "eswatini": "SZ",
    "north macedonia": "MK",
    "macedonia": "MK",
    "state of palestine": "PS",
    "palestine": "PS",
    "democratic republic of the congo": "CD",
    "republic of the congo": "CG",
    "east timor": "TL",
    "timor-leste": "TL",
    "burma": "MM",
    "vatican city": "VA",
    "the gambia": "GM",
    "the bahamas": "BS",
}


@dataclass(frozen=True)
class Country:
    """One row of the table."""

    iso2: str
    iso3: str
    name: str
    continent: str


@cache
def table() -> dict[str, Country]:
    """The countries by ISO 3166-1 alpha-2 code."""
    path = Path(__file__).with_name("countries.tsv")
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    return {row["iso2"]: Country(**row) for row in csv.DictReader(lines, delimiter="\t")}


@cache
def _by_name() -> dict[str, str]:
    names = {c.name.casefold(): code for code, c in table().items()}
    names.update(_ALIASES)
    return names


def code_of_name(name: str) -> str | None:
    """The alpha-2 code of an English country name, or None."""
    return _by_name().get(name.strip().casefold())


def continent_of(code: str | None) -> str:
    """The GeoNames continent code (``AS``, ``EU``, ...) of a country code, or ``""``."""
    country = table().get((code or "").upper())
    return country.continent if country else ""
