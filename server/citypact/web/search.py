"""The label search page: ranked hits, a page at a time, filterable by kind."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlencode

from fastapi import FastAPI

from citypact.publishing.html_pages import Site, esc
from citypact.web.page_layout import bullet_list, link
from citypact.web.page_queries import unique, vocab_label
from citypact.web.search_index import fold, search_index

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


PAGE_SIZE = 50


def build_search(app: FastAPI, site: Site, q: str, kind: str = "", number: int = 1) -> str:
    """The search results: ranked (see :mod:`citypact.web.search_index`), a page at a time,
    with the count of each kind and a filter by kind."""
    hits = search_index(app).search(q)
    kinds = Counter(h.entry.kind for h in hits)
    shown = [h for h in hits if h.entry.kind == kind] if kind else hits
    if not hits:
        return f"<p>Nothing in the graph has a name containing “{esc(q)}”.</p>"
    pages = max(1, (len(shown) + PAGE_SIZE - 1) // PAGE_SIZE)
    number = min(max(number, 1), pages)
    first = (number - 1) * PAGE_SIZE
    order = [k for k in KIND_HEADINGS if k in kinds] + sorted(
        k for k in kinds if k not in KIND_HEADINGS
    )

    def href(**changes: object) -> str:
        values = {"q": q, "kind": kind, "page": number, **changes}
        return "/search?" + urlencode({k: v for k, v in values.items() if v not in ("", None, 1)})

    facets = " · ".join(
        (
            f"<strong>{esc(_heading(k))} ({kinds[k]:,})</strong>"
            if k == kind
            else f'<a href="{esc(href(kind=k, page=1))}">{esc(_heading(k))} ({kinds[k]:,})</a>'
        )
        for k in order
    )
    if kind:
        facets = f'<a href="{esc(href(kind="", page=1))}">All kinds ({len(hits):,})</a> · ' + facets
    items = []
    for hit in shown[first : first + PAGE_SIZE]:
        entry = hit.entry
        what = [_heading(entry.kind, singular=True)]
        types = unique([vocab_label(t) for t in entry.types])
        if types and entry.kind in ("other", "city", "region"):
            what = types[:3]
        if entry.country:
            what.append(entry.country)
        if entry.weight:
            what.append(f"{entry.weight:,} partnership{'s' if entry.weight != 1 else ''}")
        others = "; ".join(
            (
                f'<span lang="{esc(lang)}">{_mark(t, q)}</span> ({esc(lang)})'
                if lang
                else _mark(t, q)
            )
            for t, lang in hit.matched
            if t != entry.name
        )
        items.append(
            f"{link(site, entry.iri, entry.name)}"
            f' <span class="meta">{esc(" · ".join(what))}</span>'
            + (f'<br><span class="meta">Matched: {others}</span>' if others else "")
        )
    summary = (
        f"<p>{len(hits):,} {'entity matches' if len(hits) == 1 else 'entities match'} "
        f"“{esc(q)}”, exact names first, then by the number of partnerships. "
        f"Showing {first + 1:,}–{min(first + PAGE_SIZE, len(shown)):,} of {len(shown):,}.</p>"
    )
    nav = []
    if number > 1:
        nav.append(f'<a rel="prev" href="{esc(href(page=number - 1))}">Previous page</a>')
    if number < pages:
        nav.append(f'<a rel="next" href="{esc(href(page=number + 1))}">Next page</a>')
    return (
        summary
        + f'<p class="facets">{facets}</p>'
        + f'<div class="results" id="results">{bullet_list(items)}</div>'
        + (f'<p class="pager">{" · ".join(nav)}</p>' if nav else "")
    )


def _heading(kind: str, singular: bool = False) -> str:
    heading = KIND_HEADINGS.get(kind, "Terms of the ontology" if kind == "other" else kind)
    if singular:
        return SINGULAR.get(kind, heading)
    return heading


def _mark(text: str, q: str) -> str:
    """The text with the matched words marked (case and accents ignored)."""
    folded = fold(text)
    key = fold(q)
    at = folded.find(key)
    if at < 0 or len(folded) != len(text):
        return esc(text)
    return (
        esc(text[:at])
        + f"<mark>{esc(text[at : at + len(key)])}</mark>"
        + esc(text[at + len(key) :])
    )


SINGULAR = {
    "city": "city",
    "region": "region",
    "country": "country",
    "person": "person",
    "government": "local government",
    "organization": "organization",
    "post": "post",
    "sector": "sector",
    "challenge": "shared challenge",
    "partnership": "partnership",
    "agreement": "agreement",
    "commitment": "commitment",
    "signature": "signature",
    "tenure": "tenure",
    "event": "event",
    "quotation": "quotation",
    "claim": "claim",
    "source": "source",
    "geometry": "geometry",
}
