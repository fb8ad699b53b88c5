"""The controlled vocabularies of the bundled ontology: slugs (skos:notation) to IRIs.

Document types, partnership types, commitment statuses and sectors are owned by the ontology
(submissions cannot change them), so they are read once from the bundled files.
"""

from __future__ import annotations

from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from citypact import rdf_io, resources
from citypact.namespaces import CP, SECTOR_SCHEME


@cache
def ontology_graph() -> Graph:
    """The bundled ontology and vocabularies as one rdflib graph (read once)."""
    return rdf_io.load_files(resources.ontology_files())


def _by_notation(graph: Graph, members: set[URIRef]) -> dict[str, URIRef]:
    out = {}
    for node in members:
        notation = graph.value(node, SKOS.notation)
        if notation is not None:
            out[str(notation)] = node
    return out


@cache
def sectors() -> dict[str, URIRef]:
    """Sector slug → sector IRI."""
    graph = ontology_graph()
    members = {s for s in graph.subjects(SKOS.inScheme, SECTOR_SCHEME) if isinstance(s, URIRef)}
    return _by_notation(graph, members)


@cache
def document_types() -> dict[str, URIRef]:
    """Document type slug → IRI (cp:LetterOfIntent, ...)."""
    graph = ontology_graph()
    members = {s for s in graph.subjects(RDF.type, CP.DocumentType) if isinstance(s, URIRef)}
    return _by_notation(graph, members)
