"""What the benchmark works on: the generated data, realistic query parameters picked from it,
the named queries bound with them, the 1,000-triple submission and injected violations."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from common import BenchConfig
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from citypact import resources
from citypact.generator import GeneratorConfig, generate, sizes_for_triples
from citypact.namespaces import CP, GEO, ID, SCHEMA
from citypact.store.port import Store
from citypact.store.queries import NamedQuery, QueryRegistry
from citypact.vocabulary import sectors

CP_PREFIX = "PREFIX cp: <https://w3id.org/citypact/ontology#>\n"
SUBMISSION_AGREEMENTS = 20
"""20 agreements of 50 triples each: a 1,000-triple submission."""
SUBMISSION_SECTORS = 4


# --- data -----------------------------------------------------------------------------------------


@dataclass
class Dataset:
    """A generated file and what it holds."""

    path: Path
    cities: int
    agreements: int
    triples: int
    seconds: float

    def describe(self) -> dict[str, str]:
        """For the report's data table."""
        size = self.path.stat().st_size
        return {
            "file": f"{self.path.name} ({size / 1e6:.0f} MB Turtle)",
            "generated": f"{self.triples:,} triples from --cities {self.cities} "
            f"--agreements {self.agreements} in {self.seconds:.1f} s",
            "triples per city (incl. 4 agreements)": f"{self.triples / self.cities:.0f}",
        }


def generate_dataset(cfg: BenchConfig, triples: int, name: str) -> Dataset:
    """Generate about ``triples`` triples (4 agreements per city) into the work directory."""
    cities, agreements = sizes_for_triples(triples)
    path = cfg.workdir / f"{name}-{cities}c-{agreements}a-s{cfg.seed}.ttl"
    config = GeneratorConfig(
        cities=cities, agreements=agreements, seed=cfg.seed, namespace=cfg.namespace
    )
    started = time.perf_counter()
    stats = generate(config, path)
    return Dataset(path, cities, agreements, stats.triples, time.perf_counter() - started)


def bundled_files() -> list[Path]:
    """The ontology and the bundled data: what every store holds besides the synthetic file."""
    return resources.ontology_files() + resources.data_files()


def combined_turtle(parts: list[Path], target: Path) -> Path:
    """Concatenate Turtle files into one (prefixes may be declared again; no @base is used)."""
    with target.open("wb") as out:
        for part in parts:
            out.write(part.read_bytes())
            out.write(b"\n")
    return target


def rdflib_graph(paths: list[Path]) -> Graph:
    """An rdflib graph holding the given files."""
    graph = Graph()
    for path in paths:
        graph.parse(path)
    return graph


# --- parameters -----------------------------------------------------------------------------------


@dataclass
class Params:
    """Realistic query parameters, picked from the data."""

    city: URIRef
    city_partnerships: int
    sector: URIRef
    year: int
    agreement: URIRef
    agreement_commitments: int
    partnership: URIRef
    date: date

    @property
    def city_slug(self) -> str:
        """The slug the REST API takes."""
        return str(self.city).rstrip("/").rsplit("/", 1)[-1]

    @property
    def sector_slug(self) -> str:
        """The sector's notation (the REST API's ?sector=)."""
        return str(self.sector).rsplit("/", 1)[-1]

    def describe(self) -> dict[str, str]:
        """For the report."""
        return {
            "most-partnered city": f"<{self.city}> ({self.city_partnerships} partnerships)",
            "sector (its most common)": f"<{self.sector}>",
            "year (its busiest)": str(self.year),
            "agreement (most sectors, signed)": f"<{self.agreement}> "
            f"({self.agreement_commitments} commitments)",
            "partnership": f"<{self.partnership}>",
            "date inside tenures": self.date.isoformat(),
        }


def _one(store: Store, text: str) -> dict[str, str]:
    rows = store.select(CP_PREFIX + text).rows
    if not rows:
        raise LookupError(f"no answer to a parameter query:\n{text}")
    return {k: v.value for k, v in rows[0].items()}


def pick_params(store: Store) -> Params:
    """The most-partnered city, its most common sector and busiest year, its signed agreement
    with the most sectors, that agreement's partnership and date."""
    top = _one(
        store,
        """SELECT ?city (COUNT(DISTINCT ?p) AS ?n) WHERE {
             ?g cp:governs ?city . ?p a cp:Partnership ; cp:partner ?g .
           } GROUP BY ?city ORDER BY DESC(?n) ?city LIMIT 1""",
    )
    city = f"<{top['city']}>"
    sector = _one(
        store,
        f"""SELECT ?sector (COUNT(*) AS ?n) WHERE {{
              ?g cp:governs {city} . ?p cp:partner ?g . ?a cp:partnership ?p .
              ?c cp:commitmentOf ?a ; cp:sector ?sector .
            }} GROUP BY ?sector ORDER BY DESC(?n) ?sector LIMIT 1""",
    )
    year = _one(
        store,
        f"""SELECT ?year (COUNT(*) AS ?n) WHERE {{
              ?g cp:governs {city} . ?a cp:party ?g ; cp:date ?d . BIND (YEAR(?d) AS ?year)
            }} GROUP BY ?year ORDER BY DESC(?n) ?year LIMIT 1""",
    )
    agreement = _one(
        store,
        f"""SELECT ?a ?p ?d (COUNT(DISTINCT ?c) AS ?n) WHERE {{
              ?g cp:governs {city} . ?a cp:party ?g ; cp:partnership ?p ; cp:date ?d ;
                 cp:signature ?s .
              ?c cp:commitmentOf ?a .
            }} GROUP BY ?a ?p ?d ORDER BY DESC(?n) ?a LIMIT 1""",
    )
    return Params(
        city=URIRef(top["city"]),
        city_partnerships=int(top["n"]),
        sector=URIRef(sector["sector"]),
        year=int(year["year"]),
        agreement=URIRef(agreement["a"]),
        agreement_commitments=int(agreement["n"]),
        partnership=URIRef(agreement["p"]),
        date=date.fromisoformat(agreement["d"]),
    )


def typical_anchor(store: Store) -> Anchor:
    """An anchor on the city with the median number of partnerships (the nearest city above
    the median whose partnership has heads in office on both sides)."""
    rows = store.select(
        CP_PREFIX
        + """SELECT ?city (COUNT(DISTINCT ?p) AS ?n) WHERE {
               ?g cp:governs ?city . ?city a cp:City . ?p a cp:Partnership ; cp:partner ?g .
             } GROUP BY ?city ORDER BY ?n ?city"""
    ).rows
    for row in rows[len(rows) // 2 :]:
        try:
            return find_anchor(store, URIRef(row["city"].value))
        except LookupError:
            continue
    raise LookupError("no city above the median has a partnership with heads in office")


# --- the named queries, bound ---------------------------------------------------------------------


@dataclass
class BoundQuery:
    """A named query with the parameters it runs with."""

    name: str
    text: str
    bindings: str


def bound_queries(params: Params, registry: QueryRegistry | None = None) -> list[BoundQuery]:
    """Every top-level query in queries/, bound with realistic parameters.

    A query with a required parameter the benchmark does not know is left out.
    """
    registry = registry or QueryRegistry()
    values: dict[str, object] = {
        "agreement": params.agreement,
        "city": params.city,
        "place": params.city,
        "sector": params.sector,
        "year": Literal(params.year, datatype=XSD.integer),
        "partnership": params.partnership,
        "date": Literal(params.date.isoformat(), datatype=XSD.date),
        "submission": URIRef("https://w3id.org/citypact/graph/submission/none"),
    }
    out = []
    for query in registry:
        bindings = _bindings_for(query, values)
        if bindings is None:
            continue
        shown = ", ".join(f"?{k}" for k in bindings) or "none"
        out.append(BoundQuery(query.name, query.bind(**bindings), shown))  # type: ignore[arg-type]
        if query.name == "places":
            out.append(BoundQuery("places (all)", query.bind(), "none"))
    return out


def _bindings_for(query: NamedQuery, values: dict[str, object]) -> dict[str, object] | None:
    bindings = {}
    for param in query.parameters:
        if param.name in values:
            if (query.name, param.name) in {
                ("post_holders_on_date", "post"),
                ("agreements", "agreement"),
            }:
                continue
            bindings[param.name] = values[param.name]
        elif param.required:
            return None
    return bindings


# --- the submission -------------------------------------------------------------------------------


@dataclass
class Anchor:
    """Existing nodes a new agreement can refer to: a partnership, its two governments, the
    post of each and the person holding it on ``date``."""

    partnership: URIRef
    governments: tuple[URIRef, URIRef]
    posts: tuple[URIRef, URIRef]
    people: tuple[URIRef, URIRef]
    date: date


def find_anchor(store: Store, government_of: URIRef | None = None) -> Anchor:
    """A partnership whose two partners both have a head in office (open tenure) today.

    ``government_of`` restricts it to a partnership of that place's government.
    """
    restrict = f"?g1 cp:governs <{government_of}> ." if government_of else ""
    row = _one(
        store,
        f"""SELECT ?p ?g1 ?g2 ?post1 ?person1 ?s1 ?post2 ?person2 ?s2 WHERE {{
              {restrict}
              ?p a cp:Partnership ; cp:partner ?g1 , ?g2 . FILTER (?g1 != ?g2)
              ?t1 cp:post ?post1 ; cp:holder ?person1 ; cp:startDate ?s1 .
              ?post1 cp:postIn ?g1 . FILTER NOT EXISTS {{ ?t1 cp:endDate ?e1 }}
              ?t2 cp:post ?post2 ; cp:holder ?person2 ; cp:startDate ?s2 .
              ?post2 cp:postIn ?g2 . FILTER NOT EXISTS {{ ?t2 cp:endDate ?e2 }}
            }} ORDER BY ?p ?g1 ?post1 ?post2 ?person1 ?person2 LIMIT 1""",
    )
    day = max(date.fromisoformat(row["s1"]), date.fromisoformat(row["s2"]))
    return Anchor(
        URIRef(row["p"]),
        (URIRef(row["g1"]), URIRef(row["g2"])),
        (URIRef(row["post1"]), URIRef(row["post2"])),
        (URIRef(row["person1"]), URIRef(row["person2"])),
        day,
    )


def build_submission(anchor: Anchor) -> Graph:
    """1,000 new triples in the main namespace: 20 memoranda between the anchor's governments,
    each with a news source, two signatures (the heads in office) and four commitments."""
    sector_iris = [sectors()[k] for k in sorted(sectors())[:SUBMISSION_SECTORS]]
    graph = Graph()
    day = Literal(anchor.date.isoformat(), datatype=XSD.date)
    for i in range(SUBMISSION_AGREEMENTS):
        slug = f"bench-submission-{i:02d}-{anchor.date.isoformat()}"
        agreement, source = URIRef(f"{ID}agreement/{slug}"), URIRef(f"{ID}source/{slug}")
        _add(
            graph,
            source,
            [
                (RDF.type, CP.NewsArticle),
                (RDFS.label, Literal(f"News report on memorandum {i}", lang="en")),
                (DCTERMS.date, day),
                (DCTERMS.language, Literal("en", datatype=XSD.language)),
                (SCHEMA.url, URIRef(f"https://news.example/{slug}")),
            ],
        )
        signatures = [URIRef(f"{ID}signature/{slug}-{n}") for n in (1, 2)]
        _add(
            graph,
            agreement,
            [
                (RDF.type, CP.Agreement),
                (RDFS.label, Literal(f"Benchmark memorandum {i}", lang="en")),
                (RDFS.label, Literal(f"Nota kesepahaman uji {i}", lang="id")),
                (CP.documentType, CP.MemorandumOfUnderstanding),
                (CP.date, day),
                (CP.partnership, anchor.partnership),
                (CP.party, anchor.governments[0]),
                (CP.party, anchor.governments[1]),
                (CP.signature, signatures[0]),
                (CP.signature, signatures[1]),
                (PROV.wasDerivedFrom, source),
            ],
        )
        for n, signature in enumerate(signatures):
            _add(
                graph,
                signature,
                [
                    (RDF.type, CP.Signature),
                    (RDFS.label, Literal(f"Signature {n + 1} of memorandum {i}", lang="en")),
                    (CP.signatory, anchor.people[n]),
                    (CP.signedFor, anchor.governments[n]),
                    (CP.signedAs, anchor.posts[n]),
                ],
            )
        for sector in sector_iris:
            commitment = URIRef(f"{ID}commitment/{slug}-{sector.rsplit('/', 1)[-1]}")
            _add(
                graph,
                commitment,
                [
                    (RDF.type, CP.Commitment),
                    (
                        RDFS.label,
                        Literal(f"Memorandum {i}: {sector.rsplit('/', 1)[-1]}", lang="en"),
                    ),
                    (CP.commitmentOf, agreement),
                    (CP.sector, sector),
                    (CP.status, CP.Stated),
                    (PROV.wasDerivedFrom, source),
                ],
            )
    return graph


def _add(graph: Graph, subject: URIRef, pairs: list[tuple[URIRef, object]]) -> None:
    for predicate, obj in pairs:
        graph.add((subject, predicate, obj))  # type: ignore[arg-type]


# --- injected violations --------------------------------------------------------------------------


def inject_violations(store: Store) -> tuple[Graph, set[str]]:
    """A handful of additions that each break a shape, and the focus nodes they should flag.

    A second date on an agreement (maxCount); a signature whose signatory gets a second person
    who held no post (maxCount and the SHACL-SPARQL SignatoryHeldPostOnDate); a duplicate
    commitment on one sector (SHACL-SPARQL OneCommitmentPerSector, on both commitments); a third
    partner (maxCount); a tenure ending before it starts (lessThanOrEquals); and a city whose
    coordinates are out of range (SHACL-SPARQL CoordinatesInRange).
    """
    agreement = _one(store, "SELECT ?a ?d WHERE { ?a cp:date ?d } ORDER BY ?a LIMIT 1")
    signature = _one(
        store,
        """SELECT ?s WHERE { ?a cp:signature ?s ; cp:date ?d . ?s cp:signatory ?who }
           ORDER BY ?s LIMIT 1""",
    )
    commitment = _one(
        store,
        "SELECT ?c ?a ?sector WHERE { ?c cp:commitmentOf ?a ; cp:sector ?sector } "
        "ORDER BY ?c LIMIT 1",
    )
    partnership = _one(
        store,
        """SELECT ?p ?other WHERE { ?p a cp:Partnership . ?other a cp:LocalGovernment .
             FILTER NOT EXISTS { ?p cp:partner ?other } } ORDER BY ?p ?other LIMIT 1""",
    )
    tenure = _one(
        store, "SELECT ?t WHERE { ?t cp:startDate ?s ; cp:holder ?h } ORDER BY ?t LIMIT 1"
    )
    base = f"{ID}"
    extra = Graph()
    a, s = URIRef(agreement["a"]), URIRef(signature["s"])
    extra.add((a, CP.date, Literal("1990-01-01", datatype=XSD.date)))
    stranger = URIRef(f"{base}person/bench-injected-stranger")
    extra.add((stranger, RDF.type, CP.Person))
    extra.add((stranger, RDFS.label, Literal("Injected Stranger", lang="en")))
    extra.add((s, CP.signatory, stranger))
    duplicate = URIRef(f"{base}commitment/bench-injected-duplicate")
    _add(
        extra,
        duplicate,
        [
            (RDF.type, CP.Commitment),
            (RDFS.label, Literal("Injected duplicate commitment", lang="en")),
            (CP.commitmentOf, URIRef(commitment["a"])),
            (CP.sector, URIRef(commitment["sector"])),
            (CP.status, CP.Stated),
            (PROV.wasDerivedFrom, URIRef(f"{base}source/bench-injected")),
        ],
    )
    _add(
        extra,
        URIRef(f"{base}source/bench-injected"),
        [(RDF.type, CP.NewsArticle), (RDFS.label, Literal("Injected source", lang="en"))],
    )
    extra.add((URIRef(partnership["p"]), CP.partner, URIRef(partnership["other"])))
    t = URIRef(tenure["t"])
    extra.add((t, CP.endDate, Literal("1900-01-01", datatype=XSD.date)))
    city, geometry = URIRef(f"{base}city/bench-injected-nowhere"), URIRef(f"{base}geometry/bench")
    _add(
        extra,
        city,
        [
            (RDF.type, CP.City),
            (RDFS.label, Literal("Nowhere", lang="en")),
            (GEO.hasGeometry, geometry),
        ],
    )
    extra.add((geometry, GEO.asWKT, Literal("POINT(200 10)", datatype=GEO.wktLiteral)))
    expected = {
        str(a),
        str(s),
        str(duplicate),
        commitment["c"],
        partnership["p"],
        str(t),
        str(city),
    }
    return extra, expected
