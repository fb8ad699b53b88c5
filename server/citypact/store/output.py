"""Printing query answers on a terminal: a table, CSV, TSV or SPARQL JSON."""

from __future__ import annotations

import pyoxigraph as ox

from citypact.store.port import AskResult, GraphResult, QueryResult, SelectResult
from citypact.store.results import serialize_graph, serialize_results

_MEDIA = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "json": "application/sparql-results+json",
}


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal | ox.NamedNode | ox.BlankNode):
        return term.value if not isinstance(term, ox.BlankNode) else f"_:{term.value}"
    return str(term)


def render_table(result: SelectResult, max_width: int = 60) -> str:
    """A plain-text table with one column per variable."""
    header = result.variables
    rows = [[_cell(row.get(v)) for v in header] for row in result.rows]
    clip = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in clip]) for i, h in enumerate(header)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in clip]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def render_result(result: QueryResult, output: str = "table") -> str:
    """Render any query answer; graphs always print as Turtle."""
    if isinstance(result, GraphResult):
        return serialize_graph(result, "text/turtle").decode()
    if output == "table":
        if isinstance(result, AskResult):
            return ("true" if result.value else "false") + "\n"
        return render_table(result)
    return serialize_results(result, _MEDIA[output]).decode()
