"""The three tables' columns (the data dictionary) and their rows.

Every format is written from these definitions: the CSV header, the Parquet schema (with each
column's description in its field metadata), the GraphML and GEXF attributes, and the CSV on
the Web metadata (``*.csv-metadata.json``). List-valued cells hold their items separated by
``separator`` in CSV, GraphML and GEXF, and are lists in Parquet and JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from citypact.network.tables import Edge, Network, Node


@dataclass(frozen=True)
class Column:
    """One column: name, CSVW datatype, description, and the separator of a list column."""

    name: str
    datatype: str
    description: str
    separator: str | None = None
    required: bool = False


_PLACE = (
    (
        "",
        "anyURI",
        "IRI of place {x}: the place its local government governs (cp:governs), or "
        "the government itself when the graph names no place",
        True,
    ),
    (
        "_name",
        "string",
        "English name of place {x} (rdfs:label; English, else untagged, else "
        "Indonesian, else Malay)",
        False,
    ),
    (
        "_kind",
        "string",
        "kind of place {x}: city, special-region, federal-territory, state, "
        "province, region, country, place, or government (no place known)",
        True,
    ),
    (
        "_country",
        "string",
        "ISO 3166-1 alpha-2 code of the country of place {x} (cp:country with "
        "cp:isoCode, else the country's English name looked up in GeoNames' country list)",
        False,
    ),
    (
        "_subdivision",
        "string",
        "ISO 3166-2 code of place {x} (its own cp:isoCode, else that of the "
        "region it lies in, cp:locatedIn)",
        False,
    ),
    (
        "_region",
        "string",
        "continent of the country of place {x}, GeoNames' codes: AF Africa, "
        "AN Antarctica, AS Asia, EU Europe, NA North America, OC Oceania, SA South America",
        False,
    ),
    ("_wikidata", "string", "Wikidata item of place {x} (cp:wikidataItem), e.g. Q3630", False),
    ("_geonames", "string", "GeoNames id of place {x} (cp:geonamesId)", False),
    (
        "_latitude",
        "double",
        "latitude of place {x}, WGS 84 degrees (geo:hasGeometry/geo:asWKT)",
        False,
    ),
    ("_longitude", "double", "longitude of place {x}, WGS 84 degrees", False),
    (
        "_government",
        "anyURI",
        "IRI of the local government of place {x} that is the partner (cp:partner)",
        True,
    ),
)


def _place_columns(x: str) -> list[Column]:
    return [
        Column(f"place_{x}{suffix}", datatype, text.format(x=x.upper()), required=required)
        for suffix, datatype, text, required in _PLACE
    ]


EDGE_COLUMNS: tuple[Column, ...] = (
    Column("partnership", "anyURI", "IRI of the partnership (cp:Partnership)", required=True),
    *_place_columns("a"),
    *_place_columns("b"),
    Column(
        "type",
        "string",
        "partnership type (cp:partnershipType, its skos:notation): sister-city, "
        "friendship-city, cooperation, or unspecified (the source does not say)",
    ),
    Column(
        "first_date",
        "string",
        "first known date: YYYY-MM-DD, or YYYY when only the year is known. Known dates are "
        "cp:startDate, cp:startYear, cp:formedOn, cp:inForceOn, cp:attestedOn, cp:endDate, the "
        "dates of the partnership's agreements (cp:date) and of its status changes",
    ),
    Column("first_date_precision", "string", "precision of first_date: day or year"),
    Column("last_date", "string", "last known date: YYYY-MM-DD or YYYY (see first_date)"),
    Column("last_date_precision", "string", "precision of last_date: day or year"),
    Column(
        "status",
        "string",
        "current status: the new status (cp:newStatus) of the latest cp:PartnershipStatusChange "
        "(active, dormant, suspended, ended, renewed); ended when only cp:endDate says so; "
        "empty when no source states a status (unknown, not assumed active)",
    ),
    Column("status_date", "string", "date (YYYY-MM-DD) or year (YYYY) of the current status"),
    Column(
        "status_history",
        "string",
        "every dated status change, oldest first, as date:status",
        separator=";",
    ),
    Column(
        "sectors",
        "string",
        "sectors the partnership's agreements commit to (cp:Commitment cp:sector, the sector's "
        "skos:notation)",
        separator=";",
    ),
    Column(
        "agreements",
        "integer",
        "number of agreements of the partnership (cp:partnership)",
        required=True,
    ),
    Column(
        "sources",
        "integer",
        "number of distinct sources of the partnership, its agreements and its status changes",
        required=True,
    ),
    Column(
        "source_iris",
        "anyURI",
        "IRIs of those sources (prov:wasDerivedFrom)",
        separator=" ",
    ),
)

NODE_COLUMNS: tuple[Column, ...] = (
    Column(
        "node",
        "anyURI",
        "IRI of the place (or of the government, when the graph names no "
        "place for it); the edges' place_a and place_b",
        required=True,
    ),
    Column(
        "name",
        "string",
        "English name (rdfs:label; English, else untagged, else Indonesian, else Malay)",
    ),
    Column(
        "kind",
        "string",
        "city, special-region, federal-territory, state, province, region, "
        "country, place, or government",
        required=True,
    ),
    Column("country", "string", "ISO 3166-1 alpha-2 code of its country"),
    Column("subdivision", "string", "ISO 3166-2 code (its own, or its region's)"),
    Column("region", "string", "continent of its country (GeoNames' codes AF AN AS EU NA OC SA)"),
    Column("wikidata", "string", "Wikidata item (cp:wikidataItem), e.g. Q3630"),
    Column("geonames", "string", "GeoNames id (cp:geonamesId)"),
    Column("latitude", "double", "latitude, WGS 84 degrees"),
    Column("longitude", "double", "longitude, WGS 84 degrees"),
    Column("population", "integer", "population (schema:population), where the graph states it"),
    Column(
        "governments", "anyURI", "IRIs of its local governments that are partners", separator=" "
    ),
    Column(
        "degree",
        "integer",
        "number of partnerships of the node in this table's edges",
        required=True,
    ),
)

PANEL_COLUMNS: tuple[Column, ...] = (
    Column("partnership", "anyURI", "IRI of the partnership", required=True),
    Column("place_a", "anyURI", "IRI of place A (as in the edge list)", required=True),
    Column("place_b", "anyURI", "IRI of place B (as in the edge list)", required=True),
    Column(
        "year",
        "integer",
        "a year in which the partnership was in force: every year from its first known year to "
        "its last known year, except years in or after an ended or suspended status change (or "
        "its end date) until a later active or renewed one",
        required=True,
    ),
    Column(
        "status",
        "string",
        "its status in that year (the latest status change up to that year), empty when unknown",
    ),
    Column(
        "attested",
        "boolean",
        "true when a source dates the partnership in that year; false when the year lies "
        "between known dates",
        required=True,
    ),
)

TABLES: dict[str, tuple[Column, ...]] = {
    "edges": EDGE_COLUMNS,
    "nodes": NODE_COLUMNS,
    "panel": PANEL_COLUMNS,
}
TITLES = {
    "edges": "Partnerships: one row per partnership between two places",
    "nodes": "Places: one row per place (or local government) with a partnership",
    "panel": "Partnership-years: one row per partnership per year in which it was in force",
}


def _place_values(node: Node, government: str) -> list[Any]:
    return [
        node.id,
        node.name,
        node.kind,
        node.country,
        node.subdivision,
        node.region,
        node.wikidata,
        node.geonames,
        node.latitude,
        node.longitude,
        government,
    ]


def edge_row(network: Network, edge: Edge) -> dict[str, Any]:
    """One edge as a row (list columns as lists)."""
    first, last = edge.timeline.first(), edge.timeline.last()
    status, status_date = edge.status
    history = edge.timeline.history()
    values: list[Any] = [
        edge.partnership,
        *_place_values(network.nodes[edge.a], edge.government_a),
        *_place_values(network.nodes[edge.b], edge.government_b),
        edge.type,
        first.text if first else "",
        first.precision if first else "",
        last.text if last else "",
        last.precision if last else "",
        status,
        status_date.text if status_date else "",
        history.split(";") if history else [],
        list(edge.sectors),
        edge.agreements,
        len(edge.sources),
        list(edge.sources),
    ]
    return dict(zip((c.name for c in EDGE_COLUMNS), values, strict=True))


def edge_rows(network: Network) -> list[dict[str, Any]]:
    """The edge list, in partnership IRI order."""
    return [edge_row(network, edge) for edge in network.edges]


def node_rows(network: Network) -> list[dict[str, Any]]:
    """The node table, in IRI order."""
    degrees = network.degrees()
    rows = []
    for node in network.nodes.values():
        rows.append(
            {
                "node": node.id,
                "name": node.name,
                "kind": node.kind,
                "country": node.country,
                "subdivision": node.subdivision,
                "region": node.region,
                "wikidata": node.wikidata,
                "geonames": node.geonames,
                "latitude": node.latitude,
                "longitude": node.longitude,
                "population": node.population,
                "governments": list(node.governments),
                "degree": degrees.get(node.id, 0),
            }
        )
    return rows


def panel_rows(
    network: Network, year_from: int | None = None, year_to: int | None = None
) -> list[dict[str, Any]]:
    """The panel: partnership-years in force, within the years given."""
    rows = []
    for edge in network.edges:
        for year, status, attested in edge.years():
            if year_from is not None and year < year_from:
                continue
            if year_to is not None and year > year_to:
                continue
            rows.append(
                {
                    "partnership": edge.partnership,
                    "place_a": edge.a,
                    "place_b": edge.b,
                    "year": year,
                    "status": status,
                    "attested": attested,
                }
            )
    return rows
