"""The readable overview at the top of entity pages: a place's partners, officials and
agreements; an agreement's parties, signatories and which source says what; a person's posts
and signatures; a sector's partnerships.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI
from rdflib import URIRef

from citypact.publishing.html_pages import Site, esc
from citypact.web.page_layout import (
    Row,
    bullet_list,
    human_date,
    link,
    row_link,
    section,
    table,
    text,
    time_tag,
    value,
)
from citypact.web.page_queries import kind_of, rows, slug_of, today, unique, vocab_label, wkt_point
from citypact.web.timeline import timeline_list
from citypact.web.world_map import MapLine, MapPoint, render_svg


def entity_sections(app: FastAPI, site: Site, iri: str) -> str:
    """The overview shown first on the page of a city, region, agreement, person or sector.

    Runs in a worker thread (it queries the store); "" for other kinds of entity.
    """
    kind = kind_of(iri)
    builders: dict[str, Callable[[FastAPI, Site, str], str]] = {
        "city": place_sections,
        "region": place_sections,
        "agreement": agreement_sections,
        "person": person_sections,
        "sector": sector_sections,
    }
    build = builders.get(kind or "")
    return build(app, site, iri) if build else ""


def _place_map(
    app: FastAPI, site: Site, iri: str, partners: Sequence[Row], name: str
) -> tuple[str, int]:
    places = [URIRef(iri)] + [
        URIRef(p) for p in unique([value(r, "partner") or "" for r in partners])
    ]
    coords: dict[str, MapPoint] = {}
    for r in rows(app, "places", place=places):
        at = wkt_point(value(r, "wkt"))
        place = value(r, "place") or ""
        if at is not None and place not in coords:
            coords[place] = MapPoint(
                at[0], at[1], value(r, "label") or slug_of(place), site.href(place)
            )
    if iri not in coords:
        return "", 0
    lines = []
    for r in partners:
        partner = value(r, "partner") or ""
        if partner in coords:
            partnership = value(r, "partnership") or ""
            lines.append(
                MapLine(
                    coords[iri],
                    coords[partner],
                    f"{name} – {coords[partner].label}",
                    site.href(partnership),
                    slug_of(partnership),
                )
            )
    title = f"{name} and its partners"
    return render_svg(lines, list(coords.values()), title), len(lines)


def place_sections(app: FastAPI, site: Site, iri: str) -> str:
    """A city or region: partners (all, and by sector), officials, agreements in time, a map."""
    place = URIRef(iri)
    names = rows(app, "places", place=place)
    name = (value(names[0], "label") if names else None) or slug_of(iri)
    partners = rows(app, "city_partners", city=place)
    by_sector = rows(app, "partners_by_sector", city=place)
    agreements = rows(app, "city_agreements_by_year", city=place)
    officials = rows(app, "place_officials", place=place, date=today())
    out = []
    if officials:
        out.append(
            section(
                "officials",
                "Current officials",
                bullet_list(
                    f"{row_link(site, r, 'person', 'personLabel')}, "
                    f"{row_link(site, r, 'post', 'postLabel')}"
                    + (
                        f' <span class="meta">since {esc(human_date(value(r, "start")))}</span>'
                        if value(r, "start")
                        else ""
                    )
                    for r in officials
                ),
            )
        )
    if partners:
        partner_rows = []
        for r in partners:
            kind = value(r, "partnershipType")
            since = value(r, "firstAgreementYear") or value(r, "startYear") or ""
            attested = value(r, "attestedOn")
            if not since and attested:
                since = f"in force by {human_date(attested)}"
            partner_rows.append(
                [
                    row_link(site, r, "partner", "partnerLabel"),
                    link(site, value(r, "partnership"), vocab_label(kind) if kind else None),
                    esc(since),
                    esc(value(r, "agreements") or "0"),
                ]
            )
        figure, drawn = _place_map(app, site, iri, partners, name)
        if figure:
            figure = (
                f'<figure class="map">{figure}<figcaption>{esc(name)} and the {drawn} of its '
                f"{len(partners)} partners whose coordinates the graph holds.</figcaption></figure>"
            )
        out.append(
            section(
                "partners",
                f"Partners ({len(partners)})",
                table(["Partner", "Partnership", "Since", "Agreements"], partner_rows) + figure,
            )
        )
    if by_sector:
        groups: dict[tuple[str, str], list[str]] = {}
        for r in by_sector:
            key = (value(r, "sectorLabel") or slug_of(value(r, "sector")), value(r, "sector") or "")
            groups.setdefault(key, []).append(
                f"{row_link(site, r, 'partner', 'partnerLabel')} "
                f'<span class="meta">({row_link(site, r, "agreement", "agreementLabel")}, '
                f"{time_tag(value(r, 'date'))})</span>"
            )
        parts = "".join(
            f"<h3>{link(site, sector, label)}</h3>" + bullet_list(unique(items))
            for (label, sector), items in sorted(groups.items())
        )
        out.append(section("by-sector", "Partners by sector", parts))
    slug = slug_of(iri)
    more = (
        f'<p><a href="/timeline/{esc(slug)}">Timeline of {esc(name)}</a> (partnerships and '
        f'agreements on a time axis) · <a href="/map?city={esc(slug)}">{esc(name)} on the map'
        "</a></p>"
    )
    if agreements:
        out.append(
            section(
                "timeline",
                f"Agreements in time order ({len(agreements)})",
                timeline_list(site, agreements) + more,
            )
        )
    else:
        out.append(more)
    return "".join(out)


def agreement_sections(app: FastAPI, site: Site, iri: str) -> str:
    """An agreement: date and place, parties, signatories, commitments, which source says what."""
    agreement = URIRef(iri)
    facts = rows(app, "agreement_facts", agreement=agreement)
    parties = rows(app, "agreement_parties", agreement=agreement)
    signatories = rows(app, "agreement_signatories", agreement=agreement)
    commitments = rows(app, "agreement_commitments", agreement=agreement)
    sources = rows(app, "agreement_source_disagreements", agreement=agreement)
    out = []
    if facts:
        first = facts[0]
        glance = [
            ("Date", time_tag(value(first, "date"))),
            ("Type", row_link(site, first, "type", "typeLabel") if value(first, "type") else ""),
            ("Signed in", row_link(site, first, "signedIn", "signedInLabel")),
            ("Venue", text(first, "venue")),
            (
                "Occasion",
                "; ".join(
                    unique(
                        [
                            row_link(site, r, "occasion", "occasionLabel")
                            for r in facts
                            if value(r, "occasion")
                        ]
                    )
                ),
            ),
            ("Partnership", row_link(site, first, "partnership", "partnershipLabel")),
            ("Follows", row_link(site, first, "follows", "followsLabel")),
        ]
        items = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in glance if v)
        out.append(section("glance", "At a glance", f'<dl class="facts">{items}</dl>'))
    if parties:
        out.append(
            section(
                "parties",
                "Parties",
                bullet_list(
                    unique(
                        [
                            row_link(site, r, "party", "partyLabel")
                            + (
                                f" ({row_link(site, r, 'place', 'placeLabel')})"
                                if value(r, "place")
                                else ""
                            )
                            for r in parties
                        ]
                    )
                ),
            )
        )
    if signatories:
        out.append(
            section(
                "signatories",
                "Signatories",
                table(
                    ["Signatory", "Post", "For"],
                    [
                        [
                            row_link(site, r, "signatory", "signatoryLabel"),
                            row_link(site, r, "post", "postLabel"),
                            row_link(site, r, "party", "partyLabel"),
                        ]
                        for r in signatories
                    ],
                ),
            )
        )
    if commitments:
        by_sector: dict[str, dict[str, Any]] = {}
        for r in commitments:
            entry = by_sector.setdefault(
                value(r, "commitment") or "",
                {"row": r, "words": []},
            )
            if value(r, "statedAs"):
                entry["words"].append(text(r, "statedAs"))
        out.append(
            section(
                "commitments",
                f"Commitments by sector ({len(by_sector)})",
                table(
                    ["Sector", "Status", "As the sources word it"],
                    [
                        [
                            row_link(site, e["row"], "sector", "sectorLabel"),
                            link(
                                site,
                                value(e["row"], "commitment"),
                                value(e["row"], "statusLabel") or "commitment",
                            ),
                            "; ".join(unique(e["words"])),
                        ]
                        for e in by_sector.values()
                    ],
                ),
            )
        )
    if sources:
        sides = {value(r, "party") or "": value(r, "partyLabel") or "" for r in parties}
        out.append(_source_section(site, sources, sides))
    return "".join(out)


def _source_section(site: Site, found: Sequence[Row], sides: dict[str, str]) -> str:
    """Which source states which sector; contested sectors show both sides.

    ``sides`` names the parties, whose account a source gives (cp:accountOf).
    """
    sectors: dict[str, dict[str, Any]] = {}
    for r in found:
        sector = value(r, "sector") or ""
        entry = sectors.setdefault(sector, {"row": r, "yes": [], "no": [], "contested": False})
        source = row_link(site, r, "source", "sourceLabel")
        account = value(r, "accountOf")
        if account:
            side = sides.get(account) or slug_of(account)
            source += f' <span class="meta">({esc(side)}\u2019s account)</span>'
        entry["yes" if value(r, "states") in ("true", "1") else "no"].append(source)
        entry["contested"] = entry["contested"] or value(r, "contested") in ("true", "1")
    contested = [e for e in sectors.values() if e["contested"]]
    note = (
        f'<p class="notice">The sources disagree on {len(contested)} '
        f"sector{'s' if len(contested) != 1 else ''}: "
        + ", ".join(esc(value(e["row"], "sectorLabel") or "") for e in contested)
        + ". Both readings are shown.</p>"
        if contested
        else "<p>Every source that lists sectors lists the same ones.</p>"
    )
    every = len(unique([value(r, "source") or "" for r in found]))
    body = []
    for entry in sorted(sectors.values(), key=lambda e: value(e["row"], "sectorLabel") or ""):
        sector = row_link(site, entry["row"], "sector", "sectorLabel")
        if entry["contested"]:
            body.append(
                f'<tr class="contested"><th scope="row">{sector} '
                '<span class="meta">(sources disagree)</span></th>'
                f'<td><span class="yes">Stated by</span>{bullet_list(unique(entry["yes"]))}</td>'
                f'<td><span class="no">Left out by</span>{bullet_list(unique(entry["no"]))}</td>'
                "</tr>"
            )
        else:
            body.append(
                f'<tr><th scope="row">{sector}</th><td>all {every} sources</td><td>none</td></tr>'
            )
    grid = (
        '<div class="scroll"><table><thead><tr><th scope="col">Sector</th>'
        '<th scope="col">Sources stating it</th><th scope="col">Sources leaving it out</th>'
        f"</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )
    return section("which-source", "Which source says what", note + grid)


def person_sections(app: FastAPI, site: Site, iri: str) -> str:
    """A person: posts and tenures, agreements signed, quotations with their sources."""
    person = URIRef(iri)
    tenures = rows(app, "person_tenures", person=person)
    signed = rows(app, "person_signatures", person=person)
    quotes = rows(app, "person_quotations", person=person)
    out = []
    if tenures:

        def start(r: Row) -> str:
            if value(r, "start"):
                return time_tag(value(r, "start"))
            if value(r, "startYear"):
                return esc(value(r, "startYear"))
            if value(r, "attestedOn"):
                return "in office on " + time_tag(value(r, "attestedOn"))
            return "unknown"

        def end(r: Row) -> str:
            if value(r, "end"):
                return time_tag(value(r, "end"))
            if value(r, "endYear"):
                return esc(value(r, "endYear"))
            return "present" if value(r, "start") or value(r, "startYear") else ""

        ordered = sorted(
            tenures,
            key=lambda r: (
                value(r, "start") or value(r, "startYear") or value(r, "attestedOn") or ""
            ),
            reverse=True,
        )
        out.append(
            section(
                "posts",
                "Posts and tenures",
                table(
                    ["Post", "In", "From", "To", "Tenure"],
                    [
                        [
                            row_link(site, r, "post", "postLabel"),
                            row_link(site, r, "organization", "organizationLabel"),
                            start(r),
                            end(r),
                            link(site, value(r, "tenure"), "details"),
                        ]
                        for r in ordered
                    ],
                ),
            )
        )
    if signed:
        out.append(
            section(
                "signed",
                f"Agreements signed ({len(signed)})",
                '<ol class="timeline">'
                + "".join(
                    f"<li>{time_tag(value(r, 'date'))}"
                    f"{row_link(site, r, 'agreement', 'agreementLabel')}"
                    f'<br><span class="meta">as {row_link(site, r, "post", "postLabel")}, for '
                    f"{row_link(site, r, 'party', 'partyLabel')}</span></li>"
                    for r in signed
                )
                + "</ol>",
            )
        )
    if quotes:
        grouped: dict[str, dict[str, Any]] = {}
        for r in quotes:
            entry = grouped.setdefault(value(r, "quotation") or "", {"row": r, "sources": []})
            if value(r, "source"):
                source = row_link(site, r, "source", "sourceLabel")
                url = value(r, "url")
                if url:
                    source += f' <a class="iri" href="{esc(url)}">{esc(url)}</a>'
                entry["sources"].append(source)
        items = []
        for quotation, entry in grouped.items():
            r = entry["row"]
            about = value(r, "about")
            items.append(
                f"<figure><blockquote>{text(r, 'text')}</blockquote><figcaption>"
                + (time_tag(value(r, "spokenOn")) + ", " if value(r, "spokenOn") else "")
                + (f"about {row_link(site, r, 'about', 'aboutLabel')}. " if about else "")
                + f"Quoted in: {', '.join(unique(entry['sources'])) or 'no source given'}. "
                + f'<span class="meta">{link(site, quotation, "quotation")}</span>'
                + "</figcaption></figure>"
            )
        out.append(section("quotations", f"Quotations ({len(grouped)})", "".join(items)))
    return "".join(out)


def sector_sections(app: FastAPI, site: Site, iri: str) -> str:
    """A sector: the partnerships whose agreements commit to it."""
    found = rows(app, "sector_partnerships", sector=URIRef(iri))
    if not found:
        return section(
            "partnerships",
            "Partnerships cooperating on this sector",
            "<p>No agreement in the graph commits to this sector yet.</p>",
        )
    groups: dict[str, dict[str, Any]] = {}
    for r in found:
        key = value(r, "partnership") or value(r, "agreement") or ""
        entry = groups.setdefault(key, {"row": r, "places": [], "agreements": []})
        if value(r, "place"):
            entry["places"].append(row_link(site, r, "place", "placeLabel"))
        entry["agreements"].append(
            f"{time_tag(value(r, 'date'))} {row_link(site, r, 'agreement', 'agreementLabel')}"
            + (
                f' <span class="meta">({esc(value(r, "statusLabel"))})</span>'
                if value(r, "statusLabel")
                else ""
            )
        )
    table_rows = [
        [
            row_link(site, e["row"], "partnership", "partnershipLabel")
            if value(e["row"], "partnership")
            else "(no partnership)",
            " – ".join(unique(e["places"])),
            bullet_list(unique(e["agreements"])),
        ]
        for e in groups.values()
    ]
    slug = slug_of(iri)
    return section(
        "partnerships",
        f"Partnerships cooperating on this sector ({len(groups)})",
        table(["Partnership", "Places", "Agreements"], table_rows)
        + f'<p><a href="/map?{esc(urlencode({"sector": slug}))}">See them on the map</a></p>',
    )
