"""``citypact import lists``: the bulk import of the pinned partnership lists."""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from citypact import resources
from citypact.cli.common import EXIT_INPUT, EXIT_INVALID, EXIT_OK, say_error, settings_from
from citypact.curation.bulk.build import add_to_store, build, validate_with_bundled, write_files
from citypact.curation.bulk.lists import ListInputError
from citypact.curation.bulk.report import write_report
from citypact.curation.bulk.store_state import StoreState
from citypact.store.backends import ensure_bundled_data, open_store
from citypact.store.embedded import EmbeddedStore
from citypact.store.port import StoreError
from citypact.validation.validator import ValidationReport, Validator

DEFAULT_RAW = Path("data/raw")


def _warnings(report: ValidationReport) -> Counter[str]:
    return Counter(w.message("en") for w in report.warnings)


def cmd_import_lists(args: argparse.Namespace) -> int:
    """Reconcile the lists of ``--raw-dir`` and write the named graphs (files or a store)."""
    raw: Path = args.raw_dir
    if not raw.is_dir():
        say_error(f"{raw}: no such directory of raw inputs (--raw-dir)")
        return EXIT_INPUT
    started = time.perf_counter()
    validator = Validator.bundled()
    try:
        if args.data_dir is None:
            # The repository's files: reconciled against the bundled curated graph alone.
            base = EmbeddedStore.wrap(ox.Store())
            ensure_bundled_data(base, built=False)
            state = StoreState.read(base)
        else:
            store = open_store(settings_from(args))
            ensure_bundled_data(store)
            state = StoreState.read(store)
        result = build(raw, state)
    except ListInputError as err:
        say_error(str(err))
        return EXIT_INPUT
    except StoreError as err:
        say_error(str(err))
        return EXIT_INPUT
    checking = time.perf_counter()
    report = validate_with_bundled(result.graphs, validator)
    result.seconds["validating"] = round(time.perf_counter() - checking, 2)
    violations = len(report.violations)
    out: Path = args.out_dir
    write_report(out, result.figures, result.result, result.seconds, violations, _warnings(report))
    f = result.figures
    print(
        f"{f.partnerships:,} partnerships between {f.places:,} places; "
        f"{f.ambiguous:,} ambiguous mentions and {f.refused_rows:,} refused rows "
        f"(see {out}/import-report.md)"
    )
    if violations:
        for v in report.violations[:20]:
            say_error(f"violation: {v.focus_node}: {v.message('en')}")
        say_error(f"{violations} violations: nothing written")
        return EXIT_INVALID
    if args.data_dir is None:
        for path in write_files(result.graphs, out):
            print(f"wrote {path}")
    else:
        added = add_to_store(store, result.graphs)
        print(f"added {added:,} quads to {args.data_dir} (0 means the store held them all)")
        store.close()
    print(f"took {time.perf_counter() - started:.1f} s")
    return EXIT_OK


def add_parser(imp_sub: argparse._SubParsersAction, examples: object) -> None:  # type: ignore[type-arg]
    """Register ``import lists`` under ``citypact import``."""
    extra = examples(  # type: ignore[operator]
        "citypact import lists",
        "citypact import lists --data-dir var/store",
    )
    lists = imp_sub.add_parser(
        "lists",
        help="the pinned partnership lists of data/raw (Wikidata P190, Wikipedia's twin-town "
        "lists, with GeoNames, Natural Earth and dr5hn to place them), reconciled in memory",
        description="Reconcile every list of --raw-dir with the graph's places and with each "
        "other, validate the result with the bundled graph, and write one named graph per "
        "source: gzipped N-Quads in --out-dir (the files `make run` loads), or, with "
        "--data-dir, only what that store lacks, in one transaction. The report (import-"
        "report.md, refused.tsv, ambiguous.tsv) goes to --out-dir. Exit 0: written; 1: "
        "violations (nothing written); 2: unreadable input.",
        **extra,
    )
    lists.add_argument("--raw-dir", type=Path, default=DEFAULT_RAW, help="pinned raw inputs")
    lists.add_argument(
        "--out-dir",
        type=Path,
        default=None,
        help="where the graphs and the report go (default: the bundled data/built)",
    )
    lists.add_argument("--data-dir", type=Path, help="add to this embedded store instead")
    lists.set_defaults(func=_with_defaults)


def _with_defaults(args: argparse.Namespace) -> int:
    if args.out_dir is None:
        args.out_dir = resources.built_dir()
    return cmd_import_lists(args)
