"""The label search, ranked: exact names first, then names that start with the text, then names
with a word that does, then any name containing it; among equals, the more partnerships the
higher. Each hit says what it is (its kind, a place's country) so namesakes can be told apart.

The index is read from two scans of the graph (``queries/pages/search_names.rq`` and
``search_types.rq``) and kept per data version (served stale while a newer one is read), so a
search term is matched in memory and never reaches a query.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from fastapi import FastAPI

from citypact.store.port import WHOLE_GRAPH_RESULTS, QueryOptions
from citypact.store.versioned_cache import Refreshing, data_version
from citypact.web.map_layers import layer
from citypact.web.page_queries import kind_of, page_queries


def fold(text: str) -> str:
    """Lower case without accents: ``Kuala Lumpur`` and ``kuala lumpur`` meet."""
    text = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


@dataclass
class Entry:
    """One entity of the index."""

    iri: str
    name: str
    labels: list[tuple[str, str]] = field(default_factory=list)  # (text, language)
    folded: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    kind: str = "other"
    country: str = ""
    weight: int = 0


@dataclass(frozen=True)
class Hit:
    """An entity found, how well it matched (0 best), and the labels that matched."""

    entry: Entry
    rank: int
    matched: tuple[tuple[str, str], ...]


@dataclass
class SearchIndex:
    """Every named entity of the graph."""

    entries: list[Entry] = field(default_factory=list)

    def search(self, q: str) -> list[Hit]:
        """The entities one of whose names contains ``q`` (folded), best first."""
        key = fold(q)
        if not key:
            return []
        hits = []
        for entry in self.entries:
            rank = 4
            matched = []
            for (text, lang), folded in zip(entry.labels, entry.folded, strict=True):
                if key not in folded:
                    continue
                matched.append((text, lang))
                if folded == key:
                    rank = min(rank, 0)
                elif folded.startswith(key):
                    rank = min(rank, 1)
                elif f" {key}" in f" {folded}":
                    rank = min(rank, 2)
                else:
                    rank = min(rank, 3)
            if matched:
                hits.append(Hit(entry, rank, tuple(matched)))
        hits.sort(key=lambda h: (h.rank, -h.entry.weight, fold(h.entry.name), h.entry.iri))
        return hits


def _rows(app: FastAPI, name: str) -> list[dict[str, object]]:
    options = QueryOptions(
        timeout=app.state.settings.query_timeout * 8, max_results=WHOLE_GRAPH_RESULTS
    )
    return app.state.store.select(page_queries()[name].bind(), options).rows  # type: ignore[no-any-return]


def read_index(app: FastAPI) -> SearchIndex:
    """Build the index from the graph (and the map layer's partnership counts)."""
    labels: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in _rows(app, "search_names"):
        label = row["label"]
        labels[row["entity"].value].append((label.value, getattr(label, "language", None) or ""))  # type: ignore[attr-defined]
    types: dict[str, list[str]] = defaultdict(list)
    for row in _rows(app, "search_types"):
        iri = row["entity"].value  # type: ignore[attr-defined]
        if iri in labels:
            types[iri].append(row["type"].value)  # type: ignore[attr-defined]
    lay = layer(app)
    weight: Counter[str] = Counter()
    country: dict[str, str] = {}
    for i, n in lay.degree().items():
        place = lay.places[i]
        weight[place.iri] = n
        country[place.iri] = place.country_label
    index = SearchIndex()
    for iri, found in labels.items():
        unique = list(dict.fromkeys(found))
        by_lang = {lang: text for text, lang in reversed(unique)}
        name = by_lang.get("en") or by_lang.get("id") or by_lang.get("") or unique[0][0]
        index.entries.append(
            Entry(
                iri,
                name,
                unique,
                [fold(text) for text, _lang in unique],
                types[iri],
                kind_of(iri) or "other",
                country.get(iri, ""),
                weight[iri],
            )
        )
    return index


def search_index(app: FastAPI) -> SearchIndex:
    """The index of the current data version (or the last one while it is read)."""
    holder = getattr(app.state, "search_index", None)
    if holder is None:
        holder = app.state.search_index = Refreshing("search-index", lambda: read_index(app))
    return holder.get(data_version(app.state.store))  # type: ignore[no-any-return]
