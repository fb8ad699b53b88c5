"""The network tables as files: CSV (RFC 4180), Parquet, GraphML, GEXF, CSV on the Web metadata.

:data:`FILES` lists every file the export writes (the same names under ``/dumps/network/`` and
in a release's ``network/`` folder); :func:`write_file` writes one into a binary stream and
:func:`write_all` writes them all into a directory. Parquet goes through pyarrow, GraphML and
GEXF through NetworkX (a multigraph: one edge per partnership, keyed by its IRI), so each reads
back with the library its users would use.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from citypact.network.columns import TABLES, TITLES, Column, edge_rows, node_rows, panel_rows
from citypact.network.tables import Network

CSVW_CONTEXT = "http://www.w3.org/ns/csvw"
LICENSE_NOTE = (
    "CityPact's own data is CC BY 4.0; rows derived from an outside source keep that source's "
    "licence (see the dataset's VoID: each source's named graph and licence)."
)


@dataclass(frozen=True)
class NetworkFile:
    """One file of the export."""

    name: str
    table: str  # edges, nodes, panel, or graph (GraphML/GEXF hold nodes and edges)
    kind: str  # csv, csvw, parquet, graphml, gexf
    media_type: str
    title: str


FILES: tuple[NetworkFile, ...] = tuple(
    [NetworkFile(f"{t}.csv", t, "csv", "text/csv", f"{TITLES[t]} (CSV)") for t in TABLES]
    + [
        NetworkFile(
            f"{t}.csv-metadata.json",
            t,
            "csvw",
            "application/csvm+json",
            f"Data dictionary of {t}.csv (CSV on the Web metadata)",
        )
        for t in TABLES
    ]
    + [
        NetworkFile(
            f"{t}.parquet", t, "parquet", "application/vnd.apache.parquet", f"{TITLES[t]} (Parquet)"
        )
        for t in TABLES
    ]
    + [
        NetworkFile(
            "network.graphml",
            "graph",
            "graphml",
            "application/graphml+xml",
            "The network as a graph: places as nodes, partnerships as edges (GraphML)",
        ),
        NetworkFile(
            "network.gexf",
            "graph",
            "gexf",
            "application/gexf+xml",
            "The network as a graph for Gephi (GEXF 1.2)",
        ),
    ]
)
BY_NAME = {f.name: f for f in FILES}


def table_rows(
    network: Network, table: str, years: tuple[int | None, int | None] = (None, None)
) -> list[dict[str, Any]]:
    """The rows of ``edges``, ``nodes`` or ``panel`` (the panel within ``years``)."""
    if table == "edges":
        return edge_rows(network)
    if table == "nodes":
        return node_rows(network)
    return panel_rows(network, *years)


def _cell(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return (column.separator or " ").join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_text(rows: list[dict[str, Any]], table: str) -> str:
    """The rows as CSV: UTF-8, a header, CRLF line ends, quoted only where needed (RFC 4180)."""
    columns = TABLES[table]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow([_cell(c, row[c.name]) for c in columns])
    return out.getvalue()


def csvw_metadata(table: str, url: str | None = None, source: str = "") -> dict[str, Any]:
    """CSV on the Web metadata (https://www.w3.org/TR/tabular-metadata/) for one table."""
    columns = []
    for column in TABLES[table]:
        item: dict[str, Any] = {
            "name": column.name,
            "titles": column.name,
            "dc:description": column.description,
            "datatype": column.datatype,
            "required": column.required,
        }
        if column.separator:
            item["separator"] = column.separator
        if not column.required:
            item["null"] = ""
        columns.append(item)
    schema: dict[str, Any] = {"columns": columns}
    if table == "edges":
        schema["primaryKey"] = "partnership"
        schema["foreignKeys"] = [
            {
                "columnReference": key,
                "reference": {"resource": "nodes.csv", "columnReference": "node"},
            }
            for key in ("place_a", "place_b")
        ]
    elif table == "nodes":
        schema["primaryKey"] = "node"
    else:
        schema["primaryKey"] = ["partnership", "year"]
    return {
        "@context": CSVW_CONTEXT,
        "url": url or f"{table}.csv",
        "dc:title": TITLES[table],
        "dc:license": {"@id": "https://creativecommons.org/licenses/by/4.0/"},
        "dc:rights": LICENSE_NOTE,
        "dc:source": source or "CityPact knowledge graph",
        "dialect": {"header": True, "encoding": "utf-8", "lineTerminators": ["\r\n"]},
        "tableSchema": schema,
    }


_ARROW_TYPES = {"integer": "int64", "double": "float64", "boolean": "bool"}


def write_parquet(rows: list[dict[str, Any]], table: str, output: IO[bytes]) -> None:
    """The rows as Parquet (pyarrow), with list columns as lists of strings and each column's
    description in its field metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    fields = []
    for column in TABLES[table]:
        if column.separator:
            kind = pa.list_(pa.string())
        else:
            kind = pa.type_for_alias(_ARROW_TYPES.get(column.datatype, "string"))
        fields.append(
            pa.field(column.name, kind, nullable=True, metadata={"description": column.description})
        )
    schema = pa.schema(fields, metadata={"title": TITLES[table], "license": LICENSE_NOTE})
    data = {c.name: [_parquet_value(c, row[c.name]) for row in rows] for c in TABLES[table]}
    pq.write_table(pa.Table.from_pydict(data, schema=schema), output, compression="zstd")


def _parquet_value(column: Column, value: Any) -> Any:
    if column.separator:
        return list(value or [])
    if value == "" and column.datatype in _ARROW_TYPES:
        return None
    return value


def graph_of(network: Network) -> Any:
    """The network as a NetworkX MultiGraph: node attributes from the node table, one edge per
    partnership (key: its IRI) with the edge list's partnership columns. List values are joined
    with their separator; missing values are left out (GraphML and GEXF have no null)."""
    import networkx as nx

    graph = nx.MultiGraph(name="CityPact partnership network")
    node_columns = {c.name: c for c in TABLES["nodes"]}
    for row in node_rows(network):
        attrs = {
            name: _graph_value(node_columns[name], value)
            for name, value in row.items()
            if name != "node" and value not in (None, "", [])
        }
        if "name" in attrs:
            attrs["label"] = attrs["name"]
        graph.add_node(row["node"], **attrs)
    edge_columns = {c.name: c for c in TABLES["edges"]}
    keep = [name for name in edge_columns if not name.startswith("place_")]
    for row in edge_rows(network):
        attrs = {
            name: _graph_value(edge_columns[name], row[name])
            for name in keep
            if row[name] not in (None, "", [])
        }
        attrs["government_a"] = row["place_a_government"]
        attrs["government_b"] = row["place_b_government"]
        graph.add_edge(row["place_a"], row["place_b"], key=row["partnership"], **attrs)
    return graph


def _graph_value(column: Column, value: Any) -> Any:
    if isinstance(value, list):
        return (column.separator or " ").join(str(v) for v in value)
    return value


def write_file(
    network: Network,
    file: NetworkFile,
    output: IO[bytes],
    graph: Any = None,
    rows: Callable[[str], list[dict[str, Any]]] | None = None,
) -> None:
    """Write one export file into a binary stream. ``graph`` and ``rows`` reuse what an
    earlier call built (see :func:`write_all`)."""
    get_rows = rows or (lambda table: table_rows(network, table))
    if file.kind == "csv":
        output.write(csv_text(get_rows(file.table), file.table).encode("utf-8"))
    elif file.kind == "csvw":
        text = json.dumps(csvw_metadata(file.table), indent=2, ensure_ascii=False)
        output.write(text.encode("utf-8") + b"\n")
    elif file.kind == "parquet":
        write_parquet(get_rows(file.table), file.table, output)
    else:
        import networkx as nx

        graph = graph if graph is not None else graph_of(network)
        if file.kind == "graphml":
            nx.write_graphml(graph, output, encoding="utf-8", prettyprint=False)
        else:
            nx.write_gexf(graph, output, encoding="utf-8", prettyprint=False, version="1.2draft")


def write_all(
    network: Network,
    directory: Path,
    check: Callable[[], None] = lambda: None,
    names: tuple[str, ...] | None = None,
    years: tuple[int | None, int | None] = (None, None),
) -> list[Path]:
    """Write every export file (or those named) into ``directory``; the paths written.

    ``years`` limits the panel; ``check`` is called between files and raises to stop (a
    deadline).
    """
    directory.mkdir(parents=True, exist_ok=True)
    cache: dict[str, list[dict[str, Any]]] = {}

    def rows(table: str) -> list[dict[str, Any]]:
        if table not in cache:
            cache[table] = table_rows(network, table, years)
        return cache[table]

    graph = None
    written = []
    for file in FILES:
        if names is not None and file.name not in names:
            continue
        check()
        if file.kind in ("graphml", "gexf") and graph is None:
            graph = graph_of(network)
        path = directory / file.name
        with path.open("wb") as output:
            write_file(network, file, output, graph=graph, rows=rows)
        written.append(path)
    return written
