"""``citypact export network`` (the network as tables and graph files) and ``citypact release``
(a citable, versioned snapshot of the data)."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from citypact.cli.common import EXIT_INPUT, EXIT_OK, UsageError, say_error, settings_from
from citypact.store.port import Deadline, StoreError

FORMATS = {
    "csv": ("csv", "csvw"),
    "parquet": ("parquet",),
    "graphml": ("graphml",),
    "gexf": ("gexf",),
}


def add_parsers(
    sub: Any, export_sub: Any, examples: Callable[..., dict[str, Any]], seconds: Any
) -> None:
    """Add ``export network`` to the export sub-commands and ``release`` to the commands."""
    net = export_sub.add_parser(
        "network",
        help="the partnership network as tables (edges, nodes, panel) and graph files",
        description="Write the edge list (one row per partnership), the node table (one row per "
        "place) and the panel (one row per partnership per year in force) as CSV with CSV on "
        "the Web metadata, Parquet, GraphML and GEXF into DIRECTORY, for the whole graph or a "
        "slice. Several values of a filter: repeat it or separate them by commas. Exit 0: "
        "written; 2: a bad filter, an unreadable store or an unwritable directory.",
        **examples(
            "citypact export network /tmp/network",
            "citypact export network /tmp/network --country ID --sector flood-management",
            "citypact export network /tmp/network --region EU --year-from 1990 --year-to 1999 "
            "--format csv --format parquet",
        ),
    )
    net.add_argument("directory", type=Path, help="output directory (created if missing)")
    net.add_argument("--country", action="append", help="ISO 3166-1 alpha-2 code, e.g. ID")
    net.add_argument("--region", action="append", help="continent code: AF AN AS EU NA OC SA")
    net.add_argument("--sector", action="append", help="sector slug (narrower sectors count)")
    net.add_argument("--type", action="append", help="partnership type slug, e.g. sister-city")
    net.add_argument(
        "--status", action="append", help="active, dormant, suspended, ended, renewed or unknown"
    )
    net.add_argument("--year-from", help="in force in or after this year (YYYY)")
    net.add_argument("--year-to", help="in force in or before this year (YYYY)")
    net.add_argument(
        "--format",
        action="append",
        choices=tuple(FORMATS),
        help="a format to write (repeatable; default: all)",
    )
    net.add_argument("--timeout", type=seconds, default=1800, help="seconds (default 1800)")
    net.add_argument("--data-dir", type=Path, help="embedded store directory (CITYPACT_DATA_DIR)")
    net.add_argument("--endpoint", help="remote SPARQL query endpoint (CITYPACT_SPARQL_ENDPOINT)")
    net.set_defaults(func=cmd_export_network)

    rel = sub.add_parser(
        "release",
        help="write a citable, versioned release: dumps, network tables, VoID, CITATION.cff",
        description="Write a release of the store's data into OUTPUT_DIR/VERSION: every dump, "
        "the network tables, VoID/DCAT with the version, date, licence per named graph and "
        "SHA-256 checksums, CITATION.cff, and a changelog of the partnerships added, changed "
        "and retracted since the previous release. A version is never overwritten. Exit 0: "
        "written; 2: a bad or existing version, or an unreadable store.",
        **examples(
            "citypact release",
            "citypact release --version 2026.1 --output-dir var/releases",
        ),
    )
    rel.add_argument("--version", dest="release_version", help="version (default: YYYY.MM.DD)")
    rel.add_argument(
        "--output-dir", type=Path, help="where releases go (CITYPACT_RELEASES_DIR, var/releases)"
    )
    rel.add_argument("--base-iri", help="base IRI of the entities (CITYPACT_BASE_IRI)")
    rel.add_argument("--timeout", type=seconds, default=3600, help="seconds (default 3600)")
    rel.add_argument("--quiet", "-q", action="store_true", help="no progress output")
    rel.add_argument("--data-dir", type=Path, help="embedded store directory (CITYPACT_DATA_DIR)")
    rel.set_defaults(func=cmd_release)


def cmd_export_network(args: argparse.Namespace) -> int:
    """Write the network tables and graph files, whole or filtered."""
    from citypact.curation.importing.commit import open_for_reading
    from citypact.network.filters import FilterError, parse_filters
    from citypact.network.formats import FILES, write_all
    from citypact.network.tables import read_network

    settings = settings_from(args)
    deadline = Deadline(args.timeout)
    started = time.monotonic()
    try:
        store = open_for_reading(settings)
    except StoreError as err:
        say_error(str(err))
        return EXIT_INPUT
    try:
        network = read_network(store, args.timeout, deadline.check)
        raw = {
            "country": args.country,
            "region": args.region,
            "sector": args.sector,
            "type": args.type,
            "status": args.status,
            "year_from": args.year_from,
            "year_to": args.year_to,
        }
        try:
            filters = parse_filters(raw, network.vocabulary)
        except FilterError as err:
            option = "--" + err.parameter.replace("_", "-")
            raise UsageError(f"{option}: {err.reason}") from None
        sliced = filters.apply(network)
        kinds = {k for f in (args.format or FORMATS) for k in FORMATS[f]}
        names = tuple(f.name for f in FILES if f.kind in kinds)
        try:
            written = write_all(
                sliced, args.directory, deadline.check, names, (filters.year_from, filters.year_to)
            )
        except OSError as err:
            say_error(f"cannot write {args.directory}: {err.strerror or err}")
            return EXIT_INPUT
    except StoreError as err:
        say_error(str(err))
        return EXIT_INPUT
    finally:
        store.close()
    print(
        f"{args.directory}: {len(sliced.edges)} partnerships, {len(sliced.nodes)} places "
        f"(filters: {filters.describe()}); {len(written)} files in "
        f"{time.monotonic() - started:.1f} s"
    )
    for path in written:
        print(f"  {path.name} ({path.stat().st_size} bytes)")
    return EXIT_OK


def cmd_release(args: argparse.Namespace) -> int:
    """Write a versioned release of the data."""
    from citypact.curation.importing.commit import open_for_reading
    from citypact.publishing.linked_data import IriSpace
    from citypact.publishing.release import ReleaseError, make_release

    base = {"base_iri": args.base_iri.rstrip("/") + "/"} if args.base_iri else {}
    settings = settings_from(args, **base)
    directory = args.output_dir or settings.releases_dir
    deadline = Deadline(args.timeout)
    say = (lambda _m: None) if args.quiet else (lambda m: print(m, flush=True))
    try:
        store = open_for_reading(settings)
    except StoreError as err:
        say_error(str(err))
        return EXIT_INPUT
    try:
        directory.mkdir(parents=True, exist_ok=True)
        release = make_release(
            store,
            directory,
            IriSpace(settings.base_iri),
            args.release_version,
            deadline.check,
            say,
            args.timeout,
        )
    except ReleaseError as err:
        raise UsageError(str(err)) from None
    except OSError as err:
        say_error(f"cannot write {directory}: {err.strerror or err}")
        return EXIT_INPUT
    except StoreError as err:
        say_error(str(err))
        return EXIT_INPUT
    finally:
        store.close()
    print(
        f"release {release.version} ({release.issued}): {release.partnerships} partnerships, "
        f"{len(release.files)} files in {release.directory}"
    )
    return EXIT_OK
