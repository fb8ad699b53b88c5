"""Serializing query answers: SPARQL 1.1 results (JSON, XML, CSV, TSV) and RDF graphs.

Both store adapters return the same result objects, so one serializer serves every backend.
Specs: https://www.w3.org/TR/sparql11-results-json/ , https://www.w3.org/TR/rdf-sparql-XMLres/ ,
https://www.w3.org/TR/sparql11-results-csv-tsv/
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from citypact.store.port import AskResult, GraphResult, SelectResult, Term

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
_GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


def term_to_json(term: Term | ox.Triple) -> dict[str, Any]:
    """One term as a SPARQL JSON results binding.

    Triple terms and directional language strings (SPARQL 1.2, which pyoxigraph accepts) use
    the forms of https://www.w3.org/TR/sparql12-results-json/ .
    """
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
        return {"type": "triple", "value": {k: term_to_json(v) for k, v in parts.items()}}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
        if getattr(term, "direction", None):
            out["its:dir"] = str(term.direction)
    elif term.datatype.value != _XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def to_json(result: SelectResult | AskResult) -> bytes:
    """SPARQL 1.1 Query Results JSON."""
    if isinstance(result, AskResult):
        doc: dict[str, Any] = {"head": {}, "boolean": result.value}
    else:
        doc = {
            "head": {"vars": result.variables},
            "results": {
                "bindings": [{k: term_to_json(v) for k, v in row.items()} for row in result.rows]
            },
        }
    return json.dumps(doc, ensure_ascii=False).encode()


def _xml_term(term: Term | ox.Triple) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        parts = (("subject", term.subject), ("predicate", term.predicate), ("object", term.object))
        inner = "".join(f"<{name}>{_xml_term(part)}</{name}>" for name, part in parts)
        return f"<triple>{inner}</triple>"
    attrs = ""
    if term.language:
        attrs = f" xml:lang={quoteattr(term.language)}"
        if getattr(term, "direction", None):
            attrs += f" its:dir={quoteattr(str(term.direction))}"
    elif term.datatype.value != _XSD_STRING:
        attrs = f" datatype={quoteattr(term.datatype.value)}"
    return f"<literal{attrs}>{escape(term.value)}</literal>"


def to_xml(result: SelectResult | AskResult) -> bytes:
    """SPARQL Query Results XML Format."""
    out = [
        '<?xml version="1.0"?>',
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#" '
        'xmlns:its="http://www.w3.org/2005/11/its">',
    ]
    if isinstance(result, AskResult):
        out += ["<head/>", f"<boolean>{'true' if result.value else 'false'}</boolean>"]
    else:
        out.append("<head>")
        out += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
        out += ["</head>", "<results>"]
        for row in result.rows:
            out.append("<result>")
            for name, term in row.items():
                out.append(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return "\n".join(out).encode()


def to_csv(result: SelectResult | AskResult) -> bytes:
    """SPARQL 1.1 CSV: lexical values only."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if isinstance(result, AskResult):
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.value else "false"])
    else:
        writer.writerow(result.variables)
        for row in result.rows:
            cells = []
            for name in result.variables:
                term = row.get(name)
                if term is None:
                    cells.append("")
                elif isinstance(term, ox.BlankNode):
                    cells.append(f"_:{term.value}")
                elif isinstance(term, ox.Triple):
                    cells.append(_nt_term(term))
                else:
                    cells.append(term.value)
            writer.writerow(cells)
    return buffer.getvalue().encode()


def _nt_term(term: Term | ox.Triple) -> str:
    """A term in N-Triples syntax; triple terms as ``<<( s p o )>>`` (SPARQL 1.2)."""
    if isinstance(term, ox.Triple):
        parts = " ".join(_nt_term(t) for t in (term.subject, term.predicate, term.object))
        return f"<<( {parts} )>>"
    return str(term)


def to_tsv(result: SelectResult | AskResult) -> bytes:
    """SPARQL 1.1 TSV: terms in N-Triples syntax."""
    if isinstance(result, AskResult):
        return f"?boolean\n{'true' if result.value else 'false'}\n".encode()
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join(_nt_term(row[v]) if v in row else "" for v in result.variables))
    return ("\n".join(lines) + "\n").encode()


_RESULT_WRITERS = {
    "application/sparql-results+json": to_json,
    "application/sparql-results+xml": to_xml,
    "text/csv": to_csv,
    "text/tab-separated-values": to_tsv,
}


def serialize_results(result: SelectResult | AskResult, media_type: str) -> bytes:
    """Serialize a SELECT or ASK answer in one of RESULT_TYPES' media types."""
    return _RESULT_WRITERS[media_type](result)


def serialize_graph(
    result: GraphResult | list[ox.Triple], media_type: str, prefixes: dict[str, str] | None = None
) -> bytes:
    """Serialize triples in one of GRAPH_TYPES' media types."""
    triples = result.triples if isinstance(result, GraphResult) else result
    fmt = _GRAPH_FORMATS[media_type]
    kwargs: dict[str, Any] = {}
    if prefixes and fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        kwargs["prefixes"] = prefixes
    out = ox.serialize(triples, format=fmt, **kwargs)
    return out if out is not None else b""
