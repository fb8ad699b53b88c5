"""The label search: entities whose names contain the text, grouped by kind."""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox
from fastapi import FastAPI
from rdflib import Literal

from citypact.publishing.html_pages import Site, esc
from citypact.web.page_layout import bullet_list, link, value
from citypact.web.page_queries import kind_of, rows, unique, vocab_label

MAX_SEARCH = 200


# The order (and headings) of the kinds of search results.
KIND_HEADINGS = {
    "city": "Cities",
    "region": "Regions",
    "country": "Countries",
    "person": "People",
    "government": "Local governments",
    "organization": "Organizations",
    "post": "Posts",
    "sector": "Sectors",
    "challenge": "Shared challenges",
    "partnership": "Partnerships",
    "agreement": "Agreements",
    "commitment": "Commitments",
    "signature": "Signatures",
    "tenure": "Tenures",
    "event": "Events",
    "quotation": "Quotations",
    "claim": "Claims",
    "source": "Sources",
    "geometry": "Geometries",
}


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def build_search(app: FastAPI, site: Site, q: str) -> str:
    """The search results: entities whose names contain ``q``, grouped by kind."""
    found = rows(app, "search", q=Literal(q))
    entities: dict[str, dict[str, Any]] = {}
    for r in found:
        iri = value(r, "entity") or ""
        entry = entities.setdefault(
            iri, {"name": value(r, "name") or iri, "labels": {}, "types": []}
        )
        label = r.get("label")
        if isinstance(label, ox.Literal):
            entry["labels"].setdefault((label.value, label.language or ""), None)
        kind_iri = value(r, "type")
        if kind_iri:
            entry["types"].append(kind_iri)
    groups: dict[str, list[str]] = {}
    for iri, entry in entities.items():
        kind = kind_of(iri) or "other"
        matched = "; ".join(
            (f'<span lang="{esc(lang)}">{esc(t)}</span> ({esc(lang)})' if lang else esc(t))
            for t, lang in entry["labels"]
            if t != entry["name"]
        )
        types = ", ".join(unique([vocab_label(t) for t in entry["types"]]))
        groups.setdefault(kind, []).append(
            f"{link(site, iri, entry['name'])}"
            + (f' <span class="meta">{esc(types)}</span>' if types else "")
            + (f'<br><span class="meta">Matched: {matched}</span>' if matched else "")
        )
    order = list(KIND_HEADINGS) + sorted(k for k in groups if k not in KIND_HEADINGS)
    parts = []
    for kind in order:
        if kind in groups:
            heading = KIND_HEADINGS.get(kind, "Terms of the ontology" if kind == "other" else kind)
            parts.append(
                f"<h3>{esc(heading)} ({len(groups[kind])})</h3>"
                + bullet_list(sorted(groups[kind], key=lambda item: re.sub("<[^>]+>", "", item)))
            )
    summary = (
        f"<p>{len(entities)} {'entity matches' if len(entities) == 1 else 'entities match'} "
        f"“{esc(q)}”.</p>"
    )
    if not entities:
        summary = f"<p>Nothing in the graph has a name containing “{esc(q)}”.</p>"
    return summary + f'<div class="results" id="results">{"".join(parts)}</div>'
