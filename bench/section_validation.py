"""d. Validation: a 1,000-triple submission validated incrementally on the big store and on the
seed store, against pySHACL on the whole graph; then whole-graph validation by CityPact's
Validator (the shapes compiled to SPARQL), pySHACL and shacl-rust, checking that they report the
same violations."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from common import Deadline, Figure, Section, markdown_table, measure, ratio, time_limit, times_text
from context import Context
from rdflib import Graph
from rdflib.namespace import RDF, SH
from workload import (
    Anchor,
    build_submission,
    bundled_files,
    combined_turtle,
    find_anchor,
    generate_dataset,
    inject_violations,
    rdflib_graph,
    typical_anchor,
)

from citypact import rdf_io, resources
from citypact.store.backends import ensure_bundled_data
from citypact.store.embedded import EmbeddedStore
from citypact.store.port import DATA_GRAPH
from citypact.validation.incremental import IncrementalValidator
from citypact.validation.validator import ValidationReport, Validator

SEED_RATIO = 1.5
PYSHACL_RATIO = 20.0
FASTEST_RATIO = 2.0


@dataclass
class Outcome:
    """Violations one validator reported: focus nodes, and (focus, component) pairs."""

    seconds: float | None
    focus: set[str] = field(default_factory=set)
    components: dict[str, set[str]] = field(default_factory=dict)
    note: str = ""

    def text(self) -> str:
        """``3 violations on 2 nodes``, or why there is no answer."""
        if self.seconds is None:
            return self.note or "–"
        total = sum(len(v) for v in self.components.values())
        return f"{total} on {len(self.focus)} nodes"


def pyshacl_outcome(report: Graph) -> Outcome:
    """Violations in a pySHACL report graph."""
    outcome = Outcome(0.0)
    for node in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(node, SH.resultSeverity) != SH.Violation:
            continue
        focus = str(report.value(node, SH.focusNode))
        component = str(report.value(node, SH.sourceConstraintComponent)).rsplit("#", 1)[-1]
        outcome.focus.add(focus)
        outcome.components.setdefault(component, set()).add(focus)
    return outcome


def report_outcome(report: ValidationReport) -> Outcome:
    """Violations in a CityPact report."""
    outcome = Outcome(0.0)
    for result in report.violations:
        component = str(result.constraint).rsplit("#", 1)[-1]
        outcome.focus.add(str(result.focus_node))
        outcome.components.setdefault(component, set()).add(str(result.focus_node))
    return outcome


def rust_outcome(data: Path, shapes: Path, limit: float | None) -> Outcome:
    """shacl-rust's violations, run in a child process (native code cannot be interrupted
    in this one) that is stopped after ``limit`` seconds."""
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).with_name("rust_validate.py")),
                str(data),
                str(shapes),
            ],
            capture_output=True,
            text=True,
            timeout=limit,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return Outcome(None, note=f"> {limit:g} s (stopped)")
    outcome = Outcome(time.perf_counter() - started)
    for component, nodes in json.loads(done.stdout).items():
        outcome.components[component] = set(nodes)
        outcome.focus.update(nodes)
    return outcome


def timed(func: Callable[[], Outcome], limit: float | None) -> Outcome:
    """Run a validation, cut after ``limit`` seconds (pure-Python validators only)."""
    started = time.perf_counter()
    try:
        if limit is None:
            outcome = func()
        else:
            with time_limit(limit):
                outcome = func()
    except Deadline:
        return Outcome(None, note=f"> {limit:g} s (stopped)")
    outcome.seconds = time.perf_counter() - started
    return outcome


def run_pyshacl(data: Graph, shapes: Graph) -> Outcome:
    """Plain pySHACL on a graph that already holds the ontology (no inference, SHACL-SPARQL on)."""
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    assert isinstance(report, Graph)
    return pyshacl_outcome(report)


def measure_report(
    name: str, func: Callable[[], ValidationReport], reps: int
) -> tuple[Figure, ValidationReport]:
    """Time a validation ``reps`` times; also return the last report."""
    reports: list[ValidationReport] = []
    figure = measure(name, lambda: reports.append(func()), reps)
    return figure, reports[-1]


def run(ctx: Context, section: Section) -> None:
    """All validation measurements."""
    validator = Validator.bundled()
    shapes_file = combined_turtle(resources.shape_files(), ctx.cfg.workdir / "shapes.ttl")
    incremental = incremental_part(ctx, section, validator)
    ours, theirs = whole_graph_part(ctx, section, validator, incremental)
    same = agreement_part(ctx, section, validator, shapes_file)
    theirs.append(rust_big_part(ctx, section, shapes_file))
    if ours is not None:
        full_validation_target(ctx, ours, theirs, same)


def full_validation_target(
    ctx: Context, ours: Figure, theirs: list[Figure], same: bool | None
) -> None:
    """Full validation within 2x the fastest validator beside it, with pySHACL's violations."""
    fastest = min(
        theirs, key=lambda f: f.median if f.median is not None else f.lower_bound() or 1e9
    )
    if fastest.median is not None and ours.median is not None and fastest.median < ours.median:
        value, _ = ratio(ours, fastest)
        text = (
            "–"
            if value is None
            else f"{value:.2f}× {fastest.name} ({ours.cell()} vs {fastest.cell()})"
        )
        holds = None if value is None else value <= FASTEST_RATIO
    else:
        value, bound = ratio(fastest, ours)
        text = (
            "fastest measured: "
            + times_text(value, bound, ours, fastest)
            + f" faster than the next, {fastest.name}"
        )
        holds = ours.median is not None
    ctx.results.target(
        f"d. full validation of the big graph within {FASTEST_RATIO:g}× the fastest validator "
        "beside it (CityPact from the files, like the others)",
        text,
        holds,
    )
    ctx.results.target(
        "d. full validation reports the same violations as pySHACL (agreement check, clean and "
        "injected, SHACL-SPARQL included)",
        {True: "same focus nodes and components", False: "differs (see notes)", None: "–"}[same],
        same,
    )


def validate_submission(
    section: Section,
    store: EmbeddedStore,
    validator: Validator,
    anchor: Anchor,
    label: str,
    reps: int,
) -> tuple[Figure, Graph]:
    """Build the submission on ``anchor`` and time its incremental validation on ``store``."""
    submission = build_submission(anchor)
    incremental = IncrementalValidator(store, validator)
    focus = len(incremental.focus_nodes(submission))
    figure, report = measure_report(
        f"incremental validation of the submission, {label}",
        lambda: incremental.validate_addition(submission),
        reps,
    )
    figure.note = (
        f"{len(submission)} triples on <{anchor.partnership}>, {focus} focus nodes, "
        f"{len(report.violations)} violations"
    )
    section.add(figure)
    if report.violations:
        section.notes.append(
            f"the submission ({label}) has {len(report.violations)} violations: "
            + "; ".join(r.message() for r in report.violations[:3])
        )
    return figure, submission


def incremental_part(ctx: Context, section: Section, validator: Validator) -> Figure:
    """The 1,000-triple submission on the big store (on a partnership of a typical city, and
    once on one of the most-partnered city) and on the seed store."""
    cfg, params = ctx.cfg, ctx.ensure_params()
    store = ctx.open_store()
    try:
        typical = typical_anchor(store)
        big_fig, ctx.submission = validate_submission(
            section, store, validator, typical, "big store, typical city", cfg.reps
        )
        hub_fig, _ = validate_submission(
            section,
            store,
            validator,
            find_anchor(store, params.city),
            "big store, most-partnered city",
            1,
        )
    finally:
        store.close()
    seed_dir = cfg.workdir / "store-seed"
    shutil.rmtree(seed_dir, ignore_errors=True)
    seed = EmbeddedStore(seed_dir)
    try:
        ensure_bundled_data(seed)
        seed_fig, _ = validate_submission(
            section, seed, validator, find_anchor(seed), "seed store (bundled data only)", cfg.reps
        )
    finally:
        seed.close()
    for figure, which in ((big_fig, "typical city"), (hub_fig, "most-partnered city")):
        value, _ = ratio(figure, seed_fig)
        ctx.results.target(
            f"d. incremental validation on the big store ({which}) ≤ {SEED_RATIO:g}× the seed "
            "store's",
            "–" if value is None else f"{value:.2f}× ({figure.cell()} vs {seed_fig.cell()})",
            None if value is None else value <= SEED_RATIO,
        )
    section.notes.append(
        "The submission: 20 memoranda between the two governments of one partnership, each with a "
        "news source, two signatures by the heads in office and four commitments (50 triples "
        "each). The typical city has the median number of partnerships."
    )
    return big_fig


def whole_graph_part(
    ctx: Context, section: Section, validator: Validator, inc: Figure
) -> tuple[Figure | None, list[Figure]]:
    """pySHACL on the whole graph plus the submission; CityPact's Validator on the whole graph."""
    cfg = ctx.cfg
    graph = ctx.ensure_graph()
    submission = ctx.submission
    assert submission is not None, "the incremental part builds the submission"
    added = [t for t in submission if t not in graph]
    for triple in added:
        graph.add(triple)
    try:
        whole = section.add(
            measure(
                "pySHACL, whole graph + submission",
                lambda: run_pyshacl(graph, validator.shapes),
                1,
                limit=cfg.validation_timeout,
                note=f"{len(graph):,} triples",
            )
        )
    finally:
        for triple in added:
            graph.remove(triple)
    value, bound = ratio(whole, inc)
    ctx.results.target(
        f"d. incremental validation (typical city) ≥ {PYSHACL_RATIO:g}× faster than pySHACL on "
        "the whole graph",
        times_text(value, bound, inc, whole),
        None if value is None else value >= PYSHACL_RATIO,
    )
    if cfg.tiny:
        return None, [whole]
    store = ctx.open_store()
    try:
        in_place = section.add(
            measure(
                "CityPact Validator, whole big store in place (`citypact validate --data-dir`)",
                lambda: validator.validate_store(store.oxigraph, union=True),
                cfg.slow_reps,
                limit=cfg.validation_timeout,
                note="the shapes compiled to SPARQL, on the RocksDB store's named graphs",
            )
        )
    finally:
        store.close()
    files = ctx.all_files()
    from_files = section.add(
        measure(
            "CityPact Validator, whole big graph from the files",
            lambda: validator.validate_store(memory_store(files)),
            cfg.slow_reps,
            limit=cfg.validation_timeout,
            note="parse into an in-memory Oxigraph store, then validate (as the others are "
            "timed, parsing included)",
        )
    )
    report = validator.validate_store(memory_store(files))
    section.notes.append(
        f"CityPact Validator on the whole big graph: {len(report.violations)} violations, "
        f"{len(report.warnings)} warnings; in place, "
        f"{in_place.cell()} ({len(in_place.values)} runs)."
    )
    return from_files, [whole]


def memory_store(files: list[Path]) -> ox.Store:
    """The files bulk-loaded into one in-memory Oxigraph store (default graph)."""
    store = ox.Store()
    for path in files:
        store.bulk_load(path=str(path), format=rdf_io.format_for_path(path).oxigraph)
    return store


def agreement_part(
    ctx: Context, section: Section, validator: Validator, shapes_file: Path
) -> bool | None:
    """The three validators on a graph small enough for pySHACL, clean and with injected
    violations: same violations, same focus nodes?"""
    cfg = ctx.cfg
    dataset = generate_dataset(cfg, cfg.validation_triples, "validation")
    store = EmbeddedStore()
    ensure_bundled_data(store)
    store.load_file(dataset.path, graph=DATA_GRAPH)
    extra, expected = inject_violations(store)
    store.close()
    extra_file = cfg.workdir / "injected.ttl"
    extra.serialize(extra_file, format="turtle")
    data = rdflib_graph(resources.data_files() + [dataset.path])
    with_ontology = rdflib_graph(bundled_files() + [dataset.path])
    files = {
        "clean": combined_turtle(
            bundled_files() + [dataset.path], cfg.workdir / "validation-clean.ttl"
        ),
        "injected": combined_turtle(
            bundled_files() + [dataset.path, extra_file], cfg.workdir / "validation-injected.ttl"
        ),
    }
    outcomes: dict[str, dict[str, Outcome]] = {
        "CityPact Validator": {},
        "pySHACL": {},
        "shacl-rust": {},
    }
    for variant in ("clean", "injected"):
        if variant == "clean" and cfg.tiny:
            outcomes["CityPact Validator"][variant] = Outcome(None, note="not run (tiny)")
            outcomes["pySHACL"][variant] = Outcome(None, note="not run (tiny)")
        else:
            if variant == "injected":
                for triple in extra:
                    data.add(triple)
                    with_ontology.add(triple)
            outcomes["CityPact Validator"][variant] = timed(
                lambda: report_outcome(validator.validate(data)), cfg.validation_timeout
            )
            outcomes["pySHACL"][variant] = timed(
                lambda: run_pyshacl(with_ontology, validator.shapes), cfg.validation_timeout
            )
        outcomes["shacl-rust"][variant] = rust_outcome(
            files[variant], shapes_file, cfg.validation_timeout
        )
    rows = []
    for name, by_variant in outcomes.items():
        injected = by_variant["injected"]
        found = len(expected & injected.focus)
        rows.append(
            (
                name,
                by_variant["clean"].text(),
                seconds_text(by_variant["clean"]),
                injected.text(),
                seconds_text(injected),
                f"{found} of {len(expected)}" if injected.seconds is not None else "–",
            )
        )
    section.tables.append(
        f"Agreement check on {dataset.triples:,} generated triples plus the bundled data "
        f"({len(extra)} injected triples breaking shapes on {len(expected)} expected focus "
        "nodes):\n\n"
        + markdown_table(
            [
                "validator",
                "clean: violations",
                "time",
                "injected: violations",
                "time",
                "expected nodes found",
            ],
            rows,
        )
    )
    section.notes += compare(outcomes, expected)
    ours, reference = outcomes["CityPact Validator"], outcomes["pySHACL"]
    if any(o.seconds is None for o in (*ours.values(), *reference.values())):
        return None
    return all(
        ours[v].focus == reference[v].focus and ours[v].components == reference[v].components
        for v in ("clean", "injected")
    )


def seconds_text(outcome: Outcome) -> str:
    """The time of one validation run."""
    return "–" if outcome.seconds is None else f"{outcome.seconds:.2f} s"


def compare(outcomes: dict[str, dict[str, Outcome]], expected: set[str]) -> list[str]:
    """Where the validators differ, by constraint component."""
    notes = []
    reference = outcomes["pySHACL"]
    for name in ("CityPact Validator", "shacl-rust"):
        for variant in ("clean", "injected"):
            mine, theirs = outcomes[name][variant], reference[variant]
            if mine.seconds is None or theirs.seconds is None:
                continue
            if mine.focus == theirs.focus:
                notes.append(
                    f"{name} and pySHACL report violations on the same focus nodes ({variant})."
                )
                continue
            for component in sorted(set(mine.components) | set(theirs.components)):
                only_mine = mine.components.get(component, set()) - theirs.components.get(
                    component, set()
                )
                only_theirs = theirs.components.get(component, set()) - mine.components.get(
                    component, set()
                )
                if only_mine or only_theirs:
                    notes.append(
                        f"{variant}, {component}: {len(only_mine)} focus nodes only from {name}, "
                        f"{len(only_theirs)} only from pySHACL"
                        + (f" (e.g. <{sorted(only_mine)[0]}>)" if only_mine else "")
                    )
    missing = (
        expected - reference["injected"].focus
        if reference["injected"].seconds is not None
        else set()
    )
    if missing:
        notes.append(f"pySHACL missed expected focus nodes: {sorted(missing)}")
    return notes


def rust_big_part(ctx: Context, section: Section, shapes_file: Path) -> Figure:
    """shacl-rust on the whole big graph (it streams the file), once, with the time limit."""
    cfg = ctx.cfg
    combined = combined_turtle(ctx.all_files(), cfg.workdir / "combined-big.ttl")
    outcome = rust_outcome(combined, shapes_file, cfg.validation_timeout)
    figure = Figure("shacl-rust, whole big graph", note=f"violations: {outcome.text()}")
    if outcome.seconds is None:
        figure.capped_at = cfg.validation_timeout
    else:
        figure.values.append(outcome.seconds)
    section.add(figure)
    by_component = ", ".join(f"{k}: {len(v)}" for k, v in sorted(outcome.components.items()))
    if outcome.seconds is not None:
        section.notes.append(
            f"shacl-rust on the big graph, violations by component: {by_component or 'none'}"
        )
    combined.unlink(missing_ok=True)
    return figure
