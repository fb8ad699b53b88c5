"""What the /sparql endpoint says about itself: a SPARQL 1.1 Service Description for machines
and a small query page for people.

Spec: https://www.w3.org/TR/sparql11-service-description/ ; format IRIs from
https://www.w3.org/ns/formats/ .
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from html import escape

import pyoxigraph as ox

from citypact.publishing.dataset_description import EndpointSize
from citypact.store.backends import META_GRAPH
from citypact.store.results import GRAPH_TYPES, RESULT_TYPES

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_DCTERMS = "http://purl.org/dc/terms/"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_VOID = "http://rdfs.org/ns/void#"

PREFIXES = {"sd": SD, "formats": FORMATS, "rdfs": _RDFS, "dcterms": _DCTERMS}

# W3C format IRIs (https://www.w3.org/ns/formats/) of every media type /sparql answers in.
FORMAT_IRIS = {
    RESULT_TYPES["json"]: FORMATS + "SPARQL_Results_JSON",
    RESULT_TYPES["xml"]: FORMATS + "SPARQL_Results_XML",
    RESULT_TYPES["csv"]: FORMATS + "SPARQL_Results_CSV",
    RESULT_TYPES["tsv"]: FORMATS + "SPARQL_Results_TSV",
    GRAPH_TYPES["turtle"]: FORMATS + "Turtle",
    GRAPH_TYPES["ntriples"]: FORMATS + "N-Triples",
    GRAPH_TYPES["jsonld"]: FORMATS + "JSON-LD",
    GRAPH_TYPES["rdfxml"]: FORMATS + "RDF_XML",
}


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def _text(value: str) -> ox.Literal:
    return ox.Literal(value, language="en")


def _named_graph(dataset: ox.BlankNode, iri: str) -> list[ox.Triple]:
    """One sd:namedGraph of the default dataset (§3.2.9, §3.4.8)."""
    node = ox.BlankNode()
    return [
        ox.Triple(dataset, _sd("namedGraph"), node),
        ox.Triple(node, _RDF_TYPE, _sd("NamedGraph")),
        ox.Triple(node, _sd("name"), ox.NamedNode(iri)),
    ]


def _count(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "integer"))


def _default_dataset(
    service: ox.BlankNode, named_graphs: Iterable[str], size: EndpointSize | None
) -> list[ox.Triple]:
    """sd:defaultDataset: the union default graph and the known named graphs (§3.2.8, §3.4.5),
    with their sizes (void:triples, as in the Service Description's examples) when known."""
    dataset, default = ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, _RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default),
        ox.Triple(default, _RDF_TYPE, _sd("Graph")),
        ox.Triple(
            default,
            ox.NamedNode(_RDFS + "comment"),
            _text(
                "The union of all named graphs, unless the request names its own dataset "
                "with default-graph-uri and named-graph-uri."
            ),
        ),
    ]
    for iri in named_graphs:
        triples += _named_graph(dataset, iri)
    if size is not None:
        triples.append(ox.Triple(default, ox.NamedNode(_VOID + "triples"), _count(size.triples)))
        node = ox.BlankNode()
        graph = ox.BlankNode()
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), node),
            ox.Triple(node, _RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(node, _sd("name"), ox.NamedNode(META_GRAPH)),
            ox.Triple(node, _sd("graph"), graph),
            ox.Triple(graph, _RDF_TYPE, _sd("Graph")),
            ox.Triple(graph, ox.NamedNode(_VOID + "triples"), _count(size.bookkeeping)),
            ox.Triple(
                graph,
                ox.NamedNode(_RDFS + "comment"),
                _text(
                    "Bookkeeping: the load marker and the provenance of each submission. Part of "
                    "the default graph, so counts over it include these triples; left out of the "
                    "dumps and of the dataset's void:triples (/dataset)."
                ),
            ),
        ]
    return triples


def describe_service(
    endpoint: str, named_graphs: Iterable[str] = (), size: EndpointSize | None = None
) -> list[ox.Triple]:
    """The Service Description of the endpoint at ``endpoint`` (the request URL, no query).

    Implements https://www.w3.org/TR/sparql11-service-description/#vocab : sd:endpoint,
    sd:supportedLanguage sd:SPARQL11Query, sd:resultFormat per answer format, sd:feature
    sd:UnionDefaultGraph and sd:defaultDataset with ``named_graphs``.
    """
    service = ox.BlankNode()
    triples = [
        ox.Triple(service, _RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, ox.NamedNode(_DCTERMS + "title"), _text("CityPact SPARQL endpoint")),
        ox.Triple(
            service,
            ox.NamedNode(_RDFS + "comment"),
            _text(
                "Read-only SPARQL 1.1 query endpoint of the CityPact knowledge graph of city "
                "diplomacy. SPARQL Update, LOAD and SERVICE are refused."
            ),
        ),
    ]
    triples += [
        ox.Triple(service, _sd("resultFormat"), ox.NamedNode(iri)) for iri in FORMAT_IRIS.values()
    ]
    return triples + _default_dataset(service, named_graphs, size)


# The query page: the YASGUI editor (vendored, served from /static: no CDN) talking to this
# endpoint, with the named queries as examples; without JavaScript, a plain form (<noscript>).
_FORM = """<form method="get" action="{endpoint}">
<label for="query">SPARQL query</label>
<textarea id="query" name="query" rows="20" cols="80" spellcheck="false" required
 aria-describedby="query-help">{query}</textarea>
<p id="query-help">{help}</p>
<label for="format">Result format</label>
<select id="format" name="format">
<option value="json">JSON (SPARQL results; JSON-LD for CONSTRUCT and DESCRIBE)</option>
<option value="xml">XML (SPARQL results; RDF/XML for CONSTRUCT and DESCRIBE)</option>
<option value="csv">CSV (SELECT)</option>
<option value="tsv">TSV (SELECT)</option>
<option value="turtle">Turtle (CONSTRUCT and DESCRIBE)</option>
<option value="ntriples">N-Triples (CONSTRUCT and DESCRIBE)</option>
</select>
<div><button type="submit">Run query</button></div>
</form>"""

_ASSETS = (
    '<link rel="stylesheet" href="/static/vendor/yasgui/yasgui.min.css">\n'
    '<script src="/static/vendor/yasgui/yasgui.min.js" defer></script>\n'
)


def _script_json(data: object) -> str:
    """JSON safe inside a <script> element."""
    return (
        json.dumps(data, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def query_page(
    endpoint_path: str,
    sample_query: str,
    timeout: float,
    examples: Sequence[tuple[str, str, str]] = (),
    help_text: str = "The sample lists the partners of Jakarta.",
) -> str:
    """The SPARQL editor page: YASGUI on ``endpoint_path``, examples, a no-script form.

    ``examples`` are (name, question, query text); ``/sparql?example={name}`` opens the page
    with that query. The form follows https://www.w3.org/TR/sparql11-protocol/#query-via-get
    (``query`` and ``format`` parameters).
    """
    from citypact.publishing.html_pages import Site, layout

    endpoint = escape(endpoint_path)
    form = _FORM.format(endpoint=endpoint, query=escape(sample_query), help=escape(help_text))
    items = "".join(
        f'<li><a href="{endpoint}?example={escape(name)}" data-example="{escape(name)}">'
        f"{escape(question)}</a></li>"
        for name, question, _ in examples
    )
    config = {
        "endpoint": endpoint_path,
        "query": sample_query,
        "examples": {name: text for name, _, text in examples},
        "prefixes": {**_EDITOR_PREFIXES},
    }
    body = f"""<h1>SPARQL editor</h1>
<p class="editor-help">Query the CityPact knowledge graph of city diplomacy with
<a href="https://www.w3.org/TR/sparql11-query/">SPARQL 1.1</a> at <code>{endpoint}</code>. The
endpoint is read-only; its default graph is the union of all named graphs. Queries stop after
{timeout:g} seconds. Run a query with the run button (or Ctrl+Enter); see the answer as a table
or as the raw response.</p>
<div id="yasgui" role="region" aria-label="SPARQL query editor and results"></div>
<noscript><p>The editor needs JavaScript; this form sends your query to the endpoint
instead.</p>{form}</noscript>
<section aria-labelledby="examples"><h2 id="examples">Example queries</h2>
<p>The named queries of the project (<code>queries/*.rq</code>), asked about Jakarta: pick one to
load it into the editor.</p>
<ul class="examples">{items}</ul></section>
<p><a href="{endpoint}?format=turtle">Service description</a> (Turtle) ·
<a href="/docs">API documentation</a></p>
<script type="application/json" id="sparql-config">{_script_json(config)}</script>
<script src="/static/sparql-editor.js" defer></script>
"""
    return layout(Site(), "SPARQL editor", body, head=_ASSETS)


_EDITOR_PREFIXES = {
    "cp": "https://w3id.org/citypact/ontology#",
    "id": "https://w3id.org/citypact/id/",
    "rdfs": _RDFS,
    "dcterms": _DCTERMS,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
