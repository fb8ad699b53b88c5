"""Resolving every mention of the lists to one place, without guessing.

Wikipedia's names are places of their country: one GeoNames place of that name in the country
identifies it (several: the list's own coordinates, checked against the country, must pick one
within 25 km). A Wikidata item is the same place as a Wikipedia name only on evidence: a tie both
sources state joins the two names; a gazetteer keyed by Wikidata item (Natural Earth) gives the
item's GeoNames place, and it is the Wikipedia name's; or the item's label names exactly one
GeoNames place in the world and it is the Wikipedia name's. Items the lists do not link are
located by those gazetteers (Natural Earth; dr5hn's records where their name or their agreement
confirms the item). What stays undecided is kept apart and listed in
:attr:`Reconciled.ambiguous`. Finally every place is matched to the store's own places: by
Wikidata item, by GeoNames id, then by a name within the same country and of the same kind (a
city is never merged with the region of the same name).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from citypact.curation.bulk.countries import subdivision_names
from citypact.curation.bulk.geonames import GeoNames, distance_km
from citypact.curation.bulk.lists import (
    WIKIDATA,
    WIKIPEDIA,
    ItemPlace,
    NamedPlace,
    Refused,
    WikidataTwinning,
    WikipediaLists,
)
from citypact.curation.bulk.names import base, core, fold, identity
from citypact.curation.bulk.places import Ambiguity, ExistingPlace, Place, Tie

PICK_KM = 25.0  # the list's coordinates pick a GeoNames namesake within this distance
CONFLICT_KM = 50.0  # a GeoNames match this far from the list's checked coordinates is refused
AGREE_KM = 30.0  # records of one item agree when they lie this close
SAME_POINT_KM = 2.0  # a GeoNames place of the same name this close is the item's
LINK_ROUNDS = 3  # rounds that link the partners of items already linked


@dataclass(frozen=True)
class Mention:
    """A tie as one source states it, between two place keys."""

    source: str
    path: str
    line: int
    a: str
    b: str


@dataclass
class Reconciled:
    """Places (by key), the ties the sources state, and what could not be decided or mapped."""

    places: dict[str, Place] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    ambiguous: list[Ambiguity] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    alias: dict[str, str] = field(default_factory=dict)

    def key(self, key: str) -> str:
        """The key a place is known by now (merges redirect keys)."""
        while key in self.alias:
            key = self.alias[key]
        return key

    def merge(self, keep: str, other: str, why: str) -> None:
        """Make ``other`` the same place as ``keep`` (its names, item, sources and flags)."""
        keep, other = self.key(keep), self.key(other)
        if keep == other:
            return
        a, b = self.places[keep], self.places.pop(other)
        a.names |= b.names
        a.sources |= b.sources
        a.flags |= b.flags - {"ambiguous"}
        a.qid = a.qid or b.qid
        a.geonames_id = a.geonames_id or b.geonames_id
        self.alias[other] = keep
        self.counts[f"places merged: {why}"] += 1

    def ties(self) -> dict[tuple[str, str], Tie]:
        """The partnerships: each pair of places once, with every source's lines. A mention
        whose two ends became one place is refused."""
        out: dict[tuple[str, str], Tie] = {}
        for m in self.mentions:
            a, b = self.key(m.a), self.key(m.b)
            if a == b:
                name = self.places[a].name
                reason = f"both ends are one place ({name!r})"
                self.refused.append(Refused(m.source, m.path, m.line, reason))
                continue
            pair = (a, b) if a < b else (b, a)
            out.setdefault(pair, Tie(*pair)).add(m.source, m.line)
        return out


class Reconciler:
    """Runs the resolution: Wikipedia's lists, then Wikidata's items, then the store."""

    def __init__(self, geonames: GeoNames, existing: Iterable[ExistingPlace] = ()) -> None:
        self.gn = geonames
        self.existing = list(existing)
        self.out = Reconciled()
        self._wp_key: dict[tuple[str, str, str | None], str] = {}

    # --- Wikipedia ------------------------------------------------------------------------------

    def add_wikipedia(self, lists: WikipediaLists, path: str) -> None:
        """Places by (name, country, UK nation), their GeoNames match and coordinates, ties."""
        out = self.out
        out.refused += lists.refused
        ends: dict[tuple[str, str, str | None], NamedPlace] = {}
        for tie in lists.ties:
            for end in (tie.a, tie.b):
                ends.setdefault(self._identity(end), end)
        # A UK place given without its nation is the one of the same name given with it.
        nations: dict[tuple[str, str], set[str]] = defaultdict(set)
        for name, code, nation in ends:
            if code == "GB" and nation:
                nations[(name, code)].add(nation)
        for ident in sorted(ends, key=str):
            name, code, nation = ident
            canonical = ident
            if code == "GB" and not nation and len(nations[(name, code)]) == 1:
                canonical = (name, code, next(iter(nations[(name, code)])))
            if canonical not in self._wp_key:
                end = ends.get(canonical, ends[ident])
                self._wp_key[canonical] = self._new_wp_place(canonical, end)
            self._wp_key[ident] = self._wp_key[canonical]
        for ident, end in ends.items():
            place = out.places[self._wp_key[ident]]
            place.names.add(end.name)
            geocode = lists.geocodes.get((end.name, end.country_text))
            if geocode and "geocode" not in place.flags:
                self._check_geocode(place, geocode)
        for key in sorted(set(self._wp_key.values())):
            self._match_geonames(out.places[key])
        self._merge_variants()
        for tie in lists.ties:
            a = self._wp_key[self._identity(tie.a)]
            b = self._wp_key[self._identity(tie.b)]
            out.mentions.append(Mention(WIKIPEDIA, path, tie.line, a, b))

    @staticmethod
    def _identity(end: NamedPlace) -> tuple[str, str, str | None]:
        assert end.country.code is not None
        return identity(end.name), end.country.code, end.country.nation

    def _new_wp_place(self, ident: tuple[str, str, str | None], end: NamedPlace) -> str:
        key = f"wp:{ident[1]}:{ident[2] or ''}:{ident[0]}"
        self.out.places[key] = Place(
            key, name=end.name, country=ident[1], nation=ident[2], sources={WIKIPEDIA}
        )
        return key

    def _check_geocode(self, place: Place, geocode: tuple[float, float, bool]) -> None:
        """Keep the list's coordinates if a GeoNames place of the same country lies near."""
        point = (geocode[0], geocode[1])
        place.flags.add("geocode")
        if any(self.gn.places[g].country == place.country for _, g in self.gn.near(point, PICK_KM)):
            place.flags.add("geocode-checked" if geocode[2] else "geocode-coarse")
            place.point, place.point_source = point, "geocode"
        else:
            self.out.counts["list coordinates outside their country (dropped)"] += 1

    def _match_geonames(self, place: Place) -> None:
        assert place.country is not None
        candidates: set[int] = set()
        for key in (fold(place.name), base(place.name)):
            candidates = self.gn.in_country(key, place.country)
            if candidates:
                break
        checked = place.point if "geocode-checked" in place.flags else None
        chosen = None
        if len(candidates) == 1:
            chosen, place.method = next(iter(candidates)), "geonames-in-country"
        elif len(candidates) > 1 and checked:
            near = [g for g in candidates if self._km(checked, g) <= PICK_KM]
            if len(near) == 1:
                chosen, place.method = near[0], "geonames-near-geocode"
        if len(candidates) > 1 and chosen is None:
            self._ambiguous(place, "several GeoNames places of this name", candidates)
        if chosen is not None and checked and self._km(checked, chosen) > CONFLICT_KM:
            self._ambiguous(place, "GeoNames namesake far from the list's coordinates", {chosen})
            chosen, place.method = None, "unmatched"
        if chosen is None:
            subdivision = subdivision_names().get((base(place.name), place.country))
            if subdivision and not candidates:
                place.kind = "region"
            return
        self._use_geonames(place, chosen)

    def _use_geonames(self, place: Place, gid: int) -> None:
        found = self.gn.places[gid]
        place.geonames_id = gid
        place.point, place.point_source = (found.latitude, found.longitude), "geonames"
        place.country = place.country or found.country

    def _km(self, point: tuple[float, float], gid: int) -> float:
        found = self.gn.places[gid]
        return distance_km(point, (found.latitude, found.longitude))

    def _ambiguous(self, place: Place, reason: str, gids: Iterable[int]) -> None:
        place.flags.add("ambiguous")
        names = tuple(
            f"GeoNames {g}: {self.gn.places[g].name}, {self.gn.places[g].country}"
            f"-{self.gn.places[g].admin1}"
            for g in sorted(gids)
        )
        mention = f"{place.name} ({place.country})"
        self.out.ambiguous.append(Ambiguity(WIKIPEDIA, mention, reason, names))

    def _merge_variants(self) -> None:
        """Spellings of one name (accents) with the same GeoNames place are one place."""
        groups: dict[tuple[str, str | None, str | None, int], list[str]] = defaultdict(list)
        for key, place in self.out.places.items():
            if place.geonames_id is not None:
                ident = (fold(place.name), place.country, place.nation, place.geonames_id)
                groups[ident].append(key)
        for keys in groups.values():
            keep, *others = sorted(keys)
            for other in others:
                self.out.merge(keep, other, "spellings of one name, one GeoNames place")

    # --- Wikidata -------------------------------------------------------------------------------

    def add_wikidata(self, twinning: WikidataTwinning, path: str) -> None:
        """Link items to Wikipedia's places by the ties both state; the others become places."""
        out = self.out
        out.refused += twinning.refused
        labels = twinning.labels
        pairs = sorted({(min(t.a, t.b), max(t.a, t.b)) for t in twinning.ties})
        partners: dict[str, set[str]] = defaultdict(set)
        for m in out.mentions:
            a, b = out.key(m.a), out.key(m.b)
            partners[a].add(b)
            partners[b].add(a)
        by_fold: dict[str, set[str]] = defaultdict(set)
        by_base: dict[str, set[str]] = defaultdict(set)
        self._by_gid: dict[int, set[str]] = defaultdict(set)
        for key, place in out.places.items():
            for name in place.names:
                by_fold[fold(name)].add(key)
                by_base[base(name)].add(key)
            if place.geonames_id is not None:
                self._by_gid[place.geonames_id].add(key)

        def strict(qid: str) -> set[str]:
            return set(by_fold.get(fold(labels.get(qid, "")), ()))

        def loose(qid: str) -> set[str]:
            label = labels.get(qid, "")
            found = strict(qid) | by_base.get(base(label), set())
            for gid in self.gn.worldwide(fold(label)):  # exonyms: "Moskau", "Peking"
                found |= self._by_gid.get(gid, set())
            return found

        votes: dict[str, Counter[str]] = defaultdict(Counter)
        for candidates in (strict, loose):
            for a, b in pairs:
                matches = [(p, q) for p in candidates(a) for q in candidates(b) if q in partners[p]]
                if len(matches) == 1:
                    votes[a][matches[0][0]] += 1
                    votes[b][matches[0][1]] += 1
        linked, conflicting = _decide(votes)
        for _round in range(LINK_ROUNDS):
            for a, b in pairs:
                for x, y in ((a, b), (b, a)):
                    if x in linked and y not in linked:
                        found = [p for p in partners[linked[x]] if p in loose(y)]
                        if len(found) == 1:
                            votes[y][found[0]] += 1
            linked, conflicting = _decide(votes)
        for qid in sorted(conflicting):
            options = tuple(
                sorted(f"{out.places[k].name} ({out.places[k].country})" for k in votes[qid])
            )
            mention = f"{labels.get(qid, qid)} ({qid})"
            out.ambiguous.append(
                Ambiguity(WIKIDATA, mention, "its ties point to several places", options)
            )
        for qid in sorted({q for t in twinning.ties for q in (t.a, t.b)}):
            label = labels.get(qid, qid)
            if qid in linked:
                place = out.places[linked[qid]]
                place.qid, place.method = qid, "pair-evidence"
                place.sources.add(WIKIDATA)
                place.names.add(label)
                out.alias[f"wd:{qid}"] = linked[qid]
                continue
            key = f"wd:{qid}"
            place = Place(key, name=label, name_is_english=False, names={label}, qid=qid)
            place.sources.add(WIKIDATA)
            if qid in conflicting:
                place.flags.add("ambiguous")
            out.places[key] = place
        for tie in twinning.ties:
            out.mentions.append(Mention(WIKIDATA, path, tie.line, f"wd:{tie.a}", f"wd:{tie.b}"))

    # --- gazetteers keyed by Wikidata item ------------------------------------------------------

    def locate_items(
        self, natural_earth: dict[str, ItemPlace], dr5hn: dict[str, list[ItemPlace]]
    ) -> None:
        """Coordinates, country and GeoNames id of the places with a Wikidata item, from the
        gazetteers keyed by item; an item-only place whose GeoNames place is a Wikipedia name's
        becomes that place. Then Wikipedia's places get the item Natural Earth gives their
        GeoNames place."""
        out = self.out
        for key in sorted(k for k in out.places if k.startswith("wd:")):
            place = out.places.get(key)
            if place is None or place.qid is None:
                continue
            ne = natural_earth.get(place.qid)
            if ne is not None:
                self._locate(place, ne, "natural-earth")
                if ne.geonames_id in self.gn.places:
                    place.geonames_id = ne.geonames_id
            else:
                record = self._confirmed_record(place, dr5hn.get(place.qid, []))
                if record is not None:
                    self._locate(place, record, "dr5hn")
                    self._geonames_at(place, record)
            if place.geonames_id is not None:
                self._join_by_gid(
                    key, place.geonames_id, "item's GeoNames place is a listed name's"
                )
        by_gid = self._ne_by_gid(natural_earth)
        used = {p.qid for p in out.places.values() if p.qid}
        for _key, place in sorted(out.places.items()):
            if place.qid is None and place.geonames_id is not None:
                match = by_gid.get(place.geonames_id)
                if match and match not in used:
                    used.add(match)
                    place.qid = match
                    place.flags.add("qid-from-natural-earth")
        self._unique_names()
        self._crosswalk(dr5hn)

    def _locate(self, place: Place, item: ItemPlace, source: str) -> None:
        if place.point is None:
            place.point, place.point_source = (item.latitude, item.longitude), source
        place.country = place.country or item.country
        if not place.name_is_english:
            place.name, place.name_is_english = item.name, True
        if place.method == "unmatched":
            place.method = source
        place.sources.add(source)

    @staticmethod
    def _confirmed_record(place: Place, records: list[ItemPlace]) -> ItemPlace | None:
        """The item's record whose name is the item's, else the records if they agree."""
        keys = {fold(n) for n in place.names} | {base(n) for n in place.names}
        named = [r for r in records if fold(r.name) in keys or base(r.name) in keys]
        if len(named) == 1:
            return named[0]
        chosen = named or records
        if chosen and all(
            distance_km((r.latitude, r.longitude), (chosen[0].latitude, chosen[0].longitude))
            <= AGREE_KM
            for r in chosen
        ):
            return chosen[0]
        return None

    def _geonames_at(self, place: Place, item: ItemPlace) -> None:
        """The GeoNames place of the item's name at the item's point, if exactly one."""
        keys = {fold(n) for n in place.names} | {fold(item.name)}
        here = [
            g
            for d, g in self.gn.near((item.latitude, item.longitude), SAME_POINT_KM)
            if fold(self.gn.places[g].name) in keys
        ]
        if len(here) == 1:
            place.geonames_id = here[0]

    def _join_by_gid(self, key: str, gid: int, why: str) -> bool:
        """Merge an item-only place into the one Wikipedia place of its GeoNames place."""
        listed = [
            k
            for k in self._by_gid.get(gid, ())
            if k in self.out.places and self.out.places[k].qid is None
        ]
        if len(listed) != 1:
            return False
        target = self.out.places[listed[0]]
        item = self.out.places[key]
        if target.country and item.country and target.country != item.country:
            return False
        target.method = "same-geonames-place"
        self.out.merge(listed[0], key, why)
        return True

    @staticmethod
    def _ne_by_gid(natural_earth: dict[str, ItemPlace]) -> dict[int, str]:
        counted = Counter(i.geonames_id for i in natural_earth.values() if i.geonames_id)
        return {
            i.geonames_id: i.qid
            for i in natural_earth.values()
            if i.geonames_id and counted[i.geonames_id] == 1
        }

    def _unique_names(self) -> None:
        """Item-only places still unlocated: the one GeoNames place in the world of their label,
        when no other item claims it (if it is a listed name's place, they are one place)."""
        out = self.out
        unlocated = [
            k
            for k, p in sorted(out.places.items())
            if k.startswith("wd:") and p.point is None and "ambiguous" not in p.flags
        ]
        found: dict[str, int] = {}
        for key in unlocated:
            name = out.places[key].name
            for lookup in (fold(name), core(name)):
                gids = self.gn.worldwide(lookup)
                if gids:
                    break
            if len(gids) == 1:
                found[key] = next(iter(gids))
        claimed = Counter(found.values())
        used = {p.geonames_id for p in out.places.values() if p.geonames_id is not None}
        for key, gid in found.items():
            if claimed[gid] > 1:
                continue
            if self._join_by_gid(
                key, gid, "item's label names one GeoNames place, a listed name's"
            ):
                continue
            if gid in used:
                continue
            place = out.places[key]
            self._use_geonames(place, gid)
            place.name, place.name_is_english = self.gn.places[gid].name, True
            place.method = "unique-name-worldwide"

    def _crosswalk(self, dr5hn: dict[str, list[ItemPlace]]) -> None:
        """Listed places without an item: the one dr5hn record of their name in their country
        (at their point, if they have one) gives its item, when no other record carries that
        item and no other place has it; a place without coordinates takes the record's."""
        out = self.out
        by_name: dict[tuple[str, str | None], list[ItemPlace]] = defaultdict(list)
        for records in dr5hn.values():
            if len(records) == 1:  # an item on several records is not trusted as an identifier
                by_name[(fold(records[0].name), records[0].country)].append(records[0])
        used = {p.qid for p in out.places.values() if p.qid}
        for _key, place in sorted(out.places.items()):
            if place.qid is not None or place.country is None:
                continue
            found = {
                r.qid: r
                for n in place.names
                for k in {fold(n), base(n)}
                for r in by_name.get((k, place.country), ())
                if place.point is None
                or distance_km(place.point, (r.latitude, r.longitude)) <= SAME_POINT_KM
            }
            if len(found) != 1:
                continue
            record = next(iter(found.values()))
            if record.qid in used:
                continue
            used.add(record.qid)
            place.qid = record.qid
            place.flags.add("qid-from-dr5hn")
            if place.point is None:
                place.point, place.point_source = (record.latitude, record.longitude), "dr5hn"
                place.sources.add("dr5hn")

    # --- the store's own places ----------------------------------------------------------------

    def match_existing(self) -> None:
        """Give each place the store's node for it, if the store holds it (never one node to two
        places: a second claim is listed as ambiguous and kept apart)."""
        by_qid = {e.qid: e for e in self.existing if e.qid}
        by_gid = {e.geonames_id: e for e in self.existing if e.geonames_id}
        by_name: dict[tuple[str, str | None], dict[str, ExistingPlace]] = defaultdict(dict)
        for e in self.existing:
            for name in e.names:
                for key in {fold(name), base(name)}:
                    by_name[(key, e.country)][e.iri] = e
        taken: dict[str, str] = {}
        for key in sorted(self.out.places):
            place = self.out.places[key]
            found = by_qid.get(place.qid) if place.qid else None
            found = found or (by_gid.get(place.geonames_id) if place.geonames_id else None)
            if found is None and place.country:
                named = {
                    iri: e
                    for n in place.names
                    for k in {fold(n), base(n)}
                    for iri, e in by_name.get((k, place.country), {}).items()
                    if e.kind == place.kind
                }
                if len(named) > 1:
                    self.out.ambiguous.append(
                        Ambiguity(
                            "store",
                            f"{place.name} ({place.country})",
                            "several places of the graph",
                            tuple(sorted(named)),
                        )
                    )
                found = next(iter(named.values())) if len(named) == 1 else None
            if found is None:
                continue
            if found.iri in taken:
                mention = f"{place.name} ({place.country})"
                self.out.ambiguous.append(
                    Ambiguity("store", mention, "the graph's place is another's", (found.iri,))
                )
                continue
            taken[found.iri] = key
            place.existing = found.iri
            place.flags.add("in-store")
            place.kind = found.kind
            place.country = place.country or found.country


def _decide(votes: dict[str, Counter[str]]) -> tuple[dict[str, str], set[str]]:
    """Items with one candidate place; the others, and places two items claim, are undecided."""
    linked: dict[str, str] = {}
    conflicting = set()
    for qid, counter in votes.items():
        if len(counter) == 1:
            linked[qid] = next(iter(counter))
        else:
            conflicting.add(qid)
    claims: dict[str, set[str]] = defaultdict(set)
    for qid, key in linked.items():
        claims[key].add(qid)
    for qids in claims.values():
        if len(qids) > 1:
            for qid in qids:
                conflicting.add(qid)
                linked.pop(qid)
    return linked, conflicting
