"""One bulk import from the pinned raw inputs: read, reconcile, emit, validate, write.

:func:`build` reconciles against a store's state (the bundled curated graph for the files the
repository ships, or a live store) and returns the quads by named graph with the report.
:func:`write_files` writes them as one canonical, gzipped N-Quads file per graph (byte-identical
on every run from the same inputs); :func:`add_to_store` adds them to a store in one
transaction, only what the store lacks (so a second run changes nothing).
"""

from __future__ import annotations

import gzip
import io
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from citypact import rdf_io, resources
from citypact.curation.bulk.emit import Emitter, SourceInfo, nquads, read_sources
from citypact.curation.bulk.geonames import GeoNames
from citypact.curation.bulk.lists import (
    read_dr5hn,
    read_natural_earth,
    read_wikidata_twinning,
    read_wikipedia_lists,
)
from citypact.curation.bulk.reconcile import Reconciled, Reconciler
from citypact.curation.bulk.report import Figures, figures_of
from citypact.curation.bulk.store_state import StoreState
from citypact.store.port import DATA_GRAPH, ONTOLOGY_GRAPH, QueryOptions, Store
from citypact.validation.validator import ValidationReport, Validator

RAW_FILES = {
    "wikipedia": (
        "wikipedia-twin-cities/twin_cities_raw.csv",
        "wikipedia-twin-cities/twin_cities.csv",
    ),
    "wikidata": ("wikidata-p190/relations.tsv", "wikidata-p190/names.tsv"),
    "natural-earth": ("natural-earth-populated-places/ne_10m_populated_places.7z",),
    "dr5hn": ("dr5hn-cities/cities.json.gz",),
}


@dataclass
class Build:
    """The quads of an import by named graph, with what was decided and how long it took."""

    graphs: dict[str, list[ox.Quad]]
    result: Reconciled
    figures: Figures
    sources: dict[str, SourceInfo]
    seconds: dict[str, float] = field(default_factory=dict)
    validation: ValidationReport | None = None


def build(raw: Path, state: StoreState, geonames: GeoNames | None = None) -> Build:
    """Reconcile the raw inputs below ``raw`` against ``state`` and emit the quads."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        seconds[name] = round(now - started, 2)
        started = now

    gn = geonames or GeoNames.bundled()
    lap("GeoNames index")
    wp_raw, wp_geo = (raw / p for p in RAW_FILES["wikipedia"])
    wd_rel, wd_names = (raw / p for p in RAW_FILES["wikidata"])
    lists = read_wikipedia_lists(wp_raw, wp_geo)
    twinning = read_wikidata_twinning(wd_rel, wd_names)
    natural_earth = read_natural_earth(raw / RAW_FILES["natural-earth"][0])
    dr5hn = read_dr5hn(raw / RAW_FILES["dr5hn"][0])
    lap("reading the inputs")
    reconciler = Reconciler(gn, state.places)
    reconciler.add_wikipedia(lists, _relative(wp_raw, raw))
    reconciler.add_wikidata(twinning, _relative(wd_rel, raw))
    reconciler.locate_items(natural_earth, dr5hn)
    reconciler.match_existing()
    ties = reconciler.out.ties()
    lap("reconciling")
    sources = read_sources(raw)
    emitter = Emitter(reconciler.out, ties, state, sources)
    graphs = emitter.emit()
    lap("emitting")
    figures = figures_of(reconciler.out, ties, emitter, lists.rows, twinning.rows)
    return Build(graphs, reconciler.out, figures, sources, seconds)


def _relative(path: Path, raw: Path) -> str:
    return f"data/raw/{path.relative_to(raw)}" if path.is_relative_to(raw) else str(path)


def validate_with_bundled(
    graphs: dict[str, list[ox.Quad]], validator: Validator
) -> ValidationReport:
    """Validate the bundled curated graph and the import together, as ``make run`` serves them."""
    store = ox.Store()
    for path in resources.ontology_files():
        store.extend(rdf_io.read_file(path))
    store.extend(
        ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(ONTOLOGY_GRAPH))
        for q in list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    )
    for path in resources.data_files():
        store.extend(
            ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(DATA_GRAPH))
            for q in rdf_io.read_file(path)
        )
    for quads in graphs.values():
        store.extend(quads)
    return validator.validate_store(store, union=True)


def write_files(graphs: dict[str, list[ox.Quad]], out: Path) -> list[Path]:
    """One ``{key}.nq.gz`` per graph, canonical order, gzip without a timestamp."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for graph, quads in sorted(graphs.items()):
        path = out / f"{graph.rsplit('/', 1)[-1]}.nq.gz"
        buffer = io.BytesIO()
        with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as packed:
            packed.write(nquads(quads).encode("utf-8"))
        path.write_bytes(buffer.getvalue())
        written.append(path)
    return written


def add_to_store(store: Store, graphs: dict[str, list[ox.Quad]]) -> int:
    """Add, in one transaction, the quads the store does not hold yet; returns how many."""
    missing: list[ox.Quad] = []
    for graph, quads in graphs.items():
        held = _graph_quads(store, graph)
        missing += [q for q in quads if q not in held]
    if missing:
        store.add_quads(missing)
    return len(missing)


def _graph_quads(store: Store, graph: str) -> set[ox.Quad]:
    text = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    rows = store.select(text, QueryOptions.whole_graph()).rows
    name = ox.NamedNode(graph)
    return {ox.Quad(r["s"], r["p"], r["o"], name) for r in rows}  # type: ignore[arg-type]
