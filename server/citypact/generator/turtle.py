"""Writing Turtle as it is made: prefixes, literals, dates, subject blocks, triple counts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TextIO

from citypact.generator.config import KINDS
from citypact.namespaces import CP

PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "cp": str(CP),
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "void": "http://rdfs.org/ns/void#",
    "wd": "http://www.wikidata.org/entity/",
    "sector": "https://w3id.org/citypact/id/sector/",
}


def slugify(text: str) -> str:
    """Lower-case ASCII slug: accents dropped, runs of other characters turned into hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def literal(text: str, lang: str | None = None) -> str:
    """A Turtle string literal, with a language tag when given."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


MONTHS = (
    "January February March April May June July August September October November December"
).split()


def long_date(day: date) -> str:
    """``11 August 2025`` (English month names, whatever the locale)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def xsd_date(day: date) -> str:
    """A Turtle xsd:date literal."""
    return f'"{day.isoformat()}"^^xsd:date'


@dataclass
class Stats:
    """What was written."""

    triples: int = 0
    entities: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, count: int = 1) -> None:
        """Count ``count`` entities of ``kind``."""
        self.entities[kind] = self.entities.get(kind, 0) + count


class TurtleWriter:
    """Writes subject blocks to a text stream and counts the triples."""

    def __init__(self, out: TextIO, namespace: str) -> None:
        self.out = out
        self.stats = Stats()
        prefixes = dict(PREFIXES)
        for kind in KINDS:
            prefixes[f"s{kind}"] = f"{namespace}{kind}/"
        self.prefixes = prefixes

    def header(self, comment: str) -> None:
        """Leading comment lines and the prefix declarations."""
        for line in comment.splitlines():
            self.out.write(f"# {line}".rstrip() + "\n")
        for prefix, iri in self.prefixes.items():
            self.out.write(f"@prefix {prefix}: <{iri}> .\n")

    def section(self, title: str) -> None:
        """A comment line between groups of subjects."""
        self.out.write(f"\n# --- {title}\n")

    def block(self, subject: str, kind: str | None, pairs: Sequence[tuple[str, str]]) -> None:
        """One subject with its (predicate, object) pairs, objects already in Turtle syntax."""
        body = " ;\n    ".join(f"{p} {o}" for p, o in pairs)
        self.out.write(f"\n{subject} {body} .\n")
        self.stats.triples += len(pairs)
        if kind:
            self.stats.add(kind)


def ref(kind: str, slug: str) -> str:
    """Prefixed name of a generated entity (``scity:sukamaju``)."""
    return f"s{kind}:{slug}"
