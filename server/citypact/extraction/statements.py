"""Proposed statements: each with its headline triple, evidence, the triples it needs and its
standing against the graph (new, existing, conflict); a proposal is the set of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, URIRef
from rdflib.term import Node

from citypact.extraction.findings import Evidence
from citypact.namespaces import CP, ID, bind_prefixes

Triple = tuple[Node, Node, Node]

KINDS = (
    "source",
    "agreement",
    "date",
    "place",
    "parties",
    "partnership",
    "signatories",
    "sectors",
    "challenges",
    "quotations",
    "partnerships",
)


@dataclass
class Statement:
    """One proposed statement: its headline triple, its evidence and every triple it needs."""

    id: str
    kind: str
    subject: URIRef
    predicate: URIRef
    object: Node
    evidence: Evidence
    key: str
    new: list[str] = field(default_factory=list)
    triples: list[Triple] = field(default_factory=list)
    # Event resolution (events.py): "new", "existing" (a new source for a fact the graph
    # states) or "conflict" (a claim of this source), and the graph's agreement it matches.
    status: str = "new"
    matches: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The statement for /api/extract."""
        return {
            "id": self.id,
            "kind": self.kind,
            "subject": str(self.subject),
            "predicate": str(self.predicate),
            "object": str(self.object),
            "object_is_iri": isinstance(self.object, URIRef),
            "key": self.key,
            "evidence": {
                "text": self.evidence.text,
                "start": self.evidence.start,
                "end": self.evidence.end,
            },
            "new_entities": self.new,
            "triples": len(self.triples),
            "status": self.status,
            "matches": self.matches,
        }


@dataclass
class Proposal:
    """The statements proposed from one article."""

    statements: list[Statement]
    source: URIRef
    lang: str

    def graph(self, accepted: set[str] | None = None) -> Graph:
        """The triples of all statements, or only of the accepted ones (by id)."""
        graph = Graph()
        bind_prefixes(graph)
        for st in self.statements:
            if accepted is None or st.id in accepted:
                for triple in st.triples:
                    graph.add(triple)
        return graph

    def turtle(self, accepted: set[str] | None = None) -> str:
        """The proposal as Turtle."""
        return self.graph(accepted).serialize(format="turtle")

    def keys(self) -> dict[str, set[str]]:
        """Comparable keys by kind (for the evaluation)."""
        out: dict[str, set[str]] = {}
        for st in self.statements:
            out.setdefault(st.kind, set()).add(st.key)
        return out


def short(iri: Node) -> str:
    """``government/dki-jakarta`` for an entity IRI, ``LetterOfIntent`` for a cp: term."""
    text = str(iri)
    if text.startswith(str(ID)):
        return text[len(str(ID)) :]
    if text.startswith(str(CP)):
        return text[len(str(CP)) :]
    return text
