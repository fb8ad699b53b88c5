"""Reading RDF: formats, safe parsing with positioned errors, and conversion to rdflib.

Parsing goes through Oxigraph's parsers: they report line and column, never fetch remote
JSON-LD contexts, and do not expand XML entities. Results are converted to rdflib graphs where
rdflib-based tools (pySHACL) need them.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from xml.parsers import expat

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class RdfFormat:
    """One RDF serialization: its short name, media type, file extensions and parser ids."""

    name: str
    media_type: str
    extensions: tuple[str, ...]
    oxigraph: ox.RdfFormat
    rdflib: str
    datasets: bool = False


FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("turtle", "text/turtle", (".ttl",), ox.RdfFormat.TURTLE, "turtle"),
    RdfFormat("ntriples", "application/n-triples", (".nt",), ox.RdfFormat.N_TRIPLES, "nt"),
    RdfFormat(
        "jsonld", "application/ld+json", (".jsonld", ".json"), ox.RdfFormat.JSON_LD, "json-ld"
    ),
    RdfFormat(
        "rdfxml", "application/rdf+xml", (".rdf", ".owl", ".xml"), ox.RdfFormat.RDF_XML, "xml"
    ),
    RdfFormat("trig", "application/trig", (".trig",), ox.RdfFormat.TRIG, "trig", datasets=True),
    RdfFormat("nquads", "application/n-quads", (".nq",), ox.RdfFormat.N_QUADS, "nquads", True),
)
_BY_NAME = {f.name: f for f in FORMATS}
_ALIASES = {
    "ttl": "turtle",
    "nt": "ntriples",
    "json-ld": "jsonld",
    "xml": "rdfxml",
    "rdf": "rdfxml",
}


class RdfInputError(Exception):
    """RDF input that cannot be read or parsed; carries where, when known."""

    def __init__(
        self, source: str, message: str, line: int | None = None, column: int | None = None
    ) -> None:
        self.source = source
        self.message = message
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


def format_by_name(name: str) -> RdfFormat:
    """Look a format up by short name (``turtle``, ``ttl``, ``jsonld``, ...) or media type."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key in _BY_NAME:
        return _BY_NAME[key]
    for fmt in FORMATS:
        if fmt.media_type == key:
            return fmt
    known = ", ".join(f.name for f in FORMATS)
    raise ValueError(f"unknown RDF format {name!r}; known formats: {known}")


def format_for_path(path: Path | str) -> RdfFormat:
    """Guess the format of a file from its extension (under a ``.gz``: ``data.nq.gz`` is
    N-Quads); ValueError when it is not known."""
    suffix = Path(path).suffix.lower()
    if suffix == ".gz":
        suffix = Path(Path(path).stem).suffix.lower()
    for fmt in FORMATS:
        if suffix in fmt.extensions:
            return fmt
    raise ValueError(
        f"cannot tell the RDF format of {path} from its extension; give --format "
        f"({', '.join(f.name for f in FORMATS)})"
    )


_LOCATION = re.compile(r"line (\d+)(?: between columns (\d+)| column (\d+))?")


_ENTITY_DECL = re.compile(rb"<!ENTITY\s+(%\s+)?([\w.:-]+)\s+(SYSTEM|PUBLIC|\"([^\"]*)\"|'([^']*)')")
MAX_ENTITY_EXPANSION = 1_000_000


def check_xml_entities(data: bytes, source: str = "<input>") -> None:
    """Refuse RDF/XML whose DTD could make the parser fetch or blow up (XXE, billion laughs).

    Allowed: internal entities with plain values (the usual ``<!ENTITY owl "http://...#">``).
    Refused: external (SYSTEM/PUBLIC) and parameter entities, entities that reference other
    entities, and documents whose references would expand past MAX_ENTITY_EXPANSION bytes.
    """
    if b"<!ENTITY" not in data:
        return
    sizes: dict[bytes, int] = {}
    for match in _ENTITY_DECL.finditer(data):
        percent, name, kind = match.group(1), match.group(2), match.group(3)
        value = match.group(4) if match.group(4) is not None else match.group(5)
        if percent or kind in (b"SYSTEM", b"PUBLIC") or value is None:
            raise RdfInputError(source, "external or parameter XML entities are not accepted")
        if b"&" in value or b"%" in value:
            raise RdfInputError(
                source, "XML entities that reference other entities are not accepted"
            )
        sizes[name] = len(value)
    if data.count(b"<!ENTITY") != len(sizes):
        raise RdfInputError(source, "unreadable XML entity declaration")
    expansion = sum(sizes.get(ref, 0) for ref in re.findall(rb"&([\w.:-]+);", data))
    if expansion > MAX_ENTITY_EXPANSION:
        raise RdfInputError(source, "XML entity references would expand too far")


MAX_NESTING = 256
"""The deepest JSON or XML nesting accepted. Oxigraph's JSON-LD parser recurses (a few
thousand levels overflow its stack and kill the process) and its RDF/XML parser takes time
quadratic in the depth; real documents stay far below this."""

_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
# Keep only brackets, as signed bytes: an opening one +1, a closing one -1.
_JSON_BRACKETS = bytes.maketrans(b"{[}]", b"\x01\x01\xff\xff")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"{[}]")


def check_json_nesting(data: bytes, source: str = "<input>") -> None:
    """Refuse JSON nested deeper than MAX_NESTING (objects and arrays; strings are skipped)."""
    if data.count(b"{") + data.count(b"[") <= MAX_NESTING:
        return
    brackets = _JSON_STRING.sub(b"", data).translate(_JSON_BRACKETS, _NOT_BRACKETS)
    depth = max(accumulate(memoryview(brackets).cast("b")), default=0)
    if depth > MAX_NESTING:
        raise RdfInputError(
            source, f"the JSON is nested more than {MAX_NESTING} levels deep; not accepted"
        )


class _TooDeep(Exception):
    pass


def check_xml_nesting(data: bytes, source: str = "<input>") -> None:
    """Refuse XML that is not well-formed or nested deeper than MAX_NESTING elements.

    Expat reads the document without fetching anything (no external entity handler is set)
    and, being a streaming parser, in linear time; entities were screened before.
    """
    if data.count(b"<") <= MAX_NESTING:
        return
    parser = expat.ParserCreate()
    depth = 0

    def start(_name: str, _attrs: object) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_NESTING:
            raise _TooDeep

    def end(_name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except _TooDeep:
        raise RdfInputError(
            source,
            f"the XML is nested more than {MAX_NESTING} elements deep; not accepted",
            parser.CurrentLineNumber,
            parser.CurrentColumnNumber + 1,
        ) from None
    except expat.ExpatError as err:
        message = expat.ErrorString(err.code) or "not well-formed XML"
        raise RdfInputError(source, message, err.lineno, err.offset + 1) from None


def parse_quads(
    data: bytes | str, fmt: RdfFormat, source: str = "<input>", base_iri: str | None = None
) -> list[ox.Quad]:
    """Parse a serialization into Oxigraph quads, raising RdfInputError with line and column.

    RDF/XML is screened first (check_xml_entities, check_xml_nesting) and JSON-LD for its depth
    (check_json_nesting); JSON-LD remote contexts are never fetched (Oxigraph's parser has no
    document loader and refuses them).
    """
    raw = data.encode() if isinstance(data, str) else data
    if fmt.name == "rdfxml":
        check_xml_entities(raw, source)
        check_xml_nesting(raw, source)
    elif fmt.name == "jsonld":
        check_json_nesting(raw, source)
    try:
        return list(ox.parse(data, format=fmt.oxigraph, base_iri=base_iri))
    except SyntaxError as err:
        line = err.lineno
        column = err.offset
        text = str(err)
        match = _LOCATION.search(text)
        if line is None and match:
            line = int(match.group(1))
            col = match.group(2) or match.group(3)
            column = int(col) if col else None
        raise RdfInputError(source, text, line, column) from None
    except (ValueError, OSError) as err:
        raise RdfInputError(source, str(err)) from None


def read_file(path: Path | str, fmt: RdfFormat | None = None) -> list[ox.Quad]:
    """Read and parse an RDF file (format from the extension unless given)."""
    path = Path(path)
    try:
        fmt = fmt or format_for_path(path)
    except ValueError as err:
        raise RdfInputError(str(path), str(err)) from None
    try:
        data = path.read_bytes()
        if path.suffix.lower() == ".gz":
            data = gzip.decompress(data)
    except (OSError, EOFError) as err:
        message = getattr(err, "strerror", None) or err
        raise RdfInputError(str(path), f"cannot read file: {message}") from None
    return parse_quads(data, fmt, str(path), base_iri=path.resolve().as_uri())


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """Convert an Oxigraph term to the equal rdflib term (simple literals stay simple)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise ValueError(f"RDF-star triple terms are not supported: {term}")


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term to the equal Oxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _RDF_LANGSTRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValueError(f"unsupported rdflib term {term!r}")


def quads_to_graph(quads: Iterable[ox.Quad], graph: Graph | None = None) -> Graph:
    """Add the triples of quads (whatever their graph) to an rdflib graph and return it."""
    graph = graph if graph is not None else Graph()
    for quad in quads:
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def graph_to_quads(graph: Graph, graph_name: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
    """The triples of an rdflib graph as Oxigraph quads in one graph (default graph if None)."""
    name: ox.NamedNode | ox.DefaultGraph = graph_name or ox.DefaultGraph()
    for s, p, o in graph:
        yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), name)  # type: ignore[arg-type]


def load_files(paths: Iterable[Path], graph: Graph | None = None) -> Graph:
    """Parse several RDF files into one rdflib graph."""
    graph = graph if graph is not None else Graph()
    for path in paths:
        quads_to_graph(read_file(path), graph)
    return graph


def copy_description(source: Graph, node: Node, target: Graph) -> None:
    """Copy the triples about ``node`` and, recursively, about the blank nodes it points at."""
    todo, seen = [node], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for p, o in source.predicate_objects(current):
            target.add((current, p, o))
            if isinstance(o, BNode):
                todo.append(o)
