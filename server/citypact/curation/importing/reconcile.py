"""Reconciling imported records with the graph: find what is already there, mint what is not.

Places are found by Wikidata item first, then by any label or alternative label (any language,
ignoring case) in a compatible country; a place with another Wikidata item is never taken for
the input. What an import creates is remembered, so that later records of the same import find
it too (two rows naming the same new city make one city). Every lookup is a named query of
``queries/importing/``, so it runs on any store: the embedded one, or a server's ``/sparql``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from rdflib import Literal, URIRef

from citypact import resources
from citypact.curation.importing.records import WIKIDATA_ENTITY, CountryInput, PlaceInput
from citypact.namespaces import CP, entity_iri
from citypact.store.port import Store, Term
from citypact.store.queries import QueryRegistry


class Ambiguous(Exception):
    """More than one node in the graph fits a name: the record cannot be reconciled safely."""


def importing_queries() -> QueryRegistry:
    """The named queries of ``queries/importing/``."""
    return QueryRegistry(resources.query_dir() / "importing")


def slugify(text: str, fallback: str = "unnamed") -> str:
    """An ASCII slug: lower case, hyphenated (``Kuala Lumpur`` → ``kuala-lumpur``)."""
    # A typographic apostrophe separates words as a straight one does (Tai’an → tai-an).
    text = re.sub(r"[’‘ʼ`´]", "'", text)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-") or fallback


@dataclass
class Found:
    """A place (or country) of the graph, or one created by this import."""

    iri: URIRef
    label: str
    kinds: set[str] = field(default_factory=set)
    wikidata: str | None = None
    country: URIRef | None = None
    government: URIRef | None = None
    new: bool = False

    @property
    def slug(self) -> str:
        """The last segment of the IRI (``city/jakarta`` → ``jakarta``)."""
        return str(self.iri).rstrip("/").rsplit("/", 1)[-1]

    @property
    def is_country(self) -> bool:
        """Whether it is a cp:Country."""
        return str(CP.Country) in self.kinds


class Reconciler:
    """Lookups on one store, plus the memory of what the current import creates."""

    def __init__(self, store: Store, queries: QueryRegistry | None = None) -> None:
        self.store = store
        self.queries = queries or importing_queries()
        self._by_qid: dict[str, Found] = {}
        self._by_name: dict[str, list[Found]] = {}
        self._links: dict[URIRef, str] = {}
        self._governments: dict[URIRef, URIRef] = {}
        self._partnerships: dict[frozenset[URIRef], URIRef] = {}
        self._agreements: dict[URIRef, dict[date, URIRef]] = {}
        self._sources: dict[str, URIRef] = {}
        self._minted: set[str] = set()

    # --- places and countries -------------------------------------------------------------

    def find_country(self, country: CountryInput) -> Found | None:
        """The country of the graph (or of this import) that the input names, if any."""
        return self._find(country.wikidata, country.labels.values(), True, None, False)

    def find_place(
        self, place: PlaceInput, country: URIRef | None, country_given: bool
    ) -> Found | None:
        """The city or region the input names, if any; Ambiguous when several fit.

        ``country`` is the input's country in the graph; with ``country_given`` and no
        ``country`` (a country new to the graph) only places without a country can match.
        """
        return self._find(place.wikidata, place.labels.values(), False, country, country_given)

    def _find(
        self,
        qid: str | None,
        names: Iterable[str],
        countries: bool,
        country: URIRef | None,
        country_given: bool,
    ) -> Found | None:
        if qid:
            hits = [f for f in self._by_wikidata(qid) if f.is_country == countries]
            if len(hits) > 1:
                raise Ambiguous(
                    f"several places carry Wikidata item {qid}: "
                    + ", ".join(f"<{f.iri}>" for f in hits)
                )
            if hits:
                return hits[0]
        keys = sorted({" ".join(n.lower().split()) for n in names if n and n.strip()})
        if not keys:
            return None
        candidates = [
            f
            for f in self._by_names(keys)
            if f.is_country == countries
            and (f.wikidata is None or qid is None or f.wikidata == qid)
            and (countries or _country_fits(f, country, country_given))
        ]
        if len(candidates) > 1 and country is not None:
            exact = [f for f in candidates if f.country == country]
            candidates = exact or candidates
        if len(candidates) > 1:
            raise Ambiguous(
                f"the name {keys[0]!r} fits several places: "
                + ", ".join(f"<{f.iri}>" for f in candidates)
            )
        return candidates[0] if candidates else None

    def _by_wikidata(self, qid: str) -> list[Found]:
        found = {}
        if qid in self._by_qid:
            found[self._by_qid[qid].iri] = self._by_qid[qid]
        text = self.queries["places_by_wikidata"].bind(item=URIRef(WIKIDATA_ENTITY + qid))
        for row in self.store.select(text).rows:
            self._collect(found, row, qid)
        return list(found.values())

    def _by_names(self, keys: list[str]) -> list[Found]:
        found: dict[URIRef, Found] = {}
        for key in keys:
            for hit in self._by_name.get(key, []):
                found[hit.iri] = hit
        text = self.queries["places_by_label"].bind(name=[Literal(k) for k in keys])
        for row in self.store.select(text).rows:
            item = row.get("item")
            qid = str(item.value).rsplit("/", 1)[-1] if item is not None else None
            self._collect(found, row, qid)
        return list(found.values())

    def _collect(self, found: dict[URIRef, Found], row: dict[str, Term], qid: str | None) -> None:
        iri = URIRef(row["place"].value)
        entry = found.get(iri)
        if entry is None:
            label = row.get("label")
            entry = Found(
                iri,
                label.value if label is not None else iri.rsplit("/", 1)[-1],
                wikidata=self._links.get(iri, qid),
                country=_iri(row.get("country")),
                government=self._governments.get(iri) or _iri(row.get("government")),
            )
            found[iri] = entry
        entry.kinds.add(row["kind"].value)
        government = _iri(row.get("government"))
        if entry.government is None and government is not None:
            entry.government = government

    def remember(self, found: Found, names: Iterable[str]) -> None:
        """Make a place or country created by this import findable by its item and names."""
        if found.wikidata:
            self._by_qid[found.wikidata] = found
        for name in {" ".join(n.lower().split()) for n in names if n and n.strip()}:
            self._by_name.setdefault(name, []).append(found)

    def remember_link(self, found: Found, qid: str) -> None:
        """A Wikidata item this import adds to an existing place."""
        found.wikidata = qid
        self._links[found.iri] = qid
        self._by_qid[qid] = found

    def remember_government(self, place: URIRef, government: URIRef) -> None:
        """A government this import creates for a place."""
        self._governments[place] = government

    # --- partnerships, agreements, sources ------------------------------------------------

    def partnership(self, a: URIRef, b: URIRef) -> URIRef | None:
        """The partnership joining two governments, if there is one."""
        key = frozenset((a, b))
        if key in self._partnerships:
            return self._partnerships[key]
        text = self.queries["partnerships_of"].bind(government=a)
        for row in self.store.select(text).rows:
            if row["other"].value == str(b):
                return URIRef(row["partnership"].value)
        return None

    def remember_partnership(self, a: URIRef, b: URIRef, iri: URIRef) -> None:
        """A partnership this import creates."""
        self._partnerships[frozenset((a, b))] = iri

    def agreement_on(self, partnership: URIRef, day: date) -> URIRef | None:
        """An agreement of the partnership dated ``day``, if there is one."""
        if day in self._agreements.get(partnership, {}):
            return self._agreements[partnership][day]
        text = self.queries["partnership_agreements"].bind(partnership=partnership)
        for row in self.store.select(text).rows:
            value = row.get("date")
            if value is not None and value.value == day.isoformat():
                return URIRef(row["agreement"].value)
        return None

    def remember_agreement(self, partnership: URIRef, day: date, iri: URIRef) -> None:
        """An agreement this import creates."""
        self._agreements.setdefault(partnership, {})[day] = iri

    def source(self, url: str) -> URIRef | None:
        """The source the graph (or this import) holds for a URL, if any."""
        if url in self._sources:
            return self._sources[url]
        rows = self.store.select(self.queries["sources_by_url"].bind(url=URIRef(url))).rows
        return URIRef(rows[0]["source"].value) if rows else None

    def remember_source(self, url: str, iri: URIRef) -> None:
        """A source this import creates."""
        self._sources[url] = iri

    # --- new IRIs -------------------------------------------------------------------------

    def mint(self, kind: str, slug: str) -> URIRef:
        """A new IRI ``id/{kind}/{slug}``, with ``-2``, ``-3``, ... when the slug is taken."""
        base = entity_iri(kind, slug)
        for number in range(1, 1000):
            candidate = base if number == 1 else f"{base}-{number}"
            if candidate in self._minted:
                continue
            text = self.queries["iris_in_use"].bind(iri=URIRef(candidate))
            if not self.store.select(text).rows:
                self._minted.add(candidate)
                return URIRef(candidate)
        raise RuntimeError(f"no free IRI for {base}")


def _iri(term: Term | None) -> URIRef | None:
    return URIRef(term.value) if term is not None else None


def _country_fits(found: Found, country: URIRef | None, country_given: bool) -> bool:
    if found.country is None or not country_given:
        return True
    return found.country == country
