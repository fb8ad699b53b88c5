"""The example questions: each named query asked about Jakarta and its 2025 letter of intent,
with its answer as a table (``/questions/{name}``) and in the SPARQL editor.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import FastAPI
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from citypact.namespaces import CP, ID
from citypact.publishing.html_pages import Site, esc
from citypact.store.queries import NamedQuery
from citypact.web.page_layout import Row, bullet_list, link, section, table, text, time_tag, value
from citypact.web.page_queries import run_select, slug_of, vocab_label

# Example parameter values where a query's header gives none (Jakarta and its 2025 letter).
DEFAULT_EXAMPLES: dict[str, Node] = {
    "city": URIRef(ID["city/jakarta"]),
    "place": URIRef(ID["city/jakarta"]),
    "agreement": URIRef(ID["agreement/jakarta-kuala-lumpur-loi-2025-08-11"]),
    "partnership": URIRef(ID["partnership/jakarta-kuala-lumpur"]),
    "sector": URIRef(ID["sector/flood-management"]),
    "date": Literal("2025-08-11", datatype=XSD.date),
}


# The REST API answering the same question as a named query, for the same example.
API_URLS = {
    "city_partners": "/api/cities/jakarta/partners",
    "partners_by_sector": "/api/cities/jakarta/partners?sector=flood-management",
    "agreements": "/api/agreements",
    "agreement_signatories": "/api/agreements/jakarta-kuala-lumpur-loi-2025-08-11",
    "agreement_sectors": "/api/agreements/jakarta-kuala-lumpur-loi-2025-08-11",
    "places": "/api/cities",
    "post_holders_on_date": "/api/officials?city=jakarta&date=2025-08-11",
    "sectors": "/api/sectors",
}


_EXAMPLE_IRI = re.compile(r"e\.g\.\s*<([^<>\s]+)>")


_EXAMPLE_DATE = re.compile(r'e\.g\.\s*"(\d{4}-\d{2}-\d{2})"\^\^xsd:date')


def example_bindings(query: NamedQuery) -> dict[str, Node] | None:
    """Example values for a query's parameters (from its header's "e.g.", else Jakarta's).

    Required parameters always get one (None when one cannot be found); optional ones only when
    the header names an entity of the graph, so that a filter does not empty the answer.
    """
    out: dict[str, Node] = {}
    for param in query.parameters:
        found: Node | None = None
        iri = _EXAMPLE_IRI.search(param.description)
        day = _EXAMPLE_DATE.search(param.description)
        if iri and (param.required or iri.group(1).startswith(str(ID))):
            found = URIRef(iri.group(1))
        elif day and param.required:
            found = Literal(day.group(1), datatype=XSD.date)
        elif param.required:
            found = DEFAULT_EXAMPLES.get(param.name)
        if found is None:
            if param.required:
                return None
            continue
        out[param.name] = found
    return out


def is_select(query: NamedQuery) -> bool:
    """Whether a named query is a SELECT (its answer is a table)."""
    body = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
    form = re.search(r"^\s*(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", body, re.MULTILINE | re.IGNORECASE)
    return form is not None and form.group(1).upper() == "SELECT"


def short_question(query: NamedQuery) -> str:
    """The question of a query, without the explanations that follow it."""
    head, mark, _ = query.question.partition("?")
    return head + mark


def example_text(query: NamedQuery) -> str:
    """A query's text with its example parameters bound (unbound ones stay ``UNDEF``)."""
    bindings = example_bindings(query)
    return query.bind(**bindings) if bindings is not None else query.text


def shown_value(term: Node) -> str:
    if isinstance(term, URIRef):
        return esc(slug_of(str(term)))
    return esc(str(term))


def examples_section(app: FastAPI) -> str:
    items = []
    for query in app.state.queries:
        bindings = example_bindings(query)
        if bindings is None or not is_select(query):
            continue
        where = ", ".join(f"{esc(k)} = {shown_value(v)}" for k, v in bindings.items())
        answers = [f'<a href="/questions/{esc(query.name)}">answer</a>']
        answers.append(f'<a href="/sparql?example={esc(query.name)}">open in the SPARQL editor</a>')
        if query.name in API_URLS:
            answers.append(f'<a href="{esc(API_URLS[query.name])}">REST API (JSON)</a>')
        items.append(
            f"<li><strong>{esc(short_question(query))}</strong>"
            + (f' <span class="meta">({where})</span>' if where else "")
            + f"<br>{' · '.join(answers)}</li>"
        )
    return section(
        "questions",
        "Example questions",
        f'<ul class="examples">{"".join(items)}</ul>',
        "Each question is a named SPARQL query of the project (<code>queries/*.rq</code>), asked "
        "here about Jakarta and its 2025 letter of intent with Kuala Lumpur.",
    )


def _cell(site: Site, result_row: Row, name: str, columns: Sequence[str]) -> str:
    term = result_row.get(name)
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        label_column = name + "Label"
        label = value(result_row, label_column) if label_column in columns else None
        if label is None and term.value.startswith(str(CP)):
            label = vocab_label(term.value)  # a term of the ontology: its label, not its name
        return link(site, term.value, label or slug_of(term.value))
    if isinstance(term, ox.Literal) and term.datatype.value.endswith("#date"):
        return time_tag(term.value)
    return text(result_row, name)


def build_question(
    app: FastAPI, site: Site, query: NamedQuery, given: tuple[tuple[str, Node], ...] = ()
) -> str:
    """The answer to one example question, as a table, with the query that asks it; ``given``
    replaces some of the example values (``/questions/{name}?city=kuala-lumpur``)."""
    bindings = {**(example_bindings(query) or {}), **dict(given)}
    result = run_select(app, query, **bindings)
    columns = result.variables
    shown = [c for c in columns if not (c.endswith("Label") and c[: -len("Label")] in columns)]
    body_rows = [[_cell(site, r, c, columns) for c in shown] for r in result.rows]
    where = bullet_list(f"<code>?{esc(k)}</code> = {shown_value(v)}" for k, v in bindings.items())
    answer = (
        table(shown, body_rows, f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}")
        if result.rows
        else "<p>No answer: the graph holds nothing that fits.</p>"
    )
    text_bound = query.bind(**bindings)
    return (
        f"<h1>{esc(query.question)}</h1>"
        + (f"<p>Asked with:</p>{where}" if where else "")
        + answer
        + f'<p><a href="/sparql?example={esc(query.name)}">Open this query in the SPARQL editor'
        f'</a> · <a href="/sparql?{esc(urlencode({"query": text_bound, "format": "json"}))}">'
        "SPARQL results (JSON)</a>"
        + (
            f' · <a href="{esc(API_URLS[query.name])}">REST API</a>'
            if query.name in API_URLS
            else ""
        )
        + "</p>"
        + section(
            "query",
            "The query",
            f'<pre class="scroll"><code>{esc(text_bound)}</code></pre>',
            f"<code>queries/{esc(query.name)}.rq</code>",
        )
    )
