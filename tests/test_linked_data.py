"""Linked data on the running app: entity IRIs with content negotiation, the ontology and its
documentation, the dataset description, the sitemap, streamed dumps, and a crawl of the site."""

from __future__ import annotations

import gzip
import re
import threading
import time
from collections import deque
from email.utils import format_datetime, parsedate_to_datetime
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from citypact import rdf_io, resources
from citypact.app import create_app
from citypact.namespaces import CP, VOID
from citypact.publishing import dumps
from citypact.publishing.linked_data import REPRESENTATIONS, Describer, IriSpace, split_suffix
from citypact.settings import Settings
from citypact.store.backends import ensure_bundled_data
from citypact.store.embedded import EmbeddedStore
from citypact.store.port import DATA_GRAPH, ONTOLOGY_GRAPH

from .conftest import BACKENDS, settings_for

ID = "https://w3id.org/citypact/id/"
JAKARTA = ID + "city/jakarta"
LOI = ID + "agreement/jakarta-kuala-lumpur-loi-2025-08-11"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
DCAT = "http://www.w3.org/ns/dcat#"
RDFLIB_FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}

# Accept header → (status, media type, suffix of the document served).
ACCEPT_MATRIX = [
    ("text/html", 200, "text/html", "html"),
    (BROWSER, 200, "text/html", "html"),
    ("text/turtle", 200, "text/turtle", "ttl"),
    ("application/ld+json", 200, "application/ld+json", "jsonld"),
    ("application/n-triples", 200, "application/n-triples", "nt"),
    ("application/rdf+xml", 200, "application/rdf+xml", "rdf"),
    ("text/turtle;q=0.5, application/ld+json", 200, "application/ld+json", "jsonld"),
    ("*/*", 200, "text/html", "html"),
    ("image/png", 406, "application/json", None),
]
SUFFIX_MATRIX = [
    ("ttl", "text/turtle"),
    ("jsonld", "application/ld+json"),
    ("nt", "application/n-triples"),
    ("rdf", "application/rdf+xml"),
    ("html", "text/html"),
]
FORMAT_MATRIX = [
    ("turtle", 200, "text/turtle"),
    ("jsonld", 200, "application/ld+json"),
    ("ntriples", 200, "application/n-triples"),
    ("rdfxml", 200, "application/rdf+xml"),
    ("html", 200, "text/html"),
    ("text/turtle", 200, "text/turtle"),
    ("bogus", 406, "application/json"),
]
RDFS_LABEL = ox.NamedNode(str(RDFS.label))
NEGOTIATED_PATHS = ["/id/city/jakarta", "/id/sector", "/ontology", "/dataset", "/.well-known/void"]


def media(response) -> str:  # type: ignore[no-untyped-def]
    return response.headers.get("content-type", "").split(";")[0].strip()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path_factory.mktemp("linked") / "store")  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def bundled() -> tuple[Graph, Graph]:
    """The ontology files and the data files, parsed on their own (independent of the store)."""
    return (
        rdf_io.load_files(resources.ontology_files()),
        rdf_io.load_files(resources.data_files()),
    )


# --- the negotiation matrix ----------------------------------------------------------------------


@pytest.mark.parametrize("path", NEGOTIATED_PATHS)
@pytest.mark.parametrize(
    ("accept", "status", "media_type", "suffix"), ACCEPT_MATRIX, ids=[m[0] for m in ACCEPT_MATRIX]
)
def test_accept_matrix(client, path, accept, status, media_type, suffix) -> None:  # type: ignore[no-untyped-def]
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == status, response.text[:300]
    assert media(response) == media_type
    assert "Accept" in response.headers.get("vary", "")
    if status == 200:
        assert response.headers["content-location"] == f"{path}.{suffix}"
        assert response.headers["etag"] and response.headers["last-modified"]
    else:
        message = response.json()["error"]["message"]
        for rep in REPRESENTATIONS:
            assert rep.media_type in message


def test_no_accept_header_gets_the_page(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/id/city/jakarta", headers={"Accept": ""})
    assert response.status_code == 200 and media(response) == "text/html"


@pytest.mark.parametrize("path", ["/id/city/jakarta", "/ontology", "/dataset", "/id/sector"])
@pytest.mark.parametrize(("suffix", "media_type"), SUFFIX_MATRIX)
def test_suffix_overrides_accept(client, path, suffix, media_type) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"{path}.{suffix}", headers={"Accept": "image/png"})
    assert response.status_code == 200
    assert media(response) == media_type
    assert "content-location" not in response.headers
    assert "Accept" not in response.headers.get("vary", "")


@pytest.mark.parametrize(("fmt", "status", "media_type"), FORMAT_MATRIX)
def test_format_parameter_overrides_accept(client, fmt, status, media_type) -> None:  # type: ignore[no-untyped-def]
    response = client.get(
        "/id/city/jakarta", params={"format": fmt}, headers={"Accept": "text/html"}
    )
    assert response.status_code == status
    assert media(response) == media_type


def test_link_header_lists_the_alternates(client) -> None:  # type: ignore[no-untyped-def]
    link = client.get("/id/city/jakarta", headers={"Accept": "text/turtle"}).headers["link"]
    for rep in REPRESENTATIONS:
        assert f'</id/city/jakarta.{rep.suffix}>; rel="alternate"; type="{rep.media_type}"' in link


# --- descriptions --------------------------------------------------------------------------------


def parsed(client, path: str, suffix: str) -> Graph:  # type: ignore[no-untyped-def]
    response = client.get(f"{path}.{suffix}")
    assert response.status_code == 200, response.text[:300]
    return Graph().parse(data=response.content, format=RDFLIB_FORMATS[suffix])


@pytest.mark.parametrize(
    "path",
    [
        "/id/city/jakarta",
        "/id/agreement/jakarta-kuala-lumpur-loi-2025-08-11",
        "/id/sector",
        "/id/sector/flood-management",
        "/id/person/pramono-anung",
        "/ontology",
        "/dataset",
    ],
)
def test_every_serialization_parses_to_the_same_graph(client, path) -> None:  # type: ignore[no-untyped-def]
    graphs = {suffix: parsed(client, path, suffix) for suffix in RDFLIB_FORMATS}
    assert len(graphs["ttl"]) > 5
    for suffix, graph in graphs.items():
        assert isomorphic(graph, graphs["ttl"]), f"{path}.{suffix} differs from the Turtle"


def test_the_description_is_what_the_store_says(client) -> None:  # type: ignore[no-untyped-def]
    store = client.app.state.store
    expected = Graph()
    for quad in store.oxigraph.quads_for_pattern(ox.NamedNode(JAKARTA), None, None):
        expected.add(
            tuple(rdf_io.to_rdflib(t) for t in (quad.subject, quad.predicate, quad.object))
        )  # type: ignore[arg-type]
    graph = parsed(client, "/id/city/jakarta", "nt")
    own = Graph()
    for triple in graph.triples((URIRef(JAKARTA), None, None)):
        own.add(triple)
    assert isomorphic(own, expected)


def test_a_description_holds_linked_labels_and_cited_sources(client) -> None:  # type: ignore[no-untyped-def]
    city = parsed(client, "/id/city/jakarta", "ttl")
    indonesia = URIRef(ID + "country/indonesia")
    assert (URIRef(JAKARTA), CP.country, indonesia) in city
    assert Literal("Indonesia", lang="en") in set(city.objects(indonesia, RDFS.label))
    assert set(city.objects(CP.City, RDFS.label)) >= {Literal("city", lang="en")}

    agreement = parsed(client, "/id/agreement/jakarta-kuala-lumpur-loi-2025-08-11", "ttl")
    sources = set(agreement.objects(URIRef(LOI), PROV.wasDerivedFrom))
    assert len(sources) >= 2
    for source in sources:
        assert agreement.value(source, DCTERMS.title) is not None, source
    parties = set(agreement.objects(URIRef(LOI), CP.party))
    assert parties and all(agreement.value(p, RDFS.label) is not None for p in parties)


def test_the_sector_scheme_holds_its_concepts(client) -> None:  # type: ignore[no-untyped-def]
    graph = parsed(client, "/id/sector", "ttl")
    scheme = URIRef(ID + "sector")
    concepts = set(graph.subjects(SKOS.inScheme, scheme))
    assert URIRef(ID + "sector/flood-management") in concepts and len(concepts) > 15
    for concept in concepts:
        langs = {label.language for label in graph.objects(concept, SKOS.prefLabel)}
        assert {"en", "id", "ms"} <= langs


# --- the HTML pages ----------------------------------------------------------------------------


def test_entity_page_is_accessible_and_linked(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get(
        "/id/agreement/jakarta-kuala-lumpur-loi-2025-08-11", headers={"Accept": BROWSER}
    ).text
    assert '<html lang="en">' in page and 'name="viewport"' in page
    assert '<main id="main">' in page and 'href="#main"' in page
    assert "<script" not in page
    assert 'href="/id/government/dki-jakarta"' in page or "/id/government/" in page
    assert 'href="/ontology#party"' in page
    alternate = '<link rel="alternate" type="text/turtle" href="/id/agreement/{}.ttl">'
    assert alternate.format("jakarta-kuala-lumpur-loi-2025-08-11") in page
    assert "Sources" in page


def test_sector_pages_show_every_language(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/id/sector/flood-management", headers={"Accept": "text/html"}).text
    for lang in ("en", "id", "ms"):
        assert f'lang="{lang}"' in page
    assert "http://metadata.un.org/sdg/" in page or "sdg:" in page
    scheme = client.get("/id/sector", headers={"Accept": "text/html"}).text
    assert "Concepts in this scheme" in scheme and 'href="/id/sector/flood-management"' in scheme


def test_home_links_to_linked_data(client) -> None:  # type: ignore[no-untyped-def]
    home = client.get("/").text
    for href in ('href="/dataset"', 'href="/ontology"', 'href="/dumps/"'):
        assert href in home


# --- conditional requests ------------------------------------------------------------------------


def test_etag_and_last_modified_give_304(client) -> None:  # type: ignore[no-untyped-def]
    first = client.get("/id/city/jakarta", headers={"Accept": "text/turtle"})
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert parsedate_to_datetime(modified)
    again = client.get("/id/city/jakarta", headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and "Accept" in again.headers["vary"]
    weak = client.get(
        "/id/city/jakarta", headers={"Accept": "text/turtle", "If-None-Match": f'"x", W/{etag}'}
    )
    assert weak.status_code == 304
    other = client.get(
        "/id/city/jakarta", headers={"Accept": "application/ld+json", "If-None-Match": etag}
    )
    assert other.status_code == 200 and other.headers["etag"] != etag
    since = client.get(
        "/id/city/jakarta", headers={"Accept": "text/turtle", "If-Modified-Since": modified}
    )
    assert since.status_code == 304
    before = format_datetime(parsedate_to_datetime(modified).replace(year=2000), usegmt=True)
    older = client.get(
        "/id/city/jakarta", headers={"Accept": "text/turtle", "If-Modified-Since": before}
    )
    assert older.status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.1.3)
    both = client.get(
        "/id/city/jakarta",
        headers={"Accept": "text/turtle", "If-None-Match": '"nope"', "If-Modified-Since": modified},
    )
    assert both.status_code == 200


# --- unknown IRIs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "accept", "media_type"),
    [
        ("/id/city/atlantis", "text/html", "text/html"),
        ("/id/city/atlantis", BROWSER, "text/html"),
        ("/id/city/atlantis", "text/turtle", "application/json"),
        ("/id/city/atlantis.ttl", "text/html", "application/json"),
        ("/id/city/atlantis.html", "text/turtle", "text/html"),
        ("/id/no-such-kind/x", "application/ld+json", "application/json"),
        ("/id/city/Bad%20Slug", "text/html", "text/html"),
        ("/id/", "text/html", "text/html"),
        ("/ontology.png", "text/html", "text/html"),
    ],
)
def test_unknown_iris_are_404_in_the_negotiated_format(client, path, accept, media_type) -> None:  # type: ignore[no-untyped-def]
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 404
    assert media(response) == media_type
    if media_type == "application/json":
        assert response.json()["error"]["status"] == 404
    else:
        assert "Not found" in response.text


def test_an_unknown_iri_with_an_unacceptable_type_is_406(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/id/city/atlantis", headers={"Accept": "image/png"}).status_code == 406


# --- the ontology --------------------------------------------------------------------------------


def test_ontology_page_documents_every_term(client, bundled) -> None:  # type: ignore[no-untyped-def]
    ontology, _ = bundled
    page = client.get("/ontology", headers={"Accept": BROWSER}).text
    classes = [c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(CP))]
    assert len(classes) > 25
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    for kind in kinds:
        for term in ontology.subjects(RDF.type, kind):
            if not str(term).startswith(str(CP)):
                continue
            name = str(term)[len(str(CP)) :]
            assert f'id="{name}"' in page, name
            for label in ontology.objects(term, RDFS.label):
                assert escape(str(label)) in page, (name, label)
    assert 'lang="ms"' in page and 'lang="id"' in page
    assert "http://www.wikidata.org/entity/Q515" in page  # cp:City skos:closeMatch wd:Q515
    assert "Subclass of" in page and "Subproperty of" in page
    assert "<script" not in page


def test_ontology_rdf_holds_the_ontology_without_the_schemes(client, bundled) -> None:  # type: ignore[no-untyped-def]
    ontology, _ = bundled
    graph = parsed(client, "/ontology", "ttl")
    assert (URIRef("https://w3id.org/citypact/ontology"), RDF.type, OWL.Ontology) in graph
    for cls in ontology.subjects(RDF.type, OWL.Class):
        if isinstance(cls, URIRef):
            assert (cls, RDF.type, OWL.Class) in graph
    assert not any(str(s).startswith(ID) for s in graph.subjects())


# --- the dataset description -------------------------------------------------------------------


def distinct_published_triples(store: EmbeddedStore) -> int:
    seen = set()
    for graph in dumps.published_graphs(store.oxigraph):
        for quad in store.oxigraph.quads_for_pattern(None, None, None, graph):
            seen.add((str(quad.subject), str(quad.predicate), str(quad.object)))
    return len(seen)


def store_graph(store: EmbeddedStore) -> Graph:
    graph = Graph()
    for name in dumps.published_graphs(store.oxigraph):
        for quad in store.oxigraph.quads_for_pattern(None, None, None, name):
            graph.add(
                tuple(rdf_io.to_rdflib(t) for t in (quad.subject, quad.predicate, quad.object))
            )  # type: ignore[arg-type]
    return graph


def test_void_and_dcat(client, bundled) -> None:  # type: ignore[no-untyped-def]
    ontology, data = bundled
    graph = parsed(client, "/dataset", "ttl")
    ds = URIRef("https://w3id.org/citypact/dataset")
    assert (ds, RDF.type, VOID.Dataset) in graph and (
        ds,
        RDF.type,
        URIRef(DCAT + "Dataset"),
    ) in graph
    assert int(graph.value(ds, VOID.triples)) == len(ontology + data)  # type: ignore[arg-type]
    assert int(graph.value(ds, VOID.triples)) == distinct_published_triples(client.app.state.store)  # type: ignore[arg-type]
    assert graph.value(ds, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert graph.value(ds, DCTERMS.publisher) is not None
    assert graph.value(ds, DCTERMS.modified) is not None
    assert graph.value(ds, VOID.sparqlEndpoint) == URIRef("https://w3id.org/citypact/sparql")
    dumps_listed = {str(u) for u in graph.objects(ds, VOID.dataDump)}
    assert dumps_listed == {f"https://w3id.org/citypact/dumps/{d.name}" for d in dumps.DUMPS}
    downloads = {
        str(graph.value(d, URIRef(DCAT + "downloadURL")))
        for d in graph.objects(ds, URIRef(DCAT + "distribution"))
    }
    assert dumps_listed <= downloads
    partitions = {
        graph.value(p, VOID["class"]): int(graph.value(p, VOID.entities))  # type: ignore[arg-type]
        for p in graph.objects(ds, VOID.classPartition)
    }
    cities = {s for s in (ontology + data).subjects(RDF.type, CP.City) if str(s).startswith(ID)}
    assert partitions[CP.City] == len(cities)
    entities = {s for s in (ontology + data).subjects() if str(s).startswith(ID)}
    assert int(graph.value(ds, VOID.entities)) == len(entities)  # type: ignore[arg-type]
    well_known = parsed(client, "/.well-known/void", "ttl")
    assert isomorphic(graph, well_known)


def test_dataset_page_for_people(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/dataset", headers={"Accept": BROWSER}).text
    assert "CC BY 4.0" in page and 'href="/sparql"' in page
    for dump in dumps.DUMPS:
        assert f'href="/dumps/{dump.name}"' in page
    assert 'href="/ontology#City"' in page and 'href="/sitemap.xml"' in page


# --- sitemap --------------------------------------------------------------------------------------


def test_sitemap_lists_every_entity_page(client, bundled) -> None:  # type: ignore[no-untyped-def]
    ontology, data = bundled
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and media(response) == "application/xml"
    locs = re.findall(r"<loc>([^<]+)</loc>", response.text)
    paths = {urlsplit(loc).path for loc in locs}
    entities = {str(s) for s in (ontology + data).subjects() if str(s).startswith(ID)}
    assert {"/" + e[len("https://w3id.org/citypact/") :] for e in entities} <= paths
    assert all(loc.startswith("http://testserver/") for loc in locs)


# --- dumps ----------------------------------------------------------------------------------------


def dump_graph(client, name: str) -> Graph:  # type: ignore[no-untyped-def]
    response = client.get(f"/dumps/{name}")
    assert response.status_code == 200
    assert response.headers["last-modified"] and response.headers["etag"]
    body = response.content
    if name.endswith(".gz"):
        assert media(response) == "application/gzip"
        body = gzip.decompress(body)
    fmt = {".ttl": "turtle", ".nt.gz": "nt", ".jsonld": "json-ld"}
    suffix = next(s for s in fmt if name.endswith(s))
    return Graph().parse(data=body, format=fmt[suffix])


@pytest.mark.parametrize("name", ["citypact.ttl", "citypact.nt.gz", "citypact.jsonld"])
def test_triple_dumps_hold_every_published_triple(client, bundled, name) -> None:  # type: ignore[no-untyped-def]
    ontology, data = bundled
    graph = dump_graph(client, name)
    assert len(graph) == len(ontology + data)
    # The store's own triples (pyoxigraph's store keeps xsd:positiveInteger and
    # xsd:nonNegativeInteger literals as xsd:integer, so the files differ in those datatypes).
    assert isomorphic(graph, store_graph(client.app.state.store))


def test_trig_dump_keeps_the_graphs(client, bundled) -> None:  # type: ignore[no-untyped-def]
    ontology, data = bundled
    response = client.get("/dumps/citypact.trig")
    assert response.status_code == 200 and media(response) == "application/trig"
    dataset = Dataset()
    dataset.parse(data=response.content, format="trig")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert names == {ONTOLOGY_GRAPH, DATA_GRAPH}
    assert len(dataset.graph(URIRef(ONTOLOGY_GRAPH))) == len(ontology)
    assert len(dataset.graph(URIRef(DATA_GRAPH))) == len(data)


def test_dumps_page_and_unknown_dump(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/dumps/").text
    for dump in dumps.DUMPS:
        assert f'href="/dumps/{dump.name}"' in page
    assert client.get("/dumps").status_code == 200
    assert client.get("/dumps/citypact.xls").status_code == 404


def test_dump_conditional_get(client) -> None:  # type: ignore[no-untyped-def]
    first = client.get("/dumps/citypact.ttl")
    again = client.get("/dumps/citypact.ttl", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    since = client.get(
        "/dumps/citypact.ttl", headers={"If-Modified-Since": first.headers["last-modified"]}
    )
    assert since.status_code == 304


def test_dumps_stream_in_bounded_chunks() -> None:
    """A dump far larger than the queue is produced while it is read, and stops when dropped."""
    store = ox.Store()
    graph = ox.NamedNode(DATA_GRAPH)
    store.extend(
        ox.Quad(ox.NamedNode(f"{ID}thing/{i}"), RDFS_LABEL, ox.Literal(f"thing {i}"), graph)
        for i in range(60_000)
    )
    dump = dumps.BY_NAME["citypact.nt.gz"]
    # About 4 MB of Turtle, far more than the queue (8 chunks of 64 KiB) holds.
    chunks = dumps.stream_dump(store, dumps.BY_NAME["citypact.ttl"])
    first = next(chunks)
    assert len(first) == dumps.CHUNK_SIZE
    worker = next(t for t in threading.enumerate() if t.name == "dump-citypact.ttl")
    time.sleep(0.3)
    assert worker.is_alive()  # blocked on the full queue: the dump is not built in memory
    chunks.close()
    worker.join(timeout=5)
    assert not worker.is_alive()

    body = b"".join(dumps.stream_dump(store, dump))
    assert len(gzip.decompress(body).splitlines()) == 60_000


class BodyCounter:
    """ASGI wrapper that records the size of every response body message."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.bodies: list[int] = []

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        async def counting(message) -> None:  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.body":
                self.bodies.append(len(message.get("body", b"")))
            await send(message)

        await self.app(scope, receive, counting)


def test_a_dump_response_is_streamed_in_chunks(tmp_path: Path) -> None:
    data = tmp_path / "big.nt"
    with data.open("w", encoding="utf-8") as handle:
        for i in range(20_000):
            handle.write(f'<{ID}thing/{i}> <{RDFS.label}> "thing number {i}" .\n')
    store = EmbeddedStore(tmp_path / "store")
    ensure_bundled_data(store)
    store.load_file(data, graph=DATA_GRAPH)
    store.close()
    app = create_app(Settings(data_dir=tmp_path / "store"))  # type: ignore[call-arg]
    counter = BodyCounter(app)
    with TestClient(counter) as big:
        response = big.get("/dumps/citypact.nt")
        assert response.status_code == 404
        counter.bodies.clear()
        response = big.get("/dumps/citypact.ttl")
        assert response.status_code == 200
        assert len([size for size in counter.bodies if size]) > 5
        assert max(counter.bodies) <= dumps.CHUNK_SIZE
        graph = Graph().parse(data=response.content, format="turtle")
        assert len(graph) == distinct_published_triples(app.state.store)


# --- submissions change what is served ------------------------------------------------------------

SUBMISSION = """@prefix cp: <https://w3id.org/citypact/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/citypact/id/city/testville> a cp:City ;
    rdfs:label "Testville"@en , "Kota Uji"@id ;
    cp:country <https://w3id.org/citypact/id/country/indonesia> .
<https://w3id.org/citypact/id/city/jakarta> rdfs:comment "A city on the north coast of Java."@en .
"""


def test_submissions_reach_entities_void_and_dumps(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "store", write_tokens="secret")  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as app:
        assert app.get("/id/city/testville").status_code == 404
        before = app.get("/id/city/jakarta", headers={"Accept": "text/turtle"})
        void_before = parsed(app, "/dataset", "ttl")
        ds = URIRef("https://w3id.org/citypact/dataset")
        created = app.post(
            "/api/submissions",
            content=SUBMISSION,
            headers={"Content-Type": "text/turtle", "Authorization": "Bearer secret"},
        )
        assert created.status_code == 201, created.text
        graph_iri = created.json()["iri"]

        assert app.get("/id/city/testville", headers={"Accept": "text/turtle"}).status_code == 200
        after = app.get(
            "/id/city/jakarta",
            headers={"Accept": "text/turtle", "If-None-Match": before.headers["etag"]},
        )
        assert after.status_code == 200 and "north coast" in after.text
        assert parsedate_to_datetime(after.headers["last-modified"]) >= parsedate_to_datetime(
            before.headers["last-modified"]
        )
        void_after = parsed(app, "/dataset", "ttl")
        assert (
            int(void_after.value(ds, VOID.triples)) == int(void_before.value(ds, VOID.triples)) + 5
        )  # type: ignore[arg-type]

        dataset = Dataset()
        dataset.parse(data=app.get("/dumps/citypact.trig").content, format="trig")
        assert len(dataset.graph(URIRef(graph_iri))) == 5
        merged = dump_graph(app, "citypact.ttl")
        assert (URIRef(ID + "city/testville"), RDF.type, CP.City) in merged
        assert len(merged) == distinct_published_triples(app.app.state.store)

        ident = graph_iri.rsplit("/", 1)[-1]
        removed = app.delete(
            f"/api/submissions/{ident}", headers={"Authorization": "Bearer secret"}
        )
        assert removed.status_code == 200, removed.text
        assert app.get("/id/city/testville", headers={"Accept": "text/html"}).status_code == 404
        gone = app.get(
            "/id/city/jakarta",
            headers={"Accept": "text/turtle", "If-Modified-Since": after.headers["last-modified"]},
        )
        # The retraction changed the page: Last-Modified moved on, so no 304.
        assert gone.status_code == 200 and "north coast" not in gone.text


# --- the base IRI ---------------------------------------------------------------------------------


def test_a_deployment_with_its_own_base_iri(tmp_path: Path) -> None:
    base = "https://data.example.org/cp/"
    own = tmp_path / "own.ttl"
    own.write_text(
        f'<{base}id/city/testville> <{RDFS.label}> "Testville"@en ;\n'
        f"    <{CP.country}> <{base}id/country/testland> .\n"
        f'<{base}id/country/testland> <{RDFS.label}> "Testland"@en .\n',
        encoding="utf-8",
    )
    store = EmbeddedStore(tmp_path / "store")
    ensure_bundled_data(store)
    store.load_file(own, graph=DATA_GRAPH)
    store.close()
    settings = Settings(data_dir=tmp_path / "store", base_iri=base)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as app:
        graph = parsed(app, "/id/city/testville", "ttl")
        assert (
            URIRef(f"{base}id/city/testville"),
            RDFS.label,
            Literal("Testville", lang="en"),
        ) in graph
        assert app.get("/id/city/jakarta").status_code == 404  # a w3id IRI, not this base's
        page = app.get("/id/city/testville", headers={"Accept": "text/html"}).text
        assert 'href="/id/country/testland"' in page
        void = parsed(app, "/dataset", "ttl")
        ds = URIRef(f"{base}dataset")
        assert str(void.value(ds, VOID.uriSpace)) == f"{base}id/"
        assert void.value(ds, VOID.sparqlEndpoint) == URIRef(f"{base}sparql")
        assert int(void.value(ds, VOID.entities)) == 2  # type: ignore[arg-type]
        assert "/id/city/testville" in app.get("/sitemap.xml").text


def test_iri_space_maps_paths_and_iris() -> None:
    space = IriSpace("https://w3id.org/citypact/")
    assert space.entity_iri("/id/city/jakarta") == JAKARTA
    assert space.entity_iri("id/city/../etc") is None
    assert space.entity_iri("ontology") is None
    assert space.site_path(JAKARTA) == "/id/city/jakarta"
    assert space.site_path(str(CP.City)) == "/ontology#City"
    assert space.site_path("https://w3id.org/citypact/sparql") == "/sparql"
    assert space.site_path("https://w3id.org/citypact/sparql", dynamic=False) is None
    assert space.site_path("https://w3id.org/citypact/graph/data") is None
    assert space.site_path("http://www.wikidata.org/entity/Q3630") is None
    assert split_suffix("id/city/jakarta.ttl")[0] == "id/city/jakarta"
    assert split_suffix("id/city/jakarta")[1] is None


def test_describer_works_on_the_store_port(client) -> None:  # type: ignore[no-untyped-def]
    describer = Describer(client.app.state.store)
    assert describer.description(ID + "city/atlantis") == []
    entities = describer.entities(IriSpace().entity_prefixes)
    assert JAKARTA in entities and len(entities) > 300


@pytest.mark.servers
@pytest.mark.parametrize("backend", BACKENDS)
def test_linked_data_on_every_store(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Entities, the ontology, VoID and the sitemap through the store port, on each backend."""
    with TestClient(create_app(settings_for(backend, request, tmp_path))) as app:
        graph = parsed(app, "/id/city/jakarta", "ttl")
        indonesia = URIRef(ID + "country/indonesia")
        assert (URIRef(JAKARTA), CP.country, indonesia) in graph
        assert graph.value(indonesia, RDFS.label) is not None
        page = app.get("/id/city/jakarta", headers={"Accept": BROWSER})
        assert page.status_code == 200 and "Indonesia" in page.text
        assert app.get("/id/city/atlantis", headers={"Accept": "text/turtle"}).status_code == 404
        assert 'id="City"' in app.get("/ontology", headers={"Accept": BROWSER}).text
        void = parsed(app, "/dataset", "ttl")
        ds = URIRef("https://w3id.org/citypact/dataset")
        assert int(void.value(ds, VOID.triples)) > 4000  # type: ignore[arg-type]
        classes = {void.value(p, VOID["class"]) for p in void.objects(ds, VOID.classPartition)}
        assert CP.City in classes
        assert "/id/city/jakarta</loc>" in app.get("/sitemap.xml").text
        expected = 200 if backend == "embedded" else 501
        assert app.get("/dumps/citypact.ttl").status_code == expected


def test_dumps_need_the_embedded_store(tmp_path: Path) -> None:
    settings = Settings(sparql_endpoint="http://127.0.0.1:9/query")  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as remote:
        response = remote.get("/dumps/citypact.ttl")
        assert response.status_code == 501
        assert "embedded" in response.json()["error"]["message"]


# --- crawling the site --------------------------------------------------------------------------


class LinkParser(HTMLParser):
    """Collects href and src attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def links_of(url: str, response) -> list[str]:  # type: ignore[no-untyped-def]
    if media(response) == "text/html":
        parser = LinkParser()
        parser.feed(response.text)
        return parser.links
    if url.endswith(".xml") and media(response) == "application/xml":
        return re.findall(r"<loc>([^<]+)</loc>", response.text)
    return []


def test_crawl_from_the_home_page_finds_no_dead_link(client) -> None:  # type: ignore[no-untyped-def]
    origin = "http://testserver"
    queue: deque[tuple[str, str]] = deque([("/", "(start)")])
    seen = {"/"}
    dead = []
    fetched = 0
    while queue and fetched < 6000:
        target, referrer = queue.popleft()
        response = client.get(target, headers={"Accept": BROWSER}, follow_redirects=True)
        fetched += 1
        if response.status_code >= 400:
            dead.append((target, response.status_code, referrer))
            continue
        for link in links_of(target, response):
            parts = urlsplit(urljoin(origin + target, link))
            if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
                continue
            if parts.path.startswith("/sparql") and "query=" in parts.query:
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local not in seen:
                seen.add(local)
                queue.append((local, target))
    assert not dead, dead[:20]
    assert not queue, "the crawl bound was reached"
    assert "/id/city/jakarta" in seen and "/id/city/jakarta.ttl" in seen
    assert "/ontology" in seen and "/dumps/citypact.trig" in seen
    assert fetched > 1500
