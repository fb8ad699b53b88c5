"""Reading the pinned raw inputs into rows, each with its line, and the rows that cannot be
mapped with their reasons. Nothing here decides which place a name means (see :mod:`.reconcile`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from citypact.curation.bulk.countries import CountryText, read_country

_QID = re.compile(r"^Q[1-9][0-9]*$")


class ListInputError(Exception):
    """A raw input that cannot be read at all (missing, not UTF-8, wrong columns)."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(f"{path}: {message}")


@dataclass(frozen=True)
class Refused:
    """A row that cannot be mapped: its file, line and reason."""

    source: str
    path: str
    line: int
    reason: str


@dataclass(frozen=True)
class NamedPlace:
    """One end of a Wikipedia list row: the name as written and the country it was read as."""

    name: str
    country: CountryText
    country_text: str


@dataclass(frozen=True)
class ListTie:
    """A row of a Wikipedia list: two places and the row's line."""

    line: int
    a: NamedPlace
    b: NamedPlace


@dataclass
class WikipediaLists:
    """Wikipedia's lists of twin towns: ties by name and country, with their geocodes."""

    ties: list[ListTie] = field(default_factory=list)
    geocodes: dict[tuple[str, str], tuple[float, float, bool]] = field(default_factory=dict)
    refused: list[Refused] = field(default_factory=list)
    rows: int = 0


@dataclass(frozen=True)
class ItemTie:
    """A Wikidata P190 statement: the item, its twinned item, the line."""

    line: int
    a: str
    b: str


@dataclass
class WikidataTwinning:
    """Wikidata's twinned-administrative-body statements and the items' labels."""

    ties: list[ItemTie] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    refused: list[Refused] = field(default_factory=list)
    rows: int = 0


WIKIPEDIA = "wikipedia-twin-cities"
WIKIDATA = "wikidata-p190"


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ListInputError(path, "no such file") from None
    except UnicodeDecodeError as err:
        raise ListInputError(path, f"not UTF-8 ({err.reason} at byte {err.start})") from None


def _end(name: str, country_text: str) -> NamedPlace:
    name = " ".join(name.split())
    country = read_country(country_text)
    if country.code is None and not country_text.strip() and "," in name:
        # "Varna, Bulgaria" with no country column: the country is in the name.
        head, _, tail = name.rpartition(",")
        split = read_country(tail)
        if split.code:
            return NamedPlace(
                head.strip(), CountryText(split.code, None, "country split from name"), tail
            )
    return NamedPlace(name, country, country_text)


def read_wikipedia_lists(raw: Path, geocoded: Path | None = None) -> WikipediaLists:
    """``twin_cities_raw.csv`` (city1,country1,city2,country2) and, when given, the geocoded
    ``twin_cities.csv`` (with lat1,lng1,lat2,lng2). Precise geocodes have two decimals or more."""
    out = WikipediaLists()
    rows = list(csv.reader(_lines(raw)))
    if not rows or rows[0] != ["city1", "country1", "city2", "country2"]:
        raise ListInputError(raw, "expected the header city1,country1,city2,country2")
    source = str(raw)
    for line, row in enumerate(rows[1:], start=2):
        out.rows += 1
        if len(row) != 4:
            out.refused.append(Refused(WIKIPEDIA, source, line, f"{len(row)} fields, not 4"))
            continue
        a, b = _end(row[0], row[1]), _end(row[2], row[3])
        if not a.name or not b.name:
            out.refused.append(Refused(WIKIPEDIA, source, line, "a place without a name"))
        elif a.country.code is None or b.country.code is None:
            which = a if a.country.code is None else b
            reason = f"{which.name!r}: {which.country.note}"
            out.refused.append(Refused(WIKIPEDIA, source, line, reason))
        elif (a.name, a.country.code) == (b.name, b.country.code):
            reason = f"{a.name!r} twinned with itself (two towns of one name merged by the list)"
            out.refused.append(Refused(WIKIPEDIA, source, line, reason))
        else:
            out.ties.append(ListTie(line, a, b))
    if geocoded is not None:
        geo_rows = list(csv.reader(_lines(geocoded)))
        expected = ["city1", "country1", "lat1", "lng1", "city2", "country2", "lat2", "lng2"]
        if not geo_rows or geo_rows[0] != expected:
            raise ListInputError(geocoded, "expected the header " + ",".join(expected))
        for row in geo_rows[1:]:
            if len(row) != 8:
                continue
            for name, country, lat, lon in (
                (row[0], row[1], row[2], row[3]),
                (row[4], row[5], row[6], row[7]),
            ):
                try:
                    point = (float(lat), float(lon))
                except ValueError:
                    continue
                precise = all("." in v and len(v.split(".")[1]) >= 2 for v in (lat, lon))
                out.geocodes[(" ".join(name.split()), country)] = (point[0], point[1], precise)
    return out


def read_wikidata_twinning(relations: Path, names: Path) -> WikidataTwinning:
    """``relations.tsv`` (item, twinned item) and ``names.tsv`` (item, label)."""
    out = WikidataTwinning()
    for text in _lines(names):
        qid, _, label = text.partition("\t")
        if _QID.match(qid) and label.strip():
            out.labels[qid] = label.strip()
    source = str(relations)
    for line, text in enumerate(_lines(relations), start=1):
        out.rows += 1
        fields = text.split("\t")
        if len(fields) != 2 or not all(_QID.match(f) for f in fields):
            out.refused.append(Refused(WIKIDATA, source, line, "not two Wikidata item ids"))
        elif fields[0] == fields[1]:
            out.refused.append(Refused(WIKIDATA, source, line, f"{fields[0]} twinned with itself"))
        else:
            out.ties.append(ItemTie(line, fields[0], fields[1]))
    return out


@dataclass(frozen=True)
class ItemPlace:
    """Where an item is, as a gazetteer keyed by Wikidata item says."""

    qid: str
    name: str
    latitude: float
    longitude: float
    country: str | None
    geonames_id: int | None = None


NATURAL_EARTH = "natural-earth-populated-places"
DR5HN = "dr5hn-cities"


def read_natural_earth(archive: Path) -> dict[str, ItemPlace]:
    """Natural Earth's populated places (a 7z archive of GeoJSON) by Wikidata item."""
    import json
    import tempfile

    import py7zr

    if not archive.is_file():
        raise ListInputError(archive, "no such file")
    with tempfile.TemporaryDirectory() as tmp, py7zr.SevenZipFile(archive) as packed:
        packed.extractall(tmp)
        files = sorted(Path(tmp).glob("*.json"))
        if not files:
            raise ListInputError(archive, "no GeoJSON file inside")
        features = json.loads(files[0].read_text(encoding="utf-8"))["features"]
    out: dict[str, ItemPlace] = {}
    for feature in features:
        p = feature["properties"]
        qid = p.get("wikidataid") or ""
        if not _QID.match(qid) or qid in out:
            continue
        gid = p.get("GEONAMEID")
        iso = p.get("ISO_A2") or ""
        out[qid] = ItemPlace(
            qid,
            p.get("NAME_EN") or p.get("NAME") or qid,
            float(p["LATITUDE"]),
            float(p["LONGITUDE"]),
            iso if re.fullmatch(r"[A-Z]{2}", iso) else None,
            int(gid) if gid and gid > 0 else None,
        )
    return out


def read_dr5hn(archive: Path) -> dict[str, list[ItemPlace]]:
    """dr5hn's cities (gzipped JSON) by Wikidata item; an item may carry several records."""
    import gzip
    import json

    if not archive.is_file():
        raise ListInputError(archive, "no such file")
    with gzip.open(archive, "rt", encoding="utf-8") as handle:
        records = json.load(handle)
    out: dict[str, list[ItemPlace]] = {}
    for r in records:
        qid = r.get("wikiDataId") or ""
        if not _QID.match(qid):
            continue
        try:
            lat, lon = float(r["latitude"]), float(r["longitude"])
        except (TypeError, ValueError):
            continue
        out.setdefault(qid, []).append(ItemPlace(qid, r["name"], lat, lon, r.get("country_code")))
    return out
