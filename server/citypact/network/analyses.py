"""The analyses researchers run first, computed with NetworkX under a deadline.

Each function takes the :class:`~citypact.network.tables.Network` (the whole graph, or a slice)
and returns a :class:`Table`: named columns and rows, which the page shows, the API returns
as JSON or CSV, and :mod:`citypact.network.charts` draws. Nodes are places; parallel
partnerships between two places count once in the simple graph the measures use.

- :func:`network_in_year`: the partnerships in force in a year (the panel), their places and
  connected components; and the same for the whole graph, dates or not.
- :func:`hubs`: the top places by degree and by betweenness centrality. Betweenness is exact up
  to ``EXACT_BETWEENNESS_NODES`` nodes; above, it is estimated from ``BETWEENNESS_SAMPLES``
  source nodes drawn with a fixed seed (Brandes' sampling, as ``networkx.
  betweenness_centrality(k=...)``), so the same graph gives the same figures.
- :func:`growth`: partnerships by decade of their first known date, and the running total.
- :func:`sectors_by_region`: partnerships per sector, continent and decade (a partnership counts
  once for each distinct continent of its two places).
- :func:`shortest_path`: the shortest chain of partnerships between two places.
- :func:`candidates`: places two steps from a place (partners of its partners, not its own
  partners), ranked by the sectors they share with it and the partners they have in common.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from citypact.network.tables import Network

EXACT_BETWEENNESS_NODES = 2_000
BETWEENNESS_SAMPLES = 100
BETWEENNESS_SEED = 21
TOP = 20


class AnalysisError(ValueError):
    """An analysis asked of something the network does not hold (an unknown place)."""


@dataclass
class Table:
    """An analysis' numbers: columns, rows, and notes on how they were computed."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def simple_graph(network: Network, year: int | None = None) -> Any:
    """The network as a simple undirected NetworkX graph (in a year: the edges in force)."""
    import networkx as nx

    graph = nx.Graph()
    for edge in network.edges:
        if year is not None and not any(y == year for y, _s, _a in edge.years()):
            continue
        graph.add_edge(edge.a, edge.b)
    return graph


def _components(graph: Any) -> tuple[int, int]:
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return 0, 0
    sizes = [len(c) for c in nx.connected_components(graph)]
    return len(sizes), max(sizes)


def network_in_year(network: Network, year: int | None) -> Table:
    """Nodes, edges and components of the whole network and of the network in force in a year,
    and the partnerships in force per year."""
    table = Table(
        "network-in-year",
        "The network in force per year",
        ["year", "partnerships", "places", "components", "largest_component"],
    )
    whole = simple_graph(network)
    components, largest = _components(whole)
    dated = sum(1 for e in network.edges if e.timeline.first() is not None)
    table.notes.append(
        f"Whole graph, dated or not: {len(network.edges)} partnerships between "
        f"{whole.number_of_nodes()} places, {components} components (largest: {largest} "
        f"places). {dated} partnerships have a known date and so appear in the years below."
    )
    per_year: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for edge in network.edges:
        for y, _status, _attested in edge.years():
            per_year[y].append((edge.a, edge.b))
    import networkx as nx

    for y in sorted(per_year):
        graph = nx.Graph(per_year[y])
        count, big = _components(graph)
        table.rows.append([y, len(per_year[y]), graph.number_of_nodes(), count, big])
    if year is not None:
        row = next((r for r in table.rows if r[0] == year), [year, 0, 0, 0, 0])
        table.notes.append(
            f"In {year}: {row[1]} partnerships in force between {row[2]} places, "
            f"{row[3]} components (largest: {row[4]} places)."
        )
    return table


def betweenness(
    graph: Any, check: Callable[[], None], samples: int = BETWEENNESS_SAMPLES
) -> tuple[dict[str, float], str]:
    """Normalised betweenness centrality, exact on small graphs, sampled on large ones.

    Sources are processed in batches of 25 with ``networkx.betweenness_centrality_subset``
    and ``check`` is called between batches (it raises at the deadline). Returns the
    centrality and a note saying how it was computed.
    """
    import networkx as nx

    nodes = sorted(graph.nodes)
    n = len(nodes)
    if n < 3:
        return {v: 0.0 for v in nodes}, "exact"
    exact = n <= EXACT_BETWEENNESS_NODES
    sources = nodes if exact else random.Random(BETWEENNESS_SEED).sample(nodes, min(samples, n))  # noqa: S311 - a reproducible sample, not a secret
    totals: dict[str, float] = dict.fromkeys(nodes, 0.0)
    for start in range(0, len(sources), 25):
        check()
        batch = sources[start : start + 25]
        part = nx.betweenness_centrality_subset(graph, batch, nodes, normalized=False)
        for node, value in part.items():
            totals[node] += value
    # betweenness_centrality_subset halves undirected pairs; over all sources it equals the
    # unnormalised betweenness. Sampling scales by n / k; normalise by (n-1)(n-2)/2 pairs.
    scale = (n / len(sources)) / ((n - 1) * (n - 2) / 2)
    note = (
        "exact"
        if exact
        else f"estimated from {len(sources)} sampled source places (seed {BETWEENNESS_SEED})"
    )
    return {node: value * scale for node, value in totals.items()}, note


def hubs(network: Network, check: Callable[[], None], top: int = TOP) -> Table:
    """The top places by degree, with their betweenness (and rank by it)."""
    graph = simple_graph(network)
    degrees = network.degrees()
    central, how = betweenness(graph, check)
    ranked_b = sorted(central, key=lambda v: (-central[v], v))
    rank_b = {v: i for i, v in enumerate(ranked_b, start=1)}
    table = Table(
        "hubs",
        "Top places by number of partnerships",
        [
            "rank",
            "place",
            "name",
            "country",
            "partnerships",
            "partners",
            "betweenness",
            "betweenness_rank",
        ],
    )
    ordered = sorted(degrees, key=lambda v: (-degrees[v], v))[:top]
    for rank, node in enumerate(ordered, start=1):
        info = network.nodes[node]
        table.rows.append(
            [
                rank,
                node,
                info.name,
                info.country,
                degrees[node],
                graph.degree(node) if node in graph else 0,
                round(central.get(node, 0.0), 6),
                rank_b.get(node, 0),
            ]
        )
    table.notes.append(
        "partnerships: the place's partnerships (its degree in the multigraph); partners: "
        "distinct partner places; betweenness: normalised betweenness centrality in the simple "
        f"graph of places, {how}."
    )
    return table


def _decade(year: int) -> int:
    return year - year % 10


def growth(network: Network) -> Table:
    """Partnerships by decade of their first known date, and the running total."""
    counts: Counter[int] = Counter()
    undated = 0
    for edge in network.edges:
        first = edge.timeline.first()
        if first is None:
            undated += 1
        else:
            counts[_decade(first.year)] += 1
    table = Table(
        "growth", "New partnerships per decade", ["decade", "new_partnerships", "cumulative"]
    )
    total = 0
    for decade in sorted(counts):
        total += counts[decade]
        table.rows.append([f"{decade}s", counts[decade], total])
    table.notes.append(
        f"By the decade of each partnership's first known date; {undated} of "
        f"{len(network.edges)} partnerships have no known date and are not counted."
    )
    return table


def sectors_by_region(network: Network) -> Table:
    """Partnerships per sector, continent and decade of first known date."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for edge in network.edges:
        if not edge.sectors:
            continue
        first = edge.timeline.first()
        decade = f"{_decade(first.year)}s" if first else "undated"
        regions = {network.nodes[edge.a].region, network.nodes[edge.b].region}
        for region in sorted(r or "unknown" for r in regions):
            for sector in edge.sectors:
                counts[(region, decade, sector)] += 1
    table = Table(
        "sectors-by-region",
        "Partnerships per sector, continent and decade",
        ["region", "decade", "sector", "partnerships"],
    )
    for (region, decade, sector), count in sorted(counts.items()):
        table.rows.append([region, decade, sector, count])
    with_sectors = sum(1 for e in network.edges if e.sectors)
    table.notes.append(
        f"{with_sectors} of {len(network.edges)} partnerships have an agreement with sectors; "
        "a partnership counts once for each distinct continent of its two places."
    )
    return table


def _partnerships_between(network: Network) -> dict[frozenset[str], list[str]]:
    between: dict[frozenset[str], list[str]] = defaultdict(list)
    for edge in network.edges:
        between[frozenset((edge.a, edge.b))].append(edge.partnership)
    return between


def shortest_path(network: Network, source: str, target: str) -> Table:
    """The shortest chain of partnerships from one place to another (AnalysisError when either
    is not in the network)."""
    import networkx as nx

    for place in (source, target):
        if place not in network.nodes:
            raise AnalysisError(f"{place} has no partnership in this network")
    graph = simple_graph(network)
    table = Table(
        "path",
        "Shortest partnership path",
        ["step", "place", "name", "country", "partnership"],
    )
    try:
        path = nx.shortest_path(graph, source, target)
    except nx.NetworkXNoPath:
        table.notes.append("No chain of partnerships joins the two places.")
        return table
    between = _partnerships_between(network)
    for step, node in enumerate(path):
        via = "" if step == 0 else sorted(between[frozenset((path[step - 1], node))])[0]
        info = network.nodes[node]
        table.rows.append([step, node, info.name, info.country, via])
    hops = len(path) - 1
    table.notes.append(
        f"{hops} partnership(s) apart"
        + ("; places two apart are 'cousins' through a shared partner." if hops == 2 else ".")
    )
    return table


def candidates(
    network: Network, place: str, shared_sectors_only: bool = True, top: int = TOP
) -> Table:
    """Places two steps away from ``place`` that are not its partners, with the partners they
    share and the sectors both have partnerships in (AnalysisError for an unknown place)."""
    if place not in network.nodes:
        raise AnalysisError(f"{place} has no partnership in this network")
    graph = simple_graph(network)
    sectors: dict[str, set[str]] = defaultdict(set)
    for edge in network.edges:
        sectors[edge.a].update(edge.sectors)
        sectors[edge.b].update(edge.sectors)
    partners = set(graph.neighbors(place))
    found: dict[str, set[str]] = defaultdict(set)
    for partner in partners:
        for other in graph.neighbors(partner):
            if other != place and other not in partners:
                found[other].add(partner)
    mine = sectors.get(place, set())
    ranked = []
    for other, through in found.items():
        shared = sorted(mine & sectors.get(other, set()))
        if shared_sectors_only and not shared:
            continue
        ranked.append((-len(shared), -len(through), other, shared, sorted(through)))
    ranked.sort()
    table = Table(
        "candidates",
        "Candidate partners: two steps away, sharing sectors",
        ["place", "name", "country", "shared_sectors", "common_partners", "via"],
    )
    for _s, _v, other, shared, via in ranked[:top]:
        info = network.nodes[other]
        via_names = [network.nodes[v].name or v for v in via]
        table.rows.append(
            [other, info.name, info.country, ";".join(shared), len(via), ";".join(via_names)]
        )
    table.notes.append(
        f"{len(found)} places are two steps away; "
        + (
            f"{len(ranked)} share a sector with it."
            if shared_sectors_only
            else f"ranked by shared sectors ({len(mine)} sectors of its own), then partners "
            "in common."
        )
    )
    return table
