"""What the extractor needs to know from the graph besides names: posts and their governments,
the places governments govern, tenures, partnerships, existing agreements and sources."""

from __future__ import annotations

import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from rdflib import URIRef

from citypact import resources
from citypact.curation.world_places import WorldPlaces, world_places
from citypact.extraction.gazetteer import Gazetteer, normalise
from citypact.store.port import QueryOptions, Store
from citypact.store.queries import QueryRegistry

WHOLE = QueryOptions.whole_graph()  # the extractor reads every name and tie the graph holds


def extraction_queries() -> QueryRegistry:
    """The named queries of ``queries/extraction/``."""
    return QueryRegistry(resources.query_dir() / "extraction")


@dataclass
class Tenure:
    """A person in a post, from a start to an end date, or attested on some dates."""

    person: URIRef
    post: URIRef
    start: date | None
    end: date | None
    attested: set[date] = field(default_factory=set)

    def covers(self, day: date) -> bool:
        """Whether the tenure shows the person in the post on ``day``."""
        if day in self.attested:
            return True
        return (
            self.start is not None and self.start <= day and (self.end is None or day <= self.end)
        )


@dataclass
class Knowledge:
    """The gazetteer and the relations the extractor follows."""

    gazetteer: Gazetteer
    post_government: dict[URIRef, URIRef] = field(default_factory=dict)
    post_place: dict[URIRef, URIRef] = field(default_factory=dict)
    government_of_place: dict[URIRef, URIRef] = field(default_factory=dict)
    tenures: list[Tenure] = field(default_factory=list)
    partnerships: dict[frozenset[URIRef], URIRef] = field(default_factory=dict)
    sources: dict[str, URIRef] = field(default_factory=dict)
    publisher_of_host: dict[str, URIRef] = field(default_factory=dict)
    broader: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    place_of_geonames: dict[int, URIRef] = field(default_factory=dict)
    world: WorldPlaces | None = None
    queries: QueryRegistry | None = None
    store: Store | None = None

    @classmethod
    def from_store(
        cls, store: Store, queries: QueryRegistry | None = None, world: bool = True
    ) -> Knowledge:
        """Read everything from a store with the queries of ``queries/extraction/``; with
        ``world``, the world gazetteer too (loaded once per process: see
        :func:`~citypact.curation.world_places.world_places`)."""
        queries = queries or extraction_queries()
        known = cls(Gazetteer.from_store(store, queries), queries=queries, store=store)
        known.world = world_places() if world else None
        for row in store.select(queries["posts"].bind(), WHOLE).rows:
            post = URIRef(row["post"].value)
            known.post_government[post] = URIRef(row["government"].value)
            if row.get("place") is not None:
                known.post_place[post] = URIRef(row["place"].value)
        for row in store.select(queries["governments"].bind(), WHOLE).rows:
            known.government_of_place.setdefault(
                URIRef(row["place"].value), URIRef(row["government"].value)
            )
        tenures: dict[tuple[str, str, str | None, str | None], Tenure] = {}
        for row in store.select(queries["tenures"].bind(), WHOLE).rows:
            start, end = _day(row.get("start")), _day(row.get("end"))
            key = (row["person"].value, row["post"].value, str(start), str(end))
            tenure = tenures.setdefault(
                key,
                Tenure(URIRef(row["person"].value), URIRef(row["post"].value), start, end),
            )
            if (attested := _day(row.get("attested"))) is not None:
                tenure.attested.add(attested)
        known.tenures = list(tenures.values())
        members: dict[URIRef, set[URIRef]] = defaultdict(set)
        for row in store.select(queries["partners"].bind(), WHOLE).rows:
            members[URIRef(row["partnership"].value)].add(URIRef(row["government"].value))
        for partnership, governments in members.items():
            if len(governments) == 2:
                known.partnerships.setdefault(frozenset(governments), partnership)
        for row in store.select(queries["geonames_ids"].bind(), WHOLE).rows:
            if str(row["geonamesId"].value).isdigit():
                gid = int(row["geonamesId"].value)
                known.place_of_geonames.setdefault(gid, URIRef(row["place"].value))
        for row in store.select(queries["broader_sectors"].bind()).rows:
            known.broader[URIRef(row["sector"].value)].add(URIRef(row["broader"].value))
        publishers: dict[str, set[URIRef]] = defaultdict(set)
        for row in store.select(queries["sources"].bind(), WHOLE).rows:
            source = URIRef(row["source"].value)
            for name in ("title", "url", "localCopy"):
                if row.get(name) is not None:
                    known.sources.setdefault(normalise(row[name].value), source)
            if row.get("url") is not None and row.get("publisher") is not None:
                publishers[host_of(row["url"].value)].add(URIRef(row["publisher"].value))
        known.publisher_of_host = {
            host: next(iter(found)) for host, found in publishers.items() if len(found) == 1
        }
        return known

    def existing(self, governments: list[URIRef]) -> list[dict[str, str]]:
        """Agreements, signatures, commitments and partnerships of these governments."""
        if self.store is None or self.queries is None or not governments:
            return []
        rows = self.store.select(self.queries["existing"].bind(government=governments)).rows
        return [{k: v.value for k, v in row.items() if v is not None} for row in rows]

    def posts_held(self, person: URIRef, day: date | None) -> list[URIRef]:
        """The posts a person held on a day (any day when None), latest start first."""
        held = [t for t in self.tenures if t.person == person and (day is None or t.covers(day))]
        held.sort(key=lambda t: t.start or date.min, reverse=True)
        return [t.post for t in held]

    def holds(self, person: URIRef, post: URIRef, day: date) -> bool:
        """Whether the graph shows the person in the post on the day."""
        return any(t.person == person and t.post == post and t.covers(day) for t in self.tenures)


def host_of(url: str) -> str:
    """The web host of a URL, without ``www.`` (``dbkl.gov.my``)."""
    host = urllib.parse.urlsplit(url.strip()).hostname or ""
    return host.removeprefix("www.")


def _day(term: object) -> date | None:
    if term is None:
        return None
    try:
        return date.fromisoformat(str(getattr(term, "value", term))[:10])
    except ValueError:
        return None
