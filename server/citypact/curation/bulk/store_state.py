"""What the store already holds that a bulk import must reuse: places (with their names,
identifiers and governments), countries, partnerships and the IRIs in use. Four queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from citypact.curation.bulk.countries import read_country
from citypact.curation.bulk.places import ExistingPlace
from citypact.curation.importing.reconcile import importing_queries
from citypact.namespaces import CP
from citypact.store.port import QueryOptions, Store

_KINDS = {str(CP.City): "city"}  # every other kind the query lists is a region


@dataclass
class _PlaceRows:
    names: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    values: dict[str, str] = field(default_factory=dict)
    has_point: bool = False


@dataclass
class StoreState:
    """The store's places, countries by ISO code, partnerships by their two governments, and
    the entity IRIs in use."""

    places: list[ExistingPlace] = field(default_factory=list)
    countries: dict[str, str] = field(default_factory=dict)
    coded_countries: set[str] = field(default_factory=set)  # codes the graph states already
    partnerships: dict[tuple[str, str], str] = field(default_factory=dict)
    iris: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, store: Store, timeout: float = 120.0) -> StoreState:
        """Read it with the named queries of ``queries/importing/bulk_*.rq``."""
        queries = importing_queries()
        options = QueryOptions.whole_graph(timeout)
        state = cls()
        for row in store.select(queries["bulk_countries"].bind(), options).rows:
            code = row["code"].value if "code" in row else None
            if code is not None:
                state.coded_countries.add(code)
            if code is None and "name" in row:
                code = read_country(row["name"].value).code
            if code:
                state.countries.setdefault(code, row["country"].value)
        rows: dict[str, _PlaceRows] = defaultdict(_PlaceRows)
        for row in store.select(queries["bulk_places"].bind(), options).rows:
            entry = rows[row["place"].value]
            entry.names.add(row["name"].value)
            entry.kinds.add(_KINDS.get(row["kind"].value, "region"))
            for column in ("countryCode", "countryName", "wikidata", "geonames", "government"):
                if column in row:
                    entry.values.setdefault(column, row[column].value)
            entry.has_point = entry.has_point or row["hasPoint"].value == "true"
        for iri, entry in sorted(rows.items()):
            code = entry.values.get("countryCode")
            if code is None and "countryName" in entry.values:
                code = read_country(entry.values["countryName"]).code
            wikidata = entry.values.get("wikidata")
            geonames = entry.values.get("geonames")
            state.places.append(
                ExistingPlace(
                    iri,
                    "city" if "city" in entry.kinds else "region",
                    frozenset(entry.names),
                    code,
                    wikidata.rsplit("/", 1)[-1] if wikidata else None,
                    int(geonames) if geonames and geonames.isdigit() else None,
                    entry.has_point,
                    entry.values.get("government"),
                )
            )
        for row in store.select(queries["bulk_partnerships"].bind(), options).rows:
            state.partnerships[(row["a"].value, row["b"].value)] = row["partnership"].value
        for row in store.select(queries["bulk_subjects"].bind(), options).rows:
            state.iris.add(row["entity"].value)
        return state
