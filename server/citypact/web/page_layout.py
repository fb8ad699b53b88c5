"""The shared shell and building blocks of the researcher pages (home, search, map, the readable
sections of entity pages, the SPARQL editor).

The shell itself is :func:`citypact.publishing.html_pages.layout` (skip link, header with the site
navigation, ``main`` and ``footer`` landmarks); on the running server it also loads
``/static/site.css``. Everything here renders server-side HTML: no page needs JavaScript but the
SPARQL editor, which falls back to a plain form.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date as Date

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import HTMLResponse

from citypact.publishing.html_pages import Site, esc, layout
from citypact.publishing.linked_data import IriSpace
from citypact.store.port import Term

Row = dict[str, Term]

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def site_of(request: Request) -> Site:
    """The site a request is answered on (its base IRI decides which links stay local)."""
    return Site(IriSpace(request.app.state.settings.base_iri), dynamic=True)


def page(
    request: Request,
    title: str,
    body: str,
    *,
    status: int = 200,
    description: str | None = None,
    head: str = "",
) -> HTMLResponse:
    """A whole page in the site's layout."""
    html = layout(site_of(request), title, body, description=description, head=head)
    return HTMLResponse(html, status_code=status)


def value(row: Row, name: str) -> str | None:
    """The lexical value of a column, or None when unbound."""
    term = row.get(name)
    return term.value if term is not None else None


def lang_of(row: Row, name: str) -> str | None:
    """The language tag of a literal column, or None."""
    term = row.get(name)
    return term.language if isinstance(term, ox.Literal) and term.language else None


def text(row: Row, name: str) -> str:
    """A literal column as escaped HTML, marked with its language when it has one."""
    found = value(row, name)
    if found is None:
        return ""
    lang = lang_of(row, name)
    if lang:
        return f'<span lang="{esc(lang)}">{esc(found)}</span>'
    return esc(found)


def link(site: Site, iri: str | None, label: str | None = None) -> str:
    """A link to an entity's page (or to the IRI itself when this site does not serve it)."""
    if not iri:
        return esc(label or "")
    name = label or iri.rstrip("/").rsplit("/", 1)[-1]
    return f'<a href="{esc(site.href(iri))}">{esc(name)}</a>'


def row_link(site: Site, row: Row, iri: str, label: str) -> str:
    """A link built from two columns of a row: the IRI and its label."""
    return link(site, value(row, iri), value(row, label))


def human_date(raw: str | None) -> str:
    """``2025-08-11`` → ``11 August 2025`` (other values as they are)."""
    if not raw:
        return ""
    try:
        day = Date.fromisoformat(raw[:10])
    except ValueError:
        return raw
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def time_tag(raw: str | None) -> str:
    """A ``<time>`` element for a date (or a year), readable and machine-readable."""
    if not raw:
        return ""
    return f'<time datetime="{esc(raw[:10])}">{esc(human_date(raw))}</time>'


def section(ident: str, title: str, body: str, intro: str = "") -> str:
    """A titled section (a landmark-friendly ``section`` labelled by its heading)."""
    lead = f"<p>{intro}</p>" if intro else ""
    return (
        f'<section aria-labelledby="{esc(ident)}" class="overview">'
        f'<h2 id="{esc(ident)}">{esc(title)}</h2>{lead}{body}</section>'
    )


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], caption: str = "") -> str:
    """A table with column headers; cells are HTML already. The first cell heads its row."""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            (f'<th scope="row">{cell}</th>' if i == 0 else f"<td>{cell}</td>")
            for i, cell in enumerate(cells)
        )
        + "</tr>"
        for cells in rows
    )
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (
        f'<div class="scroll"><table>{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def bullet_list(items: Iterable[str], css: str = "") -> str:
    """An unordered list of HTML items (empty string when there are none)."""
    found = list(items)
    if not found:
        return ""
    cls = f' class="{esc(css)}"' if css else ""
    return f"<ul{cls}>" + "".join(f"<li>{item}</li>" for item in found) + "</ul>"


def search_form(query: str = "", ident: str = "q") -> str:
    """The label search: a GET form to /search."""
    return (
        f'<form role="search" class="search" method="get" action="/search">'
        f'<label for="{esc(ident)}">Search names in every language</label>'
        f'<span class="search-row"><input id="{esc(ident)}" name="q" type="search" '
        f'value="{esc(query)}" maxlength="200" required autocomplete="off" '
        f'aria-describedby="{esc(ident)}-help">'
        f'<button type="submit">Search</button></span>'
        f'<span id="{esc(ident)}-help" class="meta">Part of a name or alias in English, '
        "Indonesian or Malay, e.g. <i>banjir</i>, <i>kuala</i>, <i>Pramono</i>.</span>"
        "</form>"
    )
