"""A place's agreements in date order (its page's timeline section and ``/timeline/{slug}``)."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI
from rdflib import URIRef

from citypact.publishing.html_pages import Site, esc
from citypact.web.page_layout import Row, link, row_link, time_tag, value
from citypact.web.page_queries import rows, slug_of, vocab_label


def timeline_list(site: Site, agreements: Sequence[Row]) -> str:
    """A city's agreements as an ordered list by date."""
    items = []
    for r in agreements:
        doc = value(r, "documentType")
        signatories = value(r, "signatories")
        items.append(
            f"<li>{time_tag(value(r, 'date'))}"
            f"{row_link(site, r, 'agreement', 'agreementLabel')}"
            f'<br><span class="meta">{esc(vocab_label(doc)) if doc else ""} with '
            f"{row_link(site, r, 'partner', 'partnerLabel')}"
            + (f"; signed by {esc(signatories)}" if signatories else "")
            + "</span></li>"
        )
    return f'<ol class="timeline">{"".join(items)}</ol>' if items else ""


def build_timeline(app: FastAPI, site: Site, iri: str) -> str | None:
    """The timeline page's body, or None when the graph does not know the place."""
    place = URIRef(iri)
    names = rows(app, "places", place=place)
    if not names:
        return None
    name = value(names[0], "label") or slug_of(iri)
    agreements = rows(app, "city_agreements_by_year", city=place)
    listing = timeline_list(site, agreements) or "<p>The graph holds no agreement of it yet.</p>"
    return (
        f"<h1>Timeline of {esc(name)}</h1>"
        f"<p>The agreements of {link(site, iri, name)} with its partners, oldest first.</p>"
        + listing
    )
