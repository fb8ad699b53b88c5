"""A place's history in time: its partnerships as bars from their first known year, its
agreements as marks on a time axis (drawn on the server as SVG, every mark a link with a
tooltip), and the agreements in date order (the place page's timeline section and
``/timeline/{slug}``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

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


AXIS_WIDTH, ROW = 720, 18


def _year(raw: str | None) -> int | None:
    return int(raw[:4]) if raw and raw[:4].isdigit() else None


def timeline_axis(site: Site, name: str, partners: Sequence[Row], agreements: Sequence[Row]) -> str:
    """The time axis: a row per partnership (a bar from its first known year to now, a mark per
    agreement), years across; "" when nothing is dated."""
    now = date.today().year
    bars: list[tuple[int, str, str, str]] = []
    for r in partners:
        first = min(
            (
                y
                for y in (
                    _year(value(r, "firstAgreementYear")),
                    _year(value(r, "startYear")),
                    _year(value(r, "attestedOn")),
                )
                if y is not None
            ),
            default=None,
        )
        if first is not None:
            bars.append(
                (
                    first,
                    value(r, "partnerLabel") or slug_of(value(r, "partner")),
                    value(r, "partnership") or "",
                    value(r, "partner") or "",
                )
            )
    marks = [(d, r) for r in agreements if (d := _year(value(r, "date"))) is not None]
    years = [b[0] for b in bars] + [m[0] for m in marks]
    if not years:
        return ""
    start = min(years) - (min(years) % 5)
    span = max(now - start, 5)
    bars.sort()
    rows_by_partner = {b[3]: i for i, b in enumerate(bars)}
    left, top = 150, 24
    height = top + ROW * max(len(bars), 1) + 24

    def x(year: float) -> float:
        return left + (year - start) / span * AXIS_WIDTH

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="time-axis" role="img" '
        f'viewBox="0 0 {left + AXIS_WIDTH + 20} {height}" aria-labelledby="axis-title">',
        f'<title id="axis-title">{esc(name)}: partnerships and agreements in time</title>',
        '<g font-size="11" font-family="system-ui,sans-serif" fill="#444">',
    ]
    step = 10 if span > 40 else 5
    for year in range(start, now + 1, step):
        out.append(
            f'<line x1="{x(year):.1f}" y1="{top - 6}" x2="{x(year):.1f}" y2="{height - 18}" '
            'stroke="#ddd"/>'
            f'<text x="{x(year):.1f}" y="{top - 10}" text-anchor="middle">{year}</text>'
        )
    for i, (first, partner, partnership, _iri) in enumerate(bars):
        y = top + i * ROW
        out.append(
            f'<text x="{left - 6}" y="{y + 12}" text-anchor="end">{esc(partner[:24])}</text>'
            f'<a href="{esc(site.href(partnership))}"><rect x="{x(first):.1f}" y="{y + 4}" '
            f'width="{max(x(now) - x(first), 2):.1f}" height="9" fill="#c9d7f2">'
            f"<title>{esc(name)} – {esc(partner)}: since {first}</title></rect></a>"
        )
    for year, r in marks:
        row = rows_by_partner.get(value(r, "partner") or "")
        cy = top + (row if row is not None else 0) * ROW + 8.5
        label = value(r, "agreementLabel") or slug_of(value(r, "agreement"))
        out.append(
            f'<a href="{esc(site.href(value(r, "agreement") or ""))}"><circle cx="{x(year):.1f}" '
            f'cy="{cy:.1f}" r="4.5" fill="#b3261e"><title>{esc(label)} '
            f"({esc(value(r, 'date') or '')})</title></circle></a>"
        )
    out.append("</g></svg>")
    return "".join(out)


def build_timeline(app: FastAPI, site: Site, iri: str) -> str | None:
    """The timeline page's body, or None when the graph does not know the place."""
    place = URIRef(iri)
    names = rows(app, "places", place=place)
    if not names:
        return None
    name = value(names[0], "label") or slug_of(iri)
    agreements = rows(app, "city_agreements_by_year", city=place)
    partners = rows(app, "city_partners", city=place)
    axis = timeline_axis(site, name, partners, agreements)
    listing = timeline_list(site, agreements) or "<p>The graph holds no agreement of it yet.</p>"
    return (
        f"<h1>Timeline of {esc(name)}</h1>"
        f"<p>The partnerships of {link(site, iri, name)} from the first year a source gives for "
        "each, and its agreements with them (red marks; each a link).</p>"
        + (f'<figure class="timeline-axis">{axis}</figure>' if axis else "")
        + "<h2>Agreements, oldest first</h2>"
        + listing
    )
