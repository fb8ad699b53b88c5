"""Linked data: which IRIs the site answers for, and which triples describe an entity.

An entity IRI ``{base}id/{kind}/{slug}`` is served at the path ``/id/{kind}/{slug}`` of any host:
the request path is read relative to the configured base IRI (``CITYPACT_BASE_IRI``, by default
``https://w3id.org/citypact/``), and stored IRIs are published as they are, never rewritten.

An entity's description (``queries/linked_data/entity_description.rq``) holds its own triples
(and those of the blank nodes it points at), the labels of the entities it links to, the titles,
dates, URLs and publishers of the sources it cites, and, for a concept scheme, its concepts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from xml.sax.saxutils import escape

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from citypact import rdf_io
from citypact.namespaces import ONTOLOGY_IRI, PREFIXES
from citypact.resources import query_dir
from citypact.store.port import QueryOptions, Store
from citypact.store.queries import QueryRegistry
from citypact.store.results import serialize_graph

DEFAULT_BASE_IRI = "https://w3id.org/citypact/"
# Paths under the base IRI that name entities: /id/... and skolem IRIs of submitted blank nodes.
ENTITY_SPACES = ("id/", ".well-known/genid/")
# Paths under the base IRI that the site itself serves (documents, not entities).
DOCUMENT_PATHS = ("ontology", "dataset", ".well-known/void", "dumps", "sitemap.xml")
# Served only by the running server, not by a static export.
SERVER_ONLY_PATHS = ("sparql", "api", "docs")
_SEGMENT = r"[A-Za-z0-9_~][A-Za-z0-9._~-]*"
_ENTITY_PATH = re.compile(rf"^{_SEGMENT}(?:/{_SEGMENT})*$")
EXTRA_PREFIXES = {
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "sdg": "http://metadata.un.org/sdg/",
    "vann": "http://purl.org/vocab/vann/",
}
SITEMAP_LIMIT = 50_000  # URLs per sitemap file (sitemaps.org protocol)


# --- representations -------------------------------------------------------------------------


@dataclass(frozen=True)
class Representation:
    """One form a resource is served in: file suffix, media type, ``format=`` names."""

    suffix: str
    media_type: str
    names: tuple[str, ...]
    label: str

    @property
    def is_rdf(self) -> bool:
        """Whether this is an RDF serialization (not the HTML page)."""
        return self.suffix != "html"


HTML = Representation("html", "text/html", ("html",), "HTML")
TURTLE = Representation("ttl", "text/turtle", ("turtle", "ttl"), "Turtle")
JSONLD = Representation("jsonld", "application/ld+json", ("jsonld", "json-ld"), "JSON-LD")
NTRIPLES = Representation(
    "nt", "application/n-triples", ("ntriples", "n-triples", "nt"), "N-Triples"
)
RDFXML = Representation("rdf", "application/rdf+xml", ("rdfxml", "rdf", "xml"), "RDF/XML")
# Server preference order: a tie in the client's q-values goes to the earlier one, so */*
# (and no Accept at all) gets the HTML page, as people's tools (curl, browsers) expect.
REPRESENTATIONS: tuple[Representation, ...] = (HTML, TURTLE, JSONLD, NTRIPLES, RDFXML)
RDF_REPRESENTATIONS = tuple(r for r in REPRESENTATIONS if r.is_rdf)


def by_suffix(suffix: str) -> Representation | None:
    """The representation of a file suffix (without the dot), or None."""
    return next((r for r in REPRESENTATIONS if r.suffix == suffix), None)


def by_media_type(media_type: str) -> Representation | None:
    """The representation of a media type, or None."""
    return next((r for r in REPRESENTATIONS if r.media_type == media_type), None)


def by_format_name(name: str) -> Representation | None:
    """The representation a ``format=`` value names (a short name or a media type), or None."""
    key = name.split(";")[0].strip().lower()
    return next((r for r in REPRESENTATIONS if key in r.names or key == r.media_type), None)


def split_suffix(path: str) -> tuple[str, Representation | None]:
    """``id/city/jakarta.ttl`` → (``id/city/jakarta``, Turtle); no known suffix → (path, None)."""
    stem, dot, suffix = path.rpartition(".")
    if dot and "/" not in suffix:
        rep = by_suffix(suffix)
        if rep is not None:
            return stem, rep
    return path, None


def supported_types_text() -> str:
    """What the linked-data resources are offered in, for 406 messages."""
    types = ", ".join(r.media_type for r in REPRESENTATIONS)
    suffixes = ", ".join(f".{r.suffix}" for r in REPRESENTATIONS)
    names = ", ".join(r.names[0] for r in REPRESENTATIONS)
    return f"{types} (or the suffixes {suffixes}, or format={names})"


# --- IRIs and site paths -----------------------------------------------------------------------


@dataclass(frozen=True)
class IriSpace:
    """The IRIs a deployment answers for: everything under its base IRI."""

    base: str = DEFAULT_BASE_IRI

    def __post_init__(self) -> None:
        if not self.base.endswith("/"):
            object.__setattr__(self, "base", self.base + "/")

    @property
    def entity_prefixes(self) -> tuple[str, ...]:
        """The IRI prefixes of the entities the site serves."""
        return tuple(self.base + space for space in ENTITY_SPACES)

    @property
    def dataset_iri(self) -> str:
        """The IRI of the dataset (VoID and DCAT)."""
        return self.base + "dataset"

    def entity_iri(self, path: str) -> str | None:
        """The entity IRI of a request path (``id/city/jakarta``, no leading slash), or None."""
        path = path.lstrip("/")
        if not any(path.startswith(space) for space in ENTITY_SPACES):
            return None
        if not _ENTITY_PATH.match(path):
            return None
        return self.base + path

    def site_path(self, iri: str, dynamic: bool = True) -> str | None:
        """The path (with fragment) at which this site serves ``iri``, or None if it does not.

        Entities and the site's documents under the base IRI map to root-relative paths, as do
        the terms of the CityPact ontology (``cp:City`` → ``/ontology#City``). ``dynamic`` is
        False for a static export, which has no SPARQL endpoint or REST API.
        """
        if iri == ONTOLOGY_IRI or iri.startswith(ONTOLOGY_IRI + "#"):
            return "/ontology" + iri[len(ONTOLOGY_IRI) :]
        if not iri.startswith(self.base):
            return None
        rest = iri[len(self.base) :]
        if rest == "":
            return "/"
        if any(rest.startswith(space) for space in ENTITY_SPACES):
            return "/" + rest if _ENTITY_PATH.match(rest.split("#")[0]) else None
        head = rest.split("#")[0].split("?")[0]
        top = head.split("/")[0]
        if head in DOCUMENT_PATHS or top == "dumps":
            return "/" + rest
        if dynamic and top in SERVER_ONLY_PATHS:
            return "/" + rest
        return None


# --- descriptions ------------------------------------------------------------------------------


@cache
def linked_data_queries() -> QueryRegistry:
    """The queries of ``queries/linked_data/``, parsed once."""
    return QueryRegistry(query_dir() / "linked_data")


@dataclass
class Referrer:
    """An entity that links to another one."""

    iri: str
    property: str
    labels: dict[str, str] = field(default_factory=dict)


Labels = dict[str, dict[str, str]]  # IRI → language ("" when none) → label


@dataclass
class EntityView:
    """Everything an entity's page shows: its description, who links to it, term labels."""

    iri: str
    triples: list[ox.Triple]
    referrers: list[Referrer]
    labels: Labels

    def graph(self) -> Graph:
        """The description as an rdflib graph."""
        return triples_to_graph(self.triples)


def sort_triples(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Triples in a stable order (so that serializations, and their ETags, are stable)."""
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def triples_to_graph(triples: Iterable[ox.Triple]) -> Graph:
    """Oxigraph triples as an rdflib graph."""
    graph = Graph()
    for t in triples:
        graph.add(
            (rdf_io.to_rdflib(t.subject), rdf_io.to_rdflib(t.predicate), rdf_io.to_rdflib(t.object))
        )  # type: ignore[arg-type]
    return graph


class Describer:
    """Runs the linked-data queries on a store (any adapter)."""

    def __init__(self, store: Store, timeout: float = 30.0, max_results: int = 10_000_000):
        self.store = store
        self.queries = linked_data_queries()
        self.options = QueryOptions(timeout=timeout, max_results=max_results)

    def description(self, iri: str) -> list[ox.Triple]:
        """The triples that describe ``iri``, sorted; empty when the graph does not describe it."""
        text = self.queries["entity_description"].bind(entity=URIRef(iri))
        triples = self.store.construct(text, self.options)
        subject = ox.NamedNode(iri)
        if not any(t.subject == subject for t in triples):
            return []
        return sort_triples(triples)

    def referrers(self, iri: str) -> list[Referrer]:
        """Entities linking to ``iri`` (at most 500), with their labels, sorted."""
        text = self.queries["entity_referrers"].bind(entity=URIRef(iri))
        found: dict[tuple[str, str], Referrer] = {}
        for row in self.store.select(text, self.options).rows:
            key = (row["referrer"].value, row["property"].value)
            ref = found.setdefault(key, Referrer(*key))
            label = row.get("label")
            if isinstance(label, ox.Literal):
                ref.labels.setdefault(label.language or "", label.value)
        return sorted(found.values(), key=lambda r: (r.property, r.iri))

    def labels(self, iris: Iterable[str]) -> Labels:
        """The ``rdfs:label``s of some terms, by language."""
        terms = sorted({i for i in iris if i})
        out: Labels = {}
        for start in range(0, len(terms), 200):
            chunk = [URIRef(i) for i in terms[start : start + 200]]
            text = self.queries["term_labels"].bind(term=chunk)
            for row in self.store.select(text, self.options).rows:
                label = row["label"]
                if isinstance(label, ox.Literal):
                    out.setdefault(row["term"].value, {}).setdefault(
                        label.language or "", label.value
                    )
        return out

    def view(self, iri: str, triples: list[ox.Triple]) -> EntityView:
        """What the entity's page needs, given its description."""
        referrers = self.referrers(iri)
        labels = labels_in(triples)
        wanted = {t.predicate.value for t in triples} | {r.property for r in referrers}
        wanted |= {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}
        for term, by_lang in self.labels(wanted - set(labels)).items():
            labels.setdefault(term, {}).update(by_lang)
        return EntityView(iri, triples, referrers, labels)

    def entities(self, prefixes: Sequence[str]) -> list[str]:
        """The IRIs the graph describes (as subjects) under ``prefixes``, sorted."""
        text = self.queries["entities"].bind(space=[Literal(p) for p in prefixes])
        return [row["entity"].value for row in self.store.select(text, self.options).rows]

    def ontology(self) -> list[ox.Triple]:
        """The triples of the ontology (without the sector and challenge schemes), sorted."""
        return sort_triples(self.store.construct(self.queries["ontology"].bind(), self.options))


def labels_in(triples: Iterable[ox.Triple]) -> Labels:
    """The ``rdfs:label``s (and ``skos:prefLabel``s) stated in some triples, by language."""
    names = {
        "http://www.w3.org/2000/01/rdf-schema#label",
        "http://www.w3.org/2004/02/skos/core#prefLabel",
    }
    out: Labels = {}
    for t in triples:
        if t.predicate.value in names and isinstance(t.object, ox.Literal):
            if isinstance(t.subject, ox.NamedNode | ox.BlankNode):
                out.setdefault(t.subject.value, {}).setdefault(
                    t.object.language or "", t.object.value
                )
    return out


# --- serializations ----------------------------------------------------------------------------


def serialize(triples: list[ox.Triple], rep: Representation) -> bytes:
    """Triples in one of the RDF representations."""
    if not rep.is_rdf:
        raise ValueError("the HTML page is rendered by citypact.publishing.html_pages")
    return serialize_graph(triples, rep.media_type, prefixes=used_prefixes(triples))


def used_prefixes(triples: Iterable[ox.Triple]) -> dict[str, str]:
    """The known prefixes whose namespace some IRI of the triples is in (tidier documents)."""
    known = {**PREFIXES, **EXTRA_PREFIXES}
    iris: set[str] = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    return {name: ns for name, ns in known.items() if any(i.startswith(ns) for i in iris)}


def sitemap(urls: Sequence[str]) -> bytes:
    """A sitemap (https://www.sitemaps.org/protocol.html) of at most SITEMAP_LIMIT URLs."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [f"  <url><loc>{escape(url)}</loc></url>" for url in urls[:SITEMAP_LIMIT]]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()


def sitemap_index(urls: Sequence[str]) -> bytes:
    """A sitemap index pointing at several sitemaps."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [f"  <sitemap><loc>{escape(url)}</loc></sitemap>" for url in urls]
    lines.append("</sitemapindex>")
    return ("\n".join(lines) + "\n").encode()


def page_paths(space: IriSpace, entities: Iterable[str]) -> list[str]:
    """The site paths of the pages a sitemap lists: the documents, then every entity."""
    paths = ["/", "/dataset", "/ontology"]
    for iri in entities:
        path = space.site_path(iri)
        if path is not None:
            paths.append(path)
    return paths
