"""The dataset described in VoID (https://www.w3.org/TR/void/) and DCAT
(https://www.w3.org/TR/vocab-dcat-3/): size, entities per class, the SPARQL endpoint, the dumps,
the licence, the publisher and when it last changed.

Served at ``/dataset`` and ``/.well-known/void`` (RFC 5785, VoID §7.2); its IRI is
``{base}dataset``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pyoxigraph as ox
from rdflib import Literal

from citypact.namespaces import ONTOLOGY_IRI, SECTOR_SCHEME
from citypact.network.formats import FILES as NETWORK_FILES
from citypact.publishing.dumps import DUMPS
from citypact.publishing.linked_data import IriSpace, linked_data_queries, sort_triples
from citypact.store.backends import META_GRAPH
from citypact.store.port import QueryOptions, Store

_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_VOID = "http://rdfs.org/ns/void#"
_DCAT = "http://www.w3.org/ns/dcat#"
_DCT = "http://purl.org/dc/terms/"
_FOAF = "http://xmlns.com/foaf/0.1/"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SD = "http://www.w3.org/ns/sparql-service-description#"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
PUBLISHER = "CityPact contributors"
IANA_MEDIA = "https://www.iana.org/assignments/media-types/"
VOCABULARIES = (
    ONTOLOGY_IRI,
    "http://www.w3.org/2004/02/skos/core#",
    "http://www.w3.org/ns/prov#",
    "http://www.w3.org/ns/org#",
    "https://schema.org/",
    "http://www.opengis.net/ont/geosparql#",
    "http://purl.org/dc/terms/",
)


@dataclass(frozen=True)
class DatasetState:
    """How far the dataset has changed: submissions held, the latest one, the release date."""

    submissions: int
    latest: datetime | None
    released: date | None

    @property
    def fingerprint(self) -> tuple[int, str]:
        """Changes whenever a submission is added or retracted."""
        return self.submissions, self.latest.isoformat() if self.latest else ""

    @property
    def modified(self) -> datetime | None:
        """When the data last changed, as far as the graph records it."""
        stamps = [self.latest] if self.latest else []
        if self.released:
            stamps.append(datetime(*self.released.timetuple()[:3], tzinfo=UTC))
        return max(stamps) if stamps else None


def _parse_datetime(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def dataset_state(store: Store, timeout: float = 30.0) -> DatasetState:
    """Read the dataset's state from the bookkeeping graph and the ontology."""
    text = linked_data_queries()["dataset_state"].bind()
    rows = store.select(text, QueryOptions(timeout=timeout)).rows
    row = rows[0] if rows else {}
    count = int(row["submissions"].value) if "submissions" in row else 0
    latest = _parse_datetime(row["latest"].value) if "latest" in row else None
    released = None
    if "released" in row:
        try:
            released = date.fromisoformat(row["released"].value[:10])
        except ValueError:
            released = None
    return DatasetState(count, latest, released)


@dataclass(frozen=True)
class EndpointSize:
    """What a count over the SPARQL endpoint's default graph sees (``endpoint_size.rq``)."""

    triples: int
    bookkeeping: int


def endpoint_size(store: Store, timeout: float = 30.0) -> EndpointSize:
    """Triples in the endpoint's union default graph, and those of the bookkeeping graph."""
    rows = store.select(
        linked_data_queries()["endpoint_size"].bind(), QueryOptions(timeout=timeout)
    )
    row = rows.rows[0] if rows.rows else {}
    return EndpointSize(
        int(row["endpointTriples"].value) if "endpointTriples" in row else 0,
        int(row["bookkeepingTriples"].value) if "bookkeepingTriples" in row else 0,
    )


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "integer"))


class _Triples(list[ox.Triple]):
    def add(
        self, s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal
    ) -> None:
        self.append(ox.Triple(s, ox.NamedNode(p), o))


@dataclass(frozen=True)
class ReleasedVersion:
    """A citable release of the dataset (``citypact release``): its version, issue date and
    triple count, and whether the data served now is still that release's."""

    version: str
    issued: str
    triples: int
    current: bool = False


def describe_dataset(
    store: Store,
    space: IriSpace,
    modified: datetime | None,
    timeout: float = 30.0,
    releases: Sequence[ReleasedVersion] = (),
    version: ReleasedVersion | None = None,
) -> list[ox.Triple]:
    """The VoID and DCAT description of the dataset.

    ``releases`` (newest first) are linked as versions (``dcat:hasVersion``), each at
    ``{base}dumps/releases/{version}/``; the dataset states the newest one's version when the
    data is still that release's. ``version`` describes a release itself (its version and
    date), as written into the release.
    """
    queries = linked_data_queries()
    options = QueryOptions(timeout=timeout)
    prefixes = [Literal(p) for p in space.entity_prefixes]
    size = store.select(queries["dataset_size"].bind(space=prefixes), options).rows
    parts = store.select(queries["class_partitions"].bind(space=prefixes), options).rows
    ds = _iri(space.dataset_iri)
    t = _Triples()
    t.add(ds, str(_RDF_TYPE.value), _iri(_VOID + "Dataset"))
    t.add(ds, str(_RDF_TYPE.value), _iri(_DCAT + "Dataset"))
    t.add(ds, _DCT + "title", ox.Literal("CityPact", language="en"))
    t.add(
        ds,
        _DCT + "description",
        ox.Literal(
            "An open linked-data knowledge graph of city diplomacy: cities, the officials who "
            "act for them, the agreements they sign and the commitments in those agreements, "
            "every fact with its source.",
            language="en",
        ),
    )
    sources = store.select(queries["source_graphs"].bind(), options).rows
    if sources:
        t.add(
            ds,
            _DCT + "rights",
            ox.Literal(
                "Licences differ by named graph: CityPact's own graphs (the ontology, the curated "
                "data, the submissions) are CC BY 4.0; each outside source's graph keeps its "
                "licence and attribution (see each void:subset).",
                language="en",
            ),
        )
    else:
        t.add(ds, _DCT + "license", _iri(LICENSE))
    publisher = ox.BlankNode("publisher")
    t.add(ds, _DCT + "publisher", publisher)
    t.add(publisher, str(_RDF_TYPE.value), _iri(_FOAF + "Organization"))
    t.add(publisher, _FOAF + "name", ox.Literal(PUBLISHER))
    t.add(publisher, _FOAF + "homepage", _iri(space.base))
    if modified is not None:
        stamp = modified.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        t.add(ds, _DCT + "modified", ox.Literal(stamp, datatype=_iri(_XSD + "dateTime")))
    t.add(ds, _DCAT + "landingPage", _iri(space.base))
    t.add(ds, _FOAF + "homepage", _iri(space.base))
    for word in ("city diplomacy", "sister cities", "local government", "linked data"):
        t.add(ds, _DCAT + "keyword", ox.Literal(word, language="en"))
    sparql = _iri(space.base + "sparql")
    t.add(ds, _VOID + "sparqlEndpoint", sparql)
    t.add(ds, _VOID + "uriSpace", ox.Literal(space.base + "id/"))
    t.add(ds, _VOID + "rootResource", _iri(SECTOR_SCHEME))
    for vocabulary in VOCABULARIES:
        t.add(ds, _VOID + "vocabulary", _iri(vocabulary))
    if size:
        t.add(ds, _VOID + "triples", _int(int(size[0]["triples"].value)))
        t.add(ds, _VOID + "entities", _int(int(size[0]["entities"].value)))
    endpoint = endpoint_size(store, timeout)
    t.add(
        ds,
        _RDFS + "comment",
        ox.Literal(
            "void:triples counts the distinct triples of the published graphs, as the dumps "
            "hold them. The SPARQL endpoint's default graph also holds the bookkeeping graph "
            f"<{META_GRAPH}> (the load marker and each submission's provenance, "
            f"{endpoint.bookkeeping} triples), and a count there counts a triple once for each "
            f"graph that states it: it finds {endpoint.triples} triples. The service "
            "description at /sparql gives both figures as void:triples of its graphs.",
            language="en",
        ),
    )
    for number, row in enumerate(parts, start=1):
        part = ox.BlankNode(f"class{number}")
        t.add(ds, _VOID + "classPartition", part)
        t.add(part, _VOID + "class", row["class"])  # type: ignore[arg-type]
        t.add(part, _VOID + "entities", _int(int(row["entities"].value)))
    _distributions(t, ds, space, sparql, mixed=bool(sources))
    _network_distributions(t, ds, space)
    for number, row in enumerate(sources, start=1):
        _source_subset(t, ds, space, number, row)
    triples = int(size[0]["triples"].value) if size else 0
    _versions(t, ds, space, releases, version, triples)
    return sort_triples(t)


def _versions(
    t: _Triples,
    ds: ox.NamedNode,
    space: IriSpace,
    releases: Sequence[ReleasedVersion],
    version: ReleasedVersion | None,
    triples: int,
) -> None:
    """DCAT 3 versioning: dcat:version, dcterms:issued, dcat:hasVersion, dcat:previousVersion."""
    owl = "http://www.w3.org/2002/07/owl#"
    if version is not None:
        t.add(ds, _DCAT + "version", ox.Literal(version.version))
        t.add(ds, owl + "versionInfo", ox.Literal(version.version))
        t.add(ds, _DCT + "issued", ox.Literal(version.issued, datatype=_iri(_XSD + "date")))
    for release in releases:
        node = _iri(f"{space.base}dumps/releases/{release.version}/")
        if version is not None and release.version == version.version:
            continue
        t.add(ds, _DCAT + "hasVersion", node)
        t.add(node, str(_RDF_TYPE.value), _iri(_DCAT + "Dataset"))
        t.add(node, _DCAT + "version", ox.Literal(release.version))
        t.add(node, _DCT + "issued", ox.Literal(release.issued, datatype=_iri(_XSD + "date")))
        t.add(node, _DCAT + "isVersionOf", ds)
    if version is None and releases:
        latest = releases[0]
        if latest.current and latest.triples == triples:
            t.add(ds, _DCAT + "version", ox.Literal(latest.version))
            t.add(ds, owl + "versionInfo", ox.Literal(latest.version))
        else:
            t.add(
                ds,
                _RDFS + "comment",
                ox.Literal(
                    f"The data served here has changed since release {latest.version}; cite "
                    "a release for a fixed version.",
                    language="en",
                ),
            )
        t.add(
            ds,
            _DCAT + "previousVersion" if not latest.current else _DCAT + "hasCurrentVersion",
            _iri(f"{space.base}dumps/releases/{latest.version}/"),
        )


def _network_distributions(t: _Triples, ds: ox.NamedNode, space: IriSpace) -> None:
    """The network tables and graph files (``/dumps/network/``) as distributions."""
    for number, file in enumerate(NETWORK_FILES, start=1):
        url = _iri(f"{space.base}dumps/network/{file.name}")
        dist = ox.BlankNode(f"network{number}")
        t.add(ds, _DCAT + "distribution", dist)
        t.add(dist, str(_RDF_TYPE.value), _iri(_DCAT + "Distribution"))
        t.add(dist, _DCT + "title", ox.Literal(f"network/{file.name}: {file.title}", language="en"))
        t.add(dist, _DCAT + "downloadURL", url)
        t.add(dist, _DCAT + "accessURL", url)
        t.add(dist, _DCAT + "mediaType", _iri(IANA_MEDIA + file.media_type))
        if file.kind == "csv":
            t.add(
                dist,
                _DCT + "conformsTo",
                _iri(f"{space.base}dumps/network/{file.name}-metadata.json"),
            )


def source_dump_name(graph: str) -> str:
    """The file name of one source graph's dump: ``source-{key}.nq.gz``."""
    return f"source-{graph.rsplit('/', 1)[-1]}.nq.gz"


def _source_subset(t: _Triples, ds: ox.NamedNode, space: IriSpace, number: int, row: Any) -> None:
    """A void:subset per outside source's graph: its licence, size, dump and dataset node."""
    part = ox.BlankNode(f"source{number}")
    graph = row["graph"].value
    t.add(ds, _VOID + "subset", part)
    t.add(part, str(_RDF_TYPE.value), _iri(_VOID + "Dataset"))
    t.add(part, str(_RDF_TYPE.value), _iri(_DCAT + "Dataset"))
    t.add(part, _SD + "name", _iri(graph))
    if "title" in row:
        t.add(part, _DCT + "title", row["title"])
    t.add(part, _DCT + "license", row["licence"])
    if "rights" in row:
        t.add(part, _DCT + "rights", row["rights"])
    t.add(part, _DCT + "source", row["dataset"])
    t.add(part, _VOID + "triples", _int(int(row["triples"].value)))
    url = _iri(f"{space.base}dumps/{source_dump_name(graph)}")
    t.add(part, _VOID + "dataDump", url)
    dist = ox.BlankNode(f"sourceDump{number}")
    t.add(part, _DCAT + "distribution", dist)
    t.add(dist, str(_RDF_TYPE.value), _iri(_DCAT + "Distribution"))
    t.add(dist, _DCAT + "downloadURL", url)
    t.add(dist, _DCAT + "mediaType", _iri(IANA_MEDIA + "application/n-quads"))
    t.add(dist, _DCAT + "compressFormat", _iri(IANA_MEDIA + "application/gzip"))
    t.add(dist, _DCT + "license", row["licence"])


def _distributions(
    t: _Triples, ds: ox.NamedNode, space: IriSpace, sparql: ox.NamedNode, mixed: bool = False
) -> None:
    """void:dataDump and a dcat:Distribution per dump; the endpoint as a dcat:DataService."""
    for number, dump in enumerate(DUMPS, start=1):
        url = _iri(f"{space.base}dumps/{dump.name}")
        t.add(ds, _VOID + "dataDump", url)
        dist = ox.BlankNode(f"dump{number}")
        t.add(ds, _DCAT + "distribution", dist)
        t.add(dist, str(_RDF_TYPE.value), _iri(_DCAT + "Distribution"))
        t.add(dist, _DCT + "title", ox.Literal(f"{dump.name}: {dump.title}", language="en"))
        t.add(dist, _DCAT + "downloadURL", url)
        t.add(dist, _DCAT + "accessURL", url)
        t.add(dist, _DCAT + "mediaType", _iri(IANA_MEDIA + dump.content_type))
        if dump.gzipped:
            t.add(dist, _DCAT + "compressFormat", _iri(IANA_MEDIA + dump.media_type))
        if mixed:
            t.add(
                dist,
                _DCT + "rights",
                ox.Literal(
                    "Holds every published graph; licences differ by graph (CC BY 4.0 for "
                    "CityPact's own, each source's own for its graph): see the dataset's "
                    "void:subset descriptions, or download one source's graph on its own.",
                    language="en",
                ),
            )
        else:
            t.add(dist, _DCT + "license", _iri(LICENSE))
    service, endpoint = ox.BlankNode("sparqlService"), ox.BlankNode("sparqlDistribution")
    t.add(ds, _DCAT + "distribution", endpoint)
    t.add(endpoint, str(_RDF_TYPE.value), _iri(_DCAT + "Distribution"))
    t.add(endpoint, _DCT + "title", ox.Literal("SPARQL endpoint", language="en"))
    t.add(endpoint, _DCAT + "accessURL", sparql)
    t.add(endpoint, _DCAT + "accessService", service)
    t.add(service, str(_RDF_TYPE.value), _iri(_DCAT + "DataService"))
    t.add(service, _DCAT + "endpointURL", sparql)
    t.add(service, _DCAT + "servesDataset", ds)
    t.add(service, _DCT + "conformsTo", _iri("https://www.w3.org/TR/sparql11-protocol/"))
