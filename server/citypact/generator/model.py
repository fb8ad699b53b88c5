"""The model of what is generated (places, tenures, outlets) and the ontology terms it uses."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from citypact.generator.world import Country
from citypact.vocabulary import document_types, ontology_graph, sectors


def term_label(iri: URIRef, lang: str = "en") -> str:
    """The rdfs:label (or prefLabel) of an ontology term in ``lang``, else its English one."""
    graph = ontology_graph()
    for language in (lang, "en"):
        for prop in (RDFS.label, SKOS.prefLabel):
            labels = sorted(
                str(o)
                for o in graph.objects(iri, prop)
                if isinstance(o, Literal) and o.language == language
            )
            if labels:
                return labels[0]
    return re.split(r"[/#]", str(iri))[-1]


@dataclass(frozen=True)
class Term:
    """A term of the ontology: its notation (slug), IRI and English and Indonesian labels."""

    notation: str
    iri: str
    en: str
    id: str


@dataclass(frozen=True)
class Vocabulary:
    """The ontology's sectors and document types, sorted by notation."""

    sectors: tuple[Term, ...]
    document_types: tuple[Term, ...]

    @classmethod
    def bundled(cls) -> Vocabulary:
        """Read from the bundled ontology."""
        return cls(terms_of(sectors()), terms_of(document_types()))


def terms_of(by_notation: dict[str, URIRef]) -> tuple[Term, ...]:
    return tuple(
        Term(notation, str(iri), term_label(iri), term_label(iri, "id"))
        for notation, iri in sorted(by_notation.items())
    )


@dataclass
class Tenure:
    """One official holding a place's head post from ``start`` to ``end`` (None: in office)."""

    slug: str
    person: str
    start: date
    end: date | None


@dataclass
class Place:
    """A city or province, with its government, head post and the tenures of that post."""

    kind: str  # "city" or "region"
    slug: str
    name: str
    country: Country
    government: str = ""
    post: str = ""
    post_title: str = ""
    tenures: list[Tenure] = field(default_factory=list)

    def holder_on(self, day: date) -> Tenure:
        """The tenure in force on ``day`` (tenures cover every day from FIRST_TENURE on)."""
        starts = [t.start for t in self.tenures]
        return self.tenures[bisect.bisect_right(starts, day) - 1]


@dataclass(frozen=True)
class Outlet:
    """A news outlet: publisher of the generated sources."""

    slug: str
    name: str
    lang: str
    domain: str
