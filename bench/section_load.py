"""a. Load: CityPact's bulk load of the generated file into a fresh embedded store, against
rdflib's Graph.parse of the same file."""

from __future__ import annotations

import shutil

import pyoxigraph as ox
from common import Figure, Section, measure, ratio, times_text
from context import Context
from rdflib import Graph

from citypact import rdf_io
from citypact.store.embedded import EmbeddedStore
from citypact.store.port import DATA_GRAPH

TARGET = 10.0


def run(ctx: Context, section: Section) -> None:
    """Time both loaders; keep the last rdflib graph for the query section."""
    cfg, dataset = ctx.cfg, ctx.ensure_dataset()
    fresh = cfg.workdir / "store-load-test"

    def bulk_load() -> None:
        shutil.rmtree(fresh, ignore_errors=True)
        store = EmbeddedStore(fresh)
        try:
            store.load_file(dataset.path, graph=DATA_GRAPH)
        finally:
            store.close()

    ours = section.add(
        measure(
            "CityPact bulk load (EmbeddedStore.load_file, fresh store)",
            bulk_load,
            cfg.slow_reps,
            note=f"{dataset.triples:,} triples into the data graph (RocksDB)",
            collect=True,
        )
    )
    shutil.rmtree(fresh, ignore_errors=True)
    print(f"   citypact bulk load: {ours.cell()}", flush=True)
    # Where the time goes: the same bulk loader into memory, and Oxigraph's parser alone. The
    # difference to the row above is RocksDB writing and ingesting its files.
    fmt = rdf_io.format_for_path(dataset.path).oxigraph
    section.add(
        measure(
            "pyoxigraph bulk_load into an in-memory store",
            lambda: ox.Store().bulk_load(path=str(dataset.path), format=fmt),
            cfg.slow_reps,
            note="no disk: the loader's own speed",
            collect=True,
        )
    )
    section.add(
        measure(
            "pyoxigraph parse only (no store)",
            lambda: sum(1 for _ in ox.parse(path=str(dataset.path), format=fmt)),
            cfg.slow_reps,
            collect=True,
        )
    )

    ctx.ensure_store()
    assert ctx.cli_load_seconds is not None
    section.add(
        Figure(
            "`citypact load --data-dir DIR FILE` (end to end)",
            [ctx.cli_load_seconds],
            note="new process; loads the bundled ontology and data first",
        )
    )

    parsed: list[Graph] = []

    def rdflib_parse() -> None:
        parsed.clear()
        graph = Graph()
        graph.parse(dataset.path)
        parsed.append(graph)

    theirs = section.add(measure("rdflib Graph.parse", rdflib_parse, cfg.slow_reps, collect=True))
    print(f"   rdflib parse: {theirs.cell()}", flush=True)
    ctx.ensure_graph(parsed[0])
    value, bound = ratio(theirs, ours)
    ctx.results.target(
        f"a. bulk load ≥ {TARGET:g}× faster than rdflib Graph.parse",
        times_text(value, bound, ours, theirs),
        None if value is None else value >= TARGET,
    )
