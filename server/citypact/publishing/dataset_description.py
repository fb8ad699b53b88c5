"""The dataset described in VoID (https://www.w3.org/TR/void/) and DCAT
(https://www.w3.org/TR/vocab-dcat-3/): size, entities per class, the SPARQL endpoint, the dumps,
the licence, the publisher and when it last changed.

Served at ``/dataset`` and ``/.well-known/void`` (RFC 5785, VoID §7.2); its IRI is
``{base}dataset``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pyoxigraph as ox
from rdflib import Literal

from citypact.namespaces import ONTOLOGY_IRI, SECTOR_SCHEME
from citypact.publishing.dumps import DUMPS
from citypact.publishing.linked_data import IriSpace, linked_data_queries, sort_triples
from citypact.store.port import QueryOptions, Store

_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_VOID = "http://rdfs.org/ns/void#"
_DCAT = "http://www.w3.org/ns/dcat#"
_DCT = "http://purl.org/dc/terms/"
_FOAF = "http://xmlns.com/foaf/0.1/"
_XSD = "http://www.w3.org/2001/XMLSchema#"
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


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "integer"))


class _Triples(list[ox.Triple]):
    def add(
        self, s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal
    ) -> None:
        self.append(ox.Triple(s, ox.NamedNode(p), o))


def describe_dataset(
    store: Store, space: IriSpace, modified: datetime | None, timeout: float = 30.0
) -> list[ox.Triple]:
    """The VoID and DCAT description of the dataset."""
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
    for number, row in enumerate(parts, start=1):
        part = ox.BlankNode(f"class{number}")
        t.add(ds, _VOID + "classPartition", part)
        t.add(part, _VOID + "class", row["class"])  # type: ignore[arg-type]
        t.add(part, _VOID + "entities", _int(int(row["entities"].value)))
    _distributions(t, ds, space, sparql)
    return sort_triples(t)


def _distributions(t: _Triples, ds: ox.NamedNode, space: IriSpace, sparql: ox.NamedNode) -> None:
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
