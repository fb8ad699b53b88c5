"""What the rules find: each finding with the sentence it rests on, and the whole extraction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from citypact.curation.importing.reconcile import slugify
from citypact.extraction.article import Article
from citypact.extraction.new_entities import NewEntity
from citypact.namespaces import CP, ID, entity_iri


@dataclass
class Evidence:
    """The sentence (or sentences) a finding rests on, and its span in the article's text."""

    text: str
    start: int
    end: int

    @classmethod
    def of(cls, article: Article, start: int, end: int) -> Evidence:
        """The evidence spanning these characters of the article."""
        return cls(article.text[start:end], start, end)


@dataclass
class Signatory:
    """A person who signed, as which post, for which party."""

    person: URIRef | None
    name: str
    post: URIRef | None
    party: URIRef | None
    evidence: Evidence


@dataclass
class Quotation:
    """Words quoted, their speaker (known or only named) and the date they were said."""

    text: str
    speaker: URIRef | None
    speaker_name: str | None
    spoken_on: date | None
    evidence: Evidence


@dataclass
class Finding:
    """One value of a kind (a sector, a challenge, a party, ...) with its evidence."""

    value: URIRef
    evidence: Evidence
    wording: str = ""


@dataclass
class Extraction:
    """Everything the rules found in one article."""

    article: Article
    lang: str
    document_type: Finding | None = None
    date: date | None = None
    date_evidence: Evidence | None = None
    place: Finding | None = None
    parties: list[Finding] = field(default_factory=list)
    partnership_type: URIRef = CP.Cooperation
    signatories: list[Signatory] = field(default_factory=list)
    sectors: list[Finding] = field(default_factory=list)
    challenges: list[Finding] = field(default_factory=list)
    quotations: list[Quotation] = field(default_factory=list)
    earlier: list[tuple[URIRef, URIRef, Evidence]] = field(default_factory=list)
    new_entities: dict[URIRef, NewEntity] = field(default_factory=dict)


def new_city(result: Extraction, name: str) -> URIRef:
    """A new city of the extraction, by name."""
    city = NewEntity(URIRef(entity_iri("city", slugify(name))), "place", CP.City, name)
    return result.new_entities.setdefault(city.iri, city).iri


SECTOR_SCHEME = URIRef(f"{ID}sector")


def new_sector(result: Extraction, wording: str) -> URIRef:
    """A sector the scheme lacks, named by a list item: a new top concept of the scheme, with
    the item's words as its label in the article's language (a curator places it under a
    broader sector or merges it with one)."""
    slug = slugify(wording)
    label = Literal(wording, lang=result.lang)
    links: list[tuple[URIRef, Node]] = [
        (RDF.type, SKOS.Concept),
        (SKOS.inScheme, SECTOR_SCHEME),
        (SKOS.topConceptOf, SECTOR_SCHEME),
        (SKOS.notation, Literal(slug)),
        (SKOS.prefLabel, label),
    ]
    if result.lang not in ("en", "id"):
        links.append((RDFS.label, Literal(wording)))  # the shapes want a label in en or id
    sector = NewEntity(URIRef(entity_iri("sector", slug)), "sector", CP.Sector, wording, links)
    return result.new_entities.setdefault(sector.iri, sector).iri
