"""Mapping records to new triples: the places, countries, governments, partnerships, agreements,
commitments and sources the graph does not hold yet.

Existing nodes are reused (see :mod:`.reconcile`); a partnership that already joins the same
two governments is reported as already present and left alone, except that a dated record adds
its agreement to it when the partnership has no agreement of that date. New entities get IRIs
under ``https://w3id.org/citypact/id/`` with slugs from their English labels, deduplicated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from citypact import vocabulary
from citypact.curation.importing.reconcile import Ambiguous, Found, Reconciler, slugify
from citypact.curation.importing.records import (
    AgreementInput,
    CountryInput,
    PartnershipInput,
    PlaceInput,
    Problem,
)
from citypact.namespaces import CP, GEO, SCHEMA, WD, bind_prefixes

_SHORT = {
    CP.LetterOfIntent: "loi",
    CP.MemorandumOfUnderstanding: "mou",
    CP.UnspecifiedAgreement: "",
}
_TYPE_WORD = {
    CP.SisterCity: "sister-city partnership",
    CP.FriendshipCity: "friendship-city partnership",
    CP.Cooperation: "cooperation",
}
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_LANGS = ("en", "id", "ms")


@dataclass
class ImportPlan:
    """The new triples of an import and what it found, created, reused or skipped."""

    graph: Graph
    records: int = 0
    new_partnerships: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    new_agreements: list[str] = field(default_factory=list)
    reused_places: list[str] = field(default_factory=list)
    new_places: list[str] = field(default_factory=list)
    new_countries: list[str] = field(default_factory=list)
    new_governments: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """A few lines for the terminal."""
        lines = [f"{self.records} partnership record(s) read"]
        for title, items in (
            ("new partnerships", self.new_partnerships),
            ("new agreements", self.new_agreements),
            ("already present (skipped)", self.present),
            ("reused places", self.reused_places),
            ("new places", self.new_places),
            ("new countries", self.new_countries),
            ("new governments", self.new_governments),
            ("Wikidata items added to existing places", self.linked),
        ):
            lines.append(f"  {title}: {len(items)}" + (f": {'; '.join(items)}" if items else ""))
        if self.problems:
            lines.append(f"  records that cannot be mapped: {len(self.problems)}")
        return "\n".join(lines)


class Mapper:
    """Builds the triples of an import on one reconciler (one store)."""

    def __init__(self, reconciler: Reconciler) -> None:
        self.rec = reconciler
        self.graph = Graph()
        bind_prefixes(self.graph)
        self.plan = ImportPlan(self.graph)

    def build(self, records: Iterable[PartnershipInput]) -> ImportPlan:
        """Map every record; the ones that cannot be reconciled become problems."""
        for record in records:
            self.plan.records += 1
            try:
                self._check(record)
            except (Ambiguous, ValueError) as err:
                self.plan.problems.append(Problem(record.where, str(err)))
                continue
            self._add(record)
        return self.plan

    # --- checks before anything is created ------------------------------------------------

    def _check(self, record: PartnershipInput) -> None:
        city = self._lookup(record.city)
        partner = self._lookup(record.partner)
        same = (city is not None and partner is not None and city.iri == partner.iri) or (
            record.city.wikidata is not None and record.city.wikidata == record.partner.wikidata
        )
        if same:
            raise ValueError(f"{record.city.name} cannot be its own partner")

    def _lookup(self, place: PlaceInput) -> Found | None:
        country = self.rec.find_country(place.country) if place.country else None
        return self.rec.find_place(
            place, country.iri if country else None, place.country is not None
        )

    # --- records --------------------------------------------------------------------------

    def _add(self, record: PartnershipInput) -> None:
        city, partner = self._place(record.city), self._place(record.partner)
        assert city.government is not None and partner.government is not None
        if city.iri == partner.iri:
            reason = f"{city.label} cannot be its own partner"
            self.plan.problems.append(Problem(record.where, reason))
            return
        pair = f"{city.label} – {partner.label}"
        existing = self.rec.partnership(city.government, partner.government)
        if existing is not None:
            agreement = record.agreement
            if agreement is None:
                self.plan.present.append(f"{pair} <{existing}>")
                return
            known = self.rec.agreement_on(existing, agreement.date)
            if known is not None:
                self.plan.present.append(f"{pair}, agreement of {agreement.date} <{known}>")
                return
            sources = self._sources(record)
            self._agreement(existing, _slug(existing), city, partner, agreement, sources)
            return
        sources = self._sources(record)
        iri = self.rec.mint("partnership", f"{city.slug}-{partner.slug}")
        g = self.graph
        g.add((iri, RDF.type, CP.Partnership))
        word = _TYPE_WORD.get(record.partnership_type, "partnership")
        g.add((iri, RDFS.label, Literal(f"{pair} {word}", lang="en")))
        g.add((iri, RDFS.label, Literal(f"Kemitraan {pair}", lang="id")))
        g.add((iri, CP.partner, city.government))
        g.add((iri, CP.partner, partner.government))
        g.add((iri, CP.partnershipType, record.partnership_type))
        if record.start is not None:
            prop = CP.startDate if record.start.precision == "day" else CP.startYear
            g.add((iri, prop, record.start.literal()))
        elif record.agreement is not None:
            g.add((iri, CP.attestedOn, Literal(record.agreement.date)))
        if record.end is not None and record.end.precision == "day":
            g.add((iri, CP.endDate, record.end.literal()))
        for source in sources:
            g.add((iri, PROV.wasDerivedFrom, source))
        if record.comment:
            g.add((iri, RDFS.comment, Literal(record.comment, lang="en")))
        self.rec.remember_partnership(city.government, partner.government, iri)
        when = f" since {record.start}" if record.start else ""
        self.plan.new_partnerships.append(f"{pair}{when} <{iri}>")
        if record.agreement is not None:
            self._agreement(iri, _slug(iri), city, partner, record.agreement, sources)

    # --- places, countries, governments ---------------------------------------------------

    def _place(self, place: PlaceInput) -> Found:
        country = None
        if place.country is not None:
            country = self.rec.find_country(place.country)
            if country is None:
                country = self._new_country(place.country)
            elif not country.new:
                self._link(country, place.country.wikidata)
        found = self.rec.find_place(
            place, country.iri if country else None, place.country is not None
        )
        if found is None:
            found = self._new_place(place, country)
        elif not found.new:
            if found.label not in self.plan.reused_places:
                self.plan.reused_places.append(found.label)
            self._link(found, place.wikidata)
        if found.government is None:
            found.government = self._new_government(found)
        return found

    def _link(self, found: Found, qid: str | None) -> None:
        if qid is None or found.wikidata is not None:
            return
        self.graph.add((found.iri, CP.wikidataItem, WD[qid]))
        self.rec.remember_link(found, qid)
        self.plan.linked.append(f"{found.label} ({qid})")

    def _labels(self, iri: URIRef, labels: dict[str, str], name: str) -> None:
        for lang in _LANGS:
            if labels.get(lang):
                self.graph.add((iri, RDFS.label, Literal(labels[lang], lang=lang)))
        if not (labels.get("en") or labels.get("id")):
            self.graph.add((iri, RDFS.label, Literal(name, lang="en")))

    def _new_country(self, country: CountryInput) -> Found:
        iri = self.rec.mint("country", slugify(country.name))
        self.graph.add((iri, RDF.type, CP.Country))
        self._labels(iri, country.labels, country.name)
        if country.wikidata:
            self.graph.add((iri, CP.wikidataItem, WD[country.wikidata]))
        found = Found(iri, country.name, {str(CP.Country)}, country.wikidata, new=True)
        self.rec.remember(found, country.labels.values())
        self.plan.new_countries.append(country.name)
        return found

    def _new_place(self, place: PlaceInput, country: Found | None) -> Found:
        slug = slugify(place.name)
        iri = self.rec.mint("city", slug)
        g = self.graph
        g.add((iri, RDF.type, CP.City))
        self._labels(iri, place.labels, place.name)
        if country is not None:
            g.add((iri, CP.country, country.iri))
        if place.wikidata:
            g.add((iri, CP.wikidataItem, WD[place.wikidata]))
        if place.wkt:
            geometry = self.rec.mint("geometry", _slug(iri))
            g.add((iri, GEO.hasGeometry, geometry))
            g.add((geometry, RDF.type, GEO.Geometry))
            g.add((geometry, RDFS.label, Literal(f"Point location of {place.name}", lang="en")))
            g.add((geometry, GEO.asWKT, Literal(place.wkt, datatype=GEO.wktLiteral)))
            g.add((geometry, RDFS.comment, Literal("Coordinates from Wikidata (P625).", lang="en")))
        found = Found(
            iri,
            place.name,
            {str(CP.City)},
            place.wikidata,
            country.iri if country else None,
            new=True,
        )
        self.rec.remember(found, place.labels.values())
        self.plan.new_places.append(place.name)
        return found

    def _new_government(self, place: Found) -> URIRef:
        iri = self.rec.mint("government", place.slug)
        g = self.graph
        g.add((iri, RDF.type, CP.LocalGovernment))
        if str(CP.City) in place.kinds:
            english = f"City government of {place.label}"
            indonesian = f"Pemerintah Kota {place.label}"
        else:
            english, indonesian = f"Government of {place.label}", f"Pemerintah {place.label}"
        g.add((iri, RDFS.label, Literal(english, lang="en")))
        g.add((iri, RDFS.label, Literal(indonesian, lang="id")))
        g.add((iri, CP.governs, place.iri))
        self.rec.remember_government(place.iri, iri)
        self.plan.new_governments.append(english)
        return iri

    # --- sources and agreements -----------------------------------------------------------

    def _sources(self, record: PartnershipInput) -> list[URIRef]:
        out = []
        for source in sorted(record.sources, key=lambda s: s.kind != "web"):
            iri = self.rec.source(source.url)
            if iri is None:
                iri = self.rec.mint("source", source.slug or _url_slug(source.url))
                g = self.graph
                g.add((iri, RDF.type, CP.WebPage))
                g.add((iri, RDFS.label, Literal(source.label, lang="en")))
                g.add((iri, SCHEMA.url, URIRef(source.url)))
                if source.kind == "wikidata":
                    g.add((iri, DCTERMS.title, Literal(source.label, lang="en")))
                for cited in source.cites:
                    cited_iri = self.rec.source(cited)
                    if cited_iri is not None:
                        g.add((iri, CP.citesSource, cited_iri))
                self.rec.remember_source(source.url, iri)
            if iri not in out:
                out.append(iri)
        return out

    def _agreement(
        self,
        partnership: URIRef,
        pair_slug: str,
        city: Found,
        partner: Found,
        agreement: AgreementInput,
        sources: list[URIRef],
    ) -> None:
        assert city.government is not None and partner.government is not None
        kind = agreement.document_type
        short = _SHORT.get(kind, _notation(kind))
        day = agreement.date
        slug = "-".join(part for part in (pair_slug, short, day.isoformat()) if part)
        iri = self.rec.mint("agreement", slug)
        type_label = _english(kind)
        spoken = f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
        g = self.graph
        g.add((iri, RDF.type, CP.Agreement))
        label = f"{type_label} between {city.label} and {partner.label} ({spoken})"
        g.add((iri, RDFS.label, Literal(label, lang="en")))
        g.add((iri, CP.documentType, kind))
        g.add((iri, CP.date, Literal(day)))
        g.add((iri, CP.partnership, partnership))
        g.add((iri, CP.party, city.government))
        g.add((iri, CP.party, partner.government))
        for source in sources:
            g.add((iri, PROV.wasDerivedFrom, source))
        for sector in agreement.sectors:
            commitment = self.rec.mint("commitment", f"{_slug(iri)}-{_slug(sector)}")
            g.add((commitment, RDF.type, CP.Commitment))
            what = f"{short.upper() or type_label} {day}: {_english(sector)}"
            text = f"{city.label} – {partner.label} {what}"
            g.add((commitment, RDFS.label, Literal(text, lang="en")))
            g.add((commitment, CP.commitmentOf, iri))
            g.add((commitment, CP.sector, sector))
            g.add((commitment, CP.status, CP.Stated))
            for source in sources:
                g.add((commitment, PROV.wasDerivedFrom, source))
        self.rec.remember_agreement(partnership, day, iri)
        self.plan.new_agreements.append(
            f"{type_label} of {day} ({city.label} – {partner.label}), "
            f"{len(agreement.sectors)} commitment(s) <{iri}>"
        )


def _slug(iri: URIRef) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def _url_slug(url: str) -> str:
    bare = url.split("://", 1)[-1]
    bare = bare[4:] if bare.startswith("www.") else bare
    return slugify(bare)[:60].rstrip("-") or "web-page"


def _english(term: URIRef) -> str:
    graph = vocabulary.ontology_graph()
    for prop in (SKOS.prefLabel, RDFS.label):
        for label in graph.objects(term, prop):
            if isinstance(label, Literal) and label.language == "en":
                return str(label)
    return _slug(term)


def _notation(term: URIRef) -> str:
    value = vocabulary.ontology_graph().value(term, SKOS.notation)
    return str(value) if value is not None else slugify(_slug(term))
