"""The gazetteer: every name the graph gives its places, governments, organizations, people,
posts, sectors, challenges and document types (labels and alternative labels, in every
language), normalised, and matched in a text longest-first.

Normalisation ignores case, diacritics, and the kind of apostrophe or dash (``Dato’`` and
``Dato'``). A person is also found by a single name of theirs (``Pramono``, ``Maimunah``)
when no other person and no other entity has that name.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import URIRef

from citypact.store.port import QueryOptions, Store
from citypact.store.queries import QueryRegistry

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*['’]?|&", re.UNICODE)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
# Titles and particles that never identify a person on their own.
_NOT_NAMES = set(
    "dato dato' datuk seri sri tan haji hajjah dr prof ir bin binti bt mohd muhammad mohamad "
    "abdul ibu bapak pak bu tuan puan encik the of van von de der kim lee park".split()
)
MAX_TOKENS = 12
# Titles of posts, without the place: a person's tenure in the graph tells which post is meant.
TITLES = {
    "mayor": ("wali kota", "walikota", "datuk bandar", "mayor", "lord mayor", "bürgermeister"),
    "governor": ("gubernur", "gabenor", "governor"),
}


def normalise(text: str) -> str:
    """Lower case, no diacritics, one kind of apostrophe, single spaces."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Token:
    """A word of a text: its normalised form and its span."""

    norm: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """The words of a text (hyphens split words; apostrophes stay inside them)."""
    return [Token(normalise(m.group(0)), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _key(label: str) -> tuple[str, ...]:
    return tuple(t.norm for t in tokens(label))


@dataclass(frozen=True)
class Entry:
    """An entity of the graph under one of its names."""

    iri: URIRef
    kind: str
    label: str


@dataclass(frozen=True)
class Match:
    """A name found in a text: the entities it names and where."""

    entries: tuple[Entry, ...]
    start: int
    end: int
    text: str

    def of_kind(self, *kinds: str) -> list[URIRef]:
        """The IRIs of the named entities of these kinds."""
        return sorted({e.iri for e in self.entries if e.kind in kinds})

    @property
    def kinds(self) -> set[str]:
        """The kinds of the named entities."""
        return {e.kind for e in self.entries}


class Gazetteer:
    """Names to entities; ``find`` returns the longest non-overlapping matches in a text."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.index: dict[tuple[str, ...], set[Entry]] = defaultdict(set)
        self.labels: dict[URIRef, dict[str, str]] = defaultdict(dict)
        persons: dict[str, set[URIRef]] = defaultdict(set)
        for entry in entries:
            key = _key(entry.label)
            if not key:
                continue
            self.index[key].add(entry)
            if entry.kind == "person":
                for word in (key[0], key[-1]):
                    if len(word) >= 4 and word not in _NOT_NAMES:
                        persons[word].add(entry.iri)
        for role, names in TITLES.items():
            for name in names:
                self.index.setdefault(_key(name), set()).add(
                    Entry(URIRef(f"urn:citypact:title:{role}"), "title", name)
                )
        for word, iris in persons.items():
            if len(iris) == 1 and (word,) not in self.index:
                (iri,) = iris
                self.index[(word,)].add(Entry(iri, "person", word))
        self.longest = min(MAX_TOKENS, max((len(k) for k in self.index), default=1))

    @classmethod
    def from_store(cls, store: Store, queries: QueryRegistry) -> Gazetteer:
        """The gazetteer of a store's graph (queries/extraction/labels.rq)."""
        rows = store.select(queries["labels"].bind(), QueryOptions.whole_graph()).rows
        entries = [
            Entry(URIRef(r["entity"].value), r["kind"].value, r["label"].value) for r in rows
        ]
        gazetteer = cls(entries)
        for r in rows:
            lang = getattr(r["label"], "language", None) or ""
            gazetteer.labels[URIRef(r["entity"].value)].setdefault(lang, r["label"].value)
        return gazetteer

    def names(self, kind: str) -> list[tuple[URIRef, str]]:
        """Every (entity, name) of one kind."""
        return sorted(
            {(e.iri, e.label) for entries in self.index.values() for e in entries if e.kind == kind}
        )

    def label(self, iri: URIRef, lang: str = "en") -> str:
        """A label of an entity, in ``lang`` if it has one."""
        labels = self.labels.get(iri, {})
        for choice in (lang, "en", "id", "ms", ""):
            if choice in labels:
                return labels[choice]
        return str(iri).rsplit("/", 1)[-1]

    def whole(self, name: str) -> Match | None:
        """The match that covers all of ``name`` (one known name, not a name within it)."""
        found = self.find(name)
        return (
            found[0]
            if len(found) == 1 and found[0].start == 0 and found[0].end == len(name)
            else None
        )

    def find(self, text: str, offset: int = 0) -> list[Match]:
        """The longest matches, left to right, without overlaps; spans are offset."""
        words = tokens(text)
        found: list[Match] = []
        i = 0
        while i < len(words):
            for size in range(min(self.longest, len(words) - i), 0, -1):
                key = tuple(w.norm for w in words[i : i + size])
                entries = self.index.get(key)
                if entries:
                    start, end = words[i].start, words[i + size - 1].end
                    found.append(
                        Match(
                            tuple(sorted(entries, key=str)),
                            start + offset,
                            end + offset,
                            text[start:end],
                        )
                    )
                    i += size
                    break
            else:
                i += 1
        return found
