"""The network export (issue 21): tables read from the graph agree with SPARQL, every format reads
back with the library its users would use, the timeline rules, filters and analyses."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pyarrow.parquet as pq
import pytest

from citypact import rdf_io
from citypact.network import analyses
from citypact.network.columns import TABLES, edge_rows, node_rows, panel_rows
from citypact.network.filters import FilterError, Filters, parse_filters
from citypact.network.formats import FILES, write_all
from citypact.network.tables import Network, read_network
from citypact.network.timeline import DAY, YEAR, KnownDate, StatusChange, Timeline, parse_known
from citypact.store.backends import ensure_bundled_data
from citypact.store.embedded import EmbeddedStore
from citypact.store.port import Deadline, QueryOptions, QueryTimeout

from .conftest import TEST_DATA

ID = "https://w3id.org/citypact/id/"
KL = ID + "partnership/jakarta-kuala-lumpur"
PREFIXES = """PREFIX cp: <https://w3id.org/citypact/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


@pytest.fixture(scope="module")
def store() -> EmbeddedStore:
    """The curated graph plus the status-change fixture (in its own named graph)."""
    store = EmbeddedStore()
    ensure_bundled_data(store)
    graph = "https://w3id.org/citypact/graph/submission/test-status"
    import pyoxigraph as ox

    quads = rdf_io.read_file(TEST_DATA / "network" / "status-changes.ttl")
    store.add_quads(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph)) for q in quads)
    return store


@pytest.fixture(scope="module")
def network(store: EmbeddedStore) -> Network:
    return read_network(store, 60)


def sparql(store: EmbeddedStore, text: str) -> list[dict[str, str]]:
    rows = store.select(PREFIXES + text, QueryOptions(timeout=30)).rows
    return [{k: v.value for k, v in row.items()} for row in rows]


# --- the tables against SPARQL -----------------------------------------------------------------


def test_one_edge_per_partnership(store: EmbeddedStore, network: Network) -> None:
    count = sparql(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a cp:Partnership }")
    assert len(network.edges) == int(count[0]["n"]) == 33
    assert len({e.partnership for e in network.edges}) == len(network.edges)


def test_kuala_lumpur_row_matches_sparql(store: EmbeddedStore, network: Network) -> None:
    row = next(r for r in edge_rows(network) if r["partnership"] == KL)
    sectors = sparql(
        store,
        f"""SELECT DISTINCT ?n WHERE {{ ?a cp:partnership <{KL}> . ?c cp:commitmentOf ?a ;
        cp:sector/skos:notation ?n }}""",
    )
    sources = sparql(
        store,
        f"""SELECT DISTINCT ?s WHERE {{ {{ <{KL}> prov:wasDerivedFrom ?s }}
        UNION {{ ?a cp:partnership <{KL}> ; prov:wasDerivedFrom ?s }} }}""",
    )
    agreements = sparql(store, f"SELECT DISTINCT ?a WHERE {{ ?a cp:partnership <{KL}> }}")
    assert sorted(row["sectors"]) == sorted(r["n"] for r in sectors)
    assert "flood-management" in row["sectors"]
    assert sorted(row["source_iris"]) == sorted(r["s"] for r in sources)
    assert row["sources"] == len(sources) and row["agreements"] == len(agreements) >= 1
    assert {row["place_a"], row["place_b"]} == {ID + "city/jakarta", ID + "city/kuala-lumpur"}
    jakarta = "a" if row["place_a"].endswith("/jakarta") else "b"
    assert row[f"place_{jakarta}_country"] == "ID"  # curated country: by its English name
    assert row[f"place_{jakarta}_wikidata"] == "Q3630"
    assert row[f"place_{jakarta}_government"] == ID + "government/dki-jakarta"
    assert row["type"] == "sister-city"
    assert (row["first_date"], row["first_date_precision"]) == ("2025-08-11", DAY)


def test_nodes_have_the_degrees_sparql_counts(store: EmbeddedStore, network: Network) -> None:
    found = sparql(
        store,
        """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p cp:partner/cp:governs
        <https://w3id.org/citypact/id/city/jakarta> }""",
    )
    nodes = {r["node"]: r for r in node_rows(network)}
    assert nodes[ID + "city/jakarta"]["degree"] == int(found[0]["n"])
    assert nodes[ID + "city/jakarta"]["kind"] == "city"
    assert sum(r["degree"] for r in nodes.values()) == 2 * len(network.edges)


# --- the timeline rules --------------------------------------------------------------------------


def test_known_dates_parse_with_their_precision() -> None:
    assert parse_known("1984", "http://www.w3.org/2001/XMLSchema#gYear") == KnownDate(
        1984, 0, 0, YEAR
    )
    assert parse_known("2025-08-11") == KnownDate(2025, 8, 11, DAY)
    assert parse_known("1990", "http://www.w3.org/2001/XMLSchema#integer").precision == YEAR
    assert parse_known("not a date") is None
    assert parse_known("2025-13-01") is None


def test_a_year_stands_before_its_days_first_and_after_them_last() -> None:
    line = Timeline(known=[KnownDate(1994, 0, 0, YEAR), KnownDate(1994, 4, 13, DAY)])
    assert line.first() == KnownDate(1994, 0, 0, YEAR)
    assert line.last() == KnownDate(1994, 0, 0, YEAR)


def test_status_is_unknown_without_a_source() -> None:
    line = Timeline(known=[KnownDate(2001, 0, 0, YEAR)])
    assert line.status() == ("", None)
    assert line.panel_years() == [(2001, "", True)]


def test_suspension_interrupts_the_panel_and_renewal_resumes_it(network: Network) -> None:
    tokyo = next(e for e in network.edges if e.partnership.endswith("jakarta-tokyo"))
    years = {y: (s, a) for y, s, a in tokyo.years()}
    assert min(years) == 1989 and max(years) == 2010
    assert all(y not in years for y in range(2000, 2005))
    assert years[1999] == ("", False) and years[2005] == ("renewed", True)
    status, when = tokyo.status
    assert (status, when.text if when else None) == ("renewed", "2005-06-01")
    row = edge_rows(Network(network.nodes, [tokyo]))[0]
    assert row["status_history"] == ["2000:suspended", "2005-06-01:renewed"]
    assert ID + "source/test-status-tokyo" in row["source_iris"]


def test_an_end_stops_the_panel_and_formed_on_counts_as_first(network: Network) -> None:
    seoul = next(e for e in network.edges if e.partnership.endswith("jakarta-seoul"))
    assert [y for y, _s, _a in seoul.years()] == list(range(1984, 1990))
    assert seoul.status[0] == "ended"
    bangkok = next(e for e in network.edges if e.partnership.endswith("jakarta-bangkok"))
    assert bangkok.timeline.first() == KnownDate(1999, 5, 5, DAY)
    assert [y for y, _s, _a in bangkok.years()] == [1999, 2000, 2001]


def test_status_changes_apply_in_order() -> None:
    line = Timeline(
        known=[KnownDate(2010, 0, 0, YEAR)],
        changes=[
            StatusChange("ended", KnownDate(2012, 0, 0, YEAR)),
            StatusChange("active", KnownDate(2011, 0, 0, YEAR)),
        ],
    )
    assert line.status()[0] == "ended"
    assert [(y, s) for y, s, _a in line.panel_years()] == [(2010, ""), (2011, "active")]


# --- filters ----------------------------------------------------------------------------------


def test_country_and_sector_slice_matches_sparql(store: EmbeddedStore, network: Network) -> None:
    found = sparql(
        store,
        """SELECT DISTINCT ?p WHERE {
          ?p cp:partner/cp:governs/cp:country ?c .
          ?c cp:wikidataItem <http://www.wikidata.org/entity/Q252> .
          ?a cp:partnership ?p . ?k cp:commitmentOf ?a ; cp:sector/skos:broader* ?s .
          ?s skos:notation "flood-management" }""",
    )
    chosen = parse_filters({"country": "id", "sector": "flood-management"}, network.vocabulary)
    assert {e.partnership for e in chosen.apply(network).edges} == {r["p"] for r in found} == {KL}


def test_year_and_status_filters(network: Network) -> None:
    in_2002 = parse_filters({"year": "2002"}, network.vocabulary).apply(network)
    assert not any(e.partnership.endswith("jakarta-tokyo") for e in in_2002.edges)
    assert not any(e.partnership.endswith("jakarta-bangkok") for e in in_2002.edges)
    assert any(
        e.partnership.endswith("jakarta-bangkok")
        for e in parse_filters({"year": "2000"}, network.vocabulary).apply(network).edges
    )
    ended = parse_filters({"status": "ended"}, network.vocabulary).apply(network)
    assert [e.partnership for e in ended.edges] == [ID + "partnership/jakarta-seoul"]
    unknown = parse_filters({"status": "unknown"}, network.vocabulary).apply(network)
    assert len(unknown.edges) == len(network.edges) - 2
    europe = parse_filters({"region": "europe"}, network.vocabulary).apply(network)
    assert europe.edges and all(
        "EU" in (europe.nodes[e.a].region, europe.nodes[e.b].region) for e in europe.edges
    )


@pytest.mark.parametrize(
    ("values", "parameter"),
    [
        ({"country": "XX"}, "country"),
        ({"country": "IDN"}, "country"),
        ({"region": "Atlantis"}, "region"),
        ({"sector": "flood"}, "sector"),
        ({"type": "twin"}, "type"),
        ({"status": "asleep"}, "status"),
        ({"year": "20x5"}, "year"),
        ({"year_from": "2000", "year_to": "1990"}, "year_from"),
        ({"year": "2000", "year_from": "1990"}, "year"),
    ],
)
def test_bad_filters_name_their_parameter(
    network: Network, values: dict[str, str], parameter: str
) -> None:
    with pytest.raises(FilterError) as err:
        parse_filters(values, network.vocabulary)
    assert err.value.parameter == parameter


# --- formats read back -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def written(network: Network, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("network")
    paths = write_all(network, directory)
    assert sorted(p.name for p in paths) == sorted(f.name for f in FILES)
    return directory


def test_csv_reads_back_in_pandas(written: Path, network: Network) -> None:
    edges = pd.read_csv(written / "edges.csv", dtype=str, keep_default_na=False)
    assert len(edges) == len(network.edges)
    assert list(edges.columns) == [c.name for c in TABLES["edges"]]
    row = edges.set_index("partnership").loc[KL]
    assert "flood-management" in row["sectors"].split(";")
    nodes = pd.read_csv(written / "nodes.csv")
    assert len(nodes) == len(network.nodes)
    panel = pd.read_csv(written / "panel.csv")
    assert len(panel) == len(panel_rows(network))
    assert (written / "edges.csv").read_bytes().count(b"\r\n") == len(network.edges) + 1


def test_csvw_metadata_describes_every_column(written: Path) -> None:
    for table, columns in TABLES.items():
        meta = json.loads((written / f"{table}.csv-metadata.json").read_text(encoding="utf-8"))
        assert meta["url"] == f"{table}.csv"
        described = [c["name"] for c in meta["tableSchema"]["columns"]]
        with (written / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert described == header == [c.name for c in columns]
        assert all(c["dc:description"] for c in meta["tableSchema"]["columns"])


def test_parquet_reads_back_in_pyarrow(written: Path, network: Network) -> None:
    table = pq.read_table(written / "edges.parquet")
    assert table.num_rows == len(network.edges)
    rows = {r["partnership"]: r for r in table.to_pylist()}
    assert "flood-management" in rows[KL]["sectors"]
    assert isinstance(rows[KL]["agreements"], int) and rows[KL]["agreements"] >= 1
    field = table.schema.field("sectors")
    assert b"description" in (field.metadata or {})
    assert pq.read_table(written / "panel.parquet").num_rows == len(panel_rows(network))


@pytest.mark.parametrize("name", ["network.graphml", "network.gexf"])
def test_graph_files_read_back_in_networkx(written: Path, network: Network, name: str) -> None:
    reader = nx.read_graphml if name.endswith("graphml") else nx.read_gexf
    graph = reader(written / name)
    assert graph.number_of_nodes() == len(network.nodes)
    assert graph.number_of_edges() == len(network.edges)
    jakarta = ID + "city/jakarta"
    assert graph.has_node(jakarta)
    attrs = [d for _u, _v, d in graph.edges(data=True) if d.get("partnership") == KL]
    if not attrs:  # GEXF keeps the key as the edge id rather than an attribute
        attrs = [d for _u, _v, k, d in graph.edges(keys=True, data=True) if k == KL]
    assert attrs and "flood-management" in attrs[0]["sectors"]


# --- analyses ---------------------------------------------------------------------------------


def never() -> None:
    """A deadline that never passes."""


def test_hubs_rank_jakarta_first_with_its_degree(network: Network) -> None:
    table = analyses.hubs(network, never)
    top = table.records()[0]
    assert top["place"] == ID + "city/jakarta"
    assert top["partnerships"] == network.degrees()[ID + "city/jakarta"]
    assert top["betweenness_rank"] == 1 and "exact" in table.notes[0]


def test_betweenness_is_exact_on_small_graphs_and_sampled_on_large(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    graph = nx.relabel_nodes(nx.barabasi_albert_graph(400, 2, seed=1), str)
    exact = nx.betweenness_centrality(graph)
    found, how = analyses.betweenness(graph, never)
    assert how == "exact" and max(abs(found[v] - exact[v]) for v in graph) < 1e-9
    monkeypatch.setattr(analyses, "EXACT_BETWEENNESS_NODES", 100)
    every, how = analyses.betweenness(graph, never, samples=400)  # every node a source
    assert "400 sampled" in how and max(abs(every[v] - exact[v]) for v in graph) < 1e-9
    half, how = analyses.betweenness(graph, never, samples=200)
    assert "200 sampled" in how
    top = sorted(exact, key=lambda v: -exact[v])[:3]
    assert set(top) <= set(sorted(half, key=lambda v: -half[v])[:10])


def test_betweenness_stops_at_the_deadline() -> None:
    graph = nx.relabel_nodes(nx.path_graph(50), str)
    with pytest.raises(QueryTimeout):
        analyses.betweenness(graph, Deadline(-1).check)


def test_growth_counts_every_dated_partnership(network: Network) -> None:
    table = analyses.growth(network)
    dated = sum(1 for e in network.edges if e.timeline.first() is not None)
    assert table.rows[-1][2] == dated == sum(r[1] for r in table.rows)


def test_path_and_candidates(network: Network) -> None:
    path = analyses.shortest_path(network, ID + "city/kuala-lumpur", ID + "city/berlin")
    assert [r[1] for r in path.rows] == [
        ID + "city/kuala-lumpur",
        ID + "city/jakarta",
        ID + "city/berlin",
    ]
    assert path.rows[1][4] == KL
    found = analyses.candidates(network, ID + "city/kuala-lumpur")
    assert found.rows and all(r[3] for r in found.rows)  # every candidate shares a sector
    assert all(r[0] != ID + "city/jakarta" for r in found.rows)  # partners are not candidates
    with pytest.raises(analyses.AnalysisError):
        analyses.candidates(network, ID + "city/atlantis")


def test_sectors_by_region_counts_each_continent_once(network: Network) -> None:
    table = analyses.sectors_by_region(network)
    flood = [r for r in table.records() if r["sector"] == "flood-management"]
    assert flood == [
        {"region": "AS", "decade": "2020s", "sector": "flood-management", "partnerships": 1}
    ]


def test_charts_are_svg_drawn_by_matplotlib(network: Network) -> None:
    from xml.etree import ElementTree

    from citypact.network.charts import draw

    for table in (
        analyses.growth(network),
        analyses.hubs(network, never),
        analyses.network_in_year(network, 2000),
        analyses.sectors_by_region(network),
    ):
        svg = draw(table)
        root = ElementTree.fromstring(svg)  # noqa: S314 - our own output
        assert root.tag.endswith("svg")
        assert b"Matplotlib" in svg and table.title.encode() in svg
    assert draw(analyses.growth(network)) == draw(analyses.growth(network))


def test_an_empty_slice_has_no_rows(network: Network) -> None:
    empty = Filters(country=("AQ",)).apply(network)
    assert empty.edges == [] and node_rows(empty) == [] and analyses.growth(empty).rows == []


def test_the_service_keeps_one_network_per_version_and_stops_at_its_deadline(
    store: EmbeddedStore,
) -> None:
    from citypact.network.service import NetworkService

    version = {"now": 1}
    service = NetworkService(store, lambda: version["now"], 30)
    with pytest.raises(QueryTimeout):
        service.analysis("hubs", Deadline(-1))
    first = service.network(Deadline(60))
    assert service.network(Deadline(60)) is first
    hubs = service.analysis("hubs", Deadline(60))
    assert service.analysis("hubs", Deadline(60)) is hubs
    version["now"] = 2
    assert service.network(Deadline(60)) is not first
    assert service.analysis("hubs", Deadline(60)) is not hubs
    assert (
        service.file("edges.csv", Deadline(60))
        .read_text(encoding="utf-8")
        .startswith("partnership,")
    )
    service.close()
