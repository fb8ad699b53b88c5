"""The home page: what the graph holds, the latest agreements, where to explore, and the
example questions.
"""

from __future__ import annotations

from fastapi import FastAPI

from citypact.publishing.html_pages import Site, esc
from citypact.web.page_layout import (
    bullet_list,
    link,
    row_link,
    search_form,
    section,
    time_tag,
    value,
)
from citypact.web.page_queries import rows
from citypact.web.questions import examples_section


def build_home(app: FastAPI, site: Site) -> str:
    """The home page's body."""
    counts = rows(app, "class_counts")
    count_items = "".join(
        f"<li><strong>{esc(value(r, 'count'))}</strong> "
        f"{link(site, value(r, 'class'), value(r, 'classLabel'))}</li>"
        for r in counts
    )
    latest = rows(app, "latest_agreements")
    latest_items = "".join(
        f"<li>{time_tag(value(r, 'date'))} {row_link(site, r, 'agreement', 'label')}"
        f' <span class="meta">{esc(value(r, "typeLabel") or "")}'
        f"{' · ' + esc(value(r, 'places')) if value(r, 'places') else ''}</span></li>"
        for r in latest
    )
    explore = bullet_list(
        [
            '<a href="/map">Map of partnerships</a>, by sector and year',
            '<a href="/id/city/jakarta">Jakarta</a> and '
            '<a href="/id/city/kuala-lumpur">Kuala Lumpur</a>: partners, agreements, officials',
            '<a href="/id/sector">Sectors of cooperation</a> and '
            '<a href="/id/challenge">shared challenges</a>',
            '<a href="/sparql">SPARQL editor</a> and <a href="/docs">REST API</a> '
            '(<a href="/api/cities">cities</a>, <a href="/api/agreements">agreements</a>, '
            '<a href="/api/sectors">sectors</a>)',
            '<a href="/dataset">About the dataset</a> (VoID and DCAT), '
            '<a href="/ontology">the ontology</a>, <a href="/dumps/">downloads</a>',
        ]
    )
    return (
        "<h1>CityPact</h1>"
        "<p>An open linked-data knowledge graph of city diplomacy: cities, the officials who act "
        "for them, the agreements they sign and the commitments in those agreements. Every fact "
        "cites its source; where sources disagree, both are kept.</p>"
        + search_form()
        + section("holds", "What the graph holds", f'<ul class="counts">{count_items}</ul>')
        + section(
            "latest",
            "Latest agreements",
            f'<ol class="timeline">{latest_items}</ol>' if latest_items else "<p>None yet.</p>",
        )
        + section("explore", "Explore", explore)
        + examples_section(app)
    )
