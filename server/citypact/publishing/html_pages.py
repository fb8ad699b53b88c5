"""Pages for people: server-rendered HTML, no JavaScript, readable on a phone.

Every page shares one layout (skip link, landmarks, site navigation, licence footer). Pages are
rendered from RDF already fetched (``citypact.publishing.linked_data``), so the running server
and the static export (``citypact export-site``) produce the same pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from citypact.namespaces import PREFIXES, SCHEMA, VOID
from citypact.publishing.linked_data import (
    EXTRA_PREFIXES,
    RDF_REPRESENTATIONS,
    EntityView,
    IriSpace,
    Labels,
    Representation,
)

LICENSE = "https://creativecommons.org/licenses/by/4.0/"
LANGUAGES = {"en": "English", "id": "Indonesian", "ms": "Malay", "": "no language given"}
_LABEL_ORDER = ("en", "", "id", "ms")
_NAME_PREDICATES = {RDFS.label, SKOS.prefLabel, SKOS.altLabel}
_TEXT_PREDICATES = {RDFS.comment, SKOS.definition, SCHEMA.description, DCTERMS.description}
_DCAT = "http://www.w3.org/ns/dcat#"

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;
margin:0;color:#1b1b1b;background:#fff}
header,main,footer{max-width:62rem;margin:0 auto;padding:0 1rem}
header{border-bottom:1px solid #ccc;padding-top:.5rem}
.site{font-weight:700;font-size:1.2rem;margin:.25rem 0}
nav ul{list-style:none;padding:0;margin:.25rem 0 .5rem;display:flex;flex-wrap:wrap;
gap:.25rem 1.25rem}
a{color:#0a4a94}a:visited{color:#5b2a86}
a:focus,a:hover{outline:3px solid #e08a00;outline-offset:2px}
.skip{position:absolute;left:-10000px}.skip:focus{left:1rem;top:.5rem;background:#fff;padding:.5rem}
h1{font-size:1.8rem;line-height:1.2;margin:1rem 0 .25rem}h2{font-size:1.3rem;margin-top:1.75rem}
h3{font-size:1.1rem}
.iri,code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid #ddd}
th{background:#f3f3f3}
dl.facts dt{font-weight:600;margin-top:.6rem}dl.facts dd{margin:0 0 0 1rem}
dl.nested{margin:.25rem 0 .25rem 1rem;border-left:3px solid #ddd;padding-left:.5rem}
.meta{color:#4a4a4a;font-size:.9em}
ul.values{margin:0;padding-left:1.1rem}
footer{border-top:1px solid #ccc;margin-top:2rem;padding-bottom:1rem;color:#4a4a4a;font-size:.9em}
"""


@dataclass(frozen=True)
class Site:
    """Where pages are shown: the running server (``dynamic``) or a static export."""

    space: IriSpace = field(default_factory=IriSpace)
    dynamic: bool = True

    def href(self, iri: str) -> str:
        """A link to ``iri``: its path on this site when the site serves it, else the IRI."""
        return self.space.site_path(iri, self.dynamic) or iri


def esc(text: object) -> str:
    """HTML-escape text (quotes included)."""
    return escape(str(text), quote=True)


def curie(iri: str) -> str:
    """A prefixed name for an IRI in a known namespace, else the IRI."""
    for prefix, ns in {**PREFIXES, **EXTRA_PREFIXES}.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def best_label(by_lang: dict[str, str] | None) -> str | None:
    """The label to show: English, then untagged, Indonesian, Malay, then any."""
    if not by_lang:
        return None
    for lang in _LABEL_ORDER:
        if lang in by_lang:
            return by_lang[lang]
    return next(iter(sorted(by_lang.items())))[1]


def layout(
    site: Site,
    title: str,
    body: str,
    alternates: Sequence[tuple[Representation, str]] = (),
    description: str | None = None,
    head: str = "",
) -> str:
    """A whole page: head, skip link, header with navigation, main content, footer.

    ``head`` is extra markup for the head (the SPARQL editor's assets). The running server's
    pages also load ``/static/site.css`` (citypact.web.page_layout), which styles its own pages.
    """
    links = "".join(
        f'<link rel="alternate" type="{esc(rep.media_type)}" href="{esc(href)}">\n'
        for rep, href in alternates
    )
    meta = f'<meta name="description" content="{esc(description)}">\n' if description else ""
    nav = [
        ("/", "Home"),
        ("/dataset", "Dataset"),
        ("/ontology", "Ontology"),
        ("/id/sector", "Sectors"),
        ("/dumps/", "Downloads"),
    ]
    if site.dynamic:
        nav[1:1] = [("/search", "Search"), ("/map", "Map"), ("/network", "Network")]
        nav += [("/sparql", "SPARQL"), ("/docs", "API")]
        assets = '<link rel="icon" href="data:,">\n<link rel="stylesheet" href="/static/site.css">'
        head = assets + "\n" + head
    items = "".join(f'<li><a href="{esc(h)}">{esc(t)}</a></li>' for h, t in nav)
    full_title = title if title == "CityPact" else f"{title} · CityPact"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(full_title)}</title>
{meta}{links}<style>{_STYLE}</style>
{head}</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<p class="site"><a href="/">CityPact</a></p>
<nav aria-label="Site"><ul>{items}</ul></nav>
</header>
<main id="main">
{body}
</main>
<footer>
<p>CityPact, an open knowledge graph of city diplomacy. Ontology and data:
<a rel="license" href="{LICENSE}">CC BY 4.0</a>.</p>
</footer>
</body>
</html>
"""


def alternates_of(path: str) -> list[tuple[Representation, str]]:
    """The RDF documents of a resource served at ``path`` (``/id/city/jakarta.ttl``, ...)."""
    return [(rep, f"{path}.{rep.suffix}") for rep in RDF_REPRESENTATIONS]


def formats_section(alternates: Sequence[tuple[Representation, str]]) -> str:
    """A list of links to the other formats of the page's resource."""
    items = "".join(
        f'<li><a href="{esc(href)}" type="{esc(rep.media_type)}">{esc(rep.label)}</a> '
        f'<span class="meta">({esc(rep.media_type)})</span></li>'
        for rep, href in alternates
    )
    return (
        '<section aria-labelledby="formats"><h2 id="formats">Other formats</h2>'
        f"<ul>{items}</ul></section>"
    )


class Renderer:
    """Renders RDF terms as HTML, with labels and links for one site."""

    def __init__(self, site: Site, labels: Labels, graph: Graph | None = None) -> None:
        self.site = site
        self.labels = labels
        self.graph = graph if graph is not None else Graph()

    def label(self, iri: str) -> str:
        """A name for ``iri``: its label, else a prefixed name or its last path segment."""
        found = best_label(self.labels.get(iri))
        if found:
            return found
        short = curie(iri)
        if short != iri:
            return _humane(short.partition(":")[2]) or short
        local = self.site.space.site_path(iri)
        name = local.rstrip("/").rsplit("/", 1)[-1] if local else iri
        return name or iri  # the site's own root has no last segment: show the IRI

    def link(self, iri: str) -> str:
        """A link to ``iri`` showing its name."""
        href = self.site.href(iri)
        name = self.label(iri)
        title = f' title="{esc(iri)}"' if name != iri else ""
        return f'<a href="{esc(href)}"{title}>{esc(name)}</a>'

    def literal(self, lit: Literal) -> str:
        """A literal for people: dates and numbers written out, points as latitude and
        longitude, a language named; an uncommon datatype is named after the value."""
        text = esc(str(lit))
        if lit.language:
            lang = esc(lit.language)
            return f'<span lang="{lang}">{text}</span> <span class="meta">({lang})</span>'
        if lit.datatype is None or lit.datatype == XSD.string:
            return text
        if lit.datatype == XSD.anyURI:
            return f'<a href="{text}">{text}</a>'
        shown = _formatted(str(lit), str(lit.datatype))
        if shown is not None:
            return shown
        return f'{text} <span class="meta">({esc(curie(str(lit.datatype)))})</span>'

    def value(self, node: Node, depth: int = 0) -> str:
        """Any object: a link, a literal, or a blank node's own description (nested)."""
        if isinstance(node, URIRef):
            return self.link(str(node))
        if isinstance(node, Literal):
            return self.literal(node)
        if isinstance(node, BNode) and depth < 4:
            return self.nested(node, depth + 1)
        return esc(node)

    def nested(self, node: BNode, depth: int) -> str:
        """A blank node as a nested list of its properties."""
        rows = []
        for pred in sorted(
            set(self.graph.predicates(node, None)), key=lambda p: self.label(str(p))
        ):
            values = sorted(self.graph.objects(node, pred), key=str)
            rendered = ", ".join(self.value(v, depth) for v in values)
            rows.append(f"<dt>{self.link(str(pred))}</dt><dd>{rendered}</dd>")
        return f'<dl class="nested">{"".join(rows)}</dl>'

    def values(self, nodes: Iterable[Node]) -> str:
        """Several objects: one, or a list."""
        items = sorted(nodes, key=lambda n: (not isinstance(n, URIRef), self._key(n)))
        if len(items) == 1:
            return self.value(items[0])
        return '<ul class="values">' + "".join(f"<li>{self.value(v)}</li>" for v in items) + "</ul>"

    def _key(self, node: Node) -> str:
        return self.label(str(node)).lower() if isinstance(node, URIRef) else str(node)


def _humane(local: str) -> str:
    """A term's local name as words: ``hasGeometry`` → ``has geometry``, ``birthDate`` →
    ``birth date`` (for terms of other vocabularies that carry no label here)."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local.replace("_", " "))
    return words.lower().strip()


_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_WKT_POINT = re.compile(r"^\s*POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)\s*$", re.IGNORECASE)


def _formatted(value: str, datatype: str) -> str | None:
    """The value of a common datatype written for people, or None to show it as it is."""
    xsd = str(XSD)
    try:
        if datatype == xsd + "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            year, month, day = (int(v) for v in value.split("-"))
            return f'<time datetime="{value}">{day} {_MONTHS[month - 1]} {year}</time>'
        if datatype == xsd + "dateTime":
            return (
                f'<time datetime="{esc(value)}">{esc(value.replace("T", " ").rstrip("Z"))}</time>'
            )
        if datatype in (xsd + "gYear",):
            return esc(value)
        if datatype in (
            xsd + "integer",
            xsd + "int",
            xsd + "long",
            xsd + "nonNegativeInteger",
            xsd + "positiveInteger",
        ):
            return f"{int(value):,}"
        if datatype in (xsd + "decimal", xsd + "double", xsd + "float"):
            return f"{float(value):,.6g}"
        if datatype == xsd + "boolean":
            return "yes" if value in ("true", "1") else "no"
    except ValueError:
        return None
    if datatype == "http://www.opengis.net/ont/geosparql#wktLiteral":
        found = _WKT_POINT.match(value)
        if found:
            lon, lat = float(found.group(1)), float(found.group(2))
            return (
                f"{abs(lat):.4f}° {'N' if lat >= 0 else 'S'}, "
                f"{abs(lon):.4f}° {'E' if lon >= 0 else 'W'} "
                f'<span class="meta">({esc(value)})</span>'
            )
    return None


# --- entity pages --------------------------------------------------------------------------------


def _names_section(graph: Graph, subject: URIRef) -> str:
    rows = []
    langs = sorted(
        {
            getattr(o, "language", None) or ""
            for p in _NAME_PREDICATES
            for o in graph.objects(subject, p)
        },
        key=lambda lang: (_LABEL_ORDER.index(lang) if lang in _LABEL_ORDER else 9, lang),
    )
    for lang in langs:

        def of(pred: URIRef, lang: str = lang) -> list[str]:
            return sorted(
                str(o)
                for o in graph.objects(subject, pred)
                if isinstance(o, Literal) and (o.language or "") == lang
            )

        names = sorted(set(of(RDFS.label) + of(SKOS.prefLabel)))
        also = of(SKOS.altLabel)
        attr = f' lang="{esc(lang)}"' if lang else ""
        rows.append(
            f'<tr><th scope="row">{esc(LANGUAGES.get(lang, lang))}</th>'
            f"<td{attr}>{esc('; '.join(names))}</td><td{attr}>{esc('; '.join(also))}</td></tr>"
        )
    if not rows:
        return ""
    return (
        '<section aria-labelledby="names"><h2 id="names">Names</h2><div class="scroll"><table>'
        '<thead><tr><th scope="col">Language</th><th scope="col">Name</th>'
        '<th scope="col">Also known as</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def _texts(graph: Graph, subject: URIRef, r: Renderer) -> str:
    texts = [o for p in _TEXT_PREDICATES for o in graph.objects(subject, p)]
    if not texts:
        return ""
    paragraphs = "".join(
        f"<p>{r.literal(t) if isinstance(t, Literal) else r.value(t)}</p>"
        for t in sorted(texts, key=str)
    )
    return f'<section aria-labelledby="about"><h2 id="about">Description</h2>{paragraphs}</section>'


def _facts_section(graph: Graph, subject: URIRef, r: Renderer) -> str:
    skip = _NAME_PREDICATES | _TEXT_PREDICATES | {RDF.type, PROV.wasDerivedFrom}
    preds = sorted(
        {p for p in graph.predicates(subject, None) if p not in skip},
        key=lambda p: r.label(str(p)).lower(),
    )
    if not preds:
        return ""
    rows = "".join(
        f"<dt>{r.link(str(p))}</dt><dd>{r.values(graph.objects(subject, p))}</dd>" for p in preds
    )
    return (
        '<section aria-labelledby="facts"><h2 id="facts">Facts</h2>'
        f'<dl class="facts">{rows}</dl></section>'
    )


def _sources_section(graph: Graph, subject: URIRef, r: Renderer) -> str:
    sources = sorted(graph.objects(subject, PROV.wasDerivedFrom), key=str)
    if not sources:
        return ""
    items = []
    for source in sources:
        title = graph.value(source, DCTERMS.title) or None
        name = str(title) if title is not None else r.label(str(source))
        lang = getattr(title, "language", None)
        lang_attr = f' lang="{esc(lang)}"' if lang else ""
        parts = [f'<a href="{esc(r.site.href(str(source)))}"{lang_attr}>{esc(name)}</a>']
        publisher = graph.value(source, DCTERMS.publisher)
        if publisher is not None:
            parts.append(f"published by {r.value(publisher)}")
        date = graph.value(source, DCTERMS.date)
        if date is not None:
            parts.append(esc(date))
        url = graph.value(source, SCHEMA.url)
        if url is not None:
            parts.append(f'<a href="{esc(url)}" class="iri">{esc(url)}</a>')
        items.append(f"<li>{', '.join(parts)}</li>")
    return (
        '<section aria-labelledby="sources"><h2 id="sources">Sources</h2>'
        f"<p>The facts on this page are derived from:</p><ul>{''.join(items)}</ul></section>"
    )


def _scheme_section(graph: Graph, subject: URIRef, r: Renderer) -> str:
    if (subject, RDF.type, SKOS.ConceptScheme) not in graph:
        return ""
    concepts = sorted(graph.subjects(SKOS.inScheme, subject), key=lambda c: r.label(str(c)).lower())
    rows = []
    for concept in concepts:
        cells = []
        for lang in ("en", "id", "ms"):
            labels = [
                str(o)
                for o in graph.objects(concept, SKOS.prefLabel)
                if getattr(o, "language", None) == lang
            ]
            cells.append(f'<td lang="{lang}">{esc("; ".join(sorted(labels)))}</td>')
        notation = graph.value(concept, SKOS.notation)
        matches = [
            o
            for p in (
                SKOS.exactMatch,
                SKOS.closeMatch,
                SKOS.relatedMatch,
                SKOS.broadMatch,
                SKOS.narrowMatch,
            )
            for o in graph.objects(concept, p)
        ]
        broader = list(graph.objects(concept, SKOS.broader))
        rows.append(
            f'<tr><th scope="row">{r.link(str(concept))}</th>{"".join(cells)}'
            f"<td><code>{esc(notation or '')}</code></td>"
            f"<td>{', '.join(r.value(b) for b in broader)}</td>"
            f"<td>{', '.join(r.value(m) for m in sorted(matches, key=str))}</td></tr>"
        )
    return (
        '<section aria-labelledby="concepts"><h2 id="concepts">Concepts in this scheme</h2>'
        '<div class="scroll"><table><thead><tr><th scope="col">Concept</th>'
        '<th scope="col">English</th><th scope="col">Indonesian</th><th scope="col">Malay</th>'
        '<th scope="col">Notation</th><th scope="col">Broader</th><th scope="col">Matches</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def _referrers_section(view: EntityView, r: Renderer) -> str:
    if not view.referrers:
        return ""
    items = "".join(
        f"<tr><td>{r.link(ref.iri)}</td><td>{r.link(ref.property)}</td></tr>"
        for ref in sorted(
            view.referrers, key=lambda x: (r.label(x.property).lower(), r.label(x.iri).lower())
        )
    )
    more = (
        '<p class="meta">Only the first 500 links are shown.</p>'
        if len(view.referrers) >= 500
        else ""
    )
    return (
        '<section aria-labelledby="referrers"><h2 id="referrers">Linked from</h2>'
        '<div class="scroll"><table><thead><tr><th scope="col">Entity</th>'
        f'<th scope="col">Through</th></tr></thead><tbody>{items}</tbody></table></div>{more}'
        "</section>"
    )


def entity_page(site: Site, view: EntityView, path: str, sections: str = "") -> str:
    """The page of one entity, served at ``path`` (``/id/city/jakarta``).

    ``sections`` is HTML shown first, under the title: the running server's readable overview
    of cities, agreements, people and sectors (citypact.routers.pages.entity_sections).
    """
    graph = view.graph()
    for ref in view.referrers:
        view.labels.setdefault(ref.iri, {}).update(ref.labels)
    r = Renderer(site, view.labels, graph)
    subject = URIRef(view.iri)
    title = r.label(view.iri)
    types = sorted(graph.objects(subject, RDF.type), key=lambda t: r.label(str(t)))
    type_links = ", ".join(r.value(t) for t in types)
    alternates = alternates_of(path)
    body = (
        f"<h1>{esc(title)}</h1>"
        f'<p class="meta">{type_links + " · " if type_links else ""}'
        f'<span class="iri">{esc(view.iri)}</span></p>'
        + sections
        + _texts(graph, subject, r)
        + _names_section(graph, subject)
        + _facts_section(graph, subject, r)
        + _scheme_section(graph, subject, r)
        + _sources_section(graph, subject, r)
        + _referrers_section(view, r)
        + formats_section(alternates)
    )
    return layout(site, title, body, alternates)


# --- other pages ---------------------------------------------------------------------------------


def error_page(site: Site, status: int, title: str, message: str) -> str:
    """An error page (404, 406, ...)."""
    body = (
        f"<h1>{esc(title)}</h1><p>{esc(message)}</p>"
        f'<p class="meta">HTTP status {status}.</p>'
        '<p><a href="/">CityPact home</a> · <a href="/dataset">About the dataset</a></p>'
    )
    return layout(site, title, body)


@dataclass(frozen=True)
class DumpLink:
    """One download for the downloads page."""

    href: str
    title: str
    media_type: str
    description: str


def dumps_page(site: Site, dumps: Sequence[DumpLink]) -> str:
    """The list of full downloads of the dataset."""
    rows = "".join(
        f'<tr><th scope="row"><a href="{esc(d.href)}">{esc(d.href.rsplit("/", 1)[-1])}</a></th>'
        f"<td>{esc(d.title)}</td><td><code>{esc(d.media_type)}</code></td>"
        f"<td>{esc(d.description)}</td></tr>"
        for d in dumps
    )
    body = (
        "<h1>Downloads</h1>"
        "<p>The whole CityPact graph: the ontology, the sector and challenge schemes, the bundled "
        "data and every accepted submission. The Turtle, N-Triples and JSON-LD files merge all "
        "of it into one graph; the TriG file keeps each named graph apart (one per submission). "
        f'Licence: <a rel="license" href="{LICENSE}">CC BY 4.0</a>.</p>'
        '<div class="scroll"><table><thead><tr><th scope="col">File</th><th scope="col">Format</th>'
        '<th scope="col">Media type</th><th scope="col">Contents</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
        '<p>The dataset is described in VoID and DCAT at <a href="/dataset">/dataset</a> '
        '(also <a href="/.well-known/void">/.well-known/void</a>).</p>'
    )
    return layout(site, "Downloads", body)


def dataset_page(site: Site, dataset_iri: str, graph: Graph, labels: Labels) -> str:
    """The dataset's VoID and DCAT description, for people."""
    r = Renderer(site, labels, graph)
    ds = URIRef(dataset_iri)
    title = str(graph.value(ds, DCTERMS.title) or "CityPact")
    description = graph.value(ds, DCTERMS.description)
    facts = []
    for pred, name in (
        (DCTERMS.license, "Licence"),
        (DCTERMS.publisher, "Publisher"),
        (DCTERMS.modified, "Last modified"),
        (VOID.triples, "Triples"),
        (VOID.entities, "Entities"),
        (VOID.sparqlEndpoint, "SPARQL endpoint"),
        (VOID.uriSpace, "IRI space"),
        (VOID.rootResource, "Start from"),
        (VOID.vocabulary, "Vocabularies"),
    ):
        objects = list(graph.objects(ds, pred))
        if objects:
            facts.append(f"<dt>{esc(name)}</dt><dd>{r.values(objects)}</dd>")
    downloads = []
    for dist in graph.objects(ds, URIRef(_DCAT + "distribution")):
        url = graph.value(dist, URIRef(_DCAT + "downloadURL"))
        if url is None:
            continue
        media = graph.value(dist, URIRef(_DCAT + "mediaType"))
        downloads.append(
            (
                str(url),
                f'<tr><th scope="row"><a href="{esc(site.href(str(url)))}">'
                f"{esc(graph.value(dist, DCTERMS.title) or url)}</a></th>"
                f"<td><code>{esc(_media_type_of(media))}</code></td></tr>",
            )
        )
    classes = []
    for part in graph.objects(ds, VOID.classPartition):
        cls = graph.value(part, VOID["class"])
        count = graph.value(part, VOID.entities)
        if cls is not None:
            classes.append((r.label(str(cls)).lower(), r.link(str(cls)), str(count or "")))
    class_rows = "".join(
        f'<tr><th scope="row">{link}</th><td>{esc(count)}</td></tr>'
        for _, link, count in sorted(classes)
    )
    body = (
        f"<h1>{esc(title)}</h1>"
        + (f"<p>{r.literal(description)}</p>" if isinstance(description, Literal) else "")
        + f'<p class="meta"><span class="iri">{esc(dataset_iri)}</span></p>'
        + f'<dl class="facts">{"".join(facts)}</dl>'
        + '<section aria-labelledby="downloads"><h2 id="downloads">Downloads</h2>'
        + '<div class="scroll"><table><thead><tr><th scope="col">File</th>'
        + '<th scope="col">Media type</th></tr></thead><tbody>'
        + "".join(row for _, row in sorted(downloads))
        + "</tbody></table></div>"
        + '<p><a href="/sitemap.xml">Sitemap</a> (every entity page).</p></section>'
        + '<section aria-labelledby="classes"><h2 id="classes">Entities by class</h2>'
        + '<div class="scroll"><table><thead><tr><th scope="col">Class</th>'
        + f'<th scope="col">Entities</th></tr></thead><tbody>{class_rows}</tbody></table></div>'
        + "</section>"
    )
    alternates = alternates_of("/dataset")
    return layout(site, title, body + formats_section(alternates), alternates)


def _media_type_of(node: Node | None) -> str:
    """``text/turtle`` from an IANA media-type IRI (DCAT), or the value as it is."""
    return str(node or "").rsplit("/media-types/", 1)[-1]


def index_page(site: Site) -> str:
    """The home page of a static export."""
    body = (
        "<h1>CityPact</h1>"
        "<p>An open linked-data knowledge graph of city diplomacy: cities, the officials who act "
        "for them, the agreements they sign and the commitments in those agreements. Every fact "
        "cites its source.</p><ul>"
        '<li><a href="/dataset">The dataset</a>: size, classes, licence, downloads '
        "(VoID and DCAT)</li>"
        '<li><a href="/ontology">The ontology</a>: every class and property, in English, '
        "Indonesian and Malay</li>"
        '<li><a href="/id/sector">Sectors of cooperation</a> and '
        '<a href="/id/challenge">shared challenges</a></li>'
        '<li><a href="/dumps/">Downloads</a> of the whole graph</li>'
        '<li><a href="/sitemap.xml">Sitemap</a> of every entity page</li></ul>'
    )
    return layout(site, "CityPact", body)
