"""The ``citypact`` parser: every command, its options and its examples."""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from citypact import __version__
from citypact.cli import bulk_commands, network_commands
from citypact.cli.common import EXIT_INPUT, UsageError, say_error
from citypact.cli.exchange_commands import (
    cmd_diff_wikidata,
    cmd_export_wikidata,
    cmd_extract,
    cmd_import_csv,
    cmd_import_wikidata,
)
from citypact.cli.store_commands import (
    cmd_export_site,
    cmd_generate,
    cmd_load,
    cmd_query,
    cmd_serve,
    cmd_submit,
    cmd_validate,
)
from citypact.validation import reports

# The languages validation messages are written in.
MESSAGE_LANGUAGES = ("en", "id")


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Wraps a one-paragraph description as argparse does, but keeps text with line breaks (the
    examples under each command's help) as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:
            return super()._fill_text(text, width, indent)
        return argparse.HelpFormatter._fill_text(self, text, width, indent)


def examples(*commands: str) -> dict[str, Any]:
    """Keywords for ``add_parser``: the help ends with ``commands`` as examples.

    Every example must parse (``tests/test_cli_help.py``), so they cannot drift from the options.
    """
    heading = "example:" if len(commands) == 1 else "examples:"
    return {
        "epilog": heading + "\n" + "\n".join(f"  {command}" for command in commands),
        "formatter_class": HelpFormatter,
    }


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 1 to 65535."""
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {text!r}")
    return port


def seconds(text: str) -> float:
    """An argparse type: a time limit in seconds, a finite number above 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="citypact",
        description="CityPact: a linked-data knowledge graph of city diplomacy.",
        **examples(
            "citypact validate tests/data/valid/new-agreement.ttl --strict",
            "citypact serve --port 8000",
            "citypact query partners_by_sector --output csv",
        ),
    )
    parser.add_argument("--version", action="version", version=f"citypact {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    val = sub.add_parser(
        "validate",
        help="validate RDF files with the SHACL shapes, as additions to the bundled graph",
        description="Validate RDF files (Turtle, N-Triples, JSON-LD, RDF/XML) as new triples "
        "added to the bundled graph (or to the store in --data-dir). With no files, validate "
        "the bundled data itself (or the whole store in --data-dir). "
        "Exit 0: conforms; 1: violations (or warnings with --strict); 2: unreadable input.",
        **examples(
            "citypact validate",
            "citypact validate tests/data/valid/new-agreement.ttl --strict",
            "citypact validate examples/new-agreement.jsonld --report-format json --lang id",
            "citypact validate --data-dir var/store tests/data/valid/new-agreement.ttl",
        ),
    )
    val.add_argument("files", nargs="*", type=Path, help="RDF files to validate")
    val.add_argument("--format", help="RDF format of the files (default: from the extension)")
    val.add_argument(
        "--report-format", choices=reports.REPORT_FORMATS, default="text", help="report format"
    )
    val.add_argument("--strict", action="store_true", help="warnings fail too")
    val.add_argument(
        "--lang", choices=MESSAGE_LANGUAGES, default="en", help="language of messages (default en)"
    )
    val.add_argument(
        "--data-dir", type=Path, help="validate against (or, with no files, all of) this store"
    )
    val.add_argument(
        "--engine",
        choices=("sparql", "pyshacl"),
        help="validation engine (CITYPACT_VALIDATION_ENGINE, default sparql)",
    )
    val.set_defaults(func=cmd_validate)

    def store_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data-dir", type=Path, help="embedded store directory (CITYPACT_DATA_DIR)")
        p.add_argument("--endpoint", help="remote SPARQL query endpoint (CITYPACT_SPARQL_ENDPOINT)")

    srv = sub.add_parser(
        "serve",
        help="serve the REST API and the SPARQL endpoint",
        **examples(
            "citypact serve --port 8000 --data-dir var/store",
            "citypact serve --endpoint http://127.0.0.1:7878/query",
        ),
    )
    srv.add_argument("--host", help="address to listen on (CITYPACT_HOST, default 127.0.0.1)")
    srv.add_argument("--port", type=port_number, help="port (CITYPACT_PORT, default 8000)")
    store_options(srv)
    srv.set_defaults(func=cmd_serve)

    load = sub.add_parser(
        "load",
        help="load RDF files into the store (bulk loading, progress bar on large files)",
        description="Load RDF files into the embedded store (or --endpoint). The bundled data "
        "is loaded first if the store does not hold it yet.",
        **examples("citypact load tests/data/valid/new-agreement.ttl --data-dir var/store"),
    )
    load.add_argument("files", nargs="+", type=Path, help="RDF files")
    load.add_argument("--graph", help="named graph to load into (default: the data graph)")
    load.add_argument("--update-endpoint", help="remote SPARQL update endpoint")
    load.add_argument("--no-bundle", action="store_true", help="do not load the bundled data")
    load.add_argument("--quiet", "-q", action="store_true", help="no progress output")
    store_options(load)
    load.set_defaults(func=cmd_load)

    smt = sub.add_parser(
        "submit",
        help="submit an RDF file (or - for standard input) to a server's /api/submissions",
        description="Exit 0: accepted; 1: rejected with violations (nothing stored); "
        "2: unreadable input, refused or unreachable.",
        **examples(
            "citypact submit tests/data/valid/new-agreement.ttl --server http://127.0.0.1:8000 "
            '--token change-me --note "MoU, Oct 2025"'
        ),
    )
    smt.add_argument("file", help="RDF file, or - for standard input (Turtle unless --format)")
    smt.add_argument("--server", required=True, help="base URL, e.g. http://127.0.0.1:8000")
    smt.add_argument("--token", help="bearer token (default: $CITYPACT_TOKEN)")
    smt.add_argument("--format", help="RDF format (default: from the extension)")
    smt.add_argument("--submitter", help="who submits")
    smt.add_argument("--note", help="a note stored with the submission")
    smt.add_argument("--source", help="the source of the submitted facts (URL)")
    smt.add_argument("--strict", action="store_true", help="warnings are rejected too")
    smt.add_argument("--lang", choices=MESSAGE_LANGUAGES, default="en", help="language of messages")
    smt.add_argument("--timeout", type=seconds, default=300, help="seconds to wait")
    smt.set_defaults(func=cmd_submit)
    # --- extract: begin ---
    ext = sub.add_parser(
        "extract",
        help="propose graph additions from a news article (Turtle on standard output)",
        description="Read a news article (plain text or HTML; - for standard input), match it "
        "against the graph's names and write the proposed statements, each with its evidence, "
        "validated against the bundled graph. Exit 0: conforms; 1: violations; 2: unreadable.",
        **examples("citypact extract tests/data/articles/001_054a8cbca290f82a.txt --lang id"),
    )
    ext.add_argument("article", help="article file (.txt or .html), or - for standard input")
    ext.add_argument("--lang", choices=("id", "ms", "en"), help="language (default: detected)")
    ext.add_argument("--date", help="the article's date, YYYY-MM-DD (default: from its header)")
    ext.add_argument(
        "--url", help="where the article was published (its date and publisher may follow)"
    )
    ext.add_argument("--format", choices=("turtle", "json"), default="turtle")
    ext.set_defaults(func=cmd_extract)
    # --- extract: end ---

    qry = sub.add_parser(
        "query",
        help="run a SPARQL query: a name from queries/, a .rq file, or query text",
        description="Run a SPARQL query on the store (--data-dir, read-only when it exists) or "
        "on a SPARQL endpoint (--endpoint) and print the answer. Exit 0: answered; 2: a query "
        "that is unknown or does not parse, or a store that cannot be read.",
        **examples(
            "citypact query partners_by_sector",
            "citypact query queries/city_partners.rq --output json",
            "citypact query 'SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 5' --output csv",
        ),
    )
    qry.add_argument("query", help="query name (e.g. partners_by_sector), .rq file or text")
    qry.add_argument(
        "--output",
        "-o",
        choices=("table", "csv", "tsv", "json"),
        default="table",
        help="output format (default: table)",
    )
    qry.add_argument("--timeout", type=seconds, help="seconds (default CITYPACT_QUERY_TIMEOUT)")
    store_options(qry)
    qry.set_defaults(func=cmd_query)

    # --- export-site: begin ---
    exp = sub.add_parser(
        "export-site",
        help="write the linked-data site as static files, with nginx and Apache rules",
        description="Write every entity's page and RDF (Turtle, JSON-LD, N-Triples, RDF/XML), "
        "the ontology documentation, the dataset description, the dumps, a sitemap and "
        "web-server configuration doing content negotiation (nginx/, .htaccess) into DIR: a new "
        "or empty directory, or an earlier export (which is replaced).",
        **examples("citypact export-site /tmp/citypact-site --site-url https://data.example.org"),
    )
    exp.add_argument("directory", type=Path, help="output directory")
    exp.add_argument("--base-iri", help="base IRI of the entities (CITYPACT_BASE_IRI)")
    exp.add_argument(
        "--site-url", help="URL the site is served at, for the sitemap (default: the base IRI)"
    )
    exp.add_argument("--quiet", "-q", action="store_true", help="no progress output")
    exp.add_argument("--data-dir", type=Path, help="embedded store directory (CITYPACT_DATA_DIR)")
    exp.set_defaults(func=cmd_export_site)
    # --- export-site: end ---

    gen = sub.add_parser(
        "generate",
        help="write a synthetic dataset that conforms to the shapes (for benchmarks)",
        description="Stream a synthetic CityPact graph to a Turtle file: the same seed gives "
        "the same file. About 235 triples per city with four agreements.",
        **examples("citypact generate /tmp/synthetic.ttl --cities 100 --agreements 400 --seed 2"),
    )
    gen.add_argument("output", type=Path, help="Turtle file to write")
    gen.add_argument("--cities", type=int, default=1000, help="number of cities (default 1000)")
    gen.add_argument("--agreements", type=int, default=4000, help="agreements (default 4000)")
    gen.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    gen.add_argument(
        "--namespace",
        default="https://w3id.org/citypact/synthetic/id/",
        help="namespace of the entity IRIs (default: the synthetic one)",
    )
    gen.set_defaults(func=cmd_generate)

    # --- import and give back (Wikidata, CSV): begin ---
    def import_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--skip-bad", action="store_true", help="import the good records anyway")
        p.add_argument("--server", help="submit to this server instead of the local store")
        p.add_argument("--token", help="bearer token for --server (default: $CITYPACT_TOKEN)")
        p.add_argument("--submitter", help="who submits")
        p.add_argument("--note", help="a note stored with the submission")
        p.add_argument("--strict", action="store_true", help="warnings are rejected too")
        p.add_argument("--timeout", type=seconds, default=300, help="seconds to wait for a server")
        p.add_argument("--data-dir", type=Path, help="embedded store directory (CITYPACT_DATA_DIR)")

    imp = sub.add_parser(
        "import",
        help="import partnerships from Wikidata results or a CSV table, as one submission",
        description="Reconcile the records with the graph (by Wikidata item, then by name and "
        "country), print what is new, reused or already present, validate, and store all as one "
        "submission (local store, or --server). Exit 0: stored or nothing new; 1: records that "
        "cannot be mapped or violations (nothing stored); 2: unreadable input or unreachable.",
        **examples(
            "citypact import wikidata tests/data/import/wikidata-twinning.json",
            "citypact import csv examples/sister-cities.csv --skip-bad",
        ),
    )
    imp_sub = imp.add_subparsers(dest="source", required=True)
    iwd = imp_sub.add_parser(
        "wikidata",
        help="SPARQL JSON results of queries/external/wikidata_twinning.rq (see README)",
        **examples(
            "citypact import wikidata tests/data/import/wikidata-twinning.json",
            "citypact import wikidata twinning.json --endpoint https://query.wikidata.org/sparql "
            "--item Q3630 --item Q1865",
            "citypact import wikidata tests/data/import/wikidata-twinning.json "
            "--server http://127.0.0.1:8000 --token change-me",
        ),
    )
    iwd.add_argument(
        "file", nargs="?", type=Path, help="results file (with --endpoint: where to save them)"
    )
    iwd.add_argument(
        "--endpoint", dest="wikidata_endpoint", help="run the query on this SPARQL endpoint"
    )
    iwd.add_argument(
        "--item", action="append", metavar="QID", help="with --endpoint: an item (repeatable)"
    )
    import_options(iwd)
    iwd.set_defaults(func=cmd_import_wikidata)
    icsv = imp_sub.add_parser(
        "csv",
        help="a sister-city table: city, country, partner, partner_country, agreement_type, "
        "date or year, sectors, source_url[, city_wikidata, partner_wikidata] (see README)",
        **examples(
            "citypact import csv examples/sister-cities.csv",
            "citypact import csv examples/sister-cities.csv --skip-bad --data-dir var/store",
        ),
    )
    icsv.add_argument("file", type=Path, help="CSV file (UTF-8, comma-separated, header row)")
    import_options(icsv)
    icsv.set_defaults(func=cmd_import_csv)
    bulk_commands.add_parser(imp_sub, examples)

    out = sub.add_parser(
        "export",
        help="give partnerships back to Wikidata (QuickStatements), or export the network",
        **examples(
            "citypact export wikidata -o statements.txt",
            "citypact export network /tmp/network --country ID",
        ),
    )
    out_sub = out.add_subparsers(dest="target", required=True)
    qs = out_sub.add_parser(
        "wikidata",
        help="QuickStatements (P190 with P580 and S854, both directions) for what Wikidata lacks",
        description="Only partnerships whose two places have a Wikidata item (cp:wikidataItem) "
        "and a source with a URL are exported; the others are counted.",
        **examples(
            "citypact export wikidata -o statements.txt",
            "citypact export wikidata --compare tests/data/import/wikidata-twinning.json",
        ),
    )
    qs.add_argument("--compare", type=Path, metavar="FILE.json", help="Wikidata results to skip")
    qs.add_argument("--output", "-o", type=Path, help="write the statements to a file")
    qs.add_argument("--data-dir", type=Path, help="embedded store directory (CITYPACT_DATA_DIR)")
    qs.set_defaults(func=cmd_export_wikidata)
    network_commands.add_parsers(sub, out_sub, examples, seconds)

    dif = sub.add_parser(
        "diff",
        help="compare our partnerships with Wikidata's",
        **examples("citypact diff wikidata tests/data/import/wikidata-twinning.json"),
    )
    dif_sub = dif.add_subparsers(dest="target", required=True)
    dwd = dif_sub.add_parser(
        "wikidata",
        help="partnerships on one side only, and start dates that disagree, as a table",
        **examples(
            "citypact diff wikidata tests/data/import/wikidata-twinning.json",
            "citypact diff wikidata tests/data/import/wikidata-twinning.json --format csv",
        ),
    )
    dwd.add_argument("file", type=Path, help="results of queries/external/wikidata_twinning.rq")
    dwd.add_argument("--format", choices=("markdown", "csv"), default="markdown")
    dwd.add_argument("--data-dir", type=Path, help="embedded store directory (CITYPACT_DATA_DIR)")
    dwd.set_defaults(func=cmd_diff_wikidata)
    # --- import and give back (Wikidata, CSV): end ---
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``citypact`` console script: the command's exit code (0 ok,
    1 validation failed, 2 unreadable input or bad usage; argparse exits 2 on its own)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as err:
        say_error(str(err))
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
