"""Writing a reconciliation as quads: one named graph per source, each stating what that source
says (and citing it), the store's nodes reused and enriched, new nodes minted with stable IRIs.

Which graph says what:

* every source's graph: its ``cp:Dataset`` node (title, URL, version, dates, licence), and the
  partnerships it states (``cp:partner``, ``cp:partnershipType`` unspecified, a label, and
  ``prov:wasDerivedFrom`` the dataset); a partnership the store holds gets only the citation;
* the graph of the source that named a new place: the place (kind, label, country) and its
  local government; Wikidata's graph also gives every item it names (``cp:wikidataItem``);
* the graph of the source of a place's coordinates (GeoNames, Natural Earth, dr5hn or the
  list's geocodes): its geometry, and the GeoNames id, English name, country and item that
  source gives.

A place the store holds keeps its IRI and gains only what it lacks (a Wikidata item, a GeoNames
id, coordinates; never a second of each). IRIs depend only on the inputs: sorted names, with
the country, then the GeoNames id or item, added to a slug that is taken.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from citypact.curation.bulk.countries import Country, geonames_countries
from citypact.curation.bulk.lists import DR5HN, NATURAL_EARTH, WIKIDATA, WIKIPEDIA
from citypact.curation.bulk.places import Place, Tie
from citypact.curation.bulk.reconcile import Reconciled
from citypact.curation.bulk.store_state import StoreState
from citypact.curation.importing.reconcile import slugify
from citypact.namespaces import CP, GEO, ID, WD
from citypact.store.port import graph_iri

GEONAMES = "geonames"
GEOCODES = "wikipedia-twin-cities-geocodes"
POINT_SOURCES = {
    "geonames": GEONAMES,
    "natural-earth": NATURAL_EARTH,
    "dr5hn": DR5HN,
    "geocode": GEOCODES,
}
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_DCT = "http://purl.org/dc/terms/"
_PROV = "http://www.w3.org/ns/prov#"
_SCHEMA = "https://schema.org/"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_TYPE = ox.NamedNode(_RDF + "type")
_LABEL = ox.NamedNode(_RDFS + "label")


@dataclass(frozen=True)
class SourceInfo:
    """A raw input's description (``data/raw/<key>/source.json``)."""

    key: str
    title: str
    publisher: str
    url: str
    upstream: str
    version: str
    data_date: str | None
    retrieved: str
    licence: str
    licence_name: str
    attribution: str

    @classmethod
    def read(cls, path: Path) -> SourceInfo:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})  # type: ignore[arg-type]

    @property
    def graph(self) -> str:
        """The named graph of what this source states."""
        return source_graph(self.key)

    @property
    def iri(self) -> str:
        """The dataset's node."""
        return f"{ID}source/dataset-{self.key}"


def source_graph(key: str) -> str:
    """``https://w3id.org/citypact/graph/source/{key}``."""
    return graph_iri(f"source/{key}")


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def _date(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=_n(_XSD + "date"))


class Emitter:
    """Mints IRIs and writes the quads of one reconciliation against one store state."""

    def __init__(
        self,
        result: Reconciled,
        ties: dict[tuple[str, str], Tie],
        state: StoreState,
        sources: dict[str, SourceInfo],
    ) -> None:
        self.result = result
        self.ties = ties
        self.state = state
        self.sources = sources
        self.taken = set(state.iris)
        self.place_iri: dict[str, str] = {}
        self.government_iri: dict[str, str] = {}
        self.country_iri: dict[str, str] = dict(state.countries)
        self.quads: dict[str, list[ox.Quad]] = {s.graph: [] for s in sources.values()}
        self.counts: dict[str, int] = {}
        existing = {e.iri: e for e in state.places}
        self._existing = existing

    # --- minting -------------------------------------------------------------------------------

    def _mint(self, kind: str, slugs: list[str]) -> str:
        for slug in slugs:
            iri = f"{ID}{kind}/{slug}"
            if slug and iri not in self.taken:
                self.taken.add(iri)
                return iri
        number = 2
        while f"{ID}{kind}/{slugs[0]}-{number}" in self.taken:
            number += 1
        iri = f"{ID}{kind}/{slugs[0]}-{number}"
        self.taken.add(iri)
        return iri

    def _count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def _add(self, source: str, s: str, p: str, o: ox.NamedNode | ox.Literal) -> None:
        self.quads[self.sources[source].graph].append(
            ox.Quad(_n(s), _n(p), o, _n(self.sources[source].graph))
        )

    # --- the whole result ----------------------------------------------------------------------

    def emit(self) -> dict[str, list[ox.Quad]]:
        """Every quad, by graph (duplicates within a graph removed, order stable)."""
        used = sorted({k for pair in self.ties for k in pair}, key=self._order)
        for key in used:
            self._place(self.result.places[key])
        for pair in sorted(self.ties, key=lambda p: (self.place_iri[p[0]], self.place_iri[p[1]])):
            self._partnership(self.ties[pair])
        for source in self.sources.values():
            self._dataset(source)
        return {g: list(dict.fromkeys(q)) for g, q in self.quads.items()}

    def _order(self, key: str) -> tuple[str, str, str, str]:
        p = self.result.places[key]
        return (slugify(p.name), p.country or "", str(p.geonames_id or p.qid or ""), key)

    # --- places, countries, governments ---------------------------------------------------------

    def _naming_source(self, place: Place) -> str:
        """The source that introduced a place: Wikipedia's list, else Wikidata."""
        return WIKIPEDIA if WIKIPEDIA in place.sources else WIKIDATA

    def _place(self, place: Place) -> None:
        existing = self._existing.get(place.existing) if place.existing else None
        named_by = self._naming_source(place)
        point_source = POINT_SOURCES.get(place.point_source or "")
        if existing is not None:
            iri = existing.iri
            self._count("places already in the graph")
        else:
            slug = slugify(place.name)
            country = (place.country or "").lower()
            extra = str(place.geonames_id or (place.qid or "").lower() or "")
            slugs = [slug]
            if country:
                slugs.append(f"{slug}-{country}")
            if extra:
                slugs.append("-".join(p for p in (slug, country, extra) if p))
            iri = self._mint(place.kind, slugs)
            self._count("new places")
            kind = CP.City if place.kind == "city" else CP.Region
            self._add(named_by, iri, _RDF + "type", _n(str(kind)))
            if place.name_is_english and named_by == WIKIPEDIA:
                self._add(named_by, iri, _RDFS + "label", _en(place.name))
            else:
                label = next(iter(sorted(n for n in place.names if n)), place.name)
                self._add(WIKIDATA, iri, _RDFS + "label", ox.Literal(label))
                if place.name_is_english and point_source:
                    self._add(point_source, iri, _RDFS + "label", _en(place.name))
            if place.country:
                country_from = named_by if named_by == WIKIPEDIA else (point_source or named_by)
                self._add(country_from, iri, str(CP.country), _n(self._country(place.country)))
        self.place_iri[place.key] = iri
        if place.qid and (existing is None or existing.qid is None):
            which = WIKIDATA if WIKIDATA in place.sources else self._qid_source(place)
            self._add(which, iri, str(CP.wikidataItem), _n(str(WD[place.qid])))
        if place.geonames_id and (existing is None or existing.geonames_id is None):
            which = NATURAL_EARTH if place.point_source == "natural-earth" else GEONAMES
            self._add(which, iri, str(CP.geonamesId), ox.Literal(str(place.geonames_id)))
        if place.point and point_source and (existing is None or not existing.has_point):
            self._geometry(iri, place, point_source)
        government = existing.government if existing is not None and existing.government else None
        if government is None:
            government = self._mint("government", [iri.rsplit("/", 1)[-1]])
            self._add(named_by, government, _RDF + "type", _n(str(CP.LocalGovernment)))
            self._add(
                named_by, government, _RDFS + "label", _en(f"Local government of {place.name}")
            )
            self._add(named_by, government, str(CP.governs), _n(iri))
        self.government_iri[place.key] = government

    @staticmethod
    def _qid_source(place: Place) -> str:
        if "qid-from-natural-earth" in place.flags:
            return NATURAL_EARTH
        return DR5HN if "qid-from-dr5hn" in place.flags else WIKIDATA

    def _geometry(self, iri: str, place: Place, source: str) -> None:
        assert place.point is not None
        slug = iri.rsplit("/", 1)[-1]
        kind = iri.rsplit("/", 2)[-2]
        geometry = self._mint("geometry", [slug, f"{kind}-{slug}"])
        lat, lon = place.point
        wkt = ox.Literal(f"POINT({lon:.5f} {lat:.5f})", datatype=_n(str(GEO.wktLiteral)))
        self._add(source, iri, str(GEO.hasGeometry), _n(geometry))
        self._add(source, geometry, _RDF + "type", _n(str(GEO.Geometry)))
        self._add(source, geometry, _RDFS + "label", _en(f"Point location of {place.name}"))
        self._add(source, geometry, str(GEO.asWKT), wkt)
        self._add(source, geometry, _PROV + "wasDerivedFrom", _n(self.sources[source].iri))

    def _country(self, code: str) -> str:
        country: Country | None = geonames_countries().get(code)
        if code in self.country_iri:
            iri = self.country_iri[code]
            if code not in self.state.coded_countries:
                # A country the graph holds without its code: GeoNames' table gives it.
                self.state.coded_countries.add(code)
                self._add(GEONAMES, iri, str(CP.isoCode), ox.Literal(code))
                if country and country.geonames_id:
                    self._add(
                        GEONAMES, iri, str(CP.geonamesId), ox.Literal(str(country.geonames_id))
                    )
            return iri
        name = country.name if country else code
        iri = self._mint("country", [slugify(name), f"{slugify(name)}-{code.lower()}"])
        self.country_iri[code] = iri
        self.state.coded_countries.add(code)
        self._add(GEONAMES, iri, _RDF + "type", _n(str(CP.Country)))
        self._add(GEONAMES, iri, _RDFS + "label", _en(name))
        self._add(GEONAMES, iri, str(CP.isoCode), ox.Literal(code))
        if country and country.geonames_id:
            self._add(GEONAMES, iri, str(CP.geonamesId), ox.Literal(str(country.geonames_id)))
        self._count("new countries")
        return iri

    # --- partnerships and datasets --------------------------------------------------------------

    def _partnership(self, tie: Tie) -> None:
        a, b = self.government_iri[tie.a], self.government_iri[tie.b]
        known = self.state.partnerships.get((min(a, b), max(a, b)))
        if known is not None:
            iri = known
            self._count("partnerships already in the graph")
        else:
            left, right = sorted((self.place_iri[tie.a], self.place_iri[tie.b]))
            slug = f"{left.rsplit('/', 1)[-1]}--{right.rsplit('/', 1)[-1]}"
            iri = self._mint("partnership", [slug])
            self._count("new partnerships")
        names = sorted((self.result.places[tie.a].name, self.result.places[tie.b].name))
        for source in sorted(tie.lines):
            if known is None:
                self._add(source, iri, _RDF + "type", _n(str(CP.Partnership)))
                self._add(source, iri, _RDFS + "label", _en(f"{names[0]} – {names[1]} partnership"))
                self._add(source, iri, str(CP.partner), _n(a))
                self._add(source, iri, str(CP.partner), _n(b))
                self._add(source, iri, str(CP.partnershipType), _n(str(CP.UnspecifiedPartnership)))
            self._add(source, iri, _PROV + "wasDerivedFrom", _n(self.sources[source].iri))

    def _dataset(self, source: SourceInfo) -> None:
        iri = source.iri
        self._add(source.key, iri, _RDF + "type", _n(str(CP.Dataset)))
        self._add(source.key, iri, _RDFS + "label", _en(source.title))
        self._add(source.key, iri, _DCT + "title", _en(source.title))
        self._add(source.key, iri, _SCHEMA + "url", _n(source.url))
        self._add(source.key, iri, _DCT + "source", _n(source.upstream))
        self._add(source.key, iri, _DCT + "bibliographicCitation", ox.Literal(source.publisher))
        self._add(source.key, iri, _SCHEMA + "version", ox.Literal(source.version))
        if source.data_date:
            self._add(source.key, iri, _DCT + "date", _date(source.data_date))
        self._add(source.key, iri, str(CP.retrievedOn), _date(source.retrieved))
        self._add(source.key, iri, _DCT + "license", _n(source.licence))
        self._add(source.key, iri, _DCT + "rights", _en(source.attribution))


def read_sources(raw: Path) -> dict[str, SourceInfo]:
    """Every ``source.json`` below the raw inputs' directory, by key."""
    infos = [SourceInfo.read(p) for p in sorted(raw.glob("*/source.json"))]
    return {i.key: i for i in infos}


def nquads(quads: Iterator[ox.Quad] | list[ox.Quad]) -> str:
    """Canonically ordered N-Quads text (stable across runs)."""
    return "".join(
        sorted(f"{q.subject} {q.predicate} {q.object} {q.graph_name} .\n" for q in quads)
    )
