"""b. Queries: every named query, bound with realistic parameters, on the embedded pyoxigraph
store against rdflib's in-memory SPARQL engine on the same graph."""

from __future__ import annotations

import time
from collections.abc import Callable

from common import Figure, Section, markdown_table, measure, ratio, times_text
from context import Context
from rdflib import Dataset, Graph
from workload import BoundQuery, bound_queries

from citypact.store.port import QueryOptions, SelectResult, Store

TARGET = 20.0
PARTNERS_LIMIT = 0.050
MAX_REPS = 30


def count(result: object) -> int:
    """Rows (or triples) in an answer of either engine."""
    if isinstance(result, SelectResult):
        return len(result.rows)
    if isinstance(result, bool):
        return 1
    if hasattr(result, "triples"):
        return len(result.triples)
    return len(list(result))  # type: ignore[call-overload]


def time_store(store: Store, query: BoundQuery, min_reps: int, budget: float) -> tuple[Figure, int]:
    """Time a query on the store: one warm-up run, then enough runs to fill ``budget`` seconds
    (at least ``min_reps``, at most MAX_REPS)."""
    options = QueryOptions(timeout=300, max_results=10_000_000)
    started = time.perf_counter()
    rows = count(store.query(query.text, options))
    first = time.perf_counter() - started
    reps = max(min_reps, min(MAX_REPS, int(budget / max(first, 1e-4))))
    figure = measure(f"pyoxigraph: {query.name}", lambda: store.query(query.text, options), reps)
    return figure, rows


def time_rdflib(
    graph: Graph, query: BoundQuery, reps: int, limit: float, budget: float
) -> tuple[Figure, int]:
    """Time a query on rdflib, each run cut at ``limit`` s; a first run slower than ``budget``
    is not repeated. Queries naming graphs run on a Dataset view of the same store (union
    default graph, as in the embedded store)."""
    rows: list[int] = []
    target: Graph = graph
    if "GRAPH" in query.text:
        target = Dataset(store=graph.store, default_union=True)

    def once() -> None:
        rows.append(len(list(target.query(query.text))))

    first = measure(f"rdflib: {query.name}", once, 1, limit=limit)
    if first.capped_at is not None or (first.median or 0) > budget or reps <= 1:
        return first, rows[0] if rows else -1
    more = measure(f"rdflib: {query.name}", once, reps - 1, limit=limit)
    if more.capped_at is None:
        first.values += more.values
    return first, rows[0]


def guarded(func: Callable[[], tuple[Figure, int]], name: str) -> tuple[Figure, int, str]:
    """Run one engine's timing; an engine error becomes a note instead of ending the section."""
    try:
        figure, rows = func()
        return figure, rows, ""
    except Exception as err:  # noqa: BLE001 - an engine bug on one query must not stop the rest
        return Figure(name), -1, f"{type(err).__name__}: {err}"


def compare(ctx: Context, store: Store, graph: Graph, query: BoundQuery) -> tuple[str, ...]:
    """Time one query on both engines, record its targets, and return its table row."""
    cfg = ctx.cfg
    ours, ours_rows, ours_error = guarded(
        lambda: time_store(store, query, cfg.reps, cfg.query_budget), f"pyoxigraph: {query.name}"
    )
    theirs, their_rows, their_error = guarded(
        lambda: time_rdflib(graph, query, cfg.reps, cfg.rdflib_query_timeout, cfg.query_budget),
        f"rdflib: {query.name}",
    )
    value, bound = ratio(theirs, ours)
    if their_error or ours_error:
        same = "–"
    else:
        same = "same" if their_rows in (ours_rows, -1) else f"DIFFER: rdflib {their_rows}"
    print(f"   {query.name}: {ours.cell()} vs {theirs.cell()}", flush=True)
    measured = times_text(value, bound, ours, theirs)
    if their_error or ours_error:
        measured = f"not comparable: {(ours_error or their_error)[:120]}"
    ctx.results.target(
        f"b. {query.name}: pyoxigraph ≥ {TARGET:g}× faster than rdflib",
        measured,
        None if value is None else value >= TARGET,
    )
    if query.name == "partners_by_sector":
        ctx.results.target(
            f"b. partners_by_sector < {PARTNERS_LIMIT * 1000:.0f} ms at the store",
            f"{ours.cell()} ({ours_rows} rows)",
            None if ours.median is None else ours.median < PARTNERS_LIMIT and ours_rows > 0,
        )
    return (
        query.name,
        query.bindings,
        f"{ours_rows} ({same})",
        ours_error or f"{ours.cell()} [{ours.spread()}; n={ours.runs()}]",
        their_error[:160] or f"{theirs.cell()} [{theirs.spread()}; n={theirs.runs()}]",
        "–" if value is None else f"{'≥ ' if bound else ''}{value:.0f}×",
    )


def run(ctx: Context, section: Section) -> None:
    """Both engines on every query; a table of medians, spreads, rows and ratios."""
    params = ctx.ensure_params()
    graph = ctx.ensure_graph()
    store = ctx.open_store()
    rows_table = []
    try:
        for query in bound_queries(params):
            rows_table.append(compare(ctx, store, graph, query))
    finally:
        store.close()
        section.tables.append(
            markdown_table(
                [
                    "query",
                    "parameters",
                    "rows (rdflib)",
                    "pyoxigraph [spread; runs]",
                    "rdflib [spread; runs]",
                    "ratio",
                ],
                rows_table,
            )
        )
    section.notes.append(
        "Both engines see the same triples: the bundled ontology and data plus the generated "
        "file (the store queries the union of its named graphs). rdflib runs are cut at "
        f"{ctx.cfg.rdflib_query_timeout:g} s; a slow first rdflib run is not repeated; times "
        "include parsing the query text."
    )
