"""The map's data: every partnership with its two places, their coordinates and countries.

The layer is read with five single-pattern queries (``queries/pages/map_*.rq``; each is one scan
of the graph, which the store answers far faster than one query joining them) and joined here.
It is kept per data version; while a newer one is computed the map keeps serving the last one
(:func:`layer`), so a submission never makes a reader wait for the whole world to be re-read.
Filters (sector, year, country, partner country, city) and the aggregation into country pairs
work on the layer in memory.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from fastapi import FastAPI

from citypact.store.port import WHOLE_GRAPH_RESULTS, QueryOptions
from citypact.store.versioned_cache import Refreshing, data_version
from citypact.web.page_queries import page_queries, wkt_point


@dataclass(frozen=True)
class Place:
    """A partner place: its name, point (None when unknown) and country."""

    iri: str
    label: str
    point: tuple[float, float] | None
    country: str
    country_label: str
    code: str


@dataclass(frozen=True)
class Tie:
    """A partnership between the places at two indexes of :attr:`Layer.places`."""

    partnership: str
    label: str
    a: int
    b: int


@dataclass
class Layer:
    """Every partnership of the graph, ready to filter and draw."""

    places: list[Place] = field(default_factory=list)
    ties: list[Tie] = field(default_factory=list)
    version: str = ""

    def degree(self) -> Counter[int]:
        """Partnerships per place."""
        counted: Counter[int] = Counter()
        for tie in self.ties:
            counted[tie.a] += 1
            counted[tie.b] += 1
        return counted


def _select(app: FastAPI, name: str) -> list[dict[str, str]]:
    options = QueryOptions(
        timeout=app.state.settings.query_timeout * 8, max_results=WHOLE_GRAPH_RESULTS
    )
    result = app.state.store.select(page_queries()[name].bind(), options)
    return [{k: v.value for k, v in row.items()} for row in result.rows]


def read_layer(app: FastAPI) -> Layer:
    """Read the layer from the store (five scans, joined in memory)."""
    version = data_version(app.state.store)
    partners: dict[str, list[str]] = defaultdict(list)
    for row in _select(app, "map_partners"):
        partners[row["partnership"]].append(row["government"])
    governs = {row["government"]: row["place"] for row in _select(app, "map_governs")}
    points: dict[str, tuple[float, float]] = {}
    for row in _select(app, "map_points"):
        at = wkt_point(row["wkt"])
        if at is not None:
            points.setdefault(row["place"], at)
    place_country: dict[str, str] = {}
    country_names: dict[str, tuple[str, str]] = {}
    for row in _select(app, "map_countries"):
        if "place" in row:
            place_country.setdefault(row["place"], row["country"])
        else:
            country_names[row["country"]] = (row.get("countryLabel", ""), row.get("code", ""))
    needed = set(governs.values())
    labels: dict[str, str] = {}
    for row in _select(app, "map_labels"):
        if row["place"] in needed or row["place"] in partners:
            labels.setdefault(row["place"], row["label"])
    layer = Layer(version=version)
    index: dict[str, int] = {}

    def place_index(iri: str) -> int:
        if iri not in index:
            country = place_country.get(iri, "")
            name, code = country_names.get(country, ("", ""))
            index[iri] = len(layer.places)
            label = labels.get(iri) or iri.rsplit("/", 1)[-1]
            layer.places.append(Place(iri, label, points.get(iri), country, name, code))
        return index[iri]

    for partnership in sorted(partners):
        places = sorted({governs[g] for g in partners[partnership] if g in governs})
        if len(places) != 2:
            continue
        a, b = place_index(places[0]), place_index(places[1])
        name = labels.get(partnership) or f"{layer.places[a].label} – {layer.places[b].label}"
        layer.ties.append(Tie(partnership, name, a, b))
    return layer


def layer(app: FastAPI) -> Layer:
    """The layer of the current data version, or the last one while the newer is read
    (:class:`~citypact.store.versioned_cache.Refreshing`)."""
    holder = getattr(app.state, "map_layer", None)
    if holder is None:
        holder = app.state.map_layer = Refreshing("map-layer", lambda: read_layer(app))
    return holder.get(data_version(app.state.store))  # type: ignore[no-any-return]


def partnerships(app: FastAPI, name: str, **bindings: object) -> set[str]:
    """The partnerships a filter query (``partnerships_with_sector``, ``_in_year``) lists."""
    options = QueryOptions(
        timeout=app.state.settings.query_timeout, max_results=WHOLE_GRAPH_RESULTS
    )
    text = page_queries()[name].bind(**bindings)  # type: ignore[arg-type]
    return {row["partnership"].value for row in app.state.store.select(text, options).rows}


def country_pairs(layer: Layer, ties: Iterable[Tie]) -> list[tuple[str, str, int]]:
    """(country, country, ties) for the located ties, most first."""
    counted: Counter[tuple[str, str]] = Counter()
    for tie in ties:
        a, b = layer.places[tie.a], layer.places[tie.b]
        if a.point is None or b.point is None or not a.country or not b.country:
            continue
        counted[(min(a.country, b.country), max(a.country, b.country))] += 1
    return [(a, b, n) for (a, b), n in counted.most_common()]


def country_centres(layer: Layer, ties: Iterable[Tie]) -> dict[str, tuple[float, float]]:
    """Each country's centre: the mean point of its places among the ties."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    seen: set[int] = set()
    for tie in ties:
        for i in (tie.a, tie.b):
            place = layer.places[i]
            if i in seen or place.point is None or not place.country:
                continue
            seen.add(i)
            total = sums[place.country]
            total[0] += place.point[0]
            total[1] += place.point[1]
            total[2] += 1
    return {c: (t[0] / t[2], t[1] / t[2]) for c, t in sums.items() if t[2]}
