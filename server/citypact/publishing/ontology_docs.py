"""HTML documentation of the CityPact ontology, generated from the ontology graph itself.

Every class, property and vocabulary concept of the ``cp:`` namespace gets a section whose
``id`` is its local name, so ``https://w3id.org/citypact/ontology#City`` lands on
``/ontology#City``.
Each section shows the term's labels and comments in every language (English, Indonesian,
Malay), its place in the hierarchy (``rdfs:subClassOf``, ``rdfs:subPropertyOf``), domain and
range, and its mappings (SKOS matches to Wikidata and others, OWL equivalences).
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from citypact.namespaces import CP, ONTOLOGY_IRI
from citypact.publishing.html_pages import (
    LANGUAGES,
    Renderer,
    Site,
    alternates_of,
    esc,
    formats_section,
    layout,
)
from citypact.publishing.linked_data import Labels

VANN = "http://purl.org/vocab/vann/"
_MATCHES = (
    (OWL.equivalentClass, "equivalent class"),
    (OWL.equivalentProperty, "equivalent property"),
    (SKOS.exactMatch, "exact match"),
    (SKOS.closeMatch, "close match"),
    (SKOS.broadMatch, "broad match"),
    (SKOS.narrowMatch, "narrow match"),
    (SKOS.relatedMatch, "related match"),
    (RDFS.seeAlso, "see also"),
)
SECTIONS = (
    ("classes", "Classes", OWL.Class),
    ("object-properties", "Object properties", OWL.ObjectProperty),
    ("datatype-properties", "Datatype properties", OWL.DatatypeProperty),
    ("annotation-properties", "Annotation properties", OWL.AnnotationProperty),
    ("schemes", "Concept schemes", SKOS.ConceptScheme),
    ("concepts", "Vocabulary concepts", SKOS.Concept),
)


def local_name(iri: str) -> str:
    """The part of a ``cp:`` IRI after the ``#``."""
    return iri[len(str(CP)) :]


def is_term(node: Node) -> bool:
    """Whether a node is a term of the CityPact namespace."""
    return isinstance(node, URIRef) and str(node).startswith(str(CP))


class OntologyRenderer(Renderer):
    """A renderer that links ``cp:`` terms within the page and spells out class expressions."""

    def link(self, iri: str) -> str:
        if iri.startswith(str(CP)):
            name = local_name(iri)
            return f'<a href="#{esc(name)}" title="{esc(self.label(iri))}">cp:{esc(name)}</a>'
        return super().link(iri)

    def expression(self, node: Node) -> str:
        """A class expression: a named class, a union, a restriction, an inverse property."""
        g = self.graph
        if isinstance(node, URIRef):
            return self.link(str(node))
        if not isinstance(node, BNode):
            return self.value(node)
        union = g.value(node, OWL.unionOf)
        if union is not None:
            return " or ".join(self.expression(m) for m in Collection(g, union))  # type: ignore[arg-type]
        inverse = g.value(node, OWL.inverseOf)
        if inverse is not None:
            return f"inverse of {self.expression(inverse)}"
        prop = g.value(node, OWL.onProperty)
        if prop is not None:
            return self._restriction(node, prop)
        if g.value(node, RDF.first) is not None:
            return " ∘ ".join(self.expression(m) for m in Collection(g, node))
        return self.nested(node, 1)

    def _restriction(self, node: BNode, prop: Node) -> str:
        g = self.graph
        on = g.value(node, OWL.onClass)
        target = f" {self.expression(on)}" if on is not None else ""
        for pred, word in (
            (OWL.qualifiedCardinality, "exactly"),
            (OWL.cardinality, "exactly"),
            (OWL.minQualifiedCardinality, "at least"),
            (OWL.minCardinality, "at least"),
            (OWL.maxQualifiedCardinality, "at most"),
            (OWL.maxCardinality, "at most"),
        ):
            number = g.value(node, pred)
            if number is not None:
                return f"{self.expression(prop)} {word} {esc(number)}{target}"
        for pred, word in (
            (OWL.someValuesFrom, "some"),
            (OWL.allValuesFrom, "only"),
            (OWL.hasValue, "value"),
        ):
            value = g.value(node, pred)
            if value is not None:
                return f"{self.expression(prop)} {word} {self.expression(value)}"
        return self.expression(prop)


def graph_labels(graph: Graph) -> Labels:
    """Every ``rdfs:label`` of the graph, by language."""
    labels: Labels = {}
    for s, o in graph.subject_objects(RDFS.label):
        if isinstance(o, Literal):
            labels.setdefault(str(s), {}).setdefault(o.language or "", str(o))
    return labels


def _language_table(graph: Graph, term: URIRef) -> str:
    rows = []
    comment_preds = (RDFS.comment, SKOS.definition)
    langs = {
        o.language or ""
        for p in (RDFS.label, SKOS.prefLabel, *comment_preds)
        for o in graph.objects(term, p)
        if isinstance(o, Literal)
    }
    for lang in sorted(langs, key=lambda x: (["en", "id", "ms"] + [x]).index(x)):

        def texts(preds: Iterable[URIRef], lang: str = lang) -> str:
            found = sorted(
                {
                    str(o)
                    for p in preds
                    for o in graph.objects(term, p)
                    if isinstance(o, Literal) and (o.language or "") == lang
                }
            )
            return esc(" / ".join(found))

        attr = f' lang="{esc(lang)}"' if lang else ""
        rows.append(
            f'<tr><th scope="row">{esc(LANGUAGES.get(lang, lang))}</th>'
            f"<td{attr}>{texts((RDFS.label, SKOS.prefLabel))}</td>"
            f"<td{attr}>{texts(comment_preds)}</td></tr>"
        )
    return (
        '<div class="scroll"><table><thead><tr><th scope="col">Language</th>'
        '<th scope="col">Label</th><th scope="col">Comment</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _facts(graph: Graph, term: URIRef, r: OntologyRenderer) -> str:
    rows: list[tuple[str, list[str]]] = []

    def add(name: str, nodes: Iterable[Node], expression: bool = True) -> None:
        items = sorted(
            (r.expression(n) if expression else r.value(n) for n in nodes), key=str.lower
        )
        if items:
            rows.append((name, items))

    types = [t for t in graph.objects(term, RDF.type) if t not in (OWL.Class, SKOS.Concept)]
    add("Type", types)
    add("Subclass of", graph.objects(term, RDFS.subClassOf))
    add("Superclass of", graph.subjects(RDFS.subClassOf, term))
    add("Subproperty of", graph.objects(term, RDFS.subPropertyOf))
    add("Superproperty of", graph.subjects(RDFS.subPropertyOf, term))
    add("Inverse of", [*graph.objects(term, OWL.inverseOf), *graph.subjects(OWL.inverseOf, term)])
    add("Domain", graph.objects(term, RDFS.domain))
    add("Range", graph.objects(term, RDFS.range))
    add("Property chain", graph.objects(term, OWL.propertyChainAxiom))
    add("Properties with this domain", _used_in(graph, term, RDFS.domain))
    add("Properties with this range", _used_in(graph, term, RDFS.range))
    add("Notation", graph.objects(term, SKOS.notation), expression=False)
    add("In scheme", graph.objects(term, SKOS.inScheme))
    add("Broader", graph.objects(term, SKOS.broader))
    add("Members", graph.subjects(SKOS.inScheme, term))
    for pred, name in _MATCHES:
        add(name[0].upper() + name[1:], graph.objects(term, pred), expression=False)
    add("Defined by", graph.objects(term, RDFS.isDefinedBy), expression=False)
    if not rows:
        return ""
    body = "".join(f"<dt>{esc(name)}</dt><dd>{', '.join(items)}</dd>" for name, items in rows)
    return f'<dl class="facts">{body}</dl>'


def _used_in(graph: Graph, cls: URIRef, pred: URIRef) -> list[Node]:
    """Properties whose domain (or range) is the class or a union that includes it."""
    found = []
    for prop, target in graph.subject_objects(pred):
        if target == cls:
            found.append(prop)
        elif isinstance(target, BNode):
            union = graph.value(target, OWL.unionOf)
            if union is not None and cls in list(Collection(graph, union)):  # type: ignore[arg-type]
                found.append(prop)
    return found


def _term_section(graph: Graph, term: URIRef, r: OntologyRenderer) -> str:
    name = local_name(str(term))
    title = r.label(str(term))
    return (
        f'<section class="term" id="{esc(name)}" aria-labelledby="{esc(name)}-h">'
        f'<h3 id="{esc(name)}-h">{esc(title)} <span class="meta">cp:{esc(name)}</span></h3>'
        f'<p class="iri">{esc(str(term))}</p>'
        f"{_language_table(graph, term)}{_facts(graph, term, r)}</section>"
    )


def terms_by_section(graph: Graph) -> list[tuple[str, str, list[URIRef]]]:
    """The ``cp:`` terms of each section (a term is listed once, in its first section)."""
    seen: set[URIRef] = set()
    out: list[tuple[str, str, list[URIRef]]] = []
    for anchor, title, kind in SECTIONS:
        found = {t for t in graph.subjects(RDF.type, kind) if isinstance(t, URIRef) and is_term(t)}
        terms = sorted(found - seen, key=lambda t: local_name(str(t)).lower())
        seen.update(terms)
        out.append((anchor, title, terms))
    return out


def _header(graph: Graph, r: OntologyRenderer) -> str:
    onto = URIRef(ONTOLOGY_IRI)
    description = "".join(
        f"<p>{r.literal(d)}</p>"
        for d in sorted(graph.objects(onto, DCTERMS.description), key=lambda d: d.language != "en")  # type: ignore[attr-defined]
        if isinstance(d, Literal)
    )
    facts = []
    for pred, name in (
        (OWL.versionInfo, "Version"),
        (OWL.versionIRI, "Version IRI"),
        (URIRef(VANN + "preferredNamespaceUri"), "Namespace"),
        (URIRef(VANN + "preferredNamespacePrefix"), "Prefix"),
        (DCTERMS.license, "Licence"),
        (DCTERMS.creator, "Creator"),
        (DCTERMS.created, "Created"),
        (DCTERMS.modified, "Modified"),
    ):
        values = list(graph.objects(onto, pred))
        if values:
            facts.append(f"<dt>{esc(name)}</dt><dd>{r.values(values)}</dd>")
    return (
        f'<p class="meta"><span class="iri">{esc(ONTOLOGY_IRI)}</span></p>'
        f'{description}<dl class="facts">{"".join(facts)}</dl>'
    )


def _external_axioms(graph: Graph, r: OntologyRenderer) -> str:
    """Axioms the ontology states about terms of other vocabularies (``org:holds``)."""
    subjects = sorted(
        {
            s
            for s in graph.subjects()
            if isinstance(s, URIRef) and not is_term(s) and str(s) != ONTOLOGY_IRI
        },
        key=str,
    )
    if not subjects:
        return ""
    items = "".join(f"<li>{r.link(str(s))}: {_facts(graph, s, r)}</li>" for s in subjects)
    return (
        '<section aria-labelledby="external"><h2 id="external">Axioms on other vocabularies'
        f"</h2><ul>{items}</ul></section>"
    )


def ontology_page(site: Site, graph: Graph) -> str:
    """The documentation page of the ontology, from its graph."""
    r = OntologyRenderer(site, graph_labels(graph), graph)
    onto = URIRef(ONTOLOGY_IRI)
    titles = [t for t in graph.objects(onto, DCTERMS.title) if getattr(t, "language", "") == "en"]
    title = str(titles[0]) if titles else "CityPact ontology"
    sections = terms_by_section(graph)
    toc = "".join(
        f'<li><a href="#{anchor}">{esc(name)}</a> ({len(terms)})</li>'
        for anchor, name, terms in sections
        if terms
    )
    parts = []
    for anchor, name, terms in sections:
        if not terms:
            continue
        index = ", ".join(r.link(str(t)) for t in terms)
        body = "".join(_term_section(graph, t, r) for t in terms)
        parts.append(
            f'<section aria-labelledby="{anchor}"><h2 id="{anchor}">{esc(name)}</h2>'
            f'<p class="meta">{index}</p>{body}</section>'
        )
    alternates = alternates_of("/ontology")
    body = (
        f"<h1>{esc(title)}</h1>{_header(graph, r)}"
        f'<nav aria-label="Contents"><h2>Contents</h2><ul>{toc}</ul></nav>'
        + "".join(parts)
        + _external_axioms(graph, r)
        + formats_section(alternates)
    )
    return layout(site, title, body, alternates)
