"""The partnership network read from the graph: nodes, edges and the years each edge was in force.

:func:`read_network` runs the named queries of ``queries/network/`` (none takes user input)
and assembles a :class:`Network`: one :class:`Node` per place a partner government governs (or
per government, when the graph names no place for it) and one :class:`Edge` per
``cp:Partnership``. :mod:`citypact.network.columns` turns it into the three tables.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from citypact.network import countries
from citypact.network.timeline import KnownDate, StatusChange, Timeline, parse_known
from citypact.resources import query_dir
from citypact.store.port import QueryOptions, Store, Term
from citypact.store.queries import QueryRegistry

CP = "https://w3id.org/citypact/ontology#"
SECTOR_SCHEME = "https://w3id.org/citypact/id/sector"
SCHEMES = {
    SECTOR_SCHEME: "sector",
    CP + "PartnershipTypes": "type",
    CP + "PartnershipStatuses": "status",
}
# The kind of a place: its most specific class, a city first (Jakarta is a city and a special
# region).
KINDS = (
    ("City", "city"),
    ("SpecialRegion", "special-region"),
    ("FederalTerritory", "federal-territory"),
    ("State", "state"),
    ("Province", "province"),
    ("Region", "region"),
    ("Country", "country"),
    ("Place", "place"),
)
_POINT = re.compile(r"POINT\s*\(\s*(-?[\d.eE+-]+)\s+(-?[\d.eE+-]+)\s*\)", re.IGNORECASE)
_LANG_ORDER = {"en": 0, "": 1, "id": 2, "ms": 3}
KIND_OF_DATE = {"start", "start-year", "formed", "in-force", "attested", "agreement"}


@cache
def network_queries() -> QueryRegistry:
    """The queries of ``queries/network/``, parsed once."""
    return QueryRegistry(query_dir() / "network")


@dataclass
class Node:
    """A place (or a government with no place) in the network."""

    id: str
    governments: list[str] = field(default_factory=list)
    name: str = ""
    kind: str = "government"
    country: str = ""
    subdivision: str = ""
    wikidata: str = ""
    geonames: str = ""
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None

    @property
    def region(self) -> str:
        """The continent code of the node's country (GeoNames: AF, AN, AS, EU, NA, OC, SA)."""
        return countries.continent_of(self.country)


@dataclass
class Edge:
    """A partnership: its two nodes (``a`` before ``b`` by IRI) and what the graph says of it."""

    partnership: str
    a: str
    b: str
    government_a: str
    government_b: str
    type: str = ""
    sectors: tuple[str, ...] = ()
    sector_closure: frozenset[str] = frozenset()
    agreements: int = 0
    sources: tuple[str, ...] = ()
    timeline: Timeline = field(default_factory=Timeline)

    @property
    def status(self) -> tuple[str, KnownDate | None]:
        """The current status and its date (see :mod:`citypact.network.timeline`)."""
        return self.timeline.status()

    def years(self) -> list[tuple[int, str, bool]]:
        """(year, status, attested) for each year in force."""
        return self.timeline.panel_years()


@dataclass
class Network:
    """The whole network, or a slice of it."""

    nodes: dict[str, Node]
    edges: list[Edge]
    sector_labels: dict[str, str] = field(default_factory=dict)
    vocabulary: dict[str, set[str]] = field(default_factory=dict)

    def degrees(self) -> dict[str, int]:
        """Partnerships per node."""
        counts: dict[str, int] = defaultdict(int)
        for edge in self.edges:
            counts[edge.a] += 1
            counts[edge.b] += 1
        return counts


def _value(row: dict[str, Term], name: str) -> str:
    term = row.get(name)
    return "" if term is None else str(term.value)


def _local(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/"))[-1]


def _slug(iri: str, notations: dict[str, str]) -> str:
    if iri in notations:
        return notations[iri]
    name = _local(iri)
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _pick_label(labels: Iterable[tuple[str, str]]) -> str:
    ordered = sorted(labels, key=lambda item: (_LANG_ORDER.get(item[1], 9), item[1], item[0]))
    return ordered[0][0] if ordered else ""


class _Reader:
    """Runs the network queries on a store within one deadline."""

    def __init__(self, store: Store, timeout: float, check: Callable[[], None]) -> None:
        self.store = store
        self.options = QueryOptions.whole_graph(timeout)
        self.check = check

    def rows(self, name: str) -> list[dict[str, Term]]:
        self.check()
        result = self.store.select(network_queries()[name].bind(), self.options)
        return result.rows


@dataclass
class _Concepts:
    notations: dict[str, str] = field(default_factory=dict)
    broader: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    labels: dict[str, str] = field(default_factory=dict)
    schemes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def _concepts(reader: _Reader) -> _Concepts:
    """Notations of the concepts, the broader sectors of each sector, sector labels, and the
    concepts of each scheme."""
    found = _Concepts()
    notations, broader, labels = found.notations, found.broader, found.labels
    rows = reader.rows("concepts")
    for row in rows:
        concept = _value(row, "concept")
        if _value(row, "notation"):
            notations[concept] = _value(row, "notation")
        if _value(row, "broader"):
            broader[concept].add(_value(row, "broader"))
        if _value(row, "label") and _value(row, "scheme") == SECTOR_SCHEME:
            labels[concept] = _value(row, "label")
    for row in rows:
        scheme = SCHEMES.get(_value(row, "scheme"))
        if scheme:
            found.schemes[scheme].add(_slug(_value(row, "concept"), notations))
    return found


def _ancestors(sector: str, broader: dict[str, set[str]]) -> set[str]:
    seen, todo = {sector}, [sector]
    while todo:
        for parent in broader.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def _places(reader: _Reader) -> dict[str, Node]:
    facts: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for row in reader.rows("places"):
        term = row.get("value")
        language = getattr(term, "language", None) or ""
        facts[_value(row, "place")][_value(row, "property")].append(
            (_value(row, "value"), language)
        )
    nodes: dict[str, Node] = {}
    for place, props in facts.items():
        node = Node(place)
        types = {value for value, _ in props.get("type", [])}
        node.kind = next((kind for name, kind in KINDS if CP + name in types), "place")
        node.name = _pick_label(props.get("label", []))
        codes = sorted(v for v, _ in props.get("country-code", []))
        names = [(v, lang) for v, lang in props.get("country-label", [])]
        own = sorted(v for v, _ in props.get("code", []))
        if codes:
            node.country = codes[0]
        elif names:
            node.country = next(
                (c for c in (countries.code_of_name(n) for n, _ in sorted(names)) if c), ""
            )
        if node.kind == "country" and not node.country:
            node.country = next((c for c in own if "-" not in c), "") or (
                countries.code_of_name(node.name) or ""
            )
        subdivisions = [c for c in own if "-" in c] or sorted(
            v for v, _ in props.get("region-code", []) if "-" in v
        )
        node.subdivision = subdivisions[0] if subdivisions else ""
        items = sorted(v for v, _ in props.get("wikidata", []))
        node.wikidata = _local(items[0]) if items else ""
        geonames = sorted(v for v, _ in props.get("geonames", []))
        node.geonames = geonames[0] if geonames else ""
        for wkt, _ in sorted(props.get("wkt", [])):
            if found := _POINT.search(wkt):
                node.longitude, node.latitude = float(found.group(1)), float(found.group(2))
                break
        populations = [v for v, _ in props.get("population", []) if v.strip().isdigit()]
        node.population = max(int(v) for v in populations) if populations else None
        nodes[place] = node
    return nodes


def _dates(reader: _Reader) -> tuple[dict[str, Timeline], dict[str, set[str]]]:
    timelines: dict[str, Timeline] = defaultdict(Timeline)
    agreements: dict[str, set[str]] = defaultdict(set)
    for row in reader.rows("partnership_dates"):
        partnership, kind = _value(row, "partnership"), _value(row, "kind")
        if kind == "agreement" and _value(row, "agreement"):
            agreements[partnership].add(_value(row, "agreement"))
        term = row.get("value")
        if term is None:
            continue
        datatype = getattr(getattr(term, "datatype", None), "value", None)
        known = parse_known(str(term.value), datatype)
        if known is None:
            continue
        timeline = timelines[partnership]
        if kind == "end":
            if timeline.end is None or known.last_key() > timeline.end.last_key():
                timeline.end = known
        elif kind in KIND_OF_DATE:
            timeline.known.append(known)
    return timelines, agreements


def _status_changes(reader: _Reader, notations: dict[str, str]) -> dict[str, list[StatusChange]]:
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for row in reader.rows("status_changes"):
        key = (_value(row, "partnership"), _value(row, "change"))
        entry = grouped.setdefault(key, {"status": set(), "when": None, "sources": set()})
        entry["status"].add(_slug(_value(row, "status"), notations))
        for name in ("date", "year"):
            term = row.get(name)
            if term is not None:
                datatype = getattr(getattr(term, "datatype", None), "value", None)
                known = parse_known(str(term.value), datatype)
                if known and (entry["when"] is None or known.precision == "day"):
                    entry["when"] = known
        if _value(row, "source"):
            entry["sources"].add(_value(row, "source"))
    changes: dict[str, list[StatusChange]] = defaultdict(list)
    for (partnership, _change), entry in sorted(grouped.items()):
        for status in sorted(entry["status"]):
            changes[partnership].append(
                StatusChange(status, entry["when"], tuple(sorted(entry["sources"])))
            )
    return changes


def read_network(
    store: Store, timeout: float = 300.0, check: Callable[[], None] = lambda: None
) -> Network:
    """The whole partnership network of the store.

    ``timeout`` bounds each query; ``check`` is called between steps and raises to stop (a
    deadline). Raises the store's errors (QueryTimeout, BackendUnavailable, ...).
    """
    reader = _Reader(store, timeout, check)
    concepts = _concepts(reader)
    notations, broader = concepts.notations, concepts.broader
    nodes = _places(reader)
    government_place: dict[str, str] = {}
    government_labels: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in reader.rows("governments"):
        government = _value(row, "government")
        place = _value(row, "place")
        if place and (government not in government_place or place < government_place[government]):
            government_place[government] = place
        term = row.get("label")
        if term is not None:
            language = getattr(term, "language", None) or ""
            government_labels[government].append((str(term.value), language))
    partners: dict[str, set[str]] = defaultdict(set)
    types: dict[str, set[str]] = defaultdict(set)
    for row in reader.rows("partnerships"):
        partners[_value(row, "partnership")].add(_value(row, "government"))
    for row in reader.rows("partnership_types"):
        types[_value(row, "partnership")].add(_slug(_value(row, "type"), notations))
    timelines, agreements = _dates(reader)
    for partnership, changes in _status_changes(reader, notations).items():
        timelines[partnership].changes.extend(changes)
    sectors: dict[str, set[str]] = defaultdict(set)
    for row in reader.rows("partnership_sectors"):
        sectors[_value(row, "partnership")].add(_value(row, "sector"))
    sources: dict[str, set[str]] = defaultdict(set)
    for row in reader.rows("partnership_sources"):
        sources[_value(row, "partnership")].add(_value(row, "source"))
    reader.check()

    def node_of(government: str) -> str:
        place = government_place.get(government)
        if place is None:
            place = government
            if place not in nodes:
                nodes[place] = Node(place, name=_pick_label(government_labels.get(government, [])))
        node = nodes.setdefault(place, Node(place))
        if government not in node.governments:
            node.governments.append(government)
        return place

    edges: list[Edge] = []
    for partnership in sorted(partners):
        governments = sorted(partners[partnership])
        if len(governments) != 2:
            continue  # not a partnership of two governments (the shapes refuse these)
        pair = sorted((node_of(g), g) for g in governments)
        ancestors: set[str] = set()
        for sector in sectors.get(partnership, ()):
            ancestors |= _ancestors(sector, broader)
        edges.append(
            Edge(
                partnership,
                pair[0][0],
                pair[1][0],
                pair[0][1],
                pair[1][1],
                type=";".join(sorted(types.get(partnership, ()))),
                sectors=tuple(sorted(_slug(s, notations) for s in sectors.get(partnership, ()))),
                sector_closure=frozenset(_slug(s, notations) for s in ancestors),
                agreements=len(agreements.get(partnership, ())),
                sources=tuple(sorted(sources.get(partnership, ()))),
                timeline=timelines.get(partnership, Timeline()),
            )
        )
    used = {edge.a for edge in edges} | {edge.b for edge in edges}
    for node in nodes.values():
        node.governments.sort()
    labels = {_slug(s, notations): label for s, label in concepts.labels.items()}
    return Network(
        {k: v for k, v in sorted(nodes.items()) if k in used}, edges, labels, dict(concepts.schemes)
    )
