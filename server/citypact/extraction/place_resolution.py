"""Which place an article's name is: the graph's (by its names, else by the GeoNames id the
world gazetteer gives the name), or a new place with the identifiers the world gazetteer
knows (GeoNames id, ISO 3166-2 code, country), proposed for review.

The world gazetteer is the importer's (:mod:`citypact.curation.world_places`), so a place the
partnership lists brought in is found under any name GeoNames gives it ("Wei Hai" is the
graph's Weihai), and a new one gets the name and identifiers the importer would give it
("Tangerang Selatan" is South Tangerang, GeoNames 8581443). A city is never resolved to the
region of its name, nor a region to a city.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.term import Node

from citypact.curation.bulk.names import core, fold
from citypact.curation.world_places import WorldPlace, WorldPlaces
from citypact.extraction.gazetteer import Gazetteer
from citypact.namespaces import CP


@dataclass(frozen=True)
class NewPlace:
    """A place to propose: the name to give it and its identifiers (predicate, value)."""

    name: str
    regional: bool
    links: tuple[tuple[URIRef, Node], ...] = ()


class PlaceResolver:
    """Resolves names with the graph's gazetteer and the world gazetteer."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        government_of_place: dict[URIRef, URIRef],
        place_of_geonames: dict[int, URIRef],
        world: WorldPlaces | None,
    ) -> None:
        self.gazetteer = gazetteer
        self.government_of_place = government_of_place
        self.place_of_geonames = place_of_geonames
        self.world = world

    def world_place(self, name: str, regional: bool = False) -> WorldPlace | None:
        """The world gazetteer's place of this name (a region when ``regional``)."""
        if self.world is None or len(name.replace(" ", "")) < 4:
            return None
        found = self.world.resolve(name, regional)
        # Only the place's own name, written otherwise at most: not another place that GeoNames
        # also calls so ("Hau" is no name of Haugesund here).
        if found is None or not (_same_name(name, found.name) or core(name) == fold(found.name)):
            return None
        return found

    def known_place(self, name: str) -> URIRef | None:
        """The graph's place of this name: by its own names, else by the GeoNames id."""
        m = self.gazetteer.whole(name)
        if m is not None and (places := m.of_kind("place")):
            return places[0]
        found = self.world_place(name)
        if found is not None and found.geonames_id is not None:
            return self.place_of_geonames.get(found.geonames_id)
        return None

    def known_government(self, name: str) -> URIRef | None:
        """The graph's government of this name, or of the place of this name."""
        m = self.gazetteer.whole(name)
        if m is not None and (govs := m.of_kind("government")):
            return govs[0]
        place = self.known_place(name)
        return self.government_of_place.get(place) if place is not None else None

    def new_place(self, name: str, regional: bool) -> NewPlace:
        """A new place for a name: the world gazetteer's name when the article writes it
        otherwise ("Wei Hai", "Tangerang Selatan"), with its identifiers; the article's name
        (and no identifiers) when the world gazetteer does not know it."""
        found = self.world_place(name, regional)
        if found is None:
            return NewPlace(name, regional)
        label = name if core(name) == fold(found.name) else found.name
        links: list[tuple[URIRef, Node]] = []
        if found.geonames_id is not None:
            links.append((CP.geonamesId, Literal(str(found.geonames_id))))
        if found.iso_code is not None:
            links.append((CP.isoCode, Literal(found.iso_code)))
        country = self._country(found)
        if country is not None:
            links.append((CP.country, country))
        return NewPlace(label, regional, tuple(links))

    def _country(self, place: WorldPlace) -> URIRef | None:
        name = place.country_name
        m = self.gazetteer.whole(name) if name else None
        countries = m.of_kind("country") if m is not None else []
        return countries[0] if countries else None


# Compass words as Indonesian and Malay name places: "Tangerang Selatan" is South Tangerang.
_COMPASS = {
    "selatan": "south",
    "utara": "north",
    "timur": "east",
    "barat": "west",
    "tengah": "central",
}


def _same_name(written: str, world: str) -> bool:
    """Whether the world gazetteer's name is the article's written otherwise, not another
    romanisation: the same letters without spaces ("Wei Hai", Weihai), or its words with a
    compass word translated ("Tangerang Selatan", South Tangerang)."""
    a, b = fold(written).split(), fold(world).split()
    if a == b or "".join(a) == "".join(b):
        return True
    if len(a) > 1 and a[-1] in _COMPASS:
        return [_COMPASS[a[-1]], *a[:-1]] == b
    return False
